"""Assessment input: the dataclasses the engine scores and the parser of the JSON form."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from scoring.bank import Bank
from scoring.constants import DISCIPLINES, LEVELS, PRIMARY_VALUES
from scoring.validation import join_path, type_name

__all__ = [
    "Answer",
    "AssessmentInput",
    "InputError",
    "OrganizationInfo",
    "Response",
    "Strategy",
    "parse_input",
]


@dataclass(frozen=True, slots=True)
class Strategy:
    value_discipline: str
    segment: str = ""
    primary_value: str | None = None


@dataclass(frozen=True, slots=True)
class OrganizationInfo:
    name: str
    capacity_days_per_month: float


class Answer(NamedTuple):
    """One answer: the current practice and, from the owner, the target (None: don't know).

    A NamedTuple: the engine reads the values of a whole response by position, in one C-level
    pass per response.
    """

    current: int | None
    target: int | None = None


@dataclass(frozen=True, slots=True)
class Response:
    level: str
    answers: Mapping[str, Answer] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AssessmentInput:
    strategy: Strategy
    organization: OrganizationInfo
    plan_start: date
    responses: tuple[Response, ...]
    # Dates of earlier assessments; read only by the market_changes pitfall.
    history: tuple[date, ...] | None = None
    # The day the assessment is scored for; None means plan_start.
    assessed_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "responses", tuple(self.responses))
        if self.history is not None:
            object.__setattr__(self, "history", tuple(self.history))

    @property
    def effective_assessed_on(self) -> date:
        """Return assessed_on, defaulting to plan_start."""
        return self.plan_start if self.assessed_on is None else self.assessed_on


class InputError(ValueError):
    """Invalid assessment input; the message is one line naming the place."""

    def __init__(self, source: str, path: str, message: str) -> None:
        self.source = source
        self.path = path
        self.message = message
        place = f"{source}: {path}" if path else source
        super().__init__(f"{place}: {message}")


def _show(value: object) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


class _Parser:
    def __init__(self, bank: Bank, source: str) -> None:
        self.bank = bank
        self.source = source
        values: list[int | None] = [None, *range(bank.scale_min, bank.scale_max + 1)]
        self.bare = {value: Answer(current=value) for value in values}
        # Keyed by (current, target): an int key also matches an equal float or bool, so only
        # exact ints reach this table (checked by the caller's type test or by _valid_pair).
        self.pairs = _PairTable(values)

    def fail(self, path: str, message: str) -> InputError:
        return InputError(self.source, path, message)

    def mapping(self, value: object, path: str) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            raise self.fail(path, f"expected an object, got {type_name(value)}")
        return value

    def required(self, data: Mapping[str, Any], key: str, path: str) -> object:
        if key not in data:
            raise self.fail(join_path(path, key), "missing required key")
        return data[key]

    def string(self, value: object, path: str) -> str:
        if not isinstance(value, str):
            raise self.fail(path, f"expected a string, got {type_name(value)}")
        return value

    def day(self, value: object, path: str) -> date:
        if isinstance(value, date):
            return value
        if not isinstance(value, str):
            raise self.fail(path, f"expected an ISO date (YYYY-MM-DD), got {type_name(value)}")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise self.fail(path, f"{value!r} is not a valid ISO date (YYYY-MM-DD)") from None

    def scale_value(self, value: object, path: str) -> int | None:
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail(path, f"expected an integer or null, got {_show(value)}")
        low, high = self.bank.scale_min, self.bank.scale_max
        if not low <= value <= high:
            raise self.fail(path, f"{value} is outside the scale {low}..{high}")
        return value

    def strategy(self, value: object) -> Strategy:
        data = self.mapping(value, "strategy")
        discipline = self.required(data, "value_discipline", "strategy")
        if discipline not in DISCIPLINES:
            raise self.fail(
                "strategy.value_discipline",
                f"unknown value discipline {_show(discipline)}: "
                f"expected one of {', '.join(DISCIPLINES)}",
            )
        segment = data.get("segment")
        segment = "" if segment is None else self.string(segment, "strategy.segment")
        primary = data.get("primary_value")
        if primary is not None and primary not in PRIMARY_VALUES:
            raise self.fail(
                "strategy.primary_value",
                f"unknown primary value {_show(primary)}: "
                f"expected one of {', '.join(PRIMARY_VALUES)}",
            )
        return Strategy(value_discipline=str(discipline), segment=segment, primary_value=primary)

    def organization(self, value: object) -> OrganizationInfo:
        data = self.mapping(value, "organization")
        name = data.get("name")
        name = "" if name is None else self.string(name, "organization.name")
        capacity = self.required(data, "capacity_days_per_month", "organization")
        path = "organization.capacity_days_per_month"
        if (
            not isinstance(capacity, int | float)
            or isinstance(capacity, bool)
            or not math.isfinite(capacity)
        ):
            raise self.fail(path, f"expected a number of person-days, got {_show(capacity)}")
        if capacity <= 0:
            raise self.fail(path, f"{capacity} must be greater than 0")
        return OrganizationInfo(name=name, capacity_days_per_month=capacity)

    def response(self, value: object, path: str) -> Response:
        data = self.mapping(value, path)
        level = self.required(data, "level", path)
        if level not in LEVELS:
            raise self.fail(
                f"{path}.level",
                f"unknown level {_show(level)}: expected one of {', '.join(LEVELS)}",
            )
        raw_answers = data.get("answers")
        answers: dict[str, Answer] = {}
        if raw_answers is not None:
            questions = self.bank.questions
            owner = level == "owner"
            for code, raw in self.mapping(raw_answers, f"{path}.answers").items():
                if code not in questions:
                    raise self.fail(_answer_path(path, code), "unknown question code")
                # The common cases (a bare value, or valid current and target) go through
                # shared immutable Answers; anything else takes the slow path that explains.
                if raw is None or type(raw) is int:
                    answer = self.bare.get(raw)
                elif isinstance(raw, Mapping):
                    pair = (raw.get("current"), raw.get("target"))
                    answer = self.pairs.get(pair) if owner or pair[1] is None else None
                else:
                    answer = None
                if answer is None:
                    answer = self.answer(raw, _answer_path(path, code), owner=owner)
                answers[code] = answer
        return Response(level=str(level), answers=answers)

    def answer(self, raw: object, path: str, *, owner: bool) -> Answer:
        if not isinstance(raw, Mapping):
            # A bare integer or null is the current practice.
            return Answer(current=self.scale_value(raw, path))
        current = self.scale_value(raw.get("current"), f"{path}.current")
        target = self.scale_value(raw.get("target"), f"{path}.target")
        if target is not None and not owner:
            raise self.fail(f"{path}.target", "only an owner response may set a target")
        return Answer(current=current, target=target)

    def assessment(self, data: object, today: date | None) -> AssessmentInput:
        top = self.mapping(data, "")
        strategy = self.strategy(self.required(top, "strategy", ""))
        organization = self.organization(self.required(top, "organization", ""))
        if top.get("plan_start") is not None:
            plan_start = self.day(top["plan_start"], "plan_start")
        else:
            # The clock is the caller's: the CLI passes date.today().
            plan_start = today if today is not None else date.today()  # noqa: DTZ011
        assessed_on = None
        if top.get("assessed_on") is not None:
            assessed_on = self.day(top["assessed_on"], "assessed_on")
        history = None
        if top.get("history") is not None:
            raw_history = top["history"]
            if not isinstance(raw_history, list):
                raise self.fail(
                    "history", f"expected a list of dates, got {type_name(raw_history)}"
                )
            history = tuple(self.day(d, f"history[{i}]") for i, d in enumerate(raw_history))
        raw_responses = self.required(top, "responses", "")
        if not isinstance(raw_responses, list):
            raise self.fail("responses", f"expected a list, got {type_name(raw_responses)}")
        responses = tuple(
            self.response(raw, f"responses[{index}]") for index, raw in enumerate(raw_responses)
        )
        return AssessmentInput(
            strategy=strategy,
            organization=organization,
            plan_start=plan_start,
            responses=responses,
            history=history,
            assessed_on=assessed_on if assessed_on is not None else plan_start,
        )


class _PairTable:
    """Valid (current, target) pairs to their shared Answer; anything else is not found."""

    __slots__ = ("_answers",)

    def __init__(self, values: list[int | None]) -> None:
        self._answers = {(c, t): Answer(current=c, target=t) for c in values for t in values}

    def get(self, pair: tuple[object, object]) -> Answer | None:
        current, target = pair
        if (current is None or type(current) is int) and (target is None or type(target) is int):
            return self._answers.get((current, target))
        return None


def _answer_path(path: str, code: object) -> str:
    return f"{path}.answers[{json.dumps(code, ensure_ascii=False)}]"


def parse_input(
    data: Mapping[str, Any] | object,
    bank: Bank,
    *,
    source: str = "<input>",
    today: date | None = None,
) -> AssessmentInput:
    """Validate the JSON input of DESIGN.md section 6 against a bank; raise InputError."""
    return _Parser(bank, source).assessment(data, today)
