"""Question banks: import from the engine's bank structure, and the adapter back to it."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from banks.models import Area, ConsistencyRule, Dimension, Question, QuestionBank, Translated
from scoring.bank import (
    ActionTemplate,
    Bank,
    BankError,
    BankProblem,
    bank_to_dict,
    dump_bank_yaml,
    load_bank_yaml,
    parse_bank,
)
from scoring.constants import DEFAULT_LANGUAGE, DISCIPLINES
from scoring.engine import score_assessment
from scoring.inputs import Answer, AssessmentInput, OrganizationInfo, Response, Strategy
from scoring.results import Result
from scoring.text import Text

# Question columns per engine field: a target column per value discipline, and the action
# template's fields with an "action_" prefix.
TARGET_FIELDS = {discipline: f"target_{discipline}" for discipline in DISCIPLINES}
ACTION_FIELDS = tuple(field.name for field in fields(ActionTemplate))
# What a question's scale_back columns hold when it has no scale-back template.
EMPTY_TEMPLATE: dict[str, Any] = {
    "title": "",
    "specific": "",
    "kpi": "",
    "unit": "",
    "owner_role": "",
    "effort": None,
    "effort_days": None,
    "duration_weeks": None,
    "kpi_target": None,
    "kpi_direction": "up",
}


class BankVersionExistsError(Exception):
    """The slug and version are already in the database."""


class BankDraftExistsError(Exception):
    """The bank already has a draft; edit or publish that one first."""


class BankNotDraftError(Exception):
    """Only a draft version can be published."""


class BankInvalidError(Exception):
    """The draft does not validate; `problems` lists every problem the engine found."""

    def __init__(self, problems: list[BankProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@transaction.atomic
def bank_import(*, bank: Bank, publish: bool) -> QuestionBank:
    """Store a validated bank as a new version; publishing retires the previous one."""
    if QuestionBank.objects.filter(slug=bank.slug, version=bank.version).exists():
        raise BankVersionExistsError(
            _("%(slug)s version %(version)s is already loaded")
            % {"slug": bank.slug, "version": bank.version}
        )
    data = bank_to_dict(bank)
    row = _create_draft(data)
    if publish:
        row = bank_publish(bank_row=row)
    return row


def _create_draft(data: dict[str, Any], *, copied_from: QuestionBank | None = None) -> QuestionBank:
    """Store a bank in the engine's dict structure as a draft version, rows and all."""
    language = data.get("language", DEFAULT_LANGUAGE)
    row = QuestionBank.objects.create(
        slug=data["bank"],
        version=data["version"],
        language=language,
        **_stored_texts({"title": data["title"]}, language),
        scale_min=data["scale"]["min"],
        scale_max=data["scale"]["max"],
        pitfall_areas=dict(data.get("pitfall_areas", {})),
        pitfall_remedies=dict(data.get("pitfall_remedies", {})),
        pulse_questions=list(data.get("pulse_questions", [])),
        copied_from=copied_from,
        status=QuestionBank.Status.DRAFT,
    )
    _create_bank_contents(row, data)
    return row


def bank_languages() -> tuple[str, ...]:
    """Return the language codes the site offers (settings.LANGUAGES), in their order."""
    return tuple(code for code, _name in settings.LANGUAGES)


def language_name(code: str) -> str:
    """Return the name settings.LANGUAGES gives a language code (the code when it has none)."""
    return str(dict(settings.LANGUAGES).get(code, code))


def field_name(model: type[Translated], column: str) -> str:
    """Return a text column's name as people read it ("action title")."""
    return str(getattr(model._meta.get_field(column), "verbose_name", column))


def _stored_texts(texts: dict[str, Text], language: str) -> dict[str, Any]:
    """Return the columns for texts that are strings or maps by language, and `translations`.

    The column takes the bank's own language; the other languages go to translations as
    {language: {column: text}}. The validator has made sure a map holds the bank's language.
    """
    columns: dict[str, Any] = {}
    translations: dict[str, dict[str, str]] = {}
    for column, text in texts.items():
        if isinstance(text, str):
            columns[column] = text
            continue
        columns[column] = text.get(language, "")
        for code, translated in text.items():
            if code != language:
                translations.setdefault(code, {})[column] = translated
    return {**columns, "translations": translations}


