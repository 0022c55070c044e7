"""Scoring an assessment and storing its report, PDF and action plan."""

from __future__ import annotations

import dataclasses
import gc
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext
from kombu.exceptions import OperationalError as BrokerUnavailable

from assessments.models import Answer, Assessment
from assessments.services.cycles import CycleError, assessment_close, assessment_reopen
from banks.services import bank_to_engine
from organizations.languages import language_active, language_of, organization_language
from organizations.zones import organization_zone, zone_of
from reports.models import ActionItem, Report
from reports.numbers import area_views
from reports.selectors import (
    UNBUILDABLE,
    cycle_undo,
    report_can_manage,
    report_of,
    reports_scored,
)
from scoring.bank import Bank
from scoring.engine import projected_index, result_to_dict, score_assessment
from scoring.inputs import AssessmentInput, parse_input

logger = logging.getLogger(__name__)

# A level with fewer respondents than this is never shown on its own (DESIGN.md §8).
MIN_GROUP_SIZE = 3
# A report whose build dies this often (worker killed, time limit) is given up on.
MAX_ATTEMPTS = 5
# Queued by name, so this module never imports the tasks that call it (reports/tasks.py).
REPORT_BUILD_TASK = "assessments.tasks.report_build_task"
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
# What survives a rebuild of an action item whose question is still in the plan.
KEPT_ON_REBUILD = (
    "status",
    "assignee",
    "progress_note",
    "consultant_note",
    "completed_at",
    "baseline",  # set by the first KPI reading, which stays with the item
)


# --- The engine adapter -----------------------------------------------------------------------


def assessment_engine_input(
    *, assessment: Assessment, plan_start: date | None = None
) -> AssessmentInput:
    """Adapt an assessment's rows (submitted responses only) to the engine's input."""
    answers_by_response: dict[int, dict[str, dict[str, Any]]] = {}
    rows = (
        Answer.objects.filter(response__assessment=assessment, response__submitted_at__isnull=False)
        .values_list("response_id", "question__code", "current", "target")
        .order_by("response_id", "question__code")
    )
    for response_id, code, current, target in rows:
        answer: dict[str, Any] = {"current": current}
        if target is not None:
            answer["target"] = target
        answers_by_response.setdefault(response_id, {})[code] = answer
    responses = [
        {"level": level, "answers": answers_by_response.get(pk, {})}
        for pk, level in assessment.responses.filter(submitted_at__isnull=False)
        .order_by("pk")
        .values_list("pk", "level")
    ]
    organization = assessment.organization
    # Calendar days of the organization, whose zone the caller may not have activated.
    zone = zone_of(organization)
    assessed_on = timezone.localdate(assessment.closed_at or timezone.now(), zone)
    history = [
        timezone.localdate(created, zone).isoformat()
        for created in organization.assessments.filter(
            report__in=reports_scored(), created_at__lt=assessment.created_at
        ).values_list("created_at", flat=True)
    ]
    data = {
        "strategy": {
            key: assessment.strategy_snapshot.get(key)
            for key in ("value_discipline", "segment", "primary_value")
            if assessment.strategy_snapshot.get(key)
        },
        "organization": {
            "name": organization.name,
            "capacity_days_per_month": float(organization.capacity_days_per_month),
        },
        "plan_start": (plan_start or assessed_on).isoformat(),
        "assessed_on": assessed_on.isoformat(),
        "history": history or None,
        "responses": responses,
    }
    bank = bank_to_engine(assessment.bank)
    return parse_input(data, bank, source=f"assessment {assessment.pk}")


# The heatmap's column keys and the AreaViews value each one shows.
VIEW_OF_GROUP = {"owner": "owner", "others": "team", "manager": "manager", "staff": "staff"}


