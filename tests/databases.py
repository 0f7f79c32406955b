"""Fresh, empty databases for tests that need their own (a live server, a killed writer, a large log).

PostgreSQL tests skip with a reason when no server answers, unless FILLONCE_REQUIRE_POSTGRES=1 (CI),
where an unreachable server is a failure.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

POSTGRES_URL = os.environ.get("FILLONCE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_POSTGRES = os.environ.get("FILLONCE_REQUIRE_POSTGRES", "") in {"1", "true", "yes"}


def _postgres_schema_url(schema: str) -> str:
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"


def _reach_postgres():
    from fillonce.core.db import check_connection, make_engine
    from fillonce.core.errors import DatabaseError

    engine = make_engine(POSTGRES_URL)
    try:
        check_connection(engine)
    except DatabaseError as exc:
        engine.dispose()
        if REQUIRE_POSTGRES:
            pytest.fail(f"FILLONCE_REQUIRE_POSTGRES is set but PostgreSQL is unreachable: {exc}")
        pytest.skip(f"PostgreSQL not reachable at {POSTGRES_URL} ({exc}); set FILLONCE_TEST_POSTGRES_URL")
    return engine


def fresh_database_url(kind: str, tmp_dir: Path) -> tuple[str, callable]:
    """A new empty database of `kind` and a function that removes it."""
    if kind == "sqlite":
        path = tmp_dir / f"fillonce-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{path}", lambda: None
    admin = _reach_postgres()
    schema = f"fo_test_{uuid.uuid4().hex[:12]}"
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return _postgres_schema_url(schema), drop
