from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.permissions import can
from fillonce.core.tables import XLSX_MEDIA_TYPE, xlsx_bytes
from fillonce.orgunits import service as orgunits
from fillonce.orgunits.models import LEVEL_NAMES
from fillonce.orgunits.schemas import OrgUnitCreate, OrgUnitOut
from fillonce.web.deps import Visitor, check_csrf, get_db, render, signed_in

router = APIRouter()
api = APIRouter(prefix="/api/v1/orgunits", tags=["org units"])


@router.get("/orgunits")
def tree_page(request: Request, q: str = "", db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    found = orgunits.search(db, q) if q.strip() else None
    return render(request, who, "orgunits/tree.html", q=q, found=found, roots=orgunits.roots(db),
                  children=lambda unit: orgunits.children(db, unit), level_names=LEVEL_NAMES)


@router.get("/orgunits/export.xlsx")
def export_xlsx(db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    rows = [(u.code, u.name_zh, u.name_en, u.level, u.path.strip("/").split("/")[-2] if u.level > 1 else "",
             u.opened_on, u.closed_on) for root in orgunits.roots(db) for u in orgunits.subtree(db, root)]
    body = xlsx_bytes("组织机构", ["代码", "名称", "英文名称", "层级", "上级代码", "成立日期", "撤销日期"], rows)
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": 'attachment; filename="orgunits.xlsx"'})


@router.get("/orgunits/{code}")
def unit_page(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    unit = orgunits.get(db, code)
    people = accounts.accounts_of_unit(db, unit) if can(who.actor, "orgunit.view_detail", unit) else None
    return render(request, who, "orgunits/unit.html", unit=unit, ancestors=orgunits.ancestors(db, unit),
                  children=orgunits.children(db, unit), people=people, level_names=LEVEL_NAMES)


@api.get("", response_model=list[OrgUnitOut])
def api_list(parent: str | None = None, q: str = Query("", description="名称或代码 / name or code"),
             db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Roots, the children of `parent`, or units matching `q`."""
    if q.strip():
        return orgunits.search(db, q)
    return orgunits.children(db, orgunits.get(db, parent)) if parent else orgunits.roots(db)


@api.get("/{code}", response_model=OrgUnitOut)
def api_get(code: str, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return orgunits.get(db, code)


@api.post("", response_model=OrgUnitOut, status_code=201, dependencies=[Depends(check_csrf)])
def api_create(body: OrgUnitCreate, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return orgunits.create(db, who.actor, orgunits.OrgUnitInput(
        code=body.code, name_zh=body.name_zh, name_en=body.name_en, parent_code=body.parent_code,
        opened_on=body.opened_on))
