"""Accounts, organizations, their strategy and members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from assessments import selectors
from assessments.forms import (
    MemberInviteForm,
    OrganizationForm,
    SignupForm,
    StrategyForm,
)
from assessments.models import (
    Membership,
)
from assessments.services import organizations, reports
from assessments.views.access import require_owner

# --- Accounts and organizations --------------------------------------------------------------


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("assessments:home")
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("assessments:organization_create")
    return render(request, "registration/signup.html", {"form": form})


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organization_list = selectors.organizations_for_user(user=request.user)
    is_member = request.user.memberships.exists()
    if not is_member and selectors.works_as_consultant(user=request.user):
        # A consultant's home is the portfolio of clients (and the grants waiting there).
        return redirect("consultants:portfolio")
    if not organization_list.exists():
        return redirect("assessments:organization_create")
    if organization_list.count() == 1:
        return redirect(organization_list.get())
    return render(request, "assessments/dashboard.html", {"organizations": organization_list})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organizations.organization_create(owner=request.user, **form.cleaned_data)
        messages.success(request, f"{organization.name} is set up. Next: state your strategy.")
        return redirect("assessments:strategy", pk=organization.pk)
    return render(request, "assessments/organization_form.html", {"form": form})


@login_required
@require_GET
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    role = selectors.membership_role(user=request.user, organization=organization)
    current = selectors.assessment_current(organization=organization)
    context = {
        "organization": organization,
        "role": role,
        "is_owner": role == Membership.Role.OWNER,
        "strategy": selectors.strategy_of(organization=organization),
        "current": current,
        "past": selectors.assessments_past(organization=organization),
    }
    latest = selectors.assessment_latest_scored(organization=organization)
    if latest is not None:
        context["latest"] = latest
        context["projected_index"] = reports.assessment_projected_index(assessment=latest)
        context["plan_progress"] = selectors.action_plan_progress(assessment=latest)
    if current is not None:
        context["participation"] = selectors.participation(assessment=current)
        if role is not None:
            my_response = selectors.response_of_user(assessment=current, user=request.user)
            context["my_response"] = my_response
            context["progress"] = selectors.questionnaire(assessment=current, response=my_response)
    return render(request, "assessments/organization_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def strategy(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    profile = selectors.strategy_of(organization=organization)
    is_owner = selectors.is_owner(user=request.user, organization=organization)
    if request.method == "POST":
        require_owner(request, organization)
    form = StrategyForm(request.POST or None, instance=profile) if is_owner else None
    if form is not None and request.method == "POST" and form.is_valid():
        organizations.strategy_save(organization=organization, **form.cleaned_data)
        messages.success(request, "Your strategy is saved.")
        return redirect(organization)
    return render(
        request,
        "assessments/strategy_form.html",
        {"organization": organization, "form": form, "strategy": profile},
    )


@login_required
@require_http_methods(["GET", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
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
                messages.success(request, f"{email} is a member now; we e-mailed them a way in.")
            else:
                messages.warning(request, f"{email} is a member now, but the e-mail failed.")
            return redirect("assessments:members", pk=organization.pk)
    return render(
        request,
        "assessments/members.html",
        {
            "organization": organization,
            "members": selectors.members_of(organization=organization),
            "form": form,
            "is_owner": is_owner,
        },
    )
