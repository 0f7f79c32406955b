"""`fillonce registers import / list` on a SQLite file of its own (so this runs once, not per database)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.cli import app
from fillonce.core.config import load_settings
from fillonce.core.runtime import open_runtime
from fillonce.orgunits import service as orgunits
from fillonce.registers import service as registers
from register_stories import COLUMNS, person

runner = CliRunner()


@pytest.fixture
def city_file(tmp_path, monkeypatch):
    monkeypatch.setenv("FILLONCE_DATABASE_URL", f"sqlite:///{tmp_path / 'fillonce.db'}")
    runtime = open_runtime(load_settings(), upgrade=True)
    with runtime.session() as db:
        accounts.create_department(db, INSTALLER, "MZJ", "民政局")
        orgunits.bulk_import(db, INSTALLER, [orgunits.OrgUnitInput("C", "市", opened_on=date(2010, 1, 1)),
                                             orgunits.OrgUnitInput("V1", "杨柳社区", "C", opened_on=date(2010, 1, 1))])
        catalog.create(db, INSTALLER, catalog.ElementInput(code="HOUSEHOLD_ID", name_zh="户编号", value_type="text",
                                                           aggregation="none", owner_department_code="MZJ"))
        registers.define(db, INSTALLER, registers.RegisterInput("DIBAO", "低保对象名册", "MZJ", COLUMNS))
    runtime.engine.dispose()


def test_import_all_or_nothing_then_good_rows_only_then_list(city_file, write_csv, tmp_path):
    path = write_csv([person(1), person(2, 单位代码="NOWHERE")])
    report = tmp_path / "errors.xlsx"
    refused = runner.invoke(app, ["registers", "import", "DIBAO", str(path), "--as", "installer",
                                  "--errors", str(report)])
    assert refused.exit_code == 1 and "NOWHERE" in refused.stderr
    assert list(load_workbook(report).active.iter_rows(values_only=True))[1][:3] == ("dibao.csv", 3, "单位代码")
    loaded = runner.invoke(app, ["registers", "import", "DIBAO", str(path), "--good-rows-only", "--as", "installer"])
    assert loaded.exit_code == 0 and "added 1" in loaded.stdout and "rejected 1" in loaded.stdout
    listed = runner.invoke(app, ["registers", "list", "--as", "installer"])
    assert listed.exit_code == 0 and "DIBAO" in listed.stdout
