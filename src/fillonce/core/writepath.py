"""The one write path.

Every change of state is a service function decorated with `@write_service`. Inside it the function
checks permission (`authorize`), validates, changes rows, and calls `ledger.record()` for each object
it changed. On the way out the decorator writes the queued ledger entries and commits, all in one
database transaction; any error rolls the whole change back. A guard refuses a commit in which a
ledgered row changed without a ledger record, so a change without its entry cannot reach the database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

from fillonce.core.config import load_settings
from fillonce.core.errors import FillonceError
from fillonce.core.writer import WRITER
from fillonce.ledger import keys, log
from fillonce.ledger import service as ledger

P = ParamSpec("P")
R = TypeVar("R")
DEPTH = "write_depth"
CHANGED = "ledgered_changes"


class UnrecordedChange(FillonceError):
    """A ledgered row changed without its ledger entry: a bug in a service, refused at commit."""


def write_service(fn: Callable[P, R]) -> Callable[P, R]:
    """Run a service in one transaction that commits the change with its ledger entries."""

    @functools.wraps(fn)
    def run(db: Session, *args: P.args, **kwargs: P.kwargs) -> R:
        depth = db.info.get(DEPTH, 0)
        if depth == 0:
            db.commit()  # end any read-only transaction, so the write lock is taken first
            WRITER.acquire(db)
            try:
                log.lock_head(db)
            except BaseException:
                WRITER.release()
                raise
        db.info[DEPTH] = depth + 1
        try:
            result = fn(db, *args, **kwargs)
            if depth == 0:
                settings = load_settings()
                written = log.flush_pending(db, keys.salt(settings))
                if db.info.pop(log.SIGN_HEAD, False) and written:  # asked, and there is something new to sign
                    ledger.sign_head(db, settings, log.current_size(db))
                db.commit()
            return result
        except BaseException:
            if depth == 0:
                log.discard_pending(db)
                db.info.pop(log.SIGN_HEAD, None)
                db.info.pop(CHANGED, None)
                db.rollback()
            raise
        finally:
            db.info[DEPTH] = depth
            if depth == 0:
                WRITER.release()

    return run


def changed_anything(db: Session) -> bool:
    """Whether this transaction has changed ledgered rows (flushed or not) or queued ledger entries: what
    it reads may then differ from what other sessions see."""
    return bool(db.info.get(CHANGED) or db.info.get(log.PENDING) or db.new or db.dirty or db.deleted)


def _is_ledgered(instance) -> bool:
    return hasattr(instance, "ledger_content")


@event.listens_for(Session, "before_flush")
def _remember_changes(session: Session, _flush_context, _instances) -> None:
    changed = session.info.setdefault(CHANGED, [])
    changed.extend(o for o in session.new if _is_ledgered(o))
    changed.extend(o for o in session.deleted if _is_ledgered(o))
    changed.extend(o for o in session.dirty if _is_ledgered(o) and session.is_modified(o))


@event.listens_for(Session, "after_begin")
def _reset_changes(session: Session, _transaction, _connection) -> None:
    session.info.pop(CHANGED, None)
    session.info.pop(log.WRITTEN, None)


@event.listens_for(Session, "before_commit")
def _refuse_unrecorded(session: Session) -> None:
    session.flush()  # commit() fires this event before its own flush: see every pending change now
    changed = session.info.pop(CHANGED, [])
    if not changed:
        return
    recorded = session.info.get(log.WRITTEN, set())
    missing = {(log.object_type_of(o), str(o.id)) for o in changed} - recorded
    if missing:
        raise UnrecordedChange(f"change without a ledger entry refused: {sorted(missing)[:5]}")
