"""Report specifications: authoring, versions, and the gate's workflow draft → submitted → approved →
published → retired. Every step goes through the one write path."""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Department
from fillonce.accounts.permissions import Actor, authorize, can
from fillonce.catalog import service as catalog
from fillonce.catalog.models import DataElement
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.indicators import service as indicators
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit
from fillonce.periods.ids import PERIOD_TYPES
from fillonce.specs import formulas, gate
from fillonce.specs.draft import (
    FIELD_KINDS,
    SEVERITIES,
    FieldDraft,
    RuleDraft,
    SpecDraft,
)
from fillonce.specs.models import STATUS_LABELS, Spec, SpecField, SpecRule

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")


# ---- queries -------------------------------------------------------------------------------------

def get(db: Session, actor: Actor, spec_id: int) -> Spec:
    spec = db.get(Spec, spec_id)
    if spec is None or not can(actor, "spec.view", spec):
        raise NotFound(Text(f"没有编号为 {spec_id} 的报表规范", f"no report specification {spec_id}"))
    return spec


def list_specs(db: Session, actor: Actor, status: str | None = None, department_code: str | None = None) -> list[Spec]:
    query = select(Spec).join(Department)
    if status:
        query = query.where(Spec.status == status)
    if department_code:
        query = query.where(Department.code == department_code)
    specs = db.scalars(query.order_by(Spec.form_number, Spec.version.desc()))
    return [s for s in specs if can(actor, "spec.view", s)]


def versions(db: Session, form_number: str) -> list[Spec]:
    return list(db.scalars(select(Spec).where(Spec.form_number == form_number).order_by(Spec.version.desc())))


def as_draft(spec: Spec) -> SpecDraft:
    """The editable form of a stored spec (the designer and new versions start from it)."""
    return SpecDraft(
        form_number=spec.form_number, title_zh=spec.title_zh, title_en=spec.title_en,
        department_code=spec.department.code, period_type=spec.period_type, approval_number=spec.approval_number,
        approval_kind=spec.approval_kind, valid_until=spec.valid_until, purpose=spec.purpose,
        deadline_days=spec.deadline_days, grace_days=spec.grace_days, target_level=spec.target_level,
        target_units=tuple(spec.target_units), requires_review=spec.requires_review,
        fields=[FieldDraft(key=f.key, label_zh=f.label_zh, kind=f.kind,
                           element_code=f.element.code if f.element else None, category=f.category,
                           formula=f.formula, unit=f.unit, required=f.required, source=f.source or None)
                for f in spec.fields],
        rules=[RuleDraft(r.expression, r.severity, r.message_zh, r.message_en) for r in spec.rules],
    )


# ---- validation ----------------------------------------------------------------------------------

def _where(draft: SpecDraft) -> Text:
    return Text(f"报表 {draft.form_number or '（无表号）'}", f"spec {draft.form_number or '(no form number)'}")


def _problem(where: Text, zh: str, en: str) -> Text:
    return Text(f"{where.zh}：{zh}", f"{where.en}: {en}")


def _prefixed(where: Text, problems: list[object]) -> list[Text]:
    """Another module's messages, said of this spec's field or rule."""
    return [_problem(where, p.zh, p.en) if isinstance(p, Text) else _problem(where, str(p), str(p)) for p in problems]


def _check_header(db: Session, draft: SpecDraft, where: Text) -> list[Text]:
    problems = []
    if not draft.form_number.strip():
        problems.append(_problem(where, "缺少表号", "the form number (表号) is missing"))
    if not draft.title_zh.strip():
        problems.append(_problem(where, "缺少标题", "the title is missing"))
    if draft.period_type not in PERIOD_TYPES:
        problems.append(_problem(where, f"报告期类型 {draft.period_type!r} 无效", f"period type {draft.period_type!r} is invalid"))
    if draft.deadline_days < 0 or draft.grace_days < 0:
        problems.append(_problem(where, "报送期限不能为负数", "deadlines cannot be negative"))
    if not draft.target_units and not draft.target_level:
        problems.append(_problem(where, "未指定填报单位（层级或名单）", "no reporting units (a level or a list)"))
    if draft.target_units:
        known = set(db.scalars(select(OrgUnit.code).where(OrgUnit.code.in_(draft.target_units))))
        for code in draft.target_units:
            if code not in known:
                problems.append(_problem(where, f"填报单位 {code} 不存在", f"reporting unit {code} does not exist"))
    return problems


