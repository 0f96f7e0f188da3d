import datetime as dt

from freezegun import freeze_time

from models import Feed
from scheduler.schedules import next_after, next_run, upcoming

UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_cron_is_utc_and_strictly_after():
    assert next_after("0 6 * * *", None, at("2026-03-01 06:00")) == at("2026-03-02 06:00")
    assert next_after("*/15 * * * *", None, at("2026-03-01 06:01")) == at("2026-03-01 06:15")


def test_interval_and_manual():
    assert next_after(None, 300, at("2026-03-01 06:00")) == at("2026-03-01 06:05")
    assert next_after(None, None, at("2026-03-01 06:00")) is None


def test_missed_interval_slots_coalesce_and_stay_on_grid():
    feed = Feed(interval_seconds=600)
    # Due at 06:00, the scheduler was down until 06:47: one run now, the next at 06:50.
    assert next_run(feed, at("2026-03-01 06:00"), at("2026-03-01 06:47")) == at("2026-03-01 06:50")
    # On time: simply the next slot.
    assert next_run(feed, at("2026-03-01 06:00"), at("2026-03-01 06:00")) == at("2026-03-01 06:10")


def test_missed_cron_slots_coalesce():
    feed = Feed(schedule_cron="0 * * * *")
    assert next_run(feed, at("2026-03-01 01:00"), at("2026-03-01 05:30")) == at("2026-03-01 06:00")


@freeze_time("2026-03-01 23:59:30")
def test_upcoming_three_times_cross_midnight():
    times = upcoming("0 0 * * *")
    assert times == [at("2026-03-02 00:00"), at("2026-03-03 00:00"), at("2026-03-04 00:00")]
