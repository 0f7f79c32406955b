from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.catalog import service as catalog
from fillonce.catalog.schemas import ElementIn, ElementOut
from fillonce.core.tables import XLSX_MEDIA_TYPE, xlsx_bytes
from fillonce.web.deps import Visitor, check_csrf, get_db, render, signed_in

router = APIRouter()
api = APIRouter(prefix="/api/v1/elements", tags=["catalogue"])
EXPORT_HEADERS = ["代码", "名称", "英文名称", "定义", "值类型", "计量单位", "汇总方式", "主题", "责任部门代码", "别名", "分组"]


@router.get("/catalog")
def catalog_page(request: Request, q: str = "", department: str = "", topic: str = "",
                 db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    elements = catalog.search(db, q, department or None, topic or None, limit=500)
    return render(request, who, "catalog/list.html", q=q, department=department, topic=topic, elements=elements,
                  departments=accounts.departments(db), topics=catalog.topics(db))


@router.get("/catalog/export.xlsx")
def export_xlsx(q: str = "", department: str = "", topic: str = "", db: Session = Depends(get_db),
                who: Visitor = Depends(signed_in)):
    """The same columns `fillonce catalog import` reads, so an export can be edited and imported elsewhere."""
    rows = [(e.code, e.name_zh, e.name_en, e.definition_zh, e.value_type, e.unit, e.aggregation, e.topic,
             e.owner.code, "；".join(a.alias for a in e.aliases), "；".join(c.code for c in e.categories))
            for e in catalog.search(db, q, department or None, topic or None, limit=1_000_000)]
    body = xlsx_bytes("数据元目录", EXPORT_HEADERS, rows)
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": 'attachment; filename="catalog.xlsx"'})


@router.get("/catalog/{code}")
def element_page(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return render(request, who, "catalog/element.html", element=catalog.get(db, code))


@api.get("", response_model=list[ElementOut])
def api_search(q: str = "", department: str | None = None, topic: str | None = None, limit: int = 200,
               db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Search by code, name or alias."""
    return [ElementOut.of(e) for e in catalog.search(db, q, department, topic, limit=min(limit, 5000))]


@api.get("/{code}", response_model=ElementOut)
def api_get(code: str, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return ElementOut.of(catalog.get(db, code))


@api.post("", response_model=ElementOut, status_code=201, dependencies=[Depends(check_csrf)])
def api_create(body: ElementIn, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return ElementOut.of(catalog.create(db, who.actor, body.to_input()))


@api.put("/{code}", response_model=ElementOut, dependencies=[Depends(check_csrf)])
def api_update(code: str, body: ElementIn, reason: str = "", db: Session = Depends(get_db),
               who: Visitor = Depends(signed_in)):
    """Renaming keeps the code."""
    return ElementOut.of(catalog.update(db, who.actor, code, body.to_input(), reason))