def _field_where(where: Text, f: FieldDraft) -> Text:
    at = f" ({f.source})" if f.source else ""
    return Text(f"{where.zh} 字段 {f.key}「{f.label_zh}」{at}", f"{where.en} field {f.key} “{f.label_zh}”{at}")


def _check_fields(draft: SpecDraft, elements: dict[str, DataElement], where: Text) -> list[Text]:
    problems, seen = [], set()
    for f in draft.fields:
        at = _field_where(where, f)
        if not KEY_PATTERN.match(f.key or ""):
            problems.append(_problem(at, "字段键无效（字母或下划线开头的英文数字）", "the key is invalid (ASCII, a letter first)"))
        if f.key in seen:
            problems.append(_problem(at, "字段键重复", "the key is used twice"))
        seen.add(f.key)
        if f.kind not in FIELD_KINDS:
            problems.append(_problem(at, f"字段类型 {f.kind!r} 无效", f"field kind {f.kind!r} is invalid"))
        if not f.label_zh.strip():
            problems.append(_problem(at, "缺少字段名称", "the label is missing"))
        if f.kind in ("element", "register") and f.element_code:
            element = elements.get(f.element_code)
            if element is None:
                problems.append(_problem(at, f"数据元 {f.element_code} 不存在", f"element {f.element_code} does not exist"))
            elif f.category and f.category not in {c.code for c in element.categories}:
                problems.append(_problem(at, f"数据元 {f.element_code} 没有分组 {f.category}",
                                         f"element {f.element_code} has no disaggregation {f.category}"))
        if f.kind == "computed" and not (f.formula or "").strip():
            problems.append(_problem(at, "计算字段缺少公式", "a computed field needs a formula"))
    return problems


def _check_bound(db: Session, draft: SpecDraft, elements: dict[str, DataElement], where: Text) -> list[Text]:
    """A register field is bound to the element an indicator answers; it is computed, never asked."""
    bound = [f for f in draft.fields if f.kind == "register"]
    answered = indicators.answering(db, {elements[f.element_code].id for f in bound if f.element_code in elements})
    problems = []
    for f in bound:
        at = _field_where(where, f)
        if not f.element_code:
            problems.append(_problem(at, "名册字段需要绑定一个由指标计算的数据元", "a register field needs an element an indicator answers"))
        elif f.element_code in elements and elements[f.element_code].id not in answered:
            problems.append(_problem(at, f"没有指标计算数据元 {f.element_code}", f"no indicator answers element {f.element_code}"))
        if f.category:
            problems.append(_problem(at, "指标只计算合计，名册字段不能分组", "an indicator computes the total: no disaggregation"))
    return problems


def _names(draft: SpecDraft, elements: dict[str, DataElement]) -> dict[str, str]:
    """Formulas may name a field by its key, its label, or its element's code, name or alias."""
    names: dict[str, str] = {}
    for f in draft.fields:
        element = elements.get(f.element_code or "")
        if element is not None and f.category is None:
            for name in (element.code, element.name_zh, *(a.alias for a in element.aliases)):
                names.setdefault(name, f.key)
    for f in draft.fields:
        names[f.label_zh.strip()] = f.key
        names[f.key] = f.key
    return names


