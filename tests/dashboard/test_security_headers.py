"""Security headers on every response, and pages the Content-Security-Policy can run.

The browser test (tests/browser/test_security_browser.py) shows the pages working
under the policy in Chromium; these tests check every route's headers, that each
page's scripts carry that response's nonce, and that no page relies on what the
policy refuses (inline handlers, `style` attributes, scripts without the nonce).
"""

from __future__ import annotations

import re
from pathlib import Path

import flask_admin
import pytest
from dash_support import logged_in_client
from route_walk import all_routes, make_rows

from dashboard.security_headers import content_security_policy

FIXED = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
NONCE_RE = re.compile(r"'nonce-([A-Za-z0-9_-]{16,})'")
TEMPLATES = Path(__file__).resolve().parents[2] / "dashboard" / "templates"
UPSTREAM = Path(flask_admin.__file__).parent / "templates" / "bootstrap4"


@pytest.fixture
def rows(integration, feed, admin_user, ops_user) -> dict[str, int]:
    return make_rows(integration, feed)


def check_headers(response, where: str) -> str:
    for name, value in FIXED.items():
        assert response.headers.get(name) == value, f"{where}: {name}"
    policy = response.headers.get("Content-Security-Policy", "")
    for directive in (
        "default-src 'self'",
        "frame-ancestors 'none'",
        "object-src 'none'",
        "base-uri 'none'",
        "style-src 'self'",
    ):
        assert directive in policy, f"{where}: {directive}"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    nonce = NONCE_RE.search(policy)
    assert nonce, f"{where}: no script nonce"
    return nonce.group(1)


def test_every_route_answers_with_the_security_headers(app, rows):
    anonymous = app.test_client()
    admin = logged_in_client(app, "alice")
    for route in all_routes(app, rows):
        if route.method != "GET":
            continue
        for who, client in (("anonymous", anonymous), ("admin", admin)):
            response = client.get(route.url)
            response.close()
            check_headers(response, f"{route} as {who}")


def test_error_answers_carry_them_too(app, client, ops_user):
    check_headers(client.post("/login", data={}), "CSRF failure (400)")
    check_headers(client.get("/no/such/page"), "404")
    ops = logged_in_client(app, "oscar")
    check_headers(ops.get("/admin/user/"), "403")


def test_the_nonce_is_new_on_every_response_and_matches_the_page(admin_client):
    seen = set()
    for _ in range(3):
        response = admin_client.get("/admin/feedexecution/")
        nonce = check_headers(response, "list")
        html = response.get_data(as_text=True)
        scripts = re.findall(r"<script\b[^>]*>", html)
        assert scripts
        for tag in scripts:
            assert f'nonce="{nonce}"' in tag, tag
        seen.add(nonce)
    assert len(seen) == 3


def test_the_policy_text():
    policy = content_security_policy("abc")
    assert policy.startswith("default-src 'self'; script-src 'self' 'nonce-abc'; ")
    assert "img-src 'self' data:" in policy  # Bootstrap's own icons are data: URIs
    assert "connect-src 'self'" in policy  # live pages and the bell fetch JSON
    assert "form-action 'self'" in policy


INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)


def test_no_page_needs_what_the_policy_refuses(app, rows):
    """No inline handler, no style attribute, no script without this response's nonce."""
    admin = logged_in_client(app, "alice")
    problems = []
    for route in all_routes(app, rows):
        if route.method != "GET" or route.endpoint.endswith("static"):
            continue
        response = admin.get(route.url, follow_redirects=True)
        if response.mimetype != "text/html":
            continue
        nonce = check_headers(response, str(route))
        html = response.get_data(as_text=True)
        problems += [f"{route}: {m}" for m in INLINE_HANDLER.findall(html)]
        problems += [f"{route}: {m}" for m in STYLE_ATTRIBUTE.findall(html)]
        for attributes in SCRIPT_TAG.findall(html):
            data_only = 'type="application/json"' in attributes
            if not data_only and f'nonce="{nonce}"' not in attributes:
                problems.append(f"{route}: <script{attributes}> without the nonce")
    assert not problems, "\n".join(problems[:20])


COPIES = {
    "admin/model/row_actions.html": [
        (
            """<form class="icon" method="POST" action="{{ get_url('.delete_view') }}">""",
            """<form class="icon" method="POST" action="{{ get_url('.delete_view') }}"
      data-confirm="{{ _gettext('Are you sure you want to delete this record?') }}">""",
        ),
        (
            """<button onclick="return faHelpers.safeConfirm('{{ _gettext('Are you sure you want \
to delete this record?') }}');" title="{{ _gettext('Delete Record') }}">""",
            """<button type="submit" title="{{ _gettext('Delete Record') }}">""",
        ),
    ],
    "admin/model/layout.html": [
        (
            '<a href="javascript:void(0)" class="dropdown-item filter" onclick="return false;">',
            '<a href="javascript:void(0)" class="dropdown-item filter">',
        ),
    ],
}


@pytest.mark.parametrize("template", sorted(COPIES))
def test_our_copies_of_flask_admin_templates_only_drop_inline_handlers(template):
    """Each copy is the installed template with its inline handlers replaced, nothing else.

    After a Flask-Admin upgrade that changes one of them, this fails: copy it again.
    """
    upstream = (UPSTREAM / template).read_text()
    ours = (TEMPLATES / template).read_text()
    comment, _, body = ours.partition("-#}\n")
    assert comment.startswith("{#-"), "the copy starts with a comment saying why it exists"
    for old, new in COPIES[template]:
        assert old in upstream, f"Flask-Admin changed {template}: copy it again"
        upstream = upstream.replace(old, new)
    assert body == upstream
    assert "onclick" not in body
