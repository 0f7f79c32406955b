"""Report specifications on the web: the list, the designer, import and export, the spec page with its gate
verdicts and workflow buttons, the burden-reduction office's queue, and the JSON API. Every change goes
through `fillonce.specs.service`; these routes only parse, call and render."""

from __future__ import annotations

import re
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from fillonce.accounts import service as accounts
from fillonce.accounts.permissions import can
from fillonce.catalog import service as catalog
from fillonce.core.errors import (
    Conflict,
    FillonceError,
    PermissionDenied,
    ValidationError,
)
from fillonce.core.i18n import Text
from fillonce.orgunits.models import LEVEL_NAMES
from fillonce.periods.ids import PERIOD_TYPES
from fillonce.specs import gate, importers
from fillonce.specs import service as specs
from fillonce.specs.draft import (
    FIELD_KINDS,
    SEVERITIES,
    FieldDraft,
    RuleDraft,
    SpecDraft,
)
from fillonce.specs.models import STATUS_LABELS, STATUSES, Spec
from fillonce.specs.schemas import (
    NoteIn,
    ReasonIn,
    ResolveIn,
    SpecIn,
    SpecOut,
    SpecSummary,
)
from fillonce.web.deps import (
    Visitor,
    check_csrf,
    get_db,
    render,
    require,
    signed_in,
    status_of,
)

router = APIRouter()
api = APIRouter(prefix="/api/v1/specs", tags=["specs"])

BLANK_FIELDS, BLANK_RULES, MORE_ROWS, MAX_ROWS = 3, 2, 5, 500
IMPORT_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
MAX_UPLOAD = 10 * 1024 * 1024
ROW_NAME = re.compile(r"^(fields|rules)-(\d{1,4})-([a-z_]+)$")
UNIT_SEPARATORS = re.compile(r"[\s,，、;；]+")
FIELD_COLUMNS = ("key", "label_zh", "kind", "element_code", "category", "formula", "unit")
RULE_COLUMNS = ("expression", "severity", "message_zh", "message_en")
MARKING_COLUMNS = ("form_number", "title_zh", "title_en", "department_code", "approval_kind", "approval_number",
                   "valid_until", "purpose", "period_type", "deadline_days", "grace_days", "target_level",
                   "target_units")


# ---- shared helpers ------------------------------------------------------------------------------

def _say(problem: object, language: str) -> str:
    return problem.in_(language) if hasattr(problem, "in_") else str(problem)


def _problems_of(exc: FillonceError, language: str) -> list[str]:
    if isinstance(exc, ValidationError):
        return [_say(p, language) for p in exc.problems]
    return [exc.in_(language)]


def _authorable(db: Session, who: Visitor) -> list:
    """The departments this person may write specs for: an author their own, an administrator any."""
    return [d for d in accounts.departments(db) if can(who.actor, "spec.author", d)]


def _require_author(db: Session, who: Visitor) -> list:
    departments = _authorable(db, who)
    if not departments:
        raise PermissionDenied(Text("只有部门的报表编制人员可以编制报表", "only a department's spec authors may write specs"))
    return departments


def _page_helpers(who: Visitor) -> dict:
    english = who.language == "en"

    def period_label(period_type: str) -> str:
        found = PERIOD_TYPES.get(period_type)
        return (found.label_en if english else found.label_zh) if found else period_type

    def status_label(status: str) -> str:
        zh, en = STATUS_LABELS.get(status, (status, status))
        return en if english else zh

    def level_label(level: int | None) -> str:
        zh, en = LEVEL_NAMES.get(level, (str(level), str(level)))
        return en if english else zh

    return {"period_label": period_label, "status_label": status_label, "level_label": level_label}


def _render(request: Request, who: Visitor, template: str, status_code: int = 200, **context):
    return render(request, who, template, status_code=status_code, **_page_helpers(who), **context)


def _redirect(spec: Spec) -> RedirectResponse:
    return RedirectResponse(f"/specs/{spec.id}", status_code=303)


async def form_data(request: Request) -> FormData:
    """The posted form, read once (check_csrf already parsed it) for routes with numbered rows."""
    return await request.form()


