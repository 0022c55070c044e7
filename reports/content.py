"""What a report says: plain-language findings and chart series, read from a stored result.

Everything here reads numbers the engine computed; the only arithmetic is averaging answers for
display (a dimension's or area's mean answer against its mean target) and ranking findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import (
    gettext_lazy,
    ngettext,
    pgettext,
    pgettext_lazy,
)

from assessments.models import Assessment
from organizations.languages import language_active
from organizations.models import ValueDiscipline
from reports.bands import band_label, band_label_in_sentence, band_meaning
from reports.evidence import pitfall_evidence_extra
from reports.models import ActionItem
from reports.numbers import decimal_text, scale_mean
from scoring.bank import Bank
from scoring.engine import band_for
from scoring.text import localize

DISCIPLINE_LABELS = dict(ValueDiscipline.choices)
# A value discipline's name inside a sentence ("…than the operational excellence you declared").
DISCIPLINE_IN_SENTENCE: dict[str, Promise] = {
    "operational_excellence": pgettext_lazy(
        "value discipline inside a sentence", "operational excellence"
    ),
    "product_leadership": pgettext_lazy("value discipline inside a sentence", "product leadership"),
    "customer_intimacy": pgettext_lazy("value discipline inside a sentence", "customer intimacy"),
}
QUADRANT_LABELS: dict[str, Promise] = {
    # Translators: a quadrant of the impact/feasibility matrix: high impact, easy to do.
    "quick_win": pgettext_lazy("matrix quadrant", "Quick win"),
    # Translators: a quadrant of the impact/feasibility matrix: high impact, hard to do.
    "major_project": pgettext_lazy("matrix quadrant", "Major project"),
    # Translators: a quadrant of the impact/feasibility matrix: low impact, easy to do.
    "fill_in": pgettext_lazy("matrix quadrant", "Fill-in"),
    # Translators: a quadrant of the impact/feasibility matrix: low impact, hard to do.
    "thankless": pgettext_lazy("matrix quadrant", "Thankless task"),
}
PITFALL_LABELS: dict[str, Promise] = {
    "communication": gettext_lazy("Lack of clear communication"),
    "silos": gettext_lazy("Functional silos"),
    "market_changes": gettext_lazy("Ignoring market changes"),
    "culture": gettext_lazy("Overlooking culture"),
}
PITFALL_MEANING: dict[str, Promise] = {
    "communication": gettext_lazy(
        "People see the business differently or disagree widely: the strategy is not being "
        "explained in a way everyone shares."
    ),
    "silos": gettext_lazy(
        "One part of the business runs well ahead of another, so the parts pull in different "
        "directions."
    ),
    "market_changes": gettext_lazy(
        "The business is not watching how its customers and competitors change."
    ),
    "culture": gettext_lazy(
        "A product-leadership strategy needs a culture that tries new things; this one holds back."
    ),
}
# A quadrant's name inside a sentence ("…for little effort (a quick win in the matrix)").
QUADRANT_IN_SENTENCE: dict[str, Promise] = {
    "quick_win": pgettext_lazy("matrix quadrant inside a sentence", "quick win"),
    "major_project": pgettext_lazy("matrix quadrant inside a sentence", "major project"),
    "fill_in": pgettext_lazy("matrix quadrant inside a sentence", "fill-in"),
    "thankless": pgettext_lazy("matrix quadrant inside a sentence", "thankless task"),
}
SEVERITY_LABELS: dict[str, Promise] = {
    "high": pgettext_lazy("severity of a contradiction", "high"),
    "medium": pgettext_lazy("severity of a contradiction", "medium"),
    "low": pgettext_lazy("severity of a contradiction", "low"),
}
SEVERITY_WEIGHT = {"high": 5.0, "medium": 3.0, "low": 1.5}


def signed(value: float, digits: int = 1) -> str:
    """Return a difference with its sign, never "-0.0", in the active language's decimals."""
    if abs(value) < 0.5 * 10**-digits:
        value = 0.0
    return decimal_text(value, digits, sign=True)


def fmt(value: float | None, digits: int = 0) -> str:
    """Return a score for people: rounded, or a dash when there is none."""
    if value is None:
        return "–"
    return decimal_text(value, digits)


def discipline_label(code: str) -> str:
    """Return a value discipline's name for people ("Product leadership")."""
    return str(DISCIPLINE_LABELS.get(code, code))


