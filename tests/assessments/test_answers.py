"""Answers: saved atomically, one row per question, invalid input rejected beside the field."""

import pytest
from django.urls import reverse

from assessments.models import Answer, Response
from assessments.services import cycles
from assessments.templatetags.questionnaire import scale_options
from banks.models import Question
from organizations.models import Level
from tests.accounts.factories import UserFactory
from tests.assessments.factories import AssessmentFactory, submitted_response
from tests.organizations.factories import MembershipFactory

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def questions_of(assessment):
    return list(
        Question.objects.filter(area__dimension__bank=assessment.bank).order_by(
            "area__dimension__position", "area__position", "position"
        )
    )


def save(client, assessment, question, **data):
    payload = {"question": question.pk if isinstance(question, Question) else question}
    payload.update(data)
    return client.post(reverse("assessments:save", args=[assessment.pk]), payload, **HTMX)


def test_an_answer_is_saved_once_and_updated_in_place(owner_client, assessment, owner):
    question = questions_of(assessment)[0]
    for current in ("2", "4", "dk", "5"):
        response = save(owner_client, assessment, question, current=current, comment="so so")
        assert response.status_code == 200
        assert "Saved" in response.content.decode()
    answer = Answer.objects.get()
    assert answer.current == 5
    assert answer.comment == "so so"
    assert answer.response.user == owner
    assert answer.response.level == Level.OWNER
    assert Response.objects.count() == 1


def test_every_question_answered_twice_leaves_one_row_each(owner_client, assessment):
    questions = questions_of(assessment)
    for round_ in (1, 2):
        for question in questions:
            assert save(owner_client, assessment, question, current=str(round_)).status_code == 200
    assert Answer.objects.count() == len(questions) == 64
    assert set(Answer.objects.values_list("current", flat=True)) == {2}


def test_dont_know_is_stored_as_no_value(owner_client, assessment):
    save(owner_client, assessment, questions_of(assessment)[0], current="dk")
    assert Answer.objects.get().current is None


def test_owner_target_is_stored_only_when_it_differs_from_the_bank(owner_client, assessment):
    first, second = questions_of(assessment)[:2]
    default = first.target_operational_excellence  # the fixture's declared discipline
    save(owner_client, assessment, first, current="3", target=str(default))
    other = 1 if second.target_operational_excellence != 1 else 2
    save(owner_client, assessment, second, current="3", target=str(other))
    assert Answer.objects.get(question=first).target is None
    assert Answer.objects.get(question=second).target == other


