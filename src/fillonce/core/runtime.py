"""What a process needs to work: settings, an engine on a migrated database, a session factory, keys."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from fillonce.core import migrate
from fillonce.core.config import Settings, load_settings
from fillonce.core.db import check_connection, make_engine, make_session_factory
from fillonce.core.errors import DatabaseError
from fillonce.ledger import keys


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]

    def session(self) -> Session:
        return self.sessions()


def open_runtime(settings: Settings | None = None, upgrade: bool = False) -> Runtime:
    """Connect, then migrate (`upgrade=True`) or insist that the schema is current."""
    settings = settings or load_settings()
    engine = make_engine(settings.database_url)
    check_connection(engine)
    if upgrade:
        migrate.upgrade(engine)
    elif not migrate.is_current(engine):
        raise DatabaseError("the database schema is not current; run `fillonce db upgrade`")
    keys.ensure_keys(settings)
    return Runtime(settings, engine, make_session_factory(engine))
