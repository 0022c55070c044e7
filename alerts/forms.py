"""The owners' alert settings: which events they want, and an optional Slack/Teams webhook."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import EventKind
from alerts.webhooks import masked, webhook_url_problem


class AlertSettingsForm(forms.Form):
    kinds = forms.MultipleChoiceField(
        label=_("Tell us when"),
        choices=EventKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The owners and the consultants you gave access get one digest a week."),
    )
    webhook_url = forms.CharField(
        label=_("Slack or Microsoft Teams incoming webhook"),
        required=False,
        max_length=500,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    remove_webhook = forms.BooleanField(label=_("Stop posting to the channel"), required=False)

    def __init__(self, *args: Any, current_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_url = current_url
        if current_url:
            self.fields["webhook_url"].help_text = _(
                "Now posting to %(url)s. Leave empty to keep it; paste a new address to replace it."
            ) % {"url": masked(current_url)}
        else:
            self.fields["webhook_url"].help_text = _(
                "Optional: the weekly digest also goes to this channel. Paste the address Slack "
                "or Teams gives you (it starts with https://)."
            )
            del self.fields["remove_webhook"]
        self.helper = FormHelper()
        self.helper.add_input(Submit("save", _("Save alert settings")))

    def clean_webhook_url(self) -> str:
        url: str = self.cleaned_data["webhook_url"]
        if url:
            problem = webhook_url_problem(url)
            if problem:
                raise forms.ValidationError(problem)
        return url

    def new_webhook_url(self) -> str:
        """The address to store: the pasted one, the current one, or none when removed."""
        if self.cleaned_data.get("remove_webhook"):
            return ""
        return self.cleaned_data["webhook_url"] or self.current_url
