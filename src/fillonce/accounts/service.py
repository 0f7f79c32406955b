"""Departments, accounts, passwords, sign-in and sessions."""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from fillonce.accounts.models import Account, Department, SignInFailure, WebSession
from fillonce.accounts.permissions import DUTIES, ROLES, Actor, authorize
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.ledger import log
from fillonce.orgunits.models import OrgUnit

HASHER = PasswordHasher()
USERNAME = re.compile(r"^[A-Za-z0-9_.-]{2,64}$")
MIN_PASSWORD = 8
THROTTLE_WINDOW = timedelta(minutes=15)
THROTTLE_PER_USERNAME = 5
THROTTLE_PER_ADDRESS = 30
SCOPED_ROLES = {"reporter": "org_unit", "official": "org_unit", "dept_staff": "department"}


def actor_of(account: Account) -> Actor:
    unit, department = account.org_unit, account.department
    return Actor(
        account_id=account.id, username=account.username, role=account.role, duty=account.duty,
        org_unit_id=unit.id if unit else None, org_unit_code=unit.code if unit else None,
        org_unit_path=unit.path if unit else None,
        department_id=department.id if department else None,
        department_code=department.code if department else None,
    )


def get_account(db: Session, username: str) -> Account:
    account = db.scalar(select(Account).where(Account.username == username))
    if account is None:
        raise NotFound(Text(f"没有用户 {username}", f"no account {username}"))
    return account


def get_department(db: Session, code: str) -> Department:
    department = db.scalar(select(Department).where(Department.code == code))
    if department is None:
        raise NotFound(Text(f"没有代码为 {code} 的部门", f"no department with code {code}"))
    return department


def departments(db: Session) -> list[Department]:
    return list(db.scalars(select(Department).order_by(Department.code)))


def accounts_of_unit(db: Session, unit: OrgUnit) -> list[Account]:
    return list(db.scalars(select(Account).where(Account.org_unit_id == unit.id).order_by(Account.username)))


def accounts_of_department(db: Session, department: Department) -> list[Account]:
    return list(db.scalars(select(Account).where(Account.department_id == department.id).order_by(Account.username)))


# ---- write path ----------------------------------------------------------------------------------

@write_service
def create_department(db: Session, actor: Actor, code: str, name_zh: str, name_en: str = "") -> Department:
    authorize(actor, "department.manage")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,32}", code or ""):
        raise ValidationError(Text(f"部门代码 {code!r} 无效", f"department code {code!r} is invalid"))
    if not name_zh.strip():
        raise ValidationError(Text(f"部门 {code}：缺少名称", f"department {code}: the name is missing"))
    if db.scalar(select(Department.id).where(Department.code == code)):
        raise Conflict(Text(f"部门代码 {code} 已被使用", f"department code {code} is already used"))
    department = Department(code=code, name_zh=name_zh.strip(), name_en=name_en.strip())
    db.add(department)
    log.record(db, actor, "department.create", department)
    return department


@dataclass(frozen=True)
class AccountInput:
    username: str
    display_name: str
    password: str
    role: str
    org_unit_code: str | None = None
    department_code: str | None = None
    duty: str = ""


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(Text(f"密码至少需要 {MIN_PASSWORD} 个字符", f"a password needs at least {MIN_PASSWORD} characters"))


def _check_account(db: Session, data: AccountInput) -> tuple[OrgUnit | None, Department | None]:
    if not USERNAME.match(data.username or ""):
        raise ValidationError(Text(f"用户名 {data.username!r} 无效（2–64 位字母、数字、. _ -）",
                                   f"username {data.username!r} is invalid (2–64 letters, digits, . _ -)"))
    if data.role not in ROLES:
        raise ValidationError(Text(f"用户 {data.username}：未知角色 {data.role}", f"account {data.username}: unknown role {data.role}"))
    if data.duty not in DUTIES:
        raise ValidationError(Text(f"用户 {data.username}：未知职责 {data.duty}", f"account {data.username}: unknown duty {data.duty}"))
    _check_password(data.password)
    scope = SCOPED_ROLES.get(data.role)
    unit = department = None
    if scope == "org_unit":
        if not data.org_unit_code:
            raise ValidationError(Text(f"用户 {data.username}：{data.role} 角色必须指定所属单位",
                                       f"account {data.username}: role {data.role} needs an org unit"))
        unit = db.scalar(select(OrgUnit).where(OrgUnit.code == data.org_unit_code))
        if unit is None:
            raise ValidationError(Text(f"用户 {data.username}：单位 {data.org_unit_code} 不存在",
                                       f"account {data.username}: org unit {data.org_unit_code} does not exist"))
    if scope == "department":
        if not data.department_code:
            raise ValidationError(Text(f"用户 {data.username}：部门工作人员必须指定部门",
                                       f"account {data.username}: department staff need a department"))
        department = db.scalar(select(Department).where(Department.code == data.department_code))
        if department is None:
            raise ValidationError(Text(f"用户 {data.username}：部门 {data.department_code} 不存在",
                                       f"account {data.username}: department {data.department_code} does not exist"))
    return unit, department


@write_service
def create_account(db: Session, actor: Actor, data: AccountInput) -> Account:
    return create_accounts(db, actor, [data])[0]


