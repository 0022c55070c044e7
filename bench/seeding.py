"""Seeding shared by the request benchmarks (bench/load.py, bench/profile_respondent.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assessments.models import Assessment
    from banks.models import QuestionBank

ROOT = Path(__file__).resolve().parents[1]


def default_bank_migrated() -> QuestionBank:
    """Migrate the database, load banks/default.yaml and return its published version."""
    from django.core.management import call_command

    from banks.models import QuestionBank

    call_command("migrate", verbosity=0, interactive=False)
    call_command("load_bank", str(ROOT / "banks" / "default.yaml"), verbosity=0)
    return QuestionBank.objects.filter(status="published").latest("version")


def open_cycle_with_links(
    bank: QuestionBank, tokens: Sequence[str], *, domain: str, name: str
) -> Assessment:
    """Open a cycle whose owner has answered and invite one staff member per link token."""
    from django.utils import timezone

    from assessments.models import Assessment, Invitation
    from assessments.services.invitations import token_digest
    from organizations.models import Level
    from tests.scenarios import answered_assessment

    cycle = answered_assessment(
        bank,
        status=Assessment.Status.OPEN,
        levels={Level.OWNER: 1},
        owner_email=f"owner-open@{domain}",
        organization_name=name,
    )
    expires = timezone.now() + timedelta(days=7)
    Invitation.objects.bulk_create(
        (
            Invitation(
                assessment=cycle,
                email=f"staff{n}@{domain}",
                level=Level.STAFF,
                token_hash=token_digest(token),
                expires_at=expires,
            )
            for n, token in enumerate(tokens)
        ),
        batch_size=1000,
    )
    return cycle
