"""The questionnaire, for members (logged in) and respondents (personal link)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.validators import slug_re
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest, HtmxHttpRequest
from assessments import selectors
from assessments.forms import (
    BATCH_MAX_BYTES,
    TARGET_CHOICES,
    AnswerBatch,
    AnswerForm,
    BatchInvalidError,
)
from assessments.models import Assessment, Invitation, Response
from assessments.selectors import (
    Questionnaire,
    answer_progress,
    assessment_get,
    response_of_user,
    response_progress,
)
from assessments.services import cycles, invitations
from banks.forms import SCALE_ANCHORS
from organizations.languages import language_for_person, request_language_activate
from organizations.models import Level, ValueDiscipline
from organizations.selectors import membership_role
from organizations.zones import organization_zone_activate

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

    def context(self, **extra: object) -> dict[str, Any]:
        questionnaire = selectors.questionnaire(assessment=self.assessment, response=self.response)
        discipline = (self.assessment.strategy_snapshot or {}).get("value_discipline", "")
        return {
            "wizard": self,
            "assessment": self.assessment,
            "organization": self.assessment.organization,
            "questionnaire": questionnaire,
            "save_url": self.url("save"),
            "batch_url": self.url("save_batch"),
            "review_url": self.url("review"),
            "submit_url": self.url("submit"),
            # Translated once here rather than once per question on the page.
            "scale": [(value, str(anchor)) for value, anchor in SCALE_ANCHORS],
            "target_choices": TARGET_CHOICES,
            "discipline": ValueDiscipline(discipline).label if discipline else "",
            **extra,
        }


def _member_wizard(request: AuthenticatedHttpRequest, pk: int) -> tuple[Wizard, str]:
    assessment = assessment_get(user=request.user, pk=pk)
    role = membership_role(user=request.user, organization=assessment.organization)
    if role is None:
        raise PermissionDenied(_("Only members of the organization answer its questionnaire."))
    organization_zone_activate(assessment.organization)
    response = response_of_user(assessment=assessment, user=request.user)
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
        messages.info(request, _("You submitted your answers; they can no longer change."))
        return redirect(wizard.assessment)
    if wizard.assessment.status != Assessment.Status.OPEN:
        messages.info(request, _("This cycle is closed and no longer takes answers."))
        return redirect(wizard.assessment)
    return None


def _nav(wizard: Wizard, questionnaire: Questionnaire) -> list[dict[str, object]]:
    return [{"step": s, "url": wizard.url("step", s.dimension.code)} for s in questionnaire.steps]


def _step_page(request: HttpRequest, wizard: Wizard, code: str | None) -> HttpResponse:
    context = wizard.context()
    questionnaire = context["questionnaire"]
    if not questionnaire.steps:
        raise PermissionDenied(_("This questionnaire has no questions."))
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
    request: HtmxHttpRequest, wizard: Wizard, start_response: Callable[[], Response]
) -> HttpResponse:
    """Validate and save one answer; reply with the message shown beside the question."""
    form = AnswerForm(request.POST, assessment=wizard.assessment, with_target=wizard.with_target)
    question_id = request.POST.get("question", "")
    status = 200
    context: dict[str, Any] = {"question_id": question_id, "wizard": wizard}
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
            step, overall = answer_progress(
                assessment=wizard.assessment,
                response=answer.response,
                question=form.cleaned_data["question"],
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
            messages.success(request, _("Saved."))
        # Both come from the request: only a real slug and a plain number go into the URL.
        code = request.POST.get("step", "")
        target = wizard.url("step", code) if slug_re.match(code) else wizard.url("review")
        anchor = f"#q-{question_id}" if question_id.isascii() and question_id.isdigit() else ""
        return redirect(target + anchor)
    return render(request, "assessments/_answer_feedback.html", context, status=status)


def batch_body(request: HttpRequest) -> bytes | None:
    """Return a batch save's raw body, or None when it is larger than a batch may be."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > BATCH_MAX_BYTES:
        return None
    try:
        return request.body
    except RequestDataTooBig:
        return None


def batch_too_big() -> JsonResponse:
    return JsonResponse(
        {"error": _("Too many changes at once: send them in smaller parts.")}, status=400
    )


