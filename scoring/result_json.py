"""The result as indented JSON text: what json.dumps writes, byte for byte, several times faster.

json.dumps(..., indent=2) runs the pure-Python encoder (the C one cannot indent), and a result
holds some two thousand values: encoding took four times as long as scoring. This writer fills
a text template per record instead (the keys and the indentation written once), and keeps the
text of each scalar once encoded: the same codes, targets and level means recur in every
result. Its output is exactly json.dumps(result_to_dict(result), indent=2, ensure_ascii=False,
allow_nan=False); a value it does not expect (another type, a float that is not finite) sends
the result to json.dumps instead, so neither the text nor the errors ever differ.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from json.encoder import encode_basestring  # what json.dumps encodes strings with (not ASCII-only)
from typing import Any

from scoring.plan import ActionItem, Priority
from scoring.results import (
    AreaScore,
    ConsensusFlag,
    ConsistencyFlag,
    DimensionScore,
    PerceptionGap,
    QuestionFit,
    Result,
    assemble_result_dict,
    result_to_dict,
)

__all__ = ["result_to_json"]


def result_to_json(result: Result) -> str:
    """Return the result as deterministic JSON: the same input gives byte-identical text."""
    try:
        return _result_text(result)
    except (_NotPlainJsonError, TypeError):
        return json.dumps(result_to_dict(result), indent=2, ensure_ascii=False, allow_nan=False)


class _NotPlainJsonError(Exception):
    """A value the writer does not render itself; json.dumps renders (or refuses) it."""


# --- scalars -------------------------------------------------------------------------------

_CACHE_MAX = 16384  # texts kept per kind of scalar; a full cache starts over


class _Texts(dict[Any, str]):
    """The JSON texts of one kind of scalar, encoded on first use and then looked up.

    The kinds are kept apart because 1, 1.0 and True are one dictionary key with three texts.
    """

    __slots__ = ("_encode", "_seed")

    def __init__(self, encode: Callable[[Any], str], seed: dict[Any, str] | None = None) -> None:
        super().__init__(seed or {})
        self._encode = encode
        self._seed = seed or {}

    def __missing__(self, value: Any) -> str:
        text = self._encode(value)
        self.keep(value, text)
        return text

    def keep(self, value: object, text: str) -> None:
        if len(self) >= _CACHE_MAX:
            self.clear()
            self.update(self._seed)
        self[value] = text


_INFINITY = float("inf")


def _float_text(value: object) -> str:
    if type(value) is not float or value != value or value in (_INFINITY, -_INFINITY):
        raise _NotPlainJsonError  # not a float, or one json.dumps refuses (allow_nan=False)
    return float.__repr__(value)


class _FloatTexts(_Texts):
    __slots__ = ()

    def __missing__(self, value: Any) -> str:
        text = self._encode(value)
        if value != 0.0:  # 0.0 and -0.0 are one key with two texts: neither is kept
            self.keep(value, text)
        return text


def _int_text(value: object) -> str:
    if type(value) is not int:
        raise _NotPlainJsonError
    return int.__repr__(value)


# The fields the engine computes by float arithmetic (scores, means, misfits, gains) are floats
# or None and look up _FLOATS; counts are ints and look up _INTS; values from the bank (weights,
# efforts, days) may be either and go through _text. A value of another type is never kept
# under an equal key of the wrong kind: a miss checks the type. (Shared by threads: a lookup
# or an insertion is atomic, and a text lost to a concurrent clear() is encoded again.)
_STRINGS = _Texts(encode_basestring)  # a non-string raises TypeError
_FLOATS = _FloatTexts(_float_text, {None: "null"})
_INTS = _Texts(_int_text)
_BY_TYPE: dict[type, dict[Any, str]] = {
    str: _STRINGS,
    float: _FLOATS,
    int: _INTS,
    bool: {True: "true", False: "false"},
    type(None): {None: "null"},
}


def _text(value: object) -> str:
    """Return the JSON text of a scalar of any type json.dumps writes as it is."""
    texts = _BY_TYPE.get(type(value))
    if texts is None:
        raise _NotPlainJsonError  # a subclass (an IntEnum, a str subclass) or another type
    return texts[value]


# --- layout --------------------------------------------------------------------------------

# What json.dumps(indent=2) writes before an item at each depth.
_DEPTH_MAX = 31
_NEWLINE = tuple("\n" + "  " * depth for depth in range(_DEPTH_MAX + 2))
_N1, _N2, _N3, _N4, _N5, _N6, _N7, _N8 = _NEWLINE[1:9]


def _array(depth: int, texts: list[str]) -> str:
    """Return a JSON array at depth of already rendered items."""
    if not texts:
        return "[]"
    inner = _NEWLINE[depth + 1]
    return "[" + inner + ("," + inner).join(texts) + _NEWLINE[depth] + "]"


def _object(depth: int, items: list[str]) -> str:
    """Return a JSON object at depth of already rendered '"key": value' items."""
    if not items:
        return "{}"
    inner = _NEWLINE[depth + 1]
    return "{" + inner + ("," + inner).join(items) + _NEWLINE[depth] + "}"


def _strings(depth: int, values: Iterable[str]) -> str:
    """Return a JSON array at depth of strings."""
    return _array(depth, list(map(_STRINGS.__getitem__, values)))


class _Rendered(str):
    """Text already rendered for its place in the result."""

    __slots__ = ()


def _value(value: object, depth: int) -> str:
    """Return the text of any value of the result's JSON form at depth.

    For the parts that are not records: the head, the pitfalls' evidence, strategy fit.
    """
    if type(value) is _Rendered:
        return value
    if depth > _DEPTH_MAX:
        raise _NotPlainJsonError  # nested deeper than any result (or circular): json.dumps
    if isinstance(value, dict):
        items = []
        for key, item in value.items():
            if type(key) is not str:
                raise _NotPlainJsonError  # json.dumps turns numbers and None into keys
            texts = _BY_TYPE.get(type(item))
            text = _value(item, depth + 1) if texts is None else texts[item]
            items.append(f"{_STRINGS[key]}: {text}")
        return _object(depth, items)
    if isinstance(value, list | tuple):
        return _array(depth, [_value(item, depth + 1) for item in value])
    return _text(value)


# --- the records a result holds by the dozen -----------------------------------------------
# Written out as f-strings, keys in the order of result_to_dict: filling an f-string costs a
# fraction of %-formatting a template. _Nd starts a line at depth d.


def _fresh(value: float | None) -> str:
    """Return the text of a float (or None) that seldom recurs, such as a score or a gain.

    Not kept: there are a hundred or so new ones in every result.
    """
    return "null" if value is None else _float_text(value)


def _fits_text(fits: Sequence[QuestionFit]) -> str:
    strings = _STRINGS
    floats = _FLOATS
    texts = [
        f'{{{_N7}"question": {strings[code]},'
        f'{_N7}"current": {floats[current]},'
        f'{_N7}"target": {floats[target]},'
        f'{_N7}"misfit": {floats[misfit]},'
        f'{_N7}"weight": {_text(weight)},'
        f'{_N7}"level_means": {{'
        f'{_N8}"owner": {floats[owner]},'
        f'{_N8}"manager": {floats[manager]},'
        f'{_N8}"staff": {floats[staff]}'
        f"{_N7}}},"
        f'{_N7}"target_source": {strings[source]},'
        f'{_N7}"respondents": {_INTS[count]},'
        f'{_N7}"points_lost": {_fresh(lost)}'
        f"{_N6}}}"
        for code, current, target, misfit, weight, (
            owner,
            manager,
            staff,
        ), source, count, lost in fits
    ]
    return _array(5, texts)


def _area_text(area: AreaScore) -> str:
    owner, manager, staff = area.level_means
    return (
        f'{{{_N5}"score": {_fresh(area.score)},'
        f'{_N5}"coverage": {_FLOATS[area.coverage]},'
        f'{_N5}"status": {_STRINGS[area.status]},'
        f'{_N5}"title": {_STRINGS[area.title]},'
        f'{_N5}"weight": {_text(area.weight)},'
        f'{_N5}"answered": {_INTS[area.answered]},'
        f'{_N5}"questions": {_INTS[area.total]},'
        f'{_N5}"level_means": {{'
        f'{_N6}"owner": {_fresh(owner)},'
        f'{_N6}"manager": {_fresh(manager)},'
        f'{_N6}"staff": {_fresh(staff)}'
        f"{_N5}}},"
        f'{_N5}"contributions": {_fits_text(area.contributions)}'
        f"{_N4}}}"
    )


def _dimension_text(dimension: DimensionScore) -> str:
    areas = dimension.areas
    contributions = [
        f'{{{_N5}"area": {_STRINGS[a.code]},'
        f'{_N5}"score": {_fresh(a.score)},'
        f'{_N5}"weight": {_text(a.weight)}'
        f"{_N4}}}"
        for a in areas
        if a.score is not None
    ]
    return (
        f'{{{_N3}"score": {_fresh(dimension.score)},'
        f'{_N3}"title": {_STRINGS[dimension.title]},'
        f'{_N3}"weight": {_text(dimension.weight)},'
        f'{_N3}"contributions": {_array(3, contributions)},'
        f'{_N3}"areas": {_object(3, [f"{_STRINGS[a.code]}: {_area_text(a)}" for a in areas])}'
        f"{_N2}}}"
    )


def _gap_text(gap: PerceptionGap) -> str:
    return (
        f'{{{_N3}"area": {_STRINGS[gap.area]},'
        f'{_N3}"gap": {_fresh(gap.gap)},'
        f'{_N3}"owner": {_fresh(gap.owner)},'
        f'{_N3}"others": {_fresh(gap.others)},'
        f'{_N3}"flagged": {_text(gap.flagged)},'
        f'{_N3}"questions": {_strings(3, gap.questions)}'
        f"{_N2}}}"
    )


def _consensus_text(flag: ConsensusFlag) -> str:
    return (
        f'{{{_N3}"question": {_STRINGS[flag.question]},'
        f'{_N3}"stdev": {_FLOATS[flag.stdev]},'
        f'{_N3}"respondents": {_INTS[flag.respondents]}'
        f"{_N2}}}"
    )


def _consistency_text(flag: ConsistencyFlag) -> str:
    return (
        f'{{{_N3}"rule": {_STRINGS[flag.rule]},'
        f'{_N3}"severity": {_STRINGS[flag.severity]},'
        f'{_N3}"message": {_STRINGS[flag.message]},'
        f'{_N3}"remedies": {_strings(3, flag.remedies)}'
        f"{_N2}}}"
    )


def _priorities_text(priorities: Sequence[Priority]) -> str:
    strings = _STRINGS
    texts = [
        f'{{{_N3}"question": {strings[question]},'
        f'{_N3}"area": {strings[area]},'
        f'{_N3}"dimension": {strings[dimension]},'
        f'{_N3}"uplift": {_fresh(uplift)},'
        f'{_N3}"feasibility": {_FLOATS[feasibility]},'
        f'{_N3}"priority": {_fresh(priority)},'
        f'{_N3}"quadrant": {strings[quadrant]},'
        f'{_N3}"direction": {strings[direction]}'
        f"{_N2}}}"
        for question, area, dimension, uplift, feasibility, priority, quadrant, direction in (
            priorities
        )
    ]
    return _array(1, texts)


def _action_text(item: ActionItem) -> str:
    strings = _STRINGS
    return (
        f'{{{_N3}"question": {strings[item.question]},'
        f'{_N3}"direction": {strings[item.direction]},'
        # Filled in with the organization's name: seldom seen again, so not kept.
        f'{_N3}"title": {encode_basestring(item.title)},'
        f'{_N3}"specific": {encode_basestring(item.specific)},'
        f'{_N3}"kpi": {encode_basestring(item.kpi)},'
        f'{_N3}"unit": {strings[item.unit]},'
        f'{_N3}"kpi_direction": {strings[item.kpi_direction]},'
        f'{_N3}"baseline": {_text(item.baseline)},'
        f'{_N3}"target": {_text(item.target)},'
        f'{_N3}"practice_from": {_FLOATS[item.practice_from]},'
        f'{_N3}"practice_to": {_FLOATS[item.practice_to]},'
        f'{_N3}"effort": {_text(item.effort)},'
        f'{_N3}"effort_days": {_text(item.effort_days)},'
        f'{_N3}"feasibility": {_FLOATS[item.feasibility]},'
        f'{_N3}"owner_role": {strings[item.owner_role]},'
        f'{_N3}"dimension": {strings[item.dimension]},'
        f'{_N3}"area": {strings[item.area]},'
        f'{_N3}"addresses": {_strings(3, item.addresses)},'
        f'{_N3}"expected_uplift": {_fresh(item.expected_uplift)},'
        f'{_N3}"start": {strings[item.start.isoformat()]},'
        f'{_N3}"due": {strings[item.due.isoformat()]},'
        f'{_N3}"start_week": {_INTS[item.start_week]},'
        f'{_N3}"duration_weeks": {_text(item.duration_weeks)},'
        f'{_N3}"weekly_load": {_FLOATS[item.weekly_load]}'
        f"{_N2}}}"
    )


def _result_text(result: Result) -> str:
    """Return the text of result_to_dict(result), its records rendered by the writers above."""
    shape = assemble_result_dict(
        result,
        dimensions=_Rendered(
            _object(1, [f"{_STRINGS[d.code]}: {_dimension_text(d)}" for d in result.dimensions])
        ),
        perception_gaps=_Rendered(_array(1, [_gap_text(g) for g in result.perception_gaps])),
        consensus_flags=_Rendered(_array(1, [_consensus_text(f) for f in result.consensus_flags])),
        consistency_flags=_Rendered(
            _array(1, [_consistency_text(f) for f in result.consistency_flags])
        ),
        priorities=_Rendered(_priorities_text(result.priorities)),
        action_plan=_Rendered(_array(1, [_action_text(item) for item in result.action_plan])),
    )
    return _value(shape, 0)