# ---- the designer's form: what the user typed, as strings, and back to a SpecDraft ---------------

def _blank_field() -> dict:
    return {**{c: "" for c in FIELD_COLUMNS}, "kind": "element", "required": True}


def _blank_rule() -> dict:
    return {**{c: "" for c in RULE_COLUMNS}, "severity": "error"}


def _pad(form: dict, fields: int = BLANK_FIELDS, rules: int = BLANK_RULES) -> dict:
    form["fields"] = form["fields"] + [_blank_field() for _ in range(fields)]
    form["rules"] = form["rules"] + [_blank_rule() for _ in range(rules)]
    return form


def _form_of(draft: SpecDraft) -> dict:
    return _pad({
        "form_number": draft.form_number, "title_zh": draft.title_zh, "title_en": draft.title_en,
        "department_code": draft.department_code, "approval_kind": draft.approval_kind,
        "approval_number": draft.approval_number,
        "valid_until": draft.valid_until.isoformat() if draft.valid_until else "", "purpose": draft.purpose,
        "period_type": draft.period_type, "deadline_days": str(draft.deadline_days),
        "grace_days": str(draft.grace_days),
        "target_level": "" if draft.target_units or draft.target_level is None else str(draft.target_level),
        "target_units": " ".join(draft.target_units), "requires_review": draft.requires_review,
        "fields": [{"key": f.key, "label_zh": f.label_zh, "kind": f.kind, "element_code": f.element_code or "",
                    "category": f.category or "", "formula": f.formula or "", "unit": f.unit,
                    "required": f.required} for f in draft.fields],
        "rules": [{"expression": r.expression, "severity": r.severity, "message_zh": r.message_zh,
                   "message_en": r.message_en} for r in draft.rules],
    })


def _empty_form(who: Visitor) -> dict:
    return _pad({**{c: "" for c in MARKING_COLUMNS}, "department_code": who.actor.department_code or "",
                 "approval_kind": "批准", "period_type": "monthly", "deadline_days": "10", "grace_days": "0",
                 "target_level": "4", "requires_review": False, "fields": [], "rules": []})


def _rows(posted: FormData, group: str) -> list[dict]:
    rows: dict[int, dict] = {}
    for name, value in posted.multi_items():
        found = ROW_NAME.match(name)
        if found and found.group(1) == group and isinstance(value, str) and int(found.group(2)) < MAX_ROWS:
            rows.setdefault(int(found.group(2)), {})[found.group(3)] = value.strip()
    return [rows[n] for n in sorted(rows)]


def _posted_form(posted: FormData) -> dict:
    text = {c: str(posted.get(c, "")).strip() for c in MARKING_COLUMNS}
    fields = [{**{c: row.get(c, "") for c in FIELD_COLUMNS}, "kind": row.get("kind") or "element",
               "required": row.get("required") == "on"} for row in _rows(posted, "fields")]
    rules = [{**{c: row.get(c, "") for c in RULE_COLUMNS}, "severity": row.get("severity") or "error"}
             for row in _rows(posted, "rules")]
    # Rows left blank are dropped, so the designer can always offer a few empty ones.
    fields = [f for f in fields if any(f[c] for c in ("key", "label_zh", "element_code", "formula"))]
    rules = [r for r in rules if r["expression"] or r["message_zh"] or r["message_en"]]
    return {**text, "requires_review": posted.get("requires_review") == "on", "fields": fields, "rules": rules}


def _number(value: str, label: Text, problems: list, default: int | None = 0) -> int | None:
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        problems.append(Text(f"{label.zh}必须是整数：{value}", f"{label.en} must be a whole number: {value}"))
        return default


