"""The report build service: one ready report, kept progress, readable failures, intact data."""

import gc

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.storage import default_storage
from django.db import OperationalError

from assessments.models import Answer, Assessment
from banks.services import bank_to_engine
from organizations.models import Level
from reports import pdf as pdf_module
from reports import services as reports
from reports.content import report_content
from reports.models import ActionItem, Report
from reports.services import (
    MAX_ATTEMPTS,
    action_item_update,
    assessment_engine_input,
    assessment_projected_index,
    perception_matrix,
    report_build,
    report_request,
)
from scoring.engine import projected_index, score_assessment
from tests.reports.pdfs import stored_pdfs
from tests.scenarios import answered_assessment

pytestmark = pytest.mark.django_db


def test_build_stores_result_figures_pdf_action_items_and_timings(built_report, assessment):
    report = built_report
    assert report.status == Report.Status.READY
    assert report.error == ""
    assert 0 <= report.alignment_index <= 100
    assert report.band == report.result["band"]
    assert set(report.figures) >= {"radar", "areas", "matrix", "fit", "perception"}
    assert set(report.timings) >= {"score", "figures", "pdf", "pdf_html", "pdf_render", "store_pdf"}
    # CPU milliseconds per phase: the PDF's two steps are inside the PDF phase.
    cpu = report.timings["cpu"]
    assert set(cpu) >= {"score", "figures", "pdf", "pdf_html", "pdf_render", "store_pdf"}
    assert cpu["pdf_render"] > 0
    assert cpu["pdf_html"] + cpu["pdf_render"] <= cpu["pdf"] + 2  # rounding of each
    assert report.duration_ms > 0
    assert report.started_at <= report.finished_at
    assert report.attempts == 1
    with report.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    plan = report.result["action_plan"]
    items = list(assessment.action_items.order_by("position"))
    assert [i.question_code for i in items] == [p["question"] for p in plan]
    assert all(i.status == ActionItem.Status.TODO for i in items)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SCORED


def test_result_is_the_engines_result(built_report, assessment):
    bank = bank_to_engine(assessment.bank)
    expected = score_assessment(bank, assessment_engine_input(assessment=assessment))
    assert built_report.alignment_index == expected.alignment_index
    assert [p["question"] for p in built_report.result["priorities"]] == [
        p.question for p in expected.priorities
    ]


def test_a_ready_report_is_returned_at_once(built_report):
    again = report_build(report_id=built_report.pk)
    assert again.finished_at == built_report.finished_at
    assert again.pdf.name == built_report.pdf.name
    assert again.attempts == 1
    assert len(stored_pdfs()) == 1


def test_a_missing_report_is_nothing_to_do(db):
    assert report_build(report_id=987654) is None


