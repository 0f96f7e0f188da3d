"""Helpers for the dashboard tests: users, logging in, CSRF tokens, rows, query counting."""

from __future__ import annotations

import datetime as dt
import re

from flask.testing import FlaskClient
from playhouse.test_utils import count_queries

from models import (
    ALL_MODELS,
    ExecutionAttempt,
    ExecutionEvent,
    Feed,
    FeedExecution,
    Integration,
    Order,
    OrderExecution,
    OrderLine,
    Role,
    User,
    utcnow,
)

PASSWORD = "correct-horse-battery"
API_KEY = "k-secret-123"
MIRAKL_VALUES = {
    "hostname": "http://127.0.0.1:9/mirakl",
    "shop_id": "1",
    "api_key": API_KEY,
    "email_errors_to": "ops@example.com",
}
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def make_user(username: str, role: Role, password: str = PASSWORD, active: bool = True) -> User:
    user = User(username=username, role=role.value, active=active)
    user.set_password(password)
    user.save()
    return user


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


def login(client: FlaskClient, username: str, password: str = PASSWORD):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )


def page_csrf(client: FlaskClient) -> str:
    """A token for the logged-in session (every admin page carries one in its logout form)."""
    return csrf_from(client.get("/admin/").get_data(as_text=True))


def snapshot(*models) -> dict[str, list[tuple]]:
    """Every row of the given tables (all of them by default), to compare before and after."""
    return {
        model._meta.table_name: list(
            model.select().order_by(model._meta.primary_key).tuples().execute()
        )
        for model in models or ALL_MODELS
    }


def logged_in_client(app, username: str) -> FlaskClient:
    """A client of its own (own cookies) with `username` logged in."""
    client = app.test_client()
    assert login(client, username).status_code == 302, f"{username} could not log in"
    return client


def make_execution(feed: Feed, **fields) -> FeedExecution:
    now = utcnow()
    values = {
        "feed": feed.id,
        "integration": feed.integration_id,
        "kind": feed.kind,
        "status": "succeeded",
        "queued_at": now,
        "started_at": now,
        "finished_at": now + dt.timedelta(seconds=3),
        "attempt": 1,
        **fields,
    }
    return FeedExecution.create(**values)


def make_event(execution: FeedExecution, severity: str = "error", **fields) -> ExecutionEvent:
    values = {
        "execution": execution.id,
        "integration": execution.integration_id,
        "severity": severity,
        "code": "missing_sku",
        "message": "SKU ABC-1 has no mapping",
        "fingerprint": "fp",
        **fields,
    }
    return ExecutionEvent.create(**values)


def make_attempt(execution: FeedExecution, number: int = 1, **fields) -> ExecutionAttempt:
    return ExecutionAttempt.create(execution=execution.id, number=number, **fields)


def make_order(integration: Integration, channel_order_id: str = "ORDER-1", **fields) -> Order:
    return Order.create(integration=integration.id, channel_order_id=channel_order_id, **fields)


def make_line(order: Order, number: int = 1, **fields) -> OrderLine:
    values = {
        "order": order.id,
        "line_number": number,
        "channel_sku": f"CH-{number}",
        "sku": f"SKU-{number}",
        "name": f"Mug {number}",
        "quantity": 1,
        **fields,
    }
    return OrderLine.create(**values)


def touch(order: Order, execution: FeedExecution, action: str = "created") -> OrderExecution:
    return OrderExecution.create(order=order.id, execution=execution.id, action=action)


class QueryCount:
    """Statements peewee ran inside the block (SELECTs included), with their SQL."""

    def __init__(self) -> None:
        self._counter = count_queries()
        self.statements: list[str] = []

    def __enter__(self) -> QueryCount:
        self._counter.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._counter.__exit__(*exc)
        self.statements = [record.msg[0] for record in self._counter.get_queries()]

    @property
    def count(self) -> int:
        return len(self.statements)
