"""What a new user tripped over (issue #19, item 8): wording, stale messages, the admin's landing
page, help that cites a missing file, raw codes, Publish without confirmation, the favicon, and
a consultant's note with no consultant."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from assessments.services import cycles
from banks.admin import BankImportForm
from banks.models import QuestionBank
from banks.services import bank_draft_from
from reports.models import Report
from tests.accounts.factories import UserFactory
from tests.assessments.factories import submitted_response
from tests.conftest import DEFAULT_BANK
from tests.consultants.factories import ConsultantAccessFactory
from tests.reports.factories import ActionItemFactory

pytestmark = pytest.mark.django_db


def test_the_segment_reads_as_a_noun_in_every_action_text():
    text = DEFAULT_BANK.read_text(encoding="utf-8")
    assert "{segment}" in text
    filled = text.replace("{segment}", "bespoke-minded homeowners")
    assert "homeowners customers" not in filled
    assert not re.search(r"\{segment\} customers", text)


def test_no_message_says_the_report_is_being_built(owner_client, assessment):
    submitted_response(assessment)
    page = owner_client.post(reverse("assessments:close", args=[assessment.pk]), follow=True)
    messages = [str(m) for m in page.context["messages"]]
    assert messages == ["The cycle “2026-Q4” is closed."]
    assert "being built" not in page.content.decode()
    Report.objects.filter(assessment=assessment).update(status=Report.Status.READY)
    rebuilt = owner_client.post(reverse("reports:rebuild", args=[assessment.pk]), follow=True)
    assert not any("being rebuilt" in str(m) for m in rebuilt.context["messages"])


def test_an_administrator_without_an_organization_lands_in_the_admin(client):
    admin = UserFactory(email="admin@resonance.example", is_staff=True, is_superuser=True)
    client.force_login(admin)
    landing = client.get(reverse("organizations:home"))
    assert landing.status_code == 302
    assert landing["Location"] == reverse("admin:index")
    ordinary = UserFactory(email="new@bakery.example")
    client.force_login(ordinary)
    assert client.get(reverse("organizations:home"))["Location"] == reverse(
        "organizations:organization_create"
    )


def test_bank_import_help_cites_only_what_the_repository_has(admin_client):
    assert "DESIGN.md" not in str(BankImportForm().fields["file"].help_text)
    page = admin_client.get(reverse("admin:banks_questionbank_import")).content.decode()
    assert "DESIGN.md" not in page
    assert "Download YAML" in page


def test_preview_and_messages_use_labels_not_codes(admin_client, default_bank):
    copied = admin_client.post(
        reverse("admin:banks_questionbank_draft", args=[default_bank.pk]), follow=True
    )
    texts = " ".join(str(m) for m in copied.context["messages"])
    assert "smb-alignment v" not in texts
    assert "Smb-alignment" not in copied.content.decode()
    assert f"version {default_bank.version}" in texts
    draft = QuestionBank.objects.get(status=QuestionBank.Status.DRAFT)
    page = admin_client.get(reverse("admin:banks_questionbank_preview", args=[draft.pk]))
    html = page.content.decode()
    assert ">Operational excellence</option>" in html
    assert ">operational_excellence<" not in html
    band = page.context["result"].band
    assert f"({band})" not in html
    assert "Suggested target for operational excellence" in html


def test_publish_asks_first_and_then_says_nothing_contradictory(admin_client, default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    url = reverse("admin:banks_questionbank_publish", args=[draft.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert "can no longer be edited" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.DRAFT
    done = admin_client.post(url, follow=True)
    texts = [str(m) for m in done.context["messages"]]
    assert any("is published" in t for t in texts)
    assert not any("read-only" in t for t in texts)
    draft.refresh_from_db()
    assert draft.status == QuestionBank.Status.PUBLISHED


def test_the_favicon_is_served_and_linked_on_admin_pages(admin_client, client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 301
    assert icon["Location"].endswith("favicon.svg")
    admin_page = admin_client.get(reverse("admin:index")).content.decode()
    assert 'rel="icon"' in admin_page


def test_the_owner_neither_sees_nor_writes_the_consultants_note(owner_client, owner, assessment):
    submitted_response(assessment)
    cycles.assessment_close(assessment=assessment)
    item = ActionItemFactory(assessment=assessment, consultant_note="")
    edit = reverse("reports:action_edit", args=[item.pk])
    assert "Consultant&#x27;s note" not in owner_client.get(edit).content.decode()
    owner_client.post(
        edit,
        {
            "assignee": "Mia",
            "due": item.due.isoformat(),
            "status": "todo",
            "progress_note": "",
            "consultant_note": "written by the owner",
        },
    )
    item.refresh_from_db()
    assert item.assignee == "Mia"
    assert item.consultant_note == ""
    api = APIClient()
    api.force_authenticate(owner)
    refused = api.patch(
        f"/api/action-items/{item.pk}/", {"consultant_note": "again"}, format="json"
    )
    assert refused.status_code == 400
    # Once a consultant has access, the consultant writes it.
    consultant = ConsultantAccessFactory(organization=assessment.organization).consultant
    owner_client.force_login(consultant)
    assert "Consultant&#x27;s note" in owner_client.get(edit).content.decode()
