from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from fillonce.core.db import Base, UTCDateTime


class LedgerHead(Base):
    """One row holding the log's size; locking it serialises appends so indexes stay contiguous."""

    __tablename__ = "ledger_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)


class LedgerTypeStamp(Base):
    """A random stamp per object type, drawn anew by every append with an entry of that type: a process
    tells in one small read whether anything of a kind (specs, the catalogue, registers…) changed since
    it cached it. Random, not the entry's index, so that a rolled-back change never leaves a stamp that
    a later, different change could repeat."""

    __tablename__ = "ledger_type_stamp"

    object_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    stamp: Mapped[int] = mapped_column(BigInteger)


class LedgerEntry(Base):
    __tablename__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entry_object", "object_type", "object_id", "idx"),)

    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32))  # level 0 of the tree
    body: Mapped[bytes] = mapped_column(LargeBinary)  # canonical JSON, the exact bytes hashed into the leaf
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60))
    # Who and when live only in the body: the hashed bytes are the single source of every fact.

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class LedgerNode(Base):
    """Hash of a complete subtree at every BAND-th level above the leaves; key = level << 48 | index."""

    __tablename__ = "ledger_node"

    key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class Checkpoint(Base):
    __tablename__ = "ledger_checkpoint"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, index=True)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)  # the signed checkpoint note, as published
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Cosignature(Base):
    __tablename__ = "ledger_cosignature"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("ledger_checkpoint.id", ondelete="CASCADE"), index=True)
    witness: Mapped[str] = mapped_column(String(200))
    line: Mapped[str] = mapped_column(Text)  # the cosignature line the witness returned
    at: Mapped[datetime] = mapped_column(UTCDateTime)
