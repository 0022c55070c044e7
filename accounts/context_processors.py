"""What every page's navigation needs to know about the person looking at it."""

from typing import cast

from django.contrib.auth.models import User
from django.http import HttpRequest

from consultants.selectors import works_as_consultant


def navigation(request: HttpRequest) -> dict[str, object]:
    # A callable: the template calls it only where it asks, on pages of logged-in users.
    return {"shows_portfolio": lambda: works_as_consultant(user=cast(User, request.user))}
