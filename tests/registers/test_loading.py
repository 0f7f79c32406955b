"""Importing register files and API batches: every bad input named, all or nothing, the diff and its ledger entry."""

from __future__ import annotations

import hashlib
import io
import json
import os
import signal
from contextlib import contextmanager
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, inspect, select, text, update
from sqlalchemy.exc import OperationalError

from fillonce.accounts import service as accounts
from fillonce.accounts import tokens
from fillonce.accounts.system import INSTALLER
from fillonce.core import migrate
from fillonce.core.config import load_settings
from fillonce.core.db import make_engine, make_session_factory
from fillonce.core.errors import PermissionDenied
from fillonce.ledger.models import LedgerEntry
from fillonce.ledger.verify import verify
from fillonce.registers import loading
from fillonce.registers import service as registers
from fillonce.registers.models import Register, RegisterChange, RegisterImport, RegisterRecord
from databases import fresh_database_url
from register_stories import COLUMNS, HEADER, person, person_id


def _records(db, current=True):
    query = select(RegisterRecord).order_by(RegisterRecord.id)
    if current:
        query = query.where(RegisterRecord.removed_on.is_(None))
    return list(db.scalars(query))


def _reasons(rejected) -> dict[tuple[int, str], str]:
    return {(p.row, p.column): p.reason.en for p in rejected.row_problems}


def test_a_clean_file_loads_encrypted_hashed_and_masked(story, dibao, write_csv):
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2, unit="V2")]))
    assert (result.load.rows, result.load.added, result.load.rejected) == (2, 2, 0)
    first = _records(story.db)[0]
    clear = person_id(1)
    assert clear not in first.id_number_enc and first.id_masked == clear[:4] + "*" * 10 + clear[-4:]
    assert first.person_key != clear and len(first.person_key) == 64
    assert "13800000001" not in first.phone_enc
    assert (first.sex, first.birth_date, first.attributes) == ("M" if int(clear[16]) % 2 else "F", date(1960, 5, 17),
                                                               {"HOUSEHOLD_ID": "H1"})


BAD_ROWS = [  # (row changes, the column named, words of the reason)
    ({"身份证号": person_id(3)[:17] + ("0" if person_id(3)[17] != "0" else "1")}, "身份证号", "check digit"),
    ({"身份证号": "3201021960051712"}, "身份证号", "18 characters"),
    ({"出生日期": "1960-02-30"}, "出生日期", "impossible"),
    ({"出生日期": "1961-05-17"}, "出生日期", "does not match"),
    ({"单位代码": "NOWHERE"}, "单位代码", "does not exist"),
    ({"姓名": ""}, "姓名", "required value is missing"),
    ({"户编号": ""}, "户编号", "required value is missing"),
]


def test_each_kind_of_bad_row_is_named_and_nothing_loads(story, dibao, write_csv):
    rows = [person(1)] + [person(10 + i, **changes) for i, (changes, _, _) in enumerate(BAD_ROWS)]
    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    reasons = _reasons(caught.value)
    for number, (_, column, words) in enumerate(BAD_ROWS, start=3):
        assert words in reasons[(number, column)], (number, column, reasons)
    assert caught.value.rejected == len(BAD_ROWS) and caught.value.good == 1
    assert _records(story.db, current=False) == []
    assert story.db.scalars(select(RegisterImport)).all() == []


def test_an_impossible_birth_date_inside_the_id_is_refused(story, dibao, write_csv):
    first17 = "32010219990230123"  # 30 February 1999, with a correct check digit
    from fillonce.registers.identity import check_code

    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, 身份证号=first17 + check_code(first17))]))
    assert "birth date in the ID number is impossible" in _reasons(caught.value)[(2, "身份证号")]


