"""Data values through the one write path: typed, scoped to the actor's units, each change in the ledger."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import Actor, authorize
from fillonce.catalog.models import DataElement
from fillonce.core.db import utcnow
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.entry.models import DataValue
from fillonce.ledger import log
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period

BOOLEAN_TEXT = {"是": "true", "否": "false", "true": "true", "false": "false", "1": "true", "0": "false",
                "yes": "true", "no": "false"}


def _number(raw: str) -> Decimal:
    return Decimal(raw.replace(",", "").replace("，", "").strip())


def canonical_value(element: DataElement, raw: object) -> str:
    """The stored text of a typed value; raises ValueError with what was expected."""
    text = str(raw).strip()
    kind = element.value_type
    if kind == "integer":
        number = _number(text)
        if number != number.to_integral_value():
            raise ValueError("应为整数 / a whole number is expected")
        return str(int(number))
    if kind in {"number", "percent"}:
        number = _number(text.rstrip("%"))
        if kind == "percent" and not 0 <= number <= 100:
            raise ValueError("百分比应在 0 到 100 之间 / a percent lies between 0 and 100")
        return format(number.normalize(), "f")
    if kind == "boolean":
        if text.lower() not in BOOLEAN_TEXT:
            raise ValueError("应为“是”或“否” / yes or no is expected")
        return BOOLEAN_TEXT[text.lower()]
    if kind == "date":
        return date.fromisoformat(text.replace("/", "-")).isoformat()
    if kind == "option_set":
        codes = {o[0]: o[0] for o in element.options} | {o[1]: o[0] for o in element.options}
        if text not in codes:
            raise ValueError("应为选项之一 / one of the options is expected: " + "、".join(o[1] for o in element.options))
        return codes[text]
    return text


def _check(element: DataElement, raw: object, where: str) -> str:
    try:
        value = canonical_value(element, raw)
    except (ValueError, InvalidOperation) as exc:
        reason = str(exc) if isinstance(exc, ValueError) and "/" in str(exc) else "格式不对 / not readable"
        raise ValidationError(Text(f"{where}「{element.name_zh}」的值 {raw!r} 无效：{reason.split(' / ')[0]}",
                                   f"{where} “{element.name_en or element.code}” value {raw!r} is invalid: "
                                   f"{reason.split(' / ')[-1]}")) from None
    if element.value_type == "integer" and element.aggregation == "sum" and value.startswith("-"):
        # counts of people, households, cases are never negative
        raise ValidationError(Text(f"{where}「{element.name_zh}」不能为负数", f"{where} “{element.code}” cannot be negative"))
    return value


@write_service
def save_values(db: Session, actor: Actor, unit_code: str, period_id: str,
                values: Mapping[tuple[str, str], object], reason: str | None = None) -> int:
    """Set (element code, option) → value for one unit and period; an empty value deletes it.

    Returns how many values changed. All or nothing: any bad value refuses the whole save."""
    unit = orgunits.get(db, unit_code)
    authorize(actor, "entry.edit", unit)
    period = parse_period(period_id)
    codes = {code for code, _ in values}
    elements = {e.code: e for e in db.scalars(select(DataElement).where(DataElement.code.in_(codes)))}
    existing = {(v.element_id, v.category_option): v for v in db.scalars(
        select(DataValue).where(DataValue.org_unit_id == unit.id, DataValue.period == period.id))}
    problems, changes = [], []
    for (code, option), raw in values.items():
        element = elements.get(code)
        where = f"{unit.name_zh} {period.id}"
        if element is None:
            problems.append(Text(f"{where}：数据元 {code} 不存在", f"{where}: element {code} does not exist"))
            continue
        try:
            value = None if raw is None or str(raw).strip() == "" else _check(element, raw, where)
        except ValidationError as exc:
            problems += exc.problems
            continue
        changes.append((element, option, value))
    if problems:
        raise ValidationError(problems)
    changed = 0
    for element, option, value in changes:
        current = existing.get((element.id, option))
        if current is not None and value is None:
            db.delete(current)
            log.record(db, actor, "value.delete", current, effect="delete", reason=reason)
        elif current is not None and current.value != value:
            current.value, current.updated_at = value, utcnow()
            log.record(db, actor, "value.update", current, reason=reason)
        elif current is None and value is not None:
            row = DataValue(element_id=element.id, category_option=option, org_unit_id=unit.id, period=period.id,
                            value=value, updated_at=utcnow())
            db.add(row)
            log.record(db, actor, "value.create", row, reason=reason)
        else:
            continue
        changed += 1
    return changed
