"""Brief forms: the owner's text, a reader's question or idea, the owner's answer."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from briefs.models import TEXT_MAX, Brief, BriefPost


class BriefForm(forms.ModelForm):
    class Meta:
        model = Brief
        fields = ("customers", "value", "operations", "note")
        widgets = {
            "customers": forms.Textarea(attrs={"rows": 2}),
            "value": forms.Textarea(attrs={"rows": 2}),
            "operations": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 5}),
        }
        help_texts = {
            "note": _("A few words from you to the team: what you take from the results."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class BriefPostForm(forms.Form):
    """A question or idea on one plan item; the item comes from the URL's position."""

    kind = forms.ChoiceField(
        label=_("This is"),
        choices=BriefPost.Kind.choices,
        initial=BriefPost.Kind.QUESTION,
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Your question or idea"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Anonymous: it is stored without your name, address or link. At most 2,000 characters."
        ),
        error_messages={
            "max_length": _(
                "Please keep it to %(limit_value)d characters (this one has %(show_value)d)."
            ),
            "required": _("Write your question or idea first."),
        },
    )

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError(_("Write your question or idea first."))
        return text


class BriefAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer, shown on the brief"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "max_length": _(
                "Please keep it to %(limit_value)d characters (this one has %(show_value)d)."
            ),
            "required": _("Write an answer first."),
        },
    )
