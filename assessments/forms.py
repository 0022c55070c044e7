"""Cycle, answer and invitation forms. Forms validate; services write."""

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from assessments.selectors import DONT_KNOW
from assessments.services.cycles import COMMENT_MAX_LENGTH, AnswerChange
from banks.forms import SCALE_ANCHORS
from banks.models import SCALE_MAX, SCALE_MIN, Question
from banks.selectors import bank_target
from banks.services import bank_layout
from organizations.addresses import normalize_email
from organizations.languages import language_field
from organizations.models import Level, Organization


def suggested_cycle_label(today: date) -> str:
    """Return a label such as "2026-Q4" for the quarter of the given day."""
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def _remind_after_days_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Remind those who have not answered after … days"),
        required=False,
        min_value=1,
        max_value=60,
        help_text=_(
            "Optional. Each invitee who has not submitted gets one reminder e-mail this many "
            "days after their invitation. Leave empty for no automatic reminder."
        ),
        error_messages={
            "invalid": _("Enter a whole number of days, for example 5, or leave it empty."),
            "min_value": _("Enter at least 1 day, or leave it empty."),
            "max_value": _("Enter at most 60 days: links expire before that."),
        },
    )


def _closes_on_field() -> forms.DateField:
    return forms.DateField(
        label=_("Close automatically on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_(
            "Optional. The last day to answer: when it ends in your organization's time zone, "
            "the cycle closes by itself and its report is built; you get an e-mail. If nobody "
            "has submitted answers by then, it stays open and you are told."
        ),
        error_messages={"invalid": _("Enter a date, for example 2026-12-31.")},
    )


def _clean_closes_on(value: date | None) -> date | None:
    if value is not None and value < timezone.localdate():
        raise forms.ValidationError(_("Choose today or a later day."))
    return value


class CycleStartForm(forms.Form):
    label = forms.CharField(
        label=_("Name of the cycle"),
        max_length=40,
        help_text=_("Usually the quarter, for example “2026-Q4”. You will compare cycles by it."),
    )
    remind_after_days = _remind_after_days_field()
    closes_on = _closes_on_field()

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", gettext("Start the cycle")))

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if self.organization.assessments.filter(label=label).exists():
            raise forms.ValidationError("A cycle with this name exists already.")
        return label

    def clean_closes_on(self) -> date | None:
        return _clean_closes_on(self.cleaned_data["closes_on"])


class CycleScheduleForm(forms.Form):
    """What an owner may change on an open cycle: when reminders go out and when it closes."""

    remind_after_days = _remind_after_days_field()
    closes_on = _closes_on_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))

    def clean_closes_on(self) -> date | None:
        return _clean_closes_on(self.cleaned_data["closes_on"])


SCALE_CHOICES = [*SCALE_ANCHORS, (DONT_KNOW, _("Don't know"))]


TARGET_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


NOT_IN_QUESTIONNAIRE = _("This question is not part of this questionnaire.")


