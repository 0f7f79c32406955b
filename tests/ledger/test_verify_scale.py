"""What lets verify scale: worker processes (each with its own connection) find exactly what the
in-session path finds, and the replayed object states live on disk, not in memory.

The workers read committed rows, so these tests build their own committed database rather than using
the rolled-back story."""

import pytest
from sqlalchemy import text

from databases import fresh_database_url
from fillonce.accounts.system import INSTALLER
from fillonce.core import migrate
from fillonce.core.config import load_settings
from fillonce.core.db import make_engine, make_session_factory
from fillonce.ledger import log, merkle
from fillonce.ledger import verify as verifier
from fillonce.orgunits import service as orgunits


@pytest.fixture
def committed(database_kind, tmp_path, monkeypatch):
    """A committed log of 301 entries cut into chunks of 8, small enough to start a pool."""
    monkeypatch.setattr(verifier, "CHUNK_LEVEL", 3)
    monkeypatch.setattr(verifier, "PARALLEL_MIN_CHUNKS", 2)
    url, drop = fresh_database_url(database_kind, tmp_path)
    engine = make_engine(url)
    migrate.upgrade(engine)
    db = make_session_factory(engine)()
    orgunits.create(db, INSTALLER, orgunits.OrgUnitInput("ROOT", "根"))
    for batch in range(3):
        orgunits.bulk_import(db, INSTALLER, [orgunits.OrgUnitInput(f"U{batch}_{i}", "单位", "ROOT")
                                             for i in range(100)])
    try:
        yield db
    finally:
        db.close()
        engine.dispose()
        drop()


@pytest.fixture
def events(committed):
    """The committed log followed by 99 events, so that whole chunks of events take the fast place check."""
    size = log.current_size(committed)
    log.append(committed, size, [(_entry(idx, "event"), "t", str(idx), "x") for idx in range(size, size + 99)])
    committed.commit()
    return committed


@pytest.mark.parametrize("workers", [1, 2])
def test_a_run_of_events_verifies_and_one_naming_another_s_index_is_named(events, workers):
    """Entry 350 rewritten to name index 351, with its leaf hash and the stored nodes above it made to match:
    only the place check can find it."""
    assert verifier.verify(events, load_settings(), workers=workers).ok
    forged = _entry(351, "event")
    events.execute(text("UPDATE ledger_entry SET body = :b, leaf_hash = :h WHERE idx = 350"),
                   {"b": forged, "h": merkle.leaf_hash(forged)})
    _restore_band_nodes(events)
    report = verifier.verify(events, load_settings(), workers=workers)
    assert report.first_bad_entry() == 350 and "place" in report.problems[0].what


def _restore_band_nodes(db) -> None:
    """Recompute the stored band nodes from the stored leaf hashes, as someone covering their tracks would."""
    leaves = [bytes(h) for (h,) in db.execute(text("SELECT leaf_hash FROM ledger_entry ORDER BY idx"))]
    db.execute(text("DELETE FROM ledger_node"))
    db.execute(text("INSERT INTO ledger_node (key, hash) VALUES (:k, :h)"),
               [{"k": log.node_key(level, index), "h": node}
                for level, first, hashes in merkle.new_complete_levels(0, leaves, lambda keys: {})
                if level and level % log.BAND == 0 for index, node in enumerate(hashes, start=first)])
    db.commit()


def test_workers_and_the_session_agree_chunk_by_chunk(committed):
    ranges = [(first, min(first + 8, 301)) for first in range(0, 301, 8)]
    in_session = list(verifier._chunk_results(committed, ranges, len(ranges), workers=1))
    in_workers = list(verifier._chunk_results(committed, ranges, len(ranges), workers=2))
    assert in_workers == in_session
    assert all(r.root is not None for r in in_session[:-1]) and in_session[-1].root is None
    assert sum(len(r.replay) for r in in_session) == 301


def test_a_clean_log_verifies_in_workers(committed):
    report = verifier.verify(committed, load_settings(), workers=2)
    assert report.ok, report.problems
    assert report.size == 301 and report.objects == 301


def test_an_edited_entry_is_named_by_a_worker(committed):
    committed.execute(text("UPDATE ledger_entry SET body = :b WHERE idx = 137"), {"b": b'{"forged":true}'})
    committed.commit()
    report = verifier.verify(committed, load_settings(), workers=2)
    assert report.first_bad_entry() == 137 and "leaf hash" in report.problems[0].what


def test_a_row_changed_behind_the_app_is_found_after_a_parallel_replay(committed):
    committed.execute(text("UPDATE org_unit SET name_zh = '篡改' WHERE code = 'U2_50'"))
    committed.commit()
    report = verifier.verify(committed, load_settings(), workers=2)
    assert len(report.problems) == 1 and "behind" in report.problems[0].what


