"""The pulse's engine function, checked against figures worked out by hand (DESIGN.md §6, §10)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.bank import BankError, load_bank_yaml, parse_bank
from scoring.bank.yaml_io import bank_to_dict
from scoring.inputs import Answer, Response
from scoring.pulse import score_pulse
from tests.conftest import DEFAULT_BANK

UPDATES = "organizational.communication.updates"  # weight 1.0, target 4 (operational excellence)
REASONS = "organizational.communication.reasons"  # weight 1.0, target 3
PROMISE = "market.value.promise_kept"


@pytest.fixture(scope="module")
def bank():
    return load_bank_yaml(DEFAULT_BANK.read_text(encoding="utf-8"), source="default.yaml")


def _responses():
    return [
        Response("owner", {UPDATES: Answer(4)}),
        Response("staff", {UPDATES: Answer(2), REASONS: Answer(3)}),
        Response("staff", {UPDATES: Answer(3), REASONS: Answer(None)}),
        Response("manager", {REASONS: Answer(5), PROMISE: Answer(None)}),
    ]


def test_question_current_is_the_mean_of_level_means(bank):
    result = score_pulse(
        bank, [UPDATES, REASONS, PROMISE], _responses(), discipline="operational_excellence"
    )
    by_code = {q.code: q for q in result.questions}
    # Updates: owner 4, staff (2 + 3) / 2 = 2.5 → (4 + 2.5) / 2.
    assert by_code[UPDATES].current == pytest.approx(3.25)
    assert by_code[UPDATES].respondents == 3
    # Reasons: manager 5, staff 3 (the "don't know" is left out) → 4.
    assert by_code[REASONS].current == pytest.approx(4.0)
    assert by_code[PROMISE].current is None
    assert [q.code for q in result.questions] == [UPDATES, REASONS, PROMISE]


def test_area_score_over_the_pulse_questions_only(bank):
    result = score_pulse(
        bank, [UPDATES, REASONS, PROMISE], _responses(), discipline="operational_excellence"
    )
    areas = {a.code: a for a in result.areas}
    # m(updates) = (4 - 3.25) / 4 = 0.1875, term 1.0 · 4/5 = 0.8;
    # m(reasons) = 0.5 · (4 - 3) / 4 = 0.125 (overkill costs half), term 1.0 · 3/5 = 0.6.
    # S = 100 · (1 − (0.8 · 0.1875 + 0.6 · 0.125) / 1.4) = 83.928571…
    communication = areas["organizational.communication"]
    assert communication.score == pytest.approx(100 * (1 - 0.225 / 1.4))
    assert (communication.answered, communication.asked) == (2, 2)
    # Two of the area's four questions were asked: no coverage rule in a pulse.
    assert areas["market.value"].score is None  # asked, but nobody knew
    assert set(areas) == {"organizational.communication", "market.value"}


def test_the_cycle_target_overrides_the_bank(bank):
    result = score_pulse(
        bank,
        [UPDATES, REASONS],
        _responses(),
        discipline="operational_excellence",
        targets={UPDATES: 5},
    )
    # m(updates) = (5 − 3.25) / 4 = 0.4375 with term 1.0; S = 100 · (1 − 0.5125 / 1.6).
    assert result.areas[0].score == pytest.approx(67.96875)


def test_answers_to_questions_not_asked_are_ignored(bank):
    only = score_pulse(bank, [UPDATES], _responses(), discipline="operational_excellence")
    assert [a.code for a in only.areas] == ["organizational.communication"]
    # Updates alone: S = 100 · (1 − 0.1875) = 81.25.
    assert only.areas[0].score == pytest.approx(81.25)


def test_bad_input_is_refused(bank):
    with pytest.raises(ValueError, match="unknown question"):
        score_pulse(bank, ["nope"], [], discipline="operational_excellence")
    with pytest.raises(ValueError, match="discipline"):
        score_pulse(bank, [UPDATES], [], discipline="cheap")
    with pytest.raises(ValueError, match="level"):
        score_pulse(
            bank,
            [UPDATES],
            [Response("boss", {UPDATES: Answer(3)})],
            discipline="product_leadership",
        )


def test_a_bank_lists_at_most_ten_pulse_questions(bank):
    data = bank_to_dict(bank)
    data["pulse_questions"] = list(bank.questions)[:11]
    with pytest.raises(BankError, match="at most 10"):
        parse_bank(data, source="too-many.yaml")
    data["pulse_questions"] = list(bank.questions)[:10]
    assert len(parse_bank(data, source="ten.yaml").pulse_questions) == 10


ASKED = [UPDATES, REASONS, PROMISE, "organizational.communication.staff_know"]
answers_of = st.fixed_dictionaries(
    {}, optional={code: st.one_of(st.none(), st.integers(1, 5)) for code in ASKED}
)
responses_of = st.lists(
    st.tuples(st.sampled_from(["owner", "manager", "staff"]), answers_of), max_size=8
)


@settings(max_examples=60, deadline=None)
@given(people=responses_of, order=st.randoms(use_true_random=False))
def test_scores_stay_in_bounds_and_ignore_the_order_of_people(bank, people, order):
    responses = [
        Response(level, {code: Answer(value) for code, value in answers.items()})
        for level, answers in people
    ]
    result = score_pulse(bank, ASKED, responses, discipline="customer_intimacy")
    for area in result.areas:
        assert area.score is None or 0.0 <= area.score <= 100.0
    for question in result.questions:
        assert question.current is None or 1.0 <= question.current <= 5.0
    shuffled = list(responses)
    order.shuffle(shuffled)
    again = score_pulse(bank, ASKED, shuffled, discipline="customer_intimacy")
    assert [a.score for a in again.areas] == pytest.approx([a.score for a in result.areas])
