"""API endpoints: thin, scoped by the same selectors as the pages (invisible means 404)."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth.models import User
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import Http404, StreamingHttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from api import actions, serializers
from api.filters import MAX_ID, ActionItemFilter, CycleFilter, ResultFilter
from api.pagination import ApiPagination
from api.parsers import StrictJSONParser
from api.throttling import SharedScopedRateThrottle
from assessments.models import Assessment
from assessments.selectors import assessments_for_user
from consultants.selectors import raw_answers
from organizations.models import Membership, Organization
from organizations.selectors import organizations_for_user
from reports.kpi import kpi_series, kpi_statuses
from reports.models import ActionItem, Report
from reports.selectors import assessment_latest_scored

ERROR = serializers.ErrorSerializer
NOT_FOUND = OpenApiResponse(ERROR, description="Not found, or not visible to you.")
FORBIDDEN = OpenApiResponse(ERROR, description="Visible to you, but not yours to change.")
UNAUTHENTICATED = OpenApiResponse(ERROR, description="No valid token or session.")
INVALID = OpenApiResponse(
    description="Invalid input: messages per field, as the web pages show them."
)
CONFLICT = OpenApiResponse(ERROR, description="The cycle or response no longer allows it.")
READ_ERRORS = {401: UNAUTHENTICATED, 404: NOT_FOUND}
LIST_ERRORS = {400: INVALID, 401: UNAUTHENTICATED, 404: NOT_FOUND}


class ScopedViewSet(viewsets.GenericViewSet):
    """Every queryset starts from what the user may see; ids out of range are simply absent."""

    pagination_class = ApiPagination
    parser_classes = [StrictJSONParser]
    # Any path segment reaches the view, so a malformed id gets the API's JSON 404 too.
    lookup_value_regex = "[^/]+"

    def get_object(self) -> Any:
        raw = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_ID:
            raise Http404(_("No such object."))
        return super().get_object()


@extend_schema_view(
    list=extend_schema(
        summary="Organizations you belong to or that granted you consultant access",
        responses={200: serializers.OrganizationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One organization",
        responses={200: serializers.OrganizationSerializer, **READ_ERRORS},
    ),
)
class OrganizationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = serializers.OrganizationSerializer

    queryset = Organization.objects.none()  # tells the schema generator the model

    def get_queryset(self) -> QuerySet[Organization]:
        user = self.request.user
        if not user.is_authenticated:
            return Organization.objects.none()
        role = Membership.objects.filter(user=user, organization=OuterRef("pk")).values("role")
        return (
            organizations_for_user(user=user)
            .annotate(my_role=Subquery(role[:1]))
            .order_by("name", "pk")
        )

    @extend_schema(
        summary="The organization's latest scored result",
        description="The newest cycle whose report is ready, with the engine's full result.",
        responses={200: serializers.ResultSerializer, **READ_ERRORS},
    )
    @action(detail=True, methods=["get"], url_path="latest-result")
    def latest_result(self, request: Request, pk: str) -> Response:
        organization = self.get_object()
        assessment = assessment_latest_scored(organization=organization)
        if assessment is None:
            raise Http404(_("This organization has no scored result yet."))
        report = assessment.report
        report.assessment = assessment
        return Response(serializers.ResultSerializer(report).data)


@extend_schema_view(
    list=extend_schema(
        summary="Assessment cycles with their status and report status",
        responses={200: serializers.CycleSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One assessment cycle",
        responses={200: serializers.CycleSerializer, **READ_ERRORS},
    ),
)
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = serializers.CycleSerializer
    filterset_class = CycleFilter
    throttle_scope: str | None = None  # set per action: only rebuilds are rate-limited

    def get_queryset(self) -> QuerySet[Assessment]:
        return (
            assessments_for_user(user=self.request.user)
            .select_related("organization", "bank", "report")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(
        summary="Save your own answers to the cycle, all at once, and optionally submit",
        description=(
            "For members of the organization (owners and managers): the answers go into your "
            "own response, checked exactly as the questionnaire page checks them. If any answer "
            "is invalid nothing is saved and each message is given at the answer's position. "
            "Only owners may send `target`."
        ),
        request=serializers.AnswerSetSerializer,
        responses={
            200: serializers.AnswerSetResultSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Two answers, then submit",
                request_only=True,
                value={
                    "answers": [
                        {"question": "market.customers.feedback", "current": 3, "target": 5},
                        {"question": "market.customers.segments", "current": None, "comment": ""},
                    ],
                    "submit": True,
                },
            )
        ],
    )
    @action(detail=True, methods=["post"], url_path="answers", pagination_class=None)
    def answers(self, request: Request, pk: str) -> Response:
        cycle = self.get_object()
        payload = serializers.AnswerSetSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            outcome = actions.answer_set_save(
                assessment=cycle,
                user=cast(User, request.user),  # IsAuthenticated, the default, let only users in
                answers=payload.validated_data["answers"],
                submit=payload.validated_data["submit"],
            )
        except actions.InvalidInputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        except actions.ConflictError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        return Response(serializers.AnswerSetResultSerializer(outcome).data)

    @extend_schema(
        summary="Close the cycle and queue its report",
        description=(
            "For owners. Needs at least one submitted response: a cycle nobody has answered "
            "is refused with 409 and the reason. The build runs in the background: follow "
            "`report_status` on the cycle."
        ),
        request=None,
        responses={
            202: serializers.RebuildSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
        },
    )
    @action(detail=True, methods=["post"], url_path="close", pagination_class=None)
    def close(self, request: Request, pk: str) -> Response:
        cycle = self.get_object()
        try:
            user = cast(User, request.user)  # IsAuthenticated, the default, let only users in
            report = actions.cycle_close(assessment=cycle, user=user)
        except actions.ConflictError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        data = {"cycle": cycle.pk, "report_status": report.status, "queued_at": report.queued_at}
        return Response(serializers.RebuildSerializer(data).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Every submitted answer of the cycle, one object each, anonymised",
        description=(
            "For owners and consultants. Respondents appear as numbers; managers and staff are "
            "merged into “others” when either level has fewer than three respondents, and a "
            "group of fewer than three is left out, as in the report. Comments of people other "
            "than the owner appear only when at least three of them answered. Sent as a stream: "
            "the whole cycle in one response, not paginated."
        ),
        responses={
            200: serializers.RawAnswerSerializer(many=True),
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="raw-answers",
        pagination_class=None,
        filter_backends=[],  # the list's filters mean nothing for one cycle's answers
    )
    def raw_answers(self, request: Request, pk: str) -> StreamingHttpResponse | Response:
        cycle = self.get_object()
        user = cast(User, request.user)  # IsAuthenticated, the default, let only users in
        if not raw_answers.raw_answers_can_export(user=user, organization=cycle.organization):
            return Response(
                {"detail": _("Only owners and consultants read the raw answers.")},
                status=status.HTTP_403_FORBIDDEN,
            )
        chunks = raw_answers.raw_answer_json(organization=cycle.organization, cycle_id=cycle.pk)
        return StreamingHttpResponse(
            (chunk.encode("utf-8") for chunk in chunks), content_type="application/json"
        )

    @extend_schema(
        summary="Ask for the cycle's report to be built again",
        description=(
            "For owners and consultants, on a closed cycle. The build runs in the background: "
            "follow `report_status` on the cycle. Limited to a few requests an hour per user."
        ),
        request=None,
        responses={
            202: serializers.RebuildSerializer,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            409: CONFLICT,
            429: OpenApiResponse(ERROR, description="Too many rebuilds asked for; wait."),
        },
    )
    @action(
        detail=True,
        methods=["post"],
        url_path="rebuild",
        throttle_classes=[SharedScopedRateThrottle],
        throttle_scope="report_rebuild",
    )
    def rebuild(self, request: Request, pk: str) -> Response:
        cycle = self.get_object()
        try:
            user = cast(User, request.user)  # IsAuthenticated, the default, let only users in
            report = actions.report_rebuild(assessment=cycle, user=user)
        except actions.ConflictError as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
        data = {"cycle": cycle.pk, "report_status": report.status, "queued_at": report.queued_at}
        return Response(serializers.RebuildSerializer(data).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        summary="Scored results: the engine's JSON per cycle",
        responses={200: serializers.ResultSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One scored result", responses={200: serializers.ResultSerializer, **READ_ERRORS}
    ),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = serializers.ResultSerializer
    filterset_class = ResultFilter

    def get_queryset(self) -> QuerySet[Report]:
        return (
            Report.objects.filter(
                assessment__in=assessments_for_user(user=self.request.user),
                result__isnull=False,
            )
            .select_related("assessment__organization")
            .order_by("-assessment__created_at", "-pk")
        )


@extend_schema_view(
    list=extend_schema(
        summary="Action items of the SMART action plans",
        responses={200: serializers.ActionItemSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One action item",
        responses={200: serializers.ActionItemSerializer, **READ_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change an action item's status, assignee, due date or notes",
        description=(
            "For owners and consultants. Send only the fields that change; the rules are the "
            "action plan page's (for example, the due date can't be before the start)."
        ),
        request=serializers.ActionItemUpdateSerializer,
        responses={
            200: serializers.ActionItemSerializer,
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
    ),
)
class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    serializer_class = serializers.ActionItemSerializer
    filterset_class = ActionItemFilter

    def get_queryset(self) -> QuerySet[ActionItem]:
        return (
            ActionItem.objects.filter(assessment__in=assessments_for_user(user=self.request.user))
            .select_related("assessment__organization")
            .order_by("assessment_id", "position", "pk")
        )

    @extend_schema(
        methods=["GET"],
        summary="The action item's KPI: its readings, oldest first, and its status",
        request=None,
        responses={200: serializers.KpiSeriesSerializer, **READ_ERRORS},
    )
    @extend_schema(
        methods=["POST"],
        summary="Record one reading of the action item's KPI",
        description=(
            "For owners, consultants with access and the member the item is assigned to. The "
            "rules are the report page's: a date between 2000 and 2100 and not in the future, "
            "one reading per day. The first reading becomes the baseline. Sending a reading "
            "equal to a stored one (same day and value) changes nothing, so a retry is safe."
        ),
        request=serializers.KpiReadingInSerializer,
        responses={
            201: serializers.KpiReadingsOutSerializer,
            200: OpenApiResponse(
                serializers.KpiReadingsOutSerializer, description="Already recorded."
            ),
            400: INVALID,
            401: UNAUTHENTICATED,
            403: FORBIDDEN,
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "A monthly figure",
                request_only=True,
                value={"measured_on": "2027-01-31", "value": "12.5", "note": "till report"},
            )
        ],
    )
    @action(detail=True, methods=["get", "post"], url_path="readings", pagination_class=None)
    def readings(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        if request.method == "POST":
            payload = serializers.KpiReadingInSerializer(data=request.data)
            payload.is_valid(raise_exception=True)
            try:
                outcome = actions.kpi_reading_add(
                    item=item,
                    user=cast(User, request.user),  # IsAuthenticated, the default
                    reading=payload.validated_data,
                )
            except actions.InvalidInputError as exc:
                return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
            code = status.HTTP_201_CREATED if outcome.saved else status.HTTP_200_OK
            return Response(serializers.KpiReadingsOutSerializer(outcome).data, status=code)
        series = kpi_series([item]).get(item.pk, [])
        data = {
            "action_item": item.pk,
            "kpi": item.kpi,
            "unit": item.unit,
            "kpi_direction": item.kpi_direction,
            "baseline": item.baseline,
            "target": item.target,
            "start": item.start,
            "due": item.due,
            "kpi_status": kpi_statuses([item])[item.pk],
            "readings": series,
        }
        return Response(serializers.KpiSeriesSerializer(data).data)

    def partial_update(self, request: Request, pk: str) -> Response:
        item = self.get_object()
        changes = serializers.ActionItemUpdateSerializer(data=request.data)
        changes.is_valid(raise_exception=True)
        try:
            item = actions.action_item_change(
                item=item,
                user=cast(User, request.user),  # IsAuthenticated, the default, let only users in
                changes=changes.validated_data,
            )
        except actions.InvalidInputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        item = self.get_queryset().get(pk=item.pk)
        return Response(self.get_serializer(item).data)


class KpiReadingViewSet(viewsets.GenericViewSet):
    """Many KPI readings in one call, for any action items the user may record for."""

    parser_classes = [StrictJSONParser]
    serializer_class = serializers.KpiReadingsInSerializer

    @extend_schema(
        summary="Record many KPI readings at once, all or nothing",
        description=(
            "For owners, consultants with access and assignees, each reading for an action item "
            "you may record for (another organization's item is simply unknown). Every reading "
            "is checked as the report page checks one; if any has a problem nothing is saved and "
            "each message is given at the reading's position. Up to 10,000 readings per call. "
            "Readings equal to stored ones are left alone, so a retried call is safe."
        ),
        request=serializers.KpiReadingsInSerializer,
        responses={
            201: serializers.KpiReadingsOutSerializer,
            200: OpenApiResponse(
                serializers.KpiReadingsOutSerializer, description="All already recorded."
            ),
            400: INVALID,
            401: UNAUTHENTICATED,
        },
        examples=[
            OpenApiExample(
                "Two months of two KPIs",
                request_only=True,
                value={
                    "readings": [
                        {"action_item": 12, "measured_on": "2027-01-31", "value": 9},
                        {"action_item": 12, "measured_on": "2027-02-28", "value": "10.5"},
                        {"action_item": 13, "measured_on": "2027-02-28", "value": 4.2},
                    ]
                },
            )
        ],
    )
    def create(self, request: Request) -> Response:
        payload = serializers.KpiReadingsInSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        try:
            outcome = actions.kpi_readings_add(
                user=cast(User, request.user),  # IsAuthenticated, the default
                readings=payload.validated_data["readings"],
            )
        except actions.InvalidInputError as exc:
            return Response(exc.errors, status=status.HTTP_400_BAD_REQUEST)
        code = status.HTTP_201_CREATED if outcome.saved else status.HTTP_200_OK
        return Response(serializers.KpiReadingsOutSerializer(outcome).data, status=code)
