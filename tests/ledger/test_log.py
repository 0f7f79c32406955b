"""The persistent log: every change appends its entry in the same transaction, proofs come from stored nodes."""

import json

import pytest
from sqlalchemy import event, select

from fillonce.core.config import load_settings
from fillonce.core.writepath import UnrecordedChange, write_service
from fillonce.ledger import keys, log, merkle
from fillonce.ledger import service as ledger
from fillonce.ledger.models import LedgerEntry
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit


def _bodies(db):
    return [e.text for e in db.scalars(select(LedgerEntry).order_by(LedgerEntry.idx))]


def test_entries_are_canonical_json_with_who_what_which_and_a_salted_hash(story):
    unit = orgunits.rename(story.db, story.judy, "V1", "杨柳新社区")
    body = _bodies(story.db)[-1]
    entry = json.loads(body)
    assert body == json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert entry["who"] == {"account": "judy", "role": "admin", "org_unit": None, "department": None}
    assert entry["action"] == "orgunit.rename" and entry["object"] == {"type": "org_unit", "id": str(unit.id)}
    assert entry["content_hash"] == log.content_hash(keys.salt(load_settings()), unit.ledger_content())
    assert "杨柳新社区" not in body  # content only as a salted hash
    same_object = [i for i, b in enumerate(_bodies(story.db)[:-1]) if json.loads(b)["object"] == entry["object"]]
    assert entry["prev"] == same_object[-1]


def test_indexes_are_contiguous_and_the_head_matches(story):
    indexes = list(story.db.scalars(select(LedgerEntry.idx).order_by(LedgerEntry.idx)))
    assert indexes == list(range(len(indexes))) and log.current_size(story.db) == len(indexes)


def test_stored_proofs_equal_the_rfc_proofs_of_all_leaves(story):
    leaves = [merkle.leaf_hash(b.encode()) for b in _bodies(story.db)]
    size = len(leaves)
    assert log.root_at(story.db, size) == merkle.root(leaves)
    for index in range(0, size, 3):
        assert log.inclusion_proof(story.db, index, size) == merkle.inclusion_proof(leaves, index)
    for old in range(1, size, 4):
        assert log.consistency_proof(story.db, old, size) == merkle.consistency_proof(leaves, old)


def test_a_failed_service_leaves_neither_change_nor_entry(story):
    size = log.current_size(story.db)

    @write_service
    def rename_then_fail(db, actor):
        orgunits.rename(db, actor, "V1", "半途")
        raise RuntimeError("crash in the middle")

    with pytest.raises(RuntimeError):
        rename_then_fail(story.db, story.judy)
    assert log.current_size(story.db) == size
    assert orgunits.get(story.db, "V1").name_zh == "杨柳社区"


def test_a_request_to_sign_with_no_change_does_not_carry_over_to_the_next_write(story):
    @write_service
    def ask_to_sign_and_change_nothing(db, actor):
        log.sign_head_with_change(db)

    ask_to_sign_and_change_nothing(story.db, story.judy)
    checkpoints = ledger.latest_checkpoint(story.db)
    orgunits.rename(story.db, story.judy, "V1", "杨柳新社区")
    assert ledger.latest_checkpoint(story.db) == checkpoints


def test_a_change_without_its_entry_cannot_be_committed(story):
    unit = story.db.scalar(select(OrgUnit).where(OrgUnit.code == "V2"))
    unit.name_zh = "偷偷改名"
    with pytest.raises(UnrecordedChange):
        story.db.commit()
    story.db.rollback()
    assert orgunits.get(story.db, "V2").name_zh == "东湖社区"


def test_a_receipt_and_history_prove_each_entry(story):
    settings = load_settings()
    unit = orgunits.rename(story.db, story.judy, "V1", "杨柳新社区")
    items = ledger.history(story.db, settings, "org_unit", str(unit.id))
    assert [i.body["action"] for i in items] == ["orgunit.rename", "orgunit.create"]
    assert all(i.proven for i in items)
    bundle = ledger.receipt(story.db, settings, [items[0].index])["entries"][0]
    assert bundle["index"] == items[0].index and bundle["checkpoint"].startswith(settings.ledger_origin)


def test_a_change_renews_the_stamp_of_its_object_type_only(story):
    before = log.type_stamps(story.db, ("org_unit", "spec", "no_such_type"))
    orgunits.rename(story.db, story.judy, "V1", "杨柳新社区")
    after = log.type_stamps(story.db, ("org_unit", "spec", "no_such_type"))
    assert after[0] != before[0]
    assert after[1:] == before[1:] and after[2] == -1


def test_the_previous_entry_of_an_object_is_found_through_the_index(story):
    """Looking up each object's latest entry used to scan the whole object index on SQLite."""
    if story.db.get_bind().dialect.name != "sqlite":
        pytest.skip("SQLite's query plan")
    lookups: list[tuple[str, object]] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        if "max(ledger_entry.idx)" in statement and "GROUP BY" in statement:
            lookups.append((statement, parameters))

    connection = story.db.connection()
    event.listen(connection, "before_cursor_execute", remember)
    try:
        orgunits.rename(story.db, story.judy, "V1", "杨柳新社区")
    finally:
        event.remove(connection, "before_cursor_execute", remember)
    assert lookups
    for statement, parameters in lookups:
        plan = " ".join(row[3] for row in story.db.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert "SEARCH ledger_entry USING COVERING INDEX ix_ledger_entry_object" in plan, plan
