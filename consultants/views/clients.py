"""One client's dashboard for consultants and owners, and the client's exports."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from assessments.models import Assessment
from consultants.exports import (
    XLSX_TYPE,
    download,
    download_file,
    download_stream,
    table_csv,
    table_xlsx,
    table_xlsx_file,
)
from consultants.selectors import raw_answers
from consultants.selectors.benchmarks import peer_benchmarks
from consultants.selectors.client_dashboard import (
    CyclePoint,
    action_plan_ics,
    action_plan_of,
    action_plan_table,
    client_brief,
    client_trends,
    cycles_compare,
    cycles_scored,
    results_table,
)
from organizations.models import Organization
from organizations.selectors import organization_get
from organizations.zones import organization_zone_activate
from pulses.charts import area_trend_context
from reports.kpi_panels import kpi_panels
from reports.models import Report
from reports.selectors import NEWEST_FIRST, report_can_manage, reports_scored


class CompareForm(forms.Form):
    """Two of the client's scored cycles to set side by side."""

    a = forms.TypedChoiceField(label=gettext_lazy("From cycle"), coerce=int)
    b = forms.TypedChoiceField(label=gettext_lazy("To cycle"), coerce=int)

    def __init__(self, *args: Any, cycles: list[CyclePoint], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(c.assessment_id, c.label) for c in reversed(cycles)]
        for name in ("a", "b"):
            cast(forms.ChoiceField, self.fields[name]).choices = choices
            self.fields[name].error_messages["invalid_choice"] = _(
                "Pick one of this client's scored cycles."
            )

    def clean(self) -> dict[str, Any]:
        data = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if data.get("a") is not None and data.get("a") == data.get("b"):
            self.add_error("b", _("Pick two different cycles."))
        return data


def _compare_form(request: HttpRequest, cycles: list[CyclePoint]) -> CompareForm:
    if "a" in request.GET or "b" in request.GET:
        return CompareForm(request.GET, cycles=cycles)
    # Unbound until asked: by default the two newest cycles, newest second.
    initial = {}
    if len(cycles) >= 2:
        initial = {"a": cycles[-2].assessment_id, "b": cycles[-1].assessment_id}
    return CompareForm(initial=initial, cycles=cycles)


@login_required
@require_GET
def client_dashboard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    cycles = cycles_scored(organization=organization)
    latest = _latest_report(organization)
    form = _compare_form(request, cycles)
    comparison = None
    if form.is_bound and form.is_valid():
        pair = (form.cleaned_data["a"], form.cleaned_data["b"])
    elif not form.is_bound and len(cycles) >= 2:
        pair = (cycles[-2].assessment_id, cycles[-1].assessment_id)
    else:
        pair = None
    if pair is not None:
        comparison = cycles_compare(organization=organization, before_id=pair[0], after_id=pair[1])
    trends = client_trends(cycles=cycles)
    figures: dict[str, Any] = dict(latest.figures or {}) if latest else {}
    if trends.figure and len(cycles) >= 2:
        figures["trend"] = trends.figure
    plan = action_plan_of(assessment=latest.assessment if latest else None)
    kpis = kpi_panels(plan, user=request.user, organization=organization)
    context = {
        "organization": organization,
        "latest": latest,
        "kpis": kpis,
        "kpi_can_upload": any(panel.can_record for panel in kpis),
        "kpi_organization_id": organization.pk,
        "kpi_next": f"{request.path}#kpis",
        "figures": figures,
        "print": False,
        "trends": trends,
        "form": form,
        "comparison": comparison,
        "benchmarks": peer_benchmarks(organization=organization) if latest else [],
        "plan": plan,
        "can_manage": report_can_manage(user=request.user, organization=organization),
        "brief": client_brief(organization=organization),
        **area_trend_context(organization=organization),
    }
    return render(request, "consultants/clients/dashboard.html", context)


def _latest_report(organization: Organization) -> Report | None:
    # The figures are needed; the full result and the perception matrix are not.
    return (
        reports_scored()
        .filter(assessment__organization=organization)
        .select_related("assessment")
        .defer("result", "perception")
        .order_by(*NEWEST_FIRST)
        .first()
    )


def _latest_assessment(organization: Organization) -> Assessment | None:
    latest = _latest_report(organization)
    return latest.assessment if latest else None


def _filename(organization: Organization, what: str, extension: str) -> str:
    stem = slugify(f"resonance {organization.name} {what}") or "resonance"
    return f"{stem}.{extension}"


@login_required
@require_GET
def results_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    headers, rows = results_table(organization=organization)
    if fmt == "xlsx":
        content: str | bytes = table_xlsx([(_("Results"), headers, rows)])
        return download(
            content, filename=_filename(organization, "results", fmt), content_type=XLSX_TYPE
        )
    return download(
        table_csv(headers, rows),
        filename=_filename(organization, "results", "csv"),
        content_type="text/csv; charset=utf-8",
    )


@login_required
@require_GET
def actions_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    assessment = _latest_assessment(organization)
    if fmt == "ics":
        return download(
            action_plan_ics(assessment=assessment, host=request.get_host().split(":")[0]),
            filename=_filename(organization, "action plan", "ics"),
            content_type="text/calendar; charset=utf-8",
        )
    headers, rows = action_plan_table(assessment=assessment)
    if fmt == "xlsx":
        return download(
            table_xlsx([(_("Action plan"), headers, rows)]),
            filename=_filename(organization, "action plan", fmt),
            content_type=XLSX_TYPE,
        )
    return download(
        table_csv(headers, rows),
        filename=_filename(organization, "action plan", "csv"),
        content_type="text/csv; charset=utf-8",
    )


# Column widths of the raw answers workbook, in characters.
RAW_ANSWER_WIDTHS = (12, 10, 12, 34, 70, 12, 14, 12, 50)


@login_required
@require_GET
def raw_answers_export(request: AuthenticatedHttpRequest, pk: int, fmt: str) -> HttpResponseBase:
    """Send every submitted answer of the client's cycles (or of `?cycle=`), anonymised."""
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    if not raw_answers.raw_answers_can_export(user=request.user, organization=organization):
        raise PermissionDenied(_("Only owners and consultants download the raw answers."))
    cycle = _cycle_param(request, organization)
    cycle_id = cycle.pk if cycle else None
    what = f"answers {cycle.label}" if cycle else "answers"
    if fmt == "xlsx":
        workbook = table_xlsx_file(
            title=_("Answers"),
            headers=raw_answers.raw_answer_headers(),
            rows=raw_answers.raw_answer_rows(
                organization=organization, cycle_id=cycle_id, spreadsheet=True
            ),
            widths=RAW_ANSWER_WIDTHS,
            prepared=True,
        )
        return download_file(
            workbook, filename=_filename(organization, what, fmt), content_type=XLSX_TYPE
        )
    return download_stream(
        raw_answers.raw_answer_csv(organization=organization, cycle_id=cycle_id),
        filename=_filename(organization, what, "csv"),
    )


def _cycle_param(request: HttpRequest, organization: Organization) -> Assessment | None:
    raw = request.GET.get("cycle", "")
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        raise Http404(_("No such cycle."))
    cycle = organization.assessments.filter(pk=int(raw)).first()
    if cycle is None:
        raise Http404(_("No such cycle."))
    return cycle