def test_birth_dates_are_read_in_any_common_form_and_remembered_only_so_far(story, dibao, write_csv, monkeypatch):
    monkeypatch.setattr(loading, "MAX_REMEMBERED_DATES", 2)  # the checker forgets dates as it goes
    born = [date(1960, 5, 17), date(1971, 1, 2), date(1960, 5, 17), date(1985, 12, 31)]
    written = ["1960/05/17", "1971.01.02", "1960-05-17", "1985-12-30"]
    rows = [person(n, born=day, 出生日期=text) for n, (day, text) in enumerate(zip(born, written), start=1)]
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows), good_rows_only=True)
    assert [(p.row, p.column, p.reason.en) for p in result.problems] == [
        (5, "出生日期", "the birth date does not match the ID number")]
    assert [r.birth_date for r in _records(story.db)] == born[:3]


def test_the_same_person_twice_in_one_unit_of_the_file_is_refused(story, dibao, write_csv):
    rows = [person(1), person(1, name="张伟伟"), person(1, unit="V2")]  # another unit is a finding, not an error
    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    assert list(_reasons(caught.value)) == [(3, "身份证号")]
    assert "appears twice" in caught.value.row_problems[0].reason.en


def test_the_same_person_twice_across_batches_is_refused(story, dibao, write_csv, monkeypatch):
    monkeypatch.setattr(loading, "BATCH", 2)
    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2), person(3), person(1)]))
    assert list(_reasons(caught.value)) == [(5, "身份证号")]


def test_a_repeat_across_batches_of_a_first_load_leaves_the_rest_whole(story, dibao, write_csv, monkeypatch):
    """A first load writes without diffing; a person repeated in a later batch sends that batch back to the diff."""
    monkeypatch.setattr(loading, "BATCH", 2)
    rows = [person(1), person(2), person(3), person(1, name="张伟伟"), person(4), person(5)]
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows), good_rows_only=True)
    assert [(p.row, p.column) for p in result.problems] == [(5, "身份证号")]
    assert (result.load.rows, result.load.added, result.load.rejected) == (6, 5, 1)
    records = _records(story.db)
    assert len(records) == 5 and {r.last_import_id for r in records} == {result.load.id}
    # The first batch went in undiffed: named by its id range; from the diffed batch on, a change row each.
    assert (result.load.added_from_id, result.load.added_to_id) == (records[0].id, records[1].id)
    changes = story.db.scalars(select(RegisterChange).order_by(RegisterChange.id)).all()
    assert [c.record_id for c in changes] == [r.id for r in records[2:]]
    assert [c[0] for c in loading.changes_of(story.db, result.load.id)] == [r.id for r in records]
    assert loading.changes_digest_of(story.db, result.load.id) == result.load.changes_digest


def test_batches_from_the_two_workers_keep_the_files_order(story, dibao, write_csv, monkeypatch):
    """Worker k of two prepares batches k, k + 2, …: records, ids and the rows reported follow the file."""
    monkeypatch.setattr(loading, "BATCH", 2)
    rows = [person(n) for n in range(1, 10)]
    rows[1]["单位代码"] = rows[6]["单位代码"] = "NOWHERE"  # data rows 2 and 7: batches 0 and 3, one per worker
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows), good_rows_only=True)
    assert [p.row for p in result.problems] == [3, 8]
    records = _records(story.db)
    assert [r.address for r in records] == [f"杨柳社区{n}号" for n in (1, 3, 4, 5, 6, 8, 9)]
    assert [r.id for r in records] == list(range(records[0].id, records[0].id + 7))


def test_a_failure_in_the_worker_process_loads_nothing(story, dibao, write_csv, monkeypatch):
    """Rows are checked and sealed in a forked worker: its error reaches the load, which is rolled back whole."""
    sealing = loading.prepare

    def failing(sealer, checked):
        if checked[0] is not None and checked[0].number == 7:
            raise OSError("disk went away")
        return sealing(sealer, checked)

    _defer_early(monkeypatch)  # on SQLite the indexes are dropped by then: the rollback brings them back
    monkeypatch.setattr(loading, "prepare", failing)
    with pytest.raises(OSError, match="disk went away"):
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(n) for n in range(1, 8)]))
    story.db.rollback()
    assert _records(story.db, current=False) == []
    assert story.db.scalars(select(RegisterImport).where(RegisterImport.register_id == dibao.id)).all() == []
    assert "uq_register_record_person_key" in _record_indexes(story.db)


