"""The pulse page behind a personal link, the cadence setting, and an organization's pulses."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import time_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.http import AuthenticatedHttpRequest
from assessments.forms import BatchInvalidError
from assessments.services.cycles import AnswerChange
from assessments.views.questionnaire import batch_body, batch_too_big
from banks.forms import SCALE_ANCHORS
from organizations.access import require_owner
from organizations.languages import language_chosen, request_language_activate
from organizations.selectors import is_owner, organization_get
from pulses import selectors, services
from pulses.charts import area_trend_context
from pulses.forms import PulseAnswerForm, PulseCadenceForm, pulse_batch_parse
from pulses.models import Pulse, PulseLink, PulseQuestion

# --- The pulse page (no account: the token in the link is the key) --------------------------


def _link_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    gone = isinstance(exc, services.PulseLinkGoneError)
    status = 410 if gone else 404
    message = str(exc) if gone else _("This link is not valid.")
    if request.method == "POST" and request.content_type == "application/json":
        return JsonResponse({"error": message}, status=status)
    context = {"reason": exc.reason if isinstance(exc, services.PulseLinkGoneError) else "unknown"}
    context["message"] = message
    return render(request, "pulses/link_problem.html", context, status=status)


PulseView = Callable[..., HttpResponse]


def pulse_link(view: PulseView) -> Callable[..., HttpResponse]:
    """Open the pulse link of the URL's token, or answer with a clear 404/410 page."""

    @wraps(view)
    def wrapper(request: HttpRequest, token: str) -> HttpResponse:
        try:
            link = services.pulse_link_resolve(token=token)
        except (services.PulseLinkUnknownError, services.PulseLinkGoneError) as exc:
            return _link_problem(request, exc)
        if not language_chosen(request):
            # The language chosen for the person's invitation, unless they chose on the page.
            request_language_activate(request, services.pulse_link_language(link=link))
        return view(request, link, token)

    return wrapper


def _pulse_questions(pulse: Pulse) -> list[PulseQuestion]:
    return list(
        PulseQuestion.objects.filter(pulse=pulse)
        .select_related("question__area")
        .order_by("position")
    )


@require_GET
@pulse_link
def respond(request: HttpRequest, link: PulseLink, token: str) -> HttpResponse:
    pulse = link.pulse
    answers = selectors.link_answers(link=link)
    items = [
        {
            "number": n,
            "question": pq.question,
            "choice": (
                ("dk" if answers[pq.question_id] is None else str(answers[pq.question_id]))
                if pq.question_id in answers
                else ""
            ),
        }
        for n, pq in enumerate(_pulse_questions(pulse), start=1)
    ]
    context = {
        "link": link,
        "pulse": pulse,
        "organization": pulse.organization,
        "items": items,
        "answered": len(answers),
        "total": len(items),
        "scale": SCALE_ANCHORS,
        "save_url": reverse("pulses:save", args=[token]),
        "batch_url": reverse("pulses:save", args=[token]),
        "submit_url": reverse("pulses:submit", args=[token]),
        # The autosave numbers its changes above what the server holds.
        "questionnaire": {"last_seq": selectors.link_last_seq(link=link)},
    }
    return render(request, "pulses/respond.html", context)


@require_POST
@pulse_link
def save(request: HttpRequest, link: PulseLink, token: str) -> HttpResponse:
    """Save the page's batch (JSON, from wizard.js) or one answer posted without JavaScript."""
    if request.content_type != "application/json":
        return _save_one(request, link, token)
    body = batch_body(request)
    if body is None:
        return batch_too_big()
    question_ids = services.pulse_question_ids(pulse=link.pulse)
    try:
        changes = pulse_batch_parse(pulse=link.pulse, question_ids=question_ids, body=body)
        saved = services.pulse_answers_save(link=link, changes=changes)
    except BatchInvalidError as exc:
        return JsonResponse({"error": str(exc), "errors": exc.errors}, status=400)
    except services.PulseError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    except services.PulseLinkGoneError as exc:
        return JsonResponse({"error": str(exc)}, status=410)
    answered = link.answers.count()
    return JsonResponse(
        {
            "saved": [{"question": change.question.code, "seq": change.seq} for change in saved],
            "saved_at": time_format(timezone.localtime(), "H:i:s"),
            "progress": {"*": [answered, len(question_ids)]},
        }
    )


def _save_one(request: HttpRequest, link: PulseLink, token: str) -> HttpResponse:
    questions = {pq.question.code: pq.question for pq in _pulse_questions(link.pulse)}
    form = PulseAnswerForm(request.POST, questions=questions)
    if form.is_valid():
        change = AnswerChange(
            question=form.cleaned_data["question"],
            current=form.cleaned_data["current"],
            target=None,
            comment="",
            seq=time.time_ns() // 1000,  # the same clock the page's own numbers come from
        )
        try:
            services.pulse_answers_save(link=link, changes=[change])
        except services.PulseLinkGoneError as exc:
            return _link_problem(request, exc)
        messages.success(request, _("Saved."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("pulses:respond", token=token)


@require_POST
@pulse_link
def submit(request: HttpRequest, link: PulseLink, token: str) -> HttpResponse:
    try:
        services.pulse_link_submit(link=link)
    except services.PulseError as exc:
        messages.error(request, str(exc))
        return redirect("pulses:respond", token=token)
    except services.PulseLinkGoneError as exc:
        return _link_problem(request, exc)
    return redirect("pulses:thanks")


@require_GET
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "pulses/thanks.html")


# --- The organization's side -----------------------------------------------------------------


@login_required
@require_POST
def cadence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    require_owner(request, organization)
    form = PulseCadenceForm(request.POST)
    if form.is_valid():
        changed = services.pulse_cadence_set(
            organization=organization, cadence=form.cleaned_data["cadence"]
        )
        if changed:
            messages.success(request, _("The pulse cadence is saved."))
        else:
            messages.info(request, _("Nothing changed."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("organizations:settings", pk=organization.pk)


@login_required
@require_GET
def pulse_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organization = organization_get(user=request.user, pk=pk)
    context = {
        "organization": organization,
        "pulses": list(selectors.pulses_of(organization=organization)),
        "cadence": selectors.pulse_cadence_of(organization=organization),
        "is_owner": is_owner(user=request.user, organization=organization),
        **area_trend_context(organization=organization),
    }
    return render(request, "pulses/pulse_list.html", context)


@login_required
@require_GET
def pulse_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pulse = selectors.pulse_get(user=request.user, pk=pk)
    return render(
        request,
        "pulses/pulse_detail.html",
        {
            "pulse": pulse,
            "organization": pulse.organization,
            "label": selectors.pulse_label(pulse),
            "question_count": PulseQuestion.objects.filter(pulse=pulse).count(),
            "link_count": pulse.links.count(),
        },
    )
