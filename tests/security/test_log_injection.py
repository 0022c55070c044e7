"""Issue #20 item 5: a client's CR/LF cannot write a forged line into the logs."""

import io
import logging

import pytest

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db

FORGED = "2026-12-01 00:00:00,000 WARNING resonance.security login succeeded email=boss@example.com"


@pytest.fixture
def console_lines():
    """Return what the site's console handler (settings.LOGGING) writes during the test."""
    (handler,) = [h for h in logging.getLogger().handlers if h.name == "console"]
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield lambda: buffer.getvalue().splitlines()
    handler.setStream(previous)


def test_a_crlf_in_the_path_stays_inside_its_own_log_line(client, console_lines):
    client.force_login(UserFactory())
    response = client.get("/app/nowhere%0D%0A" + FORGED.replace(" ", "%20"))
    assert response.status_code == 404
    lines = console_lines()
    refused = [line for line in lines if "refused status=404" in line]
    assert len(refused) == 1, lines
    assert "\\r\\n2026-12-01" in refused[0]
    assert not any(line.startswith("2026-12-01 00:00:00,000") for line in lines), lines


def test_control_characters_in_any_logged_value_are_escaped(console_lines):
    logging.getLogger("organizations.services").warning("name=%s", "Acme\x1b[2J\u2028\rInc")
    (line,) = console_lines()
    assert line.endswith("name=Acme\\x1b[2J\\u2028\\rInc")


def test_an_exception_message_cannot_carry_a_carriage_return(console_lines):
    try:
        raise ValueError("bad\rvalue")
    except ValueError:
        logging.getLogger("reports.services").exception("build failed for %s", "x\ny")
    lines = console_lines()
    assert lines[0].endswith("build failed for x\\ny")
    assert any("bad\\rvalue" in line for line in lines)