def perception_matrix(*, bank: Bank, data: AssessmentInput) -> dict[str, Any]:
    """Return each area's mean answer per respondent group, never a group under three people.

    Owners are shown as themselves: the report compares their view with everyone else's.
    Managers and staff are shown apart only when both levels have at least three respondents;
    otherwise they are shown together as the team, so that no column can be subtracted from
    another to recover a small group. A team under three people is not shown at all. Every
    value comes from `reports.numbers.area_views`, the aggregation the perception-gap table
    uses, so the chart and the table give the same owner and team value for an area.
    """
    counts = {"owner": 0, "manager": 0, "staff": 0}
    for response in data.responses:
        counts[response.level] += 1
    separate = counts["manager"] >= MIN_GROUP_SIZE and counts["staff"] >= MIN_GROUP_SIZE
    others = counts["manager"] + counts["staff"]
    groups: list[dict[str, Any]] = []
    if counts["owner"]:
        groups.append(
            {
                "key": "owner",
                # Translators: a column of the perception heatmap: the owner's or owners' answers.
                "label": npgettext("heatmap column", "Owner", "Owners", counts["owner"]),
                "respondents": counts["owner"],
            }
        )
    if separate:
        groups.append({"key": "manager", "label": _("Managers"), "respondents": counts["manager"]})
        groups.append({"key": "staff", "label": _("Staff"), "respondents": counts["staff"]})
        note = ""
    elif others >= MIN_GROUP_SIZE:
        groups.append({"key": "others", "label": _("Managers and staff"), "respondents": others})
        note = _(
            "Managers and staff are shown together: a group of fewer than %(min)s people is "
            "never shown on its own."
        ) % {"min": MIN_GROUP_SIZE}
    else:
        note = ngettext(
            "Only %(count)s manager or staff answer so far: views of groups under %(min)s "
            "people are not shown, to keep them anonymous.",
            "Only %(count)s manager or staff answers so far: views of groups under %(min)s "
            "people are not shown, to keep them anonymous.",
            others,
        ) % {"count": others, "min": MIN_GROUP_SIZE}
    # Area and dimension titles in the active language (the organization's, in a report build).
    result = score_assessment(bank, data, top_k=0, language=language_active())
    areas = []
    for dimension in result.dimensions:
        for area in dimension.areas:
            views = area_views(fit.level_means for fit in area.contributions)
            areas.append(
                {
                    "code": area.code,
                    "title": area.title,
                    "dimension": dimension.title,
                    "values": [getattr(views, VIEW_OF_GROUP[g["key"]]) for g in groups],
                }
            )
    return {
        "groups": groups,
        "comparable": others >= MIN_GROUP_SIZE and counts["owner"] > 0,
        "others_respondents": others,
        "note": note,
        "areas": areas,
    }


def area_comments(*, assessment: Assessment) -> dict[str, dict[str, list[str]]]:
    """Return the comments of submitted answers per area: {area: {"owner": [...], "others": [...]}}.

    The owner's comments are always shown. Other people's are shown only when at least three
    people other than the owner answered the cycle, and never with a name, level or order that
    could point to the person: they are sorted alphabetically.
    """
    submitted = Answer.objects.filter(
        response__assessment=assessment, response__submitted_at__isnull=False
    )
    others_count = (
        assessment.responses.filter(submitted_at__isnull=False).exclude(level="owner").count()
    )
    rows = submitted.exclude(comment="").values_list(
        "question__area__code", "response__level", "comment"
    )
    comments: dict[str, dict[str, list[str]]] = {}
    for area_code, level, comment in rows:
        key = "owner" if level == "owner" else "others"
        if key == "others" and others_count < MIN_GROUP_SIZE:
            continue
        comments.setdefault(area_code, {"owner": [], "others": []})[key].append(comment.strip())
    for area in comments.values():
        area["owner"].sort()
        area["others"].sort()
    return comments


def assessment_projected_index(*, assessment: Assessment) -> float | None:
    """Return the engine's alignment index with every done action item's target reached."""
    report = report_of(assessment=assessment)
    if report is None or report.result is None:
        return None
    done = list(
        assessment.action_items.filter(status=ActionItem.Status.DONE).values_list(
            "question_code", flat=True
        )
    )
    if not done:
        return report.result.get("alignment_index")
    bank = bank_to_engine(assessment.bank)
    known = [code for code in done if code in bank.questions]
    return projected_index(bank, assessment_engine_input(assessment=assessment), known)


