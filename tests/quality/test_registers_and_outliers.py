"""Register duplicates (the registers' finder, as findings) and disagreement with a register, on rows put in
directly; a workbook uploaded twice; outliers and digit tests on a month whose figures are known."""

import hashlib
import io
from datetime import date
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook

from fillonce.accounts import service as accounts
from fillonce.core.db import replaying, utcnow
from fillonce.core.writepath import write_service
from fillonce.entry import service as entry
from fillonce.entry import uploads
from fillonce.forms import service as forms
from fillonce.forms.workbook import forms_xlsx
from fillonce.ledger import log
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from fillonce.quality import service as quality
from fillonce.quality.checks import false_reporting
from fillonce.registers.models import Register, RegisterImport, RegisterRecord
from quality.conftest import GOOD, at


@write_service
def _registers(db, actor, rows):
    """The registers domain's rows, as its importer would leave them (the ledgered ones recorded)."""
    for row in rows:
        db.add(row)
        if hasattr(row, "ledger_content"):
            log.record(db, actor, "test.insert", row)


def _register(db, code, department, group=""):
    return Register(code=code, name_zh=code, department_id=department.id, exclusive_group=group, columns=[],
                    updated_at=utcnow())


def _person(unit, key, name, born, address):
    return RegisterRecord(org_unit_id=unit.id, person_key=key, id_number_enc="enc",
                          id_masked="3201**********1234", name=name, sex="M", birth_date=born, address=address,
                          attributes={}, row_digest=key, added_on=date(2026, 1, 1))


@pytest.fixture
def registers(monthly):
    s = monthly
    mzj = accounts.get_department(s.db, "MZJ")
    v1, v2 = orgunits.get(s.db, "V1"), orgunits.get(s.db, "V2")
    dibao, tekun, clean = (_register(s.db, "DIBAO", mzj, "assistance"), _register(s.db, "TEKUN", mzj, "assistance"),
                           _register(s.db, "TUIYI", mzj))
    _registers(s.db, s.judy, [dibao, tekun, clean])
    people = [
        ("DIBAO", v1, "k-twice"), ("DIBAO", v2, "k-twice"),  # one ID under two villages
        ("DIBAO", v1, "k-a"), ("DIBAO", v1, "k-b"),  # two IDs, same name, birth date and address
        ("DIBAO", v2, "k-both"), ("TEKUN", v2, "k-both"),  # in both exclusive registers
        ("TUIYI", v1, "k-1"), ("TUIYI", v1, "k-2"),
    ]
    ids = {"DIBAO": dibao.id, "TEKUN": tekun.id, "TUIYI": clean.id}
    rows = []
    for code, unit, key in people:
        record = _person(unit, key, name="李四" if key in {"k-1", "k-2", "k-both", "k-twice"} else "张三",
                         born=date(1950 + len(rows), 1, 1) if key not in {"k-a", "k-b"} else date(1960, 5, 1),
                         address="杨柳社区1号楼101" if key != "k-b" else "杨柳社区 1号楼 101")
        record.register_id = ids[code]
        rows.append(record)
    imports = [RegisterImport(register_id=dibao.id, file_name="低保.xlsx", file_sha256="a" * 64, imported_at=at(2),
                              rows=4),
               RegisterImport(register_id=dibao.id, file_name="低保.xlsx", file_sha256="a" * 64, imported_at=at(3),
                              rows=4)]
    _registers(s.db, s.judy, rows + imports)
    return s


