"""`export_bank` writes the interchange format; a publish never changes an existing report."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment
from banks.models import Question, QuestionBank
from banks.services import bank_as_dict, bank_draft_from, bank_import_draft, bank_publish
from demo.services import demo_seed
from reports.models import Report
from scoring.bank import load_bank_yaml

pytestmark = pytest.mark.django_db


def test_export_then_import_gives_back_the_same_bank(tmp_path, default_bank):
    path = tmp_path / "bank.yaml"
    call_command("export_bank", default_bank.slug, "-o", str(path), stderr=StringIO())
    draft = bank_import_draft(text=path.read_text(), source=str(path))
    assert draft.version == default_bank.version + 1
    assert {**bank_as_dict(draft), "version": 0} == {**bank_as_dict(default_bank), "version": 0}


def test_export_of_a_version_to_stdout_parses(default_bank):
    draft = bank_draft_from(bank_row=default_bank)
    out = StringIO()
    call_command("export_bank", default_bank.slug, "--version", str(draft.version), stdout=out)
    bank = load_bank_yaml(out.getvalue(), source="stdout")
    assert bank.version == draft.version
    assert all(q.continues == code for code, q in bank.questions.items())


def test_export_of_a_missing_version_fails(default_bank):
    with pytest.raises(CommandError, match="no version 7"):
        call_command("export_bank", default_bank.slug, "--version", "7", stdout=StringIO())


def test_publishing_a_new_version_changes_no_existing_score(default_bank):
    demo_seed()
    reports = {r.pk: r.result for r in Report.objects.exclude(result={})}
    banks = dict(Assessment.objects.values_list("pk", "bank_id"))
    assert reports
    draft = bank_draft_from(bank_row=default_bank)
    Question.objects.filter(area__dimension__bank=draft).update(
        target_operational_excellence=1, target_product_leadership=1, target_customer_intimacy=1
    )
    bank_publish(bank_row=draft)
    assert dict(Assessment.objects.values_list("pk", "bank_id")) == banks
    assert {r.pk: r.result for r in Report.objects.exclude(result={})} == reports
    assert QuestionBank.objects.get(pk=default_bank.pk).status == QuestionBank.Status.RETIRED
