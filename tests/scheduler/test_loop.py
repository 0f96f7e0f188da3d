"""The scheduler on SQLite: claiming, coalescing, overlap, the sweep and lost runs."""

import datetime as dt

from freezegun import freeze_time

from models import ExecutionEvent, ExecutionStatus, Feed, FeedExecution, utcnow
from scheduler.digest import Digest
from scheduler.loop import Scheduler
from workers.provisioning import create_integration
from workers.queues import INBOUND_QUEUE, OUTBOUND_QUEUE

MIRAKL = {"hostname": "http://127.0.0.1:9/mirakl", "shop_id": "1", "api_key": "secret-key-1"}


def scheduler() -> Scheduler:
    return Scheduler(digest=Digest(None))


def make_integration(now, **kw):
    integration = create_integration("mirakl", kw.pop("name", "Shop"), MIRAKL, now=now, **kw)
    return integration, {f.kind: f for f in integration.feeds}


def queued_messages(broker) -> int:
    return sum(broker.queues[q].qsize() for q in (INBOUND_QUEUE, OUTBOUND_QUEUE))


def test_due_feed_gets_one_execution_and_next_run_advances(db, stub_broker):
    start = utcnow().replace(microsecond=0)
    _, feeds = make_integration(start)
    feed = feeds["import_new_orders"]
    assert feed.next_run_at == start + dt.timedelta(seconds=300)

    report = scheduler().tick(start + dt.timedelta(seconds=299))
    assert report.queued == []

    later = start + dt.timedelta(seconds=301)
    report = scheduler().tick(later)
    executions = list(FeedExecution.select().where(FeedExecution.feed == feed.id))
    assert [e.status for e in executions] == ["queued"]
    assert executions[0].due_at == start + dt.timedelta(seconds=300)
    assert executions[0].id in report.queued
    assert Feed.get_by_id(feed.id).next_run_at == start + dt.timedelta(seconds=600)
    assert queued_messages(stub_broker) >= 1


def test_missed_runs_coalesce_into_one(db):
    start = utcnow().replace(microsecond=0)
    _, feeds = make_integration(start)
    feed = feeds["update_orders"]  # every 900 s
    # Down for 2 h 10: eight slots missed, one execution.
    scheduler().tick(start + dt.timedelta(hours=2, minutes=10))
    assert FeedExecution.select().where(FeedExecution.feed == feed.id).count() == 1
    assert Feed.get_by_id(feed.id).next_run_at == start + dt.timedelta(hours=2, minutes=15)


def test_overlapping_due_time_is_skipped_with_info_event(db):
    start = utcnow().replace(microsecond=0)
    _, feeds = make_integration(start)
    feed = feeds["import_new_orders"]
    scheduler().tick(start + dt.timedelta(seconds=301))
    scheduler().tick(start + dt.timedelta(seconds=601))  # the first one is still queued
    runs = FeedExecution.select().where(FeedExecution.feed == feed.id).order_by(FeedExecution.id)
    statuses = [e.status for e in runs]
    assert statuses == ["queued", "skipped"]
    skipped = FeedExecution.select().where(FeedExecution.status == "skipped").get()
    event = ExecutionEvent.get(ExecutionEvent.execution == skipped.id)
    assert event.severity == "info" and event.code == "overlap"
    assert "still active" in event.message


def test_disabled_and_paused_integrations_are_not_scheduled(db):
    start = utcnow().replace(microsecond=0)
    disabled, _ = make_integration(start, name="Off")
    disabled.enabled = False
    disabled.save()
    paused, _ = make_integration(start, name="Paused")
    paused.paused_reason = "bad credentials"
    paused.save()
    assert scheduler().tick(start + dt.timedelta(hours=1)).queued == []


def test_sweep_resends_executions_left_queued(db, stub_broker):
    start = utcnow().replace(microsecond=0)
    _, feeds = make_integration(start)
    sched = scheduler()
    first = sched.tick(start + dt.timedelta(seconds=301)).queued
    stub_broker.flush_all()  # the message is lost between commit and broker
    too_early = sched.tick(start + dt.timedelta(seconds=302))
    assert too_early.resent == []
    report = sched.tick(start + dt.timedelta(seconds=301 + 601))
    assert set(first) <= set(report.resent)
    assert queued_messages(stub_broker) >= len(first)


def test_expired_lease_reruns_inbound_and_marks_outbound_lost(db):
    start = utcnow().replace(microsecond=0)
    _, feeds = make_integration(start, mode="production")
    inbound = FeedExecution.create(
        feed=feeds["import_new_orders"].id,
        integration=feeds["import_new_orders"].integration_id,
        kind="import_new_orders",
        status="running",
        attempt=1,
        lease_expires_at=start - dt.timedelta(seconds=1),
        worker="host:1",
    )
    outbound = FeedExecution.create(
        feed=feeds["confirm_shipments"].id,
        integration=feeds["confirm_shipments"].integration_id,
        kind="confirm_shipments",
        status="running",
        attempt=1,
        lease_expires_at=start - dt.timedelta(seconds=1),
        worker="host:1",
    )
    exhausted = FeedExecution.create(
        feed=feeds["update_orders"].id,
        integration=feeds["update_orders"].integration_id,
        kind="update_orders",
        status="running",
        attempt=8,
        max_attempts=8,
        lease_expires_at=start - dt.timedelta(seconds=1),
        worker="host:1",
    )
    report = scheduler().tick(start)
    assert set(report.lost) == {inbound.id, outbound.id, exhausted.id}
    assert FeedExecution.get_by_id(inbound.id).status == ExecutionStatus.RETRYING.value
    assert FeedExecution.get_by_id(outbound.id).status == ExecutionStatus.LOST.value
    failed = FeedExecution.get_by_id(exhausted.id)
    assert failed.status == ExecutionStatus.FAILED.value
    assert "worker died" in failed.summary
    lost_event = ExecutionEvent.get(ExecutionEvent.execution == outbound.id)
    assert lost_event.severity == "error" and "retry or give up" in lost_event.message


@freeze_time("2026-05-01 10:00:00")
def test_run_now_creates_manual_execution_or_skips_when_busy(db):
    from workers.dispatch import run_now

    _, feeds = make_integration(utcnow())
    feed = feeds["import_new_orders"]
    first = run_now(feed.id)
    assert first.trigger == "manual" and first.status == "queued"
    second = run_now(feed.id)
    assert second.status == "skipped"
    assert f"#{first.id}" in second.summary
