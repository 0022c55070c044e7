"""Declarative conditions of consistency rules: parse, evaluate, export (never eval())."""

from __future__ import annotations

from collections.abc import Container, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from scoring.constants import (
    CONDITION_COUNT_MAX,
    CONDITION_DEPTH_MAX,
    CONDITION_LEVELS,
    DISCIPLINES,
    EPSILON,
    PRIMARY_VALUES,
    STRATEGY_FIELDS,
)
from scoring.validation import is_number, type_name

__all__ = [
    "AllOf",
    "AnyOf",
    "AreaScoreBelow",
    "Condition",
    "ConditionContext",
    "DimensionScoreBelow",
    "Not",
    "QuestionCurrentAtLeast",
    "QuestionCurrentAtMost",
    "References",
    "StrategyEquals",
    "condition_references",
    "condition_to_dict",
    "evaluate",
    "parse_condition",
]


@dataclass(frozen=True, slots=True)
class StrategyEquals:
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class QuestionCurrentAtLeast:
    question: str
    value: float
    # None reads C_q; else one level's mean (owner | manager | staff | others).
    level: str | None = None


@dataclass(frozen=True, slots=True)
class QuestionCurrentAtMost:
    question: str
    value: float
    level: str | None = None


@dataclass(frozen=True, slots=True)
class AreaScoreBelow:
    area: str
    value: float


@dataclass(frozen=True, slots=True)
class DimensionScoreBelow:
    dimension: str
    value: float


@dataclass(frozen=True, slots=True)
class AllOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    condition: Condition


Condition: TypeAlias = (
    StrategyEquals
    | QuestionCurrentAtLeast
    | QuestionCurrentAtMost
    | AreaScoreBelow
    | DimensionScoreBelow
    | AllOf
    | AnyOf
    | Not
)


class ConditionContext(Protocol):
    """What a condition may look at: the strategy and the computed aggregates."""

    def strategy_value(self, field: str) -> str | None:
        """Return the strategy field's value."""

    def current(self, question: str, level: str | None = None) -> float | None:
        """Return C_q (or one level's mean), or None when nobody (at that level) answered."""

    def area_score(self, area: str) -> float | None:
        """Return the area score, or None when it has insufficient data."""

    def dimension_score(self, dimension: str) -> float | None:
        """Return the dimension score, or None when no area of it is scored."""


def evaluate(condition: Condition, context: ConditionContext) -> bool:
    """Return whether the condition holds; comparisons with a missing value are false."""
    match condition:
        case StrategyEquals(field, value):
            return context.strategy_value(field) == value
        case QuestionCurrentAtLeast(question, value, level):
            current = context.current(question, level)
            return current is not None and current >= value - EPSILON
        case QuestionCurrentAtMost(question, value, level):
            current = context.current(question, level)
            return current is not None and current <= value + EPSILON
        case AreaScoreBelow(area, value):
            score = context.area_score(area)
            return score is not None and score < value - EPSILON
        case DimensionScoreBelow(dimension, value):
            score = context.dimension_score(dimension)
            return score is not None and score < value - EPSILON
        case AllOf(conditions):
            return all(evaluate(c, context) for c in conditions)
        case AnyOf(conditions):
            return any(evaluate(c, context) for c in conditions)
        case Not(inner):
            return not evaluate(inner, context)
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


@dataclass(frozen=True, slots=True)
class References:
    questions: frozenset[str]
    areas: frozenset[str]
    dimensions: frozenset[str]


def condition_references(condition: Condition) -> References:
    """Return the question, area and dimension codes a condition mentions."""
    questions: set[str] = set()
    areas: set[str] = set()
    dimensions: set[str] = set()
    stack: list[Condition] = [condition]
    while stack:
        match stack.pop():
            case QuestionCurrentAtLeast(question) | QuestionCurrentAtMost(question):
                questions.add(question)
            case AreaScoreBelow(area, _):
                areas.add(area)
            case DimensionScoreBelow(dimension, _):
                dimensions.add(dimension)
            case AllOf(conditions) | AnyOf(conditions):
                stack.extend(conditions)
            case Not(inner):
                stack.append(inner)
    return References(frozenset(questions), frozenset(areas), frozenset(dimensions))


