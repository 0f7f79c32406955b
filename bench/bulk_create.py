"""Bulk-creating 100,000 org units through the service layer (validation, ordering, ledger entries)
versus a plain executemany of the same rows."""

from __future__ import annotations

from datetime import date

from sqlalchemy import insert

from bench.common import ensure_bench_keys, figure, scratch_engine, timed
from fillonce.accounts.system import INSTALLER
from fillonce.core.db import make_session_factory
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit

ROWS = 100_000
STREETS = 100


def _inputs() -> list[orgunits.OrgUnitInput]:
    units = [orgunits.OrgUnitInput("CITY", "城市")]
    units += [orgunits.OrgUnitInput(f"S{s:03d}", f"街道{s}", "CITY") for s in range(STREETS)]
    per_street = (ROWS - len(units)) // STREETS
    units += [orgunits.OrgUnitInput(f"S{s:03d}V{v:04d}", f"村{v}", f"S{s:03d}")
              for s in range(STREETS) for v in range(per_street)]
    return units


def _plain_rows(inputs) -> list[dict]:
    # Same columns and values, ids and paths precomputed as the service would; no checks, no ledger.
    rows, ids = [], {}
    for number, data in enumerate(inputs, start=1):
        parent = ids.get(data.parent_code)
        path = (parent[1] if parent else "/") + data.code + "/"
        ids[data.code] = (number, path)
        rows.append({"id": number, "code": data.code, "name_zh": data.name_zh, "name_en": "",
                     "level": path.count("/") - 1, "parent_id": parent[0] if parent else None, "path": path,
                     "opened_on": date(2000, 1, 1), "closed_on": None})
    return rows


def run() -> None:
    ensure_bench_keys()
    inputs = _inputs()
    rows = _plain_rows(inputs)
    with scratch_engine() as engine:
        with engine.begin() as connection:
            plain = timed(lambda: connection.execute(insert(OrgUnit), rows))
    with scratch_engine() as engine:
        with make_session_factory(engine)() as db:
            service = timed(lambda: orgunits.bulk_import(db, INSTALLER, inputs))
    figure("bulk_create", "service_rows_per_second", len(inputs) / service, "rows/s",
           "plain executemany rows/s", len(inputs) / plain,
           goal="report only (issue 2: service path beside plain executemany)", met=True)
