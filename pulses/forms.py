"""The cadence form and the pulse page's answers. Forms validate; services write."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.forms import SCALE_CHOICES, AnswerBatch, BatchInvalidError
from assessments.selectors import DONT_KNOW
from assessments.services.cycles import AnswerChange
from banks.models import Question
from pulses.models import Pulse, PulseSettings


class PulseCadenceForm(forms.Form):
    cadence = forms.ChoiceField(
        label=_("How often your team gets a pulse"),
        choices=PulseSettings.Cadence.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Between full cycles your team gets a short pulse: up to ten questions on your "
            "action plan and how well the strategy is shared, answered on a phone in under two "
            "minutes. Each pulse stays open for seven days."
        ),
        error_messages={
            "required": _("Choose how often your team gets a pulse."),
            "invalid_choice": _("Choose off, every two weeks or monthly."),
        },
    )

    def __init__(self, *args: Any, action: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = action
        self.helper.form_id = "pulse-cadence"
        self.helper.add_input(Submit("submit", _("Save the pulse cadence")))


NOT_IN_PULSE = _("This question is not part of this pulse.")


def pulse_batch_parse(*, pulse: Pulse, question_ids: set[int], body: bytes) -> list[AnswerChange]:
    """Parse the pulse page's batch with the questionnaire's own rules, then the pulse's.

    The questionnaire's parser checks the JSON, the scale and the sequence numbers; a pulse
    further takes only its own questions and a rating without comment or target.
    """
    changes = AnswerBatch(assessment=pulse.assessment, with_target=False).parse(body)
    errors: dict[str, str] = {}
    for change in changes:
        if change.question.pk not in question_ids:
            errors[change.question.code] = str(NOT_IN_PULSE)
        elif change.comment:
            errors[change.question.code] = gettext("A pulse takes a rating only.")
    if errors:
        raise BatchInvalidError(
            gettext("Nothing was saved: %(problem)s") % {"problem": next(iter(errors.values()))},
            errors,
        )
    return changes


class PulseAnswerForm(forms.Form):
    """One answer posted without JavaScript: the question's code and a point of the scale."""

    question = forms.CharField(max_length=150)
    current = forms.ChoiceField(
        choices=SCALE_CHOICES,
        error_messages={
            "required": _("Pick a point on the scale, or “don't know”, to save this answer."),
            "invalid_choice": _("Pick a whole number from 1 to 5, or “don't know”."),
        },
    )

    def __init__(self, *args: Any, questions: dict[str, Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions

    def clean_question(self) -> Question:
        question = self.questions.get(self.cleaned_data["question"])
        if question is None:
            raise forms.ValidationError(NOT_IN_PULSE)
        return question

    def clean_current(self) -> int | None:
        value = self.cleaned_data["current"]
        return None if value == DONT_KNOW else int(value)
