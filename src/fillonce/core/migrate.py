"""Apply and inspect Alembic migrations programmatically (no alembic.ini needed)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from fillonce.core.errors import DatabaseError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def check_known(engine: Engine) -> str | None:
    """Refuse a database migrated by newer code: its schema may not be what this code writes."""
    revision = current_revision(engine)
    scripts = ScriptDirectory.from_config(_config())
    if revision is not None and not _known(scripts, revision):
        raise DatabaseError(
            f"the database is at migration {revision}, newer than this fillonce ({head_revision()}); "
            "upgrade fillonce before using this database"
        )
    return revision


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    try:
        return scripts.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False


def upgrade(engine: Engine) -> tuple[str | None, str]:
    before = check_known(engine)
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return before, head_revision()


def is_current(engine: Engine) -> bool:
    return check_known(engine) == head_revision()


def make_revision(engine: Engine, message: str) -> None:
    """Developers: autogenerate a migration from the models (`fillonce db revision`)."""
    config = _config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.revision(config, message=message, autogenerate=True)
