"""Which volume level applies when: walked across a Peak switchover with advance days.

The rule is a pure function (channels/marks_spencer/volume.py); the scheduler and
provisioning use it through the connector's `feed_schedule` hook.
"""

from __future__ import annotations

import datetime as dt

import pytest
from freezegun import freeze_time

from channels.marks_spencer import Connector, volume
from models import Feed, FeedExecution, Integration
from scheduler.digest import Digest
from scheduler.loop import Scheduler
from scheduler.schedules import next_run
from workers.provisioning import create_integration, update_integration

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


# Off-Peak now; Peak prepared for 1 November with a 3-day advance: Peak from 29 October.
SETTINGS = {
    "volume_level": "off_peak",
    "off_peak_push_schedule": "0 9 * * *",
    "peak_push_schedule": "0 */2 * * *",
    "off_peak_next_at": "2026-01-05T09:00:00+00:00",
    "peak_next_at": "2026-11-01T00:00:00+00:00",
    "peak_advance_days": 3,
    "off_peak_batch_size": 200,
    "peak_batch_size": 800,
    "sod_schedule": "30 5 * * *",
    "sod_next_at": "2026-10-27T05:30:00+00:00",
}


@pytest.mark.parametrize(
    ("now", "level", "cron", "batch"),
    [
        ("2026-10-28 23:59:59", "off_peak", "0 9 * * *", 200),  # before the advance window
        ("2026-10-29 00:00:00", "peak", "0 */2 * * *", 800),  # the window opens
        ("2026-10-31 12:00:00", "peak", "0 */2 * * *", 800),  # inside the window
        ("2026-11-15 12:00:00", "peak", "0 */2 * * *", 800),  # after Peak Next At
    ],
)
def test_level_schedule_and_batch_size_across_the_switchover(now, level, cron, batch):
    with freeze_time(now):
        plan = volume.plan_at(SETTINGS)
        assert volume.level_at(SETTINGS) == level
    assert (plan.level, plan.push_schedule, plan.batch_size) == (level, cron, batch)
    release = Connector(SETTINGS, {"api_key": "k"}).release_batch(at(now))
    assert (release.level, release.max_orders) == (plan.label, batch)


def test_the_switchover_moves_with_advance_days():
    with freeze_time("2026-10-31 12:00:00"):
        assert volume.level_at({**SETTINGS, "peak_advance_days": 0}) == "off_peak"
        assert volume.level_at({**SETTINGS, "peak_advance_days": 2}) == "peak"
    with freeze_time("2026-11-01 00:00:00"):
        assert volume.level_at({**SETTINGS, "peak_advance_days": 0}) == "peak"


def test_a_past_seasons_peak_date_does_not_switch_and_peak_level_always_applies():
    past_season = {**SETTINGS, "peak_next_at": "2025-11-01T00:00:00+00:00"}
    no_peak_date = {k: v for k, v in SETTINGS.items() if k != "peak_next_at"}
    no_off_peak_date = {k: v for k, v in SETTINGS.items() if k != "off_peak_next_at"}
    with freeze_time("2026-11-15 12:00:00"):
        assert volume.level_at(past_season) == "off_peak"
        assert volume.level_at(no_peak_date) == "off_peak"
        assert volume.level_at(no_off_peak_date) == "peak"
    with freeze_time("2026-06-01 12:00:00"):
        assert volume.level_at({**SETTINGS, "volume_level": "peak"}) == "peak"
        assert volume.plan_at({"volume_level": "peak"}).batch_size == 500  # the default


def release_feed(settings) -> Feed:
    """A release feed whose integration is held in memory (the scheduler joins it)."""
    integration = Integration(id=1, channel="marks_spencer", settings=settings)
    feed = Feed(kind="release_demand", interval_seconds=60, integration=integration)
    feed.integration_id = 1
    return feed


def test_the_scheduler_follows_the_level_and_runs_at_the_switchover():
    feed = release_feed(SETTINGS)
    # Off-Peak: daily at 09:00, but the Peak window opens at midnight before the next slot.
    assert next_run(feed, at("2026-10-27 09:00"), at("2026-10-27 09:00")) == at("2026-10-28 09:00")
    assert next_run(feed, at("2026-10-28 09:00"), at("2026-10-28 09:00")) == at("2026-10-29 00:00")
    # Peak from then on: every two hours.
    assert next_run(feed, at("2026-10-29 00:00"), at("2026-10-29 00:00")) == at("2026-10-29 02:00")
    # Missed slots coalesce as for any feed.
    assert next_run(feed, at("2026-10-29 02:00"), at("2026-10-29 07:13")) == at("2026-10-29 08:00")


