"""Companies, integrations and their feeds."""

from __future__ import annotations

import hashlib
import hmac
import json

import peewee

from models.base import BaseModel
from models.crypto import CredentialsUnreadable, decrypt_secrets, encrypt_secrets
from models.enums import CompanyType, Direction, FeedKind, Mode
from models.fields import DateTimeField, utcnow


class Company(BaseModel):
    name = peewee.CharField(max_length=200, unique=True)
    type = peewee.CharField(max_length=20, default=CompanyType.RETAILER.value)

    class Meta:
        table_name = "company"

    def __str__(self) -> str:
        return self.name


class CompanyMapping(BaseModel):
    """A retailer's supplier: an order of the retailer is saved for that supplier."""

    retailer = peewee.ForeignKeyField(Company, backref="supplier_mappings", on_delete="CASCADE")
    supplier = peewee.ForeignKeyField(Company, backref="retailer_mappings", on_delete="CASCADE")

    class Meta:
        table_name = "company_mapping"
        indexes = ((("retailer", "supplier"), True),)


class Integration(BaseModel):
    channel = peewee.CharField(max_length=40, index=True)
    name = peewee.CharField(max_length=200)
    company = peewee.ForeignKeyField(
        Company, null=True, backref="integrations", on_delete="SET NULL"
    )
    enabled = peewee.BooleanField(default=True)
    mode = peewee.CharField(max_length=20, default=Mode.TEST.value)
    settings = peewee.JSONField(default=dict)
    credentials = peewee.TextField(null=True)  # Fernet token of a JSON object of secrets
    secrets_set_at = peewee.JSONField(default=dict)  # secret name -> ISO time it was last set
    email_errors_to = peewee.CharField(max_length=1000, default="")
    paused_reason = peewee.TextField(null=True)
    paused_at = DateTimeField(null=True)

    class Meta:
        table_name = "integration"
        indexes = ((("channel", "name"), True),)

    def __str__(self) -> str:
        return f"{self.name} ({self.channel})"

    @property
    def is_production(self) -> bool:
        return self.mode == Mode.PRODUCTION.value

    def get_secrets(self) -> dict[str, str]:
        return decrypt_secrets(self.credentials)

    def set_secrets(self, secrets: dict[str, str]) -> list[str]:
        """Merge `secrets` into the stored ones; empty values keep what is stored.

        Returns the names that changed. Changing a secret lifts a credentials pause.
        """
        current = self.get_secrets()
        changed = [k for k, v in secrets.items() if v not in (None, "") and current.get(k) != v]
        if not changed:
            return []
        now = utcnow().isoformat()
        for name in changed:
            current[name] = secrets[name]
        self.credentials = encrypt_secrets(current)
        self.secrets_set_at = {**(self.secrets_set_at or {}), **{k: now for k in changed}}
        self.paused_reason = None
        self.paused_at = None
        return changed

    def recipients(self) -> list[str]:
        return [a.strip() for a in (self.email_errors_to or "").split(",") if a.strip()]

    def settings_version(self) -> str:
        """A short hash of what a run depends on, to answer 'what changed since it worked'.

        Secrets enter only through a keyed hash: the version changes when a secret
        changes, without the version revealing anything about it.
        """
        try:
            secrets = json.dumps(self.get_secrets(), sort_keys=True)
        except CredentialsUnreadable:
            secrets = "unreadable"  # the run itself reports it; the version must not crash
        secret_part = hmac.new(
            b"channelhub-settings-version", secrets.encode(), hashlib.sha256
        ).hexdigest()
        blob = json.dumps(
            {"settings": self.settings, "mode": self.mode, "secrets": secret_part}, sort_keys=True
        )
        return hashlib.sha256(blob.encode()).hexdigest()[:12]


class Feed(BaseModel):
    integration = peewee.ForeignKeyField(Integration, backref="feeds", on_delete="CASCADE")
    kind = peewee.CharField(max_length=40)
    direction = peewee.CharField(max_length=20, default=Direction.INBOUND.value)
    schedule_cron = peewee.CharField(max_length=120, null=True)
    interval_seconds = peewee.IntegerField(null=True)
    peak_schedule_cron = peewee.CharField(max_length=120, null=True)
    next_run_at = DateTimeField(null=True)
    enabled = peewee.BooleanField(default=True)
    cursor = peewee.JSONField(default=dict)

    class Meta:
        table_name = "feed"
        indexes = (
            (("integration", "kind"), True),
            (("enabled", "next_run_at"), False),
        )

    def __str__(self) -> str:
        return f"{self.kind} #{self.id}"

    @property
    def feed_kind(self) -> FeedKind:
        return FeedKind(self.kind)

    def schedule_text(self) -> str:
        if self.schedule_cron:
            return f"cron {self.schedule_cron} (UTC)"
        if self.interval_seconds:
            return f"every {self.interval_seconds} s"
        return "manual only"
