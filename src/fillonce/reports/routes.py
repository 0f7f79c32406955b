from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.accounts.permissions import can
from fillonce.core.db import utcnow
from fillonce.orgunits.models import LEVEL_NAMES
from fillonce.periods.ids import period_of
from fillonce.reports import downloads, subscriptions
from fillonce.reports import service as reports
from fillonce.specs import service as specs
from fillonce.web.deps import Visitor, check_csrf, get_db, render, signed_in, signed_in_or_token

router = APIRouter()
api = APIRouter(prefix="/api/v1/reports", tags=["reports"])


def _default_period(spec) -> str:
    """The last finished period of the spec's type: the one whose report is due."""
    return period_of(spec.period_type, utcnow().date()).previous().id


def _file(download: downloads.Download) -> Response:
    headers = {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(download.filename)}",
               "X-Fillonce-Checkpoint-Size": str(download.checkpoint_size), "X-Fillonce-SHA256": download.sha256}
    return Response(download.body, media_type=download.media_type, headers=headers)


@router.get("/reports")
def reports_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    available = [s for s in specs.list_specs(db, who.actor, status="published") if can(who.actor, "report.view", s)]
    return render(request, who, "reports/list.html", specs=[(s, _default_period(s)) for s in available])


@router.get("/reports/subscriptions")
def subscriptions_page(request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return render(request, who, "reports/subscriptions.html", items=subscriptions.of_department(db, who.actor))


@router.post("/reports/{spec_id}/subscribe", dependencies=[Depends(check_csrf)])
def subscribe(spec_id: int, level: int = Form(...), format: str = Form("xlsx"), db: Session = Depends(get_db),
              who: Visitor = Depends(signed_in)):
    subscriptions.subscribe(db, who.actor, spec_id, level, format)
    return RedirectResponse("/reports/subscriptions", status_code=303)


@router.post("/reports/subscriptions/{subscription_id}/cancel", dependencies=[Depends(check_csrf)])
def unsubscribe(subscription_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    subscriptions.unsubscribe(db, who.actor, subscription_id)
    return RedirectResponse("/reports/subscriptions", status_code=303)


@router.get("/reports/built/{built_id}")
def built_report(built_id: int, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    """A subscribed report exactly as it was built and recorded when its period closed."""
    report = subscriptions.built_file(db, who.actor, built_id)
    media = downloads.FORMATS[report.filename.rsplit(".", 1)[-1]]
    return _file(downloads.Download(report.body, report.filename, media, report.sha256, report.checkpoint_size))


@router.get("/reports/{spec_id}")
def report_page(spec_id: int, request: Request, period: str = "", level: int | None = None,
                db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    spec = specs.get(db, who.actor, spec_id)
    report = reports.build(db, who.actor, spec_id, period or _default_period(spec), level)
    return render(request, who, "reports/report.html", report=report, level_names=LEVEL_NAMES)


@router.post("/reports/{spec_id}/download", dependencies=[Depends(check_csrf)])
def report_download(spec_id: int, request: Request, period: str = Form(...), level: int = Form(...),
                    format: str = Form("xlsx"), db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _file(downloads.download(db, who.actor, request.app.state.runtime.settings, spec_id, period, level, format))


@api.get("/{spec_id}")
def report_api(spec_id: int, request: Request, period: str, level: int | None = None, format: str = "json",
               db: Session = Depends(get_db), who: Visitor = Depends(signed_in_or_token)):
    """A report as JSON (or csv, xlsx, zip with `format`), for a session or a department's API token
    (`Authorization: Bearer fo_…`); every fetch is recorded in the ledger as a transmission."""
    return _file(downloads.download(db, who.actor, request.app.state.runtime.settings, spec_id, period, level, format))
