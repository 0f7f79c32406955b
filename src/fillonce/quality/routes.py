"""The quality pages: findings with filters and their evidence, explanations, the dashboard with its
SVG charts, and a unit's quality card."""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from fillonce.core.db import utcnow
from fillonce.core.errors import ValidationError
from fillonce.core.tables import XLSX_MEDIA_TYPE, xlsx_bytes
from fillonce.orgunits import service as orgunits
from fillonce.periods.ids import MONTHLY, period_of
from fillonce.quality import charts
from fillonce.quality import service as quality
from fillonce.web.deps import Visitor, check_csrf, get_db, render, require, signed_in
from fillonce.web.i18n import translations

router = APIRouter()
KIND_LABELS = {"omission": "Omission", "late": "Late reporting", "duplicate": "Duplicate reporting",
               "false": "False reporting", "concealment": "Concealment"}
SUB_KIND_LABELS = {
    "missing_form": "Form not submitted", "missing_required": "Required value missing",
    "late_submission": "Submitted late", "same_id_two_units": "Same ID under two units",
    "fuzzy_person": "Probably the same person", "exclusive_group": "In registers that exclude each other",
    "same_file": "Same file imported twice", "same_form_upload": "Same workbook uploaded twice",
    "rule_failure": "Validation rule failed",
    "outlier_own_history": "Outlier against own history", "outlier_peers": "Outlier against comparable units",
    "digit_preference": "Digit preference", "benford": "Benford test failed",
    "source_disagreement": "Disagrees with the register", "lowered_after_deadline": "Lowered after the deadline",
    "deleted_after_deadline": "Deleted after the deadline", "changed_after_deadline": "Changed after the deadline",
    "changed_without_reason": "Changed without a reason", "repeated_reopening": "Reopened repeatedly",
}
STATUS_LABELS = {"open": "Open", "explained": "Explained", "cleared": "Cleared"}
SVG_HEADERS = {"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}  # pygal styles inline


def _filters(kind: str, unit: str, period: str, status: str) -> quality.Filters:
    return quality.Filters(kind if kind in KIND_LABELS else "", unit.strip(), period.strip(), status)


def _words(who: Visitor) -> dict:
    gettext = translations(who.language).gettext
    return {"kinds": {k: gettext(v) for k, v in KIND_LABELS.items()},
            "sub_kinds": {k: gettext(v) for k, v in SUB_KIND_LABELS.items()},
            "statuses": {k: gettext(v) for k, v in STATUS_LABELS.items()}}


@router.get("/quality")
def quality_page(request: Request, kind: str = "", unit: str = "", period: str = "", status: str = "",
                 db: Session = Depends(get_db), who: Visitor = Depends(require("quality.view"))):
    filters = _filters(kind, unit, period, status)
    rows = quality.findings(db, who.actor, filters)
    return render(request, who, "quality/list.html", rows=rows, units=quality.units_of(db, rows), filters=filters,
                  periods=quality.last_runs(db), **_words(who))


@router.get("/quality/findings.xlsx")
def findings_xlsx(kind: str = "", unit: str = "", period: str = "", status: str = "", db: Session = Depends(get_db),
                  who: Visitor = Depends(require("quality.view"))):
    rows = quality.findings(db, who.actor, _filters(kind, unit, period, status), limit=None)
    units, words = quality.units_of(db, rows), _words(who)
    body = xlsx_bytes("质量问题", ["编号", "类别", "问题", "单位代码", "单位", "报告期", "说明", "状态", "首次发现", "最近发现"], [
        (f.id, words["kinds"][f.kind], words["sub_kinds"].get(f.sub_kind, f.sub_kind),
         units[f.org_unit_id].code if f.org_unit_id else "", units[f.org_unit_id].name_zh if f.org_unit_id else "",
         f.period, f.message_en if who.language == "en" else f.message_zh, words["statuses"][f.status],
         f.first_found.date(), f.last_found.date()) for f in rows])
    return Response(body, media_type=XLSX_MEDIA_TYPE,
                    headers={"Content-Disposition": 'attachment; filename="quality-findings.xlsx"'})


def _detail(request: Request, who: Visitor, db: Session, finding_id: int, problems=(), status_code=200):
    finding = quality.get(db, who.actor, finding_id)
    unit = quality.units_of(db, [finding]).get(finding.org_unit_id)
    evidence = {key: json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list)) else value
                for key, value in finding.evidence.items()}
    return render(request, who, "quality/finding.html", status_code=status_code, finding=finding, unit=unit,
                  evidence=evidence,
                  explanation=quality.explanation_of(db, finding), may_explain=quality.may_explain(db, who.actor, finding),
                  problems=list(problems), **_words(who))


