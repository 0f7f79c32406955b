from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.core.db import Base, UTCDateTime
from fillonce.orgunits.models import OrgUnit


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")

    def ledger_content(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en}


class Account(Base):
    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    duty: Mapped[str] = mapped_column(String(20), default="")
    org_unit_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    org_unit: Mapped[OrgUnit | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")

    def ledger_content(self) -> dict:
        # Only a salted digest of this reaches the ledger, so the password hash may take part.
        return {
            "password_hash": self.password_hash, "username": self.username, "display_name": self.display_name, "role": self.role,
            "duty": self.duty, "org_unit_id": self.org_unit_id, "department_id": self.department_id,
            "active": self.active,
        }


class WebSession(Base):
    """A signed-in browser. Only a hash of the cookie's token is stored."""

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SignInFailure(Base):
    """Failed sign-ins, counted per username and per address to throttle guessing."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class ApiToken(Base):
    """A department's key for its own systems to fetch its reports; only a hash is kept; revocable."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship(lazy="joined")

    def ledger_content(self) -> dict:
        return {"department_id": self.department_id, "name": self.name, "token_hash": self.token_hash,
                "created_by": self.created_by, "revoked": self.revoked_at is not None}
