"""A department subscribes once; each period's report is built when the period closes, kept as built."""

import json
from datetime import datetime, timezone

import pytest

from fillonce.core.config import load_settings
from fillonce.core.db import replaying
from fillonce.core.errors import Conflict, PermissionDenied
from fillonce.ledger import log
from fillonce.reports import subscriptions
from spec_stories import civil_monthly, publish


def on(month: int, day: int):
    return replaying(datetime(2026, month, day, 10, tzinfo=timezone.utc))


@pytest.fixture
def subscribed(city):
    with on(10, 1):
        city.spec = publish(city, civil_monthly(deadline_days=10), city.erin)
    city.subscription = subscriptions.subscribe(city.db, city.frank, city.spec.id, 3, "csv")
    return city


def test_each_period_is_built_once_after_it_closes(subscribed):
    with on(11, 26):
        built = subscriptions.rebuild_due(subscribed.db, load_settings())
        assert [b.period for b in built] == ["202610"]
        assert subscriptions.rebuild_due(subscribed.db, load_settings()) == []  # built once
    with on(12, 5):  # 202611 is due on 10 December: not yet
        assert subscriptions.rebuild_due(subscribed.db, load_settings()) == []
    with on(12, 11):
        built = subscriptions.rebuild_due(subscribed.db, load_settings())
        assert [b.period for b in built] == ["202611"] and built[0].body.decode("utf-8-sig").startswith("code,")
    last = json.loads(log.entry(subscribed.db, log.current_size(subscribed.db) - 1).body)
    assert last["action"] == "report.build" and last["who"]["department"] == "MZJ"


@pytest.mark.parametrize("who", ["grace", "heidi", "alice", "carol", "ivan"])
def test_only_the_specs_department_subscribes(subscribed, who):
    with pytest.raises(PermissionDenied):
        subscriptions.subscribe(subscribed.db, subscribed.actors[who], subscribed.spec.id, 3, "csv")


def test_a_subscription_is_not_doubled_and_can_be_cancelled(subscribed):
    with pytest.raises(Conflict):
        subscriptions.subscribe(subscribed.db, subscribed.erin, subscribed.spec.id, 3, "csv")
    subscriptions.unsubscribe(subscribed.db, subscribed.erin, subscribed.subscription.id)
    with on(11, 26):
        assert subscriptions.rebuild_due(subscribed.db, load_settings()) == []


def test_the_subscriptions_page_and_the_built_file(subscribed, client, sign_in):
    with on(11, 26):
        built = subscriptions.rebuild_due(subscribed.db, load_settings())[0]
    sign_in("frank")
    page = client.get("/reports/subscriptions")
    assert page.status_code == 200 and "202610" in page.text
    got = client.get(f"/reports/built/{built.id}")
    assert got.status_code == 200 and got.headers["x-fillonce-sha256"] == built.sha256
    client.cookies.clear()
    sign_in("grace")
    assert client.get(f"/reports/built/{built.id}").status_code == 404
