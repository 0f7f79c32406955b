"""Registers (台账): record-level data a department already keeps, one row per person or case.

A register's records are never asked of the grassroots; indicators count them instead. ID numbers and
phones are stored encrypted (readable only by the owning department) beside a keyed hash that finds the
same person across registers without the number itself.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fillonce.accounts.models import Department
from fillonce.core.db import Base, UTCDateTime

# The person fields a column can be mapped to; any other column maps to a catalogue element ("element:CODE").
PERSON_FIELDS = ("id_number", "name", "sex", "birth_date", "address", "org_unit", "status", "phone")
SENSITIVE_FIELDS = ("id_number", "phone")
CHANGES = ("added", "changed", "removed")


class Register(Base):
    """One department's register, with the mapping from its file's column headers to fields."""

    __tablename__ = "register"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"), index=True)
    # Registers sharing a group may not list the same person (e.g. 低保 and 特困供养 are exclusive).
    exclusive_group: Mapped[str] = mapped_column(String(32), default="")
    # [{"header": "身份证号", "field": "id_number" | "element:CODE", "required": true}, ...]
    columns: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship(lazy="joined")

    def ledger_content(self) -> dict:
        return {"code": self.code, "name_zh": self.name_zh, "name_en": self.name_en,
                "department_id": self.department_id, "exclusive_group": self.exclusive_group,
                "columns": self.columns}


class RegisterImport(Base):
    """One load of a register file (or API batch): what it added, changed and removed.

    Its ledger entry carries the counts and a digest over its changes, never a person's data.
    """

    __tablename__ = "register_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("register.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    full: Mapped[bool] = mapped_column(default=True)  # a full re-import removes the records absent from it
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    imported_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    removed: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    changes_digest: Mapped[str] = mapped_column(String(64), default="")
    # A load into an empty register writes no change row for the records it adds: they are its register's
    # records with ids in this range (null: every change has its row). `loading.changes_of` gives both kinds.
    added_from_id: Mapped[int | None] = mapped_column(Integer)
    added_to_id: Mapped[int | None] = mapped_column(Integer)

    def ledger_content(self) -> dict:
        content = {"register_id": self.register_id, "file_name": self.file_name, "file_sha256": self.file_sha256,
                   "full": self.full, "rows": self.rows, "added": self.added, "changed": self.changed,
                   "removed": self.removed, "rejected": self.rejected, "changes_digest": self.changes_digest}
        if self.added_from_id is not None:  # only then: the entries of earlier loads keep their content
            content |= {"added_from_id": self.added_from_id, "added_to_id": self.added_to_id}
        return content


class RegisterRecord(Base):
    """One person (or case) in a register. A removed record stays, so past periods still count it."""

    __tablename__ = "register_record"
    __table_args__ = (
        # One person once per unit; the same person under two units of one register is a finding, not an error.
        # person_key leads, so this one index also finds a person across registers: a second index on the
        # random key would double the cost of every insert. An index, not a table constraint, so that a large
        # load into SQLite can drop it and build it once at the end (`loading.DeferredIndexes`).
        Index("uq_register_record_person_key", "person_key", "register_id", "org_unit_id", unique=True),
        # Every query of records names the register; this one serves those by unit too.
        Index("ix_register_record_register_unit", "register_id", "org_unit_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("register.id"))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    # HMAC-SHA256 of the normalised ID number under the register key: the same person across registers.
    person_key: Mapped[str] = mapped_column(String(64))
    id_number_enc: Mapped[str] = mapped_column(Text)  # AES-GCM, base64
    id_masked: Mapped[str] = mapped_column(String(18))  # 3201**********1234
    name: Mapped[str] = mapped_column(String(100), default="")
    sex: Mapped[str] = mapped_column(String(1), default="")  # M | F | ""
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(400), default="")
    phone_enc: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(40), default="")
    attributes: Mapped[dict] = mapped_column(JSON, default=dict)  # element code -> canonical text
    row_digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical record
    added_on: Mapped[date] = mapped_column(Date)
    removed_on: Mapped[date | None] = mapped_column(Date)
    # The import that last saw this record: a full import removes the ones it did not see, and a row whose
    # record this import already saw is the same person twice in the file.
    last_import_id: Mapped[int | None] = mapped_column(ForeignKey("register_import.id"))


class RegisterChange(Base):
    """One record's change in one import (except the adds of a load into an empty register: see
    `RegisterImport.added_from_id`); the import's digest covers its changes in order."""

    __tablename__ = "register_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("register_import.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("register_record.id"), index=True)
    change: Mapped[str] = mapped_column(String(8))
    digest_before: Mapped[str] = mapped_column(String(64), default="")
    digest_after: Mapped[str] = mapped_column(String(64), default="")
