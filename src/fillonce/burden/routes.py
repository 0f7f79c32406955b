"""Burden pages: each person's own scope (a unit, a department), the city's before/after for the office
with its workbook, and the office's settings. Nothing here counts visits, clicks or sign-ins."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.burden import service as burden
from fillonce.burden import settings as office_settings
from fillonce.burden.export import summary_xlsx
from fillonce.core.tables import XLSX_MEDIA_TYPE
from fillonce.web.deps import Visitor, check_csrf, get_db, render, require, signed_in

router = APIRouter()


@router.get("/burden")
def burden_page(request: Request, unit: str = "", department: str = "", db: Session = Depends(get_db),
                who: Visitor = Depends(signed_in)):
    scope = burden.scope_for(db, who.actor, unit_code=unit, department_code=department)
    return render(request, who, "burden/scope.html", scope=scope, measured=burden.measure_scope(db, scope))


@router.get("/burden/city")
def city_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(require("burden.city"))):
    return render(request, who, "burden/city.html", summary=burden.summary(db, who.actor))


@router.get("/burden/city.xlsx")
def city_xlsx(db: Session = Depends(get_db), who: Visitor = Depends(require("burden.city"))):
    body = summary_xlsx(burden.summary(db, who.actor))
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": 'attachment; filename="burden.xlsx"'})


@router.get("/burden/settings")
def settings_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(require("burden.tune"))):
    return render(request, who, "burden/settings.html", knobs=office_settings.KNOBS,
                  values=office_settings.current(db))


@router.post("/burden/settings", dependencies=[Depends(check_csrf)])
async def change_settings(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    form = await request.form()
    office_settings.change(db, who.actor, {k: v for k, v in form.items() if k in office_settings.KNOBS})
    return RedirectResponse("/burden/settings?saved=1", status_code=303)
