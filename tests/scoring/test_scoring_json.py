"""result_to_json: the text json.dumps would write, without running its slow indenting encoder."""

from __future__ import annotations

import dataclasses
import enum
import json
import math
from decimal import Decimal
from pathlib import Path

import pytest
from scoring_testkit import make_bank, make_input, response

from scoring.bank import load_bank_yaml
from scoring.engine import Result, result_to_dict, result_to_json, score_assessment

DEFAULT_BANK = Path(__file__).resolve().parents[2] / "banks" / "default.yaml"


def dumps(result: Result) -> str:
    """Return what result_to_json promises: json.dumps of the result's dict form."""
    return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)


def default_result() -> Result:
    bank = load_bank_yaml(DEFAULT_BANK.read_text())
    codes = list(bank.questions)
    owner = {code: (i % 5 + 1, 5) if i % 7 == 0 else i % 5 + 1 for i, code in enumerate(codes)}
    staff = {code: None if i % 9 == 0 else (i * 3) % 5 + 1 for i, code in enumerate(codes)}
    manager = {code: (i * 2) % 5 + 1 for i, code in enumerate(codes) if i % 4}
    data = make_input(
        response("owner", owner),
        response("manager", manager),
        response("staff", staff),
        response("staff", dict.fromkeys(codes, 5)),
        discipline="product_leadership",
        name='Crumb "&" Co\n{branch}',
        segment="Café ünïcode \u2028 families",
    )
    return score_assessment(bank, data)


def test_the_text_is_what_json_dumps_writes() -> None:
    result = default_result()
    assert result.action_plan
    assert result.pitfalls
    assert result.consistency_flags
    assert result_to_json(result) == dumps(result)


def test_an_ordinary_result_is_written_without_json_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    result = default_result()
    expected = dumps(result)

    def refuse(*args: object, **kwargs: object) -> str:
        raise AssertionError("json.dumps was called")

    monkeypatch.setattr(json, "dumps", refuse)
    assert result_to_json(result) == expected


def small_result(**inputs: object) -> Result:
    bank = make_bank(pitfall_areas={})
    owner = {code: i % 5 + 1 for i, code in enumerate(bank.questions)}
    return score_assessment(bank, make_input(response("owner", owner), **inputs))  # type: ignore[arg-type]


def test_whole_number_weights_and_efforts_keep_their_type() -> None:
    bank = make_bank(
        questions={"market.customers.feedback": {"weight": 2, "action": {"effort_days": 3}}},
        area_weights={"market.customers": 3},
        dimension_weights={"market": 2},
        pitfall_areas={},
    )
    data = make_input(response("owner", dict.fromkeys(bank.questions, 1)), capacity=2)
    result = score_assessment(bank, data)
    text = result_to_json(result)
    assert text == dumps(result)
    assert '"weight": 2,' in text
    assert '"weight": 1.0,' in text


class Level(enum.IntEnum):
    LOW = 1


class Code(str):
    pass


@pytest.mark.parametrize(
    "value",
    [Decimal("2.5"), Level.LOW, Code("market"), 2, 2.0, True, None, -0.0, 1e300, 5e-324],
    ids=repr,
)
def test_any_value_is_written_as_json_dumps_writes_it(value: object) -> None:
    # A value the fast writer does not expect (a subclass, a Decimal) goes to json.dumps,
    # so the text, or the error, is the same either way.
    result = small_result()
    first = result.dimensions[0]
    changed = dataclasses.replace(
        result,
        dimensions=(first._replace(weight=value), *result.dimensions[1:]),  # type: ignore[arg-type]
        strategy_fit={"operational_excellence": value},  # type: ignore[dict-item]
    )
    try:
        expected = dumps(changed)
    except TypeError as error:
        with pytest.raises(TypeError, match=str(error)):
            result_to_json(changed)
    else:
        assert result_to_json(changed) == expected


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf])
def test_a_float_json_cannot_hold_is_refused_as_json_dumps_refuses_it(value: float) -> None:
    result = small_result()
    changed = dataclasses.replace(result, alignment_index=value)
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        result_to_json(changed)
    fits = result.dimensions[0].areas[0].contributions
    area = result.dimensions[0].areas[0]._replace(contributions=(fits[0]._replace(misfit=value),))
    dimension = result.dimensions[0]._replace(areas=(area,))
    changed = dataclasses.replace(result, dimensions=(dimension, *result.dimensions[1:]))
    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        result_to_json(changed)
