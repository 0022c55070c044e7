"""Reads about cycles, responses and the questionnaire; visibility comes from organizations."""

from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Invitation, Response
from banks.models import Area, Dimension, Question
from banks.selectors import bank_target
from banks.services import bank_layout
from organizations.models import (
    Level,
    Membership,
    Organization,
    StrategyProfile,
    ValueDiscipline,
)
from organizations.selectors import organizations_for_user


def assessments_for_user(*, user: User | AnonymousUser) -> QuerySet[Assessment]:
    """Return assessments of the organizations the user may see."""
    return Assessment.objects.filter(organization__in=organizations_for_user(user=user))


def assessment_get(*, user: User | AnonymousUser, pk: int) -> Assessment:
    """Return one visible assessment or raise Http404."""
    return get_object_or_404(
        assessments_for_user(user=user).select_related("organization", "bank"), pk=pk
    )


def assessment_current(*, organization: Organization) -> Assessment | None:
    """Return the organization's open cycle, if any."""
    return (
        organization.assessments.filter(status=Assessment.Status.OPEN)
        .select_related("bank")
        .order_by("-created_at")
        .first()
    )


def assessments_past(*, organization: Organization) -> QuerySet[Assessment]:
    """Return the organization's closed and scored cycles, newest first, with their reports."""
    return (
        organization.assessments.exclude(
            status__in=[Assessment.Status.OPEN, Assessment.Status.DRAFT]
        )
        .select_related("report")
        .order_by("-created_at")
    )


def response_of_user(*, assessment: Assessment, user: User) -> Response | None:
    """Return the user's own response to the assessment, if they started one."""
    return assessment.responses.filter(user=user).first()


def snapshot_labels(*, assessment: Assessment) -> dict[str, str]:
    """Return the cycle's strategy snapshot with choice values turned into their labels."""
    snapshot = dict(assessment.strategy_snapshot or {})
    labels = {
        "value_discipline": dict(ValueDiscipline.choices),
        "primary_value": dict(StrategyProfile.PrimaryValue.choices),
    }
    for key, choices in labels.items():
        if snapshot.get(key):
            snapshot[key] = choices.get(snapshot[key], snapshot[key])
    return snapshot


DONT_KNOW = "dk"


@dataclass(frozen=True, slots=True)
class QuestionItem:
    """One question as a respondent sees it, with what they saved so far."""

    question: Question
    number: int
    answered: bool
    current: int | None
    target: int
    target_default: int
    comment: str

    @property
    def choice(self) -> str:
        """Return the checked radio value: "1".."5", "dk" or "" when unanswered."""
        if not self.answered:
            return ""
        return DONT_KNOW if self.current is None else str(self.current)


@dataclass(frozen=True, slots=True)
class AreaStep:
    area: Area
    items: list[QuestionItem]


@dataclass(frozen=True, slots=True)
class DimensionStep:
    dimension: Dimension
    number: int
    areas: list[AreaStep]

    @property
    def items(self) -> list[QuestionItem]:
        return [item for area in self.areas for item in area.items]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def answered(self) -> int:
        return sum(item.answered for item in self.items)

    @property
    def unanswered(self) -> list[QuestionItem]:
        return [item for item in self.items if not item.answered]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


@dataclass(frozen=True, slots=True)
class Questionnaire:
    """The whole bank of one assessment, in bank order, merged with one response's answers."""

    steps: list[DimensionStep]
    # The highest change number stored: the page numbers its own changes above it.
    last_seq: int = 0

    @property
    def total(self) -> int:
        return sum(step.total for step in self.steps)

    @property
    def answered(self) -> int:
        return sum(step.answered for step in self.steps)

    @property
    def unanswered(self) -> int:
        return self.total - self.answered

    @property
    def dont_know(self) -> int:
        return sum(item.answered and item.current is None for s in self.steps for item in s.items)

    def step(self, code: str) -> DimensionStep:
        """Return the step of a dimension code or raise Http404."""
        for step in self.steps:
            if step.dimension.code == code:
                return step
        raise Http404(_("No such step in this questionnaire."))

    def neighbours(self, code: str) -> tuple[DimensionStep | None, DimensionStep | None]:
        """Return the steps before and after the given one."""
        index = [step.dimension.code for step in self.steps].index(code)
        before = self.steps[index - 1] if index > 0 else None
        after = self.steps[index + 1] if index + 1 < len(self.steps) else None
        return before, after


class _SavedAnswer(NamedTuple):
    current: int | None
    target: int | None
    comment: str
    client_seq: int


