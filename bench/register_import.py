"""Importing a 1,000,000-row register (validation, encryption, keyed hashing, the diff, change rows, the
ledger entry, then duplicate detection) versus a plain csv load of the same file into the same database.

Both read the same csv with the csv module and write to a scratch database of the same kind (SQLite file,
PostgreSQL schema). Two plain loads, each into a table of the nine raw text columns with an integer primary
key: the plain way (SQLAlchemy core `insert()` executemany) and the driver's fastest way, the one the import
itself writes with (one prepared executemany on SQLite, COPY on PostgreSQL). Peak memory is the largest
growth of the process's resident set, sampled during the real import and duplicate detection. CPU seconds are
the client's (this process and the import's worker process), for a machine shared with other work.
`FILLONCE_BENCH_REGISTER_ROWS` changes the size; `FILLONCE_BENCH_DATABASES=sqlite` runs one database.
"""

from __future__ import annotations

import csv
import os
import random
import resource
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, String, Table, insert

from bench.common import ensure_bench_keys, figure, scratch_engine, timed
from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.core.db import make_session_factory
from fillonce.orgunits import service as orgunits
from fillonce.registers import duplicates, loading
from fillonce.registers import service as registers
from fillonce.registers.identity import check_code

ROWS = int(os.environ.get("FILLONCE_BENCH_REGISTER_ROWS", "1000000"))
DATABASES = [d for d in os.environ.get("FILLONCE_BENCH_DATABASES", "sqlite,postgresql").split(",") if d]
STREETS, VILLAGES_PER_STREET = 40, 25
HEADER = ["身份证号", "姓名", "性别", "出生日期", "住址", "单位代码", "联系电话", "状态", "户编号"]
FIELDS = ["id_number", "name", "sex", "birth_date", "address", "org_unit", "phone", "status", "element:HOUSEHOLD_ID"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华桂兰建国"
BATCH = 5000


def _villages() -> list[str]:
    return [f"S{s:02d}V{v:02d}" for s in range(STREETS) for v in range(VILLAGES_PER_STREET)]


def _write_file(path: Path) -> None:
    """Distinct people (a sequence number in the ID's region and order digits), valid check digits."""
    rng = random.Random(11643)
    villages = _villages()
    start = date(1930, 1, 1)
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(ROWS):
            born = start + timedelta(days=rng.randrange(27000))
            first17 = f"{320100 + n // 1000:06d}{born:%Y%m%d}{n % 1000:03d}"
            number = first17 + check_code(first17)
            village = villages[n % len(villages)]
            name = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if n % 3 else "")
            out.writerow([number, name, "男" if int(number[16]) % 2 else "女", born.isoformat(),
                          f"{village}村{rng.randrange(1, 300)}号", village, f"13{rng.randrange(10**9):09d}", "",
                          f"H{n // 3}"])


def _plain_table(engine) -> Table:
    table = Table("plain_register", MetaData(), Column("id", Integer, primary_key=True),
                  *[Column(f"c{i}", String) for i in range(len(HEADER))])
    table.create(engine)
    return table


