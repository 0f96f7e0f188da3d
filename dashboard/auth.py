"""Login, logout and roles.

Users are `models.User` rows; Flask-Login only needs a thin wrapper around them.
The session id carries a short fingerprint of the password hash, so changing a
user's password (or deactivating the user) ends every session that user has open.
Failed logins are rate-limited per username and per client address
(`dashboard.login_limit`); a refusal looks the same whether the user exists or not.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from functools import lru_cache
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.security import check_password_hash, generate_password_hash
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, StringField
from wtforms.validators import InputRequired, Length

from dashboard.login_limit import LoginLimit, wait_text
from models import Role, User, utcnow

log = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"

# Endpoints reachable without a session: the login page itself, health checks and assets.
# `metrics` decides itself: a session, or the METRICS_TOKEN bearer token (dashboard.monitoring).
PUBLIC_ENDPOINTS = frozenset({"auth.login", "healthz", "metrics", "static", "admin.static"})


class SessionUser(UserMixin):
    """The logged-in user as Flask-Login sees it (a `User` row plus a session id)."""

    def __init__(self, user: User) -> None:
        self.user = user
        self.id = user.id
        self.username = user.username
        self.role = user.role

    def get_id(self) -> str:
        return f"{self.user.id}:{password_fingerprint(self.user)}"

    @property
    def is_active(self) -> bool:
        return bool(self.user.active)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


def password_fingerprint(user: User) -> str:
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:12]


@login_manager.user_loader
def load_user(session_id: str) -> SessionUser | None:
    user_id, _, fingerprint = session_id.partition(":")
    if not user_id.isdigit():
        return None
    user = User.get_or_none(User.id == int(user_id))
    if user is None or not user.active or fingerprint != password_fingerprint(user):
        return None
    return SessionUser(user)


def is_admin() -> bool:
    return bool(current_user.is_authenticated and current_user.is_admin)


def has_role(*roles: str) -> bool:
    return bool(current_user.is_authenticated and current_user.role in roles)


def actor_name() -> str:
    """How the audit log names the person behind a request."""
    return f"dashboard:{current_user.username}" if current_user.is_authenticated else "dashboard"


def safe_next(target: str | None, default: str) -> str:
    """Only same-site relative paths: a `next` parameter must not become an open redirect."""
    if not target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target


def require_login() -> Response | None:
    """`before_request`: every page but the public ones needs a session."""
    if request.endpoint is None or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if current_user.is_authenticated:
        return None
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[InputRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    next = HiddenField()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return generate_password_hash(secrets.token_urlsafe(16))


def _spend_a_hash_check(password: str) -> None:
    """As slow as a real check, so response times do not tell which usernames exist."""
    check_password_hash(_dummy_hash(), password)


def login_limit() -> LoginLimit:
    config = current_app.config
    return LoginLimit(config["LOGIN_MAX_FAILURES"], config["LOGIN_WINDOW_SECONDS"])


def client_ip() -> str:
    """The address the limit counts (behind a proxy, see TRUSTED_PROXY_HOPS in dashboard.app)."""
    return (request.remote_addr or "unknown")[:45]


@bp.route("/login", methods=("GET", "POST"))
def login() -> Response | str | tuple[str, int, dict[str, str]]:
    default = url_for("admin.index")
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next"), default))
    form = LoginForm(next=request.args.get("next", ""))
    error = None
    if form.validate_on_submit():
        username, address, limit = form.username.data.strip(), client_ip(), login_limit()
        wait_seconds = limit.seconds_to_wait(username, address)
        if wait_seconds:
            log.warning("login refused: too many failures for %r or from %s", username, address)
            return _too_many_failures(form, wait_seconds)
        user = User.get_or_none(User.username == username)
        if user is None:
            _spend_a_hash_check(form.password.data)
        elif user.active and user.check_password(form.password.data):
            target = safe_next(form.next.data, default)
            session.clear()  # a fresh session: nothing from before the login carries over
            session.permanent = True
            login_user(SessionUser(user))
            User.update(last_login_at=utcnow()).where(User.id == user.id).execute()
            limit.clear(username)
            log.info("user %s logged in", user.username)
            return redirect(target)
        limit.record_failure(username, address)
        log.info("failed login for %r from %s", username[:80], address)
        error = "Wrong username or password."
    return render_template("channelhub/login.html", form=form, error=error)


def _too_many_failures(form: LoginForm, wait_seconds: int) -> tuple[str, int, dict[str, str]]:
    """429 with Retry-After; the password was not even checked, so the answer tells nothing."""
    error = (
        "Too many failed logins for this username or from this address. "
        f"Try again in {wait_text(wait_seconds)}."
    )
    page = render_template("channelhub/login.html", form=form, error=error)
    return page, 429, {"Retry-After": str(wait_seconds)}


@bp.route("/logout", methods=("POST",))
def logout() -> Response:
    logout_user()
    session.clear()
    return redirect(url_for("auth.login"))


def init_auth(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)
