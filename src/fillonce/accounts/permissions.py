"""The one place that decides who may do what to which object: `authorize(actor, action, obj)`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fillonce.core.errors import PermissionDenied

ROLES = ("reporter", "official", "dept_staff", "office", "auditor", "admin")
ROLE_LABELS = {
    "reporter": ("基层填报员", "Grassroots reporter"),
    "official": ("街道/区县干部", "Street/district official"),
    "dept_staff": ("部门工作人员", "Department staff"),
    "office": ("减负办", "Burden-reduction office"),
    "auditor": ("审计员", "Auditor"),
    "admin": ("系统管理员", "Administrator"),
}
DUTIES = ("", "author", "analyst")  # "api": a department's token, never an account


@dataclass(frozen=True)
class Actor:
    """Who is acting, with the scope their role is limited to."""

    account_id: int | None
    username: str
    role: str
    duty: str = ""
    org_unit_id: int | None = None
    org_unit_code: str | None = None
    org_unit_path: str | None = None
    department_id: int | None = None
    department_code: str | None = None

    def ledger_identity(self) -> dict:
        return {
            "account": self.username, "role": self.role,
            "org_unit": self.org_unit_code, "department": self.department_code,
        }

    def covers(self, unit: Any) -> bool:
        """True when `unit` lies in this actor's own unit or subtree."""
        return self.org_unit_path is not None and unit.path.startswith(self.org_unit_path)


def _anyone(actor: Actor, obj: Any) -> bool:
    return True


def _admin(actor: Actor, obj: Any) -> bool:
    return actor.role == "admin"


def _steward(actor: Actor, obj: Any) -> bool:
    return actor.role in {"admin", "office"}


def _readers_of_ledger(actor: Actor, obj: Any) -> bool:
    return actor.role in {"admin", "office", "auditor"}


def _catalogue_author(actor: Actor, department_id: int | None) -> bool:
    if actor.role in {"admin", "office"}:
        return True
    return actor.role == "dept_staff" and actor.duty == "author" and actor.department_id == department_id


def _create_element(actor: Actor, owner_department: Any) -> bool:
    return _catalogue_author(actor, getattr(owner_department, "id", None))


def _import_elements(actor: Actor, obj: Any) -> bool:
    """May import at all; each row is then checked against its owner department."""
    return actor.role in {"admin", "office"} or (actor.role == "dept_staff" and actor.duty == "author")


def _update_element(actor: Actor, element: Any) -> bool:
    return _catalogue_author(actor, element.owner_department_id)


def _view_unit_detail(actor: Actor, unit: Any) -> bool:
    """Accounts and contacts of a unit: its own people, the officials above it, stewards and auditors."""
    if actor.role in {"admin", "office", "auditor"}:
        return True
    return actor.role in {"reporter", "official"} and actor.covers(unit)


def _view_department_staff(actor: Actor, department: Any) -> bool:
    return actor.role in {"admin", "office", "auditor"} or actor.department_id == department.id


def _author_spec(actor: Actor, department: Any) -> bool:
    return actor.role == "admin" or (
        actor.role == "dept_staff" and actor.duty == "author" and actor.department_id == getattr(department, "id", None))


def _view_spec(actor: Actor, spec: Any) -> bool:
    """Published and retired specs are public inside government; drafts belong to their department."""
    if spec.status in {"published", "retired"} or actor.role in {"admin", "office", "auditor"}:
        return True
    return actor.role == "dept_staff" and actor.department_id == spec.department_id


def _publish_spec(actor: Actor, spec: Any) -> bool:
    return actor.role == "office" or _author_spec(actor, spec.department)


def _edit_unit_data(actor: Actor, unit: Any) -> bool:
    """A reporter fills their own unit; an official may fill for the units of their subtree."""
    return actor.role in {"reporter", "official"} and actor.covers(unit)


def _view_unit_form(actor: Actor, unit: Any) -> bool:
    return actor.role in {"admin", "office", "auditor", "dept_staff"} or _edit_unit_data(actor, unit)


def _reopen(actor: Actor, department_ids: Any) -> bool:
    """Only a department whose spec is in the form (or an administrator) reopens a closed period."""
    return actor.role == "admin" or (actor.role == "dept_staff" and actor.department_id in (department_ids or ()))


def _review(actor: Actor, unit: Any) -> bool:
    """An official above the unit reviews it; never the unit's own reporter."""
    return actor.role == "official" and actor.covers(unit) and actor.org_unit_id != unit.id