def _check_formulas(draft: SpecDraft, names: dict[str, str], where: Text) -> list[object]:
    problems: list[object] = []
    computed = {}
    for f in draft.fields:
        if f.kind == "computed" and f.formula:
            try:
                computed[f.key] = formulas.resolve(formulas.parse(f.formula), names).to_text()
            except ValidationError as exc:
                problems += _prefixed(_field_where(where, f), exc.problems)
    if not problems:
        try:
            formulas.check_computed(computed)
        except ValidationError as exc:
            problems += _prefixed(where, exc.problems)
    for number, rule in enumerate(draft.rules, start=1):
        at = Text(f"{where.zh} 审核公式 {number}", f"{where.en} rule {number}")
        if rule.severity not in SEVERITIES:
            problems.append(_problem(at, f"严重程度 {rule.severity!r} 无效（error 或 warning）",
                                     f"severity {rule.severity!r} is invalid (error or warning)"))
        try:
            formulas.resolve(formulas.parse(rule.expression), names)
        except ValidationError as exc:
            problems += _prefixed(at, exc.problems)
    return problems


def validate(db: Session, draft: SpecDraft) -> tuple[Department, dict[str, DataElement], dict[str, str]]:
    """Every fault of a draft at once, each naming the field or rule; nothing is written on any fault."""
    where = _where(draft)
    department = db.scalar(select(Department).where(Department.code == draft.department_code))
    problems: list[object] = [] if department else [
        _problem(where, f"制表机关 {draft.department_code} 不存在", f"department {draft.department_code} does not exist")]
    codes = {f.element_code for f in draft.fields if f.element_code}
    elements = {e.code: e for e in db.scalars(select(DataElement).where(DataElement.code.in_(codes)))}
    problems += _check_header(db, draft, where) + _check_fields(draft, elements, where)
    problems += _check_bound(db, draft, elements, where)
    names = _names(draft, elements)
    if not problems:
        problems += _check_formulas(draft, names, where)
    if problems:
        raise ValidationError(problems)
    return department, elements, names


def _resolved(text: str, names: dict[str, str]) -> str:
    return formulas.resolve(formulas.parse(text), names).to_text()


def _fill(db: Session, spec: Spec, draft: SpecDraft, department: Department, elements: dict[str, DataElement],
          names: dict[str, str]) -> None:
    spec.title_zh, spec.title_en, spec.purpose = draft.title_zh.strip(), draft.title_en.strip(), draft.purpose.strip()
    spec.department = department
    spec.approval_kind, spec.approval_number = draft.approval_kind, draft.approval_number.strip()
    spec.valid_until, spec.period_type = draft.valid_until, draft.period_type
    spec.deadline_days, spec.grace_days = draft.deadline_days, draft.grace_days
    spec.target_level = None if draft.target_units else draft.target_level
    spec.target_units = list(draft.target_units)
    spec.requires_review = draft.requires_review
    if spec.id is not None:  # the old rows go first: field keys are unique within a spec
        spec.fields.clear()
        spec.rules.clear()
        db.flush()
    spec.fields = [SpecField(position=n, key=f.key, label_zh=f.label_zh.strip(), kind=f.kind,
                             element=elements.get(f.element_code or ""), category=f.category,
                             formula=_resolved(f.formula, names) if f.kind == "computed" and f.formula else None,
                             unit=f.unit, required=f.required, mode="ask", source=f.source or "")
                   for n, f in enumerate(draft.fields)]
    spec.rules = [SpecRule(position=n, expression=_resolved(r.expression, names), severity=r.severity,
                           message_zh=r.message_zh, message_en=r.message_en) for n, r in enumerate(draft.rules)]
    spec.updated_at = utcnow()


# ---- the write path ------------------------------------------------------------------------------

@write_service
def create_draft(db: Session, actor: Actor, draft: SpecDraft) -> Spec:
    department, elements, names = validate(db, draft)
    authorize(actor, "spec.author", department)
    if db.scalar(select(func.count()).where(Spec.form_number == draft.form_number)):
        raise Conflict(Text(f"表号 {draft.form_number} 已被使用；修改已有报表请新建版本",
                            f"form number {draft.form_number} is taken; edit the existing spec by making a new version"))
    spec = Spec(form_number=draft.form_number.strip(), version=1, status="draft")
    _fill(db, spec, draft, department, elements, names)
    db.add(spec)
    db.flush()  # callers in the same transaction need its id
    log.record(db, actor, "spec.create", spec)
    return spec


