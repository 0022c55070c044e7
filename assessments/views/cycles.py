"""Assessment cycles and the owner's side of invitations."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from assessments.forms import (
    CycleScheduleForm,
    CycleStartForm,
    InvitationForm,
    suggested_cycle_label,
)
from assessments.models import Assessment, Invitation
from assessments.selectors import (
    assessment_current,
    assessment_get,
    invitations_for_assessment,
    participation,
    participation_total,
    questionnaire,
    response_of_user,
    snapshot_labels,
)
from assessments.services import cycles, invitations
from banks.selectors import bank_published
from consultants.selectors.raw_answers import raw_answers_can_export
from organizations.access import require_owner
from organizations.models import Membership
from organizations.selectors import is_owner, membership_role, organization_get, strategy_of
from organizations.zones import organization_zone_activate
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
    organization_zone_activate(organization)
    require_owner(request, organization)
    form = CycleStartForm(
        request.POST or None,
        organization=organization,
        initial={"label": suggested_cycle_label(timezone.localdate())},
    )
    if request.method == "POST" and form.is_valid():
        try:
            assessment = cycles.assessment_start(
                organization=organization,
                user=request.user,
                label=form.cleaned_data["label"],
                remind_after_days=form.cleaned_data["remind_after_days"],
                closes_on=form.cleaned_data["closes_on"],
            )
        except cycles.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request, _("The cycle “%(label)s” is open.") % {"label": assessment.label}
            )
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
    organization_zone_activate(assessment.organization)
    role = membership_role(user=request.user, organization=assessment.organization)
    my_response = response_of_user(assessment=assessment, user=request.user) if role else None
    levels = participation(assessment=assessment)
    context = {
        "assessment": assessment,
        "organization": assessment.organization,
        "role": role,
        "is_owner": role == Membership.Role.OWNER,
        "my_response": my_response,
        "progress": questionnaire(assessment=assessment, response=my_response) if role else None,
        "participation": levels,
        "participation_total": participation_total(levels),
        "reminders_due": invitations.invitation_reminders_due(assessment=assessment),
        "report": report_of(assessment=assessment),
        "snapshot": snapshot_labels(assessment=assessment),
        "undo": cycle_undo(assessment=assessment) if role == Membership.Role.OWNER else None,
        "can_export_answers": raw_answers_can_export(
            user=request.user, organization=assessment.organization
        ),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
@require_POST
def assessment_remind(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    require_owner(request, assessment.organization)
    try:
        count = invitations.invitation_reminders_send(
            assessment=assessment, site_url=request.build_absolute_uri("/")
        )
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        if count:
            messages.success(
                request,
                ngettext(
                    "%(count)d person was reminded by e-mail.",
                    "%(count)d people were reminded by e-mail.",
                    count,
                )
                % {"count": count},
            )
        else:
            messages.info(
                request,
                _(
                    "Nobody was reminded: everyone invited has submitted, was reminded in the "
                    "last day, or holds a link that is withdrawn or expired."
                ),
            )
    return redirect(assessment)


@login_required
@require_http_methods(["GET", "POST"])
def assessment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    require_owner(request, assessment.organization)
    form = CycleScheduleForm(
        request.POST or None,
        initial={
            "remind_after_days": assessment.remind_after_days,
            "closes_on": assessment.closes_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycles.assessment_schedule_update(assessment=assessment, **form.cleaned_data)
        except cycles.CycleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The cycle's schedule is saved."))
            return redirect(assessment)
    return render(
        request,
        "assessments/assessment_edit.html",
        {"assessment": assessment, "organization": assessment.organization, "form": form},
    )


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    return render(
        request,
        "assessments/_report_status.html",
        {"assessment": assessment, "report": report_of(assessment=assessment)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
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
    organization_zone_activate(assessment.organization)
    if not is_owner(user=request.user, organization=assessment.organization):
        raise Http404(_("No such cycle."))
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
    organization_zone_activate(assessment.organization)
    require_owner(request, assessment.organization)
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = invitations.invitations_create(
                assessment=assessment,
                entries=form.entries(),
                site_url=request.build_absolute_uri("/"),
                language=form.cleaned_data["language"],
            )
        except invitations.InvitationError as exc:
            messages.error(request, str(exc))
            return redirect("assessments:invitations", pk=assessment.pk)
        if batch.sent:
            messages.success(
                request,
                ngettext(
                    "%(count)d invitation sent.", "%(count)d invitations sent.", len(batch.sent)
                )
                % {"count": len(batch.sent)},
            )
        if batch.skipped:
            messages.info(
                request,
                _("Already invited (use “Resend” to send a new link): %(addresses)s")
                % {"addresses": ", ".join(batch.skipped)},
            )
        if batch.failed:
            messages.error(
                request,
                _("The e-mail could not be sent to: %(addresses)s. Copy their links below.")
                % {"addresses": ", ".join(batch.failed)},
            )
        # The links are shown on this response only, not after a redirect: only their hashes
        # are stored, and they must not sit in the session either.
        return _invitations_page(request, assessment, InvitationForm(), batch.links)
    return _invitations_page(request, assessment, form, [])


def _invitations_page(
    request: HttpRequest,
    assessment: Assessment,
    form: InvitationForm,
    issued: list[invitations.IssuedLink],
) -> HttpResponse:
    return render(
        request,
        "assessments/invitations.html",
        {
            "assessment": assessment,
            "organization": assessment.organization,
            "form": form,
            "invitations": invitations_for_assessment(assessment=assessment),
            "participation": participation(assessment=assessment),
            "issued": issued,
            "now": timezone.now(),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
    )


def _owned_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> Invitation:
    assessment = assessment_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    invitation = get_object_or_404(assessment.invitations, pk=invitation_pk)
    require_owner(request, assessment.organization)
    return invitation


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _owned_invitation(request, pk, invitation_pk)
    try:
        issued = invitations.invitation_resend(
            invitation=invitation, site_url=request.build_absolute_uri("/")
        )
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
        return redirect("assessments:invitations", pk=pk)
    if issued.emailed:
        messages.success(
            request,
            _("A new link went to %(email)s; the old one is void.") % {"email": invitation.email},
        )
    else:
        messages.error(
            request,
            _("The e-mail to %(email)s could not be sent; copy the new link below instead.")
            % {"email": invitation.email},
        )
    return _invitations_page(request, invitation.assessment, InvitationForm(), [issued])


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int, invitation_pk: int) -> HttpResponse:
    invitation = _owned_invitation(request, pk, invitation_pk)
    try:
        invitations.invitation_revoke(invitation=invitation)
    except invitations.InvitationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("The link of %(email)s no longer works.") % {"email": invitation.email}
        )
    return redirect("assessments:invitations", pk=pk)
