"""Reading a form's answer: messages next to fields, flashes; and an admin on PostgreSQL."""

from __future__ import annotations

import re

from dash_support import logged_in_client, make_user
from flask.testing import FlaskClient
from markupsafe import escape

from dashboard.app import create_app
from models import Role


def field_error(html: str, field: str) -> list[str]:
    """Messages shown under one field (our forms' macro and Flask-Admin's own forms)."""
    ours = re.findall(rf'data-field="{field}">([^<]*)<', html)
    admin = re.search(
        rf'name="{field}"[^>]*>(?:<option.*?</select>)?\s*'
        r'<div class="invalid-feedback">\s*<ul[^>]*>(.*?)</ul>',
        html,
        re.S,
    )
    theirs = re.findall(r"<li>([^<]*)</li>", admin.group(1)) if admin else []
    return ours + theirs


def flashes(html: str) -> str:
    return " ".join(re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S))


def shows(html: str, message: str) -> bool:
    return str(escape(message)) in html


def postgres_admin_client() -> FlaskClient:
    """The app on the test's PostgreSQL (bound by `pg_db`), with an admin logged in."""
    make_user("alice", Role.ADMIN)
    app = create_app({"BIND_DATABASE": False, "SECRET_KEY": "x", "TESTING": True})
    return logged_in_client(app, "alice")
