"""The `fillonce` command: a user's mistake is one clear line and exit status 1, never a traceback.

These tests make their own SQLite files, so they run once, not once per database kind. Most call the
Typer app in process; one starts the installed command to see exactly what a user sees.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fillonce.cli import app
from fillonce.core import migrate
from fillonce.core.db import make_engine
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit

FILLONCE = Path(sys.executable).parent / "fillonce"
runner = CliRunner()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newer_database(path: Path) -> str:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)")
        connection.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")
    return f"sqlite:///{path}"


def cli(*args: str):
    result = runner.invoke(app, list(args))
    # A clean exit, whatever its status: no exception escaped the command.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def one_error_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert lines[0].startswith("错误 / error:")
    return lines[0]


@pytest.fixture
def database_file(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "fillonce.db"
    monkeypatch.setenv("FILLONCE_DATABASE_URL", f"sqlite:///{path}")
    return path


BAD_DATABASES = {
    "malformed": ("sqlite//missing-colon", "FILLONCE_DATABASE_URL is not a database URL"),
    "unsupported": ("mysql://root@localhost/fillonce", "unsupported database driver 'mysql'"),
    "unreachable": (f"postgresql+psycopg://fillonce:s3cret-pw@127.0.0.1:{closed_port()}/fillonce?connect_timeout=3",
                    "cannot reach the database"),
    "newer-migration": (None, "newer than this fillonce"),
}


def _bad_url(case: str, tmp_path: Path) -> str:
    url = BAD_DATABASES[case][0]
    return url if url else newer_database(tmp_path / f"newer-{case}.db")


@pytest.mark.parametrize("case", BAD_DATABASES)
def test_a_bad_database_is_one_line_and_exit_1(case, tmp_path, monkeypatch):
    monkeypatch.setenv("FILLONCE_DATABASE_URL", _bad_url(case, tmp_path))
    result = cli("db", "current")
    assert result.exit_code == 1
    assert BAD_DATABASES[case][1] in one_error_line(result.stderr)
    assert "s3cret-pw" not in result.output


def test_the_installed_command_prints_no_traceback(tmp_path):
    """What a user sees in a terminal; the four runs start together to keep the test quick."""
    running = {case: subprocess.Popen([str(FILLONCE), "db", "current"], stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True,
                                      env={**os.environ, "FILLONCE_DATABASE_URL": _bad_url(case, tmp_path)})
               for case in BAD_DATABASES}
    for case, process in running.items():
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 1, (case, stderr)
        assert "Traceback" not in stdout + stderr, case
        assert BAD_DATABASES[case][1] in one_error_line(stderr), case
        assert stdout == "", case


def test_upgrade_a_fresh_file_then_ask_where_it_is(database_file):
    upgraded = cli("db", "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert f"(empty) → {migrate.head_revision()}" in upgraded.stdout
    current = cli("db", "current")
    assert current.exit_code == 0
    assert current.stdout.strip() == f"{migrate.head_revision()} (code head: {migrate.head_revision()})"
    again = cli("db", "upgrade")  # nothing left to do, and no harm
    assert again.exit_code == 0 and f"{migrate.head_revision()} → {migrate.head_revision()}" in again.stdout


def test_commands_on_an_unmigrated_database_ask_for_an_upgrade(database_file):
    result = cli("orgunit", "tree")
    assert result.exit_code == 1
    assert "fillonce db upgrade" in one_error_line(result.stderr)


def test_upgrading_a_database_from_newer_code_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("FILLONCE_DATABASE_URL", newer_database(tmp_path / "newer.db"))
    result = cli("db", "upgrade")
    assert result.exit_code == 1
    assert "9999_from_the_future" in one_error_line(result.stderr)


def _units_workbook(path: Path, rows: list[tuple]) -> Path:
    workbook = Workbook()
    workbook.active.append(["代码", "名称", "上级代码", "成立日期"])
    for row in rows:
        workbook.active.append(list(row))
    workbook.save(path)
    return path


def _count_units_and_entries(database_file: Path) -> tuple[int, int]:
    engine = make_engine(f"sqlite:///{database_file}")
    with Session(engine) as db:
        counted = db.scalar(select(func.count()).select_from(OrgUnit)), log.current_size(db)
    engine.dispose()
    return counted


def test_an_org_unit_import_with_a_missing_parent_names_the_row_and_writes_nothing(database_file, tmp_path):
    assert cli("db", "upgrade").exit_code == 0
    bad = _units_workbook(tmp_path / "单位.xlsx", [
        ("C", "青川市", None, "2010-01-01"),
        ("D1", "东湖区", "C", "2010-01-01"),
        ("V9", "孤村", "NOPE", "2010-01-01"),
    ])
    result = cli("orgunit", "import", str(bad), "--as", "installer")
    assert result.exit_code == 1
    line = one_error_line(result.stderr)
    assert "单位.xlsx 第 4 行" in line and "上级单位 NOPE 不存在" in line
    assert _count_units_and_entries(database_file) == (0, 0)

    good = _units_workbook(tmp_path / "单位-改.xlsx", [
        ("C", "青川市", None, "2010-01-01"),
        ("D1", "东湖区", "C", "2010-01-01"),
    ])
    result = cli("orgunit", "import", str(good), "--as", "installer")
    assert result.exit_code == 0, result.output
    assert "导入单位 2 个" in result.stdout
    assert _count_units_and_entries(database_file) == (2, 2)
    tree = cli("orgunit", "tree")
    assert "青川市" in tree.stdout and "东湖区" in tree.stdout


def test_an_import_as_an_unknown_account_is_refused(database_file, tmp_path):
    assert cli("db", "upgrade").exit_code == 0
    path = _units_workbook(tmp_path / "units.xlsx", [("C", "青川市", None, None)])
    result = cli("orgunit", "import", str(path), "--as", "nobody")
    assert result.exit_code == 1
    assert "没有用户 nobody" in one_error_line(result.stderr)


def test_an_unreadable_file_is_named(database_file, tmp_path):
    path = tmp_path / "units.xlsx"
    path.write_bytes(b"this is not a workbook")
    result = cli("orgunit", "import", str(path))
    assert result.exit_code == 1
    assert "units.xlsx：不是可读取的 xlsx 文件" in one_error_line(result.stderr)


def test_english_messages_on_request(tmp_path, monkeypatch):
    monkeypatch.setenv("FILLONCE_LANG", "en")
    path = tmp_path / "units.txt"
    path.write_text("代码,名称\n", encoding="utf-8")
    result = cli("orgunit", "import", str(path))
    assert result.exit_code == 1
    assert "units.txt: only .xlsx or .csv files are accepted" in one_error_line(result.stderr)
