"""Forms of the report pages: editing one action item of the plan."""

from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms

from reports.models import ActionItem


class ActionItemForm(forms.ModelForm):
    """What the people working the plan may change: who, by when, how far, and a note."""

    class Meta:
        model = ActionItem
        fields = ["assignee", "due", "status", "progress_note", "consultant_note"]
        labels = {
            "assignee": "Assigned to",
            "due": "Due date",
            "status": "Status",
            "progress_note": "Progress note",
            "consultant_note": "Consultant's note",
        }
        help_texts = {
            "assignee": "A name or role; leave empty to use the suggested owner.",
            "progress_note": "What was done, what is blocking, what comes next.",
            "consultant_note": "Advice or context from the consultant working with the business.",
        }
        widgets = {
            "due": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "progress_note": forms.Textarea(attrs={"rows": 3}),
            "consultant_note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, consultant_note: bool = True, **kwargs: Any) -> None:
        """`consultant_note` False leaves the consultant's note out: only consultants write it."""
        super().__init__(*args, **kwargs)
        if not consultant_note:
            del self.fields["consultant_note"]
        cast(forms.DateField, self.fields["due"]).input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("assignee", css_class="col-md-5"),
                Column("due", css_class="col-md-3"),
                Column("status", css_class="col-md-4"),
            ),
            "progress_note",
            *(["consultant_note"] if consultant_note else []),
        )

    def clean_assignee(self) -> str:
        return self.cleaned_data["assignee"].strip()

    def clean_due(self) -> Any:
        due = self.cleaned_data["due"]
        start = self.instance.start
        if due is not None and start is not None and due < start:
            raise forms.ValidationError(
                f"The due date can't be before the action starts ({start:%d %b %Y})."
            )
        return due

    def clean_progress_note(self) -> str:
        return self.cleaned_data["progress_note"].strip()

    def clean_consultant_note(self) -> str:
        return self.cleaned_data["consultant_note"].strip()
