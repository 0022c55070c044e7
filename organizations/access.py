"""Access checks shared by the views."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _

from organizations.models import Organization
from organizations.selectors import is_owner


def require_owner(request: HttpRequest, organization: Organization) -> None:
    """Raise PermissionDenied unless the user owns the organization."""
    if not is_owner(user=request.user, organization=organization):
        raise PermissionDenied(_("Only an owner of the organization may do this."))