# --- Requesting and building ------------------------------------------------------------------


@transaction.atomic
def assessment_close_and_report(*, assessment: Assessment) -> Report:
    """Close the cycle and queue its report in one transaction: no closed cycle lacks a report.

    Closing belongs to assessments and the report to this app, which sits above it; the call
    runs downward, so assessments never imports reports (the import contract checks this).
    """
    closed = assessment_close(assessment=assessment)
    return report_request(assessment=closed)


def _undo_refusal(*, assessment: Assessment) -> str | None:
    """Return why the cycle's report forbids undoing the cycle, or None when nothing does."""
    undo = cycle_undo(assessment=assessment)
    if undo.scored:
        return _(
            "The cycle “%(label)s” has a scored report: it stays as a record of that measurement."
        ) % {"label": assessment.label}
    if undo.building:
        return _("The report of “%(label)s” is being built. Wait until the build has finished.") % {
            "label": assessment.label
        }
    return None


@transaction.atomic
def assessment_reopen_unscored(*, assessment: Assessment) -> Assessment:
    """Reopen a closed cycle whose report has no index, and remove that report.

    A cycle closed too early (too few answers, a failed build) can take answers again; a
    cycle with a scored index is part of the organization's history and stays closed.
    """
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    refusal = _undo_refusal(assessment=assessment)
    if refusal:
        raise CycleError(refusal)
    reopened = assessment_reopen(assessment=assessment)
    _report_remove(assessment=assessment)
    return reopened


@transaction.atomic
def assessment_delete(*, assessment: Assessment) -> None:
    """Delete a cycle that has no scored report, with its invitations, responses and answers."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    refusal = _undo_refusal(assessment=assessment)
    if refusal:
        raise CycleError(refusal)
    _report_remove(assessment=assessment)
    # Invitations, responses, answers and action items go with it (cascade).
    assessment.delete()


def _report_remove(*, assessment: Assessment) -> None:
    """Delete the cycle's report and plan; its PDF file goes once the transaction commits."""
    ActionItem.objects.filter(assessment=assessment).delete()
    report = report_of(assessment=assessment)
    if report is None:
        return
    pdf_name = report.pdf.name
    report.delete()
    if pdf_name:
        transaction.on_commit(lambda: _discard_file(pdf_name))


class ReportError(Exception):
    """The report's state does not allow the action; the message is written for people."""


REBUILD_FORBIDDEN = gettext_lazy("Only owners and consultants can rebuild a report.")
ACTION_ITEM_EDIT_FORBIDDEN = gettext_lazy("Only owners and consultants can edit the action plan.")
REBUILD_TOO_EARLY = gettext_lazy(
    "Close the cycle first: its report is built from the final answers."
)


def report_rebuild(*, assessment: Assessment, user: User) -> Report:
    """Queue a new build of a closed cycle's report for a user allowed to ask for one.

    Raise PermissionDenied for anyone but owners and consultants, and ReportError while the
    cycle is still open. The report page's button and the API both come through here.
    """
    if not report_can_manage(user=user, organization=assessment.organization):
        raise PermissionDenied(str(REBUILD_FORBIDDEN))
    if assessment.status in UNBUILDABLE:
        raise ReportError(str(REBUILD_TOO_EARLY))
    return report_request(assessment=assessment)


@transaction.atomic
def report_request(*, assessment: Assessment, enqueue: bool = True) -> Report:
    """Mark the assessment's report as queued and queue the build once the transaction commits.

    The earlier result, PDF and action items stay in place until the new build replaces them.
    """
    report, _created = Report.objects.select_for_update().get_or_create(assessment=assessment)
    report.status = Report.Status.QUEUED
    report.queued_at = timezone.now()
    report.error = ""
    report.attempts = 0
    report.save(update_fields=["status", "queued_at", "error", "attempts"])
    if enqueue:
        transaction.on_commit(lambda: report_enqueue(report_id=report.pk))
    return report


