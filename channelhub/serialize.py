"""Whole records as JSON-ready dicts for `--json` output (never a secret value)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from models import ExecutionAttempt, ExecutionEvent, Feed, FeedExecution, Integration, Order


def _value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def integration_dict(integration: Integration) -> dict[str, Any]:
    return {
        "id": integration.id,
        "channel": integration.channel,
        "name": integration.name,
        "mode": integration.mode,
        "enabled": integration.enabled,
        "settings": integration.settings,
        "secrets_set": sorted(integration.get_secrets().keys()),
        "email_errors_to": integration.email_errors_to,
        "paused_reason": integration.paused_reason,
        "company_id": integration.company_id,
    }


def feed_dict(feed: Feed) -> dict[str, Any]:
    return {
        "id": feed.id,
        "integration_id": feed.integration_id,
        "kind": feed.kind,
        "direction": feed.direction,
        "schedule_cron": feed.schedule_cron,
        "interval_seconds": feed.interval_seconds,
        "schedule": feed.schedule_text(),
        "next_run_at": _value(feed.next_run_at),
        "enabled": feed.enabled,
        "cursor": feed.cursor,
    }


def event_dict(event: ExecutionEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "severity": event.severity,
        "code": event.code,
        "message": event.message,
        "record_ref": event.record_ref,
        "details": event.details,
        "created_at": _value(event.created_at),
        "resolved_at": _value(event.resolved_at),
        "resolved_by": event.resolved_by,
    }


def attempt_dict(attempt: ExecutionAttempt) -> dict[str, Any]:
    return {
        "number": attempt.number,
        "worker": attempt.worker,
        "started_at": _value(attempt.started_at),
        "finished_at": _value(attempt.finished_at),
        "outcome": attempt.outcome,
        "message": attempt.message,
    }


def execution_dict(execution: FeedExecution, *, with_events: bool = False) -> dict[str, Any]:
    data = {
        "id": execution.id,
        "feed_id": execution.feed_id,
        "integration_id": execution.integration_id,
        "kind": execution.kind,
        "trigger": execution.trigger,
        "status": execution.status,
        "attempt": execution.attempt,
        "max_attempts": execution.max_attempts,
        "next_attempt_at": _value(execution.next_attempt_at),
        "retry_after_seconds": execution.retry_after_seconds,
        "settings_version": execution.settings_version,
        "queued_at": _value(execution.queued_at),
        "started_at": _value(execution.started_at),
        "finished_at": _value(execution.finished_at),
        "counters": {
            name: getattr(execution, name)
            for name in (
                "seen",
                "created",
                "updated",
                "skipped",
                "info_events",
                "retry_events",
                "error_events",
            )
        },
        "summary": execution.summary,
    }
    if with_events:
        data["events"] = [event_dict(e) for e in execution.events.order_by(ExecutionEvent.id)]
        data["attempts"] = [
            attempt_dict(a) for a in execution.attempts.order_by(ExecutionAttempt.number)
        ]
    return data


def order_dict(order: Order, lines=None) -> dict[str, Any]:
    lines = lines if lines is not None else list(order.lines)
    return {
        "id": order.id,
        "integration_id": order.integration_id,
        "channel_order_id": order.channel_order_id,
        "status": order.status,
        "channel_status": order.channel_status,
        "placed_at": _value(order.placed_at),
        "imported_at": _value(order.imported_at),
        "currency": order.currency,
        "total": _value(order.total),
        "shipping_method": order.shipping_method,
        "buyer": order.buyer,
        "shipping_address": order.shipping_address,
        "billing_address": order.billing_address,
        "attributes": order.attributes,
        "carrier": order.carrier,
        "tracking_number": order.tracking_number,
        "dispatched_at": _value(order.dispatched_at),
        "shipped_at": _value(order.shipped_at),
        "cancelled_at": _value(order.cancelled_at),
        "confirmation": order.confirmation,
        "lines": [
            {
                "line_number": line.line_number,
                "channel_line_id": line.channel_line_id,
                "channel_sku": line.channel_sku,
                "sku": line.sku,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": _value(line.unit_price),
                "type": line.line_type,
                "personalisation": line.personalisation,
            }
            for line in sorted(lines, key=lambda x: x.line_number)
        ],
    }
