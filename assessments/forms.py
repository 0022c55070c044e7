"""Cycle, answer and invitation forms. Forms validate; services write."""

import re
from datetime import date
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.core.validators import validate_email

from assessments.models import Assessment
from assessments.selectors import DONT_KNOW
from assessments.services.cycles import COMMENT_MAX_LENGTH
from banks.forms import SCALE_ANCHORS
from banks.models import Question
from banks.selectors import bank_target
from banks.services import bank_layout
from organizations.addresses import normalize_email
from organizations.models import Level, Organization


def suggested_cycle_label(today: date) -> str:
    """Return a label such as "2026-Q4" for the quarter of the given day."""
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


class CycleStartForm(forms.Form):
    label = forms.CharField(
        label="Name of the cycle",
        max_length=40,
        help_text="Usually the quarter, for example “2026-Q4”. You will compare cycles by it.",
    )

    def __init__(self, *args: Any, organization: Organization, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organization = organization
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Start the cycle"))

    def clean_label(self) -> str:
        label = self.cleaned_data["label"].strip()
        if self.organization.assessments.filter(label=label).exists():
            raise forms.ValidationError("A cycle with this name exists already.")
        return label


SCALE_CHOICES = [*SCALE_ANCHORS, (DONT_KNOW, "Don't know")]


TARGET_CHOICES = [(str(n), str(n)) for n in range(1, 6)]


NOT_IN_QUESTIONNAIRE = "This question is not part of this questionnaire."


class AnswerForm(forms.Form):
    """One autosaved answer; every message is shown beside its question."""

    # A question's primary key, looked up in the bank's cached layout rather than by a query.
    question = forms.IntegerField(
        error_messages={"invalid": NOT_IN_QUESTIONNAIRE, "required": NOT_IN_QUESTIONNAIRE}
    )
    current = forms.ChoiceField(
        choices=SCALE_CHOICES,
        error_messages={
            "required": "Pick a point on the scale, or “don't know”, to save this answer.",
            "invalid_choice": "Pick a whole number from 1 to 5, or “don't know”.",
        },
    )
    target = forms.TypedChoiceField(
        choices=TARGET_CHOICES,
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={"invalid_choice": "The target must be a whole number from 1 to 5."},
    )
    comment = forms.CharField(
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        error_messages={
            "max_length": "Keep the comment under %(limit_value)s characters "
            "(it has %(show_value)s). Nothing was saved."
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
                self.add_error("target", "Only the owner states what the strategy needs.")
            cleaned["target"] = None
        elif cleaned.get("target") is not None and cleaned.get("question") is not None:
            # An owner who keeps the bank's suggestion states no override of their own.
            default = bank_target(question=cleaned["question"], discipline=self.discipline)
            if cleaned["target"] == default:
                cleaned["target"] = None
        return cleaned

    def error_list(self) -> list[str]:
        """Return every error as one sentence, the field's name first where it helps."""
        names = {"current": "Rating", "target": "What our strategy needs", "comment": "Comment"}
        messages: list[str] = []
        for name, errors in self.errors.items():
            prefix = f"{names[name]}: " if name in names else ""
            messages.extend(prefix + str(error) for error in errors)
        return messages


def _split_addresses(raw: str) -> list[str]:
    return [part.strip().lower() for part in re.split(r"[\s,;]+", raw or "") if part.strip()]


class InvitationForm(forms.Form):
    """E-mail addresses per level; each address gets its own personal link."""

    MAX_ADDRESSES = 100

    managers = forms.CharField(
        label="Managers' e-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "ana@example.com, ben@example.com"}),
        help_text="One per line, or separated by commas.",
    )
    staff = forms.CharField(
        label="Staff e-mail addresses",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "chris@example.com"}),
        help_text="One per line, or separated by commas.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "Send the invitations"))

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
                "Not an e-mail address: %(bad)s", params={"bad": ", ".join(bad)}
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
                "Invite each person at one level only: %(both)s",
                params={"both": ", ".join(sorted(both))},
            )
        if not managers and not staff:
            raise forms.ValidationError("Enter at least one e-mail address.")
        if len(managers) + len(staff) > self.MAX_ADDRESSES:
            raise forms.ValidationError(
                "Invite at most %(n)s people at a time.", params={"n": self.MAX_ADDRESSES}
            )
        return cleaned

    def entries(self) -> list[tuple[str, str]]:
        """Return (address, level) pairs for the invitation service."""
        return [(email, Level.MANAGER) for email in self.cleaned_data["managers"]] + [
            (email, Level.STAFF) for email in self.cleaned_data["staff"]
        ]