def _manage_tokens(actor: Actor, department: Any) -> bool:
    """A department's own staff (not its tokens) and administrators manage its API tokens."""
    return actor.role == "admin" or (actor.role == "dept_staff" and actor.duty in {"author", "analyst"}
                                     and actor.department_id == department.id)


def _subscribe(actor: Actor, spec: Any) -> bool:
    """A department subscribes to its own specs' reports."""
    return actor.role == "dept_staff" and actor.duty in {"author", "analyst"} and actor.department_id == spec.department_id


def _follow_up(actor: Actor, obj: Any) -> bool:
    """Who follows up on missing forms: officials (in their subtree), the office, auditors."""
    return actor.role in {"official", "office", "admin", "auditor"}


def _view_report(actor: Actor, spec: Any) -> bool:
    """A spec's department, the office and auditors see its whole report; officials their subtree's rows."""
    if actor.role in {"admin", "office", "auditor", "official"}:
        return True
    return actor.role == "dept_staff" and actor.department_id == spec.department_id


def _view_own_account(actor: Actor, account: Any) -> bool:
    return actor.role == "admin" or actor.account_id == account.id


PUBLIC_HISTORY = {"org_unit", "data_element", "department", "category"}


def _view_history(actor: Actor, object_type: Any) -> bool:
    """Reference data's history is open to every signed-in user; people's only to ledger readers."""
    return object_type in PUBLIC_HISTORY or _readers_of_ledger(actor, object_type)


# ---- quality findings -------------------------------------------------------------------
def _view_quality(actor: Actor, obj: Any) -> bool:
    """The quality page: officials (their subtree), departments (their findings), office, auditors."""
    return actor.role in {"official", "dept_staff", "office", "auditor", "admin"}


def _view_finding(actor: Actor, finding: Any) -> bool:
    if actor.role in {"office", "auditor", "admin"}:
        return True
    if actor.role == "official":
        return finding.unit is not None and actor.covers(finding.unit)
    return actor.role == "dept_staff" and finding.department_id is not None and actor.department_id == finding.department_id


def _explain_finding(actor: Actor, finding: Any) -> bool:
    """The unit's officials above it, the department it concerns, the office; never the unit itself."""
    if actor.role == "office":
        return True
    if actor.role == "official":
        return finding.unit is not None and actor.covers(finding.unit) and actor.org_unit_id != finding.unit.id
    return actor.role == "dept_staff" and finding.department_id is not None and actor.department_id == finding.department_id


def _quality_card(actor: Actor, unit: Any) -> bool:
    """A unit's quality card: its own reporters, the officials above, departments, office, auditors."""
    return actor.role in {"dept_staff", "office", "auditor", "admin"} or (
        actor.role in {"reporter", "official"} and actor.covers(unit))
# ---- feedback (投诉建议) and burden metrics ----------------------------------------------

def _raise_feedback(actor: Actor, unit: Any) -> bool:
    """Grassroots people raise feedback about their own unit (officials: any unit of their subtree)."""
    return actor.role in {"reporter", "official"} and (unit is None or actor.covers(unit))


def _owns_feedback(actor: Actor, feedback: Any) -> bool:
    """The department a feedback concerns answers it; the office answers system and policy feedback."""
    if feedback.department_id is None:
        return actor.role == "office"
    return actor.role == "dept_staff" and actor.department_id == feedback.department_id


def _raised(actor: Actor, feedback: Any) -> bool:
    return actor.account_id is not None and actor.account_id == feedback.raised_by


def _view_feedback(actor: Actor, feedback: Any) -> bool:
    return actor.role in {"office", "auditor", "admin"} or _raised(actor, feedback) or _owns_feedback(actor, feedback)


def _close_feedback(actor: Actor, feedback: Any) -> bool:
    return _raised(actor, feedback) or actor.role == "office"


def _see_sender(actor: Actor, feedback: Any) -> bool:
    """A hidden sender is known to the office (and to themselves), never to the department."""
    if feedback.hidden:
        return actor.role == "office" or _raised(actor, feedback)
    return _view_feedback(actor, feedback)


def _city_overseer(actor: Actor, obj: Any) -> bool:
    """The whole city's feedback and burden: the office, auditors, administrators."""
    return actor.role in {"office", "auditor", "admin"}


def _office(actor: Actor, obj: Any) -> bool:
    return actor.role == "office"