class AnswerForm(forms.Form):
    """One autosaved answer; every message is shown beside its question."""

    # A question's primary key, looked up in the bank's cached layout rather than by a query.
    question = forms.IntegerField(
        error_messages={"invalid": NOT_IN_QUESTIONNAIRE, "required": NOT_IN_QUESTIONNAIRE}
    )
    current = forms.ChoiceField(
        choices=SCALE_CHOICES,
        error_messages={
            "required": _("Pick a point on the scale, or “don't know”, to save this answer."),
            "invalid_choice": _("Pick a whole number from 1 to 5, or “don't know”."),
        },
    )
    target = forms.TypedChoiceField(
        choices=TARGET_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": _("The target must be a whole number from 1 to 5.")},
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "max_length": _(
                "Keep the comment under %(limit_value)s characters "
                "(it has %(show_value)s). Nothing was saved."
            )
        },
    )

    def __init__(self, *args: Any, assessment: Assessment, with_target: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.questions = bank_layout(assessment.bank).questions
        self.with_target = with_target
        self.discipline = (assessment.strategy_snapshot or {}).get("value_discipline", "")

    def clean_question(self) -> Question:
        question = self.questions.get(self.cleaned_data["question"])
        if question is None:
            raise forms.ValidationError(NOT_IN_QUESTIONNAIRE)
        return question

    def clean_current(self) -> int | None:
        value = self.cleaned_data["current"]
        return None if value == DONT_KNOW else int(value)

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        if not self.with_target:
            if self.data.get("target"):
                self.add_error("target", gettext("Only the owner states what the strategy needs."))
            cleaned["target"] = None
        elif cleaned.get("target") is not None and cleaned.get("question") is not None:
            # An owner who keeps the bank's suggestion states no override of their own.
            default = bank_target(question=cleaned["question"], discipline=self.discipline)
            if cleaned["target"] == default:
                cleaned["target"] = None
        return cleaned

    def error_list(self) -> list[str]:
        """Return every error as one sentence, the field's name first where it helps."""
        names = {
            "current": gettext("Rating"),
            "target": gettext("What our strategy needs"),
            "comment": gettext("Comment"),
        }
        messages: list[str] = []
        for name, errors in self.errors.items():
            for error in errors:
                if name in names:
                    # Translators: a field's name, then one of its error messages.
                    messages.append(
                        gettext("%(field)s: %(error)s") % {"field": names[name], "error": error}
                    )
                else:
                    messages.append(str(error))
        return messages


# A whole questionnaire with the longest comments fits well under this; more is not a wizard.
BATCH_MAX_BYTES = 1_000_000
BATCH_MAX_ITEMS = 500
# Sequence numbers stay exact in a JavaScript number.
SEQ_MAX = 2**53 - 1
_BATCH_FIELDS = frozenset({"question", "current", "target", "comment", "seq"})


class BatchInvalidError(Exception):
    """The batch is refused whole; `errors` names the questions at fault, by code."""

    def __init__(self, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}


@dataclass(frozen=True, slots=True)
class AnswerBatch:
    """Parse a questionnaire's batch of changed answers: a JSON list, one object per change.

    Each change is `{"question": code, "current": 1..5 or null, "target": 1..5 or null
    (owner only), "comment": text, "seq": positive integer}`. Nothing else is accepted:
    whose answers they are comes from the URL, never from the body.
    """

    assessment: Assessment
    with_target: bool

    def parse(self, body: bytes) -> list[AnswerChange]:
        if len(body) > BATCH_MAX_BYTES:
            raise BatchInvalidError(
                gettext("Too many changes at once: send them in smaller parts.")
            )
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise BatchInvalidError(
                gettext("The changes could not be read (not valid JSON).")
            ) from None
        if not isinstance(data, list):
            raise BatchInvalidError(gettext("Send the changes as a list."))
        if len(data) > BATCH_MAX_ITEMS:
            raise BatchInvalidError(
                gettext("Too many changes at once: send them in smaller parts.")
            )
        questions = {q.code: q for q in bank_layout(self.assessment.bank).questions.values()}
        discipline = (self.assessment.strategy_snapshot or {}).get("value_discipline", "")
        changes: list[AnswerChange] = []
        errors: dict[str, str] = {}
        for position, item in enumerate(data, start=1):
            try:
                changes.append(self._change(item, questions, discipline))
            except BatchInvalidError as exc:
                key = item.get("question") if isinstance(item, dict) else None
                errors[key if isinstance(key, str) and key in questions else f"#{position}"] = str(
                    exc
                )
        if errors:
            raise BatchInvalidError(
                gettext("Nothing was saved: %(problem)s")
                % {"problem": next(iter(errors.values()))},
                errors,
            )
        return changes

    def _change(
        self, item: object, questions: dict[str, Question], discipline: str
    ) -> AnswerChange:
        if not isinstance(item, dict):
            raise BatchInvalidError(gettext("Each change must be an object."))
        unknown = set(item) - _BATCH_FIELDS
        if unknown:
            raise BatchInvalidError(
                gettext("Unexpected field: %(name)s.") % {"name": sorted(map(str, unknown))[0][:40]}
            )
        code = item.get("question")
        question = questions.get(code) if isinstance(code, str) else None
        if question is None:
            raise BatchInvalidError(gettext("This question is not part of this questionnaire."))
        seq = item.get("seq")
        if not isinstance(seq, int) or isinstance(seq, bool) or not 0 < seq <= SEQ_MAX:
            raise BatchInvalidError(gettext("Each change needs a positive sequence number."))
        if "current" not in item:
            raise BatchInvalidError(
                gettext("Pick a point on the scale, or “don't know”, to save this answer.")
            )
        current = item["current"]
        if current is not None and not _in_scale(current):
            raise BatchInvalidError(gettext("Pick a whole number from 1 to 5, or “don't know”."))
        target = item.get("target")
        if target is not None:
            if not self.with_target:
                raise BatchInvalidError(gettext("Only the owner states what the strategy needs."))
            if not _in_scale(target):
                raise BatchInvalidError(gettext("The target must be a whole number from 1 to 5."))
            # An owner who keeps the bank's suggestion states no override of their own.
            if target == bank_target(question=question, discipline=discipline):
                target = None
        comment = item.get("comment", "")
        if not isinstance(comment, str):
            raise BatchInvalidError(gettext("The comment must be text."))
        if len(comment) > COMMENT_MAX_LENGTH:
            raise BatchInvalidError(
                gettext("Keep the comment under %(limit)s characters.")
                % {"limit": COMMENT_MAX_LENGTH}
            )
        return AnswerChange(
            question=question, current=current, target=target, comment=comment, seq=seq
        )


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _in_scale(value: object) -> bool:
    return _is_int(value) and SCALE_MIN <= cast(int, value) <= SCALE_MAX


def _split_addresses(raw: str) -> list[str]:
    return [part.strip().lower() for part in re.split(r"[\s,;]+", raw or "") if part.strip()]


class InvitationForm(forms.Form):
    """E-mail addresses per level; each address gets its own personal link."""

    MAX_ADDRESSES = 100

    managers = forms.CharField(
        label=_("Managers' e-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "ana@example.com, ben@example.com"}),
        help_text=_("One per line, or separated by commas."),
    )
    staff = forms.CharField(
        label=_("Staff e-mail addresses"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "chris@example.com"}),
        help_text=_("One per line, or separated by commas."),
    )
    language = language_field(
        label=_("Language of these invitations"),
        blank_label=_("The organization's language"),
        help_text=_(
            "The e-mail and the questionnaire are in this language; each person can still "
            "switch on the page. Invite people who read another language in a separate batch."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", gettext("Send the invitations")))

    def _clean_addresses(self, name: str) -> list[str]:
        addresses = _split_addresses(self.cleaned_data.get(name, ""))
        bad = []
        for address in addresses:
            try:
                validate_email(address)
            except forms.ValidationError:
                bad.append(address)
        if bad:
            raise forms.ValidationError(
                _("Not an e-mail address: %(bad)s"), params={"bad": ", ".join(bad)}
            )
        return list(dict.fromkeys(normalize_email(address) for address in addresses))

    def clean_managers(self) -> list[str]:
        return self._clean_addresses("managers")

    def clean_staff(self) -> list[str]:
        return self._clean_addresses("staff")

    def clean(self) -> dict[str, Any]:
        cleaned = cast(dict[str, Any], super().clean())  # Form.clean returns cleaned_data
        managers, staff = cleaned.get("managers"), cleaned.get("staff")
        if managers is None or staff is None:
            return cleaned
        both = set(managers) & set(staff)
        if both:
            raise forms.ValidationError(
                _("Invite each person at one level only: %(both)s"),
                params={"both": ", ".join(sorted(both))},
            )
        if not managers and not staff:
            raise forms.ValidationError(_("Enter at least one e-mail address."))
        if len(managers) + len(staff) > self.MAX_ADDRESSES:
            raise forms.ValidationError(
                _("Invite at most %(n)s people at a time."), params={"n": self.MAX_ADDRESSES}
            )
        return cleaned

    def entries(self) -> list[tuple[str, str]]:
        """Return (address, level) pairs for the invitation service."""
        return [(email, Level.MANAGER) for email in self.cleaned_data["managers"]] + [
            (email, Level.STAFF) for email in self.cleaned_data["staff"]
        ]
