"""Indicator definitions: created and changed by their department's authors (or an administrator),
each change validated whole and recorded in the ledger."""

from __future__ import annotations

import graphlib
import re
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Department
from fillonce.accounts.permissions import Actor, authorize
from fillonce.catalog.models import DataElement
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.indicators import expressions
from fillonce.indicators.models import DERIVED_KINDS, KINDS, RECORD_KINDS, Indicator
from fillonce.ledger import log
from fillonce.registers.models import Register

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9_]{1,63}$")
NUMERIC_TYPES = ("integer", "number", "percent")


@dataclass(frozen=True)
class IndicatorInput:
    code: str
    name_zh: str
    kind: str
    department_code: str
    name_en: str = ""
    description_zh: str = ""
    element_code: str = ""  # the catalogue element it answers ("" = none)
    register_code: str = ""  # count, sum, distinct
    sex: str = ""  # "", "M" or "F"
    statuses: tuple[str, ...] = ()  # () = current records ("" or "active")
    age_min: int | None = None  # age at the period's end >= age_min
    age_below: int | None = None  # … and < age_below
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)  # element code -> allowed values
    attribute: str = ""  # sum, distinct: the element code summed or counted once
    numerator: str = ""  # ratio: indicator or element codes
    denominator: str = ""
    factor: float = 1.0
    formula: str = ""  # formula: over indicator and element codes

    def filters(self) -> dict:
        found: dict = {}
        if self.sex:
            found["sex"] = self.sex
        if self.statuses:
            found["statuses"] = list(self.statuses)
        if self.age_min is not None:
            found["age_min"] = self.age_min
        if self.age_below is not None:
            found["age_below"] = self.age_below
        if self.attributes:
            found["attributes"] = {code: list(values) for code, values in sorted(self.attributes.items())}
        return found


# ---- queries -------------------------------------------------------------------------------------

def get(db: Session, code: str) -> Indicator:
    indicator = db.scalar(select(Indicator).where(Indicator.code == code))
    if indicator is None:
        raise NotFound(Text(f"没有代码为 {code} 的指标", f"no indicator with code {code}"))
    return indicator


def list_indicators(db: Session, department_code: str | None = None) -> list[Indicator]:
    query = select(Indicator).order_by(Indicator.code)
    if department_code:
        query = query.join(Department, Indicator.department_id == Department.id).where(
            Department.code == department_code)
    return list(db.scalars(query))


def answering(db: Session, element_ids: set[int]) -> dict[int, Indicator]:
    """The indicator answering each of these elements, if any."""
    if not element_ids:
        return {}
    return {i.element_id: i for i in db.scalars(select(Indicator).where(Indicator.element_id.in_(element_ids)))}


def as_input(indicator: Indicator) -> IndicatorInput:
    f = indicator.filters or {}
    return IndicatorInput(
        code=indicator.code, name_zh=indicator.name_zh, kind=indicator.kind,
        department_code=indicator.department.code, name_en=indicator.name_en,
        description_zh=indicator.description_zh, element_code=indicator.element.code if indicator.element else "",
        register_code=indicator.register.code if indicator.register else "", sex=f.get("sex", ""),
        statuses=tuple(f.get("statuses", ())), age_min=f.get("age_min"), age_below=f.get("age_below"),
        attributes={k: tuple(v) for k, v in (f.get("attributes") or {}).items()}, attribute=indicator.attribute,
        numerator=indicator.numerator, denominator=indicator.denominator, factor=indicator.factor,
        formula=indicator.formula)


# ---- validation ----------------------------------------------------------------------------------

class _Check:
    """Collects every fault of one definition, each prefixed with the indicator's code."""

    def __init__(self, code: str):
        self.code, self.problems = code, []

    def bad(self, zh: str, en: str) -> None:
        self.problems.append(Text(f"指标 {self.code}：{zh}", f"indicator {self.code}: {en}"))


