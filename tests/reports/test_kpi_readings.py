"""KPI readings: statuses of many items in one query, the baseline, recording and rights."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from organizations.models import Membership
from reports.kpi import kpi_behind_counts, kpi_reading_can_record, kpi_statuses
from reports.kpi_services import KpiReadingsError, ReadingInput, kpi_readings_record
from reports.models import ActionItem, KpiReading
from tests.accounts.factories import UserFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory
from tests.reports.factories import ActionItemFactory, KpiReadingFactory, ReportFactory

pytestmark = pytest.mark.django_db


def _content(assessment, report):
    from banks.services import bank_to_engine
    from reports.content import report_content

    return report_content(
        assessment=assessment,
        result=report.result,
        perception=report.perception,
        plan=list(assessment.action_items.order_by("position")),
        bank=bank_to_engine(assessment.bank),
    )


START = date(2026, 1, 1)
DUE = date(2026, 1, 31)
MID = date(2026, 1, 16)


def _item(**fields) -> ActionItem:
    defaults = {"baseline": 10.0, "target": 20.0, "start": START, "due": DUE}
    return ActionItemFactory(**{**defaults, **fields})


def test_statuses_of_many_items_cost_one_query(django_assert_num_queries):
    behind = _item()
    on_track = _item()
    achieved = _item(kpi_direction="down", baseline=20.0, target=10.0)
    silent = _item()
    KpiReadingFactory(action_item=behind, measured_on=START, value=Decimal("10"))
    KpiReadingFactory(action_item=behind, measured_on=MID, value=Decimal("13"))
    # The latest by date counts, whatever the order of recording.
    KpiReadingFactory(action_item=on_track, measured_on=MID, value=Decimal("14"))
    KpiReadingFactory(action_item=on_track, measured_on=START, value=Decimal("2"))
    KpiReadingFactory(action_item=achieved, measured_on=MID, value=Decimal("9.5"))
    extra = [_item() for _ in range(20)]
    for item in extra:
        KpiReadingFactory(action_item=item, measured_on=MID, value=Decimal("15"))
    items = [behind, on_track, achieved, silent, *extra]
    with django_assert_num_queries(1):
        statuses = kpi_statuses(items)
    assert statuses[behind.pk] == "behind"
    assert statuses[on_track.pk] == "on_track"
    assert statuses[achieved.pk] == "achieved"
    assert statuses[silent.pk] == "no_data"
    assert {statuses[item.pk] for item in extra} == {"on_track"}
    with django_assert_num_queries(1):
        assert kpi_statuses(ActionItem.objects.filter(pk__in=[behind.pk])) == {behind.pk: "behind"}
    with django_assert_num_queries(0):
        assert kpi_statuses([]) == {}


def test_behind_counts_read_the_latest_scored_plan_of_each_organization(
    django_assert_num_queries,
):
    old = ReportFactory(alignment_index=60.0)
    organization = old.assessment.organization
    new = ReportFactory(assessment__organization=organization, alignment_index=70.0)
    for report, values in ((old, ["1", "1"]), (new, ["13", "14", "1"])):
        for value in values:
            item = _item(assessment=report.assessment)
            KpiReadingFactory(action_item=item, measured_on=MID, value=Decimal(value))
    other = ReportFactory()
    KpiReadingFactory(
        action_item=_item(assessment=other.assessment), measured_on=MID, value=Decimal("1")
    )
    _item(assessment=other.assessment)  # no reading: never behind
    nobody = other.assessment.organization.pk + 1000
    with django_assert_num_queries(1):
        counts = kpi_behind_counts([organization.pk, other.assessment.organization.pk, nobody])
    # 13 and 1 are behind in the new plan (14 is on the edge); the old plan no longer counts.
    assert counts == {organization.pk: 2, other.assessment.organization.pk: 1, nobody: 0}
    assert kpi_behind_counts([]) == {}


def test_the_first_reading_sets_the_baseline_and_later_ones_keep_it():
    item = _item(baseline=None)
    user = UserFactory()
    readings = [
        ReadingInput(item, MID, Decimal("12.5")),
        ReadingInput(item, START, Decimal("11")),  # the earliest in the batch
    ]
    kpi_readings_record(readings=readings, user=user, source=KpiReading.Source.WEB)
    item.refresh_from_db()
    assert item.baseline == 11.0
    kpi_readings_record(
        readings=[ReadingInput(item, START - timedelta(days=3), Decimal("4"))],
        user=user,
        source=KpiReading.Source.WEB,
    )
    item.refresh_from_db()
    assert item.baseline == 11.0
    assert KpiReading.objects.filter(action_item=item).count() == 3
    assert KpiReading.objects.filter(recorded_by=user).count() == 3


def test_a_date_already_stored_or_repeated_saves_nothing():
    item = _item()
    KpiReadingFactory(action_item=item, measured_on=START, value=Decimal("10"))
    readings = [
        ReadingInput(item, MID, Decimal("12")),
        ReadingInput(item, START, Decimal("10.5")),
        ReadingInput(item, MID, Decimal("13")),
    ]
    with pytest.raises(KpiReadingsError) as caught:
        kpi_readings_record(readings=readings, user=None, source=KpiReading.Source.API)
    assert set(caught.value.problems) == {1, 2}
    assert "already a reading of 10" in caught.value.problems[1][0]
    assert KpiReading.objects.filter(action_item=item).count() == 1


def test_a_rebuild_keeps_the_readings_and_the_baseline_and_both_reports_chart_them(
    no_pdf, built_report, assessment, client
):
    from reports.pdf import report_pdf_html
    from reports.services import report_build, report_request
    from tests.scenarios import owner_of

    first = assessment.action_items.order_by("position").first()
    assert first.baseline is None
    kpi_readings_record(
        readings=[ReadingInput(first, first.start, Decimal("7.25"))],
        user=None,
        source=KpiReading.Source.WEB,
    )
    report_request(assessment=assessment, enqueue=False)
    report_build(report_id=built_report.pk)
    kept = ActionItem.objects.get(pk=first.pk)
    assert kept.baseline == 7.25
    assert kept.kpi_readings.get().value == Decimal("7.25")
    # The web page: a panel per action, a chart and its table for the measured one.
    client.force_login(owner_of(assessment))
    page = client.get(reverse("reports:report", args=[assessment.pk])).content.decode()
    assert 'id="kpis"' in page
    assert page.count('class="kpi-panel"') == assessment.action_items.count()
    assert f'data-figure="fig-kpi-{first.pk}"' in page
    assert f'href="#kpi-{first.pk}"' in page  # the plan table's status badge
    assert "7.25" in page
    # The printed report: the same panel, its chart an SVG.
    built_report.refresh_from_db()
    html = report_pdf_html(_content(assessment, built_report))
    # In print the panel is found, and linked to from the plan, by its title's id.
    assert f'href="#kpi-title-{first.pk}"' in html
    panel = html.split(f'id="kpi-title-{first.pk}"')[1].split("</article>")[0]
    assert "data:image/svg+xml;base64," in panel
    assert "7.25" in panel
    assert "Record a reading" not in html


def test_who_may_record_readings():
    item = _item(assignee="Mia.Manager@Bakery.example")
    organization = item.assessment.organization
    owner = MembershipFactory(organization=organization).user
    assignee = MembershipFactory(
        organization=organization,
        role=Membership.Role.MANAGER,
        user=UserFactory(email="mia.manager@bakery.example"),
    ).user
    other_member = MembershipFactory(organization=organization, role=Membership.Role.MANAGER).user
    consultant = ConsultantAccessFactory(organization=organization).consultant
    revoked = ConsultantAccessFactory(organization=organization, revoked=True).consultant
    # Named like the assignee, but not a member: the assignee field is no grant by itself.
    stranger = UserFactory(email="mia.manager@bakery.example.org", first_name="Mia")
    assert kpi_reading_can_record(user=owner, item=item)
    assert kpi_reading_can_record(user=assignee, item=item)
    assert kpi_reading_can_record(user=consultant, item=item)
    assert not kpi_reading_can_record(user=other_member, item=item)
    assert not kpi_reading_can_record(user=revoked, item=item)
    assert not kpi_reading_can_record(user=stranger, item=item)
    by_name = _item(assessment=item.assessment, assignee=" other  ", question_code="qx")
    other_member.first_name, other_member.last_name = "Other", ""
    other_member.username = "other"
    other_member.save()
    assert kpi_reading_can_record(user=other_member, item=by_name)
