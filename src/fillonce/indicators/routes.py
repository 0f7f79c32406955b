"""Indicator pages: the list, one indicator with its figures by unit for a period (and as xlsx), and the
authors' create and edit forms."""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.permissions import authorize, can
from fillonce.catalog import service as catalog
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, PermissionDenied, ValidationError
from fillonce.core.i18n import Text, localize
from fillonce.core.tables import XLSX_MEDIA_TYPE, xlsx_bytes
from fillonce.indicators import expressions
from fillonce.indicators import service as indicators
from fillonce.indicators.compute import Computation, compute
from fillonce.indicators.models import KIND_LABELS, KINDS, Indicator
from fillonce.orgunits.models import LEVEL_NAMES
from fillonce.periods.ids import MONTHLY, parse_period, period_of
from fillonce.registers import service as registers
from fillonce.web.deps import Visitor, check_csrf, get_db, render, signed_in, status_of

router = APIRouter()
TEXT_FIELDS = ("code", "name_zh", "name_en", "description_zh", "kind", "department_code", "element_code",
               "register_code", "sex", "statuses", "age_min", "age_below", "attributes", "attribute", "numerator",
               "denominator", "factor", "formula")
LIST_SEPARATORS = re.compile(r"[,，、]")
DEFAULT_LEVEL = 3


def _authorable(db: Session, who: Visitor) -> list:
    """The departments this person may define indicators for: an author their own, an administrator any."""
    departments = [d for d in accounts.departments(db) if can(who.actor, "indicator.author", d)]
    if not departments:
        raise PermissionDenied(Text("只有部门的编制人员可以定义指标", "only a department's authors may define indicators"))
    return departments


def _whole(value: str, label: Text, problems: list) -> int | None:
    if not value.strip():
        return None
    try:
        return int(value)
    except ValueError:
        problems.append(Text(f"{label.zh}必须是整数：{value}", f"{label.en} must be a whole number: {value}"))
        return None


def _attribute_filters(text: str, problems: list) -> dict[str, tuple[str, ...]]:
    """``TEKUN_MODE=central; DISABILITY_GRADE=1,2``: each element code with the values it may take."""
    found = {}
    for part in filter(None, (p.strip() for p in re.split(r"[;；\n]", text))):
        code, equals, values = part.partition("=")
        if not equals or not code.strip():
            problems.append(Text(f"属性筛选应写作 代码=值1,值2：{part}", f"an attribute filter reads CODE=value1,value2: {part}"))
            continue
        found[code.strip()] = tuple(v.strip() for v in LIST_SEPARATORS.split(values) if v.strip())
    return found


def _input_of(form: dict[str, str]) -> tuple[indicators.IndicatorInput, list[Text]]:
    problems: list[Text] = []
    try:
        factor = float(form["factor"]) if form["factor"].strip() else 1.0
    except ValueError:
        problems.append(Text(f"倍数必须是数字：{form['factor']}", f"the factor must be a number: {form['factor']}"))
        factor = 1.0
    data = indicators.IndicatorInput(
        code=form["code"].strip(), name_zh=form["name_zh"], kind=form["kind"], department_code=form["department_code"],
        name_en=form["name_en"], description_zh=form["description_zh"], element_code=form["element_code"].strip(),
        register_code=form["register_code"].strip(), sex=form["sex"],
        statuses=tuple(s.strip() for s in LIST_SEPARATORS.split(form["statuses"]) if s.strip()),
        age_min=_whole(form["age_min"], Text("最小年龄", "the lowest age"), problems),
        age_below=_whole(form["age_below"], Text("年龄上限", "the age limit"), problems),
        attributes=_attribute_filters(form["attributes"], problems), attribute=form["attribute"].strip(),
        numerator=form["numerator"].strip(), denominator=form["denominator"].strip(), factor=factor,
        formula=form["formula"])
    return data, problems


def _form_of(indicator: Indicator) -> dict[str, str]:
    data = indicators.as_input(indicator)
    shown = {name: "" if getattr(data, name, None) is None else str(getattr(data, name, "")) for name in TEXT_FIELDS}
    shown["statuses"] = ",".join(data.statuses)
    shown["attributes"] = "; ".join(f"{code}={','.join(values)}" for code, values in data.attributes.items())
    shown["factor"] = f"{data.factor:g}"
    return shown


