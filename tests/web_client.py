"""A browser on the web app, inside the test's transaction, with the story's people ready to sign in.

A pytest plugin (see tests/conftest.py), so every domain's route tests can use it."""

from __future__ import annotations

import re

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from fillonce.accounts import service as accounts
from fillonce.core.config import load_settings
from fillonce.core.runtime import Runtime
from fillonce.web.app import create_app
from stories import PASSWORD

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def fast_hashing(monkeypatch):
    """Argon2 at its cheapest: every sign-in still verifies a real argon2id hash."""
    monkeypatch.setattr(accounts, "HASHER", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def client(story, connection, sessions, fast_hashing):
    runtime = Runtime(settings=load_settings(), engine=connection.engine, sessions=sessions)
    # Not entered as a context manager: the background checkpoint task would share the test's connection.
    return TestClient(create_app(runtime), follow_redirects=False)


def csrf_of(page) -> str:
    """The CSRF token a page's forms carry."""
    found = CSRF_FIELD.search(page.text)
    assert found, f"no csrf_token field in {page.request.url}"
    return found.group(1)


@pytest.fixture
def sign_in(client):
    """Sign in as a story person through the form; returns the token the signed-in pages carry."""

    def sign_in_as(name: str, password: str = PASSWORD) -> str:
        form = client.get("/signin")
        response = client.post("/signin", data={"csrf_token": csrf_of(form), "username": name,
                                                "password": password, "next": "/"})
        assert response.status_code == 303, response.text
        return csrf_of(client.get("/"))

    return sign_in_as


@pytest.fixture
def csrf():
    """`csrf(page)`: the token in a page's forms."""
    return csrf_of
