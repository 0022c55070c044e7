"""Thin views: parse the request, call one selector or service, render or redirect.

Every page of an organization goes through `selectors.organization_get` or
`selectors.assessment_get`, so anything outside the user's organizations is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments import selectors
from assessments.forms import (
    SCALE_ANCHORS,
    TARGET_CHOICES,
    AnswerForm,
    CycleStartForm,
    InvitationForm,
    MemberInviteForm,
    OrganizationForm,
    SignupForm,
    StrategyForm,
    suggested_cycle_label,
)
from assessments.models import (
    Assessment,
    Invitation,
    Level,
    Membership,
    Organization,
    Response,
    ValueDiscipline,
)
from assessments.services import cycles, invitations, organizations, reports

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


def _require_owner(request: HttpRequest, organization: Organization) -> None:
    if not selectors.is_owner(user=request.user, organization=organization):
        raise PermissionDenied("Only an owner of the organization may do this.")


@login_required
@require_http_methods(["GET", "POST"])
def strategy(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    profile = selectors.strategy_of(organization=organization)
    is_owner = selectors.is_owner(user=request.user, organization=organization)
    if request.method == "POST":
        _require_owner(request, organization)
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
        _require_owner(request, organization)
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


# --- Cycles ----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment_create(request: HttpRequest, pk: int) -> HttpResponse:
    organization = selectors.organization_get(user=request.user, pk=pk)
    _require_owner(request, organization)
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
        "strategy": selectors.strategy_of(organization=organization),
        "current": selectors.assessment_current(organization=organization),
        "bank": selectors.bank_published(),
    }
    return render(request, "assessments/assessment_form.html", context)


@login_required
@require_GET
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    role = selectors.membership_role(user=request.user, organization=assessment.organization)
    my_response = (
        selectors.response_of_user(assessment=assessment, user=request.user) if role else None
    )
    context = {
        "assessment": assessment,
        "organization": assessment.organization,
        "role": role,
        "is_owner": role == Membership.Role.OWNER,
        "my_response": my_response,
        "progress": selectors.questionnaire(assessment=assessment, response=my_response)
        if role
        else None,
        "participation": selectors.participation(assessment=assessment),
        "report": selectors.report_of(assessment=assessment),
        "snapshot": selectors.snapshot_labels(assessment=assessment),
    }
    return render(request, "assessments/assessment_detail.html", context)


@login_required
@require_GET
def report_status(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    return render(
        request,
        "assessments/_report_status.html",
        {"assessment": assessment, "report": selectors.report_of(assessment=assessment)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def assessment_close(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    _require_owner(request, assessment.organization)
    if request.method == "POST":
        try:
            cycles.assessment_close(assessment=assessment)
        except cycles.CycleError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "The cycle is closed. Your report is being built.")
        return redirect(assessment)
    my_response = selectors.response_of_user(assessment=assessment, user=request.user)
    return render(
        request,
        "assessments/assessment_close.html",
        {
            "assessment": assessment,
            "organization": assessment.organization,
            "my_response": my_response,
            "participation": selectors.participation(assessment=assessment),
        },
    )


# --- The questionnaire, shared by members and respondents ------------------------------------


@dataclass(frozen=True, slots=True)
class Wizard:
    """Where one person's questionnaire lives: whose answers, which URLs, owner or not."""

    assessment: Assessment
    response: Response | None
    with_target: bool
    respondent: bool
    token: str = ""

    def url(self, name: str, *args: object) -> str:
        if self.respondent:
            return reverse(f"assessments:respond_{name}", args=[self.token, *args])
        return reverse(f"assessments:{name}", args=[self.assessment.pk, *args])

    def context(self, **extra: object) -> dict[str, object]:
        questionnaire = selectors.questionnaire(assessment=self.assessment, response=self.response)
        discipline = (self.assessment.strategy_snapshot or {}).get("value_discipline", "")
        return {
            "wizard": self,
            "assessment": self.assessment,
            "organization": self.assessment.organization,
            "questionnaire": questionnaire,
            "save_url": self.url("save"),
            "review_url": self.url("review"),
            "submit_url": self.url("submit"),
            "scale": SCALE_ANCHORS,
            "target_choices": TARGET_CHOICES,
            "discipline": ValueDiscipline(discipline).label if discipline else "",
            **extra,
        }