def _in_status(spec: Spec, *statuses: str) -> None:
    if spec.status not in statuses:
        zh, en = STATUS_LABELS[spec.status]
        raise Conflict(Text(f"报表 {spec.form_number} 第 {spec.version} 版当前为“{zh}”，不能进行此操作",
                            f"spec {spec.form_number} v{spec.version} is {en.lower()}; this step is not possible"))


@write_service
def update_draft(db: Session, actor: Actor, spec_id: int, draft: SpecDraft) -> Spec:
    """Only a draft changes; a published spec never does (make a new version instead)."""
    spec = get(db, actor, spec_id)
    authorize(actor, "spec.author", spec.department)
    _in_status(spec, "draft")
    if draft.form_number != spec.form_number:
        raise ValidationError(Text("表号不能修改", "the form number cannot change"))
    department, elements, names = validate(db, draft)
    authorize(actor, "spec.author", department)
    _fill(db, spec, draft, department, elements, names)
    log.record(db, actor, "spec.update", spec)
    return spec


@write_service
def new_version(db: Session, actor: Actor, spec_id: int) -> Spec:
    source = get(db, actor, spec_id)
    authorize(actor, "spec.author", source.department)
    latest = versions(db, source.form_number)[0]
    if latest.status in {"draft", "submitted", "approved"}:
        raise Conflict(Text(f"报表 {source.form_number} 已有未发布的第 {latest.version} 版",
                            f"spec {source.form_number} already has an unpublished version {latest.version}"))
    draft = as_draft(source)
    department, elements, names = validate(db, draft)
    spec = Spec(form_number=source.form_number, version=latest.version + 1, status="draft")
    _fill(db, spec, draft, department, elements, names)
    db.add(spec)
    db.flush()
    log.record(db, actor, "spec.new_version", spec, details={"from_version": source.version})
    return spec


@write_service
def resolve_field(db: Session, actor: Actor, spec_id: int, key: str, element_code: str | None = None,
                  distinct_reason: str = "") -> Spec:
    """Answer the gate about a proposed field: reuse an existing element, or say why it is different."""
    spec = get(db, actor, spec_id)
    authorize(actor, "spec.author", spec.department)
    _in_status(spec, "draft")
    field = next((f for f in spec.fields if f.key == key), None)
    if field is None:
        raise NotFound(Text(f"报表 {spec.form_number} 没有字段 {key}", f"spec {spec.form_number} has no field {key}"))
    if element_code:
        field.element = catalog.get(db, element_code)
        field.distinct_reason = ""
    elif distinct_reason.strip():
        field.distinct_reason = distinct_reason.strip()
    else:
        raise ValidationError(Text(f"字段 {key}：请选择复用的数据元或说明为何不同",
                                   f"field {key}: choose an element to reuse or say why it differs"))
    spec.updated_at = utcnow()
    log.record(db, actor, "spec.resolve_field", spec, details={"field": key})
    return spec


def _apply_gate(db: Session, spec: Spec) -> dict:
    report = gate.check(db, spec)
    modes = {f["key"]: f["mode"] for f in report["fields"]}
    for field in spec.fields:
        field.mode = "ask" if field.kind != "element" else modes.get(field.key, "ask")
    spec.gate_report = report
    return report


@write_service
def submit(db: Session, actor: Actor, spec_id: int) -> Spec:
    """Submitting runs the duplicate check; the office sees its report and the burden."""
    spec = get(db, actor, spec_id)
    authorize(actor, "spec.author", spec.department)
    _in_status(spec, "draft")
    if not spec.fields:
        raise ValidationError(Text(f"报表 {spec.form_number} 没有字段", f"spec {spec.form_number} has no fields"))
    _apply_gate(db, spec)
    spec.status, spec.updated_at = "submitted", utcnow()
    log.record(db, actor, "spec.submit", spec)
    return spec


