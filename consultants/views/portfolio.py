"""The consultant's portfolio of clients, as a page and as CSV/XLSX downloads."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedHttpRequest
from consultants import exports
from consultants.forms import PortfolioFilterForm
from consultants.selectors import consultant_grants_pending_for
from consultants.selectors.portfolio import (
    EXPORT_HEADERS,
    PAGE_SIZE,
    SORT_KEYS,
    portfolio_display_rows,
    portfolio_rows,
    portfolio_table,
)


def _filtered(request: AuthenticatedHttpRequest):
    form = PortfolioFilterForm(request.GET)
    form.is_valid()  # invalid fields show their message and are left out of the query
    query = form.query()
    rows = portfolio_rows(user=request.user, query=query, stale_days=settings.PORTFOLIO_STALE_DAYS)
    return form, query, rows


@login_required
@require_GET
def portfolio(request: AuthenticatedHttpRequest) -> HttpResponse:
    form, query, rows = _filtered(request)
    today = timezone.localdate()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    current = query.sort.lstrip("-")
    descending = query.sort.startswith("-")
    # Each column header sorts by its key; a second click on the current one reverses it.
    sort_links = {key: f"-{key}" if key == current and not descending else key for key in SORT_KEYS}
    return render(
        request,
        "consultants/portfolio.html",
        {
            "form": form,
            "page": page,
            "rows": portfolio_display_rows(page, today=today),
            "sort_links": sort_links,
            "sort_current": current,
            "sort_descending": descending,
            "stale_days": settings.PORTFOLIO_STALE_DAYS,
            "pending_count": consultant_grants_pending_for(user=request.user).count(),
            "filtered": any(
                getattr(query, f)
                for f in ("q", "band", "industry", "stale", "overdue", "kpis", "drift")
            ),
        },
    )


@login_required
@require_GET
def portfolio_export(request: AuthenticatedHttpRequest, fmt: str) -> HttpResponse:
    _form, _query, rows = _filtered(request)
    today = timezone.localdate()
    table = portfolio_table(portfolio_display_rows(rows, today=today))
    stem = f"portfolio-{today.isoformat()}"
    if fmt == "csv":
        return exports.download(
            exports.table_csv(EXPORT_HEADERS, table),
            filename=f"{stem}.csv",
            content_type="text/csv; charset=utf-8",
        )
    if fmt == "xlsx":
        return exports.download(
            exports.table_xlsx([(_("Portfolio"), EXPORT_HEADERS, table)]),
            filename=f"{stem}.xlsx",
            content_type=exports.XLSX_TYPE,
        )
    raise Http404("Unknown export format.")