def _editor(request: Request, who: Visitor, db: Session, form: dict, indicator: Indicator | None = None,
            problems: list[str] | None = None, status_code: int = 200):
    return render(request, who, "indicators/edit.html", status_code=status_code, form=form, indicator=indicator,
                  problems=problems or [], departments=_authorable(db, who), kinds=KINDS, kind_labels=KIND_LABELS,
                  registers=registers.definitions(db),
                  elements=catalog.search(db, limit=100_000),
                  action=f"/indicators/{indicator.code}/edit" if indicator else "/indicators/new")


async def _save(request: Request, who: Visitor, db: Session, indicator: Indicator | None):
    posted = await request.form()
    form = {name: str(posted.get(name, "")) for name in TEXT_FIELDS}
    if indicator is not None:
        form["code"] = indicator.code  # the code never changes
    data, problems = _input_of(form)
    if problems:
        return _editor(request, who, db, form, indicator, [localize(p, who.language) for p in problems], 422)
    try:
        saved = indicators.update(db, who.actor, indicator.code, data) if indicator else indicators.create(db, who.actor, data)
    except (ValidationError, Conflict) as exc:
        shown = [localize(p, who.language) for p in exc.problems] if isinstance(exc, ValidationError) else [
            exc.in_(who.language)]
        return _editor(request, who, db, form, indicator, shown, status_of(exc))
    return RedirectResponse(f"/indicators/{saved.code}", status_code=303)


@router.get("/indicators")
def list_page(request: Request, department: str = "", db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    authorize(who.actor, "indicator.view")
    found = indicators.list_indicators(db, department or None)
    may_author = any(can(who.actor, "indicator.author", d) for d in accounts.departments(db))
    return render(request, who, "indicators/list.html", indicators=found, department=department,
                  departments=accounts.departments(db), may_author=may_author, kind_labels=KIND_LABELS,
                  describe=expressions.describe)


@router.get("/indicators/new")
def new_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    departments = _authorable(db, who)
    form = dict.fromkeys(TEXT_FIELDS, "") | {"kind": "count", "department_code": departments[0].code, "factor": "1"}
    return _editor(request, who, db, form)


@router.post("/indicators/new", dependencies=[Depends(check_csrf)])
async def new_post(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    _authorable(db, who)
    return await _save(request, who, db, None)


def _owned(db: Session, who: Visitor, code: str) -> Indicator:
    indicator = indicators.get(db, code)
    authorize(who.actor, "indicator.author", indicator.department)
    return indicator


@router.get("/indicators/{code}/edit")
def edit_page(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    indicator = _owned(db, who, code)
    return _editor(request, who, db, _form_of(indicator), indicator)


@router.post("/indicators/{code}/edit", dependencies=[Depends(check_csrf)])
async def edit_post(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return await _save(request, who, db, _owned(db, who, code))


def _figures(db: Session, indicator: Indicator, period_id: str, level: int) -> tuple[Computation, list]:
    result = compute(db, parse_period(period_id), [indicator.code])
    return result, [(unit, result.values[indicator.code].get(unit.id)) for unit in result.at_level(level)]


def _chosen_period(period: str) -> str:
    return period or period_of(MONTHLY, utcnow().date()).previous().id


@router.get("/indicators/{code}")
def detail_page(code: str, request: Request, period: str = "", level: int = DEFAULT_LEVEL,
                db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    authorize(who.actor, "indicator.view")
    indicator = indicators.get(db, code)
    period = _chosen_period(period)
    result, rows = _figures(db, indicator, period, level)
    return render(request, who, "indicators/detail.html", indicator=indicator, source=expressions.describe(indicator),
                  kind_labels=KIND_LABELS, period=result.period, level=level, rows=rows,
                  levels=[(n, LEVEL_NAMES.get(n, (str(n), str(n)))) for n in result.levels()],
                  may_edit=can(who.actor, "indicator.author", indicator.department))


@router.get("/indicators/{code}/values.xlsx")
def values_xlsx(code: str, period: str = "", level: int = DEFAULT_LEVEL, db: Session = Depends(get_db),
                who: Visitor = Depends(signed_in)):
    authorize(who.actor, "indicator.view")
    indicator = indicators.get(db, code)
    period = _chosen_period(period)
    _, rows = _figures(db, indicator, period, level)
    body = xlsx_bytes(indicator.name_zh[:31], ["单位代码", "单位", "报告期", indicator.name_zh, "来源与口径"],
                      [(unit.code, unit.name_zh, period, value, expressions.describe(indicator)) for unit, value in rows])
    name = f"indicator-{indicator.code}-{period}-l{level}.xlsx"
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})
