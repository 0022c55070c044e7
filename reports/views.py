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
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from accounts.http import AuthenticatedHttpRequest
from assessments.models import Assessment
from assessments.selectors import assessment_get, assessments_for_user
from banks.services import bank_to_engine
from organizations.zones import organization_zone_activate
from reports import services
from reports.charts import gantt_figure
from reports.content import ReportContent, report_content
from reports.forms import ActionItemForm
from reports.models import ActionItem, Report
from reports.pdf import pdf_engine_problem
from reports.selectors import (
    action_item_can_edit,
    action_note_can_edit,
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


def _context(request: AuthenticatedHttpRequest, assessment: Assessment) -> dict[str, Any]:
    report = report_of(assessment=assessment)
    content = _content(assessment, report)
    figures: dict[str, Any] = dict(report.figures or {}) if report and content else {}
    if content is not None:
        figures["gantt"] = gantt_figure(content.plan, today=timezone.localdate())
    building = report is not None and report.status in BUILDING
    # A build past its hard time limit (plus a margin for the queue) is not coming back.
    limit = _stall_limit()
    return {
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
        raise Http404("This report has no PDF yet.")
    try:
        handle = report.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404("The PDF file is missing; rebuild the report.") from exc
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
        messages.success(request, f"Saved “{item.title}”.")
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
