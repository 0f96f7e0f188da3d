"""`/healthz` and `/metrics`: what a load balancer and Prometheus ask this process.

`/healthz` is public (load balancers carry no session) and says only "ok" or the
exception class per dependency, never a URL or a message that could hold one.

`/metrics` is Prometheus text built per scrape by a custom collector that reads
the execution table (the only source of truth, DESIGN.md) with indexed queries,
plus the depth of the two feed queues. It answers a logged-in session, or a
scraper sending `Authorization: Bearer <METRICS_TOKEN>` when that variable is set;
without the variable only logged-in users can read it.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
import os
from collections.abc import Iterator
from urllib.parse import urlsplit

import peewee
from flask import Flask, Response, jsonify, request
from flask_login import current_user
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_LATEST

import models
from dashboard.formatting import as_utc
from models import ExecutionStatus, Feed, FeedExecution, Integration, utcnow
from workers.broker import broker_url, get_broker, is_in_process
from workers.queues import INBOUND_QUEUE, OUTBOUND_QUEUE

log = logging.getLogger(__name__)

BROKER_TIMEOUT_SECONDS = 3
METRICS_WINDOW = dt.timedelta(hours=1)
FEED_QUEUES = (INBOUND_QUEUE, OUTBOUND_QUEUE)


def check_database() -> str:
    db = models.database.obj
    if db is None:
        return "failed: no database bound"
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1")
    except (peewee.PeeweeException, OSError) as exc:
        log.warning("health check: database unreachable: %s", type(exc).__name__)
        return f"failed: {type(exc).__name__}"
    return "ok"


def _amqp_parameters(url: str):
    import pika

    params = pika.URLParameters(url)
    params.socket_timeout = BROKER_TIMEOUT_SECONDS
    params.blocked_connection_timeout = BROKER_TIMEOUT_SECONDS
    params.stack_timeout = BROKER_TIMEOUT_SECONDS
    params.connection_attempts = 1
    params.retry_delay = 0
    return params


def check_broker() -> str:
    url = broker_url()
    if not urlsplit(url).scheme.startswith("amqp"):
        return "in-process"
    import pika

    try:
        pika.BlockingConnection(_amqp_parameters(url)).close()
    except (pika.exceptions.AMQPError, OSError) as exc:
        log.warning("health check: broker unreachable: %s", type(exc).__name__)
        return f"failed: {type(exc).__name__}"
    return "ok"


def queue_depths() -> dict[str, int | None]:
    """Messages ready per feed queue; None where the broker could not say."""
    url = broker_url()
    if not urlsplit(url).scheme.startswith("amqp"):
        broker = get_broker()
        if not is_in_process(broker):
            return dict.fromkeys(FEED_QUEUES)
        return {q: broker.queues[q].qsize() if q in broker.queues else 0 for q in FEED_QUEUES}
    import pika

    depths: dict[str, int | None] = dict.fromkeys(FEED_QUEUES)
    try:
        connection = pika.BlockingConnection(_amqp_parameters(url))
    except (pika.exceptions.AMQPError, OSError) as exc:
        log.warning("metrics: broker unreachable: %s", type(exc).__name__)
        return depths
    try:
        for queue in FEED_QUEUES:
            channel = connection.channel()  # a passive declare of a missing queue closes it
            try:
                depths[queue] = channel.queue_declare(queue, passive=True).method.message_count
                channel.close()
            except pika.exceptions.ChannelClosedByBroker:
                depths[queue] = 0  # not declared yet: nothing was ever sent to it
    except pika.exceptions.AMQPError as exc:
        log.warning("metrics: queue depth unavailable: %s", type(exc).__name__)
    finally:
        if connection.is_open:
            connection.close()
    return depths


class ChannelhubCollector:
    """Reads the database on every scrape; each query is bounded by an index."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        now = utcnow()
        by_status = GaugeMetricFamily(
            "channelhub_feed_executions_recent",
            "Feed executions queued in the last hour, by status",
            labels=["status"],
        )
        counts = dict(
            FeedExecution.select(FeedExecution.status, peewee.fn.COUNT(FeedExecution.id))
            .where(FeedExecution.queued_at >= now - METRICS_WINDOW)
            .group_by(FeedExecution.status)
            .tuples()
        )
        for status in ExecutionStatus:
            by_status.add_metric([status.value], counts.get(status.value, 0))
        yield by_status

        depth = GaugeMetricFamily(
            "channelhub_queue_messages", "Messages waiting in a feed queue", labels=["queue"]
        )
        for queue, count in queue_depths().items():
            if count is not None:
                depth.add_metric([queue], count)
        yield depth

        yield self._last_success(now)

        from dashboard.queries import unresolved_error_count

        yield GaugeMetricFamily(
            "channelhub_unresolved_errors",
            "Error events nobody resolved yet (capped)",
            value=unresolved_error_count(),
        )

    def _last_success(self, now: dt.datetime) -> GaugeMetricFamily:
        family = GaugeMetricFamily(
            "channelhub_feed_last_success_age_seconds",
            "Seconds since the feed's last successful execution finished",
            labels=["integration", "feed", "kind"],
        )
        last = FeedExecution.select(peewee.fn.MAX(FeedExecution.finished_at)).where(
            (FeedExecution.feed == Feed.id)
            & (FeedExecution.status == ExecutionStatus.SUCCEEDED.value)
        )
        rows = (
            Feed.select(Feed.id, Feed.kind, Integration.name, last.alias("last_success"))
            .join(Integration, on=(Feed.integration == Integration.id))
            .where(Feed.enabled)
            .tuples()
        )
        for feed_id, kind, integration, finished in rows:
            finished = as_utc(finished)
            if finished is None:
                continue
            family.add_metric([integration, str(feed_id), kind], (now - finished).total_seconds())
        return family


def _metrics_allowed() -> bool:
    if current_user.is_authenticated:
        return True
    token = os.environ.get("METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "")
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def init_monitoring(app: Flask) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ChannelhubCollector())

    @app.get("/healthz")
    def healthz() -> tuple[Response, int]:
        """Liveness for load balancers: can this process reach its database and broker?"""
        result = {"database": check_database(), "broker": check_broker()}
        healthy = all(v in ("ok", "in-process") for v in result.values())
        return jsonify(result), 200 if healthy else 503

    @app.get("/metrics")
    def metrics() -> Response:
        if not _metrics_allowed():
            return Response("metrics need a login or the METRICS_TOKEN bearer token\n", 401)
        return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