def _csv_batches(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        next(rows)
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == BATCH:
                yield batch
                batch = []
        if batch:
            yield batch


def _plain_load(engine, path: Path) -> None:
    """The plain way: csv rows straight into the table with core executemany, in batches."""
    table = _plain_table(engine)
    with engine.begin() as connection:
        for batch in _csv_batches(path):
            connection.execute(insert(table), [{f"c{i}": v for i, v in enumerate(row)} for row in batch])


def _driver_load(engine, path: Path) -> None:
    """The driver's fastest way, as the import writes: COPY on PostgreSQL, prepared executemany on SQLite."""
    _plain_table(engine)
    names = ", ".join(f"c{i}" for i in range(len(HEADER)))
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        for batch in _csv_batches(path):
            if engine.dialect.name == "postgresql":
                with cursor.copy(f"COPY plain_register ({names}) FROM STDIN") as copy:
                    for row in batch:
                        copy.write_row(row)
            else:
                cursor.executemany(f"INSERT INTO plain_register ({names}) VALUES ({', '.join('?' * len(HEADER))})",
                                   batch)
        cursor.close()


def _set_up(db) -> None:
    accounts.create_department(db, INSTALLER, "MZJ", "民政局")
    units = [orgunits.OrgUnitInput("C", "市", opened_on=date(2000, 1, 1))]
    units += [orgunits.OrgUnitInput(f"S{s:02d}", f"街道{s}", "C", opened_on=date(2000, 1, 1)) for s in range(STREETS)]
    units += [orgunits.OrgUnitInput(code, f"村{code}", code[:3], opened_on=date(2000, 1, 1)) for code in _villages()]
    orgunits.bulk_import(db, INSTALLER, units)
    catalog.create(db, INSTALLER, catalog.ElementInput(code="HOUSEHOLD_ID", name_zh="户编号", value_type="text",
                                                       aggregation="none", owner_department_code="MZJ"))
    registers.define(db, INSTALLER, registers.RegisterInput(
        "DIBAO", "低保对象名册", "MZJ", [registers.ColumnInput(h, f) for h, f in zip(HEADER, FIELDS)],
        exclusive_group="assistance"))


def _resident_kib() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class PeakMemory:
    """The largest growth of the resident set while the block runs, sampled every 20 ms."""

    def __enter__(self) -> "PeakMemory":
        self.start = self.peak = _resident_kib()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._done.wait(0.02):
            self.peak = max(self.peak, _resident_kib())

    def __exit__(self, *_exc) -> None:
        self._done.set()
        self._thread.join()
        self.peak = max(self.peak, _resident_kib())

    @property
    def growth_mib(self) -> float:
        return (self.peak - self.start) / 1024


def _cpu_seconds() -> float:
    """This process's CPU time and its finished children's (the import's worker), not the database server's."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


class CpuClock:
    """CPU seconds (this process and its children) of each block timed through it, by name."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def timed(self, name: str, fn) -> float:
        start = _cpu_seconds()
        wall = timed(fn)
        self.seconds[name] = _cpu_seconds() - start
        return wall


def _measure(kind: str, path: Path) -> None:
    cpu = CpuClock()
    with scratch_engine(kind) as engine:
        with make_session_factory(engine)() as db:
            _set_up(db)
            found = []
            with PeakMemory() as memory:
                imported = cpu.timed("import", lambda: loading.import_file(db, INSTALLER, "DIBAO", path))
                register_id = registers.find(db, "DIBAO").id
                detected = cpu.timed("duplicates", lambda: found.extend(duplicates.find_duplicates(db, register_id)))
    with scratch_engine(kind) as engine:
        plain = cpu.timed("plain", lambda: _plain_load(engine, path))
    with scratch_engine(kind) as engine:
        driver = timed(lambda: _driver_load(engine, path))
    real = ROWS / (imported + detected)
    bench = f"register_import[{kind}]"
    figure(bench, "import_rows_per_second", real, "rows/s", "plain csv load (core executemany) rows/s", ROWS / plain,
           goal=">= 50% of the plain load's speed", met=real >= 0.5 * ROWS / plain)
    figure(bench, "import_rows_per_second_vs_driver", real, "rows/s",
           "csv load by the driver's fastest path rows/s", ROWS / driver,
           goal=">= 50% of the plain load's speed", met=real >= 0.5 * ROWS / driver)
    figure(bench, "import_only_seconds", imported, "s", "duplicate detection seconds", detected,
           goal="report only", met=True, higher_is_better=False)
    figure(bench, "import_rows_per_cpu_second", ROWS / (cpu.seconds["import"] + cpu.seconds["duplicates"]), "rows/s",
           "plain csv load (core executemany) rows per CPU second", ROWS / cpu.seconds["plain"],
           goal="report only: client CPU (with the import's worker), not the database server's", met=True)
    figure(bench, "peak_memory_growth_mib", memory.growth_mib, "MiB", "rows (thousands)", ROWS / 1000,
           goal="bounded: does not grow with the row count", met=True, higher_is_better=False)
    print(f"# {kind}: {len(found)} duplicates found", flush=True)


def run() -> None:
    ensure_bench_keys()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dibao.csv"
        _write_file(path)
        for kind in DATABASES:
            _measure(kind, path)
