"""Brief pages: the owner's desk, the members' view, and the reader's personal link."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.http import AuthenticatedHttpRequest
from briefs import selectors, services
from briefs.forms import BriefAnswerForm, BriefForm, BriefPostForm
from briefs.models import Brief, BriefLink, BriefVersion
from organizations.languages import language_for_person, request_language_activate
from organizations.zones import organization_zone_activate

# --- The owner's desk ------------------------------------------------------------------------


def _manage_context(brief: Brief, form: BriefForm, **extra: Any) -> dict[str, Any]:
    version = selectors.brief_latest_version(brief=brief)
    posts = list(selectors.brief_posts(brief=brief))
    return {
        "assessment": brief.assessment,
        "organization": brief.assessment.organization,
        "brief": brief,
        "form": form,
        "version": version,
        "earlier": list(brief.versions.order_by("-number")[1:]),
        "items": selectors.brief_items_shown(
            services.brief_plan_items(assessment=brief.assessment)
        ),
        "counts": selectors.brief_read_counts(brief=brief),
        "links_sent": brief.links.filter(sent_at__isnull=False).count(),
        "links_unsent": brief.assessment.invitations.filter(revoked_at__isnull=True)
        .exclude(brief_link__sent_at__isnull=False)
        .count()
        if version
        else 0,
        "posts": [
            (
                post,
                extra.get("answer_forms", {}).get(post.pk)
                or BriefAnswerForm(prefix=f"p{post.pk}", initial={"answer": post.answer}),
            )
            for post in posts
        ],
    }


@login_required
@require_http_methods(["GET", "POST"])
def brief_manage(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.brief_owned_get(user=request.user, pk=pk)
    organization_zone_activate(assessment.organization)
    try:
        brief = services.brief_prepare(assessment=assessment)
    except services.BriefError as exc:
        return render(
            request,
            "briefs/not_ready.html",
            {"assessment": assessment, "message": str(exc)},
        )
    form = BriefForm(request.POST or None, instance=brief)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.brief_save(
            brief=brief,
            customers=data["customers"],
            value=data["value"],
            operations=data["operations"],
            note=data["note"],
        )
        if request.POST.get("action") == "publish":
            try:
                version = services.brief_publish(brief=brief, user=request.user)
            except services.BriefError as exc:
                messages.error(request, str(exc))
                return redirect("briefs:manage", pk=assessment.pk)
            if version.number == 1:
                messages.success(
                    request,
                    _(
                        "The brief is published; everyone invited to the cycle gets their link by e-mail."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Corrected version %(number)d is published; readers now see it.")
                    % {"number": version.number},
                )
        else:
            messages.success(
                request, _("Your changes are saved; readers see them once you publish.")
            )
        return redirect("briefs:manage", pk=assessment.pk)
    return render(request, "briefs/manage.html", _manage_context(brief, form))


@login_required
@require_POST
def brief_links_resend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = selectors.brief_owned_get(user=request.user, pk=pk)
    brief = get_object_or_404(Brief, assessment=assessment, versions__isnull=False)
    if services.brief_links_enqueue(brief_id=brief.pk):
        messages.success(request, _("The links not sent yet are on their way."))
    else:
        messages.error(request, _("The mail queue cannot be reached; please try again later."))
    return redirect("briefs:manage", pk=assessment.pk)


@login_required
@require_POST
def brief_post_answer(request: AuthenticatedHttpRequest, pk: int, post_pk: int) -> HttpResponse:
    assessment = selectors.brief_owned_get(user=request.user, pk=pk)
    brief = get_object_or_404(Brief, assessment=assessment)
    post = get_object_or_404(brief.posts, pk=post_pk)
    form = BriefAnswerForm(request.POST, prefix=f"p{post.pk}")
    if not form.is_valid():
        context = _manage_context(brief, BriefForm(instance=brief), answer_forms={post.pk: form})
        return render(request, "briefs/manage.html", context, status=400)
    services.brief_post_answer(post=post, answer=form.cleaned_data["answer"])
    messages.success(request, _("Your answer is on the brief for everyone to read."))
    return redirect(reverse("briefs:manage", args=[assessment.pk]) + f"#post-{post.pk}")


# --- Members and consultants read it in the app ----------------------------------------------


@login_required
@require_GET
def brief_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    brief, version = selectors.brief_published_get(user=request.user, pk=pk)
    organization_zone_activate(brief.assessment.organization)
    return render(
        request,
        "briefs/view.html",
        {
            **_reader_context(brief, version),
            "can_manage": selectors.brief_can_manage(
                user=request.user, assessment=brief.assessment
            ),
        },
    )


def _reader_context(brief: Brief, version: BriefVersion) -> dict[str, Any]:
    answered = list(selectors.brief_posts_answered(brief=brief))
    items = [
        {**item, "answered": [p for p in answered if p.item_title == item["title"]]}
        for item in selectors.brief_items_shown(version.items)
    ]
    return {
        "brief": brief,
        "version": version,
        "assessment": brief.assessment,
        "organization": brief.assessment.organization,
        "items": items,
    }


# --- A reader's personal link (no account) ---------------------------------------------------


def _link_language_activate(request: HttpRequest, link: BriefLink) -> None:
    """Show the page in the language chosen for the reader's invitation, unless they chose."""
    organization = link.brief.assessment.organization
    request_language_activate(request, language_for_person(link.invitation, organization))