@write_service
def create_accounts(db: Session, actor: Actor, inputs: list[AccountInput]) -> list[Account]:
    """Many accounts in one transaction. Accounts given the same initial password share its hash,
    since argon2 is deliberately slow; each user must change it at first sign-in anyway."""
    authorize(actor, "account.manage")
    hashes: dict[str, str] = {}
    created = []
    for data in inputs:
        unit, department = _check_account(db, data)
        if db.scalar(select(Account.id).where(Account.username == data.username)):
            raise Conflict(Text(f"用户名 {data.username} 已被使用", f"username {data.username} is already used"))
        if data.password not in hashes:
            hashes[data.password] = HASHER.hash(data.password)
        account = Account(username=data.username, display_name=data.display_name.strip() or data.username,
                          password_hash=hashes[data.password], role=data.role, duty=data.duty,
                          org_unit=unit, department=department, active=True, created_at=utcnow())
        db.add(account)
        log.record(db, actor, "account.create", account)
        created.append(account)
    return created


@write_service
def set_role(db: Session, actor: Actor, username: str, role: str, org_unit_code: str | None = None,
             department_code: str | None = None, duty: str = "", reason: str = "") -> Account:
    authorize(actor, "account.manage")
    account = get_account(db, username)
    unit, department = _check_account(db, AccountInput(username, account.display_name, "x" * MIN_PASSWORD, role,
                                                       org_unit_code, department_code, duty))
    account.role, account.duty, account.org_unit, account.department = role, duty, unit, department
    db.execute(delete(WebSession).where(WebSession.account_id == account.id))  # new rights, new sign-in
    log.record(db, actor, "account.permission_change", account, reason=reason or None)
    return account


@write_service
def deactivate(db: Session, actor: Actor, username: str, reason: str) -> Account:
    authorize(actor, "account.manage")
    account = get_account(db, username)
    account.active = False
    db.execute(delete(WebSession).where(WebSession.account_id == account.id))
    log.record(db, actor, "account.deactivate", account, reason=reason)
    return account


@write_service
def change_password(db: Session, actor: Actor, username: str, current: str, new: str) -> None:
    account = get_account(db, username)
    authorize(actor, "account.change_password", account)
    if actor.role != "admin" or actor.account_id == account.id:
        if not _password_matches(account, current):
            raise PermissionDenied(Text("当前密码不正确", "the current password is wrong"))
    _check_password(new)
    account.password_hash = HASHER.hash(new)
    db.execute(delete(WebSession).where(WebSession.account_id == account.id))
    log.record(db, actor, "account.password_change", account)


# ---- sign-in -------------------------------------------------------------------------------------

def _password_matches(account: Account, password: str) -> bool:
    try:
        return HASHER.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Throttled(PermissionDenied):
    pass


def _throttled(db: Session, username: str, address: str) -> bool:
    since = utcnow() - THROTTLE_WINDOW
    by_name = db.scalar(select(func.count()).where(SignInFailure.username == username, SignInFailure.at >= since))
    by_address = db.scalar(select(func.count()).where(SignInFailure.address == address, SignInFailure.at >= since))
    return by_name >= THROTTLE_PER_USERNAME or by_address >= THROTTLE_PER_ADDRESS


def _note_failure(db: Session, username: str, address: str) -> None:
    # Failures are security bookkeeping, not state the ledger describes; committed on their own.
    db.rollback()
    db.add(SignInFailure(username=username[:64], address=address[:64], at=utcnow()))
    db.commit()


@dataclass(frozen=True)
class SignedIn:
    account: Account
    token: str
    csrf_token: str


@write_service
def _open_session(db: Session, account: Account, hours: int) -> SignedIn:
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    db.execute(delete(WebSession).where(WebSession.expires_at < now))
    db.add(WebSession(token_hash=token_hash(token), account_id=account.id, csrf_token=csrf,
                      created_at=now, expires_at=now + timedelta(hours=hours)))
    db.execute(delete(SignInFailure).where(SignInFailure.username == account.username))
    log.record(db, actor_of(account), "account.sign_in", effect="event", object_type="account",
               object_id=str(account.id))
    return SignedIn(account, token, csrf)


def sign_in(db: Session, username: str, password: str, address: str, hours: int = 8) -> SignedIn:
    """Check a password; throttled per username and per address, with one message for every failure."""
    refused = Text("用户名或密码不正确", "wrong username or password")
    if _throttled(db, username, address):
        raise Throttled(Text("登录失败次数过多，请 15 分钟后再试", "too many failed sign-ins; try again in 15 minutes"))
    account = db.scalar(select(Account).where(Account.username == username))
    if account is None or not account.active or not _password_matches(account, password):
        if account is None:
            HASHER.hash(password)  # same cost whether or not the name exists
        _note_failure(db, username, address)
        raise PermissionDenied(refused)
    return _open_session(db, account, hours)


def session_account(db: Session, token: str | None) -> tuple[Account, WebSession] | None:
    if not token:
        return None
    session = db.get(WebSession, token_hash(token))
    if session is None or session.expires_at < utcnow():
        return None
    account = db.get(Account, session.account_id)
    if account is None or not account.active:
        return None
    return account, session


def sign_out(db: Session, token: str | None) -> None:
    if token:
        db.execute(delete(WebSession).where(WebSession.token_hash == token_hash(token)))
        db.commit()