def condition_to_dict(condition: Condition) -> dict[str, object]:
    """Return the YAML form of a condition (DESIGN.md section 5)."""
    match condition:
        case StrategyEquals(field, value):
            return {"strategy": field, "equals": value}
        case QuestionCurrentAtLeast(question, value, level):
            return _question_dict(question, level, "current_at_least", value)
        case QuestionCurrentAtMost(question, value, level):
            return _question_dict(question, level, "current_at_most", value)
        case AreaScoreBelow(area, value):
            return {"area": area, "score_below": value}
        case DimensionScoreBelow(dimension, value):
            return {"dimension": dimension, "score_below": value}
        case AllOf(conditions):
            return {"all": [condition_to_dict(c) for c in conditions]}
        case AnyOf(conditions):
            return {"any": [condition_to_dict(c) for c in conditions]}
        case Not(inner):
            return {"not": condition_to_dict(inner)}
    raise TypeError(f"not a condition: {condition!r}")  # pragma: no cover


def _question_dict(question: str, level: str | None, bound: str, value: float) -> dict[str, object]:
    if level is None:
        return {"question": question, bound: value}
    return {"question": question, "level": level, bound: value}


class Report(Protocol):
    """Where a parser sends a problem: its path, an English template and the template's params."""

    def __call__(self, path: str, template: str, /, **params: str | int) -> None: ...


_FORMS = (
    "{strategy: FIELD, equals: VALUE}",
    "{question: CODE, current_at_least: N}",
    "{question: CODE, current_at_most: N}",
    "{question: CODE, level: LEVEL, current_at_least|current_at_most: N}",
    "{area: CODE, score_below: N}",
    "{dimension: CODE, score_below: N}",
    "{all: [...]}",
    "{any: [...]}",
    "{not: CONDITION}",
)


class _Budget:
    """How many more conditions one rule may hold; reported once when it runs out."""

    __slots__ = ("left", "reported")

    def __init__(self, total: int) -> None:
        self.left = total
        self.reported = False


