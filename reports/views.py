"""Report pages: read the report, follow its build, download the PDF, work the action plan."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.http import AuthenticatedHttpRequest
from assessments.models import Assessment
from assessments.selectors import assessment_get, assessments_for_user
from banks.services import bank_to_engine
from organizations.languages import language_active
from organizations.selectors import organization_get
from organizations.zones import organization_zone_activate
from reports import services
from reports.charts import gantt_figure, report_figures
from reports.content import ReportContent, report_content
from reports.forms import ActionItemForm, KpiReadingForm, KpiUploadForm
from reports.kpi import (
    kpi_reading_can_record,
    kpi_readings_newer,
    kpi_record_rights,
    kpi_statuses,
)
from reports.kpi_files import KpiFileError, kpi_file_rows
from reports.kpi_panels import KpiPanel, kpi_panels
from reports.kpi_services import (
    KpiReadingsError,
    ReadingInput,
    UploadOutcome,
    kpi_reading_delete,
    kpi_readings_record,
    kpi_rows_apply,
)
from reports.models import ActionItem, KpiReading, Report
from reports.pdf import pdf_engine_problem
from reports.selectors import (
    action_item_can_edit,
    action_note_can_edit,
    assessment_latest_scored,
    report_can_manage,
    report_can_rebuild,
    report_is_stalled,
    report_of,
)
from reports.services import (
    ACTION_ITEM_EDIT_FORBIDDEN,
    ReportError,
    action_item_update,
    assessment_projected_index,
)

BUILDING = (Report.Status.QUEUED, Report.Status.RUNNING)
KPI_RECORD_FORBIDDEN = gettext_lazy(
    "Only an owner, a consultant with access or the member the action is assigned to records "
    "its KPI."
)


def _content(assessment: Assessment, report: Report | None) -> ReportContent | None:
    if report is None or report.result is None:
        return None
    items = list(assessment.action_items.order_by("position"))
    return report_content(
        assessment=assessment,
        result=report.result,
        perception=report.perception or {},
        plan=items,
        bank=bank_to_engine(assessment.bank),
        generated_on=timezone.localtime(report.finished_at).date() if report.finished_at else None,
    )


def _projection(assessment: Assessment, content: ReportContent | None) -> dict[str, Any]:
    if content is None:
        return {"projected": None, "done_count": 0, "projected_gain": None}
    done = sum(1 for item in content.plan if item.status == ActionItem.Status.DONE)
    projected = assessment_projected_index(assessment=assessment) if done else content.index
    gain = None if projected is None or content.index is None else projected - content.index
    return {"projected": projected, "done_count": done, "projected_gain": gain}


def _built_in(report: Report | None) -> str:
    """Return the language a report was built in (its engine result says; English before)."""
    result = (report.result if report else None) or {}
    return str(result.get("language") or "en")


def _context(request: AuthenticatedHttpRequest, assessment: Assessment) -> dict[str, Any]:
    report = report_of(assessment=assessment)
    content = _content(assessment, report)
    figures: dict[str, Any] = dict(report.figures or {}) if report and content else {}
    if figures and content is not None and _built_in(report) != language_active():
        # The stored charts speak the build's language; a reader in another one gets them
        # drawn again from the same content (a few milliseconds).
        figures = report_figures(content)
    if content is not None:
        figures["gantt"] = gantt_figure(content.plan, today=timezone.localdate())
    building = report is not None and report.status in BUILDING
    # A build past its hard time limit (plus a margin for the queue) is not coming back.
    limit = _stall_limit()
    organization = assessment.organization
    kpis = kpi_panels(content.plan, user=request.user, organization=organization) if content else []
    return {
        "kpis": kpis,
        "kpi_can_upload": any(panel.can_record for panel in kpis),
        "kpi_organization_id": organization.pk,
        "kpi_next": reverse("reports:report", kwargs={"pk": assessment.pk}) + "#kpis",
        "pdf_stale": bool(report and report.pdf and kpi_readings_newer(assessment, report)),
        "assessment": assessment,
        "report": report,
        "content": content,
        "figures": figures,
        "print": False,
        "building": building,
        "stalled": building
        and report is not None
        and report_is_stalled(report=report, limit_s=limit),
        "can_manage": report_can_manage(user=request.user, organization=assessment.organization),
        "can_rebuild": report_can_rebuild(user=request.user, assessment=assessment),
        "capacity": assessment.organization.capacity_days_per_month,
        "pdf_problem": pdf_engine_problem() if report and not report.pdf else None,
        **_projection(assessment, content),
    }


@login_required
@require_GET
def report_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    return render(request, "reports/report.html", _context(request, assessment))


@login_required
@require_GET
def report_status(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Answer the page's polling: the banner while building, then the whole finished body."""
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    report = report_of(assessment=assessment)
    if report is not None and report.status in BUILDING:
        # The banner only: the previous version below it stays as it is.
        limit = _stall_limit()
        context = {
            "assessment": assessment,
            "report": report,
            "building": True,
            "content": report.result is not None,
            "stalled": report_is_stalled(report=report, limit_s=limit),
            "can_rebuild": report_can_rebuild(user=request.user, assessment=assessment),
        }
        return render(request, "reports/_status.html", context)
    response = render(request, "reports/_body.html", _context(request, assessment))
    return reswap(retarget(response, "#report-body"), "outerHTML")