def test_each_register_duplicate_is_found_once_and_masked(registers):
    s = registers
    first = quality.run_checks(s.db, s.heidi, "202611")
    found = quality.findings(s.db, s.heidi, quality.Filters(kind="duplicate"), limit=None)
    kinds = sorted(f.sub_kind for f in found)
    assert kinds == ["exclusive_group", "fuzzy_person", "same_file", "same_id_two_units"]
    for finding in found:
        text = str(finding.evidence) + finding.message_zh + finding.message_en
        assert "张三" not in text and "李四" not in text and "k-" not in text  # masked names, no keys
        assert finding.department_id == accounts.get_department(s.db, "MZJ").id
    twice = next(f for f in found if f.sub_kind == "same_id_two_units")
    assert twice.evidence["units"] == ["V1", "V2"] and twice.org_unit_id == orgunits.get(s.db, "V1").id
    assert next(f for f in found if f.sub_kind == "exclusive_group").evidence["registers"] == ["DIBAO", "TEKUN"]
    assert next(f for f in found if f.sub_kind == "same_file").org_unit_id is None
    again = quality.run_checks(s.db, s.heidi, "202611")
    assert first.found["duplicate"] == again.found["duplicate"] == 4 and again.new == 0  # stable fingerprints


def test_duplicates_are_judged_on_the_registers_at_the_periods_end(registers):
    s = registers
    quality.run_checks(s.db, s.heidi, "202512")  # before any record was added and any file imported
    assert quality.findings(s.db, s.heidi, quality.Filters(kind="duplicate", period="202512"), limit=None) == []


def test_a_register_import_from_another_month_is_not_this_months_finding(registers):
    quality.run_checks(registers.db, registers.heidi, "202610")
    found = quality.findings(registers.db, registers.heidi, quality.Filters(kind="duplicate"), limit=None)
    assert "same_file" not in {f.sub_kind for f in found} and "same_id_two_units" in {f.sub_kind for f in found}


def _upload(story, who, *codes) -> bytes:
    """The one-form workbook of these units for 202610, filled with GOOD, uploaded by `who`."""
    book = load_workbook(io.BytesIO(forms_xlsx(
        [forms.one_form(story.db, orgunits.get(story.db, c), parse_period("202610")) for c in codes], {})))
    for name in [n for n in book.sheetnames if n != "_fillonce"]:
        for row in book[name].iter_rows(min_row=5):
            if (row[1].value, row[2].value or "") in GOOD:
                row[6].value = GOOD[(row[1].value, row[2].value or "")]
    out = io.BytesIO()
    book.save(out)
    uploads.upload(story.db, who, out.getvalue(), "填报.xlsx")
    return out.getvalue()


def test_the_same_workbook_uploaded_twice_is_found(monthly):
    s = monthly
    with replaying(at(4)):
        data = _upload(s, s.alice, "V1")
    with replaying(at(5)):
        uploads.upload(s.db, s.carol, data, "村里发来的.xlsx")  # the township sends the village's file again
        _upload(s, s.carol, "V2")  # another file: not a duplicate
    quality.run_checks(s.db, s.heidi, "202610")
    [found] = quality.findings(s.db, s.heidi, quality.Filters(kind="duplicate"), limit=None)
    assert found.sub_kind == "same_form_upload" and found.org_unit_id == orgunits.get(s.db, "V1").id
    assert found.evidence["file_sha256"] == hashlib.sha256(data).hexdigest() and found.evidence["units"] == ["V1"]
    assert [u["by"] for u in found.evidence["uploads"]] == ["alice", "carol"]
    quality.run_checks(s.db, s.heidi, "202609")
    assert quality.findings(s.db, s.heidi, quality.Filters(kind="duplicate", period="202609"), limit=None) == []


def test_a_reported_figure_is_compared_with_the_register(registers):
    s = registers
    with replaying(at(5)):
        entry.save_values(s.db, s.alice, "V1", "202610", {**GOOD, ("DIBAO_HOUSEHOLDS", ""): 2,
                                                                 ("DIBAO_PERSONS", ""): 3})  # DIBAO lists 3 in V1
        entry.submit_form(s.db, s.alice, "V1", "202610")
        entry.save_values(s.db, s.carol, "V2", "202610", GOOD)  # DIBAO lists 2 in V2, 20 reported
        entry.submit_form(s.db, s.carol, "V2", "202610")
    quality.run_checks(s.db, s.heidi, "202610")
    found = quality.findings(s.db, s.heidi, quality.Filters(kind="false"), limit=None)
    disagreeing = [f for f in found if f.sub_kind == "source_disagreement"]
    assert len(disagreeing) == 1
    assert disagreeing[0].evidence == {"reported": 20.0, "register": "DIBAO", "register_count": 2}
    assert disagreeing[0].org_unit_id == orgunits.get(s.db, "V2").id


