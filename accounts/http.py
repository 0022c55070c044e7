"""Request types for views: what the middleware sets that `HttpRequest`'s stubs cannot know."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Any request: django-htmx's middleware gives every one its `htmx` details."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """The request a view behind `@login_required` receives: its user is logged in."""

    user: User