def report_enqueue(*, report_id: int) -> bool:
    """Send the build task; return False (and log) when the broker cannot take it."""
    try:
        # Nobody waits on the task's result (the Report row is the record), so skip the
        # result store: with Redis down, subscribing to it blocks for many seconds and then
        # leaves the client unusable. Settings bound the broker publish to about a second.
        current_app.tasks[REPORT_BUILD_TASK].apply_async(args=(report_id,), ignore_result=True)
    except BrokerUnavailable as exc:
        # The broker is down: the report stays queued and report_sweep sends it again later.
        # An expected outage: one line, not a traceback per closed cycle.
        logger.warning("could not queue report %s; it stays queued: %s", report_id, exc)
        return False
    except Exception:
        logger.exception("could not queue report %s; it stays queued", report_id)
        return False
    return True


class _BuildError(Exception):
    """A build step failed for a reason a person can read; earlier data is kept."""


class _CollectorPause:
    """Pause Python's cyclic garbage collector while reports are computed.

    matplotlib and WeasyPrint allocate hundreds of thousands of objects per report, which sets
    off collections that walk the worker's whole heap (Django, the engine, fonts) again and
    again: about a third of the print charts' time and a tenth of WeasyPrint's, measured with
    bench/bench_report.py. Reference counting still frees everything outside a cycle (the
    WeasyPrint document too: reports.pdf_cycles cuts its cycles); the cycles a build leaves
    (matplotlib figures, for the most part) go at the first collection after it.
    Threads that build at the same time share one pause: the collector comes back when the
    last of them ends, and only if it was on before.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._holders = 0
        self._was_enabled = False

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._holders == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._holders += 1
        try:
            yield
        finally:
            with self._lock:
                self._holders -= 1
                if self._holders == 0 and self._was_enabled:
                    gc.enable()


_collector_paused = _CollectorPause()


class _Timer:
    """Collect milliseconds per build phase, and name the phase an error happened in."""

    def __init__(self) -> None:
        self.timings: dict[str, int] = {}
        # CPU milliseconds of this thread per phase: what the build costs the worker, without
        # the waits on the database or the disk that the wall-clock timings include.
        self.cpu: dict[str, int] = {}
        self.started = time.perf_counter()

    @contextmanager
    def measure(self, name: str) -> Iterator[None]:
        """Record the wall-clock and CPU milliseconds of a step."""
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.timings[name] = round((time.perf_counter() - wall) * 1000)
            self.cpu[name] = round((time.thread_time() - cpu) * 1000)

    @property
    def record(self) -> dict[str, Any]:
        """What a report stores: wall-clock milliseconds per phase, CPU milliseconds under "cpu"."""
        return {**self.timings, "cpu": dict(self.cpu)}

    @contextmanager
    def phase(self, name: str, failure: str) -> Iterator[None]:
        try:
            with self.measure(name):
                yield
        except TRANSIENT_ERRORS:
            raise  # the task retries these with backoff
        except SoftTimeLimitExceeded as exc:
            raise _BuildError(
                _(
                    "%(failure)s: the build took longer than its time limit and was stopped. "
                    "Try again; if it keeps happening, tell the operator."
                )
                % {"failure": failure}
            ) from exc
        except _BuildError:
            raise
        except Exception as exc:
            logger.exception("report build: %s", failure)
            # Translators: a failed build step, then the technical reason (left in English).
            raise _BuildError(
                _("%(failure)s: %(reason)s") % {"failure": failure, "reason": _describe(exc)}
            ) from exc

    @property
    def total_ms(self) -> int:
        return round((time.perf_counter() - self.started) * 1000)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}"[:600] if text else type(exc).__name__


def report_build(*, report_id: int) -> Report | None:
    """Score the assessment, draw the charts, render the PDF and store it all. Safe to repeat.

    A report that is already ready is returned at once, so a duplicate or redelivered message
    does nothing. A rebuild swaps the result, the figures, the PDF and the action items in one
    transaction; a build that fails marks the report failed with a readable message and leaves
    the earlier result, PDF and action items as they were.
    """
    started = _report_start(report_id=report_id)
    if started is None:
        return Report.objects.filter(pk=report_id).first()  # None when it was deleted
    report, request_stamp = started
    timer = _Timer()
    new_pdf_name = ""
    try:
        with _collector_paused():
            built = _report_compute(report=report, timer=timer)
        with timer.phase("store_pdf", _("Saving the PDF failed")):
            if built.pdf is not None:
                new_pdf_name = default_storage.save(_pdf_name(report), ContentFile(built.pdf))
        with timer.phase("save", _("Saving the report failed")):
            report = _report_store(
                report_id=report_id,
                request_stamp=request_stamp,
                built=built,
                pdf_name=new_pdf_name,
                timer=timer,
            )
    except _BuildError as exc:
        _discard_file(new_pdf_name)
        return _report_fail(
            report_id=report_id, error=str(exc), timer=timer, request_stamp=request_stamp
        )
    except BaseException:
        _discard_file(new_pdf_name)
        raise
    return report


def _report_start(*, report_id: int) -> tuple[Report, datetime | None] | None:
    """Lock the row and mark it running; return None when nothing is left to do."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("assessment__organization", "assessment__bank")
            .filter(pk=report_id)
            .first()
        )
        if report is None:
            logger.warning("report %s no longer exists; nothing to build", report_id)
            return None
        if report.status == Report.Status.READY:
            return None  # a redelivered or duplicate task: nothing left to do
        if report.attempts >= MAX_ATTEMPTS:
            # Each start counts, so a build that kills its worker every time ends here.
            report.status = Report.Status.FAILED
            report.error = ngettext(
                "The build was started %(count)s time without finishing (the worker stopped "
                "each time). Try rebuilding; if it happens again, tell the operator.",
                "The build was started %(count)s times without finishing (the worker stopped "
                "each time). Try rebuilding; if it happens again, tell the operator.",
                report.attempts,
            ) % {"count": report.attempts}
            report.finished_at = timezone.now()
            report.save(update_fields=["status", "error", "finished_at"])
            return None
        if (
            report.status == Report.Status.FAILED
            and report.finished_at
            and (report.queued_at is None or report.finished_at >= report.queued_at)
        ):
            return None  # this request already ended in failure; a rebuild queues a new one
        report.status = Report.Status.RUNNING
        report.started_at = timezone.now()
        report.attempts += 1
        report.save(update_fields=["status", "started_at", "attempts"])
    return report, report.queued_at


