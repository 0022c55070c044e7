"""The v2 action plan as the owner reads it: the rebuilt demo report, on the page and in the PDF.

The demo is the seed's bakery: a low-cost strategy, yet premium flour and a star pastry chef.
The plan must scale those back, say which contradiction each item fixes, give every KPI in its
own unit and say what doing the whole plan does to the index.
"""

import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from playwright.sync_api import expect

from demo.services import DEMO_LOGINS, DEMO_ORGANIZATION, demo_seed
from reports.models import ActionItem, Report
from reports.services import report_build, report_request
from tests.e2e.journey import log_in, shot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rebuilt_demo_report(default_bank):
    demo_seed()
    report = (
        Report.objects.filter(assessment__organization__name=DEMO_ORGANIZATION)
        .order_by("-assessment__created_at")
        .first()
    )
    report_request(assessment=report.assessment, enqueue=False)
    return report_build(report_id=report.pk)


def test_the_owner_reads_what_the_plan_fixes_on_the_page_and_in_the_pdf(
    page, live_server, rebuilt_demo_report, artifacts_dir, tmp_path
):
    report = rebuilt_demo_report
    result = report.result
    items = list(ActionItem.objects.filter(assessment=report.assessment).order_by("position"))
    scale_back = next(item for item in items if item.direction == "scale_back")
    assert scale_back.question_code == "financial.costs.premium_inputs"
    assert "cost-strategy-premium-inputs" in scale_back.addresses
    before = f"{result['alignment_index']:.0f}"
    after = f"{result['plan_projected_index']:.0f}"

    _role, email, password = DEMO_LOGINS[0]
    assert get_user_model().objects.filter(email=email).exists()
    log_in(page, live_server.url, email, password)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{reverse('reports:report', args=[report.assessment_id])}")

    row = page.locator(f"#action-{scale_back.pk}")
    expect(row.locator(".tag-scale-back")).to_have_text("Scale back")
    expect(row.locator(".addresses")).to_contain_text("You compete on efficiency and low cost")
    expect(row).to_contain_text(f"({scale_back.unit})")
    expect(row).to_contain_text("first reading sets the baseline")
    expect(page.locator(".plan-projection")).to_contain_text(
        f"raises the index from {before} to {after}"
    )
    expect(page.locator("#fit .fit-sentence")).to_be_visible()
    expect(page.locator("#comments")).to_contain_text("stone-ground flour")
    row.scroll_into_view_if_needed()
    shot(page, artifacts_dir, "plan-01-scale-back-390", full_page=False)

    # The PDF says the same; its pages are kept as pictures for a person to look at.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    pdf = tmp_path / "report.pdf"
    shutil.copy(download.value.path(), pdf)
    text = subprocess.run(  # noqa: S603 - our own file, a fixed tool
        [shutil.which("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    flat = " ".join(text.split())
    assert "scale back" in flat.lower()  # the print style writes tags in capitals
    assert "Match input grades to the strategy" in flat
    assert f"raises the index from {before} to {after}" in flat
    assert "first reading sets the baseline" in flat
    assert "Fixes:" in flat
    subprocess.run(  # noqa: S603 - our own file, a fixed tool
        [shutil.which("pdftoppm"), "-png", "-r", "60", str(pdf), str(artifacts_dir / "plan-pdf")],
        check=True,
    )
    assert list(artifacts_dir.glob("plan-pdf-*.png"))