def _draft_of(form: dict) -> tuple[SpecDraft, list[Text]]:
    """The draft the form describes, with the faults only the form can have (numbers, dates)."""
    problems: list[Text] = []
    valid_until = None
    if form["valid_until"]:
        try:
            valid_until = date.fromisoformat(form["valid_until"])
        except ValueError:
            problems.append(Text(f"有效期限不是日期（年-月-日）：{form['valid_until']}",
                                 f"the validity date is not a date (YYYY-MM-DD): {form['valid_until']}"))
    deadline = _number(form["deadline_days"], Text("报送期限", "the deadline"), problems, 10)
    grace = _number(form["grace_days"], Text("宽限天数", "the grace period"), problems, 0)
    level = _number(form["target_level"], Text("填报单位层级", "the reporting level"), problems, None)
    units = tuple(u for u in UNIT_SEPARATORS.split(form["target_units"]) if u)
    for n, rule in enumerate(form["rules"], start=1):
        if not rule["expression"]:
            problems.append(Text(f"审核公式第 {n} 行：有说明但没有公式", f"rule row {n}: a message but no expression"))
    draft = SpecDraft(
        form_number=form["form_number"], title_zh=form["title_zh"], title_en=form["title_en"],
        department_code=form["department_code"], period_type=form["period_type"],
        approval_number=form["approval_number"], approval_kind=form["approval_kind"] or "批准",
        valid_until=valid_until, purpose=form["purpose"], deadline_days=deadline, grace_days=grace,
        target_level=level, target_units=units, requires_review=form["requires_review"],
        fields=[FieldDraft(key=f["key"], label_zh=f["label_zh"], kind=f["kind"],
                           element_code=f["element_code"] or None, category=f["category"] or None,
                           formula=f["formula"] or None, unit=f["unit"], required=f["required"])
                for f in form["fields"]],
        rules=[RuleDraft(r["expression"], r["severity"], r["message_zh"], r["message_en"])
               for r in form["rules"] if r["expression"]])
    return draft, problems


def _designer(request: Request, who: Visitor, db: Session, form: dict, spec: Spec | None = None,
              problems: list[str] | None = None, status_code: int = 200):
    departments = _authorable(db, who)
    if spec is not None and spec.department not in departments:
        departments.append(spec.department)
    return _render(request, who, "specs/designer.html", status_code=status_code, form=form, spec=spec,
                   problems=problems or [], departments=departments, period_types=PERIOD_TYPES,
                   level_names=LEVEL_NAMES, field_kinds=FIELD_KINDS, severities=SEVERITIES,
                   elements=catalog.search(db, limit=100_000), categories=catalog.categories(db),
                   action=f"/specs/{spec.id}/edit" if spec else "/specs/new")


def _designer_post(request: Request, who: Visitor, db: Session, posted: FormData, spec: Spec | None):
    form = _posted_form(posted)
    if spec is not None:
        form["form_number"] = spec.form_number  # never changes; the field is read-only
    more = posted.get("more")
    if more in ("fields", "rules"):
        _pad(form, BLANK_FIELDS if more == "rules" else MORE_ROWS, BLANK_RULES if more == "fields" else MORE_ROWS)
        return _designer(request, who, db, form, spec)
    draft, problems = _draft_of(form)
    if problems:
        return _designer(request, who, db, _pad(form), spec, [_say(p, who.language) for p in problems], 422)
    try:
        saved = (specs.update_draft(db, who.actor, spec.id, draft) if spec is not None
                 else specs.create_draft(db, who.actor, draft))
    except (ValidationError, Conflict) as exc:
        return _designer(request, who, db, _pad(form), spec, _problems_of(exc, who.language), status_of(exc))
    return _redirect(saved)


def _editable(db: Session, who: Visitor, spec_id: int) -> Spec:
    spec = specs.get(db, who.actor, spec_id)
    if not can(who.actor, "spec.author", spec.department):
        raise PermissionDenied(Text("只有本部门的报表编制人员可以修改报表", "only the department's spec authors may edit it"))
    if spec.status != "draft":
        raise Conflict(Text(f"报表 {spec.form_number} 第 {spec.version} 版已不是草稿，不能修改；请新建版本",
                            f"spec {spec.form_number} v{spec.version} is no longer a draft; make a new version"))
    return spec


# ---- pages: list, designer, import, export -------------------------------------------------------