@contextmanager
def _index_statements(db):
    """The CREATE and DROP INDEX statements sent while the block runs."""
    sent: list[str] = []

    def remember(_connection, _cursor, statement, *_rest):
        if "INDEX" in statement:
            sent.append(statement.split("INDEX")[0].strip())

    engine = db.get_bind().engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", remember)


def _record_indexes(db) -> set[str]:
    return {i["name"] for i in inspect(db.connection()).get_indexes("register_record")}


def _defer_early(monkeypatch):
    monkeypatch.setattr(loading, "BATCH", 2)
    monkeypatch.setattr(loading, "DEFER_INDEXES_FROM", 2)


def test_a_large_first_load_on_sqlite_builds_the_indexes_once_at_its_end(story, dibao, write_csv, monkeypatch):
    _defer_early(monkeypatch)
    indexes = _record_indexes(story.db)
    with _index_statements(story.db) as sent:
        result = loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(n) for n in range(1, 7)]))
    sqlite = story.db.get_bind().dialect.name == "sqlite"
    assert sent == (["DROP", "DROP", "CREATE UNIQUE", "CREATE"] if sqlite else [])  # never on PostgreSQL
    assert _record_indexes(story.db) == indexes == {"uq_register_record_person_key", "ix_register_record_register_unit"}
    records = _records(story.db)
    assert (result.load.rows, result.load.added, len(records)) == (6, 6, 6)
    assert (result.load.added_from_id, result.load.added_to_id) == (records[0].id, records[-1].id)
    assert loading.changes_digest_of(story.db, result.load.id) == result.load.changes_digest


def test_a_repeat_found_building_the_deferred_indexes_loads_the_file_again_and_names_it(story, dibao, write_csv,
                                                                                         monkeypatch):
    """After the indexes are dropped only their build finds a repeat; the file is then written again with them."""
    _defer_early(monkeypatch)
    rows = [person(1), person(2), person(3), person(4), person(1, name="张伟伟"), person(5)]
    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    assert list(_reasons(caught.value)) == [(6, "身份证号")]
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows), good_rows_only=True)
    assert [(p.row, p.column) for p in result.problems] == [(6, "身份证号")]
    assert (result.load.rows, result.load.added, result.load.rejected) == (6, 5, 1)
    assert len(_records(story.db, current=False)) == 5
    assert "uq_register_record_person_key" in _record_indexes(story.db)
    assert loading.changes_digest_of(story.db, result.load.id) == result.load.changes_digest


def test_a_first_load_smaller_than_the_table_keeps_the_indexes(story, dibao, write_csv, monkeypatch):
    """Building the indexes sorts every record of the table again: not worth it for a load smaller than that."""
    _defer_early(monkeypatch)
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(n) for n in range(1, 9)]))
    registers.define(story.db, story.erin, registers.RegisterInput("TEKUN", "特困人员名册", "MZJ", COLUMNS[:6]))
    with _index_statements(story.db) as sent:
        result = loading.import_file(story.db, story.erin, "TEKUN", write_csv([person(n) for n in range(11, 16)]))
    assert sent == [] and result.load.added == 5


