"""Every test runs on SQLite and on PostgreSQL, each test inside a transaction that is rolled back.

PostgreSQL tests skip with a reason when no server answers, unless FILLONCE_REQUIRE_POSTGRES=1 (CI),
where an unreachable server is a failure.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from databases import fresh_database_url

pytest_plugins = ["web_client"]

DATABASES = [d.strip() for d in os.environ.get("FILLONCE_TEST_DATABASES", "sqlite,postgresql").split(",") if d.strip()]
KEY_DIR = Path(tempfile.mkdtemp(prefix="fillonce-test-keys-"))


def pytest_configure(config):
    # Tests never touch a developer's own keys or database.
    os.environ["FILLONCE_LEDGER_KEY_DIR"] = str(KEY_DIR)
    os.environ.pop("FILLONCE_LEDGER_KEY", None)
    os.environ.pop("FILLONCE_LEDGER_SALT", None)
    os.environ["FILLONCE_DATABASE_URL"] = f"sqlite:///{KEY_DIR / 'unused.db'}"
    from fillonce.core.config import load_settings
    from fillonce.ledger import keys

    keys.ensure_keys(load_settings())


FIXED_NOW = datetime(2026, 11, 26, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="session", autouse=True)
def fixed_now():
    """Every test runs on 26 November 2026, so that reporting deadlines do not move under the tests."""
    from fillonce.core.db import replaying

    with replaying(FIXED_NOW):
        yield FIXED_NOW


@pytest.fixture(scope="session", params=[d for d in ("sqlite", "postgresql") if d in DATABASES])
def database_kind(request) -> str:
    return request.param


@pytest.fixture(scope="session")
def migrated_engine(database_kind, tmp_path_factory):
    from fillonce.core import migrate
    from fillonce.core.db import make_engine

    url, drop = fresh_database_url(database_kind, tmp_path_factory.mktemp(database_kind))
    engine = make_engine(url)
    migrate.upgrade(engine)
    yield engine
    engine.dispose()
    drop()


@pytest.fixture
def connection(migrated_engine):
    """One connection per test with an outer transaction rolled back at the end: no state leaks."""
    with migrated_engine.connect() as connection:
        outer = connection.begin()
        yield connection
        outer.rollback()


@pytest.fixture
def sessions(connection) -> sessionmaker[Session]:
    # Commits inside services release a savepoint; the outer transaction still rolls everything back.
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(sessions) -> Session:
    with sessions() as session:
        yield session


@pytest.fixture
def story(db):
    from stories import build_story

    return build_story(db)


@pytest.fixture
def city(story):
    """The story's city with 户籍人口 in the catalogue, ready for specs."""
    from spec_stories import add_population

    return add_population(story)
