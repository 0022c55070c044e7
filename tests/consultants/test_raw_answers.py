"""The raw answers: one row per submitted answer, anonymous, scoped, streamed in fixed queries."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Answer, Assessment, Response
from banks.models import Question
from consultants.selectors import raw_answers
from organizations.models import Level, Membership
from tests.accounts.factories import UserFactory
from tests.api.conftest import token_client
from tests.assessments.factories import AssessmentFactory, InvitationFactory, ResponseFactory
from tests.consultants.factories import ConsultantAccessFactory
from tests.organizations.factories import MembershipFactory
from tests.scenarios import small_bank

pytestmark = pytest.mark.django_db

HEADERS = [
    "Cycle",
    "Level",
    "Respondent",
    "Question code",
    "Question",
    "Current practice (1-5)",
    "What the strategy needs (1-5, owner only)",
    "Don't know (1 = yes)",
    "Comment",
]
# Text a spreadsheet would run as a formula, and how the export must write it.
HOSTILE = {
    '=HYPERLINK("http://evil.example")': '\'=HYPERLINK("http://evil.example")',
    "+1+1": "'+1+1",
    "-2+3": "'-2+3",
    "@SUM(A1)": "'@SUM(A1)",
    "\uff1d1+1": "'\uff1d1+1",  # full-width equals sign
    "\uff0b1": "'\uff0b1",
    "\uff0d1": "'\uff0d1",
    "\uff20SUM(A1)": "'\uff20SUM(A1)",
}
# Two downloads (CSV and XLSX) and one API read, each: who is asking and what they may see, the
# cycles, the submitted responses, the questions, the answers, and their transaction.
RAW_EXPORT_MAX_QUERIES = 30
NAMES = ("Mallory", "owner@example.com", "mallory@bakery.example", "sam0@bakery.example")


@pytest.fixture
def bank(db):
    return small_bank(slug="raw-bank")


def _respond(
    cycle,
    level,
    *,
    user=None,
    email=None,
    currents=(3, 3, 3, 3),
    comments=None,
    targets=None,
    submitted=True,
):
    invitation = InvitationFactory(assessment=cycle, email=email, level=level) if email else None
    response = ResponseFactory(
        assessment=cycle,
        level=level,
        user=user,
        invitation=invitation,
        submitted_at=timezone.now() if submitted else None,
    )
    questions = Question.objects.filter(area__dimension__bank=cycle.bank).order_by("pk")
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            current=current,
            target=(targets or {}).get(n),
            comment=(comments or {}).get(n, ""),
        )
        for n, (question, current) in enumerate(zip(questions, currents, strict=True))
    )
    return response


@pytest.fixture
def cycles(organization, owner, bank):
    """Two cycles: one with an owner, one manager and three staff; one with two staff only."""
    first = AssessmentFactory(
        organization=organization, bank=bank, label="2026-Q2", status=Assessment.Status.CLOSED
    )
    owner.first_name, owner.last_name = "Olive", "Owner"
    owner.save()
    _respond(
        first,
        Level.OWNER,
        user=owner,
        currents=(4, None, 2, 5),
        targets={0: 5},
        comments={0: "We ask every customer.", 1: next(iter(HOSTILE))},
    )
    manager = UserFactory(email="mallory@bakery.example", first_name="Mallory", last_name="M")
    MembershipFactory(organization=organization, user=manager, role=Membership.Role.MANAGER)
    _respond(first, Level.MANAGER, user=manager, comments={2: "Fine by me"})
    for n, hostile in enumerate(list(HOSTILE)[1:4]):
        _respond(
            first,
            Level.STAFF,
            email=f"sam{n}@bakery.example",
            comments={3: hostile},
            currents=(1 + n, 2, 3, None),
        )
    _respond(first, Level.STAFF, email="late@bakery.example", submitted=False)  # never handed in
    second = AssessmentFactory(
        organization=organization, bank=bank, label="2026-Q4", status=Assessment.Status.OPEN
    )
    Assessment.objects.filter(pk=second.pk).update(created_at=timezone.now() + timedelta(days=1))
    _respond(second, Level.OWNER, user=owner, comments={0: "The owner's own view."})
    for n in range(2):
        _respond(
            second, Level.STAFF, email=f"few{n}@bakery.example", comments={0: "Only two of us"}
        )
    return first, second


def _url(organization, fmt, cycle=None):
    url = reverse("clients:raw_answers_export", kwargs={"pk": organization.pk, "fmt": fmt})
    return f"{url}?cycle={cycle.pk}" if cycle else url


def _csv(client, organization, cycle=None):
    response = client.get(_url(organization, "csv", cycle))
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(body)))


def test_one_row_per_submitted_answer_with_the_owners_targets(owner_client, organization, cycles):
    response, rows = _csv(owner_client, organization)
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="resonance-crumb-co-answers.csv"' in response["Content-Disposition"]
    assert rows[0] == HEADERS
    body = [dict(zip(HEADERS, row, strict=True)) for row in rows[1:]]
    first = [row for row in body if row["Cycle"] == "2026-Q2"]
    assert len(first) == 5 * 4  # owner, manager, three staff; the unsubmitted one left out
    owner_rows = {row["Question code"]: row for row in first if row["Level"] == "owner"}
    feedback = owner_rows["market.a.q0"]
    assert (feedback["Current practice (1-5)"], feedback["Don't know (1 = yes)"]) == ("4", "0")
    assert feedback["What the strategy needs (1-5, owner only)"] == "5"
    assert feedback["Question"] == "Statement market 0"
    assert feedback["Comment"] == "We ask every customer."
    unknown = owner_rows["market.a.q1"]
    assert (unknown["Current practice (1-5)"], unknown["Don't know (1 = yes)"]) == ("", "1")
    # No override stored: the bank's target for operational excellence, which the owner kept.
    assert unknown["What the strategy needs (1-5, owner only)"] == "4"
    others = [row for row in first if row["Level"] != "owner"]
    assert {row["What the strategy needs (1-5, owner only)"] for row in others} == {""}


def test_respondents_are_numbers_and_names_never_appear(owner_client, organization, cycles):
    _response, rows = _csv(owner_client, organization)
    text = "\n".join(",".join(row) for row in rows)
    for name in (*NAMES, "Olive", "Mallory", "late@bakery.example"):
        assert name not in text
    numbers = [int(row[2]) for row in rows[1:]]
    assert numbers == sorted(numbers)  # one respondent's answers together, in number order
    respondents = sorted(set(numbers))
    assert respondents == list(range(1, len(respondents) + 1))
    for number in respondents:
        assert numbers.count(number) == 4  # every respondent's four answers, one number


def test_small_groups_are_merged_or_left_out(owner_client, organization, cycles):
    _response, rows = _csv(owner_client, organization)
    by_cycle: dict[str, set[str]] = {}
    for row in rows[1:]:
        by_cycle.setdefault(row[0], set()).add(row[1])
    # One manager and three staff: both shown as "others", never as their own level.
    assert by_cycle["2026-Q2"] == {"owner", "others"}
    # Two staff: fewer than three people, so their answers and comments are not in the file.
    assert by_cycle["2026-Q4"] == {"owner"}
    assert not any("Only two of us" in row for row in rows)


def test_levels_of_three_or_more_are_shown_apart(owner_client, organization, bank):
    cycle = AssessmentFactory(organization=organization, bank=bank, label="big")
    for level in (Level.MANAGER, Level.STAFF):
        for n in range(3):
            _respond(cycle, level, email=f"{level}{n}@bakery.example")
    _response, rows = _csv(owner_client, organization, cycle)
    assert {row[1] for row in rows[1:]} == {"manager", "staff"}
    assert len(rows) == 1 + 6 * 4


def test_formula_like_text_is_quoted(owner_client, organization, cycles):
    _response, rows = _csv(owner_client, organization)
    comments = {row[8] for row in rows[1:]}
    for hostile in list(HOSTILE)[:4]:
        assert HOSTILE[hostile] in comments
        assert hostile not in comments


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_every_formula_start_is_quoted_by_the_export_helper(hostile):
    from consultants.exports import table_csv_stream

    written = "".join(table_csv_stream(["Comment"], [[hostile]]))
    assert next(csv.reader(io.StringIO(written.splitlines()[1]))) == [HOSTILE[hostile]]


def test_one_cycle_only_with_its_label_in_the_file_name(owner_client, organization, cycles):
    first, _second = cycles
    response, rows = _csv(owner_client, organization, first)
    assert {row[0] for row in rows[1:]} == {"2026-Q2"}
    assert "answers-2026-q2.csv" in response["Content-Disposition"]


def test_xlsx_holds_the_same_rows(owner_client, organization, cycles):
    _response, rows = _csv(owner_client, organization)
    response = owner_client.get(_url(organization, "xlsx"))
    assert response.status_code == 200
    assert "answers.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [
        ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
    ]
    assert cells == rows
    assert sheet["A1"].font.bold


# Prepared rows (numbers, None, text already quoted) with text a spreadsheet might read as
# something else: a number, a link, a date, a formula that was quoted, spaces at the ends.
PREPARED = [
    ("2026-Q1", "owner", 1, "12", "http://example.com", 3, 4, 0, "'=1+1"),
    ("2026-Q1", "staff", 2, "1.5e3", " spaced ", None, None, 1, ""),
    ("2026-Q1", "others", 3, "2026-01-01", "TRUE", 5, None, 0, 'a & <b> "c"\nd'),
    ("", "staff", 4, "0042", "na\u00efve \uff1d 1", 2.5, 0, 0, "x" * 70),
]


def _workbook_cells(*, prepared: bool):
    from consultants.exports import table_xlsx_file

    headers = ["Text", "Level", "N", "Code", "Question", "Current", "Target", "DK", "Comment"]
    with table_xlsx_file(
        title="Answers", headers=headers, rows=PREPARED, widths=(5,) * 9, prepared=prepared
    ) as file:
        sheet = load_workbook(io.BytesIO(file.read())).active
    cells = [[(cell.value, cell.data_type) for cell in row] for row in sheet.iter_rows()]
    return sheet, cells


def test_prepared_xlsx_rows_keep_their_types():
    sheet, cells = _workbook_cells(prepared=True)
    assert [value for value, _type in cells[0]][:3] == ["Text", "Level", "N"]
    assert all(sheet.cell(row=1, column=n).font.bold for n in range(1, 10))
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width == pytest.approx(5.7109375)  # 5 characters
    for row, written in zip(cells[1:], PREPARED, strict=True):
        for (value, data_type), expected in zip(row, written, strict=True):
            if expected is None or expected == "":
                assert value is None  # a blank cell
            elif isinstance(expected, str):
                assert (value, data_type) == (expected, "s")  # text stays text
            else:
                assert (value, data_type) == (expected, "n")
    # The same cells as the generic path (XlsxWriter's write_row) writes them.
    assert _workbook_cells(prepared=False)[1] == cells


def test_the_api_streams_the_same_rows_as_json(owner, organization, cycles):
    first, _second = cycles
    response = token_client(owner).get(f"/api/cycles/{first.pk}/raw-answers/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    rows = json.loads(b"".join(response.streaming_content))
    assert len(rows) == 20
    assert set(rows[0]) == {
        "cycle",
        "level",
        "respondent",
        "question",
        "question_text",
        "current",
        "target",
        "dont_know",
        "comment",
    }
    unknown = next(r for r in rows if r["level"] == "owner" and r["question"] == "market.a.q1")
    assert (unknown["current"], unknown["dont_know"], unknown["target"]) == (None, True, 4)
    assert "mallory" not in json.dumps(rows).lower()


def test_a_consultant_with_access_downloads_them(client, organization, cycles):
    consultant = ConsultantAccessFactory(organization=organization).consultant
    client.force_login(consultant)
    _response, rows = _csv(client, organization)
    assert len(rows) == 1 + 20 + 4
    first, _second = cycles
    api = token_client(consultant).get(f"/api/cycles/{first.pk}/raw-answers/")
    assert api.status_code == 200


def test_outsiders_and_former_consultants_get_404(client, organization, cycles):
    first, _second = cycles
    other_owner = MembershipFactory(organization__name="Elsewhere").user
    former = ConsultantAccessFactory(organization=organization, revoked=True).consultant
    for user in (other_owner, former):
        client.force_login(user)
        for fmt in ("csv", "xlsx"):
            assert client.get(_url(organization, fmt)).status_code == 404
        api = token_client(user).get(f"/api/cycles/{first.pk}/raw-answers/")
        assert api.status_code == 404
    client.logout()
    assert client.get(_url(organization, "csv")).status_code == 302  # to the log-in page


def test_a_cycle_of_another_organization_is_404(owner_client, organization, cycles, bank):
    foreign = AssessmentFactory(bank=bank, label="theirs")
    assert owner_client.get(_url(organization, "csv", foreign)).status_code == 404
    url = _url(organization, "csv")
    assert owner_client.get(url + "?cycle=abc").status_code == 404
    assert owner_client.get(url + "?cycle=99999999999").status_code == 404


def test_a_manager_may_not_download_them(client, organization, cycles):
    manager = Membership.objects.get(organization=organization, role="manager").user
    client.force_login(manager)
    assert client.get(_url(organization, "csv")).status_code == 403
    first, _second = cycles
    assert token_client(manager).get(f"/api/cycles/{first.pk}/raw-answers/").status_code == 403


def test_links_on_the_cycle_page_and_the_dashboard(client, owner_client, organization, cycles):
    first, _second = cycles
    link = _url(organization, "csv", first)
    assert link in owner_client.get(first.get_absolute_url()).content.decode()
    dashboard = reverse("clients:dashboard", args=[organization.pk])
    consultant = ConsultantAccessFactory(organization=organization).consultant
    client.force_login(consultant)
    assert _url(organization, "xlsx") in client.get(dashboard).content.decode()
    manager = Membership.objects.get(organization=organization, role="manager").user
    client.force_login(manager)
    assert "answers.csv" not in client.get(first.get_absolute_url()).content.decode()


def _crowd(cycle, respondents):
    """Add submitted managers and staff to the cycle in bulk, with a comment on every answer."""
    responses = Response.objects.bulk_create(
        Response(
            assessment=cycle,
            level=Level.MANAGER if n % 4 == 0 else Level.STAFF,
            submitted_at=timezone.now(),
        )
        for n in range(respondents)
    )
    questions = list(Question.objects.filter(area__dimension__bank=cycle.bank))
    Answer.objects.bulk_create(
        Answer(response=response, question=question, current=3, comment=f"Note {response.pk}")
        for response in responses
        for question in questions
    )


def test_the_export_takes_the_same_queries_however_many_answers(
    owner, owner_client, organization, bank
):
    cycle = AssessmentFactory(organization=organization, bank=bank, label="grow")
    api = token_client(owner)
    counts, sizes = [], []
    for crowd in (10, 190):  # 10 respondents, then 200
        _crowd(cycle, crowd)
        with CaptureQueriesContext(connection) as queries:
            for fmt in ("csv", "xlsx"):
                response = owner_client.get(_url(organization, fmt))
                assert response.status_code == 200
                b"".join(response.streaming_content)
            response = api.get(f"/api/cycles/{cycle.pk}/raw-answers/")
            rows = json.loads(b"".join(response.streaming_content))
        counts.append(len(queries))
        sizes.append(len(rows))
    assert sizes == [10 * 4, 200 * 4]
    assert counts[0] == counts[1], counts
    assert counts[1] <= RAW_EXPORT_MAX_QUERIES, counts


AWKWARD = {
    0: 'comma, and "quotes"',
    1: "two\nlines\r\nand a carriage return, café ☕",
    2: " leading space and trailing ",
    3: "=1+1, quoted and commas",
}


@pytest.fixture
def awkward_cycle(organization, bank):
    """A cycle whose label and comments hold every character that CSV or JSON must escape."""
    cycle = AssessmentFactory(organization=organization, bank=bank, label='Q4, "final" é')
    for n in range(3):
        _respond(cycle, Level.STAFF, email=f"w{n}@bakery.example", comments=AWKWARD)
    return cycle


def test_the_csv_is_what_the_csv_module_writes(owner_client, organization, awkward_cycle):
    """The CSV is assembled by hand for speed: it must equal csv.writer's text, byte for byte."""
    response = owner_client.get(_url(organization, "csv", awkward_cycle))
    body = b"".join(response.streaming_content).decode()
    expected = io.StringIO()
    writer = csv.writer(expected)
    writer.writerow(HEADERS)
    writer.writerows(
        raw_answers.raw_answer_rows(
            organization=organization, cycle_id=awkward_cycle.pk, spreadsheet=True
        )
    )
    assert body == expected.getvalue()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[1][0] == 'Q4, "final" é'
    assert {row[8] for row in rows[1:]} == {*list(AWKWARD.values())[:3], "'=1+1, quoted and commas"}