def discipline_in_sentence(code: str) -> str:
    """Return a value discipline's name as written inside a sentence ("product leadership")."""
    name = DISCIPLINE_IN_SENTENCE.get(code)
    return discipline_label(code).lower() if name is None else str(name)


def severity_label(severity: str) -> str:
    """Return a contradiction's severity for people ("high")."""
    return str(SEVERITY_LABELS.get(severity, severity))


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    title: str
    text: str
    weight: float


@dataclass(frozen=True, slots=True)
class AreaRow:
    code: str
    title: str
    dimension: str
    dimension_title: str
    score: float | None
    coverage: float
    status: str
    mean_current: float | None
    mean_target: float | None

    @property
    def gap(self) -> float | None:
        """Return mean answer minus mean target: below zero falls short, above overshoots."""
        if self.mean_current is None or self.mean_target is None:
            return None
        return self.mean_current - self.mean_target


@dataclass(frozen=True, slots=True)
class DimensionRow:
    code: str
    title: str
    score: float | None
    weight: float
    mean_current: float | None
    mean_target: float | None
    areas: tuple[AreaRow, ...]
    weakest: bool


@dataclass(frozen=True, slots=True)
class PriorityRow:
    rank: int
    question: str
    text: str
    area_title: str
    uplift: float
    feasibility: float
    priority: float
    quadrant: str
    direction: str = "raise"

    @property
    def quadrant_label(self) -> str:
        return str(QUADRANT_LABELS.get(self.quadrant, self.quadrant))


@dataclass(frozen=True, slots=True)
class FitRow:
    discipline: str
    label: str
    index: float | None  # the alignment index against this discipline's targets
    match: float | None  # how well the shape of practice matches it (-1..1)
    declared: bool
    best: bool  # the engine's better_fit: another discipline the practice clearly matches


@dataclass(frozen=True, slots=True)
class PitfallRow:
    code: str
    label: str
    meaning: str
    evidence: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class GapRow:
    area_title: str
    gap: float
    owner: float
    others: float
    flagged: bool


@dataclass(frozen=True, slots=True)
class ConsensusRow:
    question: str
    text: str
    stdev: float
    respondents: int