def test_the_replay_keeps_the_last_state_of_each_object_and_hands_each_out_once():
    replay = verifier.Replay()
    try:
        replay.record([("org_unit:1", b"a"), ("org_unit:2", b"b"), ("org_unit:1", b"c"), ("org_units:9", b"x")])
        replay.record([("org_unit:2", None), ("account:1", b"d")])
        assert replay.take(["org_unit:1", "org_unit:7"]) == {"org_unit:1": b"c"}
        assert replay.take(["org_unit:1"]) == {}
        assert replay.rest("org_unit") == [("org_unit:2", None)]  # not org_units:9, not account:1
        assert replay.rest("org_unit") == []
        assert replay.rest("org_units") == [("org_units:9", b"x")]
    finally:
        replay.close()


def test_a_forged_row_far_beyond_the_log_is_a_gap(committed):
    committed.execute(text("INSERT INTO ledger_entry (idx, leaf_hash, body, object_type, object_id, action) "
                           "VALUES (:i, :h, :b, 'x', '1', 'x')"), {"i": 10**15, "h": b"\x00" * 32, "b": b"{}"})
    committed.commit()
    report = verifier.verify(committed, load_settings(), workers=2)
    assert report.first_bad_entry() == 301 and "contiguous" in report.problems[0].what


def test_a_forged_node_above_the_chunks_is_named(committed):
    """With chunks of 8 entries, level-4 nodes are recomputed from chunk roots by the caller, not by a worker."""
    committed.execute(text("UPDATE ledger_node SET hash = :h WHERE key = :k"),
                      {"h": b"\x00" * 32, "k": log.node_key(4, 5)})
    committed.commit()
    report = verifier.verify(committed, load_settings(), workers=2)
    assert report.first_bad_entry() == 5 << 4 and "level 4, index 5" in report.problems[0].what


def _entry(idx: int, effect: str, details: dict | None = None) -> bytes:
    return log.canonical_json({"v": log.ENTRY_VERSION, "idx": idx, "at": "2026-01-01T00:00:00Z", "who": {},
                               "action": "x", "effect": effect, "object": {"type": "t", "id": str(idx)},
                               "content_hash": "ab" if effect == "write" else None, "prev": None,
                               "reason": None, "details": details or {}})


@pytest.mark.parametrize("effects", [["event"] * 4, ["event", "write", "event", "delete"]])
def test_the_place_check_finds_a_swapped_pair_in_a_run_of_events_or_of_mixed_entries(effects):
    def joined(order):
        return b"\n".join(_entry(idx, effects[idx - 10]) for idx in order)

    assert verifier._effects_if_in_place(joined([10, 11, 12, 13]), 10, 14) == {e.encode() for e in effects}
    assert verifier._effects_if_in_place(joined([10, 12, 11, 13]), 10, 14) is None
    assert verifier._effects_if_in_place(joined([10, 11, 12]), 10, 14) is None


def test_an_idx_in_the_details_is_not_taken_for_the_entry_s_place():
    body = _entry(7, "event", details={"idx": 99})
    assert verifier._effects_if_in_place(body, 7, 8) == {b"event"}


def test_a_details_key_ending_like_effect_is_not_taken_for_the_entry_s_effect():
    body = _entry(7, "event", details={"side_effect": "write"})
    assert verifier._effects_if_in_place(body, 7, 8) == {b"event"}


@pytest.mark.parametrize("first, stop", [(0, 1), (0, 10), (3, 8), (7, 23), (9, 11), (10, 20), (95, 1007),
                                         (99_990, 100_013), (16_384, 32_768)])
def test_the_expected_places_of_a_run_of_events_are_built_ten_at_a_time_without_a_slip(first, stop):
    one_by_one = b"".join(b'event","idx":%d\n' % idx for idx in range(first, stop))
    assert verifier._event_places(first, stop) == one_by_one


def test_a_run_of_events_with_one_index_off_by_ten_is_not_in_place():
    """Built ten at a time, the expected places must still differ where a body names the wrong tens."""
    bodies = [_entry(idx, "event") for idx in range(20, 40)]
    bodies[15] = _entry(25, "event")  # entry 35 names 25
    assert verifier._effects_if_in_place(b"\n".join(bodies), 20, 40) is None


@pytest.mark.parametrize("workers", [1, 2])
def test_an_entry_re_pointed_at_another_object_is_named_by_workers_too(committed, workers):
    committed.execute(text("UPDATE ledger_entry SET object_id = 'elsewhere' WHERE idx = 123"))
    committed.commit()
    report = verifier.verify(committed, load_settings(), workers=workers)
    assert report.first_bad_entry() == 123 and "indexed columns" in report.problems[0].what
