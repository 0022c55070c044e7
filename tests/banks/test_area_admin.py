"""Admins edit a whole area — questions, targets, action templates — on one page."""

import pytest
from django.urls import reverse

from banks.models import Area, Question
from banks.services import bank_draft_from

pytestmark = pytest.mark.django_db


def _formset_data(response) -> dict[str, str]:
    """Collect the values the change form would submit as it is rendered."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        data[name] = "" if value is None else getattr(value, "pk", value)
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management.initial.get(name, "")
        for sub in formset.formset.forms:
            for name, field in sub.fields.items():
                value = sub.initial.get(name, field.initial)
                if value is None:
                    continue
                data[f"{sub.prefix}-{name}"] = getattr(value, "pk", value)
    return data


def test_area_page_edits_a_question_text_and_target(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)  # only a draft can be edited
    area = Area.objects.filter(dimension__bank=draft).first()
    url = reverse("admin:banks_area_change", args=[area.pk])
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "SMART action template" in page.content.decode()
    data = _formset_data(page)
    prefix = next(k for k in data if k.endswith("-0-text")).removesuffix("-0-text")
    data[f"{prefix}-0-text"] = "We sample what customers think every week."
    data[f"{prefix}-0-target_customer_intimacy"] = 2
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context and response.context.get("errors")
    question = Question.objects.get(pk=data[f"{prefix}-0-id"])
    assert question.text == "We sample what customers think every week."
    assert question.target_customer_intimacy == 2


@pytest.mark.parametrize(
    "name",
    [
        "banks_questionbank",
        "banks_dimension",
        "banks_area",
        "banks_question",
        "banks_consistencyrule",
        "organizations_organization",
        "assessments_assessment",
    ],
)
def test_admin_lists_open(admin_client, default_bank, name):
    assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200


def test_admin_question_list_filters_by_dimension(admin_client, default_bank):
    url = reverse("admin:banks_question_changelist")
    response = admin_client.get(url, {"area__dimension__code": "market"})
    assert response.status_code == 200
    assert (
        response.context["cl"].result_count
        == Question.objects.filter(area__dimension__code="market").count()
    )