@dataclass(frozen=True, slots=True)
class AreaComments:
    """Comments left on an area's questions: the owner's, and others' only when anonymous."""

    area_title: str
    owner: tuple[str, ...]
    others: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReportContent:
    """Everything the HTML page and the PDF show, in the order they show it."""

    organization: str
    cycle: str
    generated_on: date
    discipline: str
    discipline_label: str
    segment: str
    index: float | None
    band: str
    respondents: dict[str, int]
    weighted_mean: float | None
    weakest_title: str | None
    weakest_score: float | None
    findings: tuple[Finding, ...]
    dimensions: tuple[DimensionRow, ...]
    perception: dict[str, Any]
    gaps: tuple[GapRow, ...]
    priorities: tuple[PriorityRow, ...]
    fit: tuple[FitRow, ...]
    fit_sentence: str
    flags: tuple[dict[str, str], ...]
    pitfalls: tuple[PitfallRow, ...]
    consensus: tuple[ConsensusRow, ...]
    plan: tuple[ActionItem, ...] = field(default=())
    plan_projected_index: float | None = None
    comments: tuple[AreaComments, ...] = field(default=())

    @property
    def band_label(self) -> str:
        return band_label(self.band)

    @property
    def band_meaning(self) -> str:
        return band_meaning(self.band)

    @property
    def discipline_text(self) -> str:
        """Return the declared value discipline as written inside a sentence."""
        return discipline_in_sentence(self.discipline)

    @property
    def respondent_total(self) -> int:
        return sum(self.respondents.values())

    @property
    def respondent_text(self) -> str:
        parts = []
        if n := self.respondents.get("owner", 0):
            parts.append(ngettext("%(count)d owner", "%(count)d owners", n) % {"count": n})
        if n := self.respondents.get("manager", 0):
            parts.append(ngettext("%(count)d manager", "%(count)d managers", n) % {"count": n})
        if n := self.respondents.get("staff", 0):
            parts.append(
                ngettext("%(count)d staff member", "%(count)d staff members", n) % {"count": n}
            )
        # Translators: the separator between "2 owners", "3 managers" and "5 staff members".
        return pgettext("list separator", ", ").join(parts) if parts else _("nobody")

    @property
    def areas(self) -> tuple[AreaRow, ...]:
        return tuple(area for dimension in self.dimensions for area in dimension.areas)

    @property
    def plan_gain(self) -> float | None:
        """Return how much doing the whole plan adds to the index, by the engine's reckoning."""
        if self.plan_projected_index is None or self.index is None:
            return None
        return self.plan_projected_index - self.index

    @property
    def summary(self) -> str:
        """Return the opening paragraph of the executive summary."""
        based_on = ngettext(
            "It is based on the answers of %(count)d person (%(who)s).",
            "It is based on the answers of %(count)d people (%(who)s).",
            self.respondent_total,
        ) % {"count": self.respondent_total, "who": self.respondent_text}
        if self.index is None:
            return " ".join(
                (
                    _(
                        "%(organization)s has no alignment index for %(cycle)s yet: too few "
                        "questions were answered to score any dimension."
                    )
                    % {"organization": self.organization, "cycle": self.cycle},
                    based_on,
                )
            )
        sentences = [
            _(
                "%(organization)s scores %(index)s out of 100 on strategic alignment for "
                "%(cycle)s, which puts it in the “%(band)s” band: %(meaning)s."
            )
            % {
                "organization": self.organization,
                "index": fmt(self.index),
                "cycle": self.cycle,
                "band": band_label_in_sentence(self.band),
                "meaning": self.band_meaning,
            }
        ]
        if self.weakest_title is not None and self.weighted_mean is not None:
            sentences.append(
                _(
                    "Half of that index is the average of the dimensions (%(mean)s); the other "
                    "half is the weakest one, %(weakest)s (%(weakest_score)s), because a "
                    "business is only as aligned as its weakest part."
                )
                % {
                    "mean": fmt(self.weighted_mean),
                    "weakest": self.weakest_title,
                    "weakest_score": fmt(self.weakest_score),
                }
            )
        sentences.append(based_on)
        return " ".join(sentences)

    @property
    def declared_fit(self) -> FitRow | None:
        return next((row for row in self.fit if row.declared), None)


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _area_rows(
    dimension_code: str, dimension: dict[str, Any], order: Sequence[str]
) -> tuple[AreaRow, ...]:
    rows = []
    for code in _ordered(dimension["areas"], order):
        area = dimension["areas"][code]
        answered = [c for c in area["contributions"] if c["current"] is not None]
        rows.append(
            AreaRow(
                code=code,
                title=area["title"],
                dimension=dimension_code,
                dimension_title=dimension["title"],
                score=area["score"],
                coverage=area["coverage"],
                status=area["status"],
                mean_current=_mean([c["current"] for c in answered]),
                mean_target=_mean([c["target"] for c in answered]),
            )
        )
    return tuple(rows)


def _ordered(keys: Any, order: Sequence[str]) -> list[str]:
    """Return the keys in bank order: a stored JSON object (jsonb) does not keep its order."""
    rank = {code: i for i, code in enumerate(order)}
    return sorted(keys, key=lambda code: (rank.get(code, len(rank)), code))


def _dimension_rows(result: dict[str, Any], bank: Bank) -> tuple[DimensionRow, ...]:
    weakest = (result.get("alignment_index_contributions") or {}).get("weakest_dimension")
    area_order = [a.code for d in bank.dimensions for a in d.areas]
    rows = []
    for code in _ordered(result["dimensions"], [d.code for d in bank.dimensions]):
        dimension = result["dimensions"][code]
        areas = _area_rows(code, dimension, area_order)
        answered = [
            c
            for area in dimension["areas"].values()
            for c in area["contributions"]
            if c["current"] is not None
        ]
        rows.append(
            DimensionRow(
                code=code,
                title=dimension["title"],
                score=dimension["score"],
                weight=dimension["weight"],
                mean_current=_mean([c["current"] for c in answered]),
                mean_target=_mean([c["target"] for c in answered]),
                areas=areas,
                weakest=code == weakest,
            )
        )
    return tuple(rows)