@router.get("/quality/findings/{finding_id}")
def finding_page(finding_id: int, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    return _detail(request, who, db, finding_id)


@router.post("/quality/findings/{finding_id}/explain", dependencies=[Depends(check_csrf)])
def explain(finding_id: int, request: Request, note: str = Form(""), db: Session = Depends(get_db),
            who: Visitor = Depends(signed_in)):
    try:
        quality.explain(db, who.actor, finding_id, note)
    except ValidationError as exc:
        return _detail(request, who, db, finding_id, [exc.in_(who.language)], 422)
    return RedirectResponse(f"/quality/findings/{finding_id}?explained=1", status_code=303)


def _period(db: Session, period: str) -> str:
    runs = quality.last_runs(db)
    return period or (runs[0] if runs else period_of(MONTHLY, utcnow().date()).previous().id)


@router.get("/quality/dashboard")
def dashboard(request: Request, period: str = "", db: Session = Depends(get_db),
              who: Visitor = Depends(require("quality.view"))):
    period = _period(db, period)
    return render(request, who, "quality/dashboard.html", period=period, periods=quality.last_runs(db),
                  over_time=quality.rates_over_time(db, who.actor),
                  districts=quality.rates_by_district(db, who.actor, period),
                  specs=quality.rates_by_spec(db, who.actor, period),
                  by_kind=quality.findings_by_kind(db, who.actor, period), **_words(who))


def _svg(body: bytes) -> Response:
    return Response(body, media_type="image/svg+xml", headers=SVG_HEADERS)


@router.get("/quality/charts/{name}.svg")
def chart(name: str, period: str = "", db: Session = Depends(get_db), who: Visitor = Depends(require("quality.view"))):
    """trend: completeness and timeliness over time; districts: by district; kinds: findings by kind."""
    gettext = translations(who.language).gettext
    labels = (gettext("Completeness %"), gettext("Timeliness %"))
    period = _period(db, period)
    if name == "districts":
        return _svg(charts.rates_bars(gettext("By district") + f" · {period}",
                                      quality.rates_by_district(db, who.actor, period), labels))
    if name == "kinds":
        words = _words(who)["kinds"]
        counts = quality.findings_by_kind(db, who.actor, period)
        return _svg(charts.counts_bars(gettext("Findings by kind") + f" · {period}",
                                       {words[k]: n for k, n in counts.items()}))
    return _svg(charts.rates_line(gettext("Completeness and timeliness over time"),
                                  quality.rates_over_time(db, who.actor), labels))


@router.get("/quality/units/{code}")
def unit_card(code: str, request: Request, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    found = quality.card(db, who.actor, code)
    return render(request, who, "quality/card.html", card=found, ancestors=orgunits.ancestors(db, found.unit),
                  **_words(who))


@router.get("/quality/units/{code}/trend.svg")
def unit_trend(code: str, db: Session = Depends(get_db), who: Visitor = Depends(signed_in)):
    found = quality.card(db, who.actor, code)
    gettext = translations(who.language).gettext
    return _svg(charts.rates_line(f"{found.unit.name_zh} · " + gettext("Completeness and timeliness over time"),
                                  found.rates, (gettext("Completeness %"), gettext("Timeliness %"))))
