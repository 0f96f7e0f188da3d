"""Every dashboard form refuses bad values with a message and changes nothing.

Each case posts what a person (or a script) could send, then checks that the page
says what is wrong (next to the field, or as a flash) and that a snapshot of the
tables the form writes is the same as before. The integration forms, for every
channel, are in test_form_validation_integrations.py.
"""

from __future__ import annotations

import re

import pytest
from dash_support import csrf_from, login, make_event, make_execution, page_csrf, snapshot
from form_checks import field_error, flashes

from models import AuditLog, ExecutionEvent, Feed, FeedExecution, User

EXECUTION_TABLES = (FeedExecution, ExecutionEvent, AuditLog)


# -- login -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("username", "password", "field", "message"),
    [
        ("", "whatever-password", "username", "This field is required."),
        ("oscar", "", "password", "This field is required."),
        ("o" * 81, "whatever-password", "username", "Field cannot be longer than 80 characters."),
        ("oscar", "p" * 201, "password", "Field cannot be longer than 200 characters."),
    ],
)
def test_login_form_refuses_bad_values(client, ops_user, username, password, field, message):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    before = snapshot(User)

    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(rf'name="{field}"[^>]*>\s*<div class="invalid-feedback">{message}<', html)
    assert snapshot(User) == before
    assert client.get("/admin/").status_code == 302


def test_login_with_a_wrong_password_says_so_and_changes_no_user(client, ops_user):
    before = snapshot(User)

    response = login(client, "oscar", "not-the-password")

    assert 'id="login-error">Wrong username or password.<' in response.get_data(as_text=True)
    assert snapshot(User) == before


# -- feeds -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"schedule_cron": "every day"}, "schedule_cron", None),
        ({"schedule_cron": "61 * * * *"}, "schedule_cron", None),
        ({"peak_schedule_cron": "0 25 * * *"}, "peak_schedule_cron", None),
        (
            {"schedule_cron": "", "interval_seconds": "5"},
            "interval_seconds",
            "The interval must be at least 10 seconds.",
        ),
        (
            {"schedule_cron": "", "interval_seconds": "-60"},
            "interval_seconds",
            "The interval must be at least 10 seconds.",
        ),
        ({"schedule_cron": "", "interval_seconds": "soon"}, "interval_seconds", None),
        ({"schedule_cron": "", "interval_seconds": "9" * 30}, "interval_seconds", "at most"),
        (
            {"schedule_cron": "*/5 * * * *", "interval_seconds": "60"},
            "interval_seconds",
            "Give a cron schedule or an interval, not both.",
        ),
        (
            {"schedule_cron": "", "interval_seconds": ""},
            "schedule_cron",
            "Give either a cron expression or an interval in seconds.",
        ),
    ],
)
def test_feed_schedule_edit_refuses_bad_values(admin_client, feed, fields, field, message):
    data = {"csrf_token": page_csrf(admin_client), "enabled": "y", "schedule_cron": "*/5 * * * *"}
    data.update(fields)
    before = snapshot(Feed, AuditLog)

    response = admin_client.post(f"/admin/feed/edit/?id={feed.id}", data=data)

    errors = field_error(response.get_data(as_text=True), field)
    assert response.status_code == 200
    assert errors, f"no message next to {field}"
    if message:
        assert any(message in e for e in errors), errors
    assert snapshot(Feed, AuditLog) == before


@pytest.mark.parametrize("value", ["", "yes", "2", "true"])
def test_the_feed_switch_refuses_anything_but_0_or_1(admin_client, feed, value):
    before = snapshot(Feed, AuditLog)

    response = admin_client.post(
        f"/admin/feed/enabled/{feed.id}/",
        data={"csrf_token": page_csrf(admin_client), "enabled": value},
        follow_redirects=True,
    )

    assert "enabled must be 1 (enable) or 0 (disable)" in flashes(response.get_data(as_text=True))
    assert snapshot(Feed, AuditLog) == before


# -- users -------------------------------------------------------------------------------------
def user_form(client, **fields) -> dict:
    data = {
        "csrf_token": page_csrf(client),
        "username": "bob",
        "role": "ops",
        "active": "y",
        "password": "long-enough-pw",
    }
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"password": "short"}, "password", "Field must be between 10 and 200 characters long."),
        ({"password": ""}, "password", "This field is required."),
        ({"username": "oscar"}, "username", "This username is taken."),
        ({"username": "bob smith!"}, "username", "Letters, digits and . @ + - _ only."),
        ({"username": ""}, "username", "This field is required."),
        ({"role": "root"}, "role", "Not a valid choice."),
    ],
)
def test_user_create_refuses_bad_values(admin_client, ops_user, fields, field, message):
    before = snapshot(User, AuditLog)

    response = admin_client.post("/admin/user/new/", data=user_form(admin_client, **fields))

    assert response.status_code == 200
    assert message in field_error(response.get_data(as_text=True), field)
    assert snapshot(User, AuditLog) == before