def _create_bank_contents(row: QuestionBank, data: dict[str, Any]) -> None:
    language = row.language
    questions: list[Question] = []
    for d_pos, dim in enumerate(data["dimensions"]):
        dimension = Dimension.objects.create(
            bank=row,
            code=dim["code"],
            weight=dim["weight"],
            position=d_pos,
            **_stored_texts({"title": dim["title"]}, language),
        )
        for a_pos, area_data in enumerate(dim["areas"]):
            area = Area.objects.create(
                dimension=dimension,
                code=area_data["code"],
                weight=area_data["weight"],
                position=a_pos,
                **_stored_texts({"title": area_data["title"]}, language),
            )
            questions.extend(
                _question_row(area, q_pos, q, language)
                for q_pos, q in enumerate(area_data["questions"])
            )
    Question.objects.bulk_create(questions)
    ConsistencyRule.objects.bulk_create(
        ConsistencyRule(
            bank=row,
            code=rule["code"],
            severity=rule["severity"],
            **_stored_texts({"message": rule["message"]}, language),
            condition=rule["when"],
            remedies=list(rule.get("remedies", [])),
            position=pos,
        )
        for pos, rule in enumerate(data.get("rules", []))
    )


def _question_row(area: Area, position: int, q: dict[str, Any], language: str) -> Question:
    columns = {
        "text": q["text"],
        "help": q.get("help", ""),
        **_template_columns("action", q["action"]),
        **_template_columns("scale_back", q.get("scale_back")),
    }
    texts = {name: columns.pop(name) for name in Question.translated_fields}
    return Question(
        area=area,
        position=position,
        code=q["code"],
        weight=q["weight"],
        continues=q.get("continues") or "",
        **{field: q["targets"][discipline] for discipline, field in TARGET_FIELDS.items()},
        **columns,
        **_stored_texts(texts, language),
    )


def _template_columns(prefix: str, template: dict[str, Any] | None) -> dict[str, Any]:
    """Return a question's columns for an action template (all empty when there is none)."""
    if template is None:
        return {f"{prefix}_{name}": EMPTY_TEMPLATE[name] for name in ACTION_FIELDS}
    return {f"{prefix}_{name}": template.get(name, EMPTY_TEMPLATE[name]) for name in ACTION_FIELDS}


def _template_of(q: Question, prefix: str, texts: _Texts) -> dict[str, Any] | None:
    """Return the template stored in a question's columns, or None when it has none."""
    if not getattr(q, f"{prefix}_title"):
        return None
    values = {
        name: texts.of(q, column) if column in q.translated_fields else getattr(q, column)
        for name, column in ((name, f"{prefix}_{name}") for name in ACTION_FIELDS)
    }
    if values["kpi_target"] is None:
        del values["kpi_target"]
    return values


@transaction.atomic
def bank_draft_from(*, bank_row: QuestionBank) -> QuestionBank:
    """Copy a version whole into a new draft whose questions continue the source's questions."""
    locked = list(QuestionBank.objects.select_for_update().filter(slug=bank_row.slug))
    draft = next((row for row in locked if row.status == QuestionBank.Status.DRAFT), None)
    if draft is not None:
        raise BankDraftExistsError(
            _("The draft %(draft)s exists already; edit or publish it first")
            % {"draft": draft.label}
        )
    data = bank_as_dict(bank_row)
    for dimension in data["dimensions"]:
        for area in dimension["areas"]:
            for question in area["questions"]:
                question["continues"] = question["code"]
    data["version"] = max(row.version for row in locked) + 1
    return _create_draft(data, copied_from=bank_row)


def bank_problems(*, bank_row: QuestionBank) -> list[BankProblem]:
    """Return what the engine's validator finds wrong with this version (empty when valid)."""
    try:
        parse_bank(bank_as_dict(bank_row), source=str(bank_row), languages=bank_languages())
    except BankError as exc:
        return list(exc.problems)
    return []


@transaction.atomic
def bank_publish(*, bank_row: QuestionBank) -> QuestionBank:
    """Validate a draft, make it the published version and retire the version it replaces."""
    bank_row = QuestionBank.objects.select_for_update().get(pk=bank_row.pk)
    if bank_row.status != QuestionBank.Status.DRAFT:
        raise BankNotDraftError(
            _("%(bank)s is not a draft; only a draft can be published") % {"bank": bank_row.label}
        )
    problems = bank_problems(bank_row=bank_row)
    if problems:
        raise BankInvalidError(problems)
    for previous in QuestionBank.objects.select_for_update().filter(
        slug=bank_row.slug, status=QuestionBank.Status.PUBLISHED
    ):
        previous.status = QuestionBank.Status.RETIRED
        previous.save(update_fields=["status"])
    bank_row.status = QuestionBank.Status.PUBLISHED
    bank_row.published_at = timezone.now()
    bank_row.save(update_fields=["status", "published_at"])
    return bank_row


