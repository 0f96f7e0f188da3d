"""The dashboard's app factory.

`create_app()` works with no environment at all (the embedded demo), and takes a
`config` dict for tests and for callers that bind the database themselves.
Each request gets its own database connection, closed (returned to the pool)
at teardown, so a PostgreSQL restart heals by itself on the next request.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import secrets
from typing import Any

from flask import Flask, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

import models
from dashboard import formatting, login_limit
from dashboard.auth import init_auth, require_login
from dashboard.ids import IdConverter
from dashboard.monitoring import init_monitoring
from dashboard.queries import bell
from dashboard.security_headers import init_security_headers
from dashboard.views import init_admin
from models.db import DEFAULT_DATA_DIR, close_quietly

log = logging.getLogger(__name__)

SESSION_HOURS = 12
# Endpoints that do not need a database connection opened for them up front.
NO_DB_ENDPOINTS = frozenset({"static", "admin.static", "healthz"})


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the dashboard app; `{"BIND_DATABASE": False}` leaves the database binding alone."""
    config = dict(config or {})
    app = Flask(__name__)
    app.url_map.converters["int"] = IdConverter  # before any route is added
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or None,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=os.environ.get("SESSION_COOKIE_SECURE", "").lower() in ("1", "true"),
        SESSION_COOKIE_NAME="channelhub_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=SESSION_HOURS),
        # A form may stay open as long as the session lasts.
        WTF_CSRF_TIME_LIMIT=SESSION_HOURS * 3600,
        BIND_DATABASE=True,
        # Failed logins allowed per username and per client address in the window.
        LOGIN_MAX_FAILURES=login_limit.MAX_FAILURES,
        LOGIN_WINDOW_SECONDS=login_limit.WINDOW_SECONDS,
        # Proxies in front of the app that append to X-Forwarded-For (0: none; the
        # login limit then counts the proxy's address, so set it behind a load balancer).
        TRUSTED_PROXY_HOPS=int(os.environ.get("CHANNELHUB_TRUSTED_PROXY_HOPS") or 0),
    )
    app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _local_secret_key()
    if app.config["BIND_DATABASE"] and models.database.obj is None:
        models.init_database()
    if app.config["TRUSTED_PROXY_HOPS"]:
        hops = app.config["TRUSTED_PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)

    _init_database_per_request(app)
    init_auth(app)
    app.before_request(require_login)
    CSRFProtect(app)
    init_security_headers(app)
    _init_templates(app)
    init_admin(app)
    _init_routes(app)
    return app


def _local_secret_key() -> str:
    """Without SECRET_KEY, a key kept in the data directory (owner-only), generated once.

    Every web process of this installation then signs sessions alike, and a restart
    does not log everybody out. Production sets SECRET_KEY.
    """
    path = DEFAULT_DATA_DIR / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(32))
            log.info("SECRET_KEY is not set: generated one in %s", path)
    return path.read_text().strip()


def _init_database_per_request(app: Flask) -> None:
    @app.before_request
    def open_connection() -> None:
        if request.endpoint in NO_DB_ENDPOINTS or models.database.obj is None:
            return
        models.database.obj.connect(reuse_if_open=True)

    @app.teardown_request
    def close_connection(exc: BaseException | None) -> None:
        close_quietly()


def _init_templates(app: Flask) -> None:
    app.jinja_env.globals["bell"] = bell
    formatting.register_filters(app)

    @app.errorhandler(403)
    def forbidden(exc) -> tuple[str, int]:
        return render_template(
            "channelhub/error.html",
            code=403,
            title="Not allowed",
            message="Your role does not allow this page or action. Ask an admin if you need it.",
        ), 403

    @app.errorhandler(404)
    def not_found(exc) -> tuple[str, int]:
        return render_template(
            "channelhub/error.html",
            code=404,
            title="Not found",
            message="There is no page at this address.",
        ), 404

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError) -> tuple[str, int]:
        return render_template(
            "channelhub/error.html",
            code=400,
            title="The form has expired",
            message="Go back, reload the page and submit it again.",
        ), 400


def _init_routes(app: Flask) -> None:
    @app.get("/")
    def root() -> Response:
        return redirect(url_for("admin.index"))

    init_monitoring(app)
