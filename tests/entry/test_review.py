"""A spec that asks for it gets the street's review: accepted data becomes final, returned data is corrected;
a spec that does not ask for it adds no step."""

import json

import pytest

from fillonce.core.errors import Conflict, PermissionDenied, ValidationError
from fillonce.entry import service as entry
from fillonce.ledger import log
from fillonce.reports import service as reports
from spec_stories import civil_monthly, publish

GOOD = {("POP_REGISTERED", ""): 2000, ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", ""): 20}


@pytest.fixture
def reviewed(city):
    city.spec = publish(city, civil_monthly(requires_review=True), city.erin)
    entry.save_values(city.db, city.alice, "V1", "202611", GOOD)
    entry.submit_form(city.db, city.alice, "V1", "202611")
    return city


def test_without_the_setting_submitted_data_is_final_at_once(city):
    publish(city, civil_monthly(), city.erin)
    entry.save_values(city.db, city.alice, "V1", "202611", GOOD)
    assert entry.submit_form(city.db, city.alice, "V1", "202611").status == "final"


def test_the_street_accepts_and_the_report_counts_it(reviewed):
    submission = entry.submission_of(reviewed.db, reviewed.alice.org_unit_id, "202611")
    assert submission.status == "awaiting_review"
    assert [u.code for u, _ in entry.awaiting_review(reviewed.db, reviewed.carol, "202611")] == ["V1"]
    assert reports.build(reviewed.db, reviewed.erin, reviewed.spec.id, "202611").submitted == 0  # still provisional
    entry.review(reviewed.db, reviewed.carol, "V1", "202611", accept=True)
    assert submission.status == "final"
    assert reports.build(reviewed.db, reviewed.erin, reviewed.spec.id, "202611").submitted == 1


def test_a_returned_form_is_corrected_and_submitted_again(reviewed):
    with pytest.raises(ValidationError):
        entry.review(reviewed.db, reviewed.carol, "V1", "202611", accept=False, comment=" ")
    entry.review(reviewed.db, reviewed.carol, "V1", "202611", accept=False, comment="低保户数与台账不符")
    body = json.loads(log.entry(reviewed.db, log.current_size(reviewed.db) - 1).body)
    assert (body["action"], body["reason"]) == ("form.review_return", "低保户数与台账不符")
    entry.save_values(reviewed.db, reviewed.alice, "V1", "202611", {("DIBAO_HOUSEHOLDS", ""): 9}, reason="按台账更正")
    assert entry.submit_form(reviewed.db, reviewed.alice, "V1", "202611").status == "awaiting_review"
    with pytest.raises(Conflict):  # V2 has submitted nothing to review
        entry.review(reviewed.db, reviewed.carol, "V2", "202611", accept=True)


@pytest.mark.parametrize("who", ["alice", "bob", "dave", "erin", "heidi", "ivan"])
def test_only_an_official_above_the_unit_reviews(reviewed, who):
    with pytest.raises(PermissionDenied):
        entry.review(reviewed.db, reviewed.actors[who], "V1", "202611", accept=True)


def test_the_review_on_the_page(reviewed, client, sign_in):
    token = sign_in("carol")
    assert "杨柳社区" in client.get("/review?period=202611").text
    page = client.get("/forms/V1/202611")
    assert "审核通过" in page.text
    done = client.post("/forms/V1/202611/review", data={"csrf_token": token, "decision": "accept"})
    assert done.status_code == 303
    assert "暂无待审核" in client.get("/review?period=202611").text