@transaction.atomic
def bank_import_draft(*, text: str, source: str) -> QuestionBank:
    """Validate a YAML file and store it as the slug's draft, numbered after its last version.

    Raises BankError with every problem (line-numbered) and changes nothing when it is invalid.
    """
    bank = load_bank_yaml(text, source=source, languages=bank_languages())
    existing = list(QuestionBank.objects.select_for_update().filter(slug=bank.slug))
    draft = next((row for row in existing if row.status == QuestionBank.Status.DRAFT), None)
    if draft is not None:
        raise BankDraftExistsError(
            _("The draft %(draft)s exists already; publish or delete it first")
            % {"draft": draft.label}
        )
    if existing:
        bank = replace(bank, version=max(row.version for row in existing) + 1)
    return bank_import(bank=bank, publish=False)


def bank_export_yaml(*, bank_row: QuestionBank) -> str:
    """Return the version as YAML in the interchange format (DESIGN.md section 5).

    A text with translations is written as a map by language, the bank's own first; a text
    without any stays a plain string, so that loading the file again gives the same rows.
    """
    return dump_bank_yaml(parse_bank(bank_as_dict(bank_row), source=str(bank_row)))


def bank_text_language(language: str | None = None) -> str:
    """Return the code bank texts use for a language (the active one by default).

    Bank maps use the codes of settings.LANGUAGES; a regional variant ("de-at") reads the
    texts of its language ("de") when the site does not offer the variant itself.
    """
    code = (language or get_language() or DEFAULT_LANGUAGE).lower()
    offered = bank_languages()
    if code in offered:
        return code
    base = code.split("-")[0]
    return base if base in offered or not offered else code


def bank_preview(
    *,
    bank_row: QuestionBank,
    value_discipline: str = "operational_excellence",
    current: int = 3,
    language: str = DEFAULT_LANGUAGE,
) -> Result:
    """Score one owner answering `current` to every question, as a check before publishing."""
    bank = bank_to_engine(bank_row)
    answers = {code: Answer(current=current) for code in bank.questions}
    data = AssessmentInput(
        strategy=Strategy(value_discipline=value_discipline, segment=_("sample customers")),
        organization=OrganizationInfo(name=_("Sample organization"), capacity_days_per_month=4),
        plan_start=timezone.localdate(),
        responses=(Response(level="owner", answers=answers),),
    )
    return score_assessment(bank, data, language=language)


@dataclass(frozen=True, slots=True)
class _Texts:
    """How bank_as_dict writes a text: the bank's language and the languages to fill in."""

    language: str
    # For the engine: every language the site offers, missing ones filled with the bank's own
    # text, so that the engine's fallback (language, then English, then the first given)
    # lands on the bank's language even when that is not English.
    fill: tuple[str, ...] = ()

    def of(self, row: Translated, column: str) -> Text:
        """Return a column as a plain string, or a map by language when it has translations."""
        own: str = getattr(row, column)
        given = {
            code: texts[column]
            for code, texts in _ordered(row.translations or {})
            if code != self.language and column in texts
        }
        if not given:
            return own
        filled = {code: own for code in self.fill if code not in given}
        return {self.language: own, **given, **filled}


def _ordered(translations: dict[str, Any]) -> list[tuple[str, Any]]:
    """Return translations in the order of the site's languages, then any others by code.

    PostgreSQL's jsonb keeps no key order, so an export must not rely on it.
    """
    rank = {code: index for index, code in enumerate(bank_languages())}
    return sorted(translations.items(), key=lambda item: (rank.get(item[0], len(rank)), item[0]))


