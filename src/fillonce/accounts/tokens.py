"""Revocable API tokens, each scoped to one department and good only for fetching that department's reports."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from fillonce.accounts.models import ApiToken, Department
from fillonce.accounts.permissions import Actor, authorize
from fillonce.accounts.service import token_hash
from fillonce.core.db import utcnow
from fillonce.core.errors import Conflict, NotFound, ValidationError
from fillonce.core.i18n import Text
from fillonce.core.writepath import write_service
from fillonce.ledger import log

PREFIX = "fo_"


def department_tokens(db: Session, actor: Actor, department: Department) -> list[ApiToken]:
    authorize(actor, "token.manage", department)
    return list(db.scalars(select(ApiToken).where(ApiToken.department_id == department.id).order_by(ApiToken.id)))


@write_service
def create(db: Session, actor: Actor, department: Department, name: str) -> tuple[str, ApiToken]:
    """The token itself is returned once, here; only its hash is stored."""
    authorize(actor, "token.manage", department)
    if not name.strip() or len(name.strip()) > 100:
        raise ValidationError(Text("请为令牌起一个名字（最多 100 字）", "give the token a name (at most 100 characters)"))
    plain = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(department_id=department.id, name=name.strip(), token_hash=token_hash(plain),
                     created_by=actor.account_id, created_at=utcnow())
    db.add(token)
    log.record(db, actor, "token.create", token)
    return plain, token


@write_service
def revoke(db: Session, actor: Actor, token_id: int) -> ApiToken:
    token = db.get(ApiToken, token_id)
    if token is None:
        raise NotFound(Text(f"没有编号为 {token_id} 的令牌", f"no API token {token_id}"))
    authorize(actor, "token.manage", token.department)
    if token.revoked_at is not None:
        raise Conflict(Text(f"令牌“{token.name}”已经撤销", f"token “{token.name}” is already revoked"))
    token.revoked_at = utcnow()
    log.record(db, actor, "token.revoke", token)
    return token


def actor_of_token(db: Session, plain: str) -> Actor | None:
    """The department's read-only identity behind a bearer token, or None for an unknown or revoked one."""
    if not plain.startswith(PREFIX):
        return None
    token = db.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(plain)))
    if token is None or token.revoked_at is not None:
        return None
    return Actor(account_id=None, username=f"token:{token.name}", role="dept_staff", duty="api",
                 department_id=token.department_id, department_code=token.department.code)