@dataclasses.dataclass(frozen=True, slots=True)
class _Built:
    result: dict[str, Any]
    perception: dict[str, Any]
    figures: dict[str, Any]
    plan: list[ActionItem]
    pdf: bytes | None


def _report_compute(*, report: Report, timer: _Timer) -> _Built:
    """Do the slow work outside any transaction: score, draw, render."""
    # Dates in the plan, the charts and the PDF are the organization's calendar days, and
    # every word of them is in the organization's language.
    organization = report.assessment.organization
    with organization_zone(organization), organization_language(organization):
        return _report_compute_in_zone(report=report, timer=timer)


def _report_compute_in_zone(*, report: Report, timer: _Timer) -> _Built:
    from reports import charts, pdf
    from reports.content import report_content

    assessment = report.assessment
    with timer.phase("score", _("Scoring the answers failed")):
        bank = bank_to_engine(assessment.bank)
        data = assessment_engine_input(assessment=assessment)
        result = result_to_dict(
            score_assessment(bank, data, language=language_of(assessment.organization))
        )
        perception = perception_matrix(bank=bank, data=data)
        perception["comments"] = area_comments(assessment=assessment)
        existing = {item.question_code: item for item in assessment.action_items.all()}
        plan = [
            _action_item(assessment, position, item, existing)
            for position, item in enumerate(result["action_plan"])
        ]
    with timer.phase("figures", _("Drawing the charts failed")):
        content = report_content(
            assessment=assessment, result=result, perception=perception, plan=plan, bank=bank
        )
        figures = charts.report_figures(content)
    pdf_bytes: bytes | None = None
    with timer.phase("pdf", _("Rendering the PDF failed")):
        problem = pdf.pdf_engine_problem()
        if problem is None:
            pdf_bytes = pdf.report_pdf(content, measure=timer.measure)
        else:
            # The web report still works; the page says why there is no PDF.
            logger.warning("report %s built without a PDF: %s", report.pk, problem)
    return _Built(result=result, perception=perception, figures=figures, plan=plan, pdf=pdf_bytes)


