"""Validation of a YAML-shaped bank: every problem collected, each with its path (and line)."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from typing import Any

from scoring.bank.model import (
    ActionTemplate,
    Area,
    Bank,
    BankError,
    BankProblem,
    Dimension,
    Question,
    Rule,
)
from scoring.constants import (
    ACTION_SPECIFIC_MAX,
    AREA_CODE_MAX,
    DEFAULT_LANGUAGE,
    DIMENSION_CODE_MAX,
    DISCIPLINES,
    DURATION_WEEKS_MAX,
    DURATION_WEEKS_MIN,
    EFFORT_DAYS_MAX,
    EFFORT_DAYS_MIN,
    EFFORT_MAX,
    EFFORT_MIN,
    HELP_MAX,
    KPI_DIRECTIONS,
    KPI_MAX,
    KPI_TARGET_MAX,
    LANGUAGE_CODE_MAX,
    OWNER_ROLE_MAX,
    PITFALL_AREA_KEYS,
    PITFALLS,
    PULSE_QUESTIONS_MAX,
    QUESTION_CODE_MAX,
    QUESTION_TEXT_MAX,
    RULE_CODE_MAX,
    RULE_MESSAGE_MAX,
    SCALE_HIGH,
    SCALE_LOW,
    SEVERITIES,
    SLUG_MAX,
    TITLE_MAX,
    UNIT_MAX,
    VERSION_MAX,
    WEIGHT_MAX,
)
from scoring.rules import parse_condition
from scoring.text import Text
from scoring.validation import is_int, is_number, join_path, parent_path, type_name

__all__ = ["parse_bank"]

_BANK_KEYS = ("bank", "version", "title", "scale", "dimensions")
_BANK_OPTIONAL = ("language", "rules", "pitfall_areas", "pitfall_remedies", "pulse_questions")
_DIMENSION_KEYS = ("code", "title", "weight", "areas")
_AREA_KEYS = ("code", "title", "weight", "questions")
_QUESTION_KEYS = ("code", "text", "weight", "targets", "action")
_QUESTION_OPTIONAL = ("help", "continues", "scale_back")
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
_ACTION_OPTIONAL = ("kpi_target", "kpi_direction")
_RULE_KEYS = ("code", "severity", "message", "when")
_RULE_OPTIONAL = ("remedies",)

# The shape of a Django SlugField: letters, digits, hyphens and underscores.
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
# A language tag such as en, de, pt-BR.
_LANGUAGE = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{2,8})*")


class _Validator:
    """Collect every problem of a bank instead of stopping at the first."""

    def __init__(
        self,
        source: str,
        lines: Mapping[str, int] | None,
        languages: Collection[str] | None = None,
    ) -> None:
        self.source = source
        self.lines = lines or {}
        self.problems: list[BankProblem] = []
        self.scale: tuple[int, int] | None = None
        # The codes a site offers (None: any well-formed code), and the bank's own language.
        self.languages = None if languages is None else tuple(languages)
        self.language = DEFAULT_LANGUAGE

    def report(self, path: str, template: str, /, **params: str | int) -> None:
        """Record a problem: the English template with {placeholders}, filled in with params."""
        line = self.line_of(path)
        self.problems.append(BankProblem.of(path, template, line, self.source, **params))

    def line_of(self, path: str) -> int | None:
        probe = path
        while True:
            line = self.lines.get(probe)
            if line is not None:
                return line
            if not probe:
                return None
            probe = parent_path(probe)

    def mapping(
        self,
        raw: object,
        path: str,
        required: tuple[str, ...],
        optional: tuple[str, ...] = (),
    ) -> Mapping[str, Any] | None:
        if not isinstance(raw, Mapping):
            self.report(path, "expected a mapping, got {type}", type=type_name(raw))
            return None
        for key in required:
            if key not in raw:
                self.report(join_path(path, key), "missing required key '{key}'", key=key)
        known = set(required) | set(optional)
        for key in raw:
            if key not in known:
                self.report(join_path(path, key), "unknown key '{key}'", key=str(key))
        return raw

    def _check_string(self, value: str, path: str, *, empty: bool, limit: int) -> None:
        if not empty and not value.strip():
            self.report(path, "must not be empty")
        elif len(value) > limit:
            self.report(
                path,
                "is {length} characters long; at most {limit} are allowed",
                length=len(value),
                limit=limit,
            )

    def string(
        self, raw: Mapping[str, Any], key: str, path: str, *, limit: int, empty: bool = False
    ) -> str:
        if key not in raw:
            return ""
        value = raw[key]
        child = join_path(path, key)
        if not isinstance(value, str):
            self.report(child, "expected a string, got {type}", type=type_name(value))
            return ""
        self._check_string(value, child, empty=empty, limit=limit)
        return value

    def code(self, raw: Mapping[str, Any], path: str, *, limit: int) -> str:
        value = self.string(raw, "code", path, limit=limit)
        if value and value != value.strip():
            self.report(join_path(path, "code"), "must not start or end with spaces")
        return value

    def text(
        self, raw: Mapping[str, Any], key: str, path: str, *, limit: int, empty: bool = False
    ) -> Text:
        """Return a plain string or a mapping by language ({en: ..., de: ...})."""
        if key not in raw:
            return ""
        value = raw[key]
        child = join_path(path, key)
        if isinstance(value, str):
            self._check_string(value, child, empty=empty, limit=limit)
            return value
        if not isinstance(value, Mapping):
            self.report(
                child,
                "expected a string or a mapping by language, got {type}",
                type=type_name(value),
            )
            return ""
        if not value:
            self.report(child, "expected at least one language")
            return ""
        texts: dict[str, str] = {}
        for language, translated in value.items():
            language_path = join_path(child, language)
            if not self.language_code(language, language_path):
                continue
            if not isinstance(translated, str):
                self.report(
                    language_path, "expected a string, got {type}", type=type_name(translated)
                )
                continue
            self._check_string(translated, language_path, empty=empty, limit=limit)
            texts[language] = translated
        if self.languages is not None and self.language not in value:
            self.report(
                child, "no text in the bank's language '{language}'", language=self.language
            )
        return texts

    def language_code(self, language: object, path: str) -> bool:
        """Report a code that is malformed or, when the site's codes are known, not one of them."""
        if (
            not isinstance(language, str)
            or len(language) > LANGUAGE_CODE_MAX
            or not _LANGUAGE.fullmatch(language)
        ):
            self.report(
                path,
                "{language} is not a language code such as 'en'",
                language=repr(language)[:100],
            )
            return False
        if self.languages is not None and language not in self.languages:
            known = ", ".join(self.languages)
            self.report(
                path,
                "unknown language '{language}': expected one of {known}",
                language=language,
                known=known,
            )
            return False
        return True

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
        child = join_path(path, key)
        if not is_int(value):
            self.report(child, "expected an integer, got {type}", type=type_name(value))
            return 0
        if low is not None and high is not None and not low <= value <= high:
            self.report(child, "{value} is outside {low}..{high}", value=value, low=low, high=high)
        elif low is not None and value < low:
            self.report(child, "{value} must be at least {low}", value=value, low=low)
        elif high is not None and value > high:
            self.report(child, "{value} must be at most {high}", value=value, high=high)
        return value

    def weight(self, raw: Mapping[str, Any], key: str, path: str) -> float:
        if key not in raw:
            return 1.0
        value = raw[key]
        child = join_path(path, key)
        if not is_number(value):
            self.report(child, "expected a number, got {type}", type=type_name(value))
            return 1.0
        if value <= 0:
            self.report(child, "{value} must be greater than 0", value=str(value))
        elif value > WEIGHT_MAX:
            self.report(
                child, "{value} must be at most {high}", value=str(value), high=f"{WEIGHT_MAX:g}"
            )
        return value

    def bounded(
        self, raw: Mapping[str, Any], key: str, path: str, *, low: float, high: float
    ) -> float:
        if key not in raw:
            return low
        value = raw[key]
        child = join_path(path, key)
        if not is_number(value):
            self.report(child, "expected a number, got {type}", type=type_name(value))
            return low
        if not low <= value <= high:
            self.report(
                child,
                "{value} is outside {low}..{high}",
                value=str(value),
                low=f"{low:g}",
                high=f"{high:g}",
            )
        return value

    def items(self, raw: Mapping[str, Any], key: str, path: str) -> Iterator[tuple[str, object]]:
        if key not in raw:
            return
        value = raw[key]
        child = join_path(path, key)
        if not isinstance(value, list):
            self.report(child, "expected a list, got {type}", type=type_name(value))
            return
        if not value:
            self.report(child, "must not be empty")
        for index, item in enumerate(value):
            yield f"{child}[{index}]", item

    def unique(self, seen: dict[str, str], code: str, path: str, template: str) -> None:
        """Report a code seen before; template has {code} and {first}, the first one's path."""
        if not code:
            return
        if code in seen:
            self.report(join_path(path, "code"), template, code=code, first=seen[code])
        else:
            seen[code] = path

    def question_codes(
        self, value: object, path: str, questions: Mapping[str, str]
    ) -> tuple[str, ...]:
        """Return a list of existing question codes, each at most once."""
        if not isinstance(value, list):
            self.report(
                path, "expected a list of question codes, got {type}", type=type_name(value)
            )
            return ()
        codes: list[str] = []
        for index, code in enumerate(value):
            item = f"{path}[{index}]"
            if not isinstance(code, str):
                self.report(item, "expected a question code, got {type}", type=type_name(code))
            elif code not in questions:
                self.report(item, "unknown question code '{code}'", code=code)
            elif code in codes:
                self.report(item, "question code '{code}' is listed twice", code=code)
            else:
                codes.append(code)
        return tuple(codes)

    # --- the bank, top down -------------------------------------------------------------

    def bank(self, data: object) -> Bank | None:
        top = self.mapping(data, "", _BANK_KEYS, _BANK_OPTIONAL)
        if top is None:
            return None
        slug = self.string(top, "bank", "", limit=SLUG_MAX)
        if slug and not _SLUG.fullmatch(slug):
            self.report(
                "bank",
                "{slug} is not a slug: use letters, digits, '-' and '_' only",
                slug=repr(slug),
            )
        version = self.integer(top, "version", "", low=1, high=VERSION_MAX)
        if "language" in top and self.language_code(top["language"], "language"):
            self.language = top["language"]
        title = self.text(top, "title", "", limit=TITLE_MAX)
        scale_min, scale_max = self.scale_of(top)
        dimension_paths: dict[str, str] = {}
        area_paths: dict[str, str] = {}
        question_paths: dict[str, str] = {}
        dimensions = []
        for path, raw in self.items(top, "dimensions", ""):
            dimension = self.dimension(raw, path, area_paths, question_paths)
            if dimension is not None:
                self.unique(
                    dimension_paths,
                    dimension.code,
                    path,
                    template="duplicate dimension code '{code}' (first at {first})",
                )
                dimensions.append(dimension)
        rules = []
        if "rules" in top and top["rules"] is not None:
            rule_paths: dict[str, str] = {}
            if not isinstance(top["rules"], list):
                self.report("rules", "expected a list, got {type}", type=type_name(top["rules"]))
            else:
                for index, raw in enumerate(top["rules"]):
                    path = f"rules[{index}]"
                    rule = self.rule(raw, path, question_paths, area_paths, dimension_paths)
                    if rule is not None:
                        self.unique(
                            rule_paths,
                            rule.code,
                            path,
                            template="duplicate rule code '{code}' (first at {first})",
                        )
                        rules.append(rule)
        pitfall_areas = self.pitfall_areas(top.get("pitfall_areas"), area_paths)
        pitfall_remedies = self.pitfall_remedies(top.get("pitfall_remedies"), question_paths)
        pulse_questions: tuple[str, ...] = ()
        if top.get("pulse_questions") is not None:
            pulse_questions = self.question_codes(
                top["pulse_questions"], "pulse_questions", question_paths
            )
            if len(pulse_questions) > PULSE_QUESTIONS_MAX:
                self.report(
                    "pulse_questions",
                    "a pulse asks at most {limit} questions; {count} are listed",
                    limit=PULSE_QUESTIONS_MAX,
                    count=len(pulse_questions),
                )
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
            pitfall_remedies=pitfall_remedies,
            pulse_questions=pulse_questions,
            language=self.language,
        )

    def scale_of(self, top: Mapping[str, Any]) -> tuple[int, int]:
        if "scale" not in top:
            return 0, 0
        raw = self.mapping(top["scale"], "scale", ("min", "max"))
        if raw is None:
            return 0, 0
        before = len(self.problems)
        low = self.integer(raw, "min", "scale", low=SCALE_LOW, high=SCALE_HIGH)
        high = self.integer(raw, "max", "scale", low=SCALE_LOW, high=SCALE_HIGH)
        if len(self.problems) == before and "min" in raw and "max" in raw:
            if low >= high:
                self.report(
                    "scale", "min ({low}) must be less than max ({high})", low=low, high=high
                )
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
        code = self.code(data, path, limit=DIMENSION_CODE_MAX)
        title = self.text(data, "title", path, limit=TITLE_MAX)
        weight = self.weight(data, "weight", path)
        areas = []
        for area_path, area_raw in self.items(data, "areas", path):
            area = self.area(area_raw, area_path, question_paths)
            if area is not None:
                self.unique(
                    area_paths,
                    area.code,
                    area_path,
                    template="duplicate area code '{code}' (first at {first})",
                )
                areas.append(area)
        return Dimension(code=code, title=title, weight=weight, areas=tuple(areas))

    def area(self, raw: object, path: str, question_paths: dict[str, str]) -> Area | None:
        data = self.mapping(raw, path, _AREA_KEYS)
        if data is None:
            return None
        code = self.code(data, path, limit=AREA_CODE_MAX)
        title = self.text(data, "title", path, limit=TITLE_MAX)
        weight = self.weight(data, "weight", path)
        questions = []
        for question_path, question_raw in self.items(data, "questions", path):
            question = self.question(question_raw, question_path)
            if question is not None:
                self.unique(
                    question_paths,
                    question.code,
                    question_path,
                    template="duplicate question code '{code}' (first at {first})",
                )
                questions.append(question)
        return Area(code=code, title=title, weight=weight, questions=tuple(questions))

    def question(self, raw: object, path: str) -> Question | None:
        data = self.mapping(raw, path, _QUESTION_KEYS, _QUESTION_OPTIONAL)
        if data is None:
            return None
        code = self.code(data, path, limit=QUESTION_CODE_MAX)
        text = self.text(data, "text", path, limit=QUESTION_TEXT_MAX)
        help_text: Text = ""
        if data.get("help") is not None:
            help_text = self.text(data, "help", path, limit=HELP_MAX, empty=True)
        weight = self.weight(data, "weight", path)
        targets = self.targets(data, path)
        action = (
            self.action(data["action"], join_path(path, "action"))
            if "action" in data
            else ActionTemplate("", "", "", "", "", EFFORT_MIN, 1.0, 1)
        )
        scale_back = None
        if data.get("scale_back") is not None:
            scale_back = self.action(data["scale_back"], join_path(path, "scale_back"))
        continues = data.get("continues")
        if continues is not None and (
            not isinstance(continues, str)
            or not continues.strip()
            or len(continues) > QUESTION_CODE_MAX
        ):
            self.report(
                join_path(path, "continues"),
                "expected a question code of the previous version, got {value}",
                value=repr(continues)[:240],
            )
            continues = None
        return Question(
            code=code,
            text=text,
            help=help_text,
            weight=weight,
            targets=targets,
            action=action,
            continues=continues,
            scale_back=scale_back,
        )

    def targets(self, question: Mapping[str, Any], question_path: str) -> dict[str, int]:
        if "targets" not in question:
            return {}
        path = join_path(question_path, "targets")
        raw = self.mapping(question["targets"], path, DISCIPLINES)
        if raw is None:
            return {}
        targets = {}
        for discipline in DISCIPLINES:
            if discipline not in raw:
                continue
            value = raw[discipline]
            target_path = join_path(path, discipline)
            if not is_int(value):
                self.report(target_path, "expected an integer, got {type}", type=type_name(value))
                continue
            if self.scale is not None and not self.scale[0] <= value <= self.scale[1]:
                low, high = self.scale
                self.report(
                    target_path,
                    "{value} is outside the scale {low}..{high}",
                    value=value,
                    low=low,
                    high=high,
                )
            targets[discipline] = value
        return targets

    def action(self, value: object, path: str) -> ActionTemplate:
        raw = self.mapping(value, path, _ACTION_KEYS, _ACTION_OPTIONAL)
        if raw is None:
            return ActionTemplate("", "", "", "", "", EFFORT_MIN, 1.0, 1)
        kpi_target: float | None = None
        if raw.get("kpi_target") is not None:
            kpi_target = self.bounded(
                raw, "kpi_target", path, low=-KPI_TARGET_MAX, high=KPI_TARGET_MAX
            )
        kpi_direction = "up"
        if "kpi_direction" in raw:
            kpi_direction = self.string(raw, "kpi_direction", path, limit=10)
            if kpi_direction and kpi_direction not in KPI_DIRECTIONS:
                self.report(
                    join_path(path, "kpi_direction"),
                    "unknown kpi_direction {value}: expected up or down",
                    value=repr(kpi_direction),
                )
        return ActionTemplate(
            title=self.text(raw, "title", path, limit=TITLE_MAX),
            specific=self.text(raw, "specific", path, limit=ACTION_SPECIFIC_MAX),
            kpi=self.text(raw, "kpi", path, limit=KPI_MAX),
            unit=self.text(raw, "unit", path, limit=UNIT_MAX, empty=True),
            owner_role=self.text(raw, "owner_role", path, limit=OWNER_ROLE_MAX),
            effort=self.integer(raw, "effort", path, low=EFFORT_MIN, high=EFFORT_MAX),
            effort_days=self.bounded(
                raw, "effort_days", path, low=EFFORT_DAYS_MIN, high=EFFORT_DAYS_MAX
            ),
            duration_weeks=self.integer(
                raw, "duration_weeks", path, low=DURATION_WEEKS_MIN, high=DURATION_WEEKS_MAX
            ),
            kpi_target=kpi_target,
            kpi_direction=kpi_direction,
        )

    def rule(
        self,
        raw: object,
        path: str,
        questions: dict[str, str],
        areas: dict[str, str],
        dimensions: dict[str, str],
    ) -> Rule | None:
        data = self.mapping(raw, path, _RULE_KEYS, _RULE_OPTIONAL)
        if data is None:
            return None
        code = self.code(data, path, limit=RULE_CODE_MAX)
        severity = self.string(data, "severity", path, limit=10)
        if severity and severity not in SEVERITIES:
            self.report(
                join_path(path, "severity"),
                "unknown severity '{severity}': expected one of {known}",
                severity=severity,
                known=", ".join(SEVERITIES),
            )
        message = self.text(data, "message", path, limit=RULE_MESSAGE_MAX)
        remedies: tuple[str, ...] = ()
        if data.get("remedies") is not None:
            remedies = self.question_codes(data["remedies"], join_path(path, "remedies"), questions)
        if "when" not in data:
            return None
        when = parse_condition(
            data["when"],
            join_path(path, "when"),
            self.report,
            questions=questions,
            areas=areas,
            dimensions=dimensions,
        )
        if when is None:
            return None
        return Rule(code=code, severity=severity, message=message, when=when, remedies=remedies)

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
            path = join_path("pitfall_areas", key)
            if not isinstance(value, str):
                self.report(path, "expected an area code, got {type}", type=type_name(value))
            elif value not in areas:
                self.report(path, "unknown area code '{code}'", code=value)
            else:
                result[key] = value
        return result

    def pitfall_remedies(
        self, raw: object, questions: dict[str, str]
    ) -> dict[str, tuple[str, ...]]:
        if raw is None:
            return {}
        data = self.mapping(raw, "pitfall_remedies", (), PITFALLS)
        if data is None:
            return {}
        return {
            key: self.question_codes(data[key], join_path("pitfall_remedies", key), questions)
            for key in PITFALLS
            if key in data
        }


def parse_bank(
    data: Mapping[str, Any] | object,
    *,
    source: str = "<bank>",
    lines: Mapping[str, int] | None = None,
    languages: Collection[str] | None = None,
) -> Bank:
    """Validate a YAML-shaped bank and return it; raise BankError listing every problem.

    `languages` are the codes a site offers: when given, a text by language may only use them
    and must hold the bank's own language (`language:`, default en), which the site falls back
    to. Without it any well-formed code is accepted, as the engine falls back by itself.
    """
    validator = _Validator(source, lines, languages)
    bank = validator.bank(data)
    if validator.problems or bank is None:
        raise BankError(validator.problems)
    return bank