def _bank_texts_in_language(result: dict[str, Any], bank: Bank) -> dict[str, Any]:
    """Return the result with its bank texts (titles, rule messages) in the active language.

    The stored result holds them in the language the report was built in; the bank holds them
    in all its languages, so a reader who chose another language reads them in it. A code the
    bank no longer has keeps the stored text.
    """
    language = language_active()
    rules = {rule.code: rule for rule in bank.rules}
    dimensions = {}
    for code, dimension in (result.get("dimensions") or {}).items():
        areas = {}
        for area_code, area in (dimension.get("areas") or {}).items():
            try:
                areas[area_code] = {**area, "title": localize(bank.area(area_code).title, language)}
            except KeyError:
                areas[area_code] = area
        try:
            title = localize(bank.dimension(code).title, language)
        except KeyError:
            title = dimension.get("title", code)
        dimensions[code] = {**dimension, "title": title, "areas": areas}
    flags = [
        {**flag, "message": localize(rules[flag["rule"]].message, language)}
        if flag.get("rule") in rules
        else flag
        for flag in result.get("consistency_flags") or []
    ]
    return {**result, "dimensions": dimensions, "consistency_flags": flags}


def _question_text(bank: Bank, code: str) -> str:
    try:
        return " ".join(localize(bank.question(code).text, language_active()).split())
    except KeyError:
        return code


def spread_positions(
    values: Sequence[float], keys: Sequence[str] | None = None, width: float = 0.045
) -> list[float]:
    """Return the values nudged apart where several are equal, so that no point hides another.

    Equal values are spread evenly over ±width in the order of their keys (question codes), so
    the spread looks like a cloud rather than a ranking and a chart is the same every time.
    """
    groups: dict[float, list[int]] = {}
    for i, value in enumerate(values):
        groups.setdefault(value, []).append(i)
    out = list(values)
    for value, members in groups.items():
        if len(members) < 2:
            continue
        if keys is not None:
            members = sorted(members, key=lambda i: keys[i])
        step = 2 * width / (len(members) - 1)
        for k, i in enumerate(members):
            out[i] = value - width + k * step
    return out


def _fit_rows(result: dict[str, Any]) -> tuple[tuple[FitRow, ...], str]:
    """Return the three disciplines and the one sentence the report may say about them.

    Only the engine's better_fit may claim that the business serves another strategy: it
    compares the shape of practice with each discipline's targets, so a flat business (every
    answer the same) never gets that sentence.
    """
    declared = result["value_discipline"]
    fit = result.get("strategy_fit") or {}
    match = result.get("profile_match") or {}
    better = result.get("better_fit")
    order = _ordered(set(fit) | set(match), list(DISCIPLINE_LABELS))
    rows = tuple(
        FitRow(
            discipline=d,
            label=discipline_label(d),
            index=fit.get(d),
            match=match.get(d),
            declared=d == declared,
            best=d == better,
        )
        for d in order
    )
    declared_label = discipline_in_sentence(declared)
    if better:
        sentence = _(
            "The pattern of your answers matches %(better)s (match %(better_match)s) clearly "
            "better than the %(declared)s you declared (match %(declared_match)s): your "
            "operations serve another strategy, so either the strategy statement or the way the "
            "business runs needs to change."
        ) % {
            "better": discipline_in_sentence(better),
            "better_match": _match_text(match[better]),
            "declared": declared_label,
            "declared_match": _match_text(match.get(declared)),
        }
    elif "profile_match" not in result:
        sentence = _("This report predates the strategy-fit comparison; rebuild it to see one.")
    elif all(value is None for value in match.values()):
        sentence = _(
            "There are too few answers, or they are all alike, to tell which value discipline "
            "your practice resembles."
        )
    else:
        sentence = _(
            "Your practice does not clearly match another value discipline better than the "
            "%(declared)s you declared: close the gaps in the plan rather than change strategy."
        ) % {"declared": declared_label}
    return rows, sentence


def _match_text(value: float | None) -> str:
    return "–" if value is None else decimal_text(value, 2)


