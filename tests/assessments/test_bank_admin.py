"""The admin shows published and retired bank versions read-only and edits drafts."""

import pytest
from django.urls import reverse

from assessments.models import Area, Question
from assessments.services.banks import bank_draft_from
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _change_url(obj) -> str:
    return reverse(f"admin:assessments_{obj._meta.model_name}_change", args=[obj.pk])


def _rows(bank):
    area = Area.objects.filter(dimension__bank=bank).first()
    return [bank, area.dimension, area, area.questions.first(), bank.rules.first()]


def test_published_rows_are_read_only_with_a_notice(admin_client, default_bank):
    for obj in _rows(default_bank):
        page = admin_client.get(_change_url(obj))
        assert page.status_code == 200
        assert not page.context["has_change_permission"]
        assert not page.context["has_delete_permission"]
        assert "read-only" in page.content.decode()
        for formset in page.context["inline_admin_formsets"]:
            assert not formset.has_change_permission
            assert not formset.has_add_permission
            assert not formset.has_delete_permission


def test_posting_to_a_published_row_changes_nothing(admin_client, default_bank):
    question = Question.objects.filter(area__dimension__bank=default_bank).first()
    response = admin_client.post(_change_url(question), {"text": "Changed"})
    assert response.status_code == 403
    assert Question.objects.get(pk=question.pk).text == question.text


def test_draft_rows_are_editable(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    for obj in _rows(draft):
        page = admin_client.get(_change_url(obj))
        assert page.context["has_change_permission"]
        assert "read-only" not in page.content.decode()


def test_new_questions_can_only_go_into_a_draft(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    page = admin_client.get(reverse("admin:assessments_question_add"))
    choices = page.context["adminform"].form.fields["area"].queryset
    assert set(choices) == set(Area.objects.filter(dimension__bank=draft))
