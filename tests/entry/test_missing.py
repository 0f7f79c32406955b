"""Officials see which of their units still owe the form, with whom to call, in the order of the tree."""

import pytest

from fillonce.core.errors import PermissionDenied
from fillonce.entry import service as entry
from spec_stories import civil_monthly, publish

GOOD = {("POP_REGISTERED", ""): 2000, ("DIBAO_HOUSEHOLDS", ""): 10, ("DIBAO_PERSONS", ""): 20}


@pytest.fixture
def round_(city):
    publish(city, civil_monthly(), city.erin)
    entry.save_values(city.db, city.alice, "V1", "202611", GOOD)
    entry.submit_form(city.db, city.alice, "V1", "202611")
    entry.save_values(city.db, city.bob, "V3", "202611", {("POP_REGISTERED", ""): 800})
    return city


def _codes(rows):
    return [m.unit.code for m in rows]


def test_each_official_sees_their_own_units_still_missing(round_):
    assert _codes(entry.missing(round_.db, round_.carol, "202611")) == ["V2"]
    assert _codes(entry.missing(round_.db, round_.dave, "202611")) == ["V3"]
    everyone = entry.missing(round_.db, round_.heidi, "202611")
    assert _codes(everyone) == ["V2", "V3"]  # tree order, not a ranking
    v3 = everyone[1]
    assert (v3.filled, v3.asked) == (1, 3) and [p.username for p in v3.contacts] == ["bob"]


def test_the_list_is_refused_outside_the_officials_area_and_to_others(round_):
    with pytest.raises(PermissionDenied):
        entry.missing(round_.db, round_.carol, "202611", under="D2")
    for who in ("alice", "erin"):
        with pytest.raises(PermissionDenied):
            entry.missing(round_.db, round_.actors[who], "202611")


def test_the_missing_page(round_, client, sign_in):
    sign_in("carol")
    page = client.get("/missing?period=202611")
    assert page.status_code == 200 and "东湖社区" in page.text and "杨柳社区" not in page.text
