"""The writer turn: threads of a process and processes sharing a SQLite file take turns without polling."""

import subprocess
import sys
import textwrap
import threading

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from fillonce.core.writer import WRITER

OTHER_PROCESS = textwrap.dedent("""
    import sys
    from pathlib import Path
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session
    from fillonce.core.writer import WRITER

    url, released = sys.argv[1], Path(sys.argv[2])
    with Session(create_engine(url)) as db:
        print("waiting", flush=True)
        with WRITER.of(db):
            print("after release" if released.exists() else "before release", flush=True)
""")


def test_a_process_waits_for_the_writer_turn_another_process_holds(tmp_path):
    url, released = f"sqlite:///{tmp_path / 'shared.db'}", tmp_path / "released"
    with Session(create_engine(url)) as db:
        with WRITER.of(db):
            other = subprocess.Popen([sys.executable, "-c", OTHER_PROCESS, url, str(released)],
                                     stdout=subprocess.PIPE, text=True)
            assert other.stdout.readline().strip() == "waiting"
            threading.Event().wait(0.5)  # let it reach the lock; were it not blocked it would answer now
            released.touch()
        assert other.stdout.readline().strip() == "after release"
        assert other.wait(timeout=30) == 0


def test_threads_take_turns_and_the_turn_is_reentrant(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'threads.db'}")
    order: list[str] = []
    with Session(engine) as db, WRITER.of(db):
        with WRITER.of(db):  # re-entered by the same thread, as nested write services do
            order.append("holder")

        def other() -> None:
            with Session(engine) as mine, WRITER.of(mine):
                order.append("other")

        waiter = threading.Thread(target=other)
        waiter.start()
        waiter.join(timeout=0.3)
        order.append("holder done")
    waiter.join(timeout=30)
    assert order == ["holder", "holder done", "other"]


def test_the_lock_file_lies_beside_the_database_file(tmp_path):
    with Session(create_engine(f"sqlite:///{tmp_path / 'city.db'}")) as db, WRITER.of(db):
        pass
    assert (tmp_path / "city.db-writer.lock").exists()


def test_a_lock_file_that_cannot_be_made_leaves_the_turn_free(tmp_path):
    missing = tmp_path / "no-such-folder" / "city.db"
    with Session(create_engine(f"sqlite:///{missing}")) as db:
        with pytest.raises(FileNotFoundError):
            WRITER.acquire(db)
    done = threading.Event()
    with Session(create_engine(f"sqlite:///{tmp_path / 'city.db'}")) as db:
        threading.Thread(target=lambda: (WRITER.acquire(db), WRITER.release(), done.set())).start()
        assert done.wait(timeout=30)  # another thread gets the turn: nothing was left held
