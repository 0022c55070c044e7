"""What the API shows and accepts. Rules live in the forms and services the pages use."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.filters import MAX_ID
from api.privacy import result_for_api
from assessments.models import Assessment
from assessments.services.cycles import COMMENT_MAX_LENGTH
from banks.models import SCALE_MAX, SCALE_MIN
from organizations.models import Organization
from reports.models import ActionItem, KpiReading, Report
from reports.numbers import points
from scoring.kpi import KPI_STATUSES

CONSULTANT = "consultant"
MAX_ANSWERS = 500


class OrganizationSerializer(serializers.ModelSerializer):
    role = serializers.SerializerMethodField(
        help_text="Your relation to the organization: owner, manager or consultant."
    )
    capacity_days_per_month = serializers.FloatField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "industry",
            "size_band",
            "capacity_days_per_month",
            "review_interval_days",
            "role",
            "created_at",
        ]
        read_only_fields = fields

    def get_role(self, organization: Organization) -> str:
        # Annotated by the view in the same query; a consultant has no membership row.
        return getattr(organization, "my_role", None) or CONSULTANT


class BankVersionSerializer(serializers.Serializer):
    slug = serializers.CharField()
    version = serializers.IntegerField()


POINTS_HELP = (
    "The alignment index in the whole points the pages, PDF and exports show (halves round "
    "up); changes between cycles there are differences of these."
)


class CycleSerializer(serializers.ModelSerializer):
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    bank = BankVersionSerializer(read_only=True)
    report_status = serializers.SerializerMethodField(
        help_text="queued, running, ready or failed; null while no report was asked for."
    )
    alignment_index = serializers.SerializerMethodField()
    alignment_index_points = serializers.SerializerMethodField(help_text=POINTS_HELP)
    band = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = [
            "id",
            "organization",
            "organization_name",
            "label",
            "status",
            "created_at",
            "closed_at",
            "bank",
            "report_status",
            "alignment_index",
            "alignment_index_points",
            "band",
        ]
        read_only_fields = fields

    def _report(self, cycle: Assessment) -> Report | None:
        return getattr(cycle, "report", None)

    def get_report_status(self, cycle: Assessment) -> str | None:
        report = self._report(cycle)
        return report.status if report else None

    def get_alignment_index(self, cycle: Assessment) -> float | None:
        report = self._report(cycle)
        return report.alignment_index if report else None

    def get_alignment_index_points(self, cycle: Assessment) -> int | None:
        report = self._report(cycle)
        return points(report.alignment_index) if report else None

    def get_band(self, cycle: Assessment) -> str | None:
        report = self._report(cycle)
        return (report.band or None) if report else None


class ResultSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="assessment_id", read_only=True)
    cycle_label = serializers.CharField(source="assessment.label", read_only=True)
    organization = serializers.IntegerField(source="assessment.organization_id", read_only=True)
    organization_name = serializers.CharField(source="assessment.organization.name", read_only=True)
    result = serializers.SerializerMethodField(
        help_text=(
            "The scoring engine's result: alignment_index, band, dimensions with their areas "
            "and contributions, perception_gaps, consensus_flags, consistency_flags, pitfalls, "
            "priorities (each with direction raise or scale_back), action_plan (each item with "
            "direction, addresses, kpi, unit, kpi_direction, target, baseline, practice_from, "
            "practice_to and expected_uplift), plan_projected_index, strategy_fit, "
            "profile_match and better_fit. Reports built before the v2 plan lack the last four "
            "and the items' new fields. Managers' and staff's own means "
            "(level_means) are left out unless both groups have at least three respondents."
        )
    )

    alignment_index_points = serializers.SerializerMethodField(help_text=POINTS_HELP)
    plan_projected_index = serializers.SerializerMethodField(
        help_text="The alignment index with every plan item at its target (null before v2)."
    )
    better_fit = serializers.SerializerMethodField(
        help_text="A value discipline the practice clearly matches better than the declared one."
    )

    class Meta:
        model = Report
        fields = [
            "id",
            "cycle",
            "cycle_label",
            "organization",
            "organization_name",
            "status",
            "alignment_index",
            "alignment_index_points",
            "band",
            "plan_projected_index",
            "better_fit",
            "finished_at",
            "result",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_result(self, report: Report) -> dict[str, Any]:
        return result_for_api(report.result or {})

    def get_alignment_index_points(self, report: Report) -> int | None:
        return points(report.alignment_index)

    def get_plan_projected_index(self, report: Report) -> float | None:
        return (report.result or {}).get("plan_projected_index")

    def get_better_fit(self, report: Report) -> str | None:
        return (report.result or {}).get("better_fit")


class ActionItemSerializer(serializers.ModelSerializer):
    cycle = serializers.IntegerField(source="assessment_id", read_only=True)
    organization = serializers.IntegerField(source="assessment.organization_id", read_only=True)
    addresses = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Codes of the fired consistency rules and pitfalls this item fixes.",
    )

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "cycle",
            "organization",
            "position",
            "question_code",
            "title",
            "specific",
            "direction",
            "kpi",
            "unit",
            "kpi_direction",
            "baseline",
            "target",
            "practice_from",
            "practice_to",
            "effort",
            "effort_days",
            "feasibility",
            "owner_role",
            "dimension_code",
            "area_code",
            "addresses",
            "expected_uplift",
            "start",
            "due",
            "status",
            "assignee",
            "progress_note",
            "consultant_note",
            "completed_at",
            "updated_at",
        ]
        read_only_fields = fields


class FormValue(serializers.Field):
    """A JSON string, whole number or null, handed on as text to the page's form to judge.

    Only the JSON shape is checked here; the rules and their messages are the form's, so the
    API and the pages never disagree.
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str | None:
        if data is None:
            return None
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise serializers.ValidationError(_("Give a string, a whole number or null."))
        return str(data)

    def to_representation(self, value: Any) -> Any:
        return value


