"""`manage.py load_bank` validates with the engine's validator and loads all or nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank
from banks.services import bank_as_dict, bank_to_engine
from tests.conftest import DEFAULT_BANK

pytestmark = pytest.mark.django_db


def _load(path: Path, *args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("load_bank", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _row_counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count() for m in (QuestionBank, Dimension, Area, Question, ConsistencyRule)
    )


def test_default_bank_loads_and_publishes():
    out, _ = _load(DEFAULT_BANK)
    bank = QuestionBank.objects.get()
    assert bank.status == QuestionBank.Status.PUBLISHED
    assert "Loaded smb-alignment v3" in out
    assert Dimension.objects.filter(bank=bank).count() == 4
    assert Area.objects.filter(dimension__bank=bank).count() == 16
    assert ConsistencyRule.objects.filter(bank=bank).count() >= 8
    per_area = [a.questions.count() for a in Area.objects.filter(dimension__bank=bank)]
    assert all(3 <= n <= 5 for n in per_area)


def test_loading_the_same_version_twice_changes_nothing():
    _load(DEFAULT_BANK)
    before = _row_counts()
    out, _ = _load(DEFAULT_BANK)
    assert "already loaded" in out
    assert _row_counts() == before


def test_database_bank_round_trips_to_the_engine():
    from scoring.bank import bank_to_dict, load_bank_yaml

    _load(DEFAULT_BANK)
    from_file = load_bank_yaml(DEFAULT_BANK.read_text(), source="default.yaml")
    from_db = bank_to_engine(QuestionBank.objects.get())
    assert from_db == from_file
    assert bank_as_dict(QuestionBank.objects.get()) == bank_to_dict(from_file)


BROKEN = {
    "malformed YAML": ("en: [unclosed\n", "en: SMB"),
    "target out of the scale": ("product_leadership: 4", "product_leadership: 9"),
    "unknown discipline key": ("customer_intimacy: 5", "customer_closeness: 5"),
    "rule naming a missing question": (
        "question: financial.costs.premium_inputs",
        "question: financial.costs.no_such_question",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_invalid_bank_reports_line_numbers_and_loads_nothing(tmp_path, case):
    needle, replacement = BROKEN[case]
    text = DEFAULT_BANK.read_text()
    if case == "malformed YAML":
        broken = text.replace("en: SMB", "en: [unclosed", 1)
    else:
        assert needle in text, f"the default bank no longer contains {needle!r}"
        broken = text.replace(needle, replacement, 1)
    path = tmp_path / "broken.yaml"
    path.write_text(broken)
    with pytest.raises(CommandError, match="nothing was loaded"):
        _load(path)
    assert _row_counts() == (0, 0, 0, 0, 0)


def test_problem_lines_point_at_the_offending_line(tmp_path):
    text = DEFAULT_BANK.read_text()
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if "product_leadership:" in line)
    lines[index] = lines[index].split(":")[0] + ": 9"
    path = tmp_path / "bad.yaml"
    path.write_text("\n".join(lines) + "\n")
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_bank", str(path), stdout=StringIO(), stderr=err)
    assert f"{path}:{index + 1}:" in err.getvalue()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        _load(tmp_path / "nope.yaml")
