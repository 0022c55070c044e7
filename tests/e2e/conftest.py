"""Browser journeys run in Debian's Chromium; helpers to drive the site are in journey.py."""

import os
import re
import shutil

import pytest
from django.core import mail
from playwright.sync_api import Page

from assessments.services.cycles import assessment_start
from assessments.services.invitations import invitations_create
from organizations.models import Level
from organizations.services import strategy_save
from tests.accounts.factories import UserFactory
from tests.organizations.factories import MembershipFactory


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Drive Debian's Chromium: Playwright's own browser download is not possible here."""
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium")
    if path is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-dev-shm-usage",
        ],
    }


@pytest.fixture
def page(page: Page) -> Page:
    page.set_default_timeout(10_000)
    return page


@pytest.fixture
def respondent_link(default_bank, live_server):
    """A staff member's personal link into an open cycle of a small bakery."""
    owner = UserFactory(email="olivia@crumb.example")
    organization = MembershipFactory(user=owner, organization__name="Crumb & Co").organization
    strategy_save(
        organization=organization,
        target_customers="Families nearby",
        segment="budget-conscious families",
        primary_value="price",
        value_discipline="operational_excellence",
        goals="",
    )
    assessment = assessment_start(organization=organization, user=owner, label="2026-Q4")
    invitations_create(
        assessment=assessment,
        entries=[("sam@crumb.example", Level.STAFF)],
        site_url=live_server.url,
    )
    return re.search(r"http\S+/respond/\S+/", mail.outbox[-1].body).group(0)
