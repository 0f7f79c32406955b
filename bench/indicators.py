"""All indicators for the demo city for one month: the demo's 13 indicators (counts with age, sex and
attribute filters, a distinct count of households, a ratio over reported population) over synthetic
registers at the demo's scale (every village, about 290,000 records), at every level of the tree, beside
a plain ``SELECT register_id, org_unit_id, count(*) … GROUP BY`` of the same records in the same run."""

from __future__ import annotations

import os
import random
import time
from datetime import date, timedelta

from sqlalchemy import insert, select, text

from bench.common import ensure_bench_keys, figure, scratch_engine
from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.core.db import make_session_factory, utcnow
from fillonce.demo import indicators as demo_indicators
from fillonce.demo import registers as demo_registers
from fillonce.demo.city import build_city
from fillonce.entry.models import DataValue
from fillonce.indicators import service as indicators
from fillonce.indicators.compute import compute
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import parse_period
from fillonce.registers.models import Register, RegisterRecord

PERIOD = "202610"
DATABASES = [d for d in os.environ.get("FILLONCE_BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
# Records per village by register, as a village of about 3,000 people would have them.
PER_VILLAGE = {"LAONIAN": 600, "LIUDONG": 200, "DIBAO": 60, "CANJI": 60, "TUIYI": 40, "TEKUN": 8}
GOAL_SECONDS = 5.0


def _city(db) -> None:
    """The demo city's units, departments and catalogue, its register definitions and indicators."""
    city = build_city()
    for department in city.departments:
        accounts.create_department(db, INSTALLER, department.code, department.name_zh, department.name_en)
    orgunits.bulk_import(db, INSTALLER, [orgunits.OrgUnitInput(u.code, u.name_zh, u.parent_code, u.name_en, u.opened)
                                         for u in city.org_units])
    for category in city.categories:
        catalog.create_category(db, INSTALLER, category.code, category.name_zh, category.name_en, category.options)
    for e in city.elements:
        catalog.create(db, INSTALLER, catalog.ElementInput(
            code=e.code, name_zh=e.name_zh, value_type=e.value_type, aggregation=e.aggregation,
            owner_department_code=e.owner_department, unit=e.unit_zh, categories=e.categories, options=e.options))
    demo_registers.define(db, INSTALLER)
    for definition in demo_indicators.INDICATORS:
        indicators.create(db, INSTALLER, definition)


def _attributes(code: str, rng: random.Random, village: int, n: int) -> dict:
    if code == "DIBAO":
        return {"HOUSEHOLD_ID": f"H{village}-{n // 2}"}  # about two people a household
    if code == "TEKUN":
        return {"TEKUN_MODE": rng.choice(("central", "home"))}
    if code == "CANJI":
        return {"DISABILITY_GRADE": rng.choice("1234")}
    return {}


def _birth(code: str, rng: random.Random) -> date:
    oldest, youngest = (100, 58) if code == "LAONIAN" else (95, 0)
    return date(2026, 10, 31) - timedelta(days=rng.randint(youngest * 365, oldest * 365))


def _records(engine, db) -> int:
    """Synthetic records straight into the table (setup, not measured); some added or removed around the month."""
    rng = random.Random(2026)
    villages = list(db.scalars(select(OrgUnit.id).where(OrgUnit.level == 4).order_by(OrgUnit.id)))
    registers = {r.code: r.id for r in db.scalars(select(Register))}
    rows = []
    for village in villages:
        for code, count in PER_VILLAGE.items():
            for n in range(count):
                key = f"{code}-{village}-{n}"
                rows.append({
                    "register_id": registers[code], "org_unit_id": village, "person_key": key,
                    "id_number_enc": "-", "id_masked": "3201**********0000", "name": "", "sex": rng.choice("MF"),
                    "birth_date": _birth(code, rng), "address": "", "phone_enc": "",
                    "status": "active" if rng.random() < 0.97 else "suspended",
                    "attributes": _attributes(code, rng, village, n), "row_digest": key,
                    "added_on": date(2015, 1, 1) + timedelta(days=rng.randint(0, 4400)),
                    "removed_on": date(2025, 1, 1) + timedelta(days=rng.randint(0, 700)) if rng.random() < 0.05 else None})
    population = [{"element_id": catalog.get(db, "POP_REGISTERED").id, "category_option": "", "org_unit_id": v,
                   "period": PERIOD, "value": str(rng.randint(800, 5000)), "updated_at": utcnow()} for v in villages]
    with engine.begin() as connection:
        for start in range(0, len(rows), 20_000):
            connection.execute(insert(RegisterRecord), rows[start:start + 20_000])
        connection.execute(insert(DataValue), population)
    return len(rows)


def _baseline(engine) -> float:
    """The same records counted by the plainest grouped query: no filters, no tree, no Python."""
    with engine.connect() as connection:
        start = time.perf_counter()
        connection.execute(text("SELECT register_id, org_unit_id, count(*) FROM register_record "
                                "GROUP BY register_id, org_unit_id")).fetchall()
        return time.perf_counter() - start


def _one(kind: str) -> None:
    with scratch_engine(kind) as engine:
        factory = make_session_factory(engine)
        with factory() as db:
            _city(db)
            records = _records(engine, db)
        if kind == "postgresql":
            with engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        baseline = _baseline(engine)
        with factory() as db:
            start = time.perf_counter()
            result = compute(db, parse_period(PERIOD))
            ours = time.perf_counter() - start
        city = result.at_level(1)[0]
        print(f"# indicators ({kind}): {len(result.indicators)} indicators × {len(result.units)} units from "
              f"{records} records; city: " + ", ".join(f"{i.code}={result.values[i.code][city.id]:g}"
                                                      for i in result.indicators), flush=True)
        figure("indicators", f"all_indicators_one_month_seconds_{kind}", ours, "s",
               "SELECT register_id, org_unit_id, count(*) GROUP BY over the same records, s", baseline,
               goal=f"< {GOAL_SECONDS:g} s", met=ours < GOAL_SECONDS, higher_is_better=False)


def run() -> None:
    ensure_bench_keys()
    for kind in DATABASES:
        _one(kind)
