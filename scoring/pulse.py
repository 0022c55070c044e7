"""Pulse check-ins between full cycles (DESIGN.md section 10), scored with the rules of section 6.

A pulse asks a handful of questions. Per question the current value is the mean of the level
means, as in a full cycle; per area the score is S_a over the pulse's questions of that area
only, with the coverage rule waived (a pulse never asks a whole area).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scoring.bank import Bank
from scoring.constants import DISCIPLINES, LEVELS, TARGET_SCALE
from scoring.core import area_score_of, misfit
from scoring.inputs import Response

__all__ = ["PulseAreaScore", "PulseQuestionScore", "PulseResult", "score_pulse"]


@dataclass(frozen=True, slots=True)
class PulseQuestionScore:
    code: str
    area: str
    current: float | None  # mean of the level means; None when nobody knew
    target: float
    respondents: int  # people who gave a value (not "don't know")


@dataclass(frozen=True, slots=True)
class PulseAreaScore:
    code: str
    score: float | None  # None when none of the area's pulse questions got a value
    answered: int
    asked: int


@dataclass(frozen=True, slots=True)
class PulseResult:
    questions: tuple[PulseQuestionScore, ...]
    areas: tuple[PulseAreaScore, ...]  # the areas the pulse touched, in bank order


def score_pulse(
    bank: Bank,
    questions: Sequence[str],
    responses: Sequence[Response],
    *,
    discipline: str,
    targets: Mapping[str, float] | None = None,
) -> PulseResult:
    """Score a pulse: each question's C_q and each touched area's S_a over the pulse's questions.

    `targets` holds T_q where the last full cycle had one of its own (the owner's override);
    every other question takes the bank's target for the discipline. Answers to questions the
    pulse did not ask are ignored; a level without a value for a question is left out of it.
    """
    if discipline not in DISCIPLINES:
        raise ValueError(f"unknown value discipline {discipline!r}")
    asked = list(dict.fromkeys(questions))
    for code in asked:
        if code not in bank.questions:
            raise ValueError(f"unknown question code {code!r}")
    overrides = targets or {}
    sums: dict[tuple[str, str], list[int]] = {}
    for response in responses:
        if response.level not in LEVELS:
            raise ValueError(f"unknown respondent level {response.level!r}")
        for code, answer in response.answers.items():
            value = answer.current
            if value is None or code not in bank.questions:
                continue
            if not bank.scale_min <= value <= bank.scale_max:
                raise ValueError(f"{code}: {value!r} is outside the scale")
            cell = sums.setdefault((code, response.level), [0, 0])
            cell[0] += value
            cell[1] += 1
    scored: list[PulseQuestionScore] = []
    for code in asked:
        cells = [sums[code, level] for level in LEVELS if (code, level) in sums]
        level_means = [total / count for total, count in cells]
        question = bank.question(code)
        target = float(overrides.get(code, question.targets[discipline]))
        scored.append(
            PulseQuestionScore(
                code=code,
                area=bank.area_of(code).code,
                current=sum(level_means) / len(level_means) if level_means else None,
                target=target,
                respondents=sum(count for _, count in cells),
            )
        )
    by_area: dict[str, list[PulseQuestionScore]] = {}
    for item in scored:
        by_area.setdefault(item.area, []).append(item)
    areas: list[PulseAreaScore] = []
    for area_code in bank.areas:
        items = by_area.get(area_code)
        if not items:
            continue
        num = den = 0.0
        answered = 0
        for item in items:
            if item.current is None:
                continue
            term = bank.question(item.code).weight * (item.target / TARGET_SCALE)
            num += term * misfit(item.current, item.target)
            den += term
            answered += 1
        areas.append(
            PulseAreaScore(
                code=area_code,
                score=area_score_of(num, den) if answered else None,
                answered=answered,
                asked=len(items),
            )
        )
    return PulseResult(questions=tuple(scored), areas=tuple(areas))
