"""The admin shows published and retired bank versions read-only and edits drafts."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from banks.models import Area, Question, QuestionBank
from banks.services import bank_as_dict, bank_draft_from
from tests.conftest import DEFAULT_BANK

pytestmark = pytest.mark.django_db


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


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
    page = admin_client.get(reverse("admin:banks_question_add"))
    choices = page.context["adminform"].form.fields["area"].queryset
    assert set(choices) == set(Area.objects.filter(dimension__bank=draft))


def _post(client, name: str, bank):
    return client.post(reverse(f"admin:banks_questionbank_{name}", args=[bank.pk]))


def test_new_draft_button_copies_and_opens_the_draft(admin_client, default_bank):
    response = _post(admin_client, "draft", default_bank)
    draft = QuestionBank.objects.get(slug=default_bank.slug, status=QuestionBank.Status.DRAFT)
    assert response.status_code == 302
    assert response["Location"] == _change_url(draft)
    assert "New draft from this version" in admin_client.get(_change_url(default_bank)).text


def test_publish_button_publishes_a_valid_draft(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    response = _post(admin_client, "publish", draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.PUBLISHED


def test_publish_button_lists_the_problems_of_an_invalid_draft(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    draft.rules.filter(pk=draft.rules.first().pk).update(
        condition={"question": "no.such.question", "current_at_least": 4}
    )
    response = admin_client.post(
        reverse("admin:banks_questionbank_publish", args=[draft.pk]), follow=True
    )
    texts = [str(m) for m in response.context["messages"]]
    assert any("was not published" in t for t in texts)
    assert any("no.such.question" in t for t in texts)
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT


def test_buttons_need_a_post(admin_client, default_bank):
    url = reverse("admin:banks_questionbank_draft", args=[default_bank.pk])
    assert admin_client.get(url).status_code == 405


def test_download_yaml_imports_back_as_an_identical_new_version(admin_client, default_bank):
    download = admin_client.get(reverse("admin:banks_questionbank_export", args=[default_bank.pk]))
    assert download.status_code == 200
    assert "attachment" in download["Content-Disposition"]
    upload = SimpleUploadedFile("bank.yaml", download.content)
    response = admin_client.post(reverse("admin:banks_questionbank_import"), {"file": upload})
    draft = QuestionBank.objects.get(slug=default_bank.slug, status=QuestionBank.Status.DRAFT)
    assert response.status_code == 302
    assert draft.version == default_bank.version + 1
    assert {**bank_as_dict(draft), "version": 0} == {**bank_as_dict(default_bank), "version": 0}


def test_import_of_a_bad_file_lists_every_problem_with_its_line(admin_client, default_bank):
    text = DEFAULT_BANK.read_text().replace("product_leadership: 4", "product_leadership: 9", 1)
    text = text.replace("customer_intimacy: 5", "customer_closeness: 5", 1)
    before = QuestionBank.objects.count(), Question.objects.count()
    upload = SimpleUploadedFile("broken.yaml", text.encode())
    response = admin_client.post(reverse("admin:banks_questionbank_import"), {"file": upload})
    assert response.status_code == 200
    problems = response.context["problems"]
    assert len(problems) >= 2
    assert all(re.search(r"broken\.yaml:\d+", p) for p in problems), problems
    assert "nothing was imported" in response.text
    assert (QuestionBank.objects.count(), Question.objects.count()) == before


def test_an_oversized_bank_file_is_refused_beside_the_field(admin_client, default_bank):
    before = QuestionBank.objects.count()
    upload = SimpleUploadedFile("huge.yaml", b"# padding\n" * 300_000)  # about 3 MB
    response = admin_client.post(reverse("admin:banks_questionbank_import"), {"file": upload})
    assert response.status_code == 200
    assert "a question bank file can be at most 2 MB" in response.text
    assert QuestionBank.objects.count() == before


def test_preview_scores_sample_answers_against_a_draft(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    page = admin_client.get(
        reverse("admin:banks_questionbank_preview", args=[draft.pk]),
        {"discipline": "customer_intimacy"},
    )
    assert page.status_code == 200
    result = page.context["result"]
    assert result.alignment_index is not None
    assert len(result.dimensions) == 4
    assert result.action_plan
    assert result.action_plan[0].title in page.text


def test_preview_shows_the_draft_as_the_wizard_would(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).order_by("pk").first()
    question.text = "A statement only this draft has."
    question.target_product_leadership = 2
    question.save()
    page = admin_client.get(
        reverse("admin:banks_questionbank_preview", args=[draft.pk]),
        {"discipline": "product_leadership"},
    )
    html = page.text
    assert "A statement only this draft has." in html
    assert (
        html.count("<li><strong>") == Question.objects.filter(area__dimension__bank=draft).count()
    )
    assert "Suggested target for product leadership: 2" in html


def test_draft_edits_are_recorded_in_the_history(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    question = Question.objects.filter(area__dimension__bank=draft).first()
    question.text = "Edited in a test"
    question.save()
    history = question.history.all()
    assert history.first().text == "Edited in a test"
    assert (
        admin_client.get(reverse("admin:banks_question_history", args=[question.pk])).status_code
        == 200
    )


def test_every_input_of_a_table_like_inline_has_a_name(admin_client, default_bank):
    """Tabular inlines have no <label> per input: each gets its column's name and row."""
    draft = bank_draft_from(bank_row=default_bank)
    html = admin_client.get(_change_url(draft)).content.decode()
    assert 'name="dimensions-0-title"' in html
    inputs = re.findall(r"<input[^>]*>", html)
    title = next(tag for tag in inputs if 'name="dimensions-0-title"' in tag)
    delete = next(tag for tag in inputs if 'name="dimensions-1-DELETE"' in tag)
    assert re.search(r'aria-label="Title[^"]*, row 1"', title)
    assert 'aria-label="Delete, row 2"' in delete
    stacked = admin_client.get(_change_url(Area.objects.filter(dimension__bank=draft).first()))
    assert 'aria-label="Text, row 1"' not in stacked.content.decode()  # stacked rows have labels
