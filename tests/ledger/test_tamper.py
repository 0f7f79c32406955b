"""Tampering behind the app's back, with plain SQL: each kind is found and `verify` names where."""

from datetime import date

import pytest
from sqlalchemy import text

from forgery import rebuild_tree, rewrite_body
from fillonce.core.config import load_settings
from fillonce.ledger import log
from fillonce.ledger import service as ledger
from fillonce.ledger.verify import verify
from fillonce.orgunits import service as orgunits


def _verify(db):
    return verify(db, load_settings())


def test_an_untouched_ledger_verifies(story):
    ledger.make_checkpoint(story.db, load_settings())
    report = _verify(story.db)
    assert report.ok, report.problems
    assert report.objects > 0 and report.checkpoints == 1


def test_a_value_changed_in_a_table_is_named_with_its_object(story):
    unit = orgunits.get(story.db, "V1")
    story.db.execute(text("UPDATE org_unit SET name_zh = '篡改' WHERE code = 'V1'"))
    report = _verify(story.db)
    assert not report.ok
    assert any(p.object == f"org_unit:{unit.id}" and "behind" in p.what for p in report.problems)


def test_a_row_inserted_or_deleted_behind_the_app_is_found(story):
    story.db.execute(text("INSERT INTO org_unit (code, name_zh, name_en, level, path, opened_on) "
                          "VALUES ('X9', '黑户', '', 1, '/X9/', :d)"), {"d": date(2020, 1, 1)})
    report = _verify(story.db)
    assert any("not in the ledger" in p.what for p in report.problems)


def test_a_deleted_entry_is_a_gap(story):
    story.db.execute(text("DELETE FROM ledger_entry WHERE idx = 5"))
    report = _verify(story.db)
    assert report.first_bad_entry() == 5 and "contiguous" in report.problems[0].what


def test_reordered_entries_break_their_leaves(story):
    story.db.execute(text("UPDATE ledger_entry SET idx = -1 WHERE idx = 3"))
    story.db.execute(text("UPDATE ledger_entry SET idx = 3 WHERE idx = 4"))
    story.db.execute(text("UPDATE ledger_entry SET idx = 4 WHERE idx = -1"))
    report = _verify(story.db)
    assert report.first_bad_entry() == 3


def test_an_edited_entry_is_named(story):
    rewrite_body(story.db, 7, b"installer", b"intruder")
    report = _verify(story.db)
    assert report.first_bad_entry() == 7


def test_an_edited_entry_with_its_leaf_rehashed_breaks_the_stored_tree(story):
    for index in range(16):  # enough entries for a stored band node above them
        orgunits.rename(story.db, story.judy, "V1", f"第{index}次改名")
    rewrite_body(story.db, 2, b"installer", b"intruder", keep_leaf=False)
    report = _verify(story.db)
    assert not report.ok and report.first_bad_entry() == 0 and "tree node" in report.problems[0].what


def test_a_truncated_log_with_a_different_tail_contradicts_the_signed_checkpoint(story):
    settings = load_settings()
    ledger.make_checkpoint(story.db, settings)
    signed_size = ledger.latest_checkpoint(story.db).size
    keep = signed_size - 3
    story.db.execute(text("DELETE FROM ledger_entry WHERE idx >= :k"), {"k": keep})
    rebuild_tree(story.db)  # a careful forger recomputes the tree...
    orgunits.rename(story.db, story.judy, "V3", "另一个尾巴")  # ...and appends a different tail
    orgunits.rename(story.db, story.judy, "V2", "另一个尾巴二")
    orgunits.rename(story.db, story.judy, "V1", "另一个尾巴三")
    report = _verify(story.db)
    assert any("rewritten" in p.what for p in report.problems)


def test_a_replaced_checkpoint_signature_is_found(story):
    settings = load_settings()
    checkpoint = ledger.make_checkpoint(story.db, settings)
    forged = checkpoint.note.replace(checkpoint.note.splitlines()[1], str(checkpoint.size - 1))
    story.db.execute(text("UPDATE ledger_checkpoint SET note = :n WHERE id = :i"), {"n": forged, "i": checkpoint.id})
    report = _verify(story.db)
    assert any("signature does not verify" in p.what for p in report.problems)


def test_a_leaf_hash_cut_short_and_made_up_for_by_its_neighbour_is_named(story):
    """Joined, the two stored leaf hashes are the right bytes; each alone is not a leaf hash."""
    leaves = {idx: bytes(leaf) for idx, leaf in story.db.execute(
        text("SELECT idx, leaf_hash FROM ledger_entry WHERE idx IN (5, 6)"))}
    for idx, leaf in ((5, leaves[5][:31]), (6, leaves[5][31:] + leaves[6])):
        story.db.execute(text("UPDATE ledger_entry SET leaf_hash = :leaf WHERE idx = :idx"), {"leaf": leaf, "idx": idx})
    report = _verify(story.db)
    assert report.first_bad_entry() == 5 and "leaf hash" in report.problems[0].what


def test_an_entry_re_pointed_at_another_object_is_named(story):
    """The object columns are what histories and quality checks search by: moving an entry out of an object's
    history behind the app's back must not pass."""
    story.db.execute(text("UPDATE ledger_entry SET object_id = '999999' WHERE idx = 7"))
    report = _verify(story.db)
    assert report.first_bad_entry() == 7 and "indexed columns" in report.problems[0].what


@pytest.mark.parametrize("column, value", [("object_type", "account"), ("action", "orgunit.hidden")])
def test_an_entry_whose_type_or_action_column_was_changed_is_named(story, column, value):
    story.db.execute(text(f"UPDATE ledger_entry SET {column} = :v WHERE idx = 4"), {"v": value})
    report = _verify(story.db)
    assert report.first_bad_entry() == 4 and "indexed columns" in report.problems[0].what


def _event_about(idx: int, object_id: str) -> bytes:
    return log.canonical_json({"v": log.ENTRY_VERSION, "idx": idx, "at": "2026-01-01T00:00:00Z", "who": {},
                               "action": "report.export", "effect": "event",
                               "object": {"type": "report", "id": object_id}, "content_hash": None,
                               "prev": None, "reason": None, "details": {}})


def test_an_object_id_that_json_escapes_verifies_and_a_change_to_it_is_named(story):
    """Such an id makes the bulk comparison fail; the entry-by-entry check must then pass the chunk, not
    report a problem that is not there."""
    odd = 'a"b\\c'
    size = log.lock_head(story.db)
    log.append(story.db, size, [(_event_about(size, odd), "report", odd, "report.export")])
    assert _verify(story.db).ok
    story.db.execute(text("UPDATE ledger_entry SET object_id = 'a\"b' WHERE idx = :i"), {"i": size})
    report = _verify(story.db)
    assert report.first_bad_entry() == size and "indexed columns" in report.problems[0].what
