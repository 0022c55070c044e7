"""Forms of the consultant pages: granting access and the portfolio's search, filters and sort."""

from __future__ import annotations

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from consultants.selectors.portfolio import (
    DEFAULT_SORT,
    NO_REPORT,
    SORT_KEYS,
    PortfolioQuery,
)
from organizations.addresses import normalize_email
from organizations.models import Organization
from reports.bands import BAND_LABELS


class ConsultantGrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Consultant's e-mail address"),
        help_text=_("They get an e-mail with a link; access starts when they accept."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Grant access")))

    def clean_email(self) -> str:
        return normalize_email(self.cleaned_data["email"])


def _sort_label_now(template: object, column: object) -> str:
    return str(template) % {"column": column}


# Evaluated when shown, so that each request reads it in its own language.
_sort_label = lazy(_sort_label_now, str)

YES_NO = [("", _("Any")), ("yes", _("Yes")), ("no", _("No"))]
# Translators: a sort order in the portfolio's "Sort by" list, e.g. "Alignment index (ascending)".
ASCENDING = _("%(column)s (ascending)")
# Translators: a sort order in the portfolio's "Sort by" list, e.g. "Alignment index (descending)".
DESCENDING = _("%(column)s (descending)")
SORT_CHOICES = [
    (f"{prefix}{key}", _sort_label(template, label))
    for key, label in SORT_KEYS.items()
    for prefix, template in (("", ASCENDING), ("-", DESCENDING))
]


class PortfolioFilterForm(forms.Form):
    """Read from the query string; a bad value is reported beside its field and ignored."""

    q = forms.CharField(label=_("Search by name"), max_length=100, required=False)
    band = forms.ChoiceField(
        label=_("Band"),
        required=False,
        choices=[("", _("Any")), *BAND_LABELS.items(), (NO_REPORT, _("No report yet"))],
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        required=False,
        choices=[("", _("Any")), *Organization.Industry.choices],
    )
    stale = forms.ChoiceField(label=_("Stale"), required=False, choices=YES_NO)
    overdue = forms.ChoiceField(label=_("Overdue actions"), required=False, choices=YES_NO)
    kpis = forms.ChoiceField(
        label=_("KPIs"), required=False, choices=[("", _("Any")), ("behind", _("Some behind"))]
    )
    drift = forms.ChoiceField(label=_("Drift (30 days)"), required=False, choices=YES_NO)
    sort = forms.ChoiceField(label=_("Sort by"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            choice = isinstance(field, forms.ChoiceField)
            field.widget.attrs["class"] = (
                "form-select form-select-sm" if choice else "form-control form-control-sm"
            )

    def query(self) -> PortfolioQuery:
        """Return the valid part of the request as a PortfolioQuery (call after is_valid)."""
        data = {name: value for name, value in self.cleaned_data.items() if value}
        data.setdefault("sort", DEFAULT_SORT)
        return PortfolioQuery(**data)