@router.get("/specs")
def list_page(request: Request, status: str = "", department: str = "", db: Session = Depends(get_db),
              who: Visitor = Depends(signed_in)):
    found = specs.list_specs(db, who.actor, status if status in STATUSES else None, department or None)
    return _render(request, who, "specs/list.html", specs=found, status=status, department=department,
                   statuses=STATUSES, departments=accounts.departments(db), may_author=bool(_authorable(db, who)))


@router.get("/specs/new")
def new_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    _require_author(db, who)
    return _designer(request, who, db, _empty_form(who))


@router.post("/specs/new", dependencies=[Depends(check_csrf)])
def new_post(request: Request, posted: FormData = Depends(form_data), db: Session = Depends(get_db),
             who: Visitor = Depends(signed_in)):
    _require_author(db, who)
    return _designer_post(request, who, db, posted, None)


@router.get("/specs/import")
def import_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _render(request, who, "specs/import.html", departments=_require_author(db, who),
                   period_types=PERIOD_TYPES, department="", period_type="", problems=[], filename="")


def _upload_name(filename: str | None) -> str:
    """The uploaded file's own name (messages name it), without any directory part."""
    name = re.sub(r"[\x00-\x1f]", "", re.split(r"[\\/]", filename or "")[-1]).strip().lstrip(".")
    stem, dot, suffix = name.rpartition(".")
    if len(name.encode("utf-8")) > 200:  # file systems allow 255 bytes; a long name is no reason to refuse
        name = f"{stem[:50]}.{suffix[:10]}" if dot else name[:60]
    return name or "upload"


