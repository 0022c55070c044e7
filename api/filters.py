"""Query filters. They narrow querysets already scoped to the user, so an id the user may not
see simply matches nothing: a filter never tells whether another client exists."""

from typing import Any

from django import forms
from django.utils.translation import gettext
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema_field

from assessments.models import Assessment
from reports.models import ActionItem, Report

# Ids beyond this are not ids of ours; refusing them keeps every database backend happy.
MAX_ID = 2**31 - 1


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(filters.NumberFilter):
    # Any form field works here; the stubs pin NumberFilter's to DecimalField.
    field_class = forms.IntegerField  # type: ignore[assignment]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictFilterSet(filters.FilterSet):
    """A filter parameter given empty (`?organization=`) is a 400, not "no filter".

    django-filter skips an empty value; the schema types every parameter (an id is an integer,
    a status one of its values), so an empty one is input the API does not accept.
    """

    def is_valid(self) -> bool:
        valid: bool = super().is_valid()
        data = self.data or {}
        empty = [name for name in self.filters if data.get(name) == ""]
        for name in empty:
            self.form.add_error(name, gettext("Give a value, or leave the parameter out."))
        return valid and not empty


class CycleFilter(StrictFilterSet):
    organization = IdFilter(field_name="organization_id", help_text="An organization's id.")
    status = filters.ChoiceFilter(choices=Assessment.Status.choices)

    class Meta:
        model = Assessment
        fields = ["organization", "status"]


class ResultFilter(StrictFilterSet):
    organization = IdFilter(
        field_name="assessment__organization_id", help_text="An organization's id."
    )
    cycle = IdFilter(field_name="assessment_id", help_text="A cycle's id.")

    class Meta:
        model = Report
        fields = ["organization", "cycle"]


class ActionItemFilter(StrictFilterSet):
    organization = IdFilter(
        field_name="assessment__organization_id", help_text="An organization's id."
    )
    cycle = IdFilter(field_name="assessment_id", help_text="A cycle's id.")
    status = filters.ChoiceFilter(choices=ActionItem.Status.choices)

    class Meta:
        model = ActionItem
        fields = ["organization", "cycle", "status"]
