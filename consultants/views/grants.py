"""Consultant access: the owner's page of grants, and the consultant's invitations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from consultants.forms import ConsultantGrantForm
from consultants.selectors import (
    consultant_grant_log,
    consultant_grants_active_for,
    consultant_grants_of,
    consultant_grants_pending_for,
)
from consultants.services import access as consultants
from organizations.access import require_owner
from organizations.selectors import organization_get
from organizations.zones import organization_zone_activate


@login_required
@require_http_methods(["GET", "POST"])
def organization_consultants(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    require_owner(request, organization)
    form = ConsultantGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grant, emailed = consultants.consultant_grant(
                organization=organization,
                email=form.cleaned_data["email"],
                granted_by=request.user,
                site_url=request.build_absolute_uri("/"),
            )
        except consultants.ConsultantAccessError as exc:
            form.add_error("email", str(exc))
        else:
            if emailed:
                messages.success(
                    request,
                    _("%(email)s is invited; access starts on accepting.") % {"email": grant.email},
                )
            else:
                messages.warning(
                    request,
                    _("%(email)s is invited, but the e-mail failed.") % {"email": grant.email},
                )
            return redirect("consultants:organization", pk=organization.pk)
    grants = [
        (grant, consultants.grant_status(grant))
        for grant in consultant_grants_of(organization=organization)
    ]
    return render(
        request,
        "consultants/organization_consultants.html",
        {
            "organization": organization,
            "grants": grants,
            "log": consultant_grant_log(organization=organization)[:100],
            "form": form,
        },
    )


@login_required
@require_POST
def grant_revoke(request: AuthenticatedHttpRequest, pk: int, grant_pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    require_owner(request, organization)
    grant = get_object_or_404(consultant_grants_of(organization=organization), pk=grant_pk)
    try:
        consultants.consultant_revoke(
            organization=organization, grant_id=grant.pk, revoked_by=request.user
        )
    except consultants.ConsultantAccessError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Access for %(email)s is revoked.") % {"email": grant.email})
    return redirect("consultants:organization", pk=organization.pk)


@login_required
@require_GET
def invitations(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "consultants/invitations.html",
        {
            "pending": consultant_grants_pending_for(user=request.user),
            "active": consultant_grants_active_for(user=request.user),
        },
    )


def _answer(request: AuthenticatedHttpRequest, grant_pk: int, *, accept: bool) -> HttpResponse:
    # Only grants addressed to the user's own e-mail exist for them; anything else is a 404.
    grant = get_object_or_404(consultant_grants_pending_for(user=request.user), pk=grant_pk)
    action = consultants.consultant_accept if accept else consultants.consultant_decline
    try:
        action(grant_id=grant.pk, user=request.user)
    except consultants.ConsultantAccessError as exc:
        messages.error(request, str(exc))
    else:
        if accept:
            messages.success(
                request,
                _("You now see %(organization)s in your portfolio.")
                % {"organization": grant.organization.name},
            )
        else:
            messages.info(
                request,
                _("You declined the invitation of %(organization)s.")
                % {"organization": grant.organization.name},
            )
    return redirect("consultants:portfolio" if accept else "consultants:invitations")


@login_required
@require_POST
def invitation_accept(request: AuthenticatedHttpRequest, grant_pk: int) -> HttpResponse:
    return _answer(request, grant_pk, accept=True)


@login_required
@require_POST
def invitation_decline(request: AuthenticatedHttpRequest, grant_pk: int) -> HttpResponse:
    return _answer(request, grant_pk, accept=False)
