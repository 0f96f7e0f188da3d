"""The login rate limit: 5 failures per username and per client address in 15 minutes, then 429.

The failures live in the database, so two app instances (two gunicorn processes)
share them; the same tests run on PostgreSQL, where the production processes meet.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from dash_support import PASSWORD, csrf_from, make_user
from freezegun import freeze_time

from dashboard.app import create_app
from dashboard.login_limit import LoginLimit
from models import LoginAttempt, Role, User
from models.schema import runner

LIMIT = 5
WINDOW = dt.timedelta(minutes=15)
START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def attempt(client, username: str, password: str, ip: str = "10.0.0.1"):
    """One login POST from `ip`, with a fresh form's CSRF token, as a browser would send it."""
    environ = {"REMOTE_ADDR": ip}
    page = client.get("/login", environ_base=environ).get_data(as_text=True)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": csrf_from(page)},
        environ_base=environ,
    )


def fail(client, username: str, times: int, ip: str = "10.0.0.1") -> None:
    for _ in range(times):
        response = attempt(client, username, "wrong-password", ip)
        assert response.status_code == 200, "a failure before the limit is a plain refusal"
        assert "Wrong username or password." in response.get_data(as_text=True)


def message(response) -> str:
    match = re.search(r'id="login-error">([^<]*)<', response.get_data(as_text=True))
    assert match, "no error shown"
    return match.group(1)


def test_the_sixth_try_is_refused_with_429_and_retry_after(client, ops_user):
    with freeze_time(START) as clock:
        fail(client, "oscar", LIMIT)
        clock.tick(60)
        response = attempt(client, "oscar", PASSWORD)  # even the right password

    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) == WINDOW.total_seconds() - 60
    assert "Too many failed logins" in message(response)
    assert "Try again in 14 minutes." in message(response)
    assert client.get("/admin/").status_code == 302  # not logged in
    assert User.get_by_id(ops_user.id).last_login_at is None


def test_a_refusal_does_not_tell_whether_the_user_exists(client, ops_user):
    with freeze_time(START):
        fail(client, "oscar", LIMIT, ip="10.0.0.1")
        fail(client, "nobody", LIMIT, ip="10.0.0.2")
        known = attempt(client, "oscar", "x", ip="10.0.0.3")
        unknown = attempt(client, "nobody", "x", ip="10.0.0.4")

    assert known.status_code == unknown.status_code == 429
    assert known.headers["Retry-After"] == unknown.headers["Retry-After"]
    assert message(known) == message(unknown)


def test_usernames_are_counted_whatever_their_case(client, ops_user):
    with freeze_time(START):
        fail(client, "Oscar", 3, ip="10.0.0.1")
        fail(client, " OSCAR ", 2, ip="10.0.0.2")

        assert attempt(client, "oscar", PASSWORD, ip="10.0.0.3").status_code == 429


def test_one_address_guessing_many_usernames_is_stopped(client, ops_user):
    with freeze_time(START):
        for number in range(LIMIT):
            fail(client, f"user{number}", 1, ip="10.9.9.9")

        assert attempt(client, "oscar", PASSWORD, ip="10.9.9.9").status_code == 429
        assert attempt(client, "oscar", PASSWORD, ip="10.1.1.1").status_code == 302


def test_the_window_slides(client, ops_user):
    with freeze_time(START) as clock:
        fail(client, "oscar", 1)
        clock.tick(300)
        fail(client, "oscar", LIMIT - 1)
        clock.tick(WINDOW.total_seconds() - 300)  # the first failure is just out of the window
        fail(client, "oscar", 1)  # so one more try is allowed...
        refused = attempt(client, "oscar", PASSWORD)  # ...and then the wait starts again

    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) == 300


def test_refused_tries_do_not_extend_the_wait(client, ops_user):
    with freeze_time(START) as clock:
        fail(client, "oscar", LIMIT)
        for _ in range(10):
            clock.tick(60)
            assert attempt(client, "oscar", "wrong-password").status_code == 429
        assert LoginAttempt.select().count() == LIMIT
        clock.tick(WINDOW.total_seconds())

        assert attempt(client, "oscar", PASSWORD).status_code == 302


def test_a_successful_login_clears_the_users_failures(app, ops_user):
    with freeze_time(START):
        first = app.test_client()
        fail(first, "oscar", LIMIT - 1)
        assert attempt(first, "oscar", PASSWORD).status_code == 302
        assert LoginAttempt.select().count() == 0

        second = app.test_client()
        fail(second, "oscar", LIMIT - 1)  # the earlier typos no longer count

        assert attempt(second, "oscar", PASSWORD).status_code == 302


def test_old_failures_are_pruned(client, ops_user):
    with freeze_time(START) as clock:
        fail(client, "someone", 3)
        clock.tick(WINDOW.total_seconds() + 1)
        fail(client, "oscar", 1)

    assert [a.username for a in LoginAttempt.select()] == ["oscar"]


def test_every_web_process_counts_the_same_failures(db, ops_user):
    processes = [
        create_app({"BIND_DATABASE": False, "SECRET_KEY": "shared", "TESTING": True})
        for _ in range(2)
    ]
    with freeze_time(START):
        for number in range(LIMIT):
            fail(processes[number % 2].test_client(), "oscar", 1)

        assert attempt(processes[0].test_client(), "oscar", PASSWORD).status_code == 429
        assert attempt(processes[1].test_client(), "oscar", PASSWORD).status_code == 429


def test_the_limit_is_configurable(db, ops_user):
    app = create_app(
        {
            "BIND_DATABASE": False,
            "SECRET_KEY": "x",
            "LOGIN_MAX_FAILURES": 2,
            "LOGIN_WINDOW_SECONDS": 60,
        }
    )
    client = app.test_client()
    with freeze_time(START) as clock:
        fail(client, "oscar", 2)
        response = attempt(client, "oscar", PASSWORD)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "60"
        assert "Try again in 1 minute." in message(response)
        clock.tick(61)

        assert attempt(client, "oscar", PASSWORD).status_code == 302


def test_a_form_error_is_not_a_guess(client, ops_user):
    for _ in range(LIMIT + 1):
        response = attempt(client, "oscar", "")
        assert response.status_code == 200
        assert "This field is required." in response.get_data(as_text=True)
    assert LoginAttempt.select().count() == 0


def test_the_migration_goes_down_and_up_again(db):
    migrations = runner()
    assert migrations.down() == ["0005_login_attempt"]
    assert not LoginAttempt.table_exists()
    assert migrations.up() == ["0005_login_attempt"]
    assert LoginAttempt.table_exists()


@pytest.mark.e2e
def test_the_limit_on_postgresql(pg_db):
    make_user("oscar", Role.OPS)
    app = create_app({"BIND_DATABASE": False, "SECRET_KEY": "x", "TESTING": True})
    client = app.test_client()
    with freeze_time(START) as clock:
        fail(client, "oscar", LIMIT)
        clock.tick(30)
        response = attempt(client, "oscar", PASSWORD)
        assert response.status_code == 429
        assert response.headers["Retry-After"] == str(int(WINDOW.total_seconds()) - 30)

    limit = LoginLimit()
    assert limit.seconds_to_wait("oscar", "10.0.0.1", now=START + WINDOW) == 0
    limit.clear("oscar")
    assert LoginAttempt.select().count() == 0