def test_rebuild_keeps_progress_of_items_whose_question_reappears(
    built_report, assessment, django_capture_on_commit_callbacks
):
    first = assessment.action_items.order_by("position").first()
    action_item_update(
        item=first,
        assignee="Mia",
        due=first.due,
        status="in_progress",
        progress_note="Started",
        consultant_note="Check the supplier list first",
    )
    old_pdf = built_report.pdf.name
    report_request(assessment=assessment, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        rebuilt = report_build(report_id=built_report.pk)
    assert rebuilt.status == Report.Status.READY
    kept = ActionItem.objects.get(assessment=assessment, question_code=first.question_code)
    assert kept.pk == first.pk
    assert (kept.assignee, kept.status, kept.progress_note) == ("Mia", "in_progress", "Started")
    assert kept.consultant_note == "Check the supplier list first"
    assert assessment.action_items.count() == len(rebuilt.result["action_plan"])
    assert rebuilt.pdf.name != old_pdf, "a rebuild writes a new file"
    assert not default_storage.exists(old_pdf), "and removes the one it replaced"
    assert stored_pdfs() == [rebuilt.pdf.name]


def test_rebuild_drops_items_whose_question_left_the_plan(built_report, assessment):
    first = built_report.result["action_plan"][0]
    top = first["question"]
    # Practice exactly at target: nothing left to raise or to scale back.
    at_target = round(first["practice_to"])
    Answer.objects.filter(response__assessment=assessment, question__code=top).update(
        current=at_target, target=None
    )
    report_request(assessment=assessment, enqueue=False)
    rebuilt = report_build(report_id=built_report.pk)
    codes = set(assessment.action_items.values_list("question_code", flat=True))
    assert top not in codes
    assert codes == {p["question"] for p in rebuilt.result["action_plan"]}


def test_failing_render_marks_failed_and_keeps_earlier_data(built_report, assessment, monkeypatch):
    before_items = list(
        assessment.action_items.order_by("position").values_list("pk", "question_code", "title")
    )

    def broken(html, **kwargs):
        raise RuntimeError("the printer caught fire")

    monkeypatch.setattr(pdf_module, "html_to_pdf", broken)
    report_request(assessment=assessment, enqueue=False)
    failed = report_build(report_id=built_report.pk)
    assert failed.status == Report.Status.FAILED
    assert failed.error.startswith(
        "Rendering the PDF failed: RuntimeError: the printer caught fire"
    )
    assert failed.result == built_report.result
    assert failed.figures == built_report.figures
    assert failed.pdf.name == built_report.pdf.name
    assert default_storage.exists(failed.pdf.name)
    assert failed.alignment_index == built_report.alignment_index
    after_items = list(
        assessment.action_items.order_by("position").values_list("pk", "question_code", "title")
    )
    assert after_items == before_items
    assert stored_pdfs() == [built_report.pdf.name]


def test_a_redelivered_message_after_a_failure_does_not_retry(
    built_report, assessment, monkeypatch
):
    monkeypatch.setattr(pdf_module, "html_to_pdf", lambda html, **kw: 1 / 0)
    report_request(assessment=assessment, enqueue=False)
    failed = report_build(report_id=built_report.pk)
    again = report_build(report_id=built_report.pk)
    assert again.status == Report.Status.FAILED
    assert again.attempts == failed.attempts == 1


def test_first_build_failing_leaves_no_file_and_no_items(assessment, monkeypatch):
    def broken(*args, **kwargs):
        raise ValueError("no room")

    monkeypatch.setattr(reports, "_report_store", broken)
    report = report_request(assessment=assessment, enqueue=False)
    failed = report_build(report_id=report.pk)
    assert failed.status == Report.Status.FAILED
    assert failed.error == "Saving the report failed: ValueError: no room"
    assert failed.result is None
    assert not failed.pdf
    assert not assessment.action_items.exists()
    assert stored_pdfs() == []


def test_transient_database_errors_propagate_for_the_task_to_retry(assessment, monkeypatch):
    def flaky(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(reports, "assessment_engine_input", flaky)
    report = report_request(assessment=assessment, enqueue=False)
    with pytest.raises(OperationalError):
        report_build(report_id=report.pk)
    report.refresh_from_db()
    assert report.status == Report.Status.RUNNING  # not failed: a retry follows
    assert report.attempts == 1


def test_the_garbage_collector_is_paused_during_a_build_only(assessment, monkeypatch):
    seen = []
    real = pdf_module.report_pdf

    def watched(content, **kwargs):
        seen.append(gc.isenabled())
        return real(content, **kwargs)

    monkeypatch.setattr(pdf_module, "report_pdf", watched)
    assert gc.isenabled()
    report = report_request(assessment=assessment, enqueue=False)
    assert report_build(report_id=report.pk).status == Report.Status.READY
    assert seen == [False]
    assert gc.isenabled(), "the collector is back after the build"

    def broken(content, **kwargs):
        raise RuntimeError("jammed")

    monkeypatch.setattr(pdf_module, "report_pdf", broken)
    report = report_request(assessment=assessment, enqueue=False)
    assert report_build(report_id=report.pk).status == Report.Status.FAILED
    assert gc.isenabled(), "and after a failed one"


def test_soft_time_limit_ends_in_a_readable_failure(assessment, monkeypatch):
    def slow(content, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(pdf_module, "report_pdf", slow)
    report = report_request(assessment=assessment, enqueue=False)
    failed = report_build(report_id=report.pk)
    assert failed.status == Report.Status.FAILED
    assert "longer than its time limit" in failed.error


def test_a_build_that_keeps_dying_is_given_up(assessment):
    report = report_request(assessment=assessment, enqueue=False)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, attempts=MAX_ATTEMPTS)
    given_up = report_build(report_id=report.pk)
    assert given_up.status == Report.Status.FAILED
    assert f"started {MAX_ATTEMPTS} times" in given_up.error


def test_duplicate_build_finishing_second_discards_its_work(
    assessment, monkeypatch, django_capture_on_commit_callbacks
):
    """Two deliveries run at once: the one that stores second changes nothing."""
    real_compute = reports._report_compute
    calls = []

    def compute_then_let_the_duplicate_finish(*, report, timer):
        built = real_compute(report=report, timer=timer)
        if not calls:
            calls.append(1)
            finished = report_build(report_id=report.pk)  # the duplicate, while this one works
            assert finished.status == Report.Status.READY
        return built

    monkeypatch.setattr(reports, "_report_compute", compute_then_let_the_duplicate_finish)
    report = report_request(assessment=assessment, enqueue=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = report_build(report_id=report.pk)
    stored = Report.objects.get(pk=report.pk)
    assert result.status == Report.Status.READY
    assert stored.attempts == 2
    assert assessment.action_items.count() == len(stored.result["action_plan"])
    assert stored_pdfs() == [stored.pdf.name], "the second copy's PDF was deleted"


def test_rebuild_requested_during_a_build_stays_queued(assessment, monkeypatch):
    real_compute = reports._report_compute

    def compute_while_someone_asks_again(*, report, timer):
        built = real_compute(report=report, timer=timer)
        report_request(assessment=assessment, enqueue=False)
        return built

    monkeypatch.setattr(reports, "_report_compute", compute_while_someone_asks_again)
    report = report_request(assessment=assessment, enqueue=False)
    stored = report_build(report_id=report.pk)
    assert stored.status == Report.Status.QUEUED, "the newer request's task still runs"
    assert stored.result is not None
    assert stored.pdf


def test_report_request_queues_the_task_on_commit(
    assessment, django_capture_on_commit_callbacks, monkeypatch
):
    sent = []
    from reports import tasks

    monkeypatch.setattr(
        tasks.report_build_task, "apply_async", lambda args, **options: sent.extend(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(assessment=assessment)
    assert sent == [report.pk]
    assert report.status == Report.Status.QUEUED


def test_projected_index_is_the_engines_with_done_targets_reached(built_report, assessment):
    assert assessment_projected_index(assessment=assessment) == built_report.alignment_index
    items = list(assessment.action_items.order_by("position")[:2])
    for item in items:
        action_item_update(item=item, assignee="", due=item.due, status="done", progress_note="")
    bank = bank_to_engine(assessment.bank)
    expected = projected_index(
        bank, assessment_engine_input(assessment=assessment), [i.question_code for i in items]
    )
    projected = assessment_projected_index(assessment=assessment)
    assert projected == expected
    assert projected > built_report.alignment_index


def test_projected_index_without_report_is_none(assessment):
    assert assessment_projected_index(assessment=assessment) is None


def test_done_items_are_stamped_and_unstamped(built_report, assessment):
    item = assessment.action_items.first()
    done = action_item_update(
        item=item, assignee=" Sam ", due=item.due, status="done", progress_note=" ok "
    )
    assert done.completed_at is not None
    assert done.assignee == "Sam"
    assert done.progress_note == "ok"
    reopened = action_item_update(
        item=item, assignee="Sam", due=item.due, status="todo", progress_note=""
    )
    assert reopened.completed_at is None


# --- Anonymity of the perception matrix ------------------------------------------------------


def _matrix(bank_row, levels):
    assessment = answered_assessment(bank_row, levels=levels)
    bank = bank_to_engine(bank_row)
    return (
        perception_matrix(bank=bank, data=assessment_engine_input(assessment=assessment)),
        bank,
        assessment,
    )


def test_small_levels_are_pooled_into_others(default_bank):
    matrix, bank, assessment = _matrix(
        default_bank, {Level.OWNER: 1, Level.MANAGER: 1, Level.STAFF: 4}
    )
    assert [g["key"] for g in matrix["groups"]] == ["owner", "others"]
    assert matrix["groups"][1]["respondents"] == 5
    assert matrix["comparable"] is True
    # The pooled value is the perception gap's own: owner and team (mean of the manager's and
    # the staff's level means) over the questions both sides answered.
    data = assessment_engine_input(assessment=assessment)
    result = score_assessment(bank, data, top_k=0)
    first_area = result.dimensions[0].areas[0]
    gap = next(g for g in result.perception_gaps if g.area == first_area.code)
    assert matrix["areas"][0]["values"] == pytest.approx([gap.owner, gap.others])
    # Staff alone would be one subtraction away from the single manager: never shown.
    staff_only = score_assessment(bank, data, top_k=0).dimensions[0].areas[0].level_means[2]
    assert matrix["areas"][0]["values"][1] != staff_only


def test_levels_of_three_or_more_are_shown_apart(default_bank):
    matrix, _bank, _a = _matrix(default_bank, {Level.OWNER: 1, Level.MANAGER: 3, Level.STAFF: 3})
    assert [g["key"] for g in matrix["groups"]] == ["owner", "manager", "staff"]
    assert matrix["note"] == ""


def test_fewer_than_three_others_are_not_shown_at_all(default_bank):
    matrix, _bank, _a = _matrix(default_bank, {Level.OWNER: 1, Level.STAFF: 2})
    assert [g["key"] for g in matrix["groups"]] == ["owner"]
    assert matrix["comparable"] is False
    assert "not shown" in matrix["note"]


def test_report_of_a_tiny_team_shows_no_gap_figures(default_bank):
    assessment = answered_assessment(default_bank, levels={Level.OWNER: 1, Level.STAFF: 1})
    report = report_request(assessment=assessment, enqueue=False)
    built = report_build(report_id=report.pk)
    assert built.status == Report.Status.READY
    assert "perception" not in built.figures
    html = pdf_module.report_pdf_html(
        report_content(
            assessment=assessment,
            result=built.result,
            perception=built.perception,
            plan=list(assessment.action_items.all()),
            bank=bank_to_engine(default_bank),
        )
    )
    assert "<h3>Perception gaps</h3>" not in html
    assert "not shown, to keep them anonymous" in html


def test_without_a_pdf_engine_the_report_is_ready_without_a_pdf(assessment, monkeypatch, client):
    monkeypatch.setattr(pdf_module, "pdf_engine_problem", lambda: "Pango is missing")
    report = report_request(assessment=assessment, enqueue=False)
    built = report_build(report_id=report.pk)
    assert built.status == Report.Status.READY
    assert not built.pdf
    assert assessment.action_items.exists()
    assert stored_pdfs() == []
    from django.urls import reverse

    from tests.scenarios import owner_of

    client.force_login(owner_of(assessment))
    monkeypatch.setattr("reports.views.pdf_engine_problem", lambda: "Pango is missing")
    html = client.get(reverse("reports:report", args=[assessment.pk])).content.decode()
    assert "No PDF on this server: Pango is missing" in html
    assert "Download PDF" not in html


def test_a_failing_build_does_not_swallow_a_newer_request(assessment, monkeypatch):
    def fail_after_a_new_request(content, **kwargs):
        report_request(assessment=assessment, enqueue=False)
        raise RuntimeError("jammed")

    monkeypatch.setattr(pdf_module, "report_pdf", fail_after_a_new_request)
    report = report_request(assessment=assessment, enqueue=False)
    stored = report_build(report_id=report.pk)
    assert stored.status == Report.Status.QUEUED
    assert "jammed" in stored.error
    monkeypatch.undo()
    again = report_build(report_id=report.pk)
    assert again.status == Report.Status.READY
