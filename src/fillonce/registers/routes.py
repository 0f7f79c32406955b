"""Register pages (list, detail with masked records, import with its error preview) and the records API."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import authorize, can
from fillonce.catalog import service as catalog
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text, localize
from fillonce.core.tables import XLSX_MEDIA_TYPE, xlsx_bytes
from fillonce.registers import duplicates, loading
from fillonce.registers import service as registers
from fillonce.web.deps import (
    Visitor,
    check_csrf,
    get_db,
    render,
    signed_in,
    signed_in_or_token,
    status_of,
    visitor,
)
from fillonce.web.private_uploads import PrivateUploads

router = APIRouter()
api = APIRouter(prefix="/api/v1/registers", tags=["registers"])
UPLOADS = PrivateUploads("fillonce-register-imports", Text("找不到这次导入，请重新上传", "this import is gone; upload the file again"))
MAX_BYTES = 200 * 1024 * 1024
PREVIEW = 100


def _attachment(body: bytes, filename: str, media_type: str = XLSX_MEDIA_TYPE) -> Response:
    return Response(body, media_type=media_type,
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


@router.get("/registers")
def registers_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return render(request, who, "registers/list.html", summaries=registers.visible(db, who.actor),
                  may_define=bool(registers.definable_departments(db, who.actor)))


BLANK_ROWS = 6


def _definition_form(register=None) -> dict:
    if register is None:
        return {"code": "", "name_zh": "", "name_en": "", "department_code": "", "exclusive_group": "", "columns": []}
    return {"code": register.code, "name_zh": register.name_zh, "name_en": register.name_en,
            "department_code": register.department.code, "exclusive_group": register.exclusive_group,
            "columns": registers.columns_of(register)}


def _definer(request: Request, who: Visitor, db: Session, form: dict, register=None, problems=(), status_code=200):
    departments = registers.definable_departments(db, who.actor)
    if not departments:
        authorize(who.actor, "register.define", None)  # nobody's department: refused with the usual message
    rows = list(form["columns"]) + [registers.ColumnInput("", "")] * BLANK_ROWS
    return render(request, who, "registers/define.html", status_code=status_code, form=form, rows=rows,
                  register=register, problems=list(problems), departments=departments,
                  person_fields=registers.FIELD_LABELS, elements=catalog.search(db, limit=100_000),
                  action=f"/registers/{register.code}/edit" if register else "/registers/new")


async def _define(request: Request, who: Visitor, db: Session, register=None):
    posted = await request.form()
    text = {name: str(posted.get(name, "")).strip() for name in
            ("code", "name_zh", "name_en", "department_code", "exclusive_group")}
    if register is not None:
        text["code"], text["department_code"] = register.code, register.department.code
    columns = [registers.ColumnInput(str(header).strip(), str(field).strip(), str(required) == "1")
               for header, field, required in zip(posted.getlist("header"), posted.getlist("field"),
                                                  posted.getlist("required"))
               if str(header).strip() or str(field).strip()]
    form = {**text, "columns": columns}
    try:
        saved = registers.define(db, who.actor, registers.RegisterInput(
            code=text["code"], name_zh=text["name_zh"], name_en=text["name_en"],
            department_code=text["department_code"], exclusive_group=text["exclusive_group"], columns=columns))
    except (ValidationError, NotFound, Conflict) as exc:
        shown = [localize(p, who.language) for p in exc.problems] if isinstance(exc, ValidationError) else [
            exc.in_(who.language)]
        return _definer(request, who, db, form, register, shown, status_of(exc))
    return RedirectResponse(f"/registers/{saved.code}", status_code=303)


@router.get("/registers/new")
def new_register_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _definer(request, who, db, _definition_form())


@router.post("/registers/new", dependencies=[Depends(check_csrf)])
async def new_register(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return await _define(request, who, db)


def _own_register(db: Session, who: Visitor, code: str):
    register = registers.get(db, who.actor, code)
    authorize(who.actor, "register.define", register.department)
    return register


@router.get("/registers/{code}/edit")
def edit_register_page(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    register = _own_register(db, who, code)
    return _definer(request, who, db, _definition_form(register), register)


@router.post("/registers/{code}/edit", dependencies=[Depends(check_csrf)])
async def edit_register(code: str, request: Request, db: Session = Depends(get_db),
                        who: Visitor = Depends(signed_in)):
    return await _define(request, who, db, _own_register(db, who, code))


@router.get("/registers/{code}")
def register_page(code: str, request: Request, unit: str = "", page: int = 1, db: Session = Depends(get_db),
                  who: Visitor = Depends(signed_in)):
    register = registers.get(db, who.actor, code)
    records = registers.records(db, who.actor, code, unit or None, page) if can(
        who.actor, "register.records", register) else None
    return render(request, who, "registers/detail.html", register=register, records=records, unit=unit,
                  imports=registers.imports_of(db, who.actor, register), element_code=registers.element_code)


@router.get("/registers/{code}/export.xlsx")
def export_masked(code: str, unit: str = "", db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    headers, rows = registers.export_rows(db, who.actor, code, unit or None)
    return _attachment(xlsx_bytes(code, headers, rows), f"{code}.xlsx")


@router.post("/registers/{code}/export", dependencies=[Depends(check_csrf)])
def export_clear(code: str, unit: str = Form(""), db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """The owner's export with clear ID numbers and phones: recorded in the ledger as it is made."""
    headers, rows = registers.export_rows(db, who.actor, code, unit or None, clear=True)
    return _attachment(xlsx_bytes(code, headers, rows), f"{code}-clear.xlsx")


