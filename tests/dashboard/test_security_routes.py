"""Every route of the dashboard, walked as nobody, as `ops`, as `admin`, and with bad CSRF tokens.

The routes come from `create_app().url_map`, not from a list kept by hand: a route
added later is walked too, and fails here unless it is closed to anonymous users,
forbidden to `ops` (or deliberately added to `OPS_MAY` below) and CSRF-checked.
Arguments are filled with the ids of real rows, so a request that slipped past
the access checks would find something to change; every refused request is
checked against a snapshot of all tables taken just before it.
"""

from __future__ import annotations

import pytest
from dash_support import MIRAKL_VALUES, csrf_from, logged_in_client, page_csrf, snapshot
from route_walk import Route, all_routes, make_rows

from models import Role

# Reachable without a session (the login page, the load balancer's check, assets).
PUBLIC = frozenset({"auth.login", "healthz", "static", "admin.static"})
# What `ops` may do beyond reading: run feeds, retry / give up / resolve executions, log out.
OPS_ACTIONS = frozenset(
    {
        ("auth.login", "POST"),
        ("auth.logout", "POST"),
        ("feed.run_now_view", "POST"),
        ("feedexecution.retry_view", "POST"),
        ("feedexecution.give_up_view", "POST"),
        ("feedexecution.resolve_view", "POST"),
        ("executionevent.resolve_view", "POST"),
    }
)
OPS_READ_VIEWS = ("feedexecution", "executionevent", "order", "integration", "feed", "auditlog")
OPS_READ_PAGES = ("index_view", "details_view", "export", "ajax_lookup")
OPS_MAY = (
    OPS_ACTIONS
    | {(f"{view}.{page}", "GET") for view in OPS_READ_VIEWS for page in OPS_READ_PAGES}
    | {
        (endpoint, "GET")
        for endpoint in (
            "root",
            "admin.index",
            "auth.login",
            "metrics",
            "healthz",
            "static",
            "admin.static",
            "feedexecution.live_view",
            "executionevent.bell_view",
            "feed.preview_view",
        )
    }
)
NEW_PASSWORD = "walked-password-123"


@pytest.fixture
def rows(integration, feed, admin_user, ops_user) -> dict[str, int]:
    return make_rows(integration, feed)


def plausible_form(token: str, rows: dict[str, int]) -> dict[str, str]:
    """Values that would make most of the forms succeed, had the request been allowed."""
    form = {
        "csrf_token": token,
        "id": str(rows["integration"]),
        "next": "/admin/",
        "url": "/admin/",
        "name": "Walked",
        "mode": "production",
        "confirm_production": "y",
        "enabled": "0",
        "username": "walker",
        "password": NEW_PASSWORD,
        "role": Role.ADMIN.value,
        "active": "y",
        "schedule_cron": "*/5 * * * *",
        "action": "delete",
        "rowid": str(rows["integration"]),
        "list_form_pk": str(rows["integration"]),
    }
    form.update({f"setting-{k}": v for k, v in MIRAKL_VALUES.items()})
    return form


def send(client, route: Route, data: dict[str, str] | None = None):
    if route.method == "GET":
        response = client.get(route.url)
    else:
        response = client.open(route.url, method=route.method, data=data or {})
    response.close()  # static files stream from disk
    return response


def _check_unchanged(before: dict, route: Route) -> None:
    after = snapshot()
    changed = sorted(table for table in before if before[table] != after[table])
    assert not changed, f"{route} changed {', '.join(changed)}"


