"""Issue #20 item 8: odd JSON is a 400 (API) or one line with status 2 (CLI), never a 500."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.models import Answer
from reports.models import ActionItem
from tests.api.conftest import owner, scored, token_client  # noqa: F401 - fixtures
from tests.assessments.factories import AssessmentFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
FEEDBACK = "market.customers.feedback"
DEEP = "[" * 100_000 + "]" * 100_000
SURROGATE = '{"answers": [{"question": "%s", "current": 4, "comment": "bad \\ud800 text"}]}'
NUL = '{"answers": [{"question": "%s", "current": 4, "comment": "bad \\u0000 text"}]}'


@pytest.fixture
def open_cycle(scored, default_bank):  # noqa: F811 - the imported fixture
    return AssessmentFactory(organization=scored.organization, bank=default_bank, label="2027-Q1")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (DEEP, "nested too deeply"),
        (SURROGATE % FEEDBACK, "lone surrogate"),
        (NUL % FEEDBACK, "NUL character"),
        ('{"answers": [], "\\udfff": 1}', "lone surrogate"),
    ],
    ids=["deep", "surrogate", "nul", "surrogate-key"],
)
def test_odd_answer_bodies_are_a_400_with_a_message(owner, open_cycle, body, message):  # noqa: F811
    response = token_client(owner).post(
        f"/api/cycles/{open_cycle.pk}/answers/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not Answer.objects.filter(response__assessment=open_cycle).exists()


@pytest.mark.parametrize(
    "body",
    [DEEP, '{"progress_note": "\\ud800"}', '{"assignee": "x\\u0000y"}'],
    ids=["deep", "surrogate", "nul"],
)
def test_odd_action_item_bodies_are_a_400(owner, scored, body):  # noqa: F811
    item = scored.action_items.order_by("position").first()
    before = ActionItem.objects.values().get(pk=item.pk)
    response = token_client(owner).patch(
        f"/api/action-items/{item.pk}/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")
    assert ActionItem.objects.values().get(pk=item.pk) == before


INPUT = {
    "strategy": {"value_discipline": "operational_excellence", "segment": "families"},
    "organization": {"name": "Crumb", "capacity_days_per_month": 8},
    "plan_start": "2027-01-04",
    "responses": [{"level": "owner", "answers": {FEEDBACK: 3}}],
}


def _cli_input(tmp_path, text: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "input.json").write_text(text, encoding="utf-8")
    return subprocess.run(  # noqa: S603 - our own interpreter, arguments from the test
        [
            sys.executable,
            "-m",
            "scoring",
            "score",
            "--bank",
            str(ROOT / "banks" / "default.yaml"),
            str(tmp_path / "input.json"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            json.dumps(
                {**INPUT, "organization": {"name": "a\ud800", "capacity_days_per_month": 8}}
            ),
            "organization.name: a string holds a lone surrogate",
        ),
        (
            json.dumps({**INPUT, "strategy": {**INPUT["strategy"], "segment": "\udc00"}}),
            "strategy.segment: a string holds a lone surrogate",
        ),
        (
            json.dumps(INPUT).replace(
                '"capacity_days_per_month": 8', '"capacity_days_per_month": 1' + "0" * 400
            ),
            "organization.capacity_days_per_month: the number is too large",
        ),
        (
            json.dumps(INPUT).replace(
                '"capacity_days_per_month": 8', '"capacity_days_per_month": ' + "9" * 5000
            ),
            "malformed JSON: a number has too many digits",
        ),
    ],
    ids=["surrogate-name", "surrogate-segment", "huge-int", "too-many-digits"],
)
def test_the_cli_refuses_odd_json_on_one_line_with_status_2(tmp_path, text, message):
    run = _cli_input(tmp_path, text)
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    assert "internal error" not in run.stderr
    assert run.stderr.count("\n") == 1, run.stderr
    assert message in run.stderr
