"""Maintainers: print the Alembic operations that bring a migrated database up to the models.

    python tools/migration_ops.py     # paste the output into a migration's upgrade()/downgrade()

`fillonce db revision` writes a whole new file; this prints only the operations, for filling a
revision that already exists.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext

from fillonce.core import migrate, models
from fillonce.core.db import make_engine


def _render(ops) -> str:
    lines = render_python_code(ops).replace(
        "fillonce.core.db.UTCDateTime(timezone=True)", "sa.DateTime(timezone=True)").splitlines()
    return "\n".join(line for line in lines if not line.strip().startswith("# ###"))


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        engine = make_engine(f"sqlite:///{Path(scratch) / 'schema.db'}")
        migrate.upgrade(engine)
        with engine.connect() as connection:
            diff = produce_migrations(MigrationContext.configure(connection), models.metadata)
        engine.dispose()
    print("def upgrade() -> None:\n" + _render(diff.upgrade_ops))
    print("\n\ndef downgrade() -> None:\n" + _render(diff.downgrade_ops))


if __name__ == "__main__":
    main()
