"""The demo's registers (see the DEMO_REGISTERS contract): six departments' lists of synthetic people in the
villages, loaded as csv files through the registers service, with the duplicates the quality page must find.

Scale: about 140 records a village (≈ 42,000 in all), so the step adds some seconds to the demo's build.
Deterministic: the same people, files and SHA-256s every time.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.demo.city import DemoCity
from fillonce.registers import loading
from fillonce.registers import service as registers
from fillonce.registers.identity import check_code

SURNAMES = "王李张刘陈杨黄赵吴周徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = ("伟", "芳", "秀英", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超",
         "秀兰", "霞", "平", "刚", "桂英", "建国", "建华", "玉兰", "桂兰", "淑珍", "德胜", "志强", "文华", "春花")
COMMON = [("身份证号", "id_number"), ("姓名", "name"), ("性别", "sex"), ("出生日期", "birth_date"),
          ("住址", "address"), ("村（社区）代码", "org_unit"), ("联系电话", "phone")]
ELEMENTS = [  # code, name, value type, owner, options
    ("HOUSEHOLD_ID", "户编号", "text", "MZJ", ()),
    ("TEKUN_MODE", "特困供养方式", "option_set", "MZJ", (("central", "集中供养", "Institutional care"),
                                                        ("home", "分散供养", "Supported at home"))),
    ("DISABILITY_GRADE", "残疾等级", "option_set", "CL", (("1", "一级", "Grade 1"), ("2", "二级", "Grade 2"),
                                                          ("3", "三级", "Grade 3"), ("4", "四级", "Grade 4"))),
]


@dataclass(frozen=True)
class DemoRegister:
    code: str
    name_zh: str
    name_en: str
    department: str
    exclusive_group: str
    per_village: tuple[int, int]  # records a village has, low and high
    extra: tuple[tuple[str, str], ...] = ()  # (header, "element:CODE")


REGISTERS = (
    DemoRegister("DIBAO", "低保对象名册", "Minimum living allowance recipients", "MZJ", "assistance", (12, 30),
                 (("户编号", "element:HOUSEHOLD_ID"),)),
    DemoRegister("TEKUN", "特困人员名册", "Persons in extreme poverty", "MZJ", "assistance", (2, 7),
                 (("供养方式", "element:TEKUN_MODE"),)),
    DemoRegister("CANJI", "残疾人名册", "Persons with disability", "CL", "", (10, 25),
                 (("残疾等级", "element:DISABILITY_GRADE"),)),
    DemoRegister("TUIYI", "退役军人名册", "Veterans", "TYJ", "", (5, 15)),
    DemoRegister("LIUDONG", "流动人口登记", "Floating population", "GAJ", "", (10, 40)),
    DemoRegister("LAONIAN", "老年人信息", "Elderly people", "WJW", "", (40, 80)),
)


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    sex: str
    birth_date: date
    address: str
    village: str
    phone: str


class People:
    """Synthetic residents with valid, distinct ID numbers whose birth date and sex agree with the number."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()

    def new(self, village, age_range: tuple[int, int] = (0, 95), today: date = date(2026, 1, 1)) -> Person:
        rng = self.rng
        while True:
            born = today - timedelta(days=rng.randint(age_range[0] * 365 + 1, age_range[1] * 365 + 300))
            male = rng.random() < 0.5
            order = rng.randrange(0, 500) * 2 + (1 if male else 0)
            first17 = f"{village.code[:6]}{born:%Y%m%d}{order % 1000:03d}"
            number = first17 + check_code(first17)
            if number not in self.taken:
                self.taken.add(number)
                break
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        address = f"{village.name_zh}{rng.randint(1, 12)}组{rng.randint(1, 99)}号"
        return Person(number, name, "男" if male else "女", born, address, village.code,
                      f"1{rng.choice('3578')}{rng.randrange(10 ** 9):09d}")


def _row(person: Person, extra: dict) -> dict:
    return {"身份证号": person.id_number, "姓名": person.name, "性别": person.sex,
            "出生日期": person.birth_date.isoformat(), "住址": person.address, "村（社区）代码": person.village,
            "联系电话": person.phone, **extra}


def _write(folder: Path, name: str, register: DemoRegister, rows: list[dict]) -> Path:
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[h for h, _ in COMMON] + [h for h, _ in register.extra])
        writer.writeheader()
        writer.writerows(rows)
    return path


def _author(db: Session, department: str):
    return accounts.actor_of(accounts.get_account(db, f"{department.lower()}_author"))


def define(db: Session, actor=None) -> None:
    """The registers' extra elements and the six registers, defined by each department's author (or `actor`,
    e.g. the installer of a benchmark city without people), with no records yet."""
    for code, name, value_type, owner, options in ELEMENTS:
        catalog.create(db, INSTALLER, catalog.ElementInput(
            code=code, name_zh=name, value_type=value_type, aggregation="none", owner_department_code=owner,
            options=options, slowly_changing=True))
    for r in REGISTERS:
        columns = [registers.ColumnInput(h, f) for h, f in COMMON] + [
            registers.ColumnInput(h, f, required=True) for h, f in r.extra]
        registers.define(db, actor or _author(db, r.department), registers.RegisterInput(
            r.code, r.name_zh, r.department, columns, name_en=r.name_en, exclusive_group=r.exclusive_group))