def test_save_updates_the_progress_of_its_step(
    owner_client, assessment, django_assert_max_num_queries
):
    question = questions_of(assessment)[0]
    save(owner_client, assessment, question, current="2")
    # session, user, scope, role, response, question; lock, upsert (4 with savepoints); 2 counts
    with django_assert_max_num_queries(15):
        body = save(owner_client, assessment, question, current="3").content.decode()
    assert 'id="step-progress" hx-swap-oob="innerHTML"' in body
    assert "1 of 16 answered in this part" in body
    assert "1 of 64 answered in total" in body
    assert 'id="nav-count-market"' in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"current": "6"}, "whole number from 1 to 5"),
        ({"current": "0"}, "whole number from 1 to 5"),
        ({"current": "abc"}, "whole number from 1 to 5"),
        ({"current": "3.5"}, "whole number from 1 to 5"),
        ({}, "Pick a point on the scale"),
        ({"current": "3", "target": "6"}, "target must be a whole number"),
        ({"current": "3", "target": "abc"}, "target must be a whole number"),
        ({"current": "3", "comment": "x" * 2001}, "under 2000 characters"),
    ],
)
def test_invalid_values_are_rejected_with_a_message_and_save_nothing(
    owner_client, assessment, data, message
):
    question = questions_of(assessment)[0]
    save(owner_client, assessment, question, current="2", comment="first")
    response = save(owner_client, assessment, question, **data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Not saved" in body
    assert message in body
    answer = Answer.objects.get()
    assert (answer.current, answer.target, answer.comment) == (2, None, "first")


@pytest.mark.parametrize("which", ["other bank", "unknown", "garbage"])
def test_a_question_from_elsewhere_is_rejected(owner_client, assessment, other_bank, which):
    question = {
        "other bank": Question.objects.filter(area__dimension__bank=other_bank).first(),
        "unknown": 987654,
        "garbage": "abc",
    }[which]
    response = save(owner_client, assessment, question, current="3")
    assert response.status_code == 422
    assert "not part of this questionnaire" in response.content.decode()
    assert not Answer.objects.exists()
    assert not Response.objects.exists()  # no empty response left behind either


def test_a_question_of_another_assessments_bank_is_rejected(
    owner_client, assessment, other_bank, organization
):
    other = AssessmentFactory(
        organization=organization, bank=other_bank, label="other", strategy_snapshot={}
    )
    foreign = questions_of(other)[0]
    assert save(owner_client, assessment, foreign, current="3").status_code == 422
    assert not Answer.objects.exists()


def test_the_service_rejects_what_the_form_would(assessment, owner, other_bank):
    response = cycles.response_for_member(assessment=assessment, user=owner, role="owner")
    question = questions_of(assessment)[0]
    foreign = Question.objects.filter(area__dimension__bank=other_bank).first()
    for kwargs in (
        {"question": foreign, "current": 3},
        {"question": question, "current": 6},
        {"question": question, "current": True},
        {"question": question, "current": 3, "target": 0},
        {"question": question, "current": 3, "comment": "x" * 2001},
    ):
        with pytest.raises(cycles.AnswerRejectedError):
            cycles.answer_save(response=response, **kwargs)
    assert not Answer.objects.exists()


def test_a_submitted_response_cannot_change(owner_client, assessment):
    question = questions_of(assessment)[0]
    save(owner_client, assessment, question, current="2")
    owner_client.post(reverse("assessments:submit", args=[assessment.pk]))
    response = save(owner_client, assessment, question, current="5")
    assert response.status_code == 409
    assert "submitted" in response.content.decode()
    assert Answer.objects.get().current == 2
    step = owner_client.get(reverse("assessments:step", args=[assessment.pk, "market"]))
    assert step.status_code == 302  # back to the cycle page: nothing left to edit


def test_answers_stop_when_the_cycle_closes(owner_client, assessment):
    question = questions_of(assessment)[0]
    save(owner_client, assessment, question, current="2")
    submitted_response(assessment)
    cycles.assessment_close(assessment=assessment)
    assert save(owner_client, assessment, question, current="5").status_code == 409
    assert Answer.objects.get().current == 2


def test_saved_answers_come_back_on_the_step_page(owner_client, assessment):
    question = questions_of(assessment)[0]
    save(owner_client, assessment, question, current="4", comment="we try", target="2")
    page = owner_client.get(reverse("assessments:step", args=[assessment.pk, "market"]))
    body = page.content.decode()
    assert f'id="q{question.pk}-c4" value="4" checked' in body
    assert "we try</textarea>" in body
    assert '<option value="2" selected>' in body


def test_every_scale_input_has_a_label_and_the_scale_a_legend(owner_client, assessment):
    body = owner_client.get(reverse("assessments:start", args=[assessment.pk])).content.decode()
    question = questions_of(assessment)[0]
    for value in ("1", "2", "3", "4", "5", "dk"):
        assert f'for="q{question.pk}-c{value}"' in body
    assert f'for="q{question.pk}-comment"' in body
    assert f'for="q{question.pk}-target"' in body
    assert body.count("<legend") == 16  # one fieldset per question of the first step
    assert "<script>" not in body  # no inline scripts: a strict CSP can follow


def test_the_scale_options_escape_their_words_and_check_the_saved_one():
    html = scale_options(7, "2", [("1", "<b>not</b> at all"), ("2", "Tom & Jerry")])
    assert html.count('type="radio"') == 2
    assert 'id="q7-c2" value="2" checked>' in html
    assert 'id="q7-c1" value="1">' in html
    assert "&lt;b&gt;not&lt;/b&gt; at all" in html
    assert "Tom &amp; Jerry" in html
    assert "checked" not in scale_options(7, "", [("1", "x"), ("2", "y")])


def test_the_forms_of_a_step_carry_a_csrf_token_each(owner_client, assessment):
    body = owner_client.get(reverse("assessments:start", args=[assessment.pk])).content.decode()
    forms = [part.split("</form>")[0] for part in body.split('<form id="q-')[1:]]
    assert len(forms) == 16
    for form in forms:
        assert '<input type="hidden" name="csrfmiddlewaretoken" value="' in form


def test_review_lists_the_unanswered_questions(owner_client, assessment):
    questions = questions_of(assessment)
    for question in questions[1:]:
        save(owner_client, assessment, question, current="3")
    body = owner_client.get(reverse("assessments:review", args=[assessment.pk])).content.decode()
    assert "1 question still without an answer" in body
    assert f"#q-{questions[0].pk}" in body


def test_a_manager_member_answers_at_manager_level_without_targets(client, assessment):
    manager = MembershipFactory(
        organization=assessment.organization, role="manager", user=UserFactory()
    ).user
    client.force_login(manager)
    body = client.get(reverse("assessments:start", args=[assessment.pk])).content.decode()
    assert "What our strategy needs" not in body
    question = questions_of(assessment)[0]
    assert save(client, assessment, question, current="3").status_code == 200
    assert Response.objects.get().level == Level.MANAGER
    response = save(client, assessment, question, current="3", target="2")
    assert response.status_code == 422
    assert Answer.objects.get().target is None


def test_without_javascript_a_question_posts_and_comes_back(owner_client, assessment):
    question = questions_of(assessment)[0]
    response = owner_client.post(
        reverse("assessments:save", args=[assessment.pk]),
        {"question": question.pk, "current": "3", "step": "market"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/answer/market/#q-{question.pk}")
    assert Answer.objects.get().current == 3


def test_a_comment_sent_as_the_page_closes_is_saved_quietly(owner_client, assessment):
    question = questions_of(assessment)[0]
    response = owner_client.post(
        reverse("assessments:save", args=[assessment.pk]),
        {"question": question.pk, "current": "3", "comment": "last words", "beacon": "1"},
    )
    assert response.status_code == 204
    assert Answer.objects.get().comment == "last words"
    page = owner_client.get(reverse("assessments:start", args=[assessment.pk])).content.decode()
    assert "alert" not in page  # no stray "Saved." message on the next page


def test_pages_of_the_wizard_take_a_fixed_number_of_queries(
    owner_client, assessment, django_assert_max_num_queries
):
    for question in questions_of(assessment):
        save(owner_client, assessment, question, current="3")
    for name, args in (("step", [assessment.pk, "financial"]), ("review", [assessment.pk])):
        with django_assert_max_num_queries(10):
            assert owner_client.get(reverse(f"assessments:{name}", args=args)).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_saves_make_one_response_and_one_answer(organization, owner, default_bank):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    import threading

    from django.db import connections

    assessment = cycles.assessment_start(organization=organization, user=owner, label="race")
    question = questions_of(assessment)[0]
    barrier = threading.Barrier(8)
    errors = []

    def first_save(value):
        try:
            barrier.wait()
            response = cycles.response_for_member(assessment=assessment, user=owner, role="owner")
            cycles.answer_save(response=response, question=question, current=value)
        except Exception as exc:  # collected and asserted on below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first_save, args=(1 + n % 5,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Response.objects.filter(assessment=assessment).count() == 1
    assert Answer.objects.filter(response__assessment=assessment).count() == 1


def test_a_batch_is_one_upsert_where_the_last_answer_to_a_question_wins(assessment, owner):
    first, second = questions_of(assessment)[:2]
    response = cycles.response_for_member(assessment=assessment, user=owner, role="owner")
    cycles.answer_save(response=response, question=first, current=1)
    cycles.answers_save(
        response=response,
        answers=[
            cycles.AnswerInput(question=first, current=2),
            cycles.AnswerInput(question=second, current=None, comment="no idea"),
            cycles.AnswerInput(question=first, current=4, target=5),
        ],
        submit=True,
    )
    stored = {a.question_id: a for a in Answer.objects.all()}
    assert (stored[first.pk].current, stored[first.pk].target) == (4, 5)
    assert (stored[second.pk].current, stored[second.pk].comment) == (None, "no idea")
    response.refresh_from_db()
    assert response.submitted_at is not None


def test_a_batch_with_one_bad_answer_saves_nothing(assessment):
    first, second = questions_of(assessment)[:2]
    manager = MembershipFactory(organization=assessment.organization, role="manager").user
    response = cycles.response_for_member(assessment=assessment, user=manager, role="manager")
    with pytest.raises(cycles.AnswerRejectedError, match="Only the owner"):
        cycles.answers_save(
            response=response,
            answers=[
                cycles.AnswerInput(question=first, current=2),
                cycles.AnswerInput(question=second, current=3, target=5),
            ],
            submit=True,
        )
    assert not Answer.objects.exists()
    response.refresh_from_db()
    assert response.submitted_at is None
