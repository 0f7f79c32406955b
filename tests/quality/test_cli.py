"""`fillonce quality run PERIOD`: runs the checks as an account that may, and says no clearly otherwise.
Makes its own SQLite file, so it runs once, not once per database kind."""

import json
import sqlite3

import pytest
from typer.testing import CliRunner

from fillonce.cli import app

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch):
    path = tmp_path / "fillonce.db"
    monkeypatch.setenv("FILLONCE_DATABASE_URL", f"sqlite:///{path}")
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    return path


def test_a_run_prints_its_counts_and_is_one_ledger_entry(database):
    result = runner.invoke(app, ["quality", "run", "202610", "--as", "installer"])
    assert result.exit_code == 0, result.output
    assert "omission" in result.stdout and "新增 new: 0" in result.stdout
    with sqlite3.connect(database) as connection:
        (body,) = connection.execute("SELECT body FROM ledger_entry WHERE action = 'quality.run'").fetchone()
    entry = json.loads(body)
    assert entry["object"] == {"type": "quality_run", "id": "202610"} and entry["details"]["omission"] == 0


def test_a_bad_period_or_account_is_one_clear_line(database):
    bad_period = runner.invoke(app, ["quality", "run", "2026-10", "--as", "installer"])
    assert bad_period.exit_code == 1 and "2026-10" in bad_period.stderr
    nobody = runner.invoke(app, ["quality", "run", "202610", "--as", "nobody"])
    assert nobody.exit_code == 1 and "nobody" in nobody.stderr
