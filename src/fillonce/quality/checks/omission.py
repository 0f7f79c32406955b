"""Omission: forms not submitted by their deadline, and required values missing from submitted forms."""

from __future__ import annotations

from collections.abc import Iterator

from fillonce.core.i18n import Text
from fillonce.quality.context import Found, PeriodData


def missing_forms(data: PeriodData) -> Iterator[Found]:
    """Units that owe this period's one form, past its deadline, without a submission."""
    for unit_id, specs in data.unit_specs.items():
        due = data.window(unit_id).due
        if unit_id in data.submissions or due is None or data.today <= due:
            continue
        unit = data.units[unit_id]
        asked = data.required.get(unit_id, [])
        filled = sum(1 for key in asked if key in data.values.get(unit_id, {}))
        yield Found("missing_form", unit_id, (), Text(
            f"{unit.name_zh} {data.period.id} 的一表通截至 {due} 仍未报送（已填 {filled}/{len(asked)} 项）",
            f"{unit.name_zh} {data.period.id}: the one form was not submitted by {due} ({filled}/{len(asked)} items filled)"),
            {"due": due.isoformat(), "asked": len(asked), "filled": filled,
             "forms": [s.form_number for s in specs]})


def missing_required(data: PeriodData) -> Iterator[Found]:
    """Asked items left empty in a submitted form (a value deleted after submitting, or a spec changed)."""
    for unit_id in data.reported():
        values = data.values.get(unit_id, {})
        empty: dict[int, list[str]] = {}
        for element_id, option in data.required.get(unit_id, []):
            if (element_id, option) not in values:
                empty.setdefault(element_id, []).append(option)
        unit = data.units[unit_id]
        for element_id, options in empty.items():
            element = data.elements[element_id]
            yield Found("missing_required", unit_id, (element.code,), Text(
                f"{unit.name_zh} {data.period.id} 已报送，但必填项「{element.name_zh}」为空",
                f"{unit.name_zh} {data.period.id} was submitted but the required item “{element.name_en or element.code}” is empty"),
                {"element": element.code, "options": [o or "合计" for o in options]},
                element_id=element_id, department_id=element.owner_department_id)