class StringValue(FormValue):
    """A FormValue the schema declares a string: a number is refused, as the schema says."""

    def to_internal_value(self, data: Any) -> str | None:
        if data is not None and not isinstance(data, str):
            raise serializers.ValidationError(_("Give a string or null."))
        return super().to_internal_value(data)


@extend_schema_field(
    {"type": "string", "enum": [value for value, _label in ActionItem.Status.choices]}
)
class StatusValue(StringValue):
    pass


@extend_schema_field({"type": "string", "format": "date"})
class DateValue(StringValue):
    pass


@extend_schema_field({"type": "string"})
class TextValue(StringValue):
    pass


@extend_schema_field(
    {
        "type": "integer",
        "minimum": SCALE_MIN,
        "maximum": SCALE_MAX,
        "nullable": True,
        "description": 'A point of the scale; null (or the string "dk") means "don\'t know".',
    }
)
class CurrentValue(FormValue):
    pass


@extend_schema_field(
    {
        "type": "integer",
        "minimum": SCALE_MIN,
        "maximum": SCALE_MAX,
        "nullable": True,
        "description": "Owner only: what the strategy needs; omit or null for the bank's target.",
    }
)
class TargetValue(FormValue):
    pass


class ActionItemUpdateSerializer(serializers.Serializer):
    """The fields an update may carry; the plan page's form applies its rules to them."""

    status = StatusValue(required=False, allow_null=False)
    assignee = TextValue(required=False, help_text="A name or role, up to 120 characters.")
    due = DateValue(
        required=False, allow_null=False, help_text="YYYY-MM-DD, not before the item's start."
    )
    progress_note = TextValue(required=False, help_text="Up to 4,000 characters.")
    consultant_note = TextValue(
        required=False, help_text="Advice or context from the consultant; up to 4,000 characters."
    )


class AnswerInSerializer(serializers.Serializer):
    question = serializers.CharField(
        help_text="The question's code, e.g. market.customers.feedback."
    )
    # Optional here so that a missing rating gets the questionnaire's own message.
    current = CurrentValue(required=False)
    target = TargetValue(required=False)
    comment = TextValue(required=False, help_text=f"Up to {COMMENT_MAX_LENGTH:,} characters.")