@login_required
@require_GET
def report_pdf_download(request: HttpRequest, pk: int) -> FileResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    report = report_of(assessment=assessment)
    if report is None or not report.pdf:
        raise Http404(_("This report has no PDF yet."))
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("The PDF file is missing; rebuild the report.")) from exc
    name = slugify(f"resonance {assessment.organization.name} {assessment.label}") or "report"
    return FileResponse(
        handle, as_attachment=True, filename=f"{name}.pdf", content_type="application/pdf"
    )


@login_required
@require_POST
def report_rebuild(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    try:
        services.report_rebuild(assessment=assessment, user=request.user)
    except ReportError as exc:
        messages.error(request, str(exc))
    else:
        # The status panel tracks the build; a message saying "being rebuilt" would go stale.
        messages.success(request, _("A new build of the report was requested."))
    return redirect("reports:report", pk=assessment.pk)


def _action_item_get(request: HttpRequest, pk: int) -> ActionItem:
    item = get_object_or_404(
        ActionItem.objects.filter(
            assessment__in=assessments_for_user(user=request.user)
        ).select_related("assessment__organization", "assessment__bank"),
        pk=pk,
    )
    organization_zone_activate(item.assessment.organization)
    return item


def _row_context(request: AuthenticatedHttpRequest, item: ActionItem) -> dict[str, Any]:
    assessment = item.assessment
    report = report_of(assessment=assessment)
    content = _content(assessment, report)
    plan = list(content.plan) if content else [item]
    row = next((p for p in plan if p.pk == item.pk), item)
    row.kpi_status = kpi_statuses([row]).get(row.pk)  # type: ignore[attr-defined]
    return {
        "item": row,
        "assessment": assessment,
        "content": content,
        "figures": {"gantt": gantt_figure(plan, today=timezone.localdate())},
        "can_manage": action_item_can_edit(user=request.user, item=item),
        "print": False,
        **_projection(assessment, content),
    }


@login_required
@require_GET
def action_item_row(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Return one row of the plan table (the Cancel of an inline edit)."""
    item = _action_item_get(request, pk)
    if not request.htmx:
        return redirect(f"{_report_url(item)}#action-{item.pk}")
    return render(request, "reports/_action_row.html", _row_context(request, item))


@login_required
@require_http_methods(["GET", "POST"])
def action_item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    item = _action_item_get(request, pk)
    if not action_item_can_edit(user=request.user, item=item):
        raise PermissionDenied(ACTION_ITEM_EDIT_FORBIDDEN)
    # Only a consultant with access writes the consultant's note; the owner never sees an
    # empty, editable note that nobody will answer.
    form = ActionItemForm(
        request.POST or None,
        instance=item,
        consultant_note=action_note_can_edit(
            user=request.user, organization=item.assessment.organization
        ),
    )
    # The client dashboard sends people here too; they go back where they came from.
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    if request.method == "POST" and form.is_valid():
        action_item_update(item=item, **form.cleaned_data)
        if request.htmx:
            context = {**_row_context(request, item), "oob": True}
            return render(request, "reports/_action_saved.html", context)
        messages.success(request, _("Saved “%(title)s”.") % {"title": item.title})
        return redirect(next_url or f"{_report_url(item)}#action-{item.pk}")
    # The form holds the posted values; the row keeps showing the stored ones.
    item.refresh_from_db()
    context = {"item": item, "form": form, "next_url": next_url}
    if request.htmx:
        return render(request, "reports/_action_form_row.html", context)
    return render(request, "reports/action_edit.html", context)


def _report_url(item: ActionItem) -> str:
    return reverse("reports:report", kwargs={"pk": item.assessment_id})


def _stall_limit() -> float:
    """Seconds after which a queued or running build is not coming back: hard limit + queue."""
    return float(settings.CELERY_TASK_TIME_LIMIT) + 60


# --- KPI readings ------------------------------------------------------------------------------


def _safe_next(request: HttpRequest) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        return ""
    return next_url


def _kpi_panel(
    request: AuthenticatedHttpRequest, item: ActionItem, form: KpiReadingForm | None = None
) -> KpiPanel:
    organization = item.assessment.organization
    forms = {item.pk: form} if form is not None else None
    return kpi_panels([item], user=request.user, organization=organization, forms=forms)[0]


def _kpi_item_for_recording(request: AuthenticatedHttpRequest, pk: int) -> ActionItem:
    item = _action_item_get(request, pk)
    if not kpi_reading_can_record(user=request.user, item=item):
        raise PermissionDenied(KPI_RECORD_FORBIDDEN)
    return item


@login_required
@require_http_methods(["GET", "POST"])
def kpi_item(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Show one action's KPI (chart, readings, form); record a reading posted to it."""
    item = _action_item_get(request, pk)
    form = None
    if request.method == "POST":
        item = _kpi_item_for_recording(request, pk)
        form = KpiReadingForm(request.POST, prefix=f"kpi-{item.pk}")
        if form.is_valid():
            reading = ReadingInput(
                item,
                form.cleaned_data["measured_on"],
                form.cleaned_data["value"],
                form.cleaned_data["note"],
            )
            try:
                kpi_readings_record(
                    readings=[reading], user=request.user, source=KpiReading.Source.WEB
                )
            except KpiReadingsError as exc:
                for message in exc.problems[0]:
                    form.add_error("measured_on", message)
            else:
                text = _("Reading of %(day)s saved for “%(title)s”.") % {
                    "day": date_format(reading.measured_on, "DATE_FORMAT"),
                    "title": item.title,
                }
                item.refresh_from_db()
                if not request.htmx:
                    messages.success(request, text)
                    return redirect(_safe_next(request) or f"{_report_url(item)}#kpi-{item.pk}")
                form = None
                panel = _kpi_panel(request, item)
                return render(request, "reports/_kpi_panel.html", {"panel": panel, "saved": text})
    panel = _kpi_panel(request, item, form)
    context = {"panel": panel, "item": item, "next_url": _safe_next(request)}
    if request.htmx:
        return render(request, "reports/_kpi_panel.html", context)
    return render(request, "reports/kpi_item.html", context)


@login_required
@require_POST
def kpi_reading_remove(request: AuthenticatedHttpRequest, pk: int, reading: int) -> HttpResponse:
    """Delete one reading of an action's KPI (to correct a wrong value)."""
    item = _kpi_item_for_recording(request, pk)
    row = get_object_or_404(KpiReading, pk=reading, action_item=item)
    kpi_reading_delete(reading=row)
    text = _("Reading of %(day)s deleted.") % {"day": date_format(row.measured_on, "DATE_FORMAT")}
    if request.htmx:
        panel = _kpi_panel(request, item)
        return render(request, "reports/_kpi_panel.html", {"panel": panel, "saved": text})
    messages.success(request, text)
    return redirect(_safe_next(request) or f"{_report_url(item)}#kpi-{item.pk}")


# Problems listed on the upload page; the rest are counted.
UPLOAD_PROBLEMS_SHOWN = 200


@login_required
@require_http_methods(["GET", "POST"])
def kpi_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Upload a CSV or XLSX file of readings for the organization's actions: all or nothing."""
    organization = organization_get(user=request.user, pk=pk)
    form = KpiUploadForm(request.POST or None, request.FILES or None)
    outcome: UploadOutcome | None = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            rows = kpi_file_rows(upload.read(), name=upload.name or "")
        except KpiFileError as exc:
            form.add_error("file", str(exc))
        else:
            outcome = kpi_rows_apply(organization=organization, user=request.user, rows=rows)
            if outcome.ok:
                messages.success(request, _upload_message(outcome))
                return redirect(_safe_next(request) or request.path)
    latest = assessment_latest_scored(organization=organization)
    items = list(latest.action_items.order_by("position")) if latest else []
    may_record = kpi_record_rights(user=request.user, organization=organization)
    context = {
        "organization": organization,
        "form": form,
        "outcome": outcome,
        "problems": outcome.problems[:UPLOAD_PROBLEMS_SHOWN] if outcome else [],
        "hidden_problems": max(0, len(outcome.problems) - UPLOAD_PROBLEMS_SHOWN) if outcome else 0,
        "latest": latest,
        "items": [(item, may_record(item)) for item in items],
        "next_url": _safe_next(request),
    }
    # Only a refused upload gets here after a POST: the page lists what to fix.
    status = 400 if request.method == "POST" else 200
    return render(request, "reports/kpi_upload.html", context, status=status)


def _upload_message(outcome: UploadOutcome) -> str:
    saved = len(outcome.saved)
    text = ngettext("%(count)d reading saved.", "%(count)d readings saved.", saved) % {
        "count": saved
    }
    if outcome.unchanged:
        text += " " + ngettext(
            "%(count)d row was already recorded and left as it was.",
            "%(count)d rows were already recorded and left as they were.",
            outcome.unchanged,
        ) % {"count": outcome.unchanged}
    return text
