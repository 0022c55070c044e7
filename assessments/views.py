"""Thin views: parse the request, call one selector or service, render or redirect."""

from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments import selectors
from assessments.forms import OrganizationForm, SignupForm
from assessments.services.organizations import organization_create


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
    organizations = selectors.organizations_for_user(user=request.user)
    if not organizations.exists():
        return redirect("assessments:organization_create")
    if organizations.count() == 1:
        return redirect(organizations.get())
    return render(request, "assessments/dashboard.html", {"organizations": organizations})


@login_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organization = organization_create(owner=request.user, **form.cleaned_data)
        return redirect(organization)
    return render(request, "assessments/organization_form.html", {"form": form})


@login_required
def organization_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    assessments = organization.assessments.select_related("report").order_by("-created_at")
    return render(
        request,
        "assessments/organization_detail.html",
        {"organization": organization, "assessments": assessments},
    )


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return render(request, "assessments/assessment_detail.html", {"assessment": assessment})
