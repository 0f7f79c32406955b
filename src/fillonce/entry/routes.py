"""Data value sets as JSON (the shape follows DHIS2's dataValueSets): for systems that report for a unit."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import authorize
from fillonce.entry import service as entry
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import parse_period
from fillonce.web.deps import Visitor, check_csrf, get_db, signed_in

api = APIRouter(prefix="/api/v1/dataValueSets", tags=["data values"])


class DataValue(BaseModel):
    dataElement: str = Field(description="数据元代码 / catalogue element code")
    categoryOption: str = Field("", description="分组选项代码，合计为空 / disaggregation option, empty for the total")
    value: str | None = Field(None, description="空或 null 表示删除 / empty or null deletes the value")


class DataValueSet(BaseModel):
    orgUnit: str
    period: str
    dataValues: list[DataValue] = Field(default_factory=list)
    complete: bool = Field(False, description="同时提交本期表格 / also submit the period's form")
    explanations: dict[str, str] = Field(default_factory=dict, description="上报说明，按审核公式 / per warning rule")
    reason: str | None = Field(None, description="提交后修改须说明原因 / needed to change submitted values")


@api.get("", response_model=DataValueSet)
def get_values(orgUnit: str, period: str, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """A unit's values for a period."""
    unit = orgunits.get(db, orgUnit)
    authorize(who.actor, "form.view", unit)
    period_id = parse_period(period).id
    values = entry.coded_values(db, unit.id, period_id)
    submission = entry.submission_of(db, unit.id, period_id)
    return DataValueSet(orgUnit=unit.code, period=period_id, complete=submission is not None,
                        dataValues=[DataValue(dataElement=code, categoryOption=option, value=value)
                                    for (code, option), value in sorted(values.items())])


@api.post("", dependencies=[Depends(check_csrf)])
def post_values(body: DataValueSet, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Save values all or nothing; with `complete`, submit the form too and return the receipt."""
    values = {(v.dataElement, v.categoryOption): v.value for v in body.dataValues}
    resent = body.complete and entry.already_stored(db, body.orgUnit, body.period, values)
    changed = 0 if resent else entry.save_values(db, who.actor, body.orgUnit, body.period, values, body.reason)
    result: dict = {"status": "OK", "changed": changed}
    if body.complete:
        submission = entry.submit_form(db, who.actor, body.orgUnit, body.period, body.explanations)
        result["receipt"] = entry.receipt(db, request.app.state.runtime.settings, submission)
    return result
