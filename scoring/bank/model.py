"""The question bank as frozen dataclasses (DESIGN.md section 5), and its errors."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from scoring.constants import DEFAULT_LANGUAGE
from scoring.rules import Condition
from scoring.text import Text

__all__ = [
    "ActionTemplate",
    "Area",
    "Bank",
    "BankError",
    "BankProblem",
    "Dimension",
    "Question",
    "Rule",
]


@dataclass(frozen=True, slots=True)
class ActionTemplate:
    title: Text
    specific: Text
    kpi: Text
    unit: Text
    owner_role: Text
    effort: int
    effort_days: int | float  # as the bank gives it (a whole 8 stays 8 in the result)
    duration_weeks: int
    # In the KPI's own unit; None: set at the first reading.
    kpi_target: float | None = None
    kpi_direction: str = "up"  # "up" | "down": which way the KPI gets better


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: Text
    help: Text
    weight: int | float  # as the bank gives it
    targets: Mapping[str, int]
    action: ActionTemplate
    continues: str | None = None
    # The action when practice goes beyond what the strategy needs (overkill).
    scale_back: ActionTemplate | None = None


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    title: Text
    weight: int | float
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    title: Text
    weight: int | float
    areas: tuple[Area, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    message: Text
    when: Condition
    # Question codes whose plan items fix what the rule found.
    remedies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Bank:
    slug: str
    version: int
    title: Text
    scale_min: int
    scale_max: int
    dimensions: tuple[Dimension, ...]
    rules: tuple[Rule, ...] = ()
    pitfall_areas: Mapping[str, str] = field(default_factory=dict)
    # Per pitfall code: the questions whose plan items answer it.
    pitfall_remedies: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Questions every pulse asks (DESIGN.md section 10).
    pulse_questions: tuple[str, ...] = ()
    # The language of the bank's own texts: a text given by language falls back to it.
    language: str = DEFAULT_LANGUAGE
    _questions: dict[str, Question] = field(init=False, repr=False, compare=False)
    _areas: dict[str, Area] = field(init=False, repr=False, compare=False)
    _dimensions: dict[str, Dimension] = field(init=False, repr=False, compare=False)
    _area_dimension: dict[str, Dimension] = field(init=False, repr=False, compare=False)
    _question_area: dict[str, Area] = field(init=False, repr=False, compare=False)
    # Derived structures the engine builds once per bank (a bank is immutable).
    _cache: dict[str, object] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        dimensions = tuple(self.dimensions)
        questions: dict[str, Question] = {}
        areas: dict[str, Area] = {}
        area_dimension: dict[str, Dimension] = {}
        question_area: dict[str, Area] = {}
        for dimension in dimensions:
            for area in dimension.areas:
                areas[area.code] = area
                area_dimension[area.code] = dimension
                for question in area.questions:
                    questions[question.code] = question
                    question_area[question.code] = area
        object.__setattr__(self, "dimensions", dimensions)
        object.__setattr__(self, "rules", tuple(self.rules))
        object.__setattr__(
            self, "pitfall_remedies", {k: tuple(v) for k, v in self.pitfall_remedies.items()}
        )
        object.__setattr__(self, "pulse_questions", tuple(self.pulse_questions))
        object.__setattr__(self, "_questions", questions)
        object.__setattr__(self, "_areas", areas)
        object.__setattr__(self, "_dimensions", {d.code: d for d in dimensions})
        object.__setattr__(self, "_area_dimension", area_dimension)
        object.__setattr__(self, "_question_area", question_area)
        object.__setattr__(self, "_cache", {})

    @property
    def questions(self) -> Mapping[str, Question]:
        """Return every question by code, in bank order."""
        return self._questions

    @property
    def areas(self) -> Mapping[str, Area]:
        """Return every area by code, in bank order."""
        return self._areas

    @property
    def dimensions_by_code(self) -> Mapping[str, Dimension]:
        """Return every dimension by code, in bank order."""
        return self._dimensions

    def question(self, code: str) -> Question:
        """Return the question with this code (KeyError when unknown)."""
        return self._questions[code]

    def area(self, code: str) -> Area:
        """Return the area with this code (KeyError when unknown)."""
        return self._areas[code]

    def dimension(self, code: str) -> Dimension:
        """Return the dimension with this code (KeyError when unknown)."""
        return self._dimensions[code]

    def area_of(self, question_code: str) -> Area:
        """Return the area a question belongs to."""
        return self._question_area[question_code]

    def dimension_of(self, area_code: str) -> Dimension:
        """Return the dimension an area belongs to."""
        return self._area_dimension[area_code]

    def summary(self) -> str:
        """Return e.g. 'smb-alignment v1 (4 dimensions, 16 areas, 64 questions, 8 rules)'."""
        return (
            f"{self.slug} v{self.version} ({len(self.dimensions)} dimensions, "
            f"{len(self._areas)} areas, {len(self._questions)} questions, {len(self.rules)} rules)"
        )


@dataclass(frozen=True, slots=True)
class BankProblem:
    """One problem of a bank file.

    `message` is the English text; `template` is the same text with named {placeholders} and
    `params` their values (codes, keys, numbers from the file), so that a site can translate
    the template and fill it in. A problem built without a template has only its message.
    """

    path: str
    message: str
    line: int | None = None
    source: str = "<bank>"
    template: str = ""
    params: Mapping[str, str | int] = field(default_factory=dict, hash=False)

    @classmethod
    def of(
        cls,
        path: str,
        template: str,
        line: int | None = None,
        source: str = "<bank>",
        **params: str | int,
    ) -> BankProblem:
        """Return the problem whose message is the template filled in with params."""
        return cls(path, template.format(**params), line, source, template, params)

    def __str__(self) -> str:
        place = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{place}: {self.path}: {self.message}" if self.path else f"{place}: {self.message}"


class BankError(ValueError):
    """A bank that does not validate; `problems` lists every problem found."""

    def __init__(self, problems: list[BankProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))

    def one_line(self) -> str:
        """Return all problems on one line (for a command-line error)."""
        return "; ".join(str(p) for p in self.problems)
