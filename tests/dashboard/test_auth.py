"""Login, sessions, CSRF and the health check."""

from __future__ import annotations

import pytest
from dash_support import PASSWORD, csrf_from, login, make_user, page_csrf

from dashboard.app import create_app
from models import FeedExecution, Role, User, init_database

PAGES = [
    "/",
    "/admin/",
    "/admin/feedexecution/",
    "/admin/feedexecution/details/?id=1",
    "/admin/executionevent/",
    "/admin/order/",
    "/admin/order/details/?id=1",
    "/admin/integration/",
    "/admin/integration/new/",
    "/admin/integration/edit/?id=1",
    "/admin/feed/",
    "/admin/user/",
    "/admin/auditlog/",
]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_needs_a_login(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_posts_need_a_login_and_change_nothing(client, feed):
    response = client.post(f"/admin/feed/run/{feed.id}/", data={})

    assert response.status_code == 302
    assert response.location.startswith("/login")
    assert FeedExecution.select().count() == 0


def test_login_page_healthz_and_assets_are_public(client):
    assert client.get("/login").status_code == 200
    assert client.get("/healthz").get_json() == {"database": "ok", "broker": "in-process"}
    for asset in (
        "/static/channelhub.css",
        "/admin/static/bootstrap/bootstrap4/css/bootstrap.min.css",
    ):
        with client.get(asset) as response:  # closes the file the response streams
            assert response.status_code == 200


def test_healthz_reports_an_unreachable_database(db, tmp_path):
    app = create_app({"BIND_DATABASE": False, "SECRET_KEY": "x"})
    init_database(f"sqlite:///{tmp_path}")  # a directory: SQLite cannot open it

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json()["database"].startswith("failed: ")


def test_login_then_next_page(client, ops_user):
    token = csrf_from(client.get("/login?next=/admin/order/").get_data(as_text=True))
    response = client.post(
        "/login",
        data={
            "username": "oscar",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "/admin/order/",
        },
    )

    assert response.status_code == 302
    assert response.location == "/admin/order/"
    assert client.get("/admin/order/").status_code == 200
    assert User.get_by_id(ops_user.id).last_login_at is not None


@pytest.mark.parametrize("password", ["wrong-password", ""])
def test_wrong_password_is_refused(client, ops_user, password):
    response = login(client, "oscar", password)

    assert response.status_code == 200
    assert "Log in" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_unknown_and_inactive_users_are_refused(client, db):
    make_user("ghost", Role.OPS, active=False)

    for username in ("ghost", "nobody"):
        response = login(client, username)
        assert "Wrong username or password." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_next_cannot_leave_the_site(client, ops_user):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={
            "username": "oscar",
            "password": PASSWORD,
            "csrf_token": token,
            "next": "//evil.example/phish",
        },
    )

    assert response.location == "/admin/"


def test_login_without_csrf_token_is_rejected(client, ops_user):
    response = client.post("/login", data={"username": "oscar", "password": PASSWORD})

    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_session_cookie_flags_and_lifetime(client, ops_user):
    response = login(client, "oscar")

    cookie = next(h for h in response.headers.getlist("Set-Cookie") if "session" in h)
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Expires=" in cookie  # a permanent session...
    assert client.application.permanent_session_lifetime.total_seconds() == 12 * 3600


def test_logout_ends_the_session(ops_client):
    response = ops_client.post("/logout", data={"csrf_token": page_csrf(ops_client)})

    assert response.status_code == 302
    assert ops_client.get("/admin/").status_code == 302


def test_password_change_ends_other_sessions(ops_client, ops_user):
    user = User.get_by_id(ops_user.id)
    user.set_password("another-password-1")
    user.save()

    assert ops_client.get("/admin/").status_code == 302


def test_ops_cannot_open_admin_only_pages(ops_client):
    assert ops_client.get("/admin/user/").status_code == 403
    assert ops_client.get("/admin/integration/new/").status_code == 403


def test_root_redirects_to_the_admin_index(ops_client):
    response = ops_client.get("/")

    assert response.status_code == 302
    assert response.location == "/admin/"
