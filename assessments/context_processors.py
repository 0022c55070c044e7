"""What every page's navigation needs to know about the person looking at it."""

from django.http import HttpRequest

from assessments import selectors


def navigation(request: HttpRequest) -> dict[str, object]:
    # A callable: the template calls it only where it asks, on pages of logged-in users.
    return {"shows_portfolio": lambda: selectors.works_as_consultant(user=request.user)}
