"""Question banks: the dataclasses, YAML parsing with line numbers, validation and export."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard

import yaml

from scoring.constants import (
    DISCIPLINES,
    EFFORT_MAX,
    EFFORT_MIN,
    PITFALL_AREA_KEYS,
    SEVERITIES,
)
from scoring.rules import Condition, condition_to_dict, parse_condition

__all__ = [
    "ActionTemplate",
    "Area",
    "Bank",
    "BankError",
    "BankProblem",
    "Dimension",
    "Question",
    "Rule",
    "bank_to_dict",
    "dump_bank_yaml",
    "load_bank_yaml",
    "parse_bank",
]


@dataclass(frozen=True, slots=True)
class ActionTemplate:
    title: str
    specific: str
    kpi: str
    unit: str
    owner_role: str
    effort: int
    effort_days: float
    duration_weeks: int


@dataclass(frozen=True, slots=True)
class Question:
    code: str
    text: str
    help: str
    weight: float
    targets: Mapping[str, int]
    action: ActionTemplate
    continues: str | None = None


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    title: str
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True, slots=True)
class Dimension:
    code: str
    title: str
    weight: float
    areas: tuple[Area, ...]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str
    message: str
    when: Condition


@dataclass(frozen=True, slots=True)
class Bank:
    slug: str
    version: int
    title: str
    scale_min: int
    scale_max: int
    dimensions: tuple[Dimension, ...]
    rules: tuple[Rule, ...] = ()
    pitfall_areas: Mapping[str, str] = field(default_factory=dict)
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
    path: str
    message: str
    line: int | None = None
    source: str = "<bank>"

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


def _join(parent: str, key: object) -> str:
    return f"{parent}.{key}" if parent else str(key)


def _parent(path: str) -> str:
    if path.endswith("]") and "[" in path:
        return path[: path.rindex("[")]
    return path[: path.rfind(".")] if "." in path else ""


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


_BANK_KEYS = ("bank", "version", "title", "scale", "dimensions")
_BANK_OPTIONAL = ("rules", "pitfall_areas")
_DIMENSION_KEYS = ("code", "title", "weight", "areas")
_AREA_KEYS = ("code", "title", "weight", "questions")
_QUESTION_KEYS = ("code", "text", "weight", "targets", "action")
_QUESTION_OPTIONAL = ("help", "continues")
_ACTION_KEYS = (
    "title",
    "specific",
    "kpi",
    "unit",
    "owner_role",
    "effort",
    "effort_days",
    "duration_weeks",
)
_RULE_KEYS = ("code", "severity", "message", "when")


class _Validator:
    """Collect every problem of a bank instead of stopping at the first."""

    def __init__(self, source: str, lines: Mapping[str, int] | None) -> None:
        self.source = source
        self.lines = lines or {}
        self.problems: list[BankProblem] = []
        self.scale: tuple[int, int] | None = None

    def report(self, path: str, message: str) -> None:
        self.problems.append(BankProblem(path, message, self.line_of(path), self.source))

    def line_of(self, path: str) -> int | None:
        probe = path
        while True:
            line = self.lines.get(probe)
            if line is not None:
                return line
            if not probe:
                return None
            probe = _parent(probe)

    def mapping(
        self,
        raw: object,
        path: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.report(path, f"expected a mapping, got {_type_name(raw)}")
            return None
        for key in required:
            if key not in raw:
                self.report(_join(path, key), f"missing required key '{key}'")
        known = set(required) | set(optional)
        for key in raw:
            if key not in known:
                self.report(_join(path, key), f"unknown key '{key}'")
        return raw

    def string(self, raw: Mapping[str, Any], key: str, path: str, *, empty: bool = False) -> str:
        if key not in raw:
            return ""
        value = raw[key]
        if not isinstance(value, str):
            self.report(_join(path, key), f"expected a string, got {_type_name(value)}")
            return ""
        if not empty and not value.strip():
            self.report(_join(path, key), "must not be empty")
        return value

    def integer(
        self,
        raw: Mapping[str, Any],
        key: str,
        path: str,
        *,
        low: int | None = None,
        high: int | None = None,
    ) -> int:
        if key not in raw:
            return 0
        value = raw[key]
        if not _is_int(value):
            self.report(_join(path, key), f"expected an integer, got {_type_name(value)}")
            return 0
        if low is not None and high is not None and not low <= value <= high:
            self.report(_join(path, key), f"{value} is outside {low}..{high}")
        elif low is not None and value < low:
            self.report(_join(path, key), f"{value} must be at least {low}")
        return value

    def positive(self, raw: Mapping[str, Any], key: str, path: str) -> float:
        if key not in raw:
            return 1.0
        value = raw[key]
        if not _is_number(value):
            self.report(_join(path, key), f"expected a number, got {_type_name(value)}")
            return 1.0
        if value <= 0:
            self.report(_join(path, key), f"{value} must be greater than 0")
        return value

    def items(self, raw: Mapping[str, Any], key: str, path: str) -> Iterator[tuple[str, object]]:
        if key not in raw:
            return
        value = raw[key]
        child = _join(path, key)
        if not isinstance(value, list):
            self.report(child, f"expected a list, got {_type_name(value)}")
            return
        if not value:
            self.report(child, "must not be empty")
        for index, item in enumerate(value):
            yield f"{child}[{index}]", item

    def unique(self, seen: dict[str, str], code: str, path: str, kind: str) -> None:
        if not code:
            return
        if code in seen:
            self.report(
                _join(path, "code"), f"duplicate {kind} code '{code}' (first at {seen[code]})"
            )
        else:
            seen[code] = path

    # --- the bank, top down -------------------------------------------------------------

    def bank(self, data: object) -> Bank | None:
        top = self.mapping(data, "", _BANK_KEYS, _BANK_OPTIONAL)
        if top is None:
            return None
        slug = self.string(top, "bank", "")
        version = self.integer(top, "version", "", low=1)
        title = self.string(top, "title", "")
        scale_min, scale_max = self.scale_of(top)
        dimension_paths: dict[str, str] = {}
        area_paths: dict[str, str] = {}
        question_paths: dict[str, str] = {}
        dimensions = []
        for path, raw in self.items(top, "dimensions", ""):
            dimension = self.dimension(raw, path, area_paths, question_paths)
            if dimension is not None:
                self.unique(dimension_paths, dimension.code, path, "dimension")
                dimensions.append(dimension)
        rules = []
        if "rules" in top and top["rules"] is not None:
            rule_paths: dict[str, str] = {}
            if not isinstance(top["rules"], list):
                self.report("rules", f"expected a list, got {_type_name(top['rules'])}")
            else:
                for index, raw in enumerate(top["rules"]):
                    path = f"rules[{index}]"
                    rule = self.rule(raw, path, question_paths, area_paths, dimension_paths)
                    if rule is not None:
                        self.unique(rule_paths, rule.code, path, "rule")
                        rules.append(rule)
        pitfall_areas = self.pitfall_areas(top.get("pitfall_areas"), area_paths)
        if self.problems:
            return None
        return Bank(
            slug=slug,
            version=version,
            title=title,
            scale_min=scale_min,
            scale_max=scale_max,
            dimensions=tuple(dimensions),
            rules=tuple(rules),
            pitfall_areas=pitfall_areas,
        )

    def scale_of(self, top: Mapping[str, Any]) -> tuple[int, int]:
        if "scale" not in top:
            return 0, 0
        raw = self.mapping(top["scale"], "scale", ("min", "max"))
        if raw is None:
            return 0, 0
        before = len(self.problems)
        low = self.integer(raw, "min", "scale")
        high = self.integer(raw, "max", "scale")
        if len(self.problems) == before and "min" in raw and "max" in raw:
            if low >= high:
                self.report("scale", f"min ({low}) must be less than max ({high})")
            else:
                self.scale = (low, high)
        return low, high

    def dimension(
        self,
        raw: object,
        path: str,
        area_paths: dict[str, str],
        question_paths: dict[str, str],
    ) -> Dimension | None:
        data = self.mapping(raw, path, _DIMENSION_KEYS)
        if data is None:
            return None
        areas = []
        for area_path, area_raw in self.items(data, "areas", path):
            area = self.area(area_raw, area_path, question_paths)
            if area is not None:
                self.unique(area_paths, area.code, area_path, "area")
                areas.append(area)
        return Dimension(
            code=self.string(data, "code", path),
            title=self.string(data, "title", path),
            weight=self.positive(data, "weight", path),
            areas=tuple(areas),
        )

    def area(self, raw: object, path: str, question_paths: dict[str, str]) -> Area | None:
        data = self.mapping(raw, path, _AREA_KEYS)
        if data is None:
            return None
        questions = []
        for question_path, question_raw in self.items(data, "questions", path):
            question = self.question(question_raw, question_path)
            if question is not None:
                self.unique(question_paths, question.code, question_path, "question")
                questions.append(question)
        return Area(
            code=self.string(data, "code", path),
            title=self.string(data, "title", path),
            weight=self.positive(data, "weight", path),
            questions=tuple(questions),
        )

    def question(self, raw: object, path: str) -> Question | None:
        data = self.mapping(raw, path, _QUESTION_KEYS, _QUESTION_OPTIONAL)
        if data is None:
            return None
        continues = data.get("continues")
        if continues is not None and (not isinstance(continues, str) or not continues.strip()):
            self.report(
                _join(path, "continues"),
                f"expected a question code of the previous version, got {continues!r}",
            )
            continues = None
        return Question(
            code=self.string(data, "code", path),
            text=self.string(data, "text", path),
            help=self.string(data, "help", path, empty=True)
            if data.get("help") is not None
            else "",
            weight=self.positive(data, "weight", path),
            targets=self.targets(data, path),
            action=self.action(data, path),
            continues=continues,
        )

    def targets(self, question: Mapping[str, Any], question_path: str) -> dict[str, int]:
        if "targets" not in question:
            return {}
        path = _join(question_path, "targets")
        raw = self.mapping(question["targets"], path, DISCIPLINES)
        if raw is None:
            return {}
        targets = {}
        for discipline in DISCIPLINES:
            if discipline not in raw:
                continue
            value = raw[discipline]
            target_path = _join(path, discipline)
            if not _is_int(value):
                self.report(target_path, f"expected an integer, got {_type_name(value)}")
                continue
            if self.scale is not None and not self.scale[0] <= value <= self.scale[1]:
                low, high = self.scale
                self.report(target_path, f"{value} is outside the scale {low}..{high}")
            targets[discipline] = value
        return targets

    def action(self, question: Mapping[str, Any], question_path: str) -> ActionTemplate:
        path = _join(question_path, "action")
        raw = (
            self.mapping(question.get("action"), path, _ACTION_KEYS)
            if "action" in question
            else None
        )
        if raw is None:
            return ActionTemplate("", "", "", "", "", EFFORT_MIN, 1.0, 1)
        return ActionTemplate(
            title=self.string(raw, "title", path),
            specific=self.string(raw, "specific", path),
            kpi=self.string(raw, "kpi", path),
            unit=self.string(raw, "unit", path, empty=True),
            owner_role=self.string(raw, "owner_role", path),
            effort=self.integer(raw, "effort", path, low=EFFORT_MIN, high=EFFORT_MAX),
            effort_days=self.positive(raw, "effort_days", path),
            duration_weeks=self.integer(raw, "duration_weeks", path, low=1),
        )

    def rule(
        self,
        raw: object,
        path: str,
        questions: dict[str, str],
        areas: dict[str, str],
        dimensions: dict[str, str],
    ) -> Rule | None:
        data = self.mapping(raw, path, _RULE_KEYS)
        if data is None:
            return None
        code = self.string(data, "code", path)
        severity = self.string(data, "severity", path)
        if severity and severity not in SEVERITIES:
            self.report(
                _join(path, "severity"),
                f"unknown severity '{severity}': expected one of {', '.join(SEVERITIES)}",
            )
        message = self.string(data, "message", path)
        if "when" not in data:
            return None
        when = parse_condition(
            data["when"],
            _join(path, "when"),
            self.report,
            questions=questions,
            areas=areas,
            dimensions=dimensions,
        )
        if when is None:
            return None
        return Rule(code=code, severity=severity, message=message, when=when)

    def pitfall_areas(self, raw: object, areas: dict[str, str]) -> dict[str, str]:
        if raw is None:
            return {}
        data = self.mapping(raw, "pitfall_areas", (), PITFALL_AREA_KEYS)
        if data is None:
            return {}
        result = {}
        for key in PITFALL_AREA_KEYS:
            if key not in data:
                continue
            value = data[key]
            path = _join("pitfall_areas", key)
            if not isinstance(value, str):
                self.report(path, f"expected an area code, got {_type_name(value)}")
            elif value not in areas:
                self.report(path, f"unknown area code '{value}'")
            else:
                result[key] = value
        return result


def parse_bank(
    data: Mapping[str, Any] | object,
    *,
    source: str = "<bank>",
    lines: Mapping[str, int] | None = None,
) -> Bank:
    """Validate a YAML-shaped bank and return it; raise BankError listing every problem."""
    validator = _Validator(source, lines)
    bank = validator.bank(data)
    if validator.problems or bank is None:
        raise BankError(validator.problems)
    return bank


# Enough for any real bank; stops a document full of aliases from exploding the line map.
_MAX_LINE_ENTRIES = 200_000


def _record_lines(
    loader: yaml.SafeLoader,
    node: yaml.Node,
    path: str,
    lines: dict[str, int],
    problems: list[tuple[str, str, int]],
    depth: int = 0,
) -> None:
    if len(lines) >= _MAX_LINE_ENTRIES or depth > 100:
        return
    if isinstance(node, yaml.MappingNode):
        # PyYAML keeps the last of two equal keys silently; a bank author wants to hear of it.
        # Checked before merging because a key may legitimately override a merged '<<' one.
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if (
                not isinstance(key_node, yaml.ScalarNode)
                or key_node.tag == "tag:yaml.org,2002:merge"
            ):
                continue
            key, key_line = str(key_node.value), key_node.start_mark.line + 1
            if key in seen:
                message = f"duplicate key '{key}' (also on line {seen[key]})"
                problems.append((_join(path, key), message, key_line))
            seen.setdefault(key, key_line)
        loader.flatten_mapping(node)  # resolves '<<' merge keys the way construction will
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "?"
            child = _join(path, key)
            lines.setdefault(child, key_node.start_mark.line + 1)
            _record_lines(loader, value_node, child, lines, problems, depth + 1)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = f"{path}[{index}]"
            lines.setdefault(child, item.start_mark.line + 1)
            _record_lines(loader, item, child, lines, problems, depth + 1)


def load_bank_yaml(text: str, *, source: str = "<bank>") -> Bank:
    """Parse and validate a bank from YAML text; every problem names its source line."""
    try:
        loader = yaml.SafeLoader(text)
    except yaml.reader.ReaderError as exc:
        # The reader refuses control characters before parsing starts, outside the block below.
        bad_line = text.count("\n", 0, exc.position) + 1
        message = f"malformed YAML: {' '.join(str(exc).split())}"
        raise BankError([BankProblem("", message, bad_line, source)]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            raise BankError([BankProblem("", "the bank file is empty", None, source)])
        lines: dict[str, int] = {"": node.start_mark.line + 1}
        duplicates: list[tuple[str, str, int]] = []
        _record_lines(loader, node, "", lines, duplicates)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = None if mark is None else mark.line + 1
        detail = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        problem = BankProblem("", f"malformed YAML: {detail or exc}", line, source)
        raise BankError([problem]) from None
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        if isinstance(exc, BankError):
            raise
        raise BankError([BankProblem("", f"malformed YAML: {exc}", None, source)]) from None
    finally:
        loader.dispose()
    problems = [BankProblem(path, message, line, source) for path, message, line in duplicates]
    try:
        bank = parse_bank(data, source=source, lines=lines)
    except BankError as exc:
        raise BankError(problems + exc.problems) from None
    if problems:
        raise BankError(problems)
    return bank


def _action_to_dict(action: ActionTemplate) -> dict[str, object]:
    return {
        "title": action.title,
        "specific": action.specific,
        "kpi": action.kpi,
        "unit": action.unit,
        "owner_role": action.owner_role,
        "effort": action.effort,
        "effort_days": action.effort_days,
        "duration_weeks": action.duration_weeks,
    }


def _question_to_dict(question: Question) -> dict[str, object]:
    data: dict[str, object] = {
        "code": question.code,
        "text": question.text,
        "help": question.help,
        "weight": question.weight,
        "targets": {d: question.targets[d] for d in DISCIPLINES if d in question.targets},
        "action": _action_to_dict(question.action),
    }
    if question.continues is not None:
        data["continues"] = question.continues
    return data


def bank_to_dict(bank: Bank) -> dict[str, object]:
    """Return the YAML structure of DESIGN.md section 5, so parse_bank(bank_to_dict(b)) == b."""
    return {
        "bank": bank.slug,
        "version": bank.version,
        "title": bank.title,
        "scale": {"min": bank.scale_min, "max": bank.scale_max},
        "dimensions": [
            {
                "code": dimension.code,
                "title": dimension.title,
                "weight": dimension.weight,
                "areas": [
                    {
                        "code": area.code,
                        "title": area.title,
                        "weight": area.weight,
                        "questions": [_question_to_dict(q) for q in area.questions],
                    }
                    for area in dimension.areas
                ],
            }
            for dimension in bank.dimensions
        ],
        "rules": [
            {
                "code": rule.code,
                "severity": rule.severity,
                "message": rule.message,
                "when": condition_to_dict(rule.when),
            }
            for rule in bank.rules
        ],
        "pitfall_areas": {
            k: bank.pitfall_areas[k] for k in PITFALL_AREA_KEYS if k in bank.pitfall_areas
        },
    }


def dump_bank_yaml(bank: Bank) -> str:
    """Return the bank as YAML text in the interchange format (keys in section 5 order)."""
    return yaml.safe_dump(bank_to_dict(bank), sort_keys=False, allow_unicode=True, width=100)
