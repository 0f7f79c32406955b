"""`fillonce feedback list / overdue` and `fillonce burden` read through the services, as the account named.

They make their own SQLite file, so they run once, not once per database kind."""

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from fillonce.cli import app
from fillonce.core import migrate
from fillonce.core.db import make_engine, replaying
from fillonce.feedback import service as feedback
from spec_stories import add_population, civil_monthly, publish
from stories import build_story

runner = CliRunner()


@pytest.fixture
def database(tmp_path, monkeypatch, fixed_now):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("FILLONCE_DATABASE_URL", url)
    engine = make_engine(url)
    migrate.upgrade(engine)
    with Session(engine, expire_on_commit=False) as db:
        story = add_population(build_story(db))
        spec = publish(story, civil_monthly(), story.erin)
        with replaying(fixed_now - timedelta(days=14)):
            late = feedback.raise_feedback(db, story.alice, "deadline", "deadline", "期限太短。", spec_id=spec.id,
                                           hide=True)
        feedback.raise_feedback(db, story.alice, "spec", "frequent", "太频繁。", spec_id=spec.id)
    engine.dispose()
    return late.id


def run(*args: str):
    result = runner.invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_the_office_lists_overdue_feedback_with_its_sender(database):
    result = run("feedback", "overdue", "--as", "heidi")
    assert result.exit_code == 0 and "超期 overdue (1)" in result.stdout and "Alice" in result.stdout


def test_the_department_lists_its_feedback_without_a_hidden_sender(database):
    result = run("feedback", "list", "--as", "erin")
    assert result.exit_code == 0 and "反馈 feedback (2)" in result.stdout
    assert "已隐藏身份" in result.stdout and result.stdout.count("Alice") == 1


def test_a_reporter_may_not_list_the_overdue(database):
    result = run("feedback", "overdue", "--as", "alice")
    assert result.exit_code == 1 and "alice may not feedback.oversee" in result.stderr


def test_burden_by_month_for_a_village(database):
    result = run("burden", "--unit", "V1", "--months", "2", "--as", "alice")
    assert result.exit_code == 0 and "202611" in result.stdout and "合计 total" in result.stdout
    refused = run("burden", "--unit", "V3", "--as", "alice")
    assert refused.exit_code == 1
