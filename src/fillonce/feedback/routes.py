"""Feedback pages and API: raise, read, answer, reopen, close; the office's overview, analytics and export.

Every reader sees a feedback through `service.describe`, which leaves out a hidden sender for the department."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import can
from fillonce.core.tables import XLSX_MEDIA_TYPE, xlsx_bytes
from fillonce.feedback import analytics
from fillonce.feedback import service as feedback
from fillonce.feedback.models import KINDS, STATUSES, SUBJECTS
from fillonce.specs import service as specs
from fillonce.web.deps import Visitor, check_csrf, get_db, render, require, signed_in

router = APIRouter()
api = APIRouter(prefix="/api/v1/feedback", tags=["feedback"])


def _listing(db: Session, who: Visitor, status: str, overdue: bool) -> list[feedback.Described]:
    return [feedback.describe(who.actor, f, who.language)
            for f in feedback.listing(db, who.actor, status=status or None, overdue=overdue)]


@router.get("/feedback")
def feedback_page(request: Request, status: str = "", overdue: bool = False, db: Session = Depends(get_db),
                  who: Visitor = Depends(signed_in)):
    may_raise = who.actor.role in {"reporter", "official"}
    published = specs.list_specs(db, who.actor, status="published") if may_raise else []
    return render(request, who, "feedback/list.html", rows=_listing(db, who, status, overdue), status=status,
                  overdue=overdue, may_raise=may_raise, published=published, subjects=SUBJECTS, kinds=KINDS,
                  statuses=STATUSES, max_body=feedback.MAX_BODY)


@router.post("/feedback", dependencies=[Depends(check_csrf)])
def raise_feedback(subject: str = Form(...), kind: str = Form(...), body: str = Form(""), spec_id: str = Form(""),
                   field_key: str = Form(""), unit_code: str = Form(""), hide: str = Form(""),
                   db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    raised = feedback.raise_feedback(db, who.actor, subject, kind, body, spec_id=int(spec_id) if spec_id.isdigit() else None,
                                     field_key=field_key, unit_code=unit_code.strip() or None, hide=bool(hide))
    return RedirectResponse(f"/feedback/{raised.id}", status_code=303)


@router.get("/feedback/export.xlsx")
def export_xlsx(status: str = "", overdue: bool = False, db: Session = Depends(get_db),
                who: Visitor = Depends(signed_in)):
    language = "en" if who.language == "en" else "zh"
    rows = [d.row(language) for d in _listing(db, who, status, overdue)]
    body = xlsx_bytes("反馈" if language == "zh" else "feedback", feedback.EXPORT_HEADERS[language], rows)
    return Response(body, media_type=XLSX_MEDIA_TYPE, headers={"Content-Disposition": 'attachment; filename="feedback.xlsx"'})


@router.get("/feedback/analytics")
def analytics_page(request: Request, db: Session = Depends(get_db),
                   who: Visitor = Depends(require("feedback.oversee"))):
    return render(request, who, "feedback/analytics.html", data=analytics.analyse(db, who.actor), kinds=KINDS,
                  statuses=STATUSES)


@router.get("/feedback/{feedback_id}")
def feedback_detail(feedback_id: int, request: Request, db: Session = Depends(get_db),
                    who: Visitor = Depends(signed_in)):
    item = feedback.get(db, who.actor, feedback_id)
    later = [s for s in specs.versions(db, item.spec.form_number) if s.version > item.spec.version
             and can(who.actor, "spec.view", s)] if item.spec else []
    return render(request, who, "feedback/detail.html", d=feedback.describe(who.actor, item, who.language),
                  subjects=SUBJECTS, kinds=KINDS, statuses=STATUSES, later_versions=later)


@router.post("/feedback/{feedback_id}/answer", dependencies=[Depends(check_csrf)])
def answer(feedback_id: int, text: str = Form(""), new_spec_id: str = Form(""), retired_field: str = Form(""),
           db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    feedback.answer(db, who.actor, feedback_id, text, new_spec_id=int(new_spec_id) if new_spec_id.isdigit() else None,
                    retired_field=retired_field)
    return RedirectResponse(f"/feedback/{feedback_id}", status_code=303)


@router.post("/feedback/{feedback_id}/reopen", dependencies=[Depends(check_csrf)])
def reopen(feedback_id: int, reason: str = Form(""), db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    feedback.reopen(db, who.actor, feedback_id, reason)
    return RedirectResponse(f"/feedback/{feedback_id}", status_code=303)


@router.post("/feedback/{feedback_id}/close", dependencies=[Depends(check_csrf)])
def close(feedback_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    feedback.close(db, who.actor, feedback_id)
    return RedirectResponse(f"/feedback/{feedback_id}", status_code=303)


# ---- JSON API ------------------------------------------------------------------------------------

def _as_json(d: feedback.Described) -> dict:
    f = d.feedback
    return {"id": f.id, "subject": f.subject, "kind": f.kind, "spec": f.spec.form_number if f.spec else None,
            "spec_version": f.spec.version if f.spec else None, "field": f.field_key,
            "department": f.department.code if f.department else None, "sender": d.sender, "unit": d.unit,
            "hidden": f.hidden, "body": f.body, "status": f.status, "overdue": d.overdue,
            "raised_at": f.raised_at.isoformat(), "due_at": f.due_at.isoformat(), "answer": f.answer,
            "answered_at": f.answered_at.isoformat() if f.answered_at else None,
            "resolved_spec_id": f.resolved_spec_id, "retired_field": f.retired_field, "reopen_count": f.reopen_count}


@api.get("")
def list_api(status: str = "", overdue: bool = False, db: Session = Depends(get_db),
             who: Visitor = Depends(signed_in)):
    """The feedback the caller may see (a hidden sender is left out for the department concerned)."""
    return [_as_json(d) for d in _listing(db, who, status, overdue)]


@api.get("/{feedback_id}")
def detail_api(feedback_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _as_json(feedback.describe(who.actor, feedback.get(db, who.actor, feedback_id), who.language))


@api.get("/{feedback_id}/sender")
def sender_api(feedback_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """Who raised it: refused to the department when the sender chose to hide."""
    account = feedback.sender_of(db, who.actor, feedback_id)
    unit = account.org_unit
    return {"username": account.username, "display_name": account.display_name,
            "unit": unit.code if unit else None}
