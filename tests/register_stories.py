"""People for register tests: valid ID numbers, rows of a 低保 file, and the 低保 register's columns."""

from __future__ import annotations

from datetime import date

from fillonce.registers import service as registers
from fillonce.registers.identity import check_code

HEADER = ["身份证号", "姓名", "性别", "出生日期", "住址", "单位代码", "联系电话", "状态", "户编号"]
COLUMNS = [registers.ColumnInput("身份证号", "id_number"), registers.ColumnInput("姓名", "name"),
           registers.ColumnInput("性别", "sex"), registers.ColumnInput("出生日期", "birth_date"),
           registers.ColumnInput("住址", "address"), registers.ColumnInput("单位代码", "org_unit"),
           registers.ColumnInput("联系电话", "phone"), registers.ColumnInput("状态", "status"),
           registers.ColumnInput("户编号", "element:HOUSEHOLD_ID", required=True)]


def person_id(seq: int, born: date = date(1960, 5, 17), region: str = "320102") -> str:
    first17 = f"{region}{born:%Y%m%d}{seq % 1000:03d}"
    return first17 + check_code(first17)


def person(seq: int, unit: str = "V1", name: str = "张伟", born: date = date(1960, 5, 17), **changes) -> dict:
    row = {"身份证号": person_id(seq, born), "姓名": name, "性别": "", "出生日期": born.isoformat(),
           "住址": f"杨柳社区{seq}号", "单位代码": unit, "联系电话": f"13800{seq:06d}", "状态": "", "户编号": f"H{seq}"}
    row.update(changes)
    return row