def _save_batch(
    request: HttpRequest, wizard: Wizard, start_response: Callable[[], Response]
) -> JsonResponse:
    """Save the page's batch of changed answers; reply with what is stored, as JSON.

    The page numbers its changes; it marks an answer saved only when its number comes back.
    """
    body = batch_body(request)
    if body is None:
        return batch_too_big()
    try:
        changes = AnswerBatch(assessment=wizard.assessment, with_target=wizard.with_target).parse(
            body
        )
    except BatchInvalidError as exc:
        return JsonResponse({"error": str(exc), "errors": exc.errors}, status=400)
    if not changes:
        return JsonResponse({"saved": [], "progress": {}})
    try:
        response = wizard.response or start_response()
        saved = cycles.answer_batch_save(response=response, changes=changes)
    except cycles.ResponseLockedError as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    except cycles.CycleError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    progress = response_progress(assessment=wizard.assessment, response=response)
    # The organization's zone is active: the page shows the local time with the zone's name,
    # and the ISO moment with its offset is there for anything that computes with it.
    now = timezone.localtime()
    return JsonResponse(
        {
            "saved": [{"question": change.question.code, "seq": change.seq} for change in saved],
            "saved_at": time_format(now, "H:i:s T"),
            "saved_at_iso": now.isoformat(timespec="seconds"),
            "progress": {p.code or "*": [p.answered, p.total] for p in progress},
        }
    )


def _submit(wizard: Wizard) -> None:
    if wizard.response is None:
        raise cycles.CycleError(_("Answer at least one question before you submit."))
    cycles.response_submit(response=wizard.response)


@login_required
@require_GET
def wizard_start(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    return _closed_redirect(request, wizard) or _step_page(request, wizard, None)


@login_required
@require_GET
def wizard_step(request: AuthenticatedHttpRequest, pk: int, code: str) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    return _closed_redirect(request, wizard) or _step_page(request, wizard, code)


@login_required
@require_GET
def wizard_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    return _closed_redirect(request, wizard) or _review_page(request, wizard)


@login_required
@require_POST
def wizard_save(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
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
def wizard_save_batch(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wizard, role = _member_wizard(request, pk)
    return _save_batch(
        request,
        wizard,
        lambda: cycles.response_for_member(
            assessment=wizard.assessment, user=request.user, role=role
        ),
    )


@login_required
@require_POST
def wizard_submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    wizard, _role = _member_wizard(request, pk)
    try:
        _submit(wizard)
    except cycles.CycleError as exc:
        messages.error(request, str(exc))
        return redirect(wizard.url("review"))
    messages.success(request, _("Thank you: your answers are submitted."))
    return redirect(wizard.assessment)


# --- Respondents (no account: the personal link is the key) ----------------------------------


def _link_problem(request: HtmxHttpRequest, exc: Exception) -> HttpResponse:
    gone = isinstance(exc, invitations.InvitationGoneError)
    status = 410 if gone else 404
    if request.htmx:
        message = str(exc) if gone else _("This link is not valid.")
        return render(
            request, "assessments/_answer_feedback.html", {"errors": [message]}, status=status
        )
    context: dict[str, Any] = {"reason": "unknown"}
    if isinstance(exc, invitations.InvitationGoneError):
        organization_zone_activate(exc.invitation.assessment.organization)
        request_language_activate(
            request, language_for_person(exc.invitation, exc.invitation.assessment.organization)
        )
        context = {"reason": exc.reason, "message": str(exc), "invitation": exc.invitation}
    return render(request, "assessments/respondent/link_problem.html", context, status=status)


RespondentView = Callable[..., HttpResponse]


def respondent_link(view: RespondentView) -> Callable[..., HttpResponse]:
    """Open the invitation of the URL's token, or answer with a clear 404/410 page."""

    @wraps(view)
    def wrapper(
        request: HtmxHttpRequest, token: str, *args: object, **kwargs: object
    ) -> HttpResponse:
        try:
            invitation = invitations.invitation_resolve(token=token)
        except (invitations.InvitationUnknownError, invitations.InvitationGoneError) as exc:
            return _link_problem(request, exc)
        organization_zone_activate(invitation.assessment.organization)
        # The language the owner chose for this person, unless they chose one on the page.
        request_language_activate(
            request, language_for_person(invitation, invitation.assessment.organization)
        )
        wizard = Wizard(
            assessment=invitation.assessment,
            response=invitations.invitation_response(invitation=invitation),
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
    return render(request, "assessments/respondent/start.html", context)


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
def respond_save(request: HtmxHttpRequest, wizard: Wizard, invitation: Invitation) -> HttpResponse:
    return _save(
        request, wizard, lambda: invitations.response_for_invitation(invitation=invitation)
    )


@require_POST
@respondent_link
def respond_save_batch(
    request: HttpRequest, wizard: Wizard, invitation: Invitation
) -> HttpResponse:
    return _save_batch(
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
    return render(request, "assessments/respondent/thanks.html")
