"""Demand release: move held orders into production in batches, oldest first.

Channels that hold imported orders (Marks & Spencer) say how big a release may be at
the time it runs (the volume level's batch size); this runner does the rest. A
release is one transaction that claims its orders with `FOR UPDATE SKIP LOCKED` on
PostgreSQL (the database write lock on SQLite), so two releases running at once
never release the same order, and a crash releases nothing half-way.
"""

from __future__ import annotations

import datetime as dt
import logging

from peewee import chunked

from models import Order, OrderExecution, OrderStatus, Severity, is_postgres, utcnow
from models.db import write_lock
from workers.runners.base import Runner

log = logging.getLogger(__name__)

BATCH_ROWS = 500


def release_held_orders(
    integration_id: int, execution_id: int, limit: int, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Release up to `limit` held orders of an integration; returns (released, still held)."""
    now = now or utcnow()
    held = (Order.integration == integration_id) & (Order.status == OrderStatus.HELD.value)
    with write_lock():
        query = (
            Order.select(Order.id)
            .where(held)
            .order_by(Order.placed_at.asc(nulls="LAST"), Order.id)
            .limit(max(0, limit))
        )
        if is_postgres():
            query = query.for_update(skip_locked=True)
        ids = [order.id for order in query]
        released = 0
        for batch in chunked(ids, BATCH_ROWS):
            released += (
                Order.update(status=OrderStatus.RELEASED.value, updated_at=now)
                .where(Order.id.in_(batch) & (Order.status == OrderStatus.HELD.value))
                .execute()
            )
            OrderExecution.insert_many(
                [
                    {"order": order_id, "execution": execution_id, "action": "released"}
                    for order_id in batch
                ]
            ).on_conflict_ignore().execute()
        remaining = Order.select().where(held).count()
    return released, remaining


class ReleaseDemand(Runner):
    kind = "release_demand"

    def run(self) -> None:
        batch = self.connector.release_batch(utcnow())
        released, remaining = release_held_orders(
            self.ctx.integration.id, self.ctx.execution.id, batch.max_orders
        )
        log.info(
            "integration %s: released %d held orders (%s, at most %d); %d remain held",
            self.ctx.integration.id,
            released,
            batch.level,
            batch.max_orders,
            remaining,
        )
        self.recorder.count(seen=released, updated=released)
        self.recorder.event(
            Severity.INFO,
            "demand_released",
            f"released {released} held orders into production ({batch.level} batch size "
            f"{batch.max_orders}); {remaining} remain held",
            details={
                "level": batch.level,
                "max_orders": batch.max_orders,
                "released": released,
                "remaining_held": remaining,
            },
        )
        self.recorder.flush()
