"""The measure of how many grassroots fields the indicators took off the one form, and the CLI that
prints it (and computes every indicator for a period)."""

import io

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fillonce import cli
from fillonce.core.config import load_settings
from fillonce.core.runtime import Runtime
from fillonce.indicators.burden import relief
from fillonce.periods.ids import parse_period
from fillonce.specs.draft import FieldDraft
from registers_fixture import BOUND_HOUSEHOLDS
from spec_stories import civil_monthly, publish

runner = CliRunner()


def test_each_village_lost_the_bound_field(bound):
    measured = relief(bound.db, parse_period("202611"))
    assert [(u.unit_code, u.removed, u.asked) for u in measured.units] == [("V1", 1, 2), ("V2", 1, 2), ("V3", 1, 2)]
    assert (measured.removed, measured.cells_per_year) == (3, 36)


def test_a_field_another_spec_still_asks_is_not_removed(bound):
    publish(bound, civil_monthly(form_number="民统月09表", rules=[], fields=[
        FieldDraft("DB_H", "低保户数", element_code="DIBAO_HOUSEHOLDS")]), bound.erin)
    measured = relief(bound.db, parse_period("202611"))
    assert measured.removed == 0 and {u.asked for u in measured.units} == {3}


def test_a_coarser_form_would_have_reused_what_a_finer_one_collects(bound):
    quarterly = civil_monthly(form_number="民统季09表", period_type="quarterly", rules=[], fields=[
        BOUND_HOUSEHOLDS, FieldDraft("DB_P", "低保人数", element_code="DIBAO_PERSONS")])
    publish(bound, quarterly, bound.erin)
    measured = relief(bound.db, parse_period("2026Q3"))
    assert measured.removed == 0  # the monthly spec computes 低保户数: the quarter never asked it


@pytest.fixture
def in_this_transaction(monkeypatch, connection, sessions):
    runtime = Runtime(settings=load_settings(), engine=connection.engine, sessions=sessions)
    monkeypatch.setattr(cli, "_runtime", lambda upgrade=False: runtime)


def test_the_cli_prints_the_relief_and_the_figures(bound, in_this_transaction, tmp_path):
    printed = runner.invoke(cli.app, ["indicators", "burden", "202611"], env={"COLUMNS": "200"})
    assert printed.exit_code == 0, printed.output
    assert "202611" in printed.output and "合计 total: 3 项" in printed.output
    out = tmp_path / "figures.xlsx"
    printed = runner.invoke(cli.app, ["indicators", "compute", "202611", "--level", "3", "--out", str(out)],
                            env={"COLUMNS": "200"})
    assert printed.exit_code == 0, printed.output
    assert "S1 杨柳街道" in printed.output and "1 个指标 indicators × 8 个单位 units" in printed.output
    rows = list(load_workbook(io.BytesIO(out.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0] == ("单位代码", "单位", "层级", "DIBAO_HH_COUNT") and rows[1] == ("C", "青川市", 1, 4)


def test_the_cli_names_a_bad_period(in_this_transaction, story):
    printed = runner.invoke(cli.app, ["indicators", "compute", "2026-13"])
    assert printed.exit_code == 1 and "错误 / error:" in printed.output
