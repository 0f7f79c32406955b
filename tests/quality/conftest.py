"""A month of reporting in the test city with one problem of each reporting kind, laid down in its
own time: V1 on time then changed, lowered and deleted after a reopening, reopened twice; V2 late with
an explained warning; V3 missing."""

from datetime import datetime, timezone

import pytest

from fillonce.core.db import replaying
from fillonce.entry import service as entry
from fillonce.specs.draft import RuleDraft
from spec_stories import civil_monthly, publish

GOOD = {("POP_REGISTERED", ""): 2000, ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", ""): 20}


def at(day: int, hour: int = 9) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=timezone.utc)


@pytest.fixture
def monthly(city):
    """民统月01表 for villages, due 10 days after the month, 5 days' grace, with a warning rule."""
    with replaying(at(1)):
        publish(city, civil_monthly(grace_days=5, rules=[
            RuleDraft("DB_P >= DB_H", "error", "低保人数不应少于低保户数"),
            RuleDraft("DB_P <= POP * 0.015", "warning", "低保人数超过户籍人口的1.5%，请核实")]), city.erin)
    return city


@pytest.fixture
def troubled(monthly):
    s = monthly
    with replaying(at(5)):
        entry.save_values(s.db, s.alice, "V1", "202610", GOOD)
        entry.submit_form(s.db, s.alice, "V1", "202610")
    with replaying(at(6)):
        entry.save_values(s.db, s.alice, "V1", "202610", {("POP_REGISTERED", ""): 2010}, reason="改")
    with replaying(at(12)):
        entry.save_values(s.db, s.carol, "V2", "202610", {**GOOD, ("DIBAO_PERSONS", ""): 40})
        entry.submit_form(s.db, s.carol, "V2", "202610", {"民统月01表#1": "新纳入一户重残家庭"})
    with replaying(at(20)):
        entry.reopen(s.db, s.erin, "V1", "202610", "村里反映低保户数有误", days=3)
    with replaying(at(21)):
        entry.save_values(s.db, s.alice, "V1", "202610", {("DIBAO_HOUSEHOLDS", ""): 8}, reason="核减两户")
        entry.save_values(s.db, s.alice, "V1", "202610", {("DIBAO_PERSONS", ""): ""}, reason="人数重新核实中")
    with replaying(at(24)):
        entry.reopen(s.db, s.erin, "V1", "202610", "再次核实低保人数", days=2)
    return s
