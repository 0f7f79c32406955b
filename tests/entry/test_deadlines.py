"""A period closes after its deadline and grace; late is recorded; only a department whose spec is in the
form reopens it, with a reason, and that is in the ledger too."""

import json
from datetime import datetime, timezone

import pytest

from fillonce.core.db import replaying
from fillonce.core.errors import Conflict, PermissionDenied, ValidationError
from fillonce.entry import service as entry
from fillonce.ledger import log
from spec_stories import civil_monthly, publish

GOOD = {("POP_REGISTERED", ""): 2000, ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", ""): 20}


def on(month: int, day: int):
    return replaying(datetime(2026, month, day, 10, tzinfo=timezone.utc))


@pytest.fixture
def graced(city):
    with on(11, 1):
        publish(city, civil_monthly(deadline_days=10, grace_days=3), city.erin)  # 202611 due Dec 10, closes Dec 13
    return city


def test_on_time_late_within_grace_and_closed(graced):
    with on(12, 5):
        entry.save_values(graced.db, graced.alice, "V1", "202611", GOOD)
        assert entry.submit_form(graced.db, graced.alice, "V1", "202611").late is False
    with on(12, 12):
        entry.save_values(graced.db, graced.carol, "V2", "202611", GOOD)
        assert entry.submit_form(graced.db, graced.carol, "V2", "202611").late is True
    with on(12, 14), pytest.raises(Conflict, match="已过报送期限（2026-12-10 截止，宽限至 2026-12-13）"):
        entry.save_values(graced.db, graced.bob, "V3", "202611", GOOD)


def test_a_department_reopens_a_closed_period_for_one_unit_with_a_reason(graced):
    with on(12, 20):
        with pytest.raises(Conflict):
            entry.save_values(graced.db, graced.bob, "V3", "202611", GOOD)
        with pytest.raises(ValidationError, match="须说明原因"):
            entry.reopen(graced.db, graced.frank, "V3", "202611", " ")
        entry.reopen(graced.db, graced.frank, "V3", "202611", "村委会换届，补报", days=3)
        body = json.loads(log.entry(graced.db, log.current_size(graced.db) - 1).body)
        assert body["action"] == "period.reopen" and body["reason"] == "村委会换届，补报"
        entry.save_values(graced.db, graced.bob, "V3", "202611", GOOD)
        assert entry.submit_form(graced.db, graced.bob, "V3", "202611").late is True
        with pytest.raises(Conflict):  # reopening V3 opens nothing else
            entry.save_values(graced.db, graced.alice, "V1", "202611", GOOD)
    with on(12, 24), pytest.raises(Conflict):  # the reopening has run out
        entry.save_values(graced.db, graced.bob, "V3", "202611", {("DIBAO_HOUSEHOLDS", ""): 9}, reason="更正")


@pytest.mark.parametrize("who", ["alice", "carol", "grace", "heidi", "ivan"])
def test_only_a_department_in_the_form_reopens(graced, who):
    with on(12, 20), pytest.raises(PermissionDenied):
        entry.reopen(graced.db, graced.actors[who], "V3", "202611", "补报")


def test_an_open_period_needs_no_reopening(graced):
    with on(12, 1), pytest.raises(Conflict, match="尚未截止"):
        entry.reopen(graced.db, graced.erin, "V3", "202611", "补报")


def test_the_form_page_shows_the_deadline_and_lets_the_department_reopen(graced, client, sign_in):
    with on(12, 20):
        sign_in("alice")
        page = client.get("/forms/V1/202611")
        assert "已截止" in page.text and 'name="v|POP_REGISTERED|"' in page.text and "disabled" in page.text
        client.cookies.clear()
        token = sign_in("frank")
        assert "为本单位重新开放" in client.get("/forms/V1/202611").text
        done = client.post("/forms/V1/202611/reopen", data={"csrf_token": token, "reason": "补报", "days": "5"})
        assert done.status_code == 303
        client.cookies.clear()
        sign_in("alice")
        assert "已截止" not in client.get("/forms/V1/202611").text