def bank_as_dict(bank_row: QuestionBank, *, fill: bool = False) -> dict[str, Any]:
    """Return the bank's rows in the YAML structure the engine parses.

    Texts with translations become maps by language. With `fill`, each map also holds every
    language the site offers, the missing ones with the bank's own text (for the engine).
    """
    texts = _Texts(bank_row.language, bank_languages() if fill else ())
    dimensions = bank_row.dimensions.prefetch_related("areas__questions").order_by("position")
    data: dict[str, Any] = {
        "bank": bank_row.slug,
        "version": bank_row.version,
    }
    if bank_row.language != DEFAULT_LANGUAGE:
        data["language"] = bank_row.language
    return {
        **data,
        "title": texts.of(bank_row, "title"),
        "scale": {"min": bank_row.scale_min, "max": bank_row.scale_max},
        "dimensions": [
            {
                "code": dim.code,
                "title": texts.of(dim, "title"),
                "weight": dim.weight,
                "areas": [
                    {
                        "code": area.code,
                        "title": texts.of(area, "title"),
                        "weight": area.weight,
                        "questions": [_question_dict(q, texts) for q in area.questions.all()],
                    }
                    for area in dim.areas.all()
                ],
            }
            for dim in dimensions
        ],
        "rules": [_rule_dict(r, texts) for r in bank_row.rules.order_by("position", "id")],
        "pitfall_areas": dict(bank_row.pitfall_areas or {}),
        "pitfall_remedies": dict(bank_row.pitfall_remedies or {}),
        "pulse_questions": list(bank_row.pulse_questions or []),
    }


def _rule_dict(rule: ConsistencyRule, texts: _Texts) -> dict[str, Any]:
    data = {
        "code": rule.code,
        "severity": rule.severity,
        "message": texts.of(rule, "message"),
        "when": rule.condition,
    }
    if rule.remedies:
        data["remedies"] = list(rule.remedies)
    return data


def _question_dict(q: Question, texts: _Texts) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": q.code,
        "text": texts.of(q, "text"),
        "help": texts.of(q, "help"),
        "weight": q.weight,
        "targets": {discipline: getattr(q, field) for discipline, field in TARGET_FIELDS.items()},
        "action": _template_of(q, "action", texts),
    }
    scale_back = _template_of(q, "scale_back", texts)
    if scale_back is not None:
        data["scale_back"] = scale_back
    if q.continues:
        data["continues"] = q.continues
    return data


def bank_to_engine(bank_row: QuestionBank) -> Bank:
    """Return the engine's Bank for a database version (cached: only drafts can change).

    Its texts are maps by language wherever the rows have translations, filled so that a
    missing translation falls back to the bank's own language.
    """
    if bank_row.status == QuestionBank.Status.DRAFT:
        return parse_bank(bank_as_dict(bank_row, fill=True), source=str(bank_row))
    return _frozen_bank(bank_row.pk, bank_row.created_at)


@lru_cache(maxsize=32)
def _frozen_bank(bank_pk: int, _created_at: object) -> Bank:
    # created_at is part of the key so a reused primary key (test databases) never hits.
    row = QuestionBank.objects.get(pk=bank_pk)
    return parse_bank(bank_as_dict(row, fill=True), source=str(row))


@dataclass(frozen=True, slots=True)
class BankLayout:
    """A bank version's rows in questionnaire order, and its questions by primary key.

    Each question's area and dimension are loaded with it. The rows are shared between
    requests when the version is published or retired, so nobody may change them.
    """

    dimensions: tuple[Dimension, ...]
    questions: dict[int, Question]
    question_ids_by_dimension: dict[str, frozenset[int]]


def bank_layout(bank_row: QuestionBank) -> BankLayout:
    """Return the version's dimensions, areas and questions (cached: only drafts can change).

    Every questionnaire page and every autosave needs them; a published version never changes,
    so each process reads it once instead of three queries a request.
    """
    if bank_row.status == QuestionBank.Status.DRAFT:
        return _load_layout(bank_row.pk)
    return _frozen_layout(bank_row.pk, bank_row.created_at)


@lru_cache(maxsize=32)
def _frozen_layout(bank_pk: int, _created_at: object) -> BankLayout:
    return _load_layout(bank_pk)


def _load_layout(bank_pk: int) -> BankLayout:
    dimensions = tuple(
        Dimension.objects.filter(bank_id=bank_pk)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("position", "id")),
            Prefetch("areas__questions", queryset=Question.objects.order_by("position", "id")),
        )
    )
    by_dimension = {
        dimension.code: [q for area in dimension.areas.all() for q in area.questions.all()]
        for dimension in dimensions
    }
    return BankLayout(
        dimensions=dimensions,
        questions={q.pk: q for questions in by_dimension.values() for q in questions},
        question_ids_by_dimension={
            code: frozenset(q.pk for q in questions) for code, questions in by_dimension.items()
        },
    )
