"""User text in the report is always text: hostile names and notes in the page and the PDF."""

import shutil
import subprocess

import pytest
from django.urls import reverse

from assessments.models import Answer
from banks.services import bank_to_engine
from organizations.models import StrategyProfile
from reports import pdf
from reports.content import report_content
from reports.models import Report
from reports.services import report_build, report_request
from tests.scenarios import answered_assessment, owner_of

pytestmark = pytest.mark.django_db

IMG = "<img src=http://example.invalid/x>"
STYLE = "</style><script src=http://example.invalid/s.js></script>"
HOSTILE = f"Evil {IMG} {STYLE} & Co"


@pytest.fixture
def fetchers(monkeypatch):
    """Record every URL fetcher the PDF build makes."""
    made = []
    real = pdf.static_only_fetcher

    def recording():
        made.append(real())
        return made[-1]

    monkeypatch.setattr(pdf, "static_only_fetcher", recording)
    return made


@pytest.fixture
def hostile_report(default_bank, fetchers, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assessment = answered_assessment(default_bank, organization_name=HOSTILE[:120])
    StrategyProfile.objects.filter(organization=assessment.organization).update(
        segment=f"families {IMG}"[:120], target_customers=HOSTILE, goals=STYLE
    )
    assessment.strategy_snapshot = {**assessment.strategy_snapshot, "segment": f"fam {IMG}"}
    assessment.save(update_fields=["strategy_snapshot"])
    Answer.objects.filter(response__assessment=assessment).update(comment=HOSTILE)
    report = report_build(report_id=report_request(assessment=assessment, enqueue=False).pk)
    assert report.status == Report.Status.READY, report.error
    item = assessment.action_items.first()
    item.consultant_note = HOSTILE
    item.progress_note = HOSTILE
    item.assignee = IMG[:120]
    item.save(update_fields=["consultant_note", "progress_note", "assignee"])
    return report


def _assert_escaped(html: str) -> None:
    assert "<img src=http://example.invalid" not in html
    assert "<script src=http://example.invalid" not in html
    assert "</style><script" not in html
    assert "&lt;img src=http://example.invalid/x&gt;" in html


def test_the_report_page_shows_hostile_text_as_text(client, hostile_report):
    assessment = hostile_report.assessment
    client.force_login(owner_of(assessment))
    page = client.get(reverse("reports:report", args=[assessment.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    _assert_escaped(html)
    assert "&lt;/style&gt;" in html  # the name is there, as text


def test_the_printed_report_escapes_and_fetches_nothing(hostile_report, fetchers):
    # The build itself made a PDF with a fetcher that refused nothing: no injected URL loaded.
    assert fetchers, "the PDF was built with the static-only fetcher"
    assert [url for f in fetchers for url in f.refused] == []
    assessment = hostile_report.assessment
    content = report_content(
        assessment=assessment,
        result=hostile_report.result,
        perception=hostile_report.perception,
        plan=list(assessment.action_items.all()),
        bank=bank_to_engine(assessment.bank),
    )
    _assert_escaped(pdf.report_pdf_html(content))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_prints_the_hostile_name_literally(hostile_report, tmp_path):
    path = tmp_path / "r.pdf"
    with hostile_report.pdf.open("rb") as handle:
        path.write_bytes(handle.read())
    text = subprocess.run(  # noqa: S603
        [shutil.which("pdftotext"), "-raw", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    assert "Evil <img src=http://example.invalid/x>" in text.replace("\n", " ")


@pytest.mark.parametrize(
    "url",
    [
        "https://resonance.invalid/static/%2e%2e/%2e%2e/alignment_site/settings/base.py",
        "https://resonance.invalid/static//etc/passwd",
        "https://resonance.invalid/static/..%2f..%2fmanage.py",
        "https://resonance.invalid/media/reports/other-client.pdf",
        "http://127.0.0.1:8000/static/css/report_print.css",
        "ftp://example.invalid/x",
    ],
)
def test_the_fetcher_refuses_anything_but_static_files(url):
    fetcher = pdf.static_only_fetcher()
    with pytest.raises(ValueError, match="may not load"):
        fetcher.fetch(url)
    assert fetcher.refused == [url]
    assert fetcher.served == []


def test_the_fetcher_serves_static_files_and_data_urls_and_never_redirects():
    from urllib.request import HTTPRedirectHandler

    fetcher = pdf.static_only_fetcher()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    fetcher.fetch("https://resonance.invalid/static/css/report_print.css")
    assert fetcher.served == ["https://resonance.invalid/static/css/report_print.css"]
    assert not any(isinstance(h, HTTPRedirectHandler) for h in fetcher.handlers)


def test_the_report_task_runs_under_a_soft_and_a_hard_time_limit():
    from alignment_site.celery import app

    soft, hard = app.conf.task_soft_time_limit, app.conf.task_time_limit
    assert soft
    assert hard
    assert 0 < soft < hard
    # A message must not go to a second worker while the first may still be building it.
    visibility = app.conf.broker_transport_options.get("visibility_timeout")
    assert visibility is None or visibility > hard