# -- the allow-lists name real routes ------------------------------------------------
def test_allow_lists_name_existing_routes(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    pairs = {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods
    }
    assert endpoints >= PUBLIC
    assert pairs >= OPS_MAY, f"stale entries: {sorted(OPS_MAY - pairs)}"


# -- without a session -----------------------------------------------------------------
def test_without_a_session_every_route_but_the_public_ones_is_closed(app, client, rows):
    token = csrf_from(client.get("/login").get_data(as_text=True))  # a valid token, no login
    failures = []
    for route in all_routes(app, rows):
        if route.endpoint in PUBLIC:
            continue
        before = snapshot()
        response = send(client, route, plausible_form(token, rows))
        to_login = response.status_code == 302 and response.location.startswith("/login")
        if not (to_login or response.status_code == 401):
            failures.append(f"{route}: {response.status_code}")
        _check_unchanged(before, route)
    assert not failures, "open without a session:\n" + "\n".join(failures)


def test_public_routes_answer_without_a_session(app, client, rows):
    for route in all_routes(app, rows):
        if route.endpoint in PUBLIC and route.method == "GET":
            assert send(client, route).status_code == 200, route


# -- as ops ------------------------------------------------------------------------------
def test_ops_gets_403_on_everything_admin_only_and_nothing_changes(app, rows):
    client = logged_in_client(app, "oscar")
    token = page_csrf(client)
    walked, failures = 0, []
    for route in all_routes(app, rows):
        if (route.endpoint, route.method) in OPS_MAY:
            continue
        before = snapshot()
        response = send(client, route, plausible_form(token, rows))
        if response.status_code != 403:
            failures.append(f"{route}: {response.status_code}")
        _check_unchanged(before, route)
        walked += 1
    assert not failures, "not forbidden to ops:\n" + "\n".join(failures)
    assert walked > 40  # every create/edit/delete/ajax/action route, users, feed edit and enable
    assert client.get("/admin/").status_code == 200  # still logged in: 403 is not a logout


def test_what_ops_may_do_never_fails_with_a_server_error(app, rows, stub_broker):
    client = logged_in_client(app, "oscar")
    token = page_csrf(client)
    for route in all_routes(app, rows):
        if (route.endpoint, route.method) in OPS_MAY and route.endpoint != "auth.logout":
            response = send(client, route, plausible_form(token, rows))
            assert response.status_code < 500, f"{route}: {response.status_code}"
            assert response.status_code != 403, f"{route}: ops should be allowed"


# -- as admin: nothing crashes ---------------------------------------------------------------
def test_no_route_answers_500_to_an_admin(app, rows, stub_broker):
    client = logged_in_client(app, "alice")
    token = page_csrf(client)
    routes = [r for r in all_routes(app, rows) if r.endpoint != "auth.logout"]
    # Reads first, then the writes (some delete the rows later routes point at: that is fine).
    for route in sorted(routes, key=lambda r: r.method != "GET"):
        response = send(client, route, plausible_form(token, rows))
        assert response.status_code < 500, f"{route}: {response.status_code}"


# -- CSRF --------------------------------------------------------------------------------------
def _bad_tokens(app) -> dict[str, dict[str, str]]:
    other = app.test_client()  # a token that is valid, but for another session
    foreign = csrf_from(other.get("/login").get_data(as_text=True))
    return {
        "missing": {},
        "empty": {"csrf_token": ""},
        "garbage": {"csrf_token": "not-a-token"},
        "another session's": {"csrf_token": foreign},
    }


def test_every_post_without_a_valid_csrf_token_is_400_and_changes_nothing(app, rows):
    client = logged_in_client(app, "alice")  # the most powerful session: only CSRF can stop it
    posts = [r for r in all_routes(app, rows) if r.method != "GET"]
    assert len(posts) > 30
    failures = []
    for route in posts:
        for kind, token in _bad_tokens(app).items():
            data = {**plausible_form("", rows), **token}
            if not token:
                data.pop("csrf_token")
            before = snapshot()
            response = send(client, route, data)
            if response.status_code != 400:
                failures.append(f"{route} with a {kind} token: {response.status_code}")
            _check_unchanged(before, route)
    assert not failures, "accepted without a valid CSRF token:\n" + "\n".join(failures)
    assert client.get("/admin/").status_code == 200  # a refused logout did not log out


def test_login_without_a_valid_csrf_token_is_400(app, client, rows):
    route = Route("auth.login", "POST", "/login")
    for kind, token in _bad_tokens(app).items():
        client.get("/login")  # the session has a token of its own
        data = {"username": "alice", "password": "correct-horse-battery", **token}
        before = snapshot()
        assert send(client, route, data).status_code == 400, kind
        _check_unchanged(before, route)
    assert client.get("/admin/").status_code == 302
