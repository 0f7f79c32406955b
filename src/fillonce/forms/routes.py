from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import authorize
from fillonce.core.tables import XLSX_MEDIA_TYPE
from fillonce.forms import service as forms
from fillonce.forms.workbook import one_form_xlsx
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import MONTHLY, parse_period, period_of
from fillonce.web.deps import Visitor, get_db, render, signed_in

router = APIRouter()


@router.get("/forms")
def choose(request: Request, unit: str = "", period: str = "", who: Visitor = Depends(signed_in)):
    """Straight to the user's own unit and the current month, or to what they asked for."""
    unit = unit or (who.actor.org_unit_code or "")
    period = period or period_of(MONTHLY, date.today()).id
    if unit:
        return RedirectResponse(f"/forms/{unit}/{period}", status_code=303)
    return render(request, who, "forms/choose.html", period=period)


def _load(db: Session, who: Visitor, unit_code: str, period_id: str):
    unit = orgunits.get(db, unit_code)
    authorize(who.actor, "form.view", unit)
    return forms.one_form(db, unit, parse_period(period_id))


@router.get("/forms/{unit_code}/{period_id}")
def form_page(unit_code: str, period_id: str, request: Request, db: Session = Depends(get_db),
              who: Visitor = Depends(signed_in)):
    form = _load(db, who, unit_code, period_id)
    return render(request, who, "forms/one_form.html", form=form, ancestors=orgunits.ancestors(db, form.unit))


@router.get("/forms/{unit_code}/{period_id}/form.xlsx")
def form_xlsx(unit_code: str, period_id: str, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    form = _load(db, who, unit_code, period_id)
    name = f"one-form-{form.unit.code}-{form.period.id}.xlsx"
    return Response(one_form_xlsx(form), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})
