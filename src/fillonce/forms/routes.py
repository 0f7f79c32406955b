from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import authorize, can
from fillonce.core.db import utcnow
from fillonce.core.errors import ValidationError
from fillonce.core.tables import XLSX_MEDIA_TYPE
from fillonce.entry import deadlines
from fillonce.entry import service as entry
from fillonce.entry import uploads
from fillonce.entry.checks import failures
from fillonce.forms import service as forms
from fillonce.forms.workbook import forms_xlsx
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import MONTHLY, parse_period, period_of
from fillonce.web.deps import Visitor, check_csrf, get_db, render, signed_in

router = APIRouter()
VALUE_FIELD = "v|"  # form fields "v|ELEMENT_CODE|OPTION"
SEEN_FIELD = "was|"  # the value each field had when the form was loaded, to catch a concurrent edit
EXPLAIN_FIELD = "explain|"  # "explain|表号#rule position"


@router.get("/forms")
def choose(request: Request, unit: str = "", period: str = "", who: Visitor = Depends(signed_in)):
    """Straight to the user's own unit and the current month, or to what they asked for."""
    unit = unit or (who.actor.org_unit_code or "")
    period = period or period_of(MONTHLY, utcnow().date()).id
    if unit:
        return RedirectResponse(f"/forms/{unit}/{period}", status_code=303)
    return render(request, who, "forms/choose.html", period=period)


def _load(db: Session, who: Visitor, unit_code: str, period_id: str):
    unit = orgunits.get(db, unit_code)
    authorize(who.actor, "form.view", unit)
    return forms.one_form(db, unit, parse_period(period_id))


def _page(request: Request, who: Visitor, db: Session, form, problems=(), typed=None, status_code=200):
    values = entry.values_of(db, form.unit.id, form.period.id)
    stored = {(item.element.code, code): values.get((item.element.id, code), "")
              for items in form.topics.values() for item in items for code, _, _ in item.options}
    shown = {(item.element.code, code): values.get((item.element.id, code), item.prefill.get(code, ""))
             for items in form.topics.values() for item in items for code, _, _ in item.options}
    if typed:
        shown.update(typed)
    submission = entry.submission_of(db, form.unit.id, form.period.id)
    warnings = [f for f in failures(form.specs, values) if not f.blocking]
    limits = deadlines.window(form.specs, form.period)
    is_open = deadlines.open_for_changes(db, form.unit.id, form.specs, form.period, utcnow().date())
    departments = {s.department_id for s in form.specs}
    return render(request, who, "forms/one_form.html", status_code=status_code, form=form, shown=shown,
                  stored=stored, limits=limits, is_open=is_open, may_review=can(who.actor, "entry.review", form.unit), may_reopen=not is_open and can(who.actor, "entry.reopen", departments),
                  ancestors=orgunits.ancestors(db, form.unit),
                  editable=is_open and can(who.actor, "entry.edit", form.unit),
                  submission=submission, warnings=warnings, problems=list(problems),
                  saved_values=len(values))


@router.get("/missing")
def missing_page(request: Request, period: str = "", under: str = "", db: Session = Depends(get_db),
                 who: Visitor = Depends(signed_in)):
    """What is missing for a period, with whom to contact; in the order of the org tree, never ranked."""
    period = period or period_of(MONTHLY, utcnow().date()).previous().id
    rows = entry.missing(db, who.actor, period, under or None)
    return render(request, who, "forms/missing.html", rows=rows, period=parse_period(period), under=under)


@router.get("/forms/{unit_code}/{period_id}")
def form_page(unit_code: str, period_id: str, request: Request, db: Session = Depends(get_db),
              who: Visitor = Depends(signed_in)):
    return _page(request, who, db, _load(db, who, unit_code, period_id))


@router.post("/forms/{unit_code}/{period_id}", dependencies=[Depends(check_csrf)])
async def form_post(unit_code: str, period_id: str, request: Request, db: Session = Depends(get_db),
                    who: Visitor = Depends(signed_in)):
    """Save the typed values (a draft), then submit when asked; problems come back on the same page."""
    posted = await request.form()
    typed = {tuple(name[len(VALUE_FIELD):].split("|", 1)): str(value)
             for name, value in posted.items() if name.startswith(VALUE_FIELD)}
    explanations = {name[len(EXPLAIN_FIELD):]: str(value) for name, value in posted.items()
                    if name.startswith(EXPLAIN_FIELD)}
    seen = {tuple(name[len(SEEN_FIELD):].split("|", 1)): str(value)
            for name, value in posted.items() if name.startswith(SEEN_FIELD)}
    try:
        entry.save_values(db, who.actor, unit_code, period_id, typed, reason=str(posted.get("reason", "")) or None,
                          expected=seen)
        if posted.get("action") == "submit":
            entry.submit_form(db, who.actor, unit_code, period_id, explanations)
            return RedirectResponse(f"/forms/{unit_code}/{period_id}?submitted=1", status_code=303)
    except ValidationError as exc:
        problems = [p.in_(who.language) if hasattr(p, "in_") else str(p) for p in exc.problems]
        return _page(request, who, db, _load(db, who, unit_code, period_id), problems, typed, 422)
    except entry.StaleEdit as exc:
        # Show what the other person saved; the editor's own entries stay typed for a deliberate second save.
        return _page(request, who, db, _load(db, who, unit_code, period_id), [exc.in_(who.language)], typed, 409)
    return RedirectResponse(f"/forms/{unit_code}/{period_id}?saved=1", status_code=303)


