"""The people of the test stories and the small city they live in.

Every permission test tries the forbidden path too: a reporter of another village, an official of
another street, an author of another department, an auditor who may read but never write.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.permissions import Actor
from fillonce.accounts.system import INSTALLER
from fillonce.catalog import service as catalog
from fillonce.orgunits import service as orgunits

PASSWORD = "correct-horse-9"

UNITS = [
    ("C", "青川市", None), ("D1", "东湖区", "C"), ("D2", "西岭县", "C"),
    ("S1", "杨柳街道", "D1"), ("S2", "石桥镇", "D2"),
    ("V1", "杨柳社区", "S1"), ("V2", "东湖社区", "S1"), ("V3", "石桥村", "S2"),
]
PEOPLE = {
    # name: (role, org unit, department, duty)
    "alice": ("reporter", "V1", None, ""),          # village reporter of V1
    "bob": ("reporter", "V3", None, ""),            # a reporter of another village, in another district
    "carol": ("official", "S1", None, ""),          # street official over V1 and V2
    "dave": ("official", "D2", None, ""),           # district official of the other district
    "erin": ("dept_staff", None, "MZJ", "author"),  # civil affairs spec author
    "frank": ("dept_staff", None, "MZJ", "analyst"),
    "grace": ("dept_staff", None, "WJW", "author"),  # health commission author: another department
    "heidi": ("office", None, None, ""),            # burden-reduction office
    "ivan": ("auditor", None, None, ""),            # reads everything, writes nothing
    "judy": ("admin", None, None, ""),
}


@dataclass
class Story:
    db: Session
    actors: dict[str, Actor]

    def __getattr__(self, name: str) -> Actor:
        try:
            return self.actors[name]
        except KeyError:
            raise AttributeError(name) from None


def build_story(db: Session) -> Story:
    accounts.create_department(db, INSTALLER, "MZJ", "民政局", "Civil Affairs Bureau")
    accounts.create_department(db, INSTALLER, "WJW", "卫健委", "Health Commission")
    orgunits.bulk_import(db, INSTALLER, [orgunits.OrgUnitInput(code, name, parent, opened_on=date(2010, 1, 1))
                                         for code, name, parent in UNITS])
    created = accounts.create_accounts(db, INSTALLER, [
        accounts.AccountInput(name, name.title(), PASSWORD, role, unit, department, duty)
        for name, (role, unit, department, duty) in PEOPLE.items()])
    catalog.create_category(db, INSTALLER, "SEX", "性别", "Sex", [("M", "男", "Male"), ("F", "女", "Female")])
    catalog.create(db, INSTALLER, catalog.ElementInput(
        code="DIBAO_PERSONS", name_zh="低保人数", name_en="Persons on minimum living allowance",
        value_type="integer", aggregation="sum", owner_department_code="MZJ", unit="人",
        aliases=("最低生活保障人数",), categories=("SEX",)))
    catalog.create(db, INSTALLER, catalog.ElementInput(
        code="DIBAO_HOUSEHOLDS", name_zh="低保户数", value_type="integer", aggregation="sum",
        owner_department_code="MZJ", unit="户"))
    catalog.create(db, INSTALLER, catalog.ElementInput(
        code="CHILDREN_0_6", name_zh="0-6岁儿童数", value_type="integer", aggregation="sum",
        owner_department_code="WJW", unit="人"))
    return Story(db, {a.username: accounts.actor_of(a) for a in created})