def _check_fields(data: IndicatorInput, check: _Check) -> None:
    if not CODE_PATTERN.match(data.code or ""):
        check.bad("代码无效（大写字母开头，大写字母、数字或 _）", "the code is invalid (an upper-case letter, then A-Z, 0-9, _)")
    if not data.name_zh.strip():
        check.bad("缺少中文名称", "the Chinese name is missing")
    if data.kind not in KINDS:
        check.bad(f"类型 {data.kind!r} 无效，应为 {'、'.join(KINDS)}", f"kind {data.kind!r} is invalid; use one of {', '.join(KINDS)}")
    if data.sex not in ("", "M", "F"):
        check.bad(f"性别 {data.sex!r} 无效（M 或 F）", f"sex {data.sex!r} is invalid (M or F)")
    for name, age in (("age_min", data.age_min), ("age_below", data.age_below)):
        if age is not None and not 0 <= age <= 150:
            check.bad(f"年龄 {age} 无效（0 至 150）", f"{name} {age} is invalid (0 to 150)")
    if data.age_min is not None and data.age_below is not None and data.age_min >= data.age_below:
        check.bad(f"年龄范围 {data.age_min} 至 {data.age_below} 为空", f"the age range {data.age_min} to {data.age_below} is empty")


def _check_register(db: Session, data: IndicatorInput, check: _Check) -> Register | None:
    if data.kind in DERIVED_KINDS:
        if data.register_code or data.filters():
            check.bad("比率和公式不直接读取名册，不能指定名册或筛选条件",
                      "a ratio or formula reads no register: give no register or filters")
        return None
    register = db.scalar(select(Register).where(Register.code == data.register_code))
    if register is None:
        check.bad(f"名册 {data.register_code or '（未填）'} 不存在", f"register {data.register_code or '(none)'} does not exist")
        return None
    columns = {c["field"].removeprefix("element:") for c in register.columns if c.get("field", "").startswith("element:")}
    if data.kind in ("sum", "distinct") and not data.attribute:
        check.bad("求和与去重计数需要指定名册中的一列（数据元代码）", "a sum or distinct count needs a register column (element code)")
    for code in ([data.attribute] if data.kind != "count" and data.attribute else []) + sorted(data.attributes):
        if code not in columns:
            check.bad(f"名册 {register.code} 没有数据元 {code} 这一列", f"register {register.code} has no column for element {code}")
    for code, values in data.attributes.items():
        if not values:
            check.bad(f"筛选条件 {code} 没有取值", f"the filter on {code} has no values")
    return register


def _known_names(db: Session, exclude_code: str) -> dict[str, str]:
    """Names a derived indicator may use: indicator codes, and element codes (the data the units report)."""
    names = {code: "element" for code in db.scalars(select(DataElement.code))}
    names.update({code: "indicator" for code in db.scalars(select(Indicator.code)) if code != exclude_code})
    return names


def _check_derived(db: Session, data: IndicatorInput, check: _Check) -> None:
    if data.kind not in DERIVED_KINDS:
        return
    if data.kind == "ratio" and (not data.numerator or not data.denominator or not data.factor > 0):
        check.bad("比率需要分子、分母和正的倍数", "a ratio needs a numerator, a denominator and a positive factor")
        return
    if data.kind == "formula" and not data.formula.strip():
        check.bad("缺少公式", "the formula is missing")
        return
    probe = Indicator(code=data.code, kind=data.kind, numerator=data.numerator, denominator=data.denominator,
                      factor=data.factor, formula=data.formula)
    try:
        formula = expressions.parsed(probe)
    except ValidationError as exc:
        check.problems += exc.problems
        return
    known = _known_names(db, data.code)
    for name in sorted(formula.names - known.keys()):
        check.bad(f"公式引用了未知的指标或数据元 “{name}”", f"the formula refers to the unknown indicator or element “{name}”")
    if data.code in formula.names or (data.element_code and data.element_code in formula.names):
        check.bad("公式引用了自身", "the formula refers to itself")
    elif not check.problems:
        _check_no_cycle(db, data, formula.names, check)


