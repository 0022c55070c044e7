"""Reading through the API: what each role sees, and that everything else is a 404."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Assessment
from consultants.models import ConsultantAccess
from reports.models import ActionItem
from tests.api.conftest import token_client
from tests.assessments.factories import AssessmentFactory
from tests.consultants.factories import ConsultantAccessFactory

pytestmark = pytest.mark.django_db


def test_without_credentials_every_endpoint_answers_401(scored):
    client = APIClient()
    for url in ["/api/organizations/", "/api/cycles/", "/api/results/", "/api/action-items/"]:
        response = client.get(url)
        assert response.status_code == 401, url
        assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused(scored):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token rsn_not-a-real-token")
    assert client.get("/api/organizations/").status_code == 401


def test_owner_lists_their_organization_with_their_role(owner, scored, outsider):
    response = token_client(owner).get("/api/organizations/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [organization] = body["results"]
    assert organization["id"] == scored.organization_id
    assert organization["name"] == "Crumb & Co"
    assert organization["role"] == "owner"
    assert organization["capacity_days_per_month"] == 8.0


def test_consultant_with_a_grant_in_force_sees_the_client(consultant, scored):
    client = token_client(consultant)
    [organization] = client.get("/api/organizations/").json()["results"]
    assert organization["role"] == "consultant"
    detail = client.get(f"/api/organizations/{scored.organization_id}/")
    assert detail.status_code == 200
    assert detail.json()["name"] == "Crumb & Co"


def test_a_revoked_grant_shows_nothing(consultant, scored):
    ConsultantAccess.objects.filter(consultant=consultant).update(revoked_at=timezone.now())
    client = token_client(consultant)
    assert client.get("/api/organizations/").json()["count"] == 0
    assert client.get(f"/api/organizations/{scored.organization_id}/").status_code == 404
    assert client.get(f"/api/cycles/{scored.pk}/").status_code == 404


def test_outsider_gets_404_for_every_object_of_the_client(outsider, scored):
    client = token_client(outsider)
    item = scored.action_items.first()
    urls = [
        f"/api/organizations/{scored.organization_id}/",
        f"/api/organizations/{scored.organization_id}/latest-result/",
        f"/api/cycles/{scored.pk}/",
        f"/api/results/{scored.report.pk}/",
        f"/api/action-items/{item.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Crumb" not in response.content.decode()
    for url in ["/api/organizations/", "/api/cycles/", "/api/results/", "/api/action-items/"]:
        assert client.get(url).json()["count"] == 0, url


def test_filtering_by_a_foreign_organization_matches_nothing(outsider, scored):
    client = token_client(outsider)
    response = client.get("/api/cycles/", {"organization": scored.organization_id})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_cycles_carry_status_and_report_status(owner, scored):
    body = token_client(owner).get("/api/cycles/").json()
    [cycle] = body["results"]
    assert cycle["id"] == scored.pk
    assert cycle["label"] == "2026-Q4"
    assert cycle["status"] == Assessment.Status.SCORED
    assert cycle["report_status"] == "ready"
    assert cycle["band"] == scored.report.band
    assert cycle["alignment_index"] == pytest.approx(scored.report.alignment_index)
    assert cycle["bank"] == {"slug": "smb-alignment", "version": 3}


def test_cycles_filter_by_organization_and_status(owner, scored, default_bank):
    AssessmentFactory(organization=scored.organization, bank=default_bank, label="2027-Q1")
    client = token_client(owner)
    every = client.get("/api/cycles/", {"organization": scored.organization_id}).json()
    assert every["count"] == 2
    open_ones = client.get("/api/cycles/", {"status": "open"}).json()
    assert [c["label"] for c in open_ones["results"]] == ["2027-Q1"]
    assert open_ones["results"][0]["report_status"] is None


def test_an_invalid_filter_value_is_a_clear_400(owner, scored):
    client = token_client(owner)
    response = client.get("/api/cycles/", {"status": "burnt"})
    assert response.status_code == 400
    assert "burnt is not one of the available choices" in response.json()["status"][0]
    response = client.get("/api/results/", {"cycle": "abc"})
    assert response.status_code == 400
    assert response.json()["cycle"] == ["Enter a whole number."]


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/cycles/", "organization"),
        ("/api/cycles/", "status"),
        ("/api/results/", "cycle"),
        ("/api/action-items/", "organization"),
        ("/api/action-items/", "status"),
    ],
)
def test_a_filter_given_empty_is_a_400_not_no_filter(owner, scored, url, parameter):
    # `?organization=` is no id: answering with everything would read as "this filter holds".
    client = token_client(owner)
    response = client.get(f"{url}?{parameter}=")
    assert response.status_code == 400
    assert response.json()[parameter] == ["Give a value, or leave the parameter out."]
    assert client.get(url).status_code == 200


def test_result_is_the_engines_json(consultant, scored):
    client = token_client(consultant)
    body = client.get("/api/results/", {"cycle": scored.pk}).json()
    [result] = body["results"]
    assert result["cycle"] == scored.pk
    assert result["organization"] == scored.organization_id
    engine = result["result"]
    stored = scored.report.result
    assert engine["alignment_index"] == stored["alignment_index"]
    assert engine["priorities"] == stored["priorities"]
    assert engine["action_plan"] == stored["action_plan"]
    for key in ["alignment_index", "band", "dimensions", "consistency_flags", "pitfalls"]:
        assert key in engine
    assert engine["priorities"], "a scored cycle has priorities"
    area = next(iter(next(iter(engine["dimensions"].values()))["areas"].values()))
    assert "contributions" in area


def test_latest_result_is_the_newest_ready_cycle(consultant, scored, default_bank):
    # A newer cycle that is still open has no result: the latest result stays the scored one.
    AssessmentFactory(organization=scored.organization, bank=default_bank, label="2027-Q1")
    response = token_client(consultant).get(
        f"/api/organizations/{scored.organization_id}/latest-result/"
    )
    assert response.status_code == 200
    assert response.json()["cycle"] == scored.pk
    assert response.json()["cycle_label"] == "2026-Q4"


def test_latest_result_of_a_client_without_one_is_404(owner, scored):
    scored.report.delete()
    response = token_client(owner).get(
        f"/api/organizations/{scored.organization_id}/latest-result/"
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "This organization has no scored result yet."


def test_action_items_list_and_filter(manager, scored):
    client = token_client(manager)
    items = list(scored.action_items.order_by("position"))
    body = client.get("/api/action-items/", {"cycle": scored.pk}).json()
    assert body["count"] == len(items) > 0
    first = body["results"][0]
    assert first["title"] == items[0].title
    assert first["status"] == "todo"
    ActionItem.objects.filter(pk=items[0].pk).update(status=ActionItem.Status.DONE)
    done = client.get("/api/action-items/", {"status": "done"}).json()
    assert [i["id"] for i in done["results"]] == [items[0].pk]


def test_lists_are_paginated(owner, scored, default_bank):
    for n in range(4):
        AssessmentFactory(
            organization=scored.organization,
            bank=default_bank,
            label=f"old-{n}",
            status=Assessment.Status.CLOSED,
        )
    client = token_client(owner)
    first = client.get("/api/cycles/", {"page_size": 2}).json()
    assert first["count"] == 5
    assert len(first["results"]) == 2
    assert first["previous"] is None
    assert "page=2" in first["next"]
    last = client.get("/api/cycles/", {"page_size": 2, "page": 3}).json()
    assert len(last["results"]) == 1
    assert last["next"] is None
    seen = {
        c["id"]
        for p in (1, 2, 3)
        for c in client.get("/api/cycles/", {"page_size": 2, "page": p}).json()["results"]
    }
    assert len(seen) == 5
    assert client.get("/api/cycles/", {"page_size": 2, "page": 9}).status_code == 404


def test_list_queries_do_not_grow_with_the_rows(
    owner, scored, default_bank, django_assert_max_num_queries
):
    for n in range(10):
        AssessmentFactory(
            organization=scored.organization,
            bank=default_bank,
            label=f"x-{n}",
            status=Assessment.Status.CLOSED,
        )
    client = token_client(owner)
    with django_assert_max_num_queries(6):
        assert client.get("/api/cycles/").json()["count"] == 11


def _level_means(result):
    for dimension in result["dimensions"].values():
        for area in dimension["areas"].values():
            yield area["level_means"]
            for contribution in area["contributions"]:
                yield contribution["level_means"]


def test_a_lone_managers_answers_are_not_exposed(owner, scored):
    # One manager and four staff: the engine keeps the manager's own mean; the API does not.
    assert any("manager" in means for means in _level_means(scored.report.result))
    [result] = token_client(owner).get("/api/results/").json()["results"]
    seen = list(_level_means(result["result"]))
    assert seen
    assert all(set(means) <= {"owner"} for means in seen)
    # Everything pooled stays.
    assert result["result"]["perception_gaps"] == scored.report.result["perception_gaps"]


def test_groups_of_three_or_more_are_shown_apart(default_bank, no_pdf):
    from organizations.models import Level
    from reports.models import Report
    from reports.services import report_build, report_request
    from tests.scenarios import answered_assessment, owner_of

    assessment = answered_assessment(
        default_bank, levels={Level.OWNER: 1, Level.MANAGER: 3, Level.STAFF: 3}
    )
    report_build(report_id=report_request(assessment=assessment, enqueue=False).pk)
    assert Report.objects.get(assessment=assessment).status == Report.Status.READY
    [result] = token_client(owner_of(assessment)).get("/api/results/").json()["results"]
    assert all(
        set(means) == {"owner", "manager", "staff"} for means in _level_means(result["result"])
    )


def test_format_suffixes_are_not_urls(owner, scored):
    client = token_client(owner)
    for url in [
        f"/api/organizations/{scored.organization_id}.json",
        f"/api/organizations/{scored.organization_id}/latest-result.json",
        "/api/cycles.json",
    ]:
        # At most a redirect to the same path with a slash, which is no object either.
        assert client.get(url, follow=True).status_code == 404, url
    queued_at = scored.report.queued_at
    assert client.post(f"/api/cycles/{scored.pk}/rebuild.json").status_code in (301, 404)
    scored.report.refresh_from_db()
    assert scored.report.queued_at == queued_at


@pytest.mark.parametrize("url", ["/api/organizations/", "/api/results/", "/api/action-items/"])
def test_other_lists_use_a_fixed_number_of_queries(
    url, consultant, scored, default_bank, no_pdf, django_assert_max_num_queries
):
    from reports.services import report_build, report_request
    from tests.scenarios import answered_assessment

    # A second client of the same consultant, with its own result and plan.
    other = answered_assessment(
        default_bank, owner_email="owner@second.example", organization_name="Second Shop"
    )
    ConsultantAccessFactory(organization=other.organization, consultant=consultant)
    report_build(report_id=report_request(assessment=other, enqueue=False).pk)
    client = token_client(consultant)
    with django_assert_max_num_queries(5):
        body = client.get(url).json()
    assert len({row.get("organization", row["id"]) for row in body["results"]}) == 2