def _evidence_text(
    evidence: dict[str, Any], titles: dict[str, str], comparable: bool, bank: Bank
) -> str | None:
    kind = evidence.get("kind")
    area = titles.get(str(evidence.get("area")), str(evidence.get("area")))
    if kind == "perception_gap":
        if not comparable:
            return _("The owner's view of %(area)s differs from the team's by a point or more.") % {
                "area": area
            }
        values = {"area": area, "gap": decimal_text(abs(evidence["gap"]), 1)}
        if evidence["gap"] > 0:
            return (
                _(
                    "In %(area)s the owner rates practice %(gap)s points more favourably than "
                    "managers and staff do."
                )
                % values
            )
        return (
            _(
                "In %(area)s the owner rates practice %(gap)s points less favourably than "
                "managers and staff do."
            )
            % values
        )
    if kind == "low_consensus":
        text = _question_text(bank, str(evidence["question"]))
        return _("Answers to “%(question)s” spread widely (standard deviation %(stdev)s).") % {
            "question": text,
            "stdev": decimal_text(evidence["stdev"], 2),
        }
    if kind == "low_consensus_share":
        return ngettext(
            "People disagree widely on %(flagged)s of the %(answered)s answered question.",
            "People disagree widely on %(flagged)s of the %(answered)s answered questions.",
            int(evidence["answered_questions"]),
        ) % {
            "flagged": evidence["flagged_questions"],
            "answered": evidence["answered_questions"],
        }
    if kind in ("highest_dimension", "lowest_dimension"):
        values = {
            "dimension": titles.get(evidence["dimension"], evidence["dimension"]),
            "score": fmt(evidence["score"]),
        }
        if kind == "highest_dimension":
            return _("Strongest dimension: %(dimension)s (%(score)s).") % values
        return _("Weakest dimension: %(dimension)s (%(score)s).") % values
    if kind == "spread":
        return _("The gap between them is %(spread)s points.") % {"spread": fmt(evidence["spread"])}
    if kind == "area_below_floor":
        return _("%(area)s scores %(score)s, below 60.") % {
            "area": area,
            "score": fmt(evidence["score"]),
        }
    if kind == "no_recent_assessment":
        last = evidence.get("last_assessed")
        if not last:
            return _("No assessment in the twelve months before this one.")
        return _(
            "The last assessment before this one was on %(day)s, more than a year earlier."
        ) % {"day": _day_text(last)}
    if kind == "value_discipline":
        return _(
            "The declared value discipline is product leadership, which depends on a culture "
            "that experiments."
        )
    return None