class StrictBooleanField(serializers.BooleanField):
    """JSON true or false only: 0, "yes" or "off" are likelier mistakes than intentions."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            raise serializers.ValidationError(_("Give true or false."))
        return data


class AnswerSetSerializer(serializers.Serializer):
    # Far above any bank's size; it bounds the work one request can ask for.
    # many=True hands max_length to the ListSerializer; the stubs type the child's arguments.
    answers = AnswerInSerializer(many=True, allow_empty=False, max_length=MAX_ANSWERS)  # type: ignore[call-arg]
    submit = StrictBooleanField(
        default=False,
        help_text="Hand the response in after saving; its answers can then no longer change.",
    )


class AnswerSetResultSerializer(serializers.Serializer):
    response = serializers.IntegerField()
    level = serializers.CharField()
    saved = serializers.IntegerField(help_text="Answers saved by this request.")
    answered = serializers.IntegerField(help_text="Questions answered in the response so far.")
    total = serializers.IntegerField(help_text="Questions in the questionnaire.")
    submitted_at = serializers.DateTimeField(allow_null=True)


class RawAnswerSerializer(serializers.Serializer):
    """One submitted answer, with nobody's identity: the schema of the raw-answers stream."""

    cycle = serializers.CharField(help_text="The cycle's label.")
    level = serializers.ChoiceField(
        choices=["owner", "manager", "staff", "others"],
        help_text="Managers and staff are shown as “others” when either level has fewer than "
        "three respondents; a group of fewer than three is left out.",
    )
    respondent = serializers.IntegerField(
        help_text="A number for the respondent, the same on all their rows of this answer."
    )
    question = serializers.CharField(help_text="The question's code.")
    question_text = serializers.CharField()
    current = serializers.IntegerField(allow_null=True, help_text="1-5; null: don't know.")
    target = serializers.IntegerField(
        allow_null=True,
        help_text="Owners only: what the strategy needs, stated or kept from the bank.",
    )
    dont_know = serializers.BooleanField()
    comment = serializers.CharField(allow_blank=True)


class RebuildSerializer(serializers.Serializer):
    cycle = serializers.IntegerField()
    report_status = serializers.CharField()
    queued_at = serializers.DateTimeField()


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- KPI readings -----------------------------------------------------------------------------

MAX_READINGS = 10_000


@extend_schema_field(
    {
        "oneOf": [{"type": "number"}, {"type": "string"}],
        "description": 'A number, or a string such as "1234.5"; kept to four decimals.',
    }
)
class NumberValue(FormValue):
    """A JSON number or a string, handed on as text to the reading form to judge."""

    def to_internal_value(self, data: Any) -> str | None:
        if isinstance(data, float) and data.is_integer():
            data = int(data)
        if isinstance(data, float):
            return repr(data)
        return super().to_internal_value(data)


class KpiReadingSerializer(serializers.ModelSerializer):
    value = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True)

    class Meta:
        model = KpiReading
        fields = ["id", "action_item", "measured_on", "value", "note", "source", "created_at"]
        read_only_fields = fields


class KpiReadingInSerializer(serializers.Serializer):
    """One reading of an action item's KPI; the web page's reading form applies its rules."""

    measured_on = DateValue(
        allow_null=False,
        help_text="The day measured: YYYY-MM-DD, between 2000 and 2100, not in the future.",
    )
    value = NumberValue(allow_null=False, help_text="The KPI's value in its own unit.")
    note = TextValue(required=False, help_text="Optional, up to 500 characters.")


class KpiReadingForItemSerializer(KpiReadingInSerializer):
    action_item = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, help_text="The action item's id."
    )


class KpiReadingsInSerializer(serializers.Serializer):
    # many=True hands max_length to the ListSerializer; the stubs type the child's arguments.
    readings = KpiReadingForItemSerializer(  # type: ignore[call-arg]
        many=True, allow_empty=False, max_length=MAX_READINGS
    )


class KpiReadingsOutSerializer(serializers.Serializer):
    saved = serializers.IntegerField(help_text="Readings stored by this call.")
    unchanged = serializers.IntegerField(
        help_text="Readings equal to one already stored (same action, day and value): left alone."
    )
    readings = KpiReadingSerializer(many=True, help_text="The readings stored by this call.")
    kpi_statuses = serializers.DictField(
        child=serializers.ChoiceField(choices=KPI_STATUSES),
        help_text="Each touched action item's KPI status now, by id: no_data, on_track, "
        "behind or achieved.",
    )


class KpiSeriesSerializer(serializers.Serializer):
    action_item = serializers.IntegerField()
    kpi = serializers.CharField()
    unit = serializers.CharField()
    kpi_direction = serializers.CharField()
    baseline = serializers.FloatField(allow_null=True)
    target = serializers.FloatField(allow_null=True)
    start = serializers.DateField()
    due = serializers.DateField()
    kpi_status = serializers.ChoiceField(choices=KPI_STATUSES)
    readings = KpiReadingSerializer(many=True)