def _view_burden(actor: Actor, scope: Any) -> bool:
    """The office and auditors see the whole city; a department its own; reporters and officials their units.
    `scope` is an org unit, a department, or None (the viewer's own scope)."""
    if actor.role in {"office", "auditor", "admin"}:
        return True
    if scope is None:
        return actor.role in {"reporter", "official", "dept_staff"}
    if hasattr(scope, "path"):
        return actor.role in {"reporter", "official"} and actor.covers(scope)
    return actor.role == "dept_staff" and actor.department_id == scope.id
# --- registers (台账): a department's record-level data; only the owner sees people, in masked form ---
def _register_department(obj: Any) -> int | None:
    """A register's owner department id (rules take a register or, before one exists, the department)."""
    return getattr(obj, "department_id", getattr(obj, "id", None))


def _see_registers(actor: Actor, register: Any) -> bool:
    """Counts and definitions: the owning department, the office, auditors, administrators."""
    if actor.role in {"admin", "office", "auditor"}:
        return True
    return actor.role == "dept_staff" and (register is None or actor.department_id == _register_department(register))


def _define_register(actor: Actor, department: Any) -> bool:
    return actor.role == "admin" or (actor.role == "dept_staff" and actor.duty == "author"
                                     and actor.department_id == _register_department(department))


def _load_register(actor: Actor, register: Any) -> bool:
    """Imports and API batches: the department's authors, its API tokens, administrators."""
    return actor.role == "admin" or (actor.role == "dept_staff" and actor.duty in {"author", "api"}
                                     and actor.department_id == _register_department(register))


def _register_records(actor: Actor, register: Any) -> bool:
    """People (masked) are for the owning department's staff only; not even administrators see them."""
    return actor.role == "dept_staff" and actor.duty != "api" and actor.department_id == _register_department(register)


POLICY: dict[str, Callable[[Actor, Any], bool]] = {
    "orgunit.view": _anyone,
    "orgunit.view_detail": _view_unit_detail,
    "orgunit.manage": _admin,
    "department.manage": _admin,
    "department.view_staff": _view_department_staff,
    "token.manage": _manage_tokens,
    "account.manage": _admin,
    "account.view": _view_own_account,
    "account.change_password": _view_own_account,
    "catalog.view": _anyone,
    "catalog.create": _create_element,
    "catalog.import": _import_elements,
    "catalog.update": _update_element,
    "catalog.manage_categories": _steward,
    "audit.run": _steward,
    "spec.view": _view_spec,
    "spec.author": _author_spec,
    "spec.approve": _steward,
    "spec.publish": _publish_spec,
    "form.view": _view_unit_form,
    "report.view": _view_report,
    "report.subscribe": _subscribe,
    "missing.view": _follow_up,
    "entry.edit": _edit_unit_data,
    "entry.reopen": _reopen,
    "entry.review": _review,
    "ledger.view": _readers_of_ledger,
    "ledger.history": _view_history,
    "ledger.checkpoint": _admin,
    # quality findings
    "quality.run": _steward,
    "quality.view": _view_quality,
    "quality.view_finding": _view_finding,
    "quality.explain": _explain_finding,
    "quality.card": _quality_card,
    # indicators (不报统计): aggregate figures anyone signed in reads; the owner department's authors define them
    "indicator.view": _anyone,
    "indicator.author": _author_spec,
    # feedback and burden metrics
    "feedback.raise": _raise_feedback,
    "feedback.view": _view_feedback,
    "feedback.answer": _owns_feedback,
    "feedback.reopen": _raised,
    "feedback.close": _close_feedback,
    "feedback.see_sender": _see_sender,
    "feedback.oversee": _city_overseer,
    "burden.view": _view_burden,
    "burden.city": _city_overseer,
    "burden.tune": _office,
    # registers (台账)
    "register.view": _see_registers,
    "register.define": _define_register,
    "register.load": _load_register,
    "register.records": _register_records,
    "register.reveal": _register_records,
}


def can(actor: Actor | None, action: str, obj: Any = None) -> bool:
    if actor is None:
        return False
    rule = POLICY.get(action)
    if rule is None:
        raise KeyError(f"no permission rule for action {action!r}")
    return rule(actor, obj)


def authorize(actor: Actor | None, action: str, obj: Any = None) -> None:
    """Raise PermissionDenied unless `actor` may do `action` to `obj`. Unknown actions are a bug."""
    if not can(actor, action, obj):
        who = actor.username if actor else "anonymous"
        raise PermissionDenied(f"{who} may not {action}")
