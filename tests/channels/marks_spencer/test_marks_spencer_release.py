"""The demand release: held orders into production in batches of the current level's size.

Runs go through the lifecycle (`execute`) as the actor does; the concurrent release is
checked on PostgreSQL, where two transactions really run at once.
"""

from __future__ import annotations

import datetime as dt
import threading

from models import (
    ExecutionEvent,
    Feed,
    FeedExecution,
    Order,
    OrderExecution,
    OrderStatus,
    Trigger,
    utcnow,
)
from models.db import close_quietly
from workers.dispatch import new_execution
from workers.lifecycle import execute
from workers.provisioning import create_integration, update_integration
from workers.runners.demand import release_held_orders

START = dt.datetime(2026, 3, 1, 6, 0, tzinfo=dt.UTC)


def setup(count: int, **settings):
    values = {"api_key": "k", "off_peak_batch_size": "3", "peak_batch_size": "5", **settings}
    integration = create_integration("marks_spencer", "M&S", values)
    held(integration.id, count)
    feed = Feed.get((Feed.integration == integration.id) & (Feed.kind == "release_demand"))
    return integration, feed


def held(integration_id: int, count: int, first: int = 0) -> None:
    """Held orders placed one minute apart, inserted newest first (the release sorts)."""
    for n in reversed(range(first, first + count)):
        Order.create(
            integration=integration_id,
            channel_order_id=f"MS{n:05d}",
            status=OrderStatus.HELD.value,
            placed_at=START + dt.timedelta(minutes=n),
        )


def run(feed: Feed) -> FeedExecution:
    execution = new_execution(Feed.get_by_id(feed.id), Trigger.MANUAL, utcnow())
    execute(execution.id)
    return FeedExecution.get_by_id(execution.id)


def released_numbers(execution: FeedExecution) -> list[str]:
    query = (
        Order.select(Order.channel_order_id)
        .join(OrderExecution)
        .where((OrderExecution.execution == execution.id) & (OrderExecution.action == "released"))
        .order_by(Order.channel_order_id)
    )
    return [o.channel_order_id for o in query]


def event_of(execution: FeedExecution) -> ExecutionEvent:
    return ExecutionEvent.get(
        (ExecutionEvent.execution == execution.id) & (ExecutionEvent.code == "demand_released")
    )


def count(status: OrderStatus) -> int:
    return Order.select().where(Order.status == status.value).count()


def test_batches_follow_the_level_oldest_first_and_a_level_change_between_runs(db):
    integration, feed = setup(12)
    first = run(feed)
    assert (first.status, first.updated) == ("succeeded", 3)
    assert released_numbers(first) == ["MS00000", "MS00001", "MS00002"]
    event = event_of(first)
    assert event.severity == "info"
    assert "released 3 held orders" in event.message and "Off-Peak" in event.message
    assert "9 remain held" in event.message and event.details["remaining_held"] == 9

    update_integration(integration, {"volume_level": "peak"}, actor="test")
    second = run(feed)
    assert released_numbers(second) == [f"MS{n:05d}" for n in range(3, 8)]
    assert "Peak batch size 5" in event_of(second).message

    update_integration(integration, {"volume_level": "off_peak"}, actor="test")
    assert run(feed).updated == 3
    last = run(feed)
    assert last.updated == 1 and "0 remain held" in event_of(last).message
    assert run(feed).updated == 0
    assert (count(OrderStatus.RELEASED), count(OrderStatus.HELD)) == (12, 0)
    links = OrderExecution.select().where(OrderExecution.action == "released")
    assert links.count() == 12 == len({link.order_id for link in links})


def test_a_prepared_peak_applies_its_batch_size_inside_the_advance_window(db):
    now = utcnow()
    _, feed = setup(
        20,
        off_peak_next_at=(now - dt.timedelta(days=30)).isoformat(),
        peak_next_at=(now + dt.timedelta(days=2)).isoformat(),
        peak_advance_days="3",
    )
    assert run(feed).updated == 5  # Peak, two days before Peak Next At


def test_only_held_orders_of_this_integration_are_released(db):
    _, feed = setup(2)
    other = create_integration("marks_spencer", "M&S other", {"api_key": "k2"})
    held(other.id, 4, first=100)
    Order.update(status=OrderStatus.CANCELLED.value).where(
        Order.channel_order_id == "MS00000"
    ).execute()
    execution = run(feed)
    assert released_numbers(execution) == ["MS00001"]
    assert Order.get(Order.channel_order_id == "MS00000").status == "cancelled"
    assert (
        Order.select()
        .where((Order.integration == other.id) & (Order.status == OrderStatus.HELD.value))
        .count()
        == 4
    )


def test_release_runs_in_test_mode_because_it_stays_inside_the_hub(db):
    integration, feed = setup(1)
    assert integration.mode == "test"
    assert run(feed).status == "succeeded"


def test_two_concurrent_releases_never_release_an_order_twice(pg_db):
    integration, feed = setup(150)
    executions = [new_execution(feed, Trigger.MANUAL, utcnow()) for _ in range(2)]
    barrier = threading.Barrier(2)
    results: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def release(execution_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(release_held_orders(integration.id, execution_id, 100))
        except BaseException as exc:  # surfaced in the main thread
            errors.append(exc)
        finally:
            close_quietly()

    threads = [threading.Thread(target=release, args=(e.id,)) for e in executions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(released for released, _ in results) == [50, 100]
    links = list(OrderExecution.select().where(OrderExecution.action == "released"))
    assert len(links) == 150 == len({link.order_id for link in links})
    assert (count(OrderStatus.RELEASED), count(OrderStatus.HELD)) == (150, 0)
