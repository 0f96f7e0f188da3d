"""Security headers on every response, and the per-request nonce that lets our scripts run.

The dashboard loads nothing from another origin (Flask-Admin's assets are served
locally, charts are SVG drawn on the server), so the policy is `'self'` throughout.
Flask-Admin 2 writes a `nonce` attribute on each of its `<script>` tags when `Admin`
is given a `csp_nonce_generator`; the nonce is new on every request, so a script
injected into a page (which cannot guess it) does not run, and `'unsafe-inline'` is
never needed. Styles come from stylesheets only: no template uses a `style`
attribute, and SVG charts colour themselves with presentation attributes (`fill`),
which a CSP does not govern.

`frame-ancestors 'none'` and `X-Frame-Options: DENY` keep the dashboard out of
frames (clickjacking on "Run now" or "Give up"); `nosniff` stops a browser from
running a JSON or text answer as a script; `same-origin` keeps dashboard URLs
(ids, searches) out of the Referer sent to other sites.
"""

from __future__ import annotations

import secrets

from flask import Flask, g
from werkzeug.wrappers import Response

NONCE_BYTES = 16
FIXED_HEADERS = {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def csp_nonce() -> str:
    """This request's nonce (made on first use); the same value in the page and the header."""
    nonce = g.get("csp_nonce")
    if nonce is None:
        nonce = g.csp_nonce = secrets.token_urlsafe(NONCE_BYTES)
    return nonce


def content_security_policy(nonce: str) -> str:
    directives = {
        "default-src": "'self'",
        "script-src": f"'self' 'nonce-{nonce}'",
        "style-src": "'self'",
        # Bootstrap's stylesheet draws a few icons (select arrows, navbar toggler) as data: URIs.
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def init_security_headers(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers["Content-Security-Policy"] = content_security_policy(csp_nonce())
        for name, value in FIXED_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
