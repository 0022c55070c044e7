"""Assessment cycles and the owner's side of invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from assessments.forms import CycleStartForm, InvitationForm, suggested_cycle_label
from assessments.models import Assessment, Invitation
from assessments.selectors import (
    assessment_current,
    assessment_get,
    invitations_for_assessment,
    participation,
    questionnaire,
    response_of_user,
    snapshot_labels,
)
from assessments.services import cycles, invitations
from banks.selectors import bank_published
from organizations.access import require_owner
from organizations.models import Membership
from organizations.selectors import is_owner, membership_role, organization_get, strategy_of
from reports.selectors import cycle_undo, report_of
from reports.services import (
    assessment_close_and_report,
    assessment_delete,
    assessment_reopen_unscored,
)

# --- Cycles ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    require_owner(request, organization)
    form = CycleStartForm(
        request.POST or None,
        organization=organization,
        initial={"label": suggested_cycle_label(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = cycles.assessment_start(
                organization=organization, user=request.user, label=form.cleaned_data["label"]
            )
        except cycles.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"The cycle “{assessment.label}” is open.")
            return redirect(assessment)
    context = {
        "organization": organization,
        "form": form,
        "strategy": strategy_of(organization=organization),
        "current": assessment_current(organization=organization),
        "bank": bank_published(),
    }
    return render(request, "assessments/assessment_form.html", context)


@login_required
@require_GET
def assessment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    role = membership_role(user=request.user, organization=assessment.organization)
    my_response = response_of_user(assessment=assessment, user=request.user) if role else None
    context = {
        "assessment": assessment,
        "organization": assessment.organization,
        "role": role,
        "is_owner": role == Membership.Role.OWNER,
        "my_response": my_response,
        "progress": questionnaire(assessment=assessment, response=my_response) if role else None,
        "participation": participation(assessment=assessment),
        "report": report_of(assessment=assessment),
        "snapshot": snapshot_labels(assessment=assessment),
        "undo": cycle_undo(assessment=assessment) if role == Membership.Role.OWNER else None,
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    return render(
        request,
        "assessments/_report_status.html",
        {"assessment": assessment, "report": report_of(assessment=assessment)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    require_owner(request, assessment.organization)
    if request.method == "POST":
        try:
            assessment_close_and_report(assessment=assessment)
        except cycles.CycleError as exc:
            messages.error(request, str(exc))
        else:
            # The report's own status panel tracks the build; a message would go stale.
            messages.success(
                request, _("The cycle “%(label)s” is closed.") % {"label": assessment.label}
            )
        return redirect(assessment)
    my_response = response_of_user(assessment=assessment, user=request.user)
    levels = participation(assessment=assessment)
    return render(
        request,
        "assessments/assessment_close.html",
        {
            "assessment": assessment,
            "organization": assessment.organization,
            "my_response": my_response,
            "participation": levels,
            "nothing_submitted": not any(level.submitted for level in levels),
        },
    )


def _owned_assessment(request: AuthenticatedHttpRequest, pk: int) -> Assessment:
    # Reopening and deleting are the owner's alone: to anyone else the pages do not exist.
    assessment = assessment_get(user=request.user, pk=pk)
    if not is_owner(user=request.user, organization=assessment.organization):
        raise Http404("No such cycle.")
    return assessment


@login_required
@require_POST
def assessment_reopen(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _owned_assessment(request, pk)
    try:
        assessment_reopen_unscored(assessment=assessment)
    except cycles.CycleError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The cycle “%(label)s” is open again: answers can be given and submitted.")
            % {"label": assessment.label},
        )
    return redirect(assessment)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_delete_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = _owned_assessment(request, pk)
    organization = assessment.organization
    if request.method == "POST":
        try:
            assessment_delete(assessment=assessment)
        except cycles.CycleError as exc:
            messages.error(request, str(exc))
            return redirect(assessment)
        messages.success(
            request, _("The cycle “%(label)s” was deleted.") % {"label": assessment.label}
        )
        return redirect(organization)
    return render(
        request,
        "assessments/assessment_delete.html",
        {
            "assessment": assessment,
            "organization": organization,
            "undo": cycle_undo(assessment=assessment),
        },
    )


# --- Invitations (owner side) ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    require_owner(request, assessment.organization)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = invitations.invitations_create(
                assessment=assessment,
                entries=form.entries(),
                site_url=request.build_absolute_uri("/"),
            )
        except invitations.InvitationError as exc:
            messages.error(request, str(exc))
        else:
            if batch.sent:
                messages.success(request, f"{len(batch.sent)} invitation(s) sent.")
            if batch.skipped:
                messages.info(
                    request,
                    "Already invited (use “Resend” to send a new link): "
                    + ", ".join(batch.skipped),
                )
            if batch.failed:
                messages.error(
                    request, "The e-mail could not be sent to: " + ", ".join(batch.failed)
                )
        return redirect("assessments:invitations", pk=assessment.pk)
    return render(
        request,
        "assessments/invitations.html",
        {
            "assessment": assessment,
            "organization": assessment.organization,
            "form": form,
            "invitations": invitations_for_assessment(assessment=assessment),
            "participation": participation(assessment=assessment),
            "now": timezone.now(),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
    )


def _owned_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> Invitation:
    assessment = assessment_get(user=request.user, pk=pk)
    invitation = get_object_or_404(assessment.invitations, pk=invitation_pk)
    require_owner(request, assessment.organization)
    return invitation


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _owned_invitation(request, pk, invitation_pk)
    try:
        invitations.invitation_resend(
            invitation=invitation, site_url=request.build_absolute_uri("/")
        )
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"A new link went to {invitation.email}; the old one is void.")
    return redirect("assessments:invitations", pk=pk)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _owned_invitation(request, pk, invitation_pk)
    try:
        invitations.invitation_revoke(invitation=invitation)
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"The link of {invitation.email} no longer works.")
    return redirect("assessments:invitations", pk=pk)
