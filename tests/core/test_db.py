"""The database layer: clear refusals for bad URLs, unreachable servers and schemas from the future."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, StatementError

from fillonce.accounts.models import Account, SignInFailure
from fillonce.core import migrate
from fillonce.core.config import load_settings
from fillonce.core.db import check_connection, make_engine, utcnow
from fillonce.core.errors import DatabaseError
from fillonce.core.runtime import open_runtime


def closed_port() -> int:
    """A port nothing listens on: bound once by us, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def newer_database(path) -> str:
    """A SQLite file that claims a migration this code has never heard of."""
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) PRIMARY KEY)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('9999_from_the_future')"))
    engine.dispose()
    return url


@pytest.mark.parametrize("url,message", [
    ("not a url", "FILLONCE_DATABASE_URL is not a database URL: 'not a url'"),
    ("mysql://root@localhost/fillonce", "unsupported database driver 'mysql'"),
    ("postgresql+psycopg2://u@h/d", "unsupported database driver 'postgresql+psycopg2'"),
])
def test_a_malformed_or_unsupported_url_is_named(url, message):
    with pytest.raises(DatabaseError, match=message.replace("+", r"\+")):
        make_engine(url)


def test_an_unreachable_server_is_one_clear_message_without_the_password():
    url = f"postgresql+psycopg://fillonce:s3cret-pw@127.0.0.1:{closed_port()}/fillonce?connect_timeout=3"
    engine = make_engine(url)
    with pytest.raises(DatabaseError, match="cannot reach the database") as caught:
        check_connection(engine)
    assert "s3cret-pw" not in str(caught.value) and "\n" not in str(caught.value)


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    engine.dispose()


def test_a_database_from_newer_code_is_refused(tmp_path):
    engine = make_engine(newer_database(tmp_path / "newer.db"))
    with pytest.raises(DatabaseError, match="the database is at migration 9999_from_the_future, newer than"):
        migrate.check_known(engine)
    with pytest.raises(DatabaseError, match="upgrade fillonce"):
        migrate.upgrade(engine)
    assert migrate.current_revision(engine) == "9999_from_the_future"  # untouched
    engine.dispose()


def test_an_unmigrated_database_asks_for_an_upgrade(tmp_path, monkeypatch):
    monkeypatch.setenv("FILLONCE_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    with pytest.raises(DatabaseError, match="fillonce db upgrade"):
        open_runtime(load_settings())
    runtime = open_runtime(load_settings(), upgrade=True)
    assert migrate.is_current(runtime.engine)
    runtime.engine.dispose()


# ---- on both databases ---------------------------------------------------------------------------

def test_the_test_database_is_at_the_head_migration(migrated_engine):
    assert migrate.current_revision(migrated_engine) == migrate.head_revision()
    assert migrate.is_current(migrated_engine)
    assert migrate.upgrade(migrated_engine) == (migrate.head_revision(), migrate.head_revision())  # idempotent


def test_foreign_keys_are_enforced(db):
    db.add(Account(username="ghost", display_name="Ghost", password_hash="x", role="reporter", org_unit_id=987654,
                   created_at=utcnow()))
    with pytest.raises(IntegrityError):
        db.flush()
    db.rollback()


def test_timestamps_come_back_as_aware_utc(db):
    beijing = timezone(timedelta(hours=8))
    db.add(SignInFailure(username="alice", address="10.0.0.1", at=datetime(2026, 3, 1, 9, 30, tzinfo=beijing)))
    db.flush()
    db.expire_all()
    stored = db.scalar(select(SignInFailure.at).where(SignInFailure.username == "alice"))
    assert stored == datetime(2026, 3, 1, 1, 30, tzinfo=timezone.utc) and stored.utcoffset() == timedelta(0)
    db.add(SignInFailure(username="bob", address="10.0.0.1", at=datetime(2026, 3, 1, 9, 30)))
    with pytest.raises(StatementError, match="naive datetime"):
        db.flush()
    db.rollback()
    assert db.scalar(select(func.count()).select_from(SignInFailure)) == 0
