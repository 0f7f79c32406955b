"""The inventory audit in the browser: upload the forms, see the duplicate map, turn a cluster into a
catalogue element."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from fillonce.accounts import service as accounts
from fillonce.accounts.permissions import authorize
from fillonce.audit.inventory import audit_files, write_duplicate_map_xlsx
from fillonce.catalog import service as catalog
from fillonce.catalog.models import AGGREGATIONS, VALUE_TYPES
from fillonce.core.errors import ValidationError
from fillonce.core.i18n import Text
from fillonce.core.tables import XLSX_MEDIA_TYPE
from fillonce.web.deps import Visitor, check_csrf, get_db, render, signed_in
from fillonce.web.private_uploads import PrivateUploads

router = APIRouter()
UPLOADS = PrivateUploads("fillonce-audits", Text("找不到这次盘点，请重新上传", "this audit is gone; upload the forms again"))
MAX_FILES = 100
MAX_BYTES = 20 * 1024 * 1024


def _folder(who: Visitor, token: str) -> Path:
    """An audit's uploads, readable only by the account that made it."""
    return UPLOADS.folder(who.actor.account_id, token)


async def _save(files: list[UploadFile], folder: Path) -> None:
    if not files or len(files) > MAX_FILES:
        raise ValidationError(Text(f"请上传 1–{MAX_FILES} 个 xlsx 文件", f"upload 1–{MAX_FILES} xlsx files"))
    for upload in files:
        data = await upload.read(MAX_BYTES + 1)
        name = Path(upload.filename or "form.xlsx").name
        if len(data) > MAX_BYTES:
            raise ValidationError(Text(f"{name}：文件超过 20 MB", f"{name}: the file is larger than 20 MB"))
        (folder / "forms").mkdir(parents=True, exist_ok=True)
        (folder / "forms" / name).write_bytes(data)


def _page(request: Request, who: Visitor, db: Session, token: str | None, folder: Path | None):
    result = audit_files(sorted((folder / "forms").iterdir())) if folder else None
    return render(request, who, "audit/audit.html", token=token, result=result,
                  data=result.to_json() if result else None, departments=accounts.departments(db),
                  value_types=VALUE_TYPES, aggregations=AGGREGATIONS)


@router.get("/audit")
def audit_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    authorize(who.actor, "audit.run")
    return _page(request, who, db, None, None)


@router.post("/audit", dependencies=[Depends(check_csrf)])
async def run_audit(request: Request, files: list[UploadFile], db: Session = Depends(get_db),
                    who: Visitor = Depends(signed_in)):
    authorize(who.actor, "audit.run")
    folder = UPLOADS.new(who.actor.account_id)
    token = folder.name
    try:
        await _save(files, folder)
    except ValidationError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return _page(request, who, db, token, folder)


@router.get("/audit/{token}")
def audit_again(token: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    authorize(who.actor, "audit.run")
    return _page(request, who, db, token, _folder(who, token))


@router.get("/audit/{token}/map.xlsx")
def audit_map(token: str, who: Visitor = Depends(signed_in)):
    authorize(who.actor, "audit.run")
    folder = _folder(who, token)
    out = folder / "map.xlsx"
    write_duplicate_map_xlsx(audit_files(sorted((folder / "forms").iterdir())), out)
    return Response(out.read_bytes(), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="duplicate-map.xlsx"'})


@router.post("/audit/{token}/element", dependencies=[Depends(check_csrf)])
def cluster_to_element(token: str, request: Request, code: str = Form(...), name_zh: str = Form(...),
                       unit: str = Form(""), value_type: str = Form("integer"), aggregation: str = Form("sum"),
                       owner: str = Form(...), aliases: str = Form(""), db: Session = Depends(get_db),
                       who: Visitor = Depends(signed_in)):
    """A cluster of same-meaning columns becomes one catalogue element; the other labels become aliases."""
    authorize(who.actor, "audit.run")
    _folder(who, token)
    element = catalog.create(db, who.actor, catalog.ElementInput(
        code=code.strip().upper(), name_zh=name_zh, value_type=value_type, aggregation=aggregation,
        owner_department_code=owner, unit=unit, aliases=tuple(a for a in aliases.split("\n") if a.strip())))
    return render(request, who, "audit/created.html", element=element, token=token)
