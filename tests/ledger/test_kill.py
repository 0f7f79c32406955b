"""A process killed (SIGKILL) in the middle of a bulk write: each change has its entry or is absent."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from sqlalchemy import func, select

from databases import fresh_database_url
from fillonce.core import migrate
from fillonce.core.config import load_settings
from fillonce.core.db import make_engine, make_session_factory
from fillonce.ledger import log
from fillonce.ledger.verify import verify
from fillonce.orgunits.models import OrgUnit

WRITER = textwrap.dedent("""
    import sys
    from fillonce.accounts.system import INSTALLER
    from fillonce.core.db import make_engine, make_session_factory
    from fillonce.orgunits import service as orgunits

    db = make_session_factory(make_engine(sys.argv[1]))()
    orgunits.create(db, INSTALLER, orgunits.OrgUnitInput("ROOT", "根"))
    print("ready", flush=True)
    for batch in range(10_000):
        orgunits.bulk_import(db, INSTALLER, [orgunits.OrgUnitInput(f"U{batch}_{i}", "单位", "ROOT")
                                             for i in range(200)])
""")


@pytest.mark.slow
def test_sigkill_mid_bulk_write_leaves_a_verifiable_ledger(database_kind, tmp_path):
    url, drop = fresh_database_url(database_kind, tmp_path)
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        writer = subprocess.Popen([sys.executable, "-c", WRITER, url], stdout=subprocess.PIPE, env=os.environ)
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(1.5)  # in the middle of the bulk writes
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        with make_session_factory(engine)() as db:
            units = db.scalar(select(func.count()).select_from(OrgUnit))
            assert units > 1 and (units - 1) % 200 == 0  # whole batches only
            assert log.current_size(db) == units
            report = verify(db, load_settings())
            assert report.ok, report.problems
    finally:
        engine.dispose()
        drop()