def _blocked(spec: Spec, blockers: list[str]) -> ValidationError:
    return ValidationError([Text(f"报表 {spec.form_number}：字段 {b} 与目录中已有数据元疑似重复，请复用或说明区别",
                                 f"spec {spec.form_number}: field {b} probably duplicates a catalogue element; "
                                 "reuse it or explain the difference") for b in blockers])


@write_service
def decide(db: Session, actor: Actor, spec_id: int, approve: bool, note: str = "") -> Spec:
    """The burden-reduction office approves, or returns the spec to its authors with a note.

    An approved spec can still be returned: the catalogue may have changed before publication."""
    spec = get(db, actor, spec_id)
    authorize(actor, "spec.approve", spec)
    _in_status(spec, "submitted", *(() if approve else ("approved",)))
    if not approve and not note.strip():
        raise ValidationError(Text("退回时请说明原因", "say why when returning a spec"))
    if approve:
        blockers = _apply_gate(db, spec)["blockers"]
        if blockers:
            raise _blocked(spec, blockers)
    spec.status = "approved" if approve else "draft"
    spec.office_note, spec.updated_at = note.strip(), utcnow()
    log.record(db, actor, "spec.approve" if approve else "spec.return", spec, reason=note.strip() or None)
    return spec


def _regate_dependents(db: Session, actor: Actor, form_number: str) -> None:
    """Specs that reused what `form_number` collected must ask it themselves once it stops."""
    for other in gate.published_specs(db, excluding_form=form_number):
        reused_from = {f.get("reuse_from") for f in (other.gate_report or {}).get("fields", [])}
        if form_number in reused_from:
            _apply_gate(db, other)
            log.record(db, actor, "spec.regate", other, reason=f"{form_number} stopped collecting")


def _create_proposed_elements(db: Session, actor: Actor, spec: Spec) -> None:
    for field in spec.fields:
        if field.kind == "element" and field.element is None:
            # The spec's id keeps codes of different forms apart (表号 are Chinese and do not make codes).
            code = f"{spec.department.code}_S{spec.id}_{field.key.upper()}"[:64]
            field.element = catalog.create(db, actor, catalog.ElementInput(
                code=code, name_zh=field.label_zh, value_type="number", aggregation="sum",
                owner_department_code=spec.department.code, unit=field.unit,
                definition_zh=f"由报表 {spec.form_number}《{spec.title_zh}》新增。"))


@write_service
def publish(db: Session, actor: Actor, spec_id: int) -> Spec:
    """Published only when nothing it asks is already collected from the same units (it reuses that
    instead) and no field is a probable duplicate of an existing element."""
    spec = get(db, actor, spec_id)
    authorize(actor, "spec.publish", spec)
    _in_status(spec, "approved")
    report = _apply_gate(db, spec)
    if report["blockers"]:
        raise _blocked(spec, report["blockers"])
    _create_proposed_elements(db, actor, spec)
    for previous in versions(db, spec.form_number):
        if previous.id != spec.id and previous.status == "published":
            previous.status = "retired"
            log.record(db, actor, "spec.retire", previous, reason=f"superseded by version {spec.version}")
    spec.status, spec.updated_at = "published", utcnow()
    log.record(db, actor, "spec.publish", spec)
    return spec


@write_service
def retire(db: Session, actor: Actor, spec_id: int, reason: str) -> Spec:
    spec = get(db, actor, spec_id)
    authorize(actor, "spec.publish", spec)
    _in_status(spec, "published")
    if not reason.strip():
        raise ValidationError(Text("停用报表需要说明原因", "retiring a spec needs a reason"))
    spec.status, spec.updated_at = "retired", utcnow()
    db.flush()
    _regate_dependents(db, actor, spec.form_number)
    log.record(db, actor, "spec.retire", spec, reason=reason.strip())
    return spec

