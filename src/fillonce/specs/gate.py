"""The form catalogue gate (填表报数目录清单): every field of a submitted spec is checked against the
catalogue and all published specs, and shown as the same element, a probable duplicate, or new."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.audit.matching import Candidate, CandidateIndex, best_matches
from fillonce.catalog.models import DataElement, ElementAlias
from fillonce.core.db import utcnow
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import is_finer_or_equal, periods_per_year
from fillonce.specs.models import Spec

_index_cache: dict[tuple, CandidateIndex] = {}


def catalogue_index(db: Session) -> CandidateIndex:
    """The catalogue's matching index, rebuilt only when the catalogue changed."""
    version = tuple(db.execute(select(func.count(DataElement.id), func.max(DataElement.updated_at))).one())
    key = (id(db.get_bind()), *version)
    if key not in _index_cache:
        aliases: dict[str, list[str]] = {}
        for code, alias in db.execute(select(DataElement.code, ElementAlias.alias).join(ElementAlias)):
            aliases.setdefault(code, []).append(alias)
        candidates = [Candidate(code, name, unit or None, tuple(aliases.get(code, ())))
                      for code, name, unit in db.execute(select(DataElement.code, DataElement.name_zh, DataElement.unit))]
        _index_cache.clear()
        _index_cache[key] = CandidateIndex(candidates)
    return _index_cache[key]


def target_unit_ids(db: Session, spec: Spec, on: date | None = None) -> set[int]:
    """The org units that report on this spec: a level, or a list of codes, open on `on`."""
    on = on or utcnow().date()
    query = select(OrgUnit.id).where(OrgUnit.opened_on <= on, (OrgUnit.closed_on.is_(None)) | (OrgUnit.closed_on > on))
    if spec.target_units:
        query = query.where(OrgUnit.code.in_(spec.target_units))
    else:
        query = query.where(OrgUnit.level == spec.target_level)
    return set(db.scalars(query))


def published_specs(db: Session, excluding_form: str | None = None) -> list[Spec]:
    query = select(Spec).where(Spec.status == "published")
    if excluding_form:
        query = query.where(Spec.form_number != excluding_form)
    return list(db.scalars(query.order_by(Spec.form_number)))


def _collectors(db: Session, spec: Spec, units: set[int]) -> dict[tuple[int, str | None], list[dict]]:
    """For each (element, category) asked by another published spec: who asks it, at which period,
    and whether it covers this spec's units at the same or a finer period (then this spec reuses it)."""
    found: dict[tuple[int, str | None], list[dict]] = {}
    for other in published_specs(db, excluding_form=spec.form_number):
        overlap = bool(units & target_unit_ids(db, other))
        finer = is_finer_or_equal(other.period_type, spec.period_type)
        for f in other.fields:
            if f.kind == "element" and f.element_id is not None and f.mode == "ask":
                found.setdefault((f.element_id, f.category), []).append({
                    "form_number": other.form_number, "version": other.version, "title": other.title_zh,
                    "department": other.department.name_zh, "period_type": other.period_type,
                    "covers": overlap and finer})
    return found


def _element_summary(element: DataElement) -> dict:
    return {"code": element.code, "name": element.name_zh, "owner": element.owner.name_zh,
            "owner_code": element.owner.code, "unit": element.unit}


def _check_field(db: Session, field, collectors, index) -> dict:
    item = {"key": field.key, "label": field.label_zh, "kind": field.kind}
    if field.kind != "element":
        item.update(verdict="computed" if field.kind == "computed" else "register", mode="computed")
        return item
    if field.element_id is not None:
        element = field.element
        users = collectors.get((field.element_id, field.category), [])
        source = next((u for u in users if u["covers"]), None)
        item.update(verdict="same", element=_element_summary(element), collected_by=users,
                    mode="reuse" if source else "ask", reuse_from=source["form_number"] if source else None)
        return item
    matches = [(c, m) for c, m in best_matches(field.label_zh, field.unit or None, index, limit=3) if m.same]
    if matches and not field.distinct_reason:
        candidate, match = matches[0]
        existing = db.scalar(select(DataElement).where(DataElement.code == candidate.id))
        item.update(verdict="duplicate", element=_element_summary(existing),
                    confidence=round(match.confidence, 2), reasons=list(match.reasons), mode="ask",
                    conversion=match.conversion)
    else:
        item.update(verdict="new", mode="ask", distinct_reason=field.distinct_reason or None)
    return item


def check(db: Session, spec: Spec) -> dict:
    """The gate report: a verdict per field, what blocks publication, and the spec's burden."""
    units = target_unit_ids(db, spec)
    collectors = _collectors(db, spec, units)
    index = catalogue_index(db)
    fields = [_check_field(db, f, collectors, index) for f in spec.fields]
    blockers = [f"{f['key']} {f['label']}" for f in fields if f["verdict"] == "duplicate"]
    asked = sum(1 for f in fields if f.get("mode") == "ask")
    per_year = periods_per_year(spec.period_type)
    return {
        "fields": fields,
        "blockers": blockers,
        "burden": {"fields_asked": asked, "fields_reused": sum(1 for f in fields if f.get("mode") == "reuse"),
                   "units": len(units), "periods_per_year": per_year,
                   "cells_per_year": round(asked * len(units) * per_year)},
    }