def _member_wizard(request: HttpRequest, pk: int) -> tuple[Wizard, str]:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    role = selectors.membership_role(user=request.user, organization=assessment.organization)
    if role is None:
        raise PermissionDenied("Only members of the organization answer its questionnaire.")
    response = selectors.response_of_user(assessment=assessment, user=request.user)
    wizard = Wizard(
        assessment=assessment,
        response=response,
        with_target=cycles.member_level(role=role) == Level.OWNER,
        respondent=False,
    )
    return wizard, role


def _closed_redirect(request: HttpRequest, wizard: Wizard) -> HttpResponse | None:
    """Send a member whose answers can no longer change back to the cycle page."""
    if wizard.response is not None and wizard.response.submitted_at is not None:
        messages.info(request, "You submitted your answers; they can no longer change.")
        return redirect(wizard.assessment)
    if wizard.assessment.status != Assessment.Status.OPEN:
        messages.info(request, "This cycle is closed and no longer takes answers.")
        return redirect(wizard.assessment)
    return None


def _nav(wizard: Wizard, questionnaire: selectors.Questionnaire) -> list[dict[str, object]]:
    return [{"step": s, "url": wizard.url("step", s.dimension.code)} for s in questionnaire.steps]


def _step_page(request: HttpRequest, wizard: Wizard, code: str | None) -> HttpResponse:
    context = wizard.context()
    questionnaire = context["questionnaire"]
    if not questionnaire.steps:
        raise PermissionDenied("This questionnaire has no questions.")
    step = questionnaire.step(code) if code else questionnaire.steps[0]
    before, after = questionnaire.neighbours(step.dimension.code)
    context.update(
        step=step,
        previous_url=before and wizard.url("step", before.dimension.code),
        next_url=after and wizard.url("step", after.dimension.code),
        nav=_nav(wizard, questionnaire),
    )
    return render(request, "assessments/wizard_step.html", context)


def _review_page(request: HttpRequest, wizard: Wizard) -> HttpResponse:
    context = wizard.context()
    context["nav"] = _nav(wizard, context["questionnaire"])
    return render(request, "assessments/wizard_review.html", context)


def _save(
    request: HttpRequest, wizard: Wizard, start_response: Callable[[], Response]
) -> HttpResponse:
    """Validate and save one answer; reply with the message shown beside the question."""
    form = AnswerForm(request.POST, assessment=wizard.assessment, with_target=wizard.with_target)
    question_id = request.POST.get("question", "")
    status = 200
    context: dict[str, object] = {"question_id": question_id, "wizard": wizard}
    if not form.is_valid():
        status = 422
        context["errors"] = form.error_list()
    else:
        try:
            answer = cycles.answer_save(
                response=wizard.response or start_response(),
                question=form.cleaned_data["question"],
                current=form.cleaned_data["current"],
                target=form.cleaned_data["target"],
                comment=form.cleaned_data["comment"],
            )
        except cycles.ResponseLockedError as exc:
            status = 409
            context["errors"] = [str(exc)]
        except cycles.CycleError as exc:
            status = 422
            context["errors"] = [str(exc)]
        else:
            step, overall = selectors.answer_progress(
                response=answer.response, question=form.cleaned_data["question"]
            )
            context.update(saved_at=answer.updated_at, step=step, overall=overall)
    if request.POST.get("beacon"):
        # Sent while the page was closing: nobody is left to read a reply.
        return HttpResponse(status=204 if status == 200 else status)
    if not request.htmx:
        # Without JavaScript each question posts as a plain form: back to where it was.
        for error in context.get("errors", []):
            messages.error(request, error)
        if status == 200:
            messages.success(request, "Saved.")
        code = request.POST.get("step", "")
        target = wizard.url("step", code) if code else wizard.url("review")
        return redirect(f"{target}#q-{question_id}")
    return render(request, "assessments/_answer_feedback.html", context, status=status)


def _submit(wizard: Wizard) -> None:
    if wizard.response is None:
        raise cycles.CycleError("Answer at least one question before you submit.")
    cycles.response_submit(response=wizard.response)


@login_required
@require_GET
def wizard_start(request: HttpRequest, pk: int) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    return _closed_redirect(request, wizard) or _step_page(request, wizard, None)


