"""The overview (landing page): feed health per integration and two charts.

A fixed number of statements whatever the size of the tables: the feeds with the
id of their latest execution (one index probe per feed), those executions by id,
unresolved errors per feed (through the bell's index), and two grouped counts
bounded by an indexed time range. Time buckets are computed in SQL, per backend.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import peewee
from markupsafe import Markup

from dashboard import charts
from dashboard.formatting import STATUS_HEX, as_utc
from dashboard.queries import unresolved_errors
from models import (
    ExecutionEvent,
    ExecutionStatus,
    Feed,
    FeedExecution,
    Integration,
    Order,
    is_postgres,
    utcnow,
)

HOURS = 24
DAYS = 14
# Unresolved errors are counted per feed among the newest ERRORS_CAP of them: a bounded
# index range and as many primary-key probes, however many errors nobody resolved.
ERRORS_CAP = 5000
STATUS_SERIES = [
    charts.Series(s.value, s.value, STATUS_HEX[s.value])
    for s in (
        ExecutionStatus.SUCCEEDED,
        ExecutionStatus.PARTIAL,
        ExecutionStatus.SKIPPED,
        ExecutionStatus.RETRYING,
        ExecutionStatus.FAILED,
        ExecutionStatus.LOST,
        ExecutionStatus.RUNNING,
        ExecutionStatus.QUEUED,
    )
]
ORDER_SERIES = [charts.Series("orders", "orders imported", "#007bff")]


@dataclass
class FeedHealth:
    feed: Feed
    last: FeedExecution | None
    unresolved: int
    capped: bool = False  # more unresolved errors exist than were counted


@dataclass
class IntegrationHealth:
    integration: Integration
    feeds: list[FeedHealth] = field(default_factory=list)

    @property
    def unresolved(self) -> int:
        return sum(f.unresolved for f in self.feeds)

    @property
    def capped(self) -> bool:
        return any(f.capped for f in self.feeds)


def _bucket(column: peewee.Field, unit: str) -> peewee.Node:
    if is_postgres():
        return peewee.fn.date_trunc(unit, column)
    pattern = "%Y-%m-%d %H:00:00" if unit == "hour" else "%Y-%m-%d 00:00:00"
    return peewee.fn.strftime(pattern, column)


def _key(value) -> dt.datetime:
    return as_utc(value)


def feed_health() -> list[IntegrationHealth]:
    last_id = (
        FeedExecution.select(FeedExecution.id)
        .where(FeedExecution.feed == Feed.id)
        .order_by(FeedExecution.queued_at.desc(), FeedExecution.id.desc())
        .limit(1)
    )
    feeds = list(
        Feed.select(
            Feed.id,
            Feed.integration,
            Feed.kind,
            Feed.direction,
            Feed.schedule_cron,
            Feed.interval_seconds,
            Feed.next_run_at,
            Feed.enabled,
            Integration.id,
            Integration.name,
            Integration.channel,
            Integration.mode,
            Integration.enabled,
            Integration.paused_reason,
            last_id.alias("last_execution_id"),
        )
        .join(Integration, on=(Feed.integration == Integration.id))
        .order_by(Integration.name, Integration.id, Feed.kind)
    )
    ids = [f.last_execution_id for f in feeds if f.last_execution_id]
    last = (
        {
            e.id: e
            for e in FeedExecution.select(
                FeedExecution.id,
                FeedExecution.status,
                FeedExecution.queued_at,
                FeedExecution.started_at,
                FeedExecution.finished_at,
                FeedExecution.attempt,
                FeedExecution.max_attempts,
                FeedExecution.next_attempt_at,
                FeedExecution.summary,
            ).where(FeedExecution.id.in_(ids))
        }
        if ids
        else {}
    )
    errors, capped = unresolved_per_feed()
    grouped: dict[int, IntegrationHealth] = {}
    for feed in feeds:
        health = grouped.setdefault(feed.integration.id, IntegrationHealth(feed.integration))
        health.feeds.append(
            FeedHealth(feed, last.get(feed.last_execution_id), errors.get(feed.id, 0), capped)
        )
    return list(grouped.values())


def unresolved_per_feed() -> tuple[dict[int, int], bool]:
    """Unresolved error events per feed, among the newest ERRORS_CAP (and whether capped)."""
    newest = (
        unresolved_errors()
        .select(ExecutionEvent.execution)
        .order_by(ExecutionEvent.id.desc())
        .limit(ERRORS_CAP + 1)
        .alias("newest")
    )
    rows = (
        FeedExecution.select(FeedExecution.feed, peewee.fn.COUNT(peewee.SQL("*")))
        .join(newest, on=(FeedExecution.id == newest.c.execution_id))
        .group_by(FeedExecution.feed)
        .tuples()
    )
    counts = dict(rows)
    return counts, sum(counts.values()) > ERRORS_CAP


def executions_per_hour(now: dt.datetime) -> tuple[list[charts.Bucket], dict[str, int]]:
    start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=HOURS - 1)
    bucket = _bucket(FeedExecution.queued_at, "hour")
    rows = (
        FeedExecution.select(bucket, FeedExecution.status, peewee.fn.COUNT(FeedExecution.id))
        .where(FeedExecution.queued_at >= start)
        .group_by(bucket, FeedExecution.status)
        .tuples()
    )
    counts: dict[dt.datetime, dict[str, int]] = defaultdict(dict)
    totals: dict[str, int] = defaultdict(int)
    for hour, status, count in rows:
        counts[_key(hour)][status] = count
        totals[status] += count
    buckets = []
    for i in range(HOURS):
        hour = start + dt.timedelta(hours=i)
        end = hour + dt.timedelta(hours=1)
        buckets.append(
            charts.Bucket(
                label=hour.strftime("%H:00") if i % 3 == 0 else "",
                title=f"{hour:%Y-%m-%d %H:%M}–{end:%H:%M} UTC",
                values=counts.get(hour, {}),
            )
        )
    return buckets, dict(totals)


def orders_per_day(now: dt.datetime) -> tuple[list[charts.Bucket], int]:
    start = now.replace(hour=0, minute=0, second=0, microsecond=0) - dt.timedelta(days=DAYS - 1)
    bucket = _bucket(Order.imported_at, "day")
    rows = (
        Order.select(bucket, peewee.fn.COUNT(peewee.SQL("*")))  # index-only on imported_at
        .where(Order.imported_at >= start)
        .group_by(bucket)
        .tuples()
    )
    counts = {_key(day): count for day, count in rows}
    buckets = []
    for i in range(DAYS):
        day = start + dt.timedelta(days=i)
        buckets.append(
            charts.Bucket(
                label=day.strftime("%d %b") if i % 2 == (DAYS - 1) % 2 else "",
                title=day.strftime("%a %d %b %Y (UTC)"),
                values={"orders": counts.get(day, 0)},
            )
        )
    return buckets, sum(counts.values())


@dataclass
class Overview:
    integrations: list[IntegrationHealth]
    status_totals: dict[str, int]
    executions_chart: Markup
    executions_legend: Markup
    orders_chart: Markup
    orders_total: int

    def total(self, *statuses: str) -> int:
        return sum(self.status_totals.get(str(s), 0) for s in statuses)

    @property
    def paused(self) -> list[Integration]:
        return [h.integration for h in self.integrations if h.integration.paused_reason]


def overview(now: dt.datetime | None = None) -> Overview:
    now = now or utcnow()
    hourly, totals = executions_per_hour(now)
    daily, orders_total = orders_per_day(now)
    return Overview(
        integrations=feed_health(),
        status_totals=totals,
        executions_chart=charts.stacked_bars(
            hourly, STATUS_SERIES, label="Executions per hour by status", unit="executions"
        ),
        executions_legend=charts.legend(STATUS_SERIES, totals),
        orders_chart=charts.stacked_bars(
            daily, ORDER_SERIES, label="Orders imported per day", unit="orders", width=480
        ),
        orders_total=orders_total,
    )