def test_the_api_json_is_what_json_dumps_writes(owner, organization, awkward_cycle):
    """The JSON is assembled by hand too: each object as json.dumps writes it, texts unquoted."""
    response = token_client(owner).get(f"/api/cycles/{awkward_cycle.pk}/raw-answers/")
    body = b"".join(response.streaming_content).decode()
    keys = raw_answers.raw_answer_keys()
    objects = [
        dict(zip(keys, (*row[:7], bool(row[7]), row[8]), strict=True))
        for row in raw_answers.raw_answer_rows(organization=organization, cycle_id=awkward_cycle.pk)
    ]
    assert body == "[" + ",".join(json.dumps(item) for item in objects) + "]"
    assert {item["comment"] for item in json.loads(body)} == set(AWKWARD.values())


def test_other_databases_read_the_answers_in_the_same_order(organization, cycles, bank):
    """SQLite (development) sorts in the query; PostgreSQL reads respondent by respondent."""
    cycle = AssessmentFactory(organization=organization, bank=bank, label="crowd")
    _crowd(cycle, 12)
    respondents = raw_answers._respondents(
        list(
            organization.assessments.order_by("created_at", "pk").values_list(
                "pk", "label", "bank_id", "strategy_snapshot"
            )
        ),
        quote=str,
    )
    cycle_ids = list(organization.assessments.values_list("pk", flat=True))
    portable = list(raw_answers._answer_values_portable(respondents, cycle_ids=cycle_ids))
    assert [who.number for who, *_rest in portable] == sorted(
        who.number for who, *_rest in portable
    )
    assert len(portable) == 4 * (5 + 1 + 12)  # the first cycle's five, the owner of the second
    if connection.vendor == "postgresql":
        with transaction.atomic():
            assert list(raw_answers._answer_values_postgresql(respondents)) == portable
