"""Forms of the report pages: editing one action item of the plan, recording KPI readings."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from reports.models import ActionItem


class ActionItemForm(forms.ModelForm):
    """What the people working the plan may change: who, by when, how far, and a note."""

    class Meta:
        model = ActionItem
        fields = ["assignee", "due", "status", "progress_note", "consultant_note"]
        labels = {
            "assignee": _("Assigned to"),
            "due": _("Due date"),
            "status": _("Status"),
            "progress_note": _("Progress note"),
            "consultant_note": _("Consultant's note"),
        }
        help_texts = {
            "assignee": _("A name or role; leave empty to use the suggested owner."),
            "progress_note": _("What was done, what is blocking, what comes next."),
            "consultant_note": _(
                "Advice or context from the consultant working with the business."
            ),
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
                gettext("The due date can't be before the action starts (%(start)s).")
                % {"start": date_format(start, "DATE_FORMAT")}
            )
        return due

    def clean_progress_note(self) -> str:
        return self.cleaned_data["progress_note"].strip()

    def clean_consultant_note(self) -> str:
        return self.cleaned_data["consultant_note"].strip()


# --- KPI readings ---------------------------------------------------------------------------

KPI_FIRST_DAY = date(2000, 1, 1)
KPI_LAST_DAY = date(2100, 12, 31)
KPI_DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]
KPI_DECIMALS = 4
KPI_MAX_ABS = Decimal(10) ** 14  # what the reading's 18 digits, 4 of them decimals, can hold
KPI_NOTE_MAX = 500
# Spaces a spreadsheet or an accounting export may put between thousands.
_DIGIT_SPACES = dict.fromkeys(map(ord, " \u00a0\u202f\u2009'"), None)


def kpi_value_parse(raw: object) -> Decimal:
    """Return the number in `raw`, kept to four decimals, or raise ValidationError.

    Accepts 1234.5, -3, 1 234,5 and 1234,5 (a lone comma is a decimal comma); refuses units,
    thousands commas, formulas and anything that is not a finite number.
    """
    if isinstance(raw, bool):
        raise forms.ValidationError(_KPI_NOT_A_NUMBER)
    if isinstance(raw, int | Decimal):
        number = Decimal(raw)
    elif isinstance(raw, float):
        number = Decimal(repr(raw))
    else:
        text = str(raw).strip().translate(_DIGIT_SPACES)
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if not text or not all(ch in "0123456789.-+eE" for ch in text):
            raise forms.ValidationError(_KPI_NOT_A_NUMBER)
        try:
            number = Decimal(text)
        except InvalidOperation as exc:
            raise forms.ValidationError(_KPI_NOT_A_NUMBER) from exc
    if not number.is_finite():
        raise forms.ValidationError(_KPI_NOT_A_NUMBER)
    if abs(number) >= KPI_MAX_ABS:
        raise forms.ValidationError(_("The number is too large to store."))
    return number.quantize(Decimal(1).scaleb(-KPI_DECIMALS), rounding=ROUND_HALF_UP)


_KPI_NOT_A_NUMBER = _("Enter a number, such as 1234.5, without units or thousands separators.")


class KpiValueField(forms.Field):
    """A KPI value as people type it; cleaned to a Decimal by `kpi_value_parse`."""

    widget = forms.TextInput

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, str) and len(value) > 60:
            raise forms.ValidationError(_KPI_NOT_A_NUMBER)
        return kpi_value_parse(value)


class KpiReadingForm(forms.Form):
    """One reading of an item's KPI: the day it was measured, the value and an optional note."""

    measured_on = forms.DateField(
        label=_("Date"),
        input_formats=KPI_DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Enter the date the value was measured."),
            "invalid": _("Enter a date as YYYY-MM-DD (or DD/MM/YYYY)."),
        },
    )
    value = KpiValueField(
        label=_("Value"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
        error_messages={"required": _("Enter the measured value.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=KPI_NOTE_MAX,
        help_text=_("Optional: where the figure comes from."),
    )

    def __init__(self, *args: Any, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(
                Column("measured_on", css_class="col-6"),
                Column("value", css_class="col-6"),
                Column("note", css_class="col-12"),
            )
        )

    def clean_measured_on(self) -> date:
        day: date = self.cleaned_data["measured_on"]
        if not KPI_FIRST_DAY <= day <= KPI_LAST_DAY:
            raise forms.ValidationError(_("The date must be between 2000 and 2100."))
        # A day of slack: the person recording may be a time zone ahead of the server.
        if day > self.today + timedelta(days=1):
            raise forms.ValidationError(_("The date is in the future: record what was measured."))
        return day

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()


KPI_UPLOAD_MAX_BYTES = 2 * 1024 * 1024
KPI_UPLOAD_MAX_ROWS = 10_000


class KpiUploadForm(forms.Form):
    """A CSV or XLSX file of readings: action item id, date, value, note."""

    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns in this order: action item id, date, value, note. A first row of column "
            "names is skipped. Up to 2 MB and 10,000 rows."
        ),
        error_messages={"required": _("Choose a file to upload.")},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > KPI_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 2 MB: split it into smaller files.")
            )
        return upload