def _day_text(value: object) -> str:
    """Return a stored ISO day ("2025-03-01") in the active language's date format."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return date_format(day, "DATE_FORMAT")


def _pitfall_rows(
    result: dict[str, Any],
    titles: dict[str, str],
    comparable: bool,
    bank: Bank,
    assessment: Assessment,
) -> tuple[PitfallRow, ...]:
    rows = []
    for pitfall in result.get("pitfalls", []):
        texts = [_evidence_text(e, titles, comparable, bank) for e in pitfall["evidence"]]
        # Lines other apps know (the previous team brief's read rate, for communication).
        texts += pitfall_evidence_extra(code=pitfall["code"], assessment=assessment)
        rows.append(
            PitfallRow(
                code=pitfall["code"],
                label=str(PITFALL_LABELS.get(pitfall["code"], pitfall["code"])),
                meaning=str(PITFALL_MEANING.get(pitfall["code"], "")),
                evidence=tuple(t for t in texts if t),
            )
        )
    return tuple(rows)


def _findings(
    *,
    result: dict[str, Any],
    dimensions: Sequence[DimensionRow],
    priorities: Sequence[PriorityRow],
    fit: Sequence[FitRow],
    pitfalls: Sequence[PitfallRow],
    gaps: Sequence[GapRow],
    plan: Sequence[ActionItem],
    bank: Bank,
) -> tuple[Finding, ...]:
    """Return the three findings an owner should read first, most important first."""
    candidates: list[Finding] = []
    scored = [d for d in dimensions if d.score is not None]
    if scored:
        weakest = min(scored, key=lambda d: d.score or 0.0)
        strongest = max(scored, key=lambda d: d.score or 0.0)
        text = _(
            "%(dimension)s scores %(score)s, the lowest of the %(count)s dimensions. The weakest "
            "dimension makes up half of the index on its own, so a point gained here counts more "
            "than anywhere else."
        ) % {"dimension": weakest.title, "score": fmt(weakest.score), "count": len(scored)}
        if strongest is not weakest:
            text += " " + _("The strongest is %(dimension)s at %(score)s.") % {
                "dimension": strongest.title,
                "score": fmt(strongest.score),
            }
        candidates.append(
            Finding(
                "weakest",
                _("Weakest: %(dimension)s") % {"dimension": weakest.title},
                text,
                2.0 + (100 - (weakest.score or 0)) / 15,
            )
        )
    if priorities:
        top = priorities[0]
        action = next((a for a in plan if a.question_code == top.question), None)
        effort = (
            _("little effort")
            if top.feasibility >= 0.8
            else _("moderate effort")
            if top.feasibility >= 0.6
            else _("considerable effort")
        )
        values = {
            "question": top.text,
            "uplift": decimal_text(top.uplift, 1),
            "effort": effort,
            "quadrant": str(QUADRANT_IN_SENTENCE.get(top.quadrant, top.quadrant_label)),
        }
        if top.direction == "scale_back":
            text = _(
                "Scaling back “%(question)s” to the level the strategy needs would add about "
                "%(uplift)s points to the index, for %(effort)s (a %(quadrant)s in the "
                "impact/feasibility matrix)."
            )
        else:
            text = _(
                "Raising “%(question)s” to the level the strategy needs would add about "
                "%(uplift)s points to the index, for %(effort)s (a %(quadrant)s in the "
                "impact/feasibility matrix)."
            )
        candidates.append(
            Finding(
                "lever",
                _("Biggest lever: %(action)s") % {"action": action.title}
                if action
                else _("Biggest lever"),
                text % values,
                3.0 + top.uplift,
            )
        )
    for flag in result.get("consistency_flags", [])[:2]:
        candidates.append(
            Finding(
                "flag",
                _("Contradiction (%(severity)s)") % {"severity": severity_label(flag["severity"])},
                flag["message"],
                SEVERITY_WEIGHT.get(flag["severity"], 1.0) + 0.5,
            )
        )
    declared = next((row for row in fit if row.declared), None)
    best = next((row for row in fit if row.best), None)
    if declared is not None and best is not None and best.match is not None:
        candidates.append(
            Finding(
                "fit",
                _("Strategy fit"),
                _(
                    "The pattern of your answers matches %(better)s better than the %(declared)s "
                    "you declared: your operations serve another strategy."
                )
                % {
                    "better": discipline_in_sentence(best.discipline),
                    "declared": discipline_in_sentence(declared.discipline),
                },
                2.5 + 5 * (best.match - (declared.match or 0.0)),
            )
        )
    for pitfall in pitfalls[:2]:
        candidates.append(
            Finding(
                "pitfall",
                _("Pitfall: %(pitfall)s") % {"pitfall": pitfall.label},
                pitfall.meaning,
                3.5,
            )
        )
    flagged = [g for g in gaps if g.flagged]
    if flagged:
        widest = max(flagged, key=lambda g: abs(g.gap))
        candidates.append(
            Finding(
                "gap",
                _("Owner and team see it differently"),
                _(
                    "In %(area)s the owner's answers average %(owner)s and the team's "
                    "%(team)s: a gap of %(gap)s points."
                )
                % {
                    "area": widest.area_title,
                    "owner": decimal_text(widest.owner, 1),
                    "team": decimal_text(widest.others, 1),
                    "gap": decimal_text(abs(widest.gap), 1),
                },
                2.0 + abs(widest.gap),
            )
        )
    overkill = [
        (c["current"] - c["target"], c["question"])
        for d in result["dimensions"].values()
        for a in d["areas"].values()
        for c in a["contributions"]
        if c["current"] is not None and c["current"] - c["target"] >= 1.0
    ]
    if overkill:
        excess, code = max(overkill)
        candidates.append(
            Finding(
                "overkill",
                _("More than the strategy needs"),
                _(
                    "“%(question)s” is practised %(excess)s points beyond what the declared "
                    "strategy asks for: effort that could go where the strategy needs it."
                )
                % {"question": _question_text(bank, code), "excess": decimal_text(excess, 1)},
                1.5 + excess,
            )
        )
    chosen: list[Finding] = []
    kinds: set[str] = set()
    for finding in sorted(candidates, key=lambda f: -f.weight):
        if finding.kind in kinds and finding.kind != "flag":
            continue
        chosen.append(finding)
        kinds.add(finding.kind)
        if len(chosen) == 3:
            break
    return tuple(chosen)


def report_content(
    *,
    assessment: Assessment,
    result: dict[str, Any],
    perception: dict[str, Any],
    plan: Sequence[ActionItem],
    bank: Bank,
    generated_on: date | None = None,
) -> ReportContent:
    """Return what the report shows, from the engine's stored result and the plan's rows."""
    result = _bank_texts_in_language(result, bank)
    dimensions = _dimension_rows(result, bank)
    titles = {d.code: d.title for d in dimensions}
    titles.update({a.code: a.title for d in dimensions for a in d.areas})
    comparable = bool(perception.get("comparable"))
    gaps = (
        tuple(
            GapRow(
                area_title=titles.get(g["area"], g["area"]),
                # The gap shown is the difference of the two means shown beside it.
                gap=round(scale_mean(g["owner"]) - scale_mean(g["others"]), 1),
                owner=scale_mean(g["owner"]),
                others=scale_mean(g["others"]),
                flagged=g["flagged"],
            )
            for g in result.get("perception_gaps", [])
        )
        if comparable
        else ()
    )
    priorities = tuple(
        PriorityRow(
            rank=rank,
            question=p["question"],
            text=_question_text(bank, p["question"]),
            area_title=titles.get(p["area"], p["area"]),
            uplift=p["uplift"],
            feasibility=p["feasibility"],
            priority=p["priority"],
            quadrant=p["quadrant"],
            direction=p.get("direction", "raise"),
        )
        for rank, p in enumerate(result.get("priorities", []), start=1)
    )
    findings_by_code = _finding_names(result)
    for item in plan:
        # The plan table names the area and what the item fixes; the row stores only codes.
        item.area_title = titles.get(item.area_code, item.area_code)  # type: ignore[attr-defined]
        item.addresses_text = [  # type: ignore[attr-defined]
            findings_by_code.get(code, code) for code in item.addresses or []
        ]
    fit, fit_sentence = _fit_rows(result)
    pitfalls = _pitfall_rows(result, titles, comparable, bank, assessment)
    contributions = result.get("alignment_index_contributions") or {}
    weakest_code = contributions.get("weakest_dimension")
    strategy = assessment.strategy_snapshot or {}
    return ReportContent(
        organization=assessment.organization.name,
        cycle=assessment.label,
        generated_on=generated_on or timezone.localdate(),
        discipline=result["value_discipline"],
        discipline_label=discipline_label(result["value_discipline"]),
        segment=str(strategy.get("segment") or ""),
        index=result["alignment_index"],
        band=band_for(result["alignment_index"]),
        respondents=dict(result.get("respondents") or {}),
        weighted_mean=contributions.get("weighted_mean"),
        weakest_title=titles.get(weakest_code) if weakest_code else None,
        weakest_score=contributions.get("weakest_score"),
        findings=_findings(
            result=result,
            dimensions=dimensions,
            priorities=priorities,
            fit=fit,
            pitfalls=pitfalls,
            gaps=gaps,
            plan=plan,
            bank=bank,
        ),
        dimensions=dimensions,
        perception=perception,
        gaps=gaps,
        priorities=priorities,
        fit=fit,
        fit_sentence=fit_sentence,
        flags=tuple(
            {**flag, "severity_label": severity_label(flag["severity"])}
            for flag in result.get("consistency_flags", [])
        ),
        pitfalls=pitfalls,
        consensus=tuple(
            ConsensusRow(
                question=f["question"],
                text=_question_text(bank, f["question"]),
                stdev=f["stdev"],
                respondents=f["respondents"],
            )
            for f in result.get("consensus_flags", [])
        ),
        plan=tuple(plan),
        plan_projected_index=result.get("plan_projected_index"),
        comments=_area_comments(perception.get("comments") or {}, titles, bank),
    )


def _finding_names(result: dict[str, Any]) -> dict[str, str]:
    """Return a plain name for each fired rule and pitfall code, for "fixes: …" lines."""
    names = {
        pitfall["code"]: str(PITFALL_LABELS.get(pitfall["code"], pitfall["code"]))
        for pitfall in result.get("pitfalls", [])
    }
    for flag in result.get("consistency_flags", []):
        first_sentence = flag["message"].split(". ")[0].rstrip(".")
        if flag["severity"] == "high":
            name = _("%(rule)s (high-severity contradiction)")
        elif flag["severity"] == "medium":
            name = _("%(rule)s (medium-severity contradiction)")
        elif flag["severity"] == "low":
            name = _("%(rule)s (low-severity contradiction)")
        else:
            name = "%(rule)s"
        names[flag["rule"]] = name % {"rule": first_sentence}
    return names


def _area_comments(
    stored: dict[str, Any], titles: dict[str, str], bank: Bank
) -> tuple[AreaComments, ...]:
    order = [a.code for d in bank.dimensions for a in d.areas]
    return tuple(
        AreaComments(
            area_title=titles.get(code, code),
            owner=tuple(stored[code].get("owner", [])),
            others=tuple(stored[code].get("others", [])),
        )
        for code in _ordered(stored, order)
        if stored[code].get("owner") or stored[code].get("others")
    )