@login_required
@require_GET
def wizard_step(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    return _closed_redirect(request, wizard) or _step_page(request, wizard, code)


@login_required
@require_GET
def wizard_review(request: HttpRequest, pk: int) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    return _closed_redirect(request, wizard) or _review_page(request, wizard)


@login_required
@require_POST
def wizard_save(request: HttpRequest, pk: int) -> HttpResponse:
    wizard, role = _member_wizard(request, pk)
    return _save(
        request,
        wizard,
        lambda: cycles.response_for_member(
            assessment=wizard.assessment, user=request.user, role=role
        ),
    )


@login_required
@require_POST
def wizard_submit(request: HttpRequest, pk: int) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    try:
        _submit(wizard)
    except cycles.CycleError as exc:
        messages.error(request, str(exc))
        return redirect(wizard.url("review"))
    messages.success(request, "Thank you: your answers are submitted.")
    return redirect(wizard.assessment)


# --- Invitations (owner side) ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation_list(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    _require_owner(request, assessment.organization)
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
            "invitations": selectors.invitations_for_assessment(assessment=assessment),
            "participation": selectors.participation(assessment=assessment),
            "now": timezone.now(),
            "ttl_days": settings.INVITATION_TTL_DAYS,
        },
    )


def _owned_invitation(request: HttpRequest, pk: int, invitation_pk: int) -> Invitation:
    assessment = selectors.assessment_get(user=request.user, pk=pk)
    invitation = get_object_or_404(assessment.invitations, pk=invitation_pk)
    _require_owner(request, assessment.organization)
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


# --- Respondents (no account: the personal link is the key) ----------------------------------


def _link_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    gone = isinstance(exc, invitations.InvitationGoneError)
    status = 410 if gone else 404
    if request.htmx:
        message = str(exc) if gone else "This link is not valid."
        return render(
            request, "assessments/_answer_feedback.html", {"errors": [message]}, status=status
        )
    context = (
        {"reason": exc.reason, "message": str(exc), "invitation": exc.invitation}
        if gone
        else {"reason": "unknown"}
    )
    return render(request, "respondent/link_problem.html", context, status=status)


RespondentView = Callable[..., HttpResponse]


def respondent_link(view: RespondentView) -> Callable[..., HttpResponse]:
    """Open the invitation of the URL's token, or answer with a clear 404/410 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str, *args: object, **kwargs: object) -> HttpResponse:
        try:
            invitation = invitations.invitation_resolve(token=token)
        except (invitations.InvitationUnknownError, invitations.InvitationGoneError) as exc:
            return _link_problem(request, exc)
        wizard = Wizard(
            assessment=invitation.assessment,
            response=selectors.response_of_invitation(invitation=invitation),
            with_target=False,
            respondent=True,
            token=token,
        )
        return view(request, wizard, invitation, *args, **kwargs)

    return wrapper


@require_GET
@respondent_link
def respond(request: HttpRequest, wizard: Wizard, invitation: Invitation) -> HttpResponse:
    context = wizard.context(invitation=invitation)
    steps = context["questionnaire"].steps
    context["first_url"] = wizard.url("step", steps[0].dimension.code) if steps else ""
    return render(request, "respondent/start.html", context)


@require_GET
@respondent_link
def respond_step(
    request: HttpRequest, wizard: Wizard, invitation: Invitation, code: str
) -> HttpResponse:
    return _step_page(request, wizard, code)


@require_GET
@respondent_link
def respond_review(request: HttpRequest, wizard: Wizard, invitation: Invitation) -> HttpResponse:
    return _review_page(request, wizard)


@require_POST
@respondent_link
def respond_save(request: HttpRequest, wizard: Wizard, invitation: Invitation) -> HttpResponse:
    return _save(
        request, wizard, lambda: invitations.response_for_invitation(invitation=invitation)
    )


@require_POST
@respondent_link
def respond_submit(request: HttpRequest, wizard: Wizard, invitation: Invitation) -> HttpResponse:
    try:
        _submit(wizard)
    except cycles.CycleError as exc:
        messages.error(request, str(exc))
        return redirect(wizard.url("review"))
    return redirect("assessments:respond_thanks")


@require_GET
def respond_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "respondent/thanks.html")