@router.post("/specs/import", dependencies=[Depends(check_csrf)])
def import_post(request: Request, file: UploadFile = File(None), department: str = Form(""),
                period_type: str = Form(""), db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    departments = _require_author(db, who)
    name = _upload_name(file.filename if file else None)

    def again(problems: list[str], status_code: int):
        return _render(request, who, "specs/import.html", status_code=status_code, departments=departments,
                       period_types=PERIOD_TYPES, department=department, period_type=period_type,
                       problems=problems, filename=name)

    lang = who.language
    if file is None or not file.filename:
        return again([_say(Text("请选择要导入的文件", "choose a file to import"), lang)], 422)
    if not name.lower().endswith(IMPORT_SUFFIXES):
        return again([_say(Text(f"{name}：只能导入 .yaml、.yml、.json 或 .xlsx 文件",
                                f"{name}: only .yaml, .yml, .json or .xlsx files can be imported"), lang)], 422)
    body = file.file.read(MAX_UPLOAD + 1)
    if not body or len(body) > MAX_UPLOAD:
        return again([_say(Text(f"{name}：文件为空或超过 10 MB", f"{name}: the file is empty or larger than 10 MB"),
                           lang)], 422)
    # An Excel template names its 制表机关 (民政局, 青川市民政局 …); the importer resolves it with these.
    names = {d.name_zh: d.code for d in accounts.departments(db)}
    with tempfile.TemporaryDirectory(prefix="fillonce-import-") as folder:
        path = Path(folder) / name
        path.write_bytes(body)
        try:
            draft = importers.load_spec(path, department_code=department or None, period_type=period_type or None,
                                        departments=names)
            if draft.department_code not in {d.code for d in departments}:
                return again([_say(Text(f"{name}：制表机关 {draft.department_code} 不是您可以编制报表的部门",
                                        f"{name}: you may not write specs for department {draft.department_code}"),
                                   lang)], 403)
            spec = specs.create_draft(db, who.actor, draft)
        except FillonceError as exc:  # the importer's and the service's messages name the file, sheet, cell, field
            return again(_problems_of(exc, lang), status_of(exc))
    return _redirect(spec)


@router.get("/specs/{spec_id}/export.yaml")
def export_yaml(spec_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """The spec as the YAML the import reads: edit it and import it as another spec, or keep it."""
    spec = specs.get(db, who.actor, spec_id)
    body = importers.dump_yaml(specs.as_draft(spec))
    name = f"{spec.form_number}-v{spec.version}.yaml"
    disposition = f"attachment; filename=\"spec-{spec.id}-v{spec.version}.yaml\"; filename*=UTF-8''{quote(name)}"
    return Response(body.encode("utf-8"), media_type="application/yaml; charset=utf-8",
                    headers={"Content-Disposition": disposition})


@router.get("/specs/{spec_id}/edit")
def edit_page(spec_id: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    spec = _editable(db, who, spec_id)
    return _designer(request, who, db, _form_of(specs.as_draft(spec)), spec)


@router.post("/specs/{spec_id}/edit", dependencies=[Depends(check_csrf)])
def edit_post(spec_id: int, request: Request, posted: FormData = Depends(form_data), db: Session = Depends(get_db),
              who: Visitor = Depends(signed_in)):
    spec = _editable(db, who, spec_id)
    return _designer_post(request, who, db, posted, spec)


# ---- the spec page and its workflow --------------------------------------------------------------

def _report(db: Session, spec: Spec) -> tuple[dict | None, bool]:
    """A draft shows the duplicate check as it would run now (answers to it show at once); every later
    status shows the report the office decided on."""
    if spec.status == "draft" and spec.fields:
        return gate.check(db, spec), True
    return (spec.gate_report or None), False


def _spec_page(request: Request, who: Visitor, db: Session, spec_id: int, problems: list[str] | None = None,
               status_code: int = 200):
    spec = specs.get(db, who.actor, spec_id)
    report, preview = _report(db, spec)
    all_versions = specs.versions(db, spec.form_number)
    may_author = can(who.actor, "spec.author", spec.department)
    may_publish = can(who.actor, "spec.publish", spec)
    may_approve = can(who.actor, "spec.approve", spec)
    latest = all_versions[0] if all_versions else spec
    actions = {
        "edit": may_author and spec.status == "draft",
        "submit": may_author and spec.status == "draft",
        "resolve": may_author and spec.status == "draft",
        "decide": may_approve and spec.status == "submitted",
        "publish": may_publish and spec.status == "approved",
        "new_version": may_author and spec.status in {"published", "retired"}
                       and latest.status in {"published", "retired"},
        "retire": may_publish and spec.status == "published",
    }
    verdicts = {f["key"]: f for f in report["fields"]} if report else {}
    return _render(request, who, "specs/spec.html", status_code=status_code, spec=spec, report=report,
                   preview=preview, verdicts=verdicts, actions=actions, problems=problems or [],
                   versions=[v for v in all_versions if can(who.actor, "spec.view", v)],
                   elements=catalog.search(db, limit=100_000) if actions["resolve"] else [])


@router.get("/specs/{spec_id}")
def spec_page(spec_id: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _spec_page(request, who, db, spec_id)


def _act(request: Request, who: Visitor, db: Session, spec_id: int, step, *args, **kwargs):
    """Run one workflow step; a fault the user can fix shows on the spec page, everything else as an error."""
    try:
        spec = step(db, who.actor, spec_id, *args, **kwargs)
    except ValidationError as exc:
        return _spec_page(request, who, db, spec_id, _problems_of(exc, who.language), 422)
    return _redirect(spec)


@router.post("/specs/{spec_id}/submit", dependencies=[Depends(check_csrf)])
def submit_post(spec_id: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _act(request, who, db, spec_id, specs.submit)


@router.post("/specs/{spec_id}/approve", dependencies=[Depends(check_csrf)])
def approve_post(spec_id: int, request: Request, note: str = Form(""), db: Session = Depends(get_db),
                 who: Visitor = Depends(require("spec.approve"))):
    return _act(request, who, db, spec_id, specs.decide, approve=True, note=note)


@router.post("/specs/{spec_id}/return", dependencies=[Depends(check_csrf)])
def return_post(spec_id: int, request: Request, note: str = Form(""), db: Session = Depends(get_db),
                who: Visitor = Depends(require("spec.approve"))):
    return _act(request, who, db, spec_id, specs.decide, approve=False, note=note)


@router.post("/specs/{spec_id}/publish", dependencies=[Depends(check_csrf)])
def publish_post(spec_id: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _act(request, who, db, spec_id, specs.publish)


@router.post("/specs/{spec_id}/retire", dependencies=[Depends(check_csrf)])
def retire_post(spec_id: int, request: Request, reason: str = Form(""), db: Session = Depends(get_db),
                who: Visitor = Depends(signed_in)):
    return _act(request, who, db, spec_id, specs.retire, reason)


@router.post("/specs/{spec_id}/new-version", dependencies=[Depends(check_csrf)])
def new_version_post(spec_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    spec = specs.new_version(db, who.actor, spec_id)
    return RedirectResponse(f"/specs/{spec.id}/edit", status_code=303)


@router.post("/specs/{spec_id}/resolve", dependencies=[Depends(check_csrf)])
def resolve_post(spec_id: int, request: Request, key: str = Form(...), element_code: str = Form(""),
                 distinct_reason: str = Form(""), db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _act(request, who, db, spec_id, specs.resolve_field, key, element_code.strip() or None, distinct_reason)


@router.get("/gate")
def gate_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(require("spec.approve"))):
    """The burden-reduction office's queue: what waits for its decision, and what waits for publication."""
    return _render(request, who, "specs/gate.html", submitted=specs.list_specs(db, who.actor, "submitted"),
                   approved=specs.list_specs(db, who.actor, "approved"))


# ---- the JSON API --------------------------------------------------------------------------------

@api.get("", response_model=list[SpecSummary])
def api_list(status: str | None = None, department: str | None = None, db: Session = Depends(get_db),
             who: Visitor = Depends(signed_in)):
    """The specs this person may see: published and retired ones, and their own department's drafts."""
    return [SpecSummary.of(s) for s in specs.list_specs(db, who.actor, status, department)]


@api.get("/{spec_id}", response_model=SpecOut)
def api_get(spec_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """One version with its fields, rules and the gate report."""
    return SpecOut.of(specs.get(db, who.actor, spec_id))


@api.post("", response_model=SpecOut, status_code=201, dependencies=[Depends(check_csrf)])
def api_create(body: SpecIn, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """A new draft (version 1) of a new form number."""
    return SpecOut.of(specs.create_draft(db, who.actor, body.to_draft()))


@api.put("/{spec_id}", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_update(spec_id: int, body: SpecIn, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Replace a draft's content; the form number stays."""
    return SpecOut.of(specs.update_draft(db, who.actor, spec_id, body.to_draft()))


@api.post("/{spec_id}/submit", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_submit(spec_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Submit a draft to the gate: the duplicate check runs and its report is stored."""
    return SpecOut.of(specs.submit(db, who.actor, spec_id))


@api.post("/{spec_id}/resolve", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_resolve(spec_id: int, body: ResolveIn, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Answer the gate about a field: reuse an element, or say why it differs."""
    return SpecOut.of(specs.resolve_field(db, who.actor, spec_id, body.key, body.element_code or None,
                                          body.distinct_reason))


@api.post("/{spec_id}/approve", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_approve(spec_id: int, body: NoteIn | None = None, db: Session = Depends(get_db),
                who: Visitor = Depends(require("spec.approve"))):
    """The burden-reduction office approves a submitted spec."""
    return SpecOut.of(specs.decide(db, who.actor, spec_id, approve=True, note=body.note if body else ""))


@api.post("/{spec_id}/return", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_return(spec_id: int, body: NoteIn, db: Session = Depends(get_db),
               who: Visitor = Depends(require("spec.approve"))):
    """The office returns a submitted spec to its authors with a note saying why."""
    return SpecOut.of(specs.decide(db, who.actor, spec_id, approve=False, note=body.note))


@api.post("/{spec_id}/publish", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_publish(spec_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Publish an approved spec; an earlier published version is retired."""
    return SpecOut.of(specs.publish(db, who.actor, spec_id))


@api.post("/{spec_id}/retire", response_model=SpecOut, dependencies=[Depends(check_csrf)])
def api_retire(spec_id: int, body: ReasonIn, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return SpecOut.of(specs.retire(db, who.actor, spec_id, body.reason))


@api.post("/{spec_id}/new-version", response_model=SpecOut, status_code=201, dependencies=[Depends(check_csrf)])
def api_new_version(spec_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """A new draft version of a published or retired spec, starting from its content."""
    return SpecOut.of(specs.new_version(db, who.actor, spec_id))
