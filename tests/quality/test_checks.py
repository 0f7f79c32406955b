"""Every reporting check finds its seeded problem and nothing else; re-running updates instead of
duplicating; what no longer reproduces is cleared, never dropped."""

import pytest

from fillonce.core.db import replaying
from fillonce.entry import service as entry
from fillonce.orgunits import service as orgunits
from fillonce.quality import service as quality
from quality.conftest import GOOD, at


def _by_unit(db, actor, **filters):
    found = quality.findings(db, actor, quality.Filters(**filters), limit=None)
    units = quality.units_of(db, found)
    return {(units[f.org_unit_id].code if f.org_unit_id else None, f.sub_kind): f for f in found}


def test_each_seeded_problem_is_found_with_its_evidence(troubled):
    s = troubled
    summary = quality.run_checks(s.db, s.heidi, "202610")
    found = _by_unit(s.db, s.heidi, period="202610")
    assert set(found) == {
        ("V1", "changed_without_reason"), ("V1", "lowered_after_deadline"), ("V1", "deleted_after_deadline"),
        ("V1", "missing_required"), ("V1", "repeated_reopening"),
        ("V2", "late_submission"), ("V2", "rule_failure"),
        ("V3", "missing_form"),
    }
    assert summary.found == {"omission": 2, "late": 1, "duplicate": 0, "false": 1, "concealment": 4}
    lowered = found[("V1", "lowered_after_deadline")]
    assert (lowered.evidence["before"], lowered.evidence["now"]) == ("10", "8")  # recovered from the ledger's hash
    assert lowered.evidence["changes"][0]["reason"] == "核减两户" and len(lowered.evidence["reopenings"]) == 2
    assert found[("V1", "deleted_after_deadline")].evidence["before"] == "20"
    assert found[("V1", "changed_without_reason")].evidence["changes"][0]["reason"] == "改"
    rule = found[("V2", "rule_failure")]
    assert rule.evidence["explanation"] == "新纳入一户重残家庭" and rule.evidence["severity"] == "warning"
    assert found[("V2", "late_submission")].evidence["days_late"] == 2
    assert found[("V3", "missing_form")].evidence["filled"] == 0
    assert found[("V1", "lowered_after_deadline")].department_id == found[("V1", "missing_required")].department_id


def test_a_clean_unit_has_no_findings(monthly):
    s = monthly
    with replaying(at(5)):
        for unit, who in (("V1", s.alice), ("V2", s.carol)):
            entry.save_values(s.db, who, unit, "202610", GOOD)
            entry.submit_form(s.db, who, unit, "202610")
    quality.run_checks(s.db, s.heidi, "202610")
    assert set(_by_unit(s.db, s.heidi, period="202610")) == {("V3", "missing_form")}


def test_nothing_is_missing_before_the_deadline(monthly):
    with replaying(at(3)):
        quality.run_checks(monthly.db, monthly.heidi, "202610")
    assert _by_unit(monthly.db, monthly.heidi) == {}


def test_running_again_updates_the_same_findings(troubled):
    s = troubled
    first = quality.run_checks(s.db, s.heidi, "202610")
    ids = {key: f.id for key, f in _by_unit(s.db, s.heidi).items()}
    again = quality.run_checks(s.db, s.heidi, "202610")
    assert again.new == 0 and again.cleared == 0 and first.new == len(ids)
    assert {key: f.id for key, f in _by_unit(s.db, s.heidi).items()} == ids


def test_a_finding_that_no_longer_reproduces_is_cleared_not_dropped(troubled):
    s = troubled
    quality.run_checks(s.db, s.heidi, "202610")
    with replaying(at(25)):  # the second reopening lets V1 fill the deleted value again
        entry.save_values(s.db, s.alice, "V1", "202610", {("DIBAO_PERSONS", ""): 20}, reason="核实后补回")
    summary = quality.run_checks(s.db, s.heidi, "202610")
    assert summary.cleared >= 1
    assert ("V1", "missing_required") not in _by_unit(s.db, s.heidi)
    cleared = _by_unit(s.db, s.heidi, status="cleared")[("V1", "missing_required")]
    assert cleared.status == "cleared" and cleared.cleared_on == at(26).date()
    assert ("V1", "missing_required") in _by_unit(s.db, s.heidi, status="all")


def test_officials_see_their_subtree_and_departments_their_findings(troubled):
    s = troubled
    quality.run_checks(s.db, s.heidi, "202610")
    assert {unit for unit, _ in _by_unit(s.db, s.carol)} == {"V1", "V2"}
    assert {unit for unit, _ in _by_unit(s.db, s.dave)} == {"V3"}
    mzj = _by_unit(s.db, s.erin)
    assert mzj and all(f.department_id == s.erin.department_id for f in mzj.values())
    assert _by_unit(s.db, s.grace) == {}
    assert set(_by_unit(s.db, s.heidi, unit="S1", kind="late")) == {("V2", "late_submission")}


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_reporters_do_not_list_findings(troubled, who):
    from fillonce.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        quality.findings(troubled.db, troubled.actors[who], quality.Filters())


def test_a_unit_card_shows_its_rates_and_findings(troubled):
    s = troubled
    quality.run_checks(s.db, s.heidi, "202610")
    card = quality.card(s.db, s.alice, "V1")
    assert [(r.label, r.expected, r.submitted, r.on_time) for r in card.rates] == [("202610", 1, 1, 1)]
    assert card.by_kind["concealment"] == 4 and card.by_kind["omission"] == 1
    v2 = quality.card(s.db, s.carol, "V2")
    assert [(r.submitted, r.on_time) for r in v2.rates] == [(1, 0)]
    district = quality.rates_by_district(s.db, s.heidi, "202610")
    assert [(r.label, r.expected, r.submitted, r.on_time) for r in district] == [("东湖区", 2, 2, 1), ("西岭县", 1, 0, 0)]
    assert orgunits.get(s.db, "V1").code == card.unit.code