def test_a_worker_killed_without_a_word_fails_the_load_instead_of_hanging(story, dibao, write_csv, monkeypatch):
    """As the OOM killer would: the first worker dies while the second still has batches to send."""
    preparing = loading._prepare_in_worker

    def killed_if_first(path, checker, sealer, sender, k, count):
        if k == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        preparing(path, checker, sealer, sender, k, count)

    def hung(*_):
        raise TimeoutError("the load still waits for its killed worker")

    monkeypatch.setattr(loading, "BATCH", 400)  # a batch larger than a pipe holds: the second worker blocks
    monkeypatch.setattr(loading, "_prepare_in_worker", killed_if_first)
    before = signal.signal(signal.SIGALRM, hung)
    signal.alarm(30)
    try:
        with pytest.raises(EOFError):
            loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(n) for n in range(1, 1300)]))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, before)
    story.db.rollback()
    assert _records(story.db, current=False) == []


def test_blank_rows_are_skipped_and_the_last_of_two_same_named_columns_is_read(story, dibao, tmp_path):
    path = tmp_path / "dibao.csv"
    header = HEADER + ["", "姓名"]
    lines = [",".join(header), ",".join([person(1)[h] for h in HEADER] + ["ignored", "李四"]),
             ",".join(["  "] * len(HEADER) + ["only under no header", ""]), "",
             ",".join([person(2)[h] for h in HEADER] + ["", "王五"])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = loading.import_file(story.db, story.erin, "DIBAO", path)
    assert (result.load.rows, result.load.added) == (2, 2)
    assert [r.name for r in _records(story.db)] == ["李四", "王五"]


def test_a_missing_required_column_refuses_the_file(story, dibao, write_csv):
    header = [h for h in HEADER if h != "单位代码"]
    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)], header=header))
    assert _reasons(caught.value) == {(1, "单位代码"): "a required column is missing"}


def test_good_rows_only_loads_the_good_and_reports_the_bad(story, dibao, write_csv):
    rows = [person(1), person(2, 单位代码="NOWHERE"), person(3)]
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows), good_rows_only=True)
    assert (result.load.added, result.load.rejected) == (2, 1)
    assert [(p.row, p.column) for p in result.problems] == [(3, "单位代码")]
    assert {r.id_masked[-4:] for r in _records(story.db)} == {person_id(1)[-4:], person_id(3)[-4:]}


def test_the_error_report_names_file_row_column_and_reason(story, dibao, write_csv):
    with pytest.raises(loading.RegisterRejected) as caught:
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, 单位代码="NOWHERE")]))
    sheet = load_workbook(io.BytesIO(loading.error_report_xlsx(caught.value.row_problems))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][:3] == ("dibao.csv", 2, "单位代码") and "NOWHERE" in rows[1][4]


def test_an_xlsx_file_loads_like_a_csv(story, dibao, tmp_path):
    workbook = Workbook()
    workbook.active.append(HEADER)
    workbook.active.append([person(1)[h] for h in HEADER])
    path = tmp_path / "dibao.xlsx"
    workbook.save(path)
    assert loading.import_file(story.db, story.erin, "DIBAO", path).load.added == 1


def test_a_reimport_records_added_changed_and_removed_in_the_ledger(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2), person(3)]))
    second = loading.import_file(story.db, story.erin, "DIBAO", write_csv(
        [person(2), person(3, 住址="杨柳社区新3号"), person(4)], name="dibao-december.csv")).load
    assert (second.added, second.changed, second.removed) == (1, 1, 1)
    changes = story.db.scalars(select(RegisterChange).where(RegisterChange.import_id == second.id)).all()
    assert sorted(c.change for c in changes) == ["added", "changed", "removed"]
    assert second.changes_digest == loading.changes_digest_of(story.db, second.id)
    removed = story.db.scalars(select(RegisterRecord).where(RegisterRecord.removed_on.is_not(None))).one()
    assert removed.id_masked.endswith(person_id(1)[-4:])
    entry = story.db.scalars(select(LedgerEntry).where(LedgerEntry.action == "register.import")
                             .order_by(LedgerEntry.idx.desc())).first()
    assert b'"added":1' in entry.body and b'"removed":1' in entry.body


