"""A real browser (Debian's chromium, driven by Playwright) against a live server on loopback.

Without chromium these tests skip and say why; with FILLONCE_REQUIRE_BROWSER=1 (CI) that is a failure.
Screenshots of every journey are kept under test-artifacts/screenshots/.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from databases import fresh_database_url

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRE = os.environ.get("FILLONCE_REQUIRE_BROWSER", "") in {"1", "true", "yes"}
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        message = f"chromium not found at {CHROMIUM}; `apt-get install chromium` (./setup does it as root)"
        if REQUIRE:
            pytest.fail(message)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(database_kind, tmp_path_factory):
    """The app on a free loopback port over its own database, with the story city and a published spec."""
    from fillonce.core import migrate
    from fillonce.core.config import load_settings
    from fillonce.core.db import make_engine, make_session_factory
    from fillonce.core.runtime import Runtime
    from fillonce.web.app import create_app
    from spec_stories import add_population, civil_monthly, publish
    from stories import build_story

    url, drop = fresh_database_url(database_kind, tmp_path_factory.mktemp("live"))
    engine = make_engine(url)
    migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    with sessions() as db:
        story = add_population(build_story(db))
        publish(story, civil_monthly(), story.erin)
    server = uvicorn.Server(uvicorn.Config(create_app(Runtime(load_settings(), engine, sessions)),
                                           host="127.0.0.1", port=_free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}"
    server.should_exit = True
    thread.join(timeout=10)
    engine.dispose()
    drop()


@pytest.fixture
def shot(database_kind, request):
    """`shot(page, "step")` keeps a screenshot of the journey at that step."""
    folder = SHOTS / database_kind
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, step: str) -> None:
        page.screenshot(path=str(folder / f"{request.node.originalname}-{step}.png"), full_page=True)

    return take