@router.post("/forms/{unit_code}/{period_id}/review", dependencies=[Depends(check_csrf)])
async def form_review(unit_code: str, period_id: str, request: Request, db: Session = Depends(get_db),
                      who: Visitor = Depends(signed_in)):
    posted = await request.form()
    entry.review(db, who.actor, unit_code, period_id, posted.get("decision") == "accept", str(posted.get("comment", "")))
    return RedirectResponse(f"/review?period={period_id}", status_code=303)


@router.get("/review")
def review_page(request: Request, period: str = "", db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Forms of the official's units that wait for their review."""
    period = period or period_of(MONTHLY, utcnow().date()).previous().id
    return render(request, who, "forms/review.html", rows=entry.awaiting_review(db, who.actor, period),
                  period=parse_period(period))


@router.post("/forms/{unit_code}/{period_id}/reopen", dependencies=[Depends(check_csrf)])
async def form_reopen(unit_code: str, period_id: str, request: Request, db: Session = Depends(get_db),
                      who: Visitor = Depends(signed_in)):
    posted = await request.form()
    try:
        days = int(str(posted.get("days") or 7))
    except ValueError:
        days = 0  # refused by the service with a clear message
    entry.reopen(db, who.actor, unit_code, period_id, str(posted.get("reason", "")), days)
    return RedirectResponse(f"/forms/{unit_code}/{period_id}", status_code=303)


@router.get("/forms/{unit_code}/{period_id}/receipt.json")
def form_receipt(unit_code: str, period_id: str, request: Request, db: Session = Depends(get_db),
                 who: Visitor = Depends(signed_in)):
    form = _load(db, who, unit_code, period_id)
    authorize(who.actor, "entry.edit", form.unit)
    submission = entry.submission_of(db, form.unit.id, form.period.id)
    if submission is None:
        raise ValidationError("本期尚未提交，没有回执 / not submitted yet: no receipt")
    body = entry.receipt(db, request.app.state.runtime.settings, submission)
    name = f"receipt-{form.unit.code}-{form.period.id}.json"
    return Response(json.dumps(body, ensure_ascii=False, indent=2), media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _workbook(db: Session, many: list, name: str) -> Response:
    values = {f.unit.id: entry.coded_values(db, f.unit.id, f.period.id) for f in many}
    return Response(forms_xlsx(many, values), media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/forms/{unit_code}/{period_id}/form.xlsx")
def form_xlsx(unit_code: str, period_id: str, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """The unit's form to fill offline and upload back."""
    form = _load(db, who, unit_code, period_id)
    return _workbook(db, [form], f"one-form-{form.unit.code}-{form.period.id}.xlsx")


@router.get("/missing/forms.xlsx")
def missing_xlsx(period: str, under: str = "", db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """An official's workbook: one sheet for each of their units that still owe the period's form."""
    owing = [m.unit for m in entry.missing(db, who.actor, period, under or None)]
    many = [f for f in forms.one_forms(db, owing, parse_period(period)) if can(who.actor, "entry.edit", f.unit)]
    return _workbook(db, many, f"one-forms-{under or who.actor.org_unit_code or 'all'}-{period}.xlsx")


@router.post("/forms/upload", dependencies=[Depends(check_csrf)])
async def upload_xlsx(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """A filled workbook back: all of its sheets are saved, or none, with every problem named."""
    posted = await request.form()
    upload = posted.get("file")
    name = getattr(upload, "filename", "") or "upload.xlsx"
    data = await upload.read(uploads.MAX_BYTES + 1) if upload is not None and hasattr(upload, "read") else b""
    try:
        saved = uploads.upload(db, who.actor, data, name, str(posted.get("reason", "")) or None)
    except ValidationError as exc:
        problems = [p.in_(who.language) if hasattr(p, "in_") else str(p) for p in exc.problems]
        return render(request, who, "forms/uploaded.html", status_code=422, saved=[], problems=problems, name=name)
    return render(request, who, "forms/uploaded.html", saved=saved, problems=[], name=name)