def test_a_first_load_names_its_adds_by_id_range_and_its_digest_outlives_later_changes(story, dibao, write_csv):
    """A load into an empty register writes no change row per record; its digest is still recomputable after
    later imports change and remove those records."""
    first = loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2), person(3)])).load
    records = _records(story.db)
    assert story.db.scalars(select(RegisterChange)).all() == []
    assert (first.added, first.added_from_id, first.added_to_id) == (3, records[0].id, records[-1].id)
    assert [c[:3] for c in loading.changes_of(story.db, first.id)] == [(r.id, "added", "") for r in records]
    digests = [r.row_digest for r in records]
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(2), person(3, 住址="杨柳社区新3号")],
                                                                  name="dibao-december.csv"))
    assert [c[3] for c in loading.changes_of(story.db, first.id)] == digests
    assert loading.changes_digest_of(story.db, first.id) == first.changes_digest
    assert verify(story.db, load_settings()).ok  # the ledgered content of the first load covers its range


def test_an_imports_digest_is_the_sha256_of_one_line_per_change(story, dibao, write_csv):
    """The lines' form is part of every ledgered import: spelled out here so that it cannot drift."""
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2)]))
    result = loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, name="张伟伟"), person(3)]))
    lines = "".join(f"{record_id}|{change}|{before}|{after}\n"
                    for record_id, change, before, after in loading.changes_of(story.db, result.load.id))
    assert [line.split("|")[1] for line in lines.splitlines()] == ["changed", "added", "removed"]
    assert hashlib.sha256(lines.encode("ascii")).hexdigest() == result.load.changes_digest


def test_a_first_loads_id_range_changed_afterwards_is_caught(story, dibao, write_csv):
    first = loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2), person(3)])).load
    story.db.execute(update(RegisterImport).where(RegisterImport.id == first.id)
                     .values(added_to_id=RegisterImport.added_to_id - 1))
    story.db.expire_all()
    assert loading.changes_digest_of(story.db, first.id) != first.changes_digest
    assert not verify(story.db, load_settings()).ok


def test_no_personal_data_reaches_the_ledger(story, dibao, write_csv):
    rows = [person(1, name="王小明"), person(2, name="李红")]
    loading.import_file(story.db, story.erin, "DIBAO", write_csv(rows))
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1, name="王小明", 住址="新址")]))
    bodies = [e.body.decode("utf-8") for e in story.db.scalars(select(LedgerEntry))]
    assert any("register.import" in b for b in bodies)
    for row in rows:
        for secret in (row["身份证号"], row["姓名"], row["联系电话"], row["住址"]):
            assert not any(secret in b for b in bodies), secret


def test_a_removed_person_coming_back_counts_as_added(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2)]))
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(2)]))
    back = loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2)])).load
    assert (back.added, back.changed, back.removed) == (1, 0, 0)
    assert len(_records(story.db)) == 2 and len(_records(story.db, current=False)) == 2


def test_an_api_batch_adds_updates_and_removes_without_touching_the_rest(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2), person(3)]))
    upsert = [{"id_number": person_id(2), "name": "张伟", "org_unit": "V1", "HOUSEHOLD_ID": "H22",
               "birth_date": "1960-05-17"},
              {"id_number": person_id(5), "name": "赵六", "org_unit": "V2", "HOUSEHOLD_ID": "H5"}]
    remove = [{"id_number": person_id(3), "org_unit": "V1"}]
    load = loading.load_batch(story.db, story.erin, "DIBAO", upsert, remove).load
    assert (load.full, load.added, load.changed, load.removed) == (False, 1, 1, 1)
    assert len(_records(story.db)) == 3  # person 1 was not in the batch and stays


def test_a_bad_api_record_refuses_the_whole_batch(story, dibao):
    upsert = [{"id_number": person_id(5), "name": "赵六", "org_unit": "V2", "HOUSEHOLD_ID": "H5"},
              {"id_number": "123", "name": "钱七", "org_unit": "V2", "HOUSEHOLD_ID": "H6"}]
    with pytest.raises(loading.RegisterRejected):
        loading.load_batch(story.db, story.erin, "DIBAO", upsert)
    assert _records(story.db) == []


