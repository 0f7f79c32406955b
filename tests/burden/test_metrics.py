"""Burden figures on a small story, checked against a count by hand.

Civil affairs' monthly form asks POP, DB_H, DB_P and computes RATE; the health commission's monthly form asks
POP (already collected by civil affairs: reused) and C06. Three villages (V1, V2, V3), both forms in force since
1 October. By hand, per village and month: the separate forms ask 6 fields; the one form asks 4 (POP, DB_H,
DB_P, C06), computes 1 (RATE) and avoids 1 duplicate (health's POP). With the default minutes (2 a whole
number, 3 a field worked out by hand, 0.5 to confirm a prefilled one): 5 × 2 + 3 = 13 minutes before, 4 × 2 = 8
after. In November, V1's POP arrives prefilled from October: 3 × 2 + 0.5 = 6.5 minutes for V1.
"""

import pytest

from fillonce.burden import service as burden
from fillonce.burden import settings as office_settings
from fillonce.core.errors import PermissionDenied
from fillonce.specs import service as specs


def test_the_gate_made_health_reuse_the_population(two_forms):
    _, _, health = two_forms
    assert {f.key: f.mode for f in health.fields} == {"POP": "reuse", "C06": "ask"}


def test_the_city_figures_equal_the_count_by_hand(two_forms):
    story, _, _ = two_forms
    measured = burden.measure(story.db, burden.scope_for(story.db, story.heidi).units, months=2)
    (october, oct_tally), (november, nov_tally) = measured.months
    assert (october.id, november.id) == ("202610", "202611")
    villages = 3
    assert (oct_tally.forms_before, oct_tally.forms_after) == (2 * villages, villages)
    assert (oct_tally.separate, oct_tally.asked, oct_tally.hand, oct_tally.prefilled) == (18, 12, 12, 0)
    assert (oct_tally.computed, oct_tally.duplicate) == (3, 3)
    assert (oct_tally.minutes_before, oct_tally.minutes_after) == (39, 24)
    assert (nov_tally.hand, nov_tally.prefilled) == (11, 1)
    assert nov_tally.minutes_after == 2 * 8 + 6.5
    assert measured.total.minutes_saved == (39 - 24) + (39 - 22.5)
    assert measured.reports_generated == 4  # two forms' reports for two months, built from the shared data
    civil, health = measured.by_spec["民统月01表"], measured.by_spec["卫健月01表"]
    assert (civil.asked, civil.computed, civil.duplicate) == (18, 6, 0)
    assert (health.asked, health.computed, health.duplicate) == (6, 0, 6)
    assert set(measured.by_department) == {"民政局", "卫健委"}


def test_the_office_s_minutes_change_the_estimate(two_forms):
    story, _, _ = two_forms
    office_settings.change(story.db, story.heidi, {"minutes.integer": "1", "minutes.computed": "0"})
    measured = burden.measure(story.db, burden.scope_for(story.db, story.heidi).units, months=1)
    assert (measured.total.minutes_before, measured.total.minutes_after) == (15, 11 + 0.5)


def test_a_spec_counts_only_while_it_is_in_force(two_forms):
    story, _, health = two_forms
    specs.retire(story.db, story.grace, health.id, "并入民政月报")
    measured = burden.measure(story.db, burden.scope_for(story.db, story.heidi).units, months=2)
    assert measured.months[0][1].separate == 18  # October still had both forms
    assert measured.months[1][1].separate == 12  # from now, only civil affairs' form


def test_each_person_sees_their_own_scope(two_forms):
    story, _, _ = two_forms
    assert [u.code for u in burden.scope_for(story.db, story.alice).units] == ["V1"]
    assert {u.code for u in burden.scope_for(story.db, story.carol).units} == {"S1", "V1", "V2"}
    department = burden.scope_for(story.db, story.erin)
    assert department.department.code == "MZJ"
    measured = burden.measure_scope(story.db, department, months=1)
    assert set(measured.by_spec) == {"民统月01表"} and measured.total.separate == 12
    village = burden.measure_scope(story.db, burden.scope_for(story.db, story.alice), months=1)
    assert (village.total.separate, village.total.asked, village.total.prefilled) == (6, 4, 1)
    for person, kwargs in (("alice", {"unit_code": "V3"}), ("carol", {"unit_code": "V3"}),
                           ("erin", {"department_code": "WJW"}), ("bob", {"department_code": "MZJ"})):
        with pytest.raises(PermissionDenied):
            burden.scope_for(story.db, story.actors[person], **kwargs)


def test_the_city_summary_in_the_pilots_form(two_forms):
    story, _, _ = two_forms
    summary = burden.summary(story.db, story.heidi, months=2)
    assert (summary.specs, summary.period_types) == (2, 1)
    assert (summary.indicators_before, summary.indicators_after) == (6, 4)
    assert summary.reports_a_year == 24
    assert summary.hours_saved == pytest.approx(((39 - 24) + (39 - 22.5)) / 60)
    for person in ("alice", "carol", "erin"):
        with pytest.raises(PermissionDenied):
            burden.summary(story.db, story.actors[person])