def _action_item(
    assessment: Assessment, position: int, item: dict[str, Any], existing: dict[str, ActionItem]
) -> ActionItem:
    row = ActionItem(
        assessment=assessment,
        position=position,
        question_code=item["question"],
        title=item["title"][:200],
        specific=item["specific"],
        kpi=item["kpi"][:200],
        unit=item["unit"][:60],
        kpi_direction=item.get("kpi_direction", "up"),
        baseline=item["baseline"],
        target=item["target"],
        direction=item.get("direction", ActionItem.Direction.RAISE),
        practice_from=item.get("practice_from"),
        practice_to=item.get("practice_to"),
        effort=item["effort"],
        effort_days=item["effort_days"],
        feasibility=item["feasibility"],
        owner_role=item["owner_role"][:100],
        dimension_code=item["dimension"],
        area_code=item["area"],
        addresses=list(item.get("addresses", [])),
        expected_uplift=item["expected_uplift"],
        start=date.fromisoformat(item["start"]),
        due=date.fromisoformat(item["due"]),
    )
    previous = existing.get(row.question_code)
    if previous is not None:
        # The people working the plan keep their progress when the plan is recomputed.
        for field in KEPT_ON_REBUILD:
            setattr(row, field, getattr(previous, field))
        row.pk = previous.pk
    return row


