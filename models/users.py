"""Dashboard users, the audit log of admin edits, and failed logins (for the rate limit)."""

from __future__ import annotations

import peewee
from werkzeug.security import check_password_hash, generate_password_hash

from models.base import BaseModel
from models.enums import Role
from models.fields import DateTimeField, utcnow


class User(BaseModel):
    username = peewee.CharField(max_length=80, unique=True)
    password_hash = peewee.CharField(max_length=300)
    role = peewee.CharField(max_length=10, default=Role.OPS.value)
    active = peewee.BooleanField(default=True)
    last_login_at = DateTimeField(null=True)

    class Meta:
        table_name = "user_account"

    def __str__(self) -> str:
        return self.username

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN.value


class AuditLog(BaseModel):
    at = DateTimeField(default=utcnow, index=True)
    actor = peewee.CharField(max_length=120)
    action = peewee.CharField(max_length=40)
    model = peewee.CharField(max_length=60)
    object_id = peewee.CharField(max_length=60, null=True)
    # Field names with old/new values; secret fields carry only "changed".
    changes = peewee.JSONField(default=dict)

    class Meta:
        table_name = "audit_log"


class LoginAttempt(BaseModel):
    """One failed login, kept a short while so every web process sees the same count.

    gunicorn runs several processes (and there may be several machines): a counter
    in one process's memory would multiply the allowed guesses by their number.
    The username is stored lower-cased as typed, whether or not such a user exists.
    """

    username = peewee.CharField(max_length=80)
    client_ip = peewee.CharField(max_length=45)  # the longest textual IPv6 address
    at = DateTimeField(default=utcnow, index=True)

    class Meta:
        table_name = "login_attempt"
        indexes = ((("username", "at"), False), (("client_ip", "at"), False))