def _link_problem(request: HttpRequest, exc: Exception) -> HttpResponse:
    if isinstance(exc, selectors.BriefLinkGoneError):
        context = {"reason": exc.reason, "message": str(exc), "link": exc.link}
        return render(request, "briefs/link_problem.html", context, status=410)
    return render(request, "briefs/link_problem.html", {"reason": "unknown"}, status=404)


def _read_page(
    request: HttpRequest,
    link: BriefLink,
    token: str,
    *,
    form_index: int | None = None,
    form: BriefPostForm | None = None,
    status: int = 200,
) -> HttpResponse:
    organization_zone_activate(link.brief.assessment.organization)
    _link_language_activate(request, link)
    version = selectors.brief_latest_version(brief=link.brief)
    if version is None:
        return _link_problem(request, selectors.BriefLinkUnknownError())
    context = _reader_context(link.brief, version)
    for item in context["items"]:
        item["form"] = (
            form
            if form is not None and item["index"] == form_index
            else BriefPostForm(prefix=f"i{item['index']}")
        )
    context.update(
        link=link,
        token=token,
        can_post=services.brief_post_allowed(link=link),
        posts_per_hour=services.POSTS_PER_HOUR,
    )
    return render(request, "briefs/read.html", context, status=status)


@never_cache
@require_GET
def brief_read(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = selectors.brief_link_resolve(token=token)
    except (selectors.BriefLinkUnknownError, selectors.BriefLinkGoneError) as exc:
        return _link_problem(request, exc)
    return _read_page(request, link, token)


@never_cache
@require_POST
def brief_mark_read(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = selectors.brief_link_resolve(token=token)
    except (selectors.BriefLinkUnknownError, selectors.BriefLinkGoneError) as exc:
        return _link_problem(request, exc)
    _link_language_activate(request, link)
    services.brief_link_mark_read(link=link)
    messages.success(request, _("Thank you: the brief is marked as read."))
    return redirect("briefs:read", token=token)


@never_cache
@require_POST
def brief_ask(request: HttpRequest, token: str, index: int) -> HttpResponse:
    try:
        link = selectors.brief_link_resolve(token=token)
    except (selectors.BriefLinkUnknownError, selectors.BriefLinkGoneError) as exc:
        return _link_problem(request, exc)
    form = BriefPostForm(request.POST, prefix=f"i{index}")
    if not form.is_valid():
        return _read_page(request, link, token, form_index=index, form=form, status=400)
    try:
        post = services.brief_post_create(
            link=link,
            item_index=index,
            kind=form.cleaned_data["kind"],
            text=form.cleaned_data["text"],
        )
    except (services.BriefPostLimitError, services.BriefError) as exc:
        form.add_error("text", str(exc))
        status = 429 if isinstance(exc, services.BriefPostLimitError) else 400
        return _read_page(request, link, token, form_index=index, form=form, status=status)
    if post.kind == post.Kind.IDEA:
        messages.success(request, _("Thank you: your idea reached the owner, without your name."))
    else:
        messages.success(
            request, _("Thank you: your question reached the owner, without your name.")
        )
    return redirect("briefs:read", token=token)