def _extra(code: str, person: Person, rng: random.Random, household: str) -> dict:
    if code == "DIBAO":
        return {"户编号": household}
    if code == "TEKUN":
        return {"供养方式": "集中供养" if rng.random() < 0.35 else "分散供养"}
    if code == "CANJI":
        return {"残疾等级": rng.choice("1234")}
    return {}


def _age_range(code: str) -> tuple[int, int]:
    return {"LAONIAN": (60, 98), "TUIYI": (22, 90), "TEKUN": (16, 95)}.get(code, (0, 90))


def _village_rows(code: str, register: DemoRegister, village, people: People, rng: random.Random) -> Iterator[dict]:
    household, left = "", 0
    for _ in range(rng.randint(*register.per_village)):
        if left == 0:  # 低保 households of one to three people
            household, left = f"{village.code}-{rng.randrange(10 ** 5):05d}", rng.randint(1, 3)
        left -= 1
        person = people.new(village, _age_range(code))
        yield _row(person, _extra(code, person, rng, household))


def _twin_id(original: str, people: People) -> str:
    """Another valid number for the same birth date and sex (the order code moves by two)."""
    order = int(original[14:17])
    while True:
        order = (order + 2) % 1000
        number = original[:14] + f"{order:03d}" + check_code(original[:14] + f"{order:03d}")
        if number not in people.taken:
            people.taken.add(number)
            return number


def _with_seeded_problems(rows: dict[str, list[dict]], people: People, villages: list,
                          rng: random.Random) -> set[str]:
    """What the quality page must find: the same ID under two villages, near-identical people with different
    IDs, people on both exclusive lists (低保 and 特困). Returns the ID numbers involved."""
    dibao = rows["DIBAO"]
    chosen = rng.sample(dibao, 10)
    for original in chosen[:4]:  # listed twice, in another village too
        elsewhere = rng.choice([v for v in villages if v.code != original["村（社区）代码"]])
        dibao.append(dict(original, **{"村（社区）代码": elsewhere.code, "户编号": f"{elsewhere.code}-99999"}))
    for original in chosen[4:7]:  # a twin record: same name, day and village, near-identical address
        dibao.append(dict(original, **{"身份证号": _twin_id(original["身份证号"], people), "住址": original["住址"] + "院"}))
    for original in chosen[7:]:  # also supported as 特困
        rows["TEKUN"].append({k: v for k, v in original.items() if k != "户编号"} | {"供养方式": "分散供养"})
    return {row["身份证号"] for row in chosen} | {row["身份证号"] for row in dibao[-7:]}


def _files(folder: Path, rows: dict[str, list[dict]], suffix: str) -> dict[str, Path]:
    by_code = {r.code: r for r in REGISTERS}
    return {code: _write(folder, f"{code.lower()}-{suffix}.csv", by_code[code], items) for code, items in rows.items()}


def initial_rows(city: DemoCity, seed: int = 2026) -> tuple[dict[str, list[dict]], People, set[str]]:
    """Each register's rows at set-up, the people made so far and the ID numbers of the seeded problems."""
    rng = random.Random(seed)
    people = People(rng)
    villages = [u for u in city.org_units if u.level == 4]
    rows = {r.code: [row for v in villages for row in _village_rows(r.code, r, v, people, rng)] for r in REGISTERS}
    seeded = _with_seeded_problems(rows, people, villages, rng)
    return rows, people, seeded


def set_up(db: Session, city: DemoCity) -> dict[str, int]:
    """The registers, their extra elements and the first import of each: records loaded per register."""
    define(db)
    rows, _people, _seeded = initial_rows(city)
    loaded = {}
    with tempfile.TemporaryDirectory() as folder:
        for code, path in _files(Path(folder), rows, "initial").items():
            register = next(r for r in REGISTERS if r.code == code)
            loaded[code] = loading.import_file(db, _author(db, register.department), code, path).load.added
    return loaded


def _next_month(rows: list[dict], register: DemoRegister, people: People, villages: list, rng: random.Random,
                keep: set[str]) -> list[dict]:
    """A month later: a few leave, a few join, a few move within their village; the seeded problems stay."""
    later = []
    for row in rows:
        if row["身份证号"] in keep:
            later.append(row)
        elif rng.random() > 0.03:
            later.append(dict(row, 住址=row["住址"] + "（新址）") if rng.random() < 0.02 else row)
    for village in rng.sample(villages, max(1, len(villages) // 10)):
        person = people.new(village, _age_range(register.code))
        later.append(_row(person, _extra(register.code, person, rng, f"{village.code}-{rng.randrange(10 ** 5):05d}")))
    return later


def reimport(db: Session, city: DemoCity) -> dict[str, tuple[int, int, int]]:
    """The later month: 低保 and 特困 change (the recorded difference); 退役军人 sends the very same file again.
    Returns (added, changed, removed) per register."""
    rows, people, seeded = initial_rows(city)
    rng = random.Random(2027)
    villages = [u for u in city.org_units if u.level == 4]
    by_code = {r.code: r for r in REGISTERS}
    later = {code: _next_month(rows[code], by_code[code], people, villages, rng, seeded) for code in ("DIBAO", "TEKUN")}
    changes = {}
    with tempfile.TemporaryDirectory() as folder:
        files = _files(Path(folder), later, "next") | _files(Path(folder), {"TUIYI": rows["TUIYI"]}, "initial")
        for code, path in files.items():
            load = loading.import_file(db, _author(db, by_code[code].department), code, path).load
            changes[code] = (load.added, load.changed, load.removed)
    return changes
