"""The result of scoring: an immutable tree (frozen dataclasses, NamedTuples) and its JSON."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple, TypeAlias

from scoring.constants import DISCIPLINES, LEVELS
from scoring.plan import ActionItem, Priority

__all__ = [
    "AreaScore",
    "ConsensusFlag",
    "ConsistencyFlag",
    "DimensionScore",
    "Evidence",
    "LevelMeans",
    "PerceptionGap",
    "Pitfall",
    "QuestionFit",
    "Result",
    "assemble_result_dict",
    "result_to_dict",
]

Evidence: TypeAlias = Mapping[str, str | int | float | None]
LevelMeans: TypeAlias = tuple[float | None, float | None, float | None]

# The records an assessment has by the dozen (per question, area, priority, flag) are
# NamedTuples: immutable and typed like the frozen dataclasses around them, but about three
# times cheaper to create, which the engine's throughput budget needs (DESIGN.md section 9).


class QuestionFit(NamedTuple):
    code: str
    current: float | None  # C_q: mean of level means; None when nobody answered
    target: float  # T_q: owner's target (mean if several owners) or the bank's
    misfit: float | None
    weight: float
    level_means: LevelMeans  # owner, manager, staff
    target_source: str  # "owner" | "bank"
    respondents: int  # how many non-null currents
    points_lost: float | None  # area-score points this question costs; None if area unscored

    @property
    def answered(self) -> bool:
        """Return whether at least one respondent gave a current value."""
        return self.current is not None


class AreaScore(NamedTuple):
    code: str
    title: str
    dimension: str
    weight: float
    score: float | None
    coverage: float
    status: str  # "ok" | "insufficient_data"
    answered: int
    total: int
    level_means: LevelMeans
    contributions: tuple[QuestionFit, ...]


class DimensionScore(NamedTuple):
    code: str
    title: str
    weight: float
    score: float | None
    areas: tuple[AreaScore, ...]


class PerceptionGap(NamedTuple):
    area: str
    gap: float
    owner: float
    others: float
    flagged: bool
    questions: tuple[str, ...]


class ConsensusFlag(NamedTuple):
    question: str
    stdev: float
    respondents: int


class ConsistencyFlag(NamedTuple):
    rule: str
    severity: str
    message: str
    remedies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Pitfall:
    code: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Result:
    bank: str
    bank_version: int
    value_discipline: str
    alignment_index: float | None
    band: str
    weighted_mean: float | None  # the first half of AI
    weakest_dimension: str | None  # the dimension whose score is the second half
    respondents: Mapping[str, int]
    dimensions: tuple[DimensionScore, ...]
    perception_gaps: tuple[PerceptionGap, ...]
    consensus_flags: tuple[ConsensusFlag, ...]
    consistency_flags: tuple[ConsistencyFlag, ...]
    pitfalls: tuple[Pitfall, ...]
    priorities: tuple[Priority, ...]
    action_plan: tuple[ActionItem, ...]
    strategy_fit: Mapping[str, float | None]
    # AI once every plan item has reached its target (the AI of the plan's final `cur`).
    plan_projected_index: float | None = None
    profile_match: Mapping[str, float | None] | None = None
    better_fit: str | None = None
    language: str = "en"

    def dimension(self, code: str) -> DimensionScore:
        """Return the score of one dimension (KeyError when unknown)."""
        for dimension in self.dimensions:
            if dimension.code == code:
                return dimension
        raise KeyError(code)

    def area(self, code: str) -> AreaScore:
        """Return the score of one area (KeyError when unknown)."""
        for dimension in self.dimensions:
            for area in dimension.areas:
                if area.code == code:
                    return area
        raise KeyError(code)

    def question(self, code: str) -> QuestionFit:
        """Return the fit of one question (KeyError when unknown)."""
        for dimension in self.dimensions:
            for area in dimension.areas:
                for fit in area.contributions:
                    if fit.code == code:
                        return fit
        raise KeyError(code)


# --- output ---------------------------------------------------------------------------------


def _levels(means: LevelMeans) -> dict[str, float | None]:
    return {"owner": means[0], "manager": means[1], "staff": means[2]}


def _question_dict(fit: QuestionFit) -> dict[str, Any]:
    return {
        "question": fit.code,
        "current": fit.current,
        "target": fit.target,
        "misfit": fit.misfit,
        "weight": fit.weight,
        "level_means": _levels(fit.level_means),
        "target_source": fit.target_source,
        "respondents": fit.respondents,
        "points_lost": fit.points_lost,
    }


def _area_dict(area: AreaScore) -> dict[str, Any]:
    return {
        "score": area.score,
        "coverage": area.coverage,
        "status": area.status,
        "title": area.title,
        "weight": area.weight,
        "answered": area.answered,
        "questions": area.total,
        "level_means": _levels(area.level_means),
        "contributions": [_question_dict(f) for f in area.contributions],
    }


def _dimension_dict(dimension: DimensionScore) -> dict[str, Any]:
    return {
        "score": dimension.score,
        "title": dimension.title,
        "weight": dimension.weight,
        "contributions": [
            {"area": a.code, "score": a.score, "weight": a.weight}
            for a in dimension.areas
            if a.score is not None
        ],
        "areas": {a.code: _area_dict(a) for a in dimension.areas},
    }


def _priority_dict(p: Priority) -> dict[str, Any]:
    return {
        "question": p.question,
        "area": p.area,
        "dimension": p.dimension,
        "uplift": p.uplift,
        "feasibility": p.feasibility,
        "priority": p.priority,
        "quadrant": p.quadrant,
        "direction": p.direction,
    }


def _action_dict(item: ActionItem) -> dict[str, Any]:
    return {
        "question": item.question,
        "direction": item.direction,
        "title": item.title,
        "specific": item.specific,
        "kpi": item.kpi,
        "unit": item.unit,
        "kpi_direction": item.kpi_direction,
        "baseline": item.baseline,
        "target": item.target,
        "practice_from": item.practice_from,
        "practice_to": item.practice_to,
        "effort": item.effort,
        "effort_days": item.effort_days,
        "feasibility": item.feasibility,
        "owner_role": item.owner_role,
        "dimension": item.dimension,
        "area": item.area,
        "addresses": list(item.addresses),
        "expected_uplift": item.expected_uplift,
        "start": item.start.isoformat(),
        "due": item.due.isoformat(),
        "start_week": item.start_week,
        "duration_weeks": item.duration_weeks,
        "weekly_load": item.weekly_load,
    }


def result_to_dict(result: Result) -> dict[str, Any]:
    """Return the result in the JSON shape of DESIGN.md section 6 (keys in a fixed order)."""
    return assemble_result_dict(
        result,
        dimensions={d.code: _dimension_dict(d) for d in result.dimensions},
        perception_gaps=[
            {
                "area": g.area,
                "gap": g.gap,
                "owner": g.owner,
                "others": g.others,
                "flagged": g.flagged,
                "questions": list(g.questions),
            }
            for g in result.perception_gaps
        ],
        consensus_flags=[
            {"question": f.question, "stdev": f.stdev, "respondents": f.respondents}
            for f in result.consensus_flags
        ],
        consistency_flags=[
            {
                "rule": f.rule,
                "severity": f.severity,
                "message": f.message,
                "remedies": list(f.remedies),
            }
            for f in result.consistency_flags
        ],
        priorities=[_priority_dict(p) for p in result.priorities],
        action_plan=[_action_dict(item) for item in result.action_plan],
    )


def assemble_result_dict(
    result: Result,
    *,
    dimensions: object,
    perception_gaps: object,
    consensus_flags: object,
    consistency_flags: object,
    priorities: object,
    action_plan: object,
) -> dict[str, Any]:
    """Return result_to_dict(result) with the parts made of records as given.

    result_to_json passes them already rendered as text; the rest of the shape is written
    down once, here.
    """
    return {
        "bank": {"slug": result.bank, "version": result.bank_version},
        "value_discipline": result.value_discipline,
        "alignment_index": result.alignment_index,
        "band": result.band,
        "alignment_index_contributions": {
            "weighted_mean": result.weighted_mean,
            "weakest_dimension": result.weakest_dimension,
            "weakest_score": (
                None
                if result.weakest_dimension is None
                else result.dimension(result.weakest_dimension).score
            ),
            "dimensions": [
                {"dimension": d.code, "score": d.score, "weight": d.weight}
                for d in result.dimensions
                if d.score is not None
            ],
        },
        "respondents": {level: result.respondents.get(level, 0) for level in LEVELS},
        "dimensions": dimensions,
        "perception_gaps": perception_gaps,
        "consensus_flags": consensus_flags,
        "consistency_flags": consistency_flags,
        "pitfalls": [
            {"code": p.code, "evidence": [dict(e) for e in p.evidence]} for p in result.pitfalls
        ],
        "priorities": priorities,
        "action_plan": action_plan,
        "plan_projected_index": result.plan_projected_index,
        "strategy_fit": {d: result.strategy_fit.get(d) for d in DISCIPLINES},
        "profile_match": {d: (result.profile_match or {}).get(d) for d in DISCIPLINES},
        "better_fit": result.better_fit,
        "language": result.language,
    }
