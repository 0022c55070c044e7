"""A German organization's report and PDF are German throughout (issue #18).

The same cycle is built once in English and once in German. Every word of the English PDF that
German never uses (it is in no German translation of the interface or the bank) must be absent
from the German PDF and the German report page: an English word there is a string that missed
the translation machinery.
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.dates import MONTHS_3
from django.utils.html import strip_tags

from tests.scenarios import report_ready

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils"),
]

WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")
# Names and abbreviations that are the same in every language.
SAME_IN_EVERY_LANGUAGE = {"crumb", "resonance", "kpi", "kpis", "pdf", "csv", "yaml", "api", "utc"}


def _pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        data = handle.read()
    pdftotext = shutil.which("pdftotext") or "pdftotext"
    return subprocess.run(  # noqa: S603 - poppler on our own file
        [pdftotext, "-layout", "-", "-"], input=data, check=True, capture_output=True
    ).stdout.decode()


def _german_vocabulary() -> set[str]:
    """Every word the German catalogs and the default bank's German texts use."""
    words: set[str] = set()
    po_path = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
    for entry in polib.pofile(str(po_path)):
        for text in [entry.msgstr, *entry.msgstr_plural.values()]:
            words.update(w.lower() for w in WORD.findall(text))

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("de"), str):
                words.update(w.lower() for w in WORD.findall(value["de"]))
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(yaml.safe_load((Path(settings.BASE_DIR) / "banks" / "default.yaml").read_text()))
    with translation.override("de"):  # "Jan", "Feb" and "Apr" are German abbreviations too
        words.update(str(month).lower() for month in MONTHS_3.values())
    return words


def _english_only(english: str, german_vocabulary: set[str], owners_words: str) -> set[str]:
    """English words of the English report, less German ones and what the owner typed."""
    words = {w.lower() for w in WORD.findall(english)}
    typed = {w.lower() for w in WORD.findall(owners_words)}
    return words - german_vocabulary - typed - SAME_IN_EVERY_LANGUAGE


def _leaks(text: str, english_only: set[str]) -> list[str]:
    return sorted({w.lower() for w in WORD.findall(text)} & english_only)


@pytest.fixture
def reports_in_both_languages(assessment):
    organization = assessment.organization
    organization.language = "en"
    organization.save()
    english = _pdf_text(report_ready(assessment))
    organization.language = "de"
    organization.save()
    german_report = report_ready(assessment)
    return english, german_report


def test_a_german_organizations_pdf_has_no_english_word(reports_in_both_languages):
    english, german_report = reports_in_both_languages
    german = _pdf_text(german_report)
    strategy = german_report.assessment.organization.strategy
    english_only = _english_only(english, _german_vocabulary(), strategy.segment)
    # The check has teeth: the English PDF is full of words German never uses.
    assert {"and", "your", "which", "where"} <= english_only
    assert "Zusammenfassung" in german
    leaks = _leaks(german, english_only)
    assert leaks == [], [
        line for line in german.splitlines() if set(WORD.findall(line.lower())) & set(leaks)
    ]


def test_a_german_owner_reads_the_report_page_in_german(reports_in_both_languages, client):
    english, german_report = reports_in_both_languages
    assessment = german_report.assessment
    owner = assessment.organization.memberships.first().user
    client.force_login(owner)
    page = client.get(reverse("reports:report", args=[assessment.pk]), HTTP_ACCEPT_LANGUAGE="de")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="de"' in html
    body = html.split("<main", 1)[1].split("</main>", 1)[0]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = strip_tags(body)
    english_only = _english_only(
        english, _german_vocabulary(), assessment.organization.strategy.segment
    )
    leaks = _leaks(text, english_only)
    assert leaks == [], leaks


def test_a_reader_in_german_reads_an_english_reports_bank_texts_in_german(built_report, client):
    """Titles, rule messages and the charts follow the reader, not the language of the build."""
    assessment = built_report.assessment
    owner = assessment.organization.memberships.first().user
    client.force_login(owner)
    market = assessment.bank.dimensions.get(code="market")
    rule = assessment.bank.rules.get(code=built_report.result["consistency_flags"][0]["rule"])
    url = reverse("reports:report", args=[assessment.pk])

    def page_text(language: str) -> str:
        html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        return " ".join(
            strip_tags(re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)).split()
        )

    english, german = page_text("en"), page_text("de")
    assert market.title in english
    assert market.translations["de"]["title"] in german
    at = german.find(market.title)
    assert at < 0, german[max(0, at - 300) : at + 80]
    assert " ".join(rule.translations["de"]["message"].split()) in german
    assert " ".join(rule.message.split()) not in german