def questionnaire(*, assessment: Assessment, response: Response | None) -> Questionnaire:
    """Return the assessment's questions in bank order with the response's saved answers."""
    # Plain rows rather than Answer instances: a review page holds 64 of them, on every request.
    answers = (
        {
            question_id: _SavedAnswer(current, target, comment, client_seq)
            for question_id, current, target, comment, client_seq in response.answers.values_list(
                "question_id", "current", "target", "comment", "client_seq"
            )
        }
        if response
        else {}
    )
    discipline = (assessment.strategy_snapshot or {}).get("value_discipline", "")
    steps: list[DimensionStep] = []
    number = 0
    for d_index, dimension in enumerate(bank_layout(assessment.bank).dimensions, start=1):
        areas: list[AreaStep] = []
        for area in dimension.areas.all():
            items: list[QuestionItem] = []
            for question in area.questions.all():
                number += 1
                answer = answers.get(question.pk)
                default = bank_target(question=question, discipline=discipline)
                items.append(
                    QuestionItem(
                        question=question,
                        number=number,
                        answered=answer is not None,
                        current=answer.current if answer else None,
                        target=answer.target if answer and answer.target else default,
                        target_default=default,
                        comment=answer.comment if answer else "",
                    )
                )
            areas.append(AreaStep(area=area, items=items))
        steps.append(DimensionStep(dimension=dimension, number=d_index, areas=areas))
    return Questionnaire(
        steps=steps, last_seq=max((a.client_seq for a in answers.values()), default=0)
    )


@dataclass(frozen=True, slots=True)
class Progress:
    code: str
    answered: int
    total: int


def answer_progress(
    *, assessment: Assessment, response: Response, question: Question
) -> tuple[Progress, Progress]:
    """Return (the question's step, the whole questionnaire) progress in one query."""
    layout = bank_layout(assessment.bank)
    code = question.area.dimension.code
    step_ids = layout.question_ids_by_dimension[code]
    answered = set(response.answers.values_list("question_id", flat=True))
    return (
        Progress(code=code, answered=len(answered & step_ids), total=len(step_ids)),
        Progress(code="", answered=len(answered), total=len(layout.questions)),
    )


def response_progress(*, assessment: Assessment, response: Response) -> list[Progress]:
    """Return every step's progress, then the whole questionnaire's (code ""), in one query."""
    layout = bank_layout(assessment.bank)
    answered = set(response.answers.values_list("question_id", flat=True))
    steps = [
        Progress(code=code, answered=len(answered & ids), total=len(ids))
        for code, ids in layout.question_ids_by_dimension.items()
    ]
    return [*steps, Progress(code="", answered=len(answered), total=len(layout.questions))]


def invitations_for_assessment(*, assessment: Assessment) -> QuerySet[Invitation]:
    """Return the assessment's invitations with their responses, newest first."""
    return (
        assessment.invitations.select_related("response")
        .annotate(answer_count=Count("response__answers"))
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True, slots=True)
class LevelCount:
    level: str
    label: str
    invited: int  # personal links in force
    started: int  # answering, not submitted yet
    submitted: int
    members: int = 0  # members with an account who answer at this level

    @property
    def asked(self) -> int:
        """Return how many people were asked to answer at this level."""
        return self.invited + self.members

    @property
    def begun(self) -> int:
        """Return how many started, whether they submitted yet or not."""
        return self.started + self.submitted

    @property
    def rate(self) -> int | None:
        """Return the share who submitted, in whole per cent (None when nobody was asked)."""
        if not self.asked:
            return None
        return round(100 * min(self.submitted, self.asked) / self.asked)


def participation_total(rows: list[LevelCount]) -> LevelCount:
    """Return the sum of the levels' counts, for the panel's last line."""
    return LevelCount(
        level="all",
        label=str(_("All levels")),
        invited=sum(row.invited for row in rows),
        started=sum(row.started for row in rows),
        submitted=sum(row.submitted for row in rows),
        members=sum(row.members for row in rows),
    )


def participation(*, assessment: Assessment) -> list[LevelCount]:
    """Return per level how many were invited, started and submitted; never anyone's answers."""
    invited = dict(
        assessment.invitations.filter(revoked_at__isnull=True)
        .values_list("level")
        .annotate(n=Count("pk"))
        .values_list("level", "n")
    )
    rows = (
        assessment.responses.annotate(answer_count=Count("answers"))
        .filter(Q(answer_count__gt=0) | Q(submitted_at__isnull=False))
        .exclude(invitation__revoked_at__isnull=False)
        .values_list("level", "submitted_at")
    )
    members = dict(
        Membership.objects.filter(organization_id=assessment.organization_id)
        .values_list("role")
        .annotate(n=Count("pk"))
        .values_list("role", "n")
    )
    # Owners answer at the owner level, every other member at the manager level.
    member_levels = {
        Level.OWNER.value: members.get(Membership.Role.OWNER, 0),
        Level.MANAGER.value: members.get(Membership.Role.MANAGER, 0),
    }
    started: dict[str, int] = {}
    submitted: dict[str, int] = {}
    for level, submitted_at in rows:
        bucket = submitted if submitted_at else started
        bucket[level] = bucket.get(level, 0) + 1
    return [
        LevelCount(
            level=level.value,
            label=str(level.label),
            invited=invited.get(level.value, 0),
            started=started.get(level.value, 0),
            submitted=submitted.get(level.value, 0),
            members=member_levels.get(level.value, 0),
        )
        for level in Level
    ]