def test_first_runs_wait_for_next_at():
    peak_later = {**SETTINGS, "volume_level": "peak", "peak_next_at": "2026-06-01T07:00:00+00:00"}
    early = at("2026-05-20 10:00")
    assert volume.release_schedule(peak_later, early).next_after(early) == at("2026-06-01 07:00")
    sod = volume.start_of_day_schedule(SETTINGS)
    assert sod.next_after(at("2026-10-01 00:00")) == at("2026-10-27 05:30")
    assert sod.next_after(at("2026-10-27 05:30")) == at("2026-10-28 05:30")


def test_other_feeds_keep_their_own_rows():
    for kind in ("update_orders", "confirm_shipments"):
        assert Connector.feed_schedule(kind, SETTINGS, at("2026-10-01 00:00")) is None
    feed = Feed(kind="update_orders", interval_seconds=1800)
    assert next_run(feed, at("2026-10-01 00:00"), at("2026-10-01 00:00")) == at("2026-10-01 00:30")


def feeds_of(integration) -> dict[str, Feed]:
    return {f.kind: f for f in Feed.select().where(Feed.integration == integration.id)}


@freeze_time("2026-10-20 12:00:00")
def test_provisioning_schedules_from_the_settings_and_follows_changes(db):
    values = {k: str(v) for k, v in SETTINGS.items()}
    integration = create_integration("marks_spencer", "M&S", {**values, "api_key": "k"})
    feeds = feeds_of(integration)
    assert feeds["import_new_orders"].next_run_at == at("2026-10-27 05:30")
    assert feeds["import_new_orders"].schedule_cron == "30 5 * * *"
    assert feeds["release_demand"].next_run_at == at("2026-10-21 09:00")
    assert feeds["release_demand"].schedule_cron == "0 9 * * *"
    assert feeds["update_orders"].interval_seconds == 1800
    assert feeds["release_demand"].direction == "internal"
    assert feeds["update_orders"].cursor["updated_from"].startswith("2026-10-20T12:00")

    update_integration(integration, {"email_errors_to": "ops@example.com"}, actor="test")
    assert feeds_of(integration)["release_demand"].next_run_at == at("2026-10-21 09:00")

    update_integration(integration, {"volume_level": "peak"}, actor="test")
    release = feeds_of(integration)["release_demand"]  # Peak starts at its Next At
    assert (release.schedule_cron, release.next_run_at) == ("0 */2 * * *", at("2026-11-01 00:00"))
    update_integration(integration, {"peak_next_at": "2026-10-20T10:00:00Z"}, actor="test")
    release = feeds_of(integration)["release_demand"]  # already begun: the next Peak slot
    assert release.next_run_at == at("2026-10-20 14:00")
    assert feeds_of(integration)["import_new_orders"].next_run_at == at("2026-10-27 05:30")

    update_integration(integration, {"sod_next_at": "2026-10-20T12:30:00Z"}, actor="test")
    assert feeds_of(integration)["import_new_orders"].next_run_at == at("2026-10-20 12:30")
    update_integration(integration, {"sod_schedule": "0 4 * * *"}, actor="test")
    sod = feeds_of(integration)["import_new_orders"]
    assert (sod.schedule_cron, sod.next_run_at) == ("0 4 * * *", at("2026-10-20 12:30"))


def test_the_scheduler_loop_queues_releases_on_the_level_that_applies(db, stub_broker):
    values = {k: str(v) for k, v in SETTINGS.items()}
    with freeze_time("2026-10-28 08:00:00"):
        integration = create_integration("marks_spencer", "M&S", {**values, "api_key": "k"})
    release = feeds_of(integration)["release_demand"]
    assert release.next_run_at == at("2026-10-28 09:00")
    Feed.update(enabled=False).where(Feed.id != release.id).execute()
    loop = Scheduler(digest=Digest(None))
    times = []
    for now in ("2026-10-28 09:00:01", "2026-10-29 00:00:01", "2026-10-29 02:00:01"):
        report = loop.tick(at(now))
        assert len(report.queued) == 1
        FeedExecution.update(status="succeeded").execute()  # the run ended
        times.append(feeds_of(integration)["release_demand"].next_run_at)
    # Off-Peak 09:00 -> the switchover at midnight -> every two hours on Peak.
    assert times == [at("2026-10-29 00:00"), at("2026-10-29 02:00"), at("2026-10-29 04:00")]
