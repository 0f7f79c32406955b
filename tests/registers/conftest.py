"""A civil-affairs register (低保) defined by erin, and files of people to load into it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.registers import service as registers
from register_stories import COLUMNS, HEADER


@pytest.fixture
def write_csv(tmp_path):
    def write(rows: list[dict], name: str = "dibao.csv", header: list[str] = HEADER) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def dibao(story):
    catalog.create(story.db, INSTALLER, catalog.ElementInput(
        code="HOUSEHOLD_ID", name_zh="户编号", value_type="text", aggregation="none", owner_department_code="MZJ"))
    return registers.define(story.db, story.erin, registers.RegisterInput(
        "DIBAO", "低保对象名册", "MZJ", COLUMNS, name_en="Minimum living allowance", exclusive_group="assistance"))
