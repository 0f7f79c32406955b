"""`fillonce serve --workers N`: each worker process builds the app from the environment on its own."""

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from fillonce.cli import app as cli
from fillonce.core import migrate
from fillonce.core.db import make_engine
from fillonce.web.app import app_from_environment


def test_a_worker_builds_the_app_from_the_environment(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'served.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("FILLONCE_DATABASE_URL", url)
    app = app_from_environment()
    assert str(app.state.runtime.engine.url) == url
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
    app.state.runtime.engine.dispose()


def test_serve_refuses_fewer_than_one_worker():
    result = CliRunner().invoke(cli, ["serve", "--workers", "0"])
    assert result.exit_code != 0 and "--workers" in result.output
