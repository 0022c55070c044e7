"""The owner's organization with an open cycle, as in tests/assessments, and a clean rate limit."""

import pytest

from tests.assessments.conftest import (  # noqa: F401  (fixtures)
    assessment,
    organization,
    other_bank,
    owner,
    owner_client,
)


@pytest.fixture(autouse=True)
def _no_leftover_login_attempts(request):
    """Start every test with no failed log-ins on record, so no test is locked out by another."""
    if "django_db" not in {m.name for m in request.node.iter_markers()}:
        return
    from axes.models import AccessAttempt

    request.getfixturevalue("db")
    AccessAttempt.objects.all().delete()