def parse_condition(
    raw: object,
    path: str,
    report: Report,
    *,
    questions: Container[str],
    areas: Container[str],
    dimensions: Container[str],
    depth: int = 0,
    budget: _Budget | None = None,
) -> Condition | None:
    """Parse one condition, reporting every problem as (path, message); None when invalid.

    A rule's condition may nest all/any/not CONDITION_DEPTH_MAX levels deep and hold at most
    CONDITION_COUNT_MAX conditions: a bank is data from outside, and evaluating it runs on
    every assessment.
    """
    if budget is None:
        budget = _Budget(CONDITION_COUNT_MAX)
    if depth > CONDITION_DEPTH_MAX:
        report(path, "conditions nested deeper than {limit} levels", limit=CONDITION_DEPTH_MAX)
        return None
    budget.left -= 1
    if budget.left < 0:
        if not budget.reported:
            budget.reported = True
            report(path, "a rule may hold at most {limit} conditions", limit=CONDITION_COUNT_MAX)
        return None
    if not isinstance(raw, Mapping):
        report(path, "expected a condition mapping, got {type}", type=type_name(raw))
        return None
    keys = set(raw)

    def child(value: object, child_path: str) -> Condition | None:
        return parse_condition(
            value,
            child_path,
            report,
            questions=questions,
            areas=areas,
            dimensions=dimensions,
            depth=depth + 1,
            budget=budget,
        )

    def only(allowed: set[str]) -> bool:
        extra = sorted(str(k) for k in keys - allowed)
        for key in extra:
            report(f"{path}.{key}", "unknown key '{key}' in this condition", key=key)
        return not extra

    def code(
        key: str, known: Container[str], wrong_template: str, unknown_template: str
    ) -> str | None:
        """Return the code at key; the templates word a value of the wrong type or unknown."""
        value = raw[key]
        if not isinstance(value, str) or not value:
            report(f"{path}.{key}", wrong_template, type=type_name(value))
            return None
        if value not in known:
            report(f"{path}.{key}", unknown_template, code=value)
            return None
        return value

    def number(key: str) -> float | None:
        value = raw[key]
        if not is_number(value):
            report(f"{path}.{key}", "expected a number, got {type}", type=type_name(value))
            return None
        return value

    for combinator in ("all", "any"):
        if combinator in keys:
            if not only({combinator}):
                return None
            items = raw[combinator]
            item_path = f"{path}.{combinator}"
            if not isinstance(items, list) or not items:
                report(item_path, "expected a non-empty list of conditions")
                return None
            parsed = [child(item, f"{item_path}[{i}]") for i, item in enumerate(items)]
            if any(p is None for p in parsed):
                return None
            conditions = tuple(p for p in parsed if p is not None)
            return AllOf(conditions) if combinator == "all" else AnyOf(conditions)
    if "not" in keys:
        if not only({"not"}):
            return None
        inner = child(raw["not"], f"{path}.not")
        return None if inner is None else Not(inner)
    if "strategy" in keys:
        ok = only({"strategy", "equals"})
        if "equals" not in keys:
            report(f"{path}.equals", "missing required key '{key}'", key="equals")
            return None
        field, value = raw["strategy"], raw["equals"]
        if field not in STRATEGY_FIELDS:
            report(
                f"{path}.strategy",
                "unknown strategy field {field}: expected one of {known}",
                field=repr(field)[:100],
                known=", ".join(STRATEGY_FIELDS),
            )
            return None
        if not isinstance(value, str):
            report(f"{path}.equals", "expected a string, got {type}", type=type_name(value))
            return None
        allowed = {"value_discipline": DISCIPLINES, "primary_value": PRIMARY_VALUES}.get(field)
        if allowed is not None and value not in allowed:
            report(
                f"{path}.equals",
                "unknown {field} {value}: expected one of {known}",
                field=field,
                value=repr(value),
                known=", ".join(allowed),
            )
            return None
        return StrategyEquals(field, value) if ok else None
    if "question" in keys:
        ok = only({"question", "level", "current_at_least", "current_at_most"})
        bounds = [k for k in ("current_at_least", "current_at_most") if k in keys]
        if len(bounds) != 1:
            report(path, "expected exactly one of current_at_least, current_at_most")
            return None
        question = code(
            "question",
            questions,
            wrong_template="expected a question code, got {type}",
            unknown_template="unknown question code '{code}'",
        )
        threshold = number(bounds[0])
        level = raw.get("level")
        if "level" in keys and level not in CONDITION_LEVELS:
            report(
                f"{path}.level",
                "unknown level {level}: expected one of {known}",
                level=repr(level)[:100],
                known=", ".join(CONDITION_LEVELS),
            )
            return None
        if not ok or question is None or threshold is None:
            return None
        if bounds[0] == "current_at_least":
            return QuestionCurrentAtLeast(question, threshold, level)
        return QuestionCurrentAtMost(question, threshold, level)

    def score_below(
        kind: str, known: Container[str], *, wrong_template: str, unknown_template: str
    ) -> Condition | None:
        ok = only({kind, "score_below"})
        if "score_below" not in keys:
            report(f"{path}.score_below", "missing required key '{key}'", key="score_below")
            return None
        target = code(kind, known, wrong_template, unknown_template)
        threshold = number("score_below")
        if not ok or target is None or threshold is None:
            return None
        if kind == "area":
            return AreaScoreBelow(target, threshold)
        return DimensionScoreBelow(target, threshold)

    if "area" in keys:
        return score_below(
            "area",
            areas,
            wrong_template="expected an area code, got {type}",
            unknown_template="unknown area code '{code}'",
        )
    if "dimension" in keys:
        return score_below(
            "dimension",
            dimensions,
            wrong_template="expected a dimension code, got {type}",
            unknown_template="unknown dimension code '{code}'",
        )
    report(path, "unknown condition: expected one of {forms}", forms="; ".join(_FORMS))
    return None
