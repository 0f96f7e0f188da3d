"""Dashboard fixtures: the app on the test's SQLite database, users, a logged-in client, rows.

CSRF stays on in these tests: every POST carries the token a real page rendered.
Helpers shared by the test modules live in `dash_support.py`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash_support import MIRAKL_VALUES, login, make_user
from flask import Flask
from flask.testing import FlaskClient

from dashboard.app import create_app
from models import Feed, Integration, Role, User
from workers.provisioning import create_integration


@pytest.fixture
def app(db) -> Flask:
    return create_app({"BIND_DATABASE": False, "SECRET_KEY": "test-secret", "TESTING": True})


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def admin_user(db) -> User:
    return make_user("alice", Role.ADMIN)


@pytest.fixture
def ops_user(db) -> User:
    return make_user("oscar", Role.OPS)


@pytest.fixture
def ops_client(client, ops_user) -> FlaskClient:
    assert login(client, "oscar").status_code == 302
    return client


@pytest.fixture
def admin_client(client, admin_user) -> FlaskClient:
    assert login(client, "alice").status_code == 302
    return client


@pytest.fixture
def integration(db) -> Integration:
    return create_integration("mirakl", "Shop", MIRAKL_VALUES)


@pytest.fixture
def feed(integration) -> Feed:
    return Feed.get((Feed.integration == integration.id) & (Feed.kind == "import_new_orders"))


@pytest.fixture
def stub_broker() -> Iterator:
    """The session's StubBroker (installed by tests/conftest.py), emptied after the test."""
    from workers.broker import get_broker

    broker = get_broker()
    yield broker
    for queue in list(broker.queues):
        broker.flush(queue)