def _check_no_cycle(db: Session, data: IndicatorInput, uses: frozenset[str], check: _Check) -> None:
    """No indicator may depend on itself, by its code or through the element it answers."""
    others = list(db.scalars(select(Indicator).where(Indicator.code != data.code)))
    answered = {i.element.code: i.code for i in others if i.element is not None}
    if data.element_code:
        answered[data.element_code] = data.code

    def indicators_in(names) -> set[str]:
        return {answered.get(name, name) for name in names}

    graph = {data.code: indicators_in(uses)}
    for other in others:
        if other.kind in DERIVED_KINDS:
            graph[other.code] = indicators_in(expressions.parsed(other).names)
    try:
        tuple(graphlib.TopologicalSorter(graph).static_order())
    except graphlib.CycleError as exc:
        cycle = " → ".join(exc.args[1])
        check.bad(f"指标之间循环引用：{cycle}", f"indicators refer to each other in a cycle: {cycle}")


def _check_element(db: Session, data: IndicatorInput, check: _Check) -> DataElement | None:
    if not data.element_code:
        return None
    element = db.scalar(select(DataElement).where(DataElement.code == data.element_code))
    if element is None:
        check.bad(f"数据元 {data.element_code} 不存在", f"element {data.element_code} does not exist")
        return None
    if element.value_type not in NUMERIC_TYPES:
        check.bad(f"数据元 {element.code} 不是数值型，指标不能回答它", f"element {element.code} is not numeric")
    other = db.scalar(select(Indicator.code).where(Indicator.element_id == element.id, Indicator.code != data.code))
    if other:
        check.bad(f"数据元 {element.code} 已由指标 {other} 回答", f"element {element.code} is already answered by indicator {other}")
    return element


def _validated(db: Session, data: IndicatorInput) -> tuple[Department, Register | None, DataElement | None]:
    check = _Check(data.code)
    _check_fields(data, check)
    department = db.scalar(select(Department).where(Department.code == data.department_code))
    if department is None:
        check.bad(f"部门 {data.department_code} 不存在", f"department {data.department_code} does not exist")
    register = _check_register(db, data, check) if data.kind in KINDS else None
    element = _check_element(db, data, check)
    if not check.problems:
        _check_derived(db, data, check)
    if check.problems:
        raise ValidationError(check.problems)
    return department, register, element


def _fill(indicator: Indicator, data: IndicatorInput, department: Department, register: Register | None,
          element: DataElement | None) -> None:
    indicator.name_zh, indicator.name_en = data.name_zh.strip(), data.name_en.strip()
    indicator.description_zh, indicator.kind = data.description_zh.strip(), data.kind
    indicator.department, indicator.register, indicator.element = department, register, element
    indicator.filters = data.filters() if data.kind in RECORD_KINDS else {}
    indicator.attribute = data.attribute if data.kind in ("sum", "distinct") else ""
    ratio = data.kind == "ratio"
    indicator.numerator, indicator.denominator = (data.numerator, data.denominator) if ratio else ("", "")
    indicator.factor = float(data.factor) if ratio else 1.0  # stored as a float: the ledger sees 100.0, not 100
    indicator.formula = data.formula.strip() if data.kind == "formula" else ""
    indicator.updated_at = utcnow()


# ---- the write path ------------------------------------------------------------------------------

@write_service
def create(db: Session, actor: Actor, data: IndicatorInput) -> Indicator:
    department, register, element = _validated(db, data)
    authorize(actor, "indicator.author", department)
    if db.scalar(select(Indicator.id).where(Indicator.code == data.code)):
        raise Conflict(Text(f"指标代码 {data.code} 已被使用", f"indicator code {data.code} is already used"))
    indicator = Indicator(code=data.code)
    _fill(indicator, data, department, register, element)
    db.add(indicator)
    db.flush()
    log.record(db, actor, "indicator.create", indicator)
    return indicator


@write_service
def update(db: Session, actor: Actor, code: str, data: IndicatorInput) -> Indicator:
    """The code stays; moving an indicator to another department needs an author of both (or an admin)."""
    indicator = get(db, code)
    authorize(actor, "indicator.author", indicator.department)
    data = replace(data, code=code)
    department, register, element = _validated(db, data)
    authorize(actor, "indicator.author", department)
    _fill(indicator, data, department, register, element)
    log.record(db, actor, "indicator.update", indicator)
    return indicator
