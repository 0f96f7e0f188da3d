"""Schedules: cron (UTC) or a fixed interval. Missed slots are skipped, not burst."""

from __future__ import annotations

import datetime as dt
import logging

from croniter import croniter

from channels.base import FeedSchedule
from channels.registry import connector_class
from models import Feed

log = logging.getLogger(__name__)


class ScheduleInvalid(ValueError):
    pass


def validate_cron(expression: str) -> str:
    text = expression.strip()
    if not croniter.is_valid(text):
        raise ScheduleInvalid(f"{expression!r} is not a cron expression (5 fields, UTC)")
    return text


def next_after(
    cron: str | None, interval_seconds: int | None, after: dt.datetime
) -> dt.datetime | None:
    """The first slot strictly after `after` (None: manual only)."""
    if cron:
        return croniter(cron, after).get_next(dt.datetime).astimezone(dt.UTC)
    if interval_seconds:
        return after + dt.timedelta(seconds=interval_seconds)
    return None


def next_run(feed: Feed, due: dt.datetime, now: dt.datetime) -> dt.datetime | None:
    """Advance from the slot that was due; slots missed while nobody ran coalesce into one.

    For an interval the grid stays anchored on the scheduled time (no drift), jumping
    straight past `now` when several slots were missed. A feed whose channel settings
    decide its timing (M&S volume levels) follows them instead of its row.
    """
    settings_schedule = channel_schedule(feed, max(due, now))
    if settings_schedule is not None:
        return settings_schedule.next_after(max(due, now))
    if feed.schedule_cron:
        return next_after(feed.schedule_cron, None, max(due, now))
    if feed.interval_seconds:
        step = dt.timedelta(seconds=feed.interval_seconds)
        upcoming = due + step
        if upcoming <= now:
            missed = (now - due) // step
            upcoming = due + step * (missed + 1)
        return upcoming
    return None


def channel_schedule(feed: Feed, at: dt.datetime) -> FeedSchedule | None:
    """The schedule the feed's channel derives from its settings at `at`, if it has one."""
    if feed.integration_id is None:
        return None
    integration = feed.integration
    try:
        connector = connector_class(integration.channel)
    except (KeyError, ImportError) as exc:  # the row's schedule still works; say why
        log.warning("feed %s follows its own schedule: %s", feed.id, exc)
        return None
    return connector.feed_schedule(feed.kind, integration.settings or {}, at)


def upcoming(feed_or_cron, interval_seconds: int | None = None, *, count: int = 3, now=None):
    """The next `count` run times (shown next to a schedule being edited)."""
    if isinstance(feed_or_cron, Feed):
        cron, interval = feed_or_cron.schedule_cron, feed_or_cron.interval_seconds
    else:
        cron, interval = feed_or_cron, interval_seconds
    at = now or dt.datetime.now(dt.UTC)
    times = []
    for _ in range(count):
        at = next_after(cron, interval, at)
        if at is None:
            break
        times.append(at)
    return times
