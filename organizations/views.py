"""Organizations, their strategy and members; the dashboard of a logged-in member."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedHttpRequest
from assessments.selectors import (
    assessment_current,
    assessments_past,
    participation,
    questionnaire,
    response_of_user,
)
from briefs.selectors import brief_latest_version, brief_of
from consultants.selectors import works_as_consultant
from organizations import selectors
from organizations import services as organizations
from organizations.access import require_owner
from organizations.forms import (
    MemberInviteForm,
    OrganizationForm,
    OrganizationSettingsForm,
    StrategyForm,
)
from organizations.models import Membership
from organizations.selectors import (
    members_of,
    membership_role,
    organization_get,
    organization_settings_history,
    organizations_for_user,
    strategy_of,
)
from organizations.zones import organization_zone_activate
from pulses.charts import area_trend_context
from pulses.forms import PulseCadenceForm
from pulses.selectors import pulse_cadence_of, pulse_running
from reports import services as reports
from reports.selectors import action_plan_progress, assessment_latest_scored


@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    organization_list = organizations_for_user(user=request.user)
    is_member = request.user.memberships.exists()
    if not is_member and works_as_consultant(user=request.user):
        # A consultant's home is the portfolio of clients (and the grants waiting there).
        return redirect("consultants:portfolio")
    if not organization_list.exists():
        if request.user.is_staff:
            # An administrator without a business of their own works in the admin.
            return redirect("admin:index")
        return redirect("organizations:organization_create")
    if organization_list.count() == 1:
        return redirect(organization_list.get())
    return render(request, "organizations/dashboard.html", {"organizations": organization_list})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organizations.organization_create(owner=request.user, **form.cleaned_data)
        messages.success(
            request,
            _("%(organization)s is set up. Next: state your strategy.")
            % {"organization": organization.name},
        )
        return redirect("organizations:strategy", pk=organization.pk)
    return render(request, "organizations/organization_form.html", {"form": form})


@login_required
@require_GET
def organization_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    role = membership_role(user=request.user, organization=organization)
    current = assessment_current(organization=organization)
    context: dict[str, Any] = {
        "organization": organization,
        "role": role,
        "is_owner": role == Membership.Role.OWNER,
        "strategy": strategy_of(organization=organization),
        "current": current,
        "past": assessments_past(organization=organization),
    }
    latest = assessment_latest_scored(organization=organization)
    if latest is not None:
        context["latest"] = latest
        context["projected_index"] = reports.assessment_projected_index(assessment=latest)
        context["plan_progress"] = action_plan_progress(assessment=latest)
        brief = brief_of(assessment=latest)
        context["brief_version"] = brief_latest_version(brief=brief) if brief else None
    if current is not None:
        context["participation"] = participation(assessment=current)
        if role is not None:
            my_response = response_of_user(assessment=current, user=request.user)
            context["my_response"] = my_response
            context["progress"] = questionnaire(assessment=current, response=my_response)
    context.update(area_trend_context(organization=organization))
    context["open_pulse"] = pulse_running(organization=organization)
    return render(request, "organizations/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_settings(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    require_owner(request, organization)
    form = OrganizationSettingsForm(request.POST or None, instance=organization)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in OrganizationSettingsForm.Meta.fields}
        # The form worked on the instance itself: reload it so the service compares with
        # what is stored, not with the values the form just put in.
        organization.refresh_from_db()
        changed = organizations.organization_update(
            organization=organization, user=request.user, **fields
        )
        if not changed:
            messages.info(request, _("Nothing changed."))
        elif "capacity_days_per_month" in changed:
            messages.success(
                request,
                _(
                    "The settings are saved. The new capacity schedules the next report's plan; "
                    "rebuild the latest report to reschedule its plan now."
                ),
            )
        else:
            messages.success(request, _("The settings are saved."))
        return redirect("organizations:settings", pk=organization.pk)
    return render(
        request,
        "organizations/settings.html",
        {
            "organization": organization,
            "form": form,
            "history": organization_settings_history(organization=organization),
            # Pulses keep their cadence in their own app; its form posts there.
            "pulse_form": PulseCadenceForm(
                initial={"cadence": pulse_cadence_of(organization=organization)},
                action=reverse("pulses:cadence", args=[organization.pk]),
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def strategy(request: HttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    profile = strategy_of(organization=organization)
    is_owner = selectors.is_owner(user=request.user, organization=organization)
    if request.method == "POST":
        require_owner(request, organization)
    form = StrategyForm(request.POST or None, instance=profile) if is_owner else None
    if form is not None and request.method == "POST" and form.is_valid():
        organizations.strategy_save(organization=organization, **form.cleaned_data)
        messages.success(request, _("Your strategy is saved."))
        return redirect(organization)
    return render(
        request,
        "organizations/strategy_form.html",
        {"organization": organization, "form": form, "strategy": profile},
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    organization_zone_activate(organization)
    is_owner = selectors.is_owner(user=request.user, organization=organization)
    if request.method == "POST":
        require_owner(request, organization)
    form = MemberInviteForm(request.POST or None) if is_owner else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            result = organizations.member_invite(
                organization=organization,
                invited_by=request.user,
                site_url=request.build_absolute_uri("/"),
                **form.cleaned_data,
            )
        except organizations.MembershipError as exc:
            form.add_error("email", str(exc))
        else:
            email = result.membership.user.email
            if result.emailed:
                messages.success(
                    request,
                    _("%(email)s is a member now; we e-mailed them a way in.") % {"email": email},
                )
            else:
                messages.warning(
                    request,
                    _("%(email)s is a member now, but the e-mail failed.") % {"email": email},
                )
            return redirect("organizations:members", pk=organization.pk)
    return render(
        request,
        "organizations/members.html",
        {
            "organization": organization,
            "members": members_of(organization=organization),
            "form": form,
            "is_owner": is_owner,
        },
    )
