"""Creating and changing integrations with their feeds: one path for the CLI, dashboard and demo.

Settings are validated against the channel's declared settings; secrets are split
off and encrypted; every change is written to the audit log (secret values never).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from channels.registry import connector_class
from channels.settings_spec import validate
from models import AuditLog, Company, Feed, Integration, Mode, database, utcnow
from models.enums import FEED_DIRECTIONS, FeedKind
from scheduler.schedules import next_after


class ProvisioningError(ValueError):
    pass


def audit(actor: str, action: str, obj, changes: dict[str, Any]) -> None:
    AuditLog.create(
        actor=actor,
        action=action,
        model=obj.__class__.__name__,
        object_id=str(obj.id),
        changes=changes,
    )


def create_integration(
    channel: str,
    name: str,
    values: Mapping[str, Any],
    *,
    mode: str = Mode.TEST.value,
    company: Company | None = None,
    actor: str = "system",
    now: dt.datetime | None = None,
) -> Integration:
    """Create an integration and its default feeds; raises SettingsInvalid or ProvisioningError."""
    try:
        connector = connector_class(channel)
    except KeyError as exc:
        raise ProvisioningError(str(exc.args[0])) from None
    if mode not in (Mode.TEST.value, Mode.PRODUCTION.value):
        raise ProvisioningError(f"mode must be test or production, got {mode!r}")
    settings, secrets = validate(connector.settings_spec, values)
    emails = settings.pop("email_errors_to", "") or ""
    now = now or utcnow()
    with database.atomic():
        if (
            Integration.select()
            .where((Integration.channel == channel) & (Integration.name == name))
            .exists()
        ):
            raise ProvisioningError(f"a {channel} integration named {name!r} already exists")
        integration = Integration(
            channel=channel,
            name=name,
            mode=mode,
            settings=settings,
            email_errors_to=emails,
            company=company,
        )
        integration.set_secrets(secrets)
        integration.save()
        for spec in connector.feeds:
            kind = FeedKind(spec.kind)
            Feed.create(
                integration=integration,
                kind=kind.value,
                direction=FEED_DIRECTIONS[kind].value,
                schedule_cron=spec.cron,
                interval_seconds=spec.interval_seconds,
                enabled=spec.enabled,
                next_run_at=next_after(spec.cron, spec.interval_seconds, now)
                if spec.enabled
                else None,
                cursor=_initial_cursor(connector, settings, kind),
            )
        audit(
            actor,
            "create",
            integration,
            {
                "channel": channel,
                "name": name,
                "mode": mode,
                **{k: {"new": v} for k, v in settings.items()},
                **{k: "set" for k in secrets},
            },
        )
    return integration


def _initial_cursor(connector, settings: dict[str, Any], kind: FeedKind) -> dict[str, Any]:
    """Channels whose admins set a starting date (e.g. 'Last Order Pulled Date Time')."""
    return connector.initial_cursor(settings, kind.value)


def update_integration(
    integration: Integration, values: Mapping[str, Any], *, actor: str
) -> list[str]:
    """Apply a partial settings change; returns the names that changed."""
    connector = connector_class(integration.channel)
    settings, secrets = validate(
        connector.settings_spec,
        values,
        existing_secrets=integration.get_secrets().keys(),
        partial=True,
    )
    changes: dict[str, Any] = {}
    if "email_errors_to" in settings:
        new = settings.pop("email_errors_to")
        if new != integration.email_errors_to:
            changes["email_errors_to"] = {"old": integration.email_errors_to, "new": new}
            integration.email_errors_to = new
    merged = dict(integration.settings or {})
    for key, value in settings.items():
        if merged.get(key) != value:
            changes[key] = {"old": merged.get(key), "new": value}
            merged[key] = value
    integration.settings = merged
    for name in integration.set_secrets(secrets):
        changes[name] = "changed"
    if changes:
        with database.atomic():
            integration.save()
            audit(actor, "update", integration, changes)
    return sorted(changes)


def set_mode(integration: Integration, mode: str, *, actor: str) -> bool:
    if mode not in (Mode.TEST.value, Mode.PRODUCTION.value):
        raise ProvisioningError(f"mode must be test or production, got {mode!r}")
    if integration.mode == mode:
        return False
    with database.atomic():
        old = integration.mode
        integration.mode = mode
        integration.save()
        audit(actor, "mode", integration, {"mode": {"old": old, "new": mode}})
    return True
