"""Two monthly forms sharing the registered population, in force since 1 October (see test_metrics)."""

from datetime import datetime, timezone

import pytest

from fillonce.core.db import replaying
from fillonce.entry import service as entry
from fillonce.specs.draft import FieldDraft, SpecDraft
from spec_stories import civil_monthly, publish

OCTOBER_FIRST = datetime(2026, 10, 1, 9, tzinfo=timezone.utc)


def health_reusing_population() -> SpecDraft:
    return SpecDraft(form_number="卫健月01表", title_zh="妇幼健康月报", department_code="WJW", period_type="monthly",
                     target_level=4, deadline_days=10,
                     fields=[FieldDraft("POP", "户籍人口数", element_code="POP_REGISTERED"),
                             FieldDraft("C06", "0-6岁儿童数", element_code="CHILDREN_0_6")])


@pytest.fixture
def two_forms(city):
    with replaying(OCTOBER_FIRST):
        civil = publish(city, civil_monthly(), city.erin)
        health = publish(city, health_reusing_population(), city.grace)
    with replaying(datetime(2026, 11, 5, 9, tzinfo=timezone.utc)):  # October's form, before its deadline
        entry.save_values(city.db, city.alice, "V1", "202610", {("POP_REGISTERED", ""): 2000})
    return city, civil, health
