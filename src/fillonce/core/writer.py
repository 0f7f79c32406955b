"""The database's one writer turn, shared by the write path and the few writes outside it (checkpoints)."""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session


class WriterTurn:
    """One writer at a time, queued on locks rather than in the database: SQLite's busy handler polls
    with sleeps of up to 100 ms, and a writer waiting there holds a pooled connection that readers then
    queue for. Threads of a process queue on a re-entrant lock; processes sharing a SQLite file (the web
    server's workers, the CLI) on an exclusive `flock` of a file beside it, which wakes the next waiter
    as soon as it is released. PostgreSQL queues writers on the ledger head's row lock instead."""

    def __init__(self) -> None:
        self._threads = threading.RLock()
        self._depth = 0
        self._files: dict[str, int] = {}  # lock path -> open descriptor, kept for the process's life
        self._held: int | None = None

    @contextmanager
    def of(self, db: Session) -> Iterator[None]:
        self.acquire(db)
        try:
            yield
        finally:
            self.release()

    def acquire(self, db: Session) -> None:
        self._threads.acquire()
        if self._depth == 0:
            try:
                self._lock_file(db)
            except BaseException:
                self._threads.release()
                raise
        self._depth += 1

    def _lock_file(self, db: Session) -> None:
        path = _lock_path(db)
        if path is None:
            return
        descriptor = self._files.get(path)
        if descriptor is None:
            descriptor = self._files[path] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        self._held = descriptor

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._held is not None:
            fcntl.flock(self._held, fcntl.LOCK_UN)
            self._held = None
        self._threads.release()


def _lock_path(db: Session) -> str | None:
    url = db.get_bind().engine.url
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return f"{url.database}-writer.lock"


WRITER = WriterTurn()
