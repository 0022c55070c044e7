"""Fixtures of the client dashboard tests: no PDFs (not under test here), a private media folder."""

import pytest

from reports import pdf


@pytest.fixture(autouse=True)
def no_pdf(monkeypatch):
    """Skip PDF rendering: these tests read scores, charts and plans, never the PDF."""
    monkeypatch.setattr(pdf, "pdf_engine_problem", lambda: "PDFs are not built in these tests")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