def _month(totals: dict[int, dict[str, float]], peers: int = 6):
    """Units 1..peers under one parent, element 7 (a count), population element 8 of 1000 each."""
    period = parse_period("202610")
    units = {u: SimpleNamespace(id=u, parent_id=0, level=4, name_zh=f"村{u}") for u in range(1, peers + 1)}
    elements = {7: SimpleNamespace(id=7, code="CASES", name_zh="个案", name_en="", slowly_changing=False,
                                   aggregation="sum", owner_department_id=1, value_type="integer"),
                8: SimpleNamespace(id=8, code="POP_REGISTERED", name_zh="人口", name_en="", slowly_changing=True,
                                   aggregation="sum", owner_department_id=1, value_type="integer")}
    data = SimpleNamespace(period=period, units=units, elements=elements, recent_ids=["202609", "202608", "202607", "202606"],
                           season_ids=["202510", "202410", "202310"],
                           submissions={u: SimpleNamespace(explanations={}) for u in units},
                           totals={u: {7: totals.get(u, {"202610": 40.0}), 8: {"202610": 1000.0}} for u in units})
    data.reported = lambda: list(units)
    return data


def test_own_history_outlier_uses_the_same_month_of_earlier_years_when_there_are_enough():
    seasonal = {"202310": 200.0, "202410": 210.0, "202510": 205.0, "202609": 40.0, "202608": 41.0, "202607": 39.0}
    normal = _month({1: {**seasonal, "202610": 208.0}})
    assert list(false_reporting.outliers_own_history(normal)) == []  # a seasonal peak is not an outlier
    wild = list(false_reporting.outliers_own_history(_month({1: {**seasonal, "202610": 40.0}})))
    assert [(f.unit_id, f.evidence["basis"]) for f in wild] == [(1, "same_period_earlier_years")]
    recent = {"202609": 40.0, "202608": 41.0, "202607": 39.0, "202606": 42.0}
    assert list(false_reporting.outliers_own_history(_month({2: {**recent, "202610": 43.0}}))) == []
    found = list(false_reporting.outliers_own_history(_month({2: {**recent, "202610": 400.0}})))
    assert [(f.unit_id, f.evidence["basis"]) for f in found] == [(2, "recent_periods")]
    assert list(false_reporting.outliers_own_history(_month({2: {"202609": 40.0, "202610": 400.0}}))) == []


def test_peer_outlier_needs_enough_peers_and_a_material_gap():
    assert list(false_reporting.outliers_peers(_month({}))) == []
    found = list(false_reporting.outliers_peers(_month({3: {"202610": 400.0}})))
    assert [f.unit_id for f in found] == [3] and found[0].evidence["peers"] == 6
    assert list(false_reporting.outliers_peers(_month({3: {"202610": 400.0}}, peers=4))) == []
    assert list(false_reporting.outliers_peers(_month({3: {"202610": 46.0}}))) == []


def test_digit_preference_and_benford_need_enough_numbers():
    data = _month({})
    data.numbers = {1: [float(n * 10) for n in range(3, 40)], 2: [float(n) for n in range(11, 60)], 3: [10.0, 20.0]}
    assert [f.unit_id for f in false_reporting.digit_preference(data)] == [1]
    data.numbers = {1: [float(100 + n) for n in range(900)]}  # first digit always 1 (100..999 share), not Benford
    assert [f.unit_id for f in false_reporting.benford(data)] == [1]
    data.numbers = {1: [float(100 + n) for n in range(30)]}
    assert list(false_reporting.benford(data)) == []