def _report_store(
    *,
    report_id: int,
    request_stamp: datetime | None,
    built: _Built,
    pdf_name: str,
    timer: _Timer,
) -> Report:
    """Swap in the new result, figures, PDF and action items in one transaction."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("assessment")
            .get(pk=report_id)
        )
        if report.status == Report.Status.READY and report.queued_at == request_stamp:
            # A duplicate delivery finished first; this copy of the work is not needed.
            transaction.on_commit(lambda: _discard_file(pdf_name))
            return report
        assessment = report.assessment
        _action_items_replace(assessment=assessment, plan=built.plan)
        old_pdf = report.pdf.name
        report.result = built.result
        report.perception = built.perception
        report.figures = built.figures
        report.alignment_index = built.result["alignment_index"]
        report.band = built.result["band"]
        summary = report_summary(built.result)
        report.dimension_scores = summary["dimension_scores"]
        report.weakest_dimension = summary["weakest_dimension"]
        report.high_flags = summary["high_flags"]
        report.pdf.name = pdf_name
        report.error = ""
        report.finished_at = timezone.now()
        report.duration_ms = timer.total_ms
        report.timings = timer.record
        # A rebuild asked for while this one ran stays queued: its own task follows.
        newer_request = report.queued_at != request_stamp
        report.status = Report.Status.QUEUED if newer_request else Report.Status.READY
        report.save()
        if report.alignment_index is not None:
            # "Scored" means an index: a report of too few answers leaves the cycle closed.
            Assessment.objects.filter(pk=assessment.pk, status=Assessment.Status.CLOSED).update(
                status=Assessment.Status.SCORED
            )
        if old_pdf and old_pdf != pdf_name:
            transaction.on_commit(lambda: _discard_file(old_pdf))
    return report


def report_summary(result: dict[str, Any]) -> dict[str, Any]:
    """Return the columns a portfolio reads instead of the result JSON."""
    return {
        "dimension_scores": {
            code: {"title": dimension["title"], "score": dimension["score"]}
            for code, dimension in result.get("dimensions", {}).items()
        },
        "weakest_dimension": (
            result.get("alignment_index_contributions", {}).get("weakest_dimension") or ""
        ),
        "high_flags": sum(
            1 for flag in result.get("consistency_flags", []) if flag.get("severity") == "high"
        ),
    }


def _action_items_replace(*, assessment: Assessment, plan: list[ActionItem]) -> None:
    """Make the stored plan equal to `plan`, keeping the rows (and ids) of kept questions."""
    keep = [item.question_code for item in plan]
    ActionItem.objects.filter(assessment=assessment).exclude(question_code__in=keep).delete()
    existing = set(ActionItem.objects.filter(assessment=assessment).values_list("pk", flat=True))
    update = [item for item in plan if item.pk is not None and item.pk in existing]
    create = [item for item in plan if item.pk is None or item.pk not in existing]
    for item in create:
        item.pk = None
    fields = [
        f.name
        for f in ActionItem._meta.concrete_fields
        if not f.primary_key and f.name not in ("assessment", "updated_at")
    ]
    if update:
        # Positions are unique per question, never per position, so the order of writes is free.
        ActionItem.objects.bulk_update(update, fields)
    if create:
        ActionItem.objects.bulk_create(create)


def _pdf_name(report: Report) -> str:
    assessment = report.assessment
    # The whole name must fit Report.pdf's 100 characters, whatever the organization is called.
    stem = slugify(f"{assessment.organization.name} {assessment.label}")[:50] or "report"
    return f"reports/{timezone.now():%Y/%m}/resonance-{stem}-{report.pk}.pdf"


def _discard_file(name: str) -> None:
    if not name:
        return
    try:
        default_storage.delete(name)
    except Exception:  # a stray file is harmless; a failed build must not hide behind it
        logger.warning("could not delete %s", name, exc_info=True)


def _report_fail(
    *,
    report_id: int,
    error: str,
    timer: _Timer | None = None,
    request_stamp: datetime | None = None,
) -> Report:
    """Mark the report failed with a readable message; leave its earlier data intact.

    When a rebuild was asked for while this build ran, the report stays queued for that
    request's own task, with this build's error on record.
    """
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        newer_request = timer is not None and report.queued_at != request_stamp
        report.status = Report.Status.QUEUED if newer_request else Report.Status.FAILED
        report.error = error[:2000]
        report.finished_at = timezone.now()
        fields = ["status", "error", "finished_at"]
        if timer is not None:
            report.duration_ms = timer.total_ms
            report.timings = timer.record
            fields += ["duration_ms", "timings"]
        report.save(update_fields=fields)
    return report


def report_build_abandon(*, report_id: int, error: str) -> None:
    """Record that the task gave up (retries exhausted) on a report that is still unfinished."""
    Report.objects.filter(
        pk=report_id, status__in=[Report.Status.QUEUED, Report.Status.RUNNING]
    ).update(status=Report.Status.FAILED, error=error[:2000], finished_at=timezone.now())


# --- The action plan ---------------------------------------------------------------------------


@transaction.atomic
def action_item_update(
    *,
    item: ActionItem,
    assignee: str,
    due: date,
    status: str,
    progress_note: str,
    consultant_note: str | None = None,
) -> ActionItem:
    """Save what the people working the plan changed; stamp the moment an item gets done.

    `consultant_note` None leaves the consultant's note as it is.
    """
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    if status == ActionItem.Status.DONE and item.status != ActionItem.Status.DONE:
        item.completed_at = timezone.now()
    elif status != ActionItem.Status.DONE:
        item.completed_at = None
    item.assignee = assignee.strip()
    item.due = due
    item.status = status
    item.progress_note = progress_note.strip()
    if consultant_note is not None:
        item.consultant_note = consultant_note.strip()
    item.save(
        update_fields=[
            "assignee",
            "due",
            "status",
            "progress_note",
            "consultant_note",
            "completed_at",
            "updated_at",
        ]
    )
    return item
