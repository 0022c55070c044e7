"""The form of the API tokens page."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from api.tokens import LIFETIMES


class TokenCreateForm(forms.Form):
    days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[(str(days), label) for days, label in LIFETIMES.items()],
        coerce=int,
        initial="90",
        help_text=_("The token stops working after this; create a new one when it does."),
        error_messages={"invalid_choice": _("Choose one of the offered lifetimes.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_action = "tokens"
        self.helper.add_input(Submit("submit", gettext("Create a token")))