@pytest.mark.parametrize(
    ("target", "fields", "message"),
    [
        ("oscar", {"username": "oscar", "password": "short"}, "between 10 and 200 characters"),
        ("oscar", {"username": "alice", "password": ""}, "This username is taken."),
        ("oscar", {"username": "oscar", "role": "root", "password": ""}, "Not a valid choice."),
        (
            "alice",
            {"username": "alice", "role": "ops", "password": ""},
            "You cannot demote or deactivate your own account.",
        ),
        (
            "alice",
            {"username": "alice", "role": "admin", "active": "", "password": ""},
            "You cannot demote or deactivate your own account.",
        ),
    ],
)
def test_user_edit_refuses_bad_values(admin_client, admin_user, ops_user, target, fields, message):
    user = User.get(User.username == target)
    data = user_form(admin_client, **fields)
    if not data["active"]:
        data.pop("active")
    before = snapshot(User, AuditLog)

    response = admin_client.post(f"/admin/user/edit/?id={user.id}", data=data)

    html = response.get_data(as_text=True)
    assert response.status_code == 200
    next_to_fields = [e for name in fields for e in field_error(html, name)]
    assert message in flashes(html) or any(message in e for e in next_to_fields)
    assert snapshot(User, AuditLog) == before


def test_an_admin_cannot_delete_their_own_account(admin_client, admin_user):
    before = snapshot(User, AuditLog)

    response = admin_client.post(
        "/admin/user/delete/",
        data={"csrf_token": page_csrf(admin_client), "id": str(admin_user.id)},
        follow_redirects=True,
    )

    assert "You cannot delete your own account." in flashes(response.get_data(as_text=True))
    assert snapshot(User, AuditLog) == before


# -- execution actions that do not apply --------------------------------------------------------
@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        ("succeeded", "retry", "only failed, lost, partial or retrying executions can be retried"),
        ("running", "retry", "only failed, lost, partial or retrying executions can be retried"),
        ("succeeded", "give-up", "only queued, retrying or lost executions can be given up"),
        ("failed", "give-up", "only queued, retrying or lost executions can be given up"),
        ("succeeded", "resolve", "has no unresolved error: nothing changed"),
    ],
)
def test_an_execution_action_that_does_not_apply_changes_nothing(
    ops_client, feed, stub_broker, status, action, message
):
    execution = make_execution(feed, status=status)
    make_event(execution, "info")
    before = snapshot(*EXECUTION_TABLES)

    response = ops_client.post(
        f"/admin/feedexecution/{action}/{execution.id}/",
        data={"csrf_token": page_csrf(ops_client)},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert message in flashes(response.get_data(as_text=True))
    assert snapshot(*EXECUTION_TABLES) == before
    assert not stub_broker.queues or all(q.qsize() == 0 for q in stub_broker.queues.values())


def test_retry_while_the_feed_runs_already_changes_nothing(ops_client, feed, stub_broker):
    failed = make_execution(feed, status="failed")
    running = make_execution(feed, status="running")
    before = snapshot(*EXECUTION_TABLES)

    response = ops_client.post(
        f"/admin/feedexecution/retry/{failed.id}/",
        data={"csrf_token": page_csrf(ops_client)},
        follow_redirects=True,
    )

    html = response.get_data(as_text=True)
    assert f"already has execution #{running.id} running" in flashes(html)
    assert snapshot(*EXECUTION_TABLES) == before


@pytest.mark.parametrize(
    ("severity", "exists", "message"),
    [
        ("info", True, "is info, not an error"),
        ("retry", True, "is retry, not an error"),
        ("error", False, "does not exist"),
    ],
)
def test_resolving_an_event_that_is_not_an_open_error_changes_nothing(
    ops_client, feed, severity, exists, message
):
    event = make_event(make_execution(feed), severity)
    event_id = event.id if exists else event.id + 100
    before = snapshot(*EXECUTION_TABLES)

    response = ops_client.post(
        f"/admin/executionevent/resolve/{event_id}/",
        data={"csrf_token": page_csrf(ops_client)},
        follow_redirects=True,
    )

    assert message in flashes(response.get_data(as_text=True))
    assert snapshot(*EXECUTION_TABLES) == before


@pytest.mark.parametrize("action", ["retry", "give-up", "resolve"])
def test_an_action_on_a_missing_execution_says_so(ops_client, db, stub_broker, action):
    before = snapshot()

    response = ops_client.post(
        f"/admin/feedexecution/{action}/4242/",
        data={"csrf_token": page_csrf(ops_client)},
        follow_redirects=True,
    )

    html = flashes(response.get_data(as_text=True))
    assert "no execution with id 4242" in html or "#4242 does not exist" in html
    assert snapshot() == before
