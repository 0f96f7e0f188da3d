"""Creating and changing integrations with their feeds: one path for the CLI, dashboard and demo.

Settings are validated against the channel's declared settings; secrets are split
off and encrypted; every change is written to the audit log (secret values never).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from channels.base import FeedSpec
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
    secrets_later: bool = False,
) -> Integration:
    """Create an integration and its default feeds; raises SettingsInvalid or ProvisioningError.

    With `secrets_later` (a configuration import, which never carries secrets) missing
    secrets are allowed and the integration stays paused until they are set.
    """
    try:
        connector = connector_class(channel)
    except KeyError as exc:
        raise ProvisioningError(str(exc.args[0])) from None
    if mode not in (Mode.TEST.value, Mode.PRODUCTION.value):
        raise ProvisioningError(f"mode must be test or production, got {mode!r}")
    secret_names = [spec.name for spec in connector.settings_spec if spec.secret]
    settings, secrets = validate(
        connector.settings_spec, values, existing_secrets=secret_names if secrets_later else ()
    )
    missing = [
        spec.name
        for spec in connector.settings_spec
        if spec.secret and spec.required and spec.name not in secrets
    ]
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
        if missing:
            integration.paused_reason = f"credentials not set yet: {', '.join(missing)}"
            integration.paused_at = now
        integration.save()
        for spec in connector.feeds:
            kind = FeedKind(spec.kind)
            cron, interval, next_run_at = _feed_timing(connector, spec, settings, now)
            Feed.create(
                integration=integration,
                kind=kind.value,
                direction=FEED_DIRECTIONS[kind].value,
                schedule_cron=cron,
                interval_seconds=interval,
                enabled=spec.enabled,
                next_run_at=next_run_at if spec.enabled else None,
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


def _feed_timing(connector, spec: FeedSpec, settings: dict[str, Any], now: dt.datetime):
    """(cron, interval, first run) of a new feed; channel settings decide it when they can."""
    schedule = connector.feed_schedule(spec.kind, settings, now)
    if schedule is None:
        return spec.cron, spec.interval_seconds, next_after(spec.cron, spec.interval_seconds, now)
    return schedule.cron, schedule.interval_seconds, schedule.next_after(now)


def _sync_feed_schedules(integration: Integration, connector, before: dict[str, Any]) -> None:
    """Settings that decide a feed's timing (M&S volume levels) move its schedule with them.

    Only feeds whose schedule changed are touched, so editing an unrelated setting never
    moves (or skips) a run that is due.
    """
    now = utcnow()
    for feed in Feed.select().where(Feed.integration == integration.id):
        schedule = connector.feed_schedule(feed.kind, integration.settings, now)
        if schedule is None or schedule == connector.feed_schedule(feed.kind, before, now):
            continue
        feed.schedule_cron = schedule.cron
        feed.interval_seconds = schedule.interval_seconds
        feed.next_run_at = schedule.next_after(now) if feed.enabled else None
        feed.save()


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
        new = settings.pop("email_errors_to") or ""
        if new != integration.email_errors_to:
            changes["email_errors_to"] = {"old": integration.email_errors_to, "new": new}
            integration.email_errors_to = new
    before = dict(integration.settings or {})
    merged = dict(before)
    for key, value in settings.items():
        if merged.get(key) != value:
            changes[key] = {"old": merged.get(key), "new": value}
            if value is None:
                merged.pop(key, None)
            else:
                merged[key] = value
    integration.settings = merged
    for name in integration.set_secrets(secrets):
        changes[name] = "changed"
    if changes:
        with database.atomic():
            integration.save()
            _sync_feed_schedules(integration, connector, before)
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