@pytest.mark.parametrize("who", ["frank", "grace", "alice", "heidi", "ivan"])
def test_only_the_departments_authors_and_admins_load(story, dibao, write_csv, who):
    with pytest.raises(PermissionDenied):
        loading.import_file(story.db, story.actors[who], "DIBAO", write_csv([person(1)]))


def test_a_token_of_another_department_may_not_load(story, dibao):
    _plain, _token = tokens.create(story.db, story.grace, accounts.get_department(story.db, "WJW"), "卫健系统")
    own_plain, _ = tokens.create(story.db, story.erin, accounts.get_department(story.db, "MZJ"), "民政系统")
    upsert = [{"id_number": person_id(5), "name": "赵六", "org_unit": "V2", "HOUSEHOLD_ID": "H5"}]
    with pytest.raises(PermissionDenied):
        loading.load_batch(story.db, tokens.actor_of_token(story.db, _plain), "DIBAO", upsert)
    assert loading.load_batch(story.db, tokens.actor_of_token(story.db, own_plain), "DIBAO", upsert).load.added == 1


def test_the_ledger_verifies_after_imports_and_batches(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1), person(2)]))
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(2, 住址="新址"), person(3)]))
    loading.load_batch(story.db, story.erin, "DIBAO", [], [{"id_number": person_id(3), "org_unit": "V1"}])
    report = verify(story.db, load_settings())
    assert report.ok, report.problems[:3]


def test_good_rows_only_with_no_good_row_loads_nothing(story, dibao, write_csv):
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)]))
    with pytest.raises(loading.RegisterRejected):
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(2, 单位代码="NOWHERE")]), good_rows_only=True)
    assert len(_records(story.db)) == 1


def test_a_file_load_leaves_the_connections_page_cache_as_it_found_it(story, dibao, write_csv):
    connection = story.db.connection()
    if connection.dialect.name != "sqlite":
        pytest.skip("SQLite's page cache only")
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(1)]))
    with pytest.raises(loading.RegisterRejected):
        loading.import_file(story.db, story.erin, "DIBAO", write_csv([person(2, 单位代码="NOWHERE")]))
    assert story.db.connection().exec_driver_sql("PRAGMA cache_size").scalar_one() == before != -loading.BULK_CACHE_KIB


@pytest.mark.parametrize("texts", [{}, {"HOUSEHOLD_ID": "H1"}, {"A": "引号\"和\\反斜杠", "B": "制表\t换行\n", "C": "😀"}])
def test_attributes_json_is_the_text_json_dumps_gives(texts):
    assert loading._json_of_texts(texts) == json.dumps(texts)


def test_a_load_holds_its_register_until_it_ends(tmp_path):
    """Two loads of one register may not interleave: the first of an empty register is named by an id range."""
    url, drop = fresh_database_url("postgresql", tmp_path)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        with factory() as db:
            accounts.create_department(db, INSTALLER, "MZJ", "民政局")
            register = registers.define(db, INSTALLER, registers.RegisterInput(
                "DIBAO", "低保对象名册", "MZJ", [registers.ColumnInput(h, f) for h, f in (("身份证号", "id_number"), ("姓名", "name"), ("单位代码", "org_unit"))]))
            db.commit()
            register_id = register.id
        with factory() as loader, factory() as other:
            register = loader.get(Register, register_id)
            unsaved_load = RegisterImport(id=1, register_id=register_id)  # the writer needs only its id
            loading.Writer(loader, register, unsaved_load, loading.RowChecker(loader, register, "a.csv"))
            with pytest.raises(OperationalError):
                other.execute(text("SELECT id FROM register WHERE id = :i FOR UPDATE NOWAIT"), {"i": register_id})
    finally:
        engine.dispose()
        drop()