@router.post("/registers/records/{record_id}/reveal", dependencies=[Depends(check_csrf)])
def reveal(record_id: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    number = registers.reveal(db, who.actor, record_id)
    return render(request, who, "registers/reveal.html", number=number)


def _folder(who: Visitor, token: str) -> Path:
    """A rejected upload kept for its error report and a second try, only for the account that sent it."""
    return UPLOADS.folder(who.actor.account_id, token)


def _import_page(request: Request, who: Visitor, register, **context):
    return render(request, who, "registers/import.html", register=register, preview=PREVIEW, **context)


@router.get("/registers/{code}/import")
def import_page(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    register = registers.get(db, who.actor, code)
    authorize(who.actor, "register.load", register)
    return _import_page(request, who, register)


def _load(request: Request, db: Session, who: Visitor, register, folder: Path, good_rows_only: bool):
    meta = UPLOADS.meta(folder)
    path = folder / meta["stored"]
    try:
        result = loading.import_file(db, who.actor, register.code, path, good_rows_only, file_name=meta["name"])
    except loading.RegisterRejected as rejected:
        (folder / "errors.xlsx").write_bytes(loading.error_report_xlsx(rejected.row_problems))
        return _import_page(request, who, register, token=folder.name, rejected=rejected, file_name=meta["name"],
                            status_code=422)
    shutil.rmtree(folder, ignore_errors=True)
    if result.problems:
        folder.mkdir(parents=True, mode=0o700)
        UPLOADS.write_meta(folder, meta)
        (folder / "errors.xlsx").write_bytes(loading.error_report_xlsx(result.problems))
    return render(request, who, "registers/loaded.html", register=register, load=result.load,
                  problems=result.problems, token=folder.name if result.problems else None,
                  warnings=duplicates.for_import(db, result.load), preview=PREVIEW)


@router.post("/registers/{code}/import", dependencies=[Depends(check_csrf)])
async def upload(code: str, request: Request, file: UploadFile, good_rows_only: bool = Form(False),
                 db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    register = registers.get(db, who.actor, code)
    authorize(who.actor, "register.load", register)
    name = Path(file.filename or "register.csv").name
    if Path(name).suffix.lower() not in {".csv", ".xlsx"}:
        raise ValidationError(Text(f"{name}：只接受 .xlsx 或 .csv 文件", f"{name}: only .xlsx or .csv files are accepted"))
    stored = "upload" + Path(name).suffix.lower()
    folder = UPLOADS.new(who.actor.account_id, name=name, stored=stored)  # clear ID numbers: its owner's eyes only
    size = 0
    with (folder / stored).open("wb") as handle:
        while chunk := await file.read(1 << 20):
            size += len(chunk)
            if size > MAX_BYTES:
                shutil.rmtree(folder, ignore_errors=True)
                raise ValidationError(Text(f"{name}：文件超过 200 MB", f"{name}: the file is larger than 200 MB"))
            handle.write(chunk)
    return _load(request, db, who, register, folder, good_rows_only)


@router.post("/registers/{code}/import/{token}", dependencies=[Depends(check_csrf)])
def load_good_rows(code: str, token: str, request: Request, db: Session = Depends(get_db),
                   who: Visitor = Depends(signed_in)):
    """The user's explicit choice after the preview: load the good rows and leave out the bad ones."""
    register = registers.get(db, who.actor, code)
    return _load(request, db, who, register, _folder(who, token), good_rows_only=True)


@router.get("/registers/{code}/import/{token}/errors.xlsx")
def error_report(code: str, token: str, who: Visitor = Depends(signed_in)):
    return _attachment((_folder(who, token) / "errors.xlsx").read_bytes(), f"{code}-errors.xlsx")


class RecordBatch(BaseModel):
    upsert: list[dict] = Field(default_factory=list, description=(
        "新增或更新的记录，键为字段名（id_number, name, org_unit, sex, birth_date, address, phone, status）"
        "或数据元代码 / records keyed by field name or element code"))
    remove: list[dict] = Field(default_factory=list, description="要注销的记录：id_number 与 org_unit / records to remove")


class RegisterOut(BaseModel):
    code: str
    name_zh: str
    department: str
    exclusive_group: str
    active_records: int
    imports: int


async def _writer(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(visitor)) -> Visitor:
    """A department's API token (no cookie, so no CSRF), or a signed-in session with its CSRF token."""
    if request.headers.get("authorization", "").lower().startswith("bearer "):
        return signed_in_or_token(request, db, who)
    await check_csrf(request, who)
    return signed_in(who)


@api.get("", response_model=list[RegisterOut])
def api_list(db: Session = Depends(get_db), who: Visitor = Depends(signed_in_or_token)):
    """The registers visible to the caller, with their counts (never their people)."""
    return [RegisterOut(code=s.register.code, name_zh=s.register.name_zh, department=s.register.department.code,
                        exclusive_group=s.register.exclusive_group, active_records=s.active, imports=s.imports)
            for s in registers.visible(db, who.actor)]


@api.post("/{code}/records")
def api_records(code: str, body: RecordBatch, db: Session = Depends(get_db), who: Visitor = Depends(_writer)):
    """Add, update or remove records in one batch, all or nothing; records not named are left as they are."""
    if len(body.upsert) + len(body.remove) > 10_000:
        raise ValidationError(Text("每批最多 10000 条记录", "at most 10,000 records a batch"))
    load = loading.load_batch(db, who.actor, code, body.upsert, body.remove).load
    return {"status": "OK", "import": load.id, "added": load.added, "changed": load.changed, "removed": load.removed}
