"""Users (admins only) and the audit log (read-only)."""

from __future__ import annotations

from dash_support import login, page_csrf

from models import AuditLog, Role, User


def create_user(client, **fields):
    data = {"csrf_token": page_csrf(client), "role": "ops", "active": "y", **fields}
    return client.post("/admin/user/new/", data=data)


def test_ops_cannot_see_or_create_users(ops_client):
    assert ops_client.get("/admin/user/").status_code == 403
    response = create_user(ops_client, username="mallory", password="long-enough-pw")
    assert response.status_code == 403
    assert not User.select().where(User.username == "mallory").exists()
    assert "/admin/user/" not in ops_client.get("/admin/").get_data(as_text=True)


def test_admin_creates_a_user_who_can_log_in(admin_client, app):
    response = create_user(admin_client, username="bob", password="bobs-password-1")

    assert response.status_code == 302
    bob = User.get(User.username == "bob")
    assert bob.role == Role.OPS.value
    assert bob.password_hash != "bobs-password-1" and bob.check_password("bobs-password-1")
    audit = AuditLog.get(AuditLog.model == "User")
    assert audit.changes["password"] == "set" and "bobs-password-1" not in str(audit.changes)
    html = admin_client.get("/admin/user/").get_data(as_text=True)
    assert "bob" in html and bob.password_hash not in html

    other = app.test_client()
    assert login(other, "bob", "bobs-password-1").status_code == 302


def test_a_short_password_or_taken_name_is_refused(admin_client):
    response = create_user(admin_client, username="bob", password="short")
    assert "between 10 and 200 characters" in response.get_data(as_text=True)

    response = create_user(admin_client, username="alice", password="long-enough-pw")
    assert "This username is taken." in response.get_data(as_text=True)
    assert User.select().count() == 1


def test_editing_without_a_password_keeps_it(admin_client, ops_user):
    data = {
        "csrf_token": page_csrf(admin_client),
        "username": "oscar",
        "role": "admin",
        "active": "y",
        "password": "",
    }
    response = admin_client.post(f"/admin/user/edit/?id={ops_user.id}", data=data)

    assert response.status_code == 302
    user = User.get_by_id(ops_user.id)
    assert user.role == "admin" and user.password_hash == ops_user.password_hash


def test_an_admin_cannot_lock_themselves_out(admin_client, admin_user):
    token = page_csrf(admin_client)
    data = {"csrf_token": token, "username": "alice", "role": "ops", "active": "y"}
    admin_client.post(f"/admin/user/edit/?id={admin_user.id}", data=data)
    admin_client.post("/admin/user/delete/", data={"csrf_token": token, "id": admin_user.id})

    assert User.get_by_id(admin_user.id).role == "admin"


def test_changing_ones_own_password_keeps_the_session(admin_client, admin_user):
    data = {
        "csrf_token": page_csrf(admin_client),
        "username": "alice",
        "role": "admin",
        "active": "y",
        "password": "a-brand-new-password",
    }
    admin_client.post(f"/admin/user/edit/?id={admin_user.id}", data=data)

    assert admin_client.get("/admin/user/").status_code == 200
    assert User.get_by_id(admin_user.id).check_password("a-brand-new-password")


def test_ops_reads_the_audit_log(ops_client, integration):
    html = ops_client.get("/admin/auditlog/").get_data(as_text=True)

    assert "Integration" in html and "create" in html
    assert "/admin/auditlog/new/" not in html
    assert ops_client.get("/admin/auditlog/new/").status_code == 403
