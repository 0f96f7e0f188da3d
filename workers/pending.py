"""Orders set aside: not paid yet, or rejected for a mapping the OMS still lacks.

A shop lists an order as soon as it is placed; the OMS only wants paid, valid ones.
An unpaid order is recorded once as a retry event and kept in `pending_order`; the
import feed asks the channel about due ones every hour until they are paid (then
imported) or cancelled (then an info event). An order rejected for a missing SKU or
supplier mapping is kept the same way, so creating the mapping imports it at the
next re-check even though the feed's cursor has moved past it.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from channels.records import OrderRecord
from models import PendingOrder, Severity, database
from workers.context import RunContext

RECHECK_BATCH = 100
MISSING_MAPPING = "missing_mapping"


def recheck_seconds() -> float:
    return float(os.environ.get("CHANNELHUB_PENDING_RECHECK_SECONDS", "3600"))


def set_aside(ctx: RunContext, records: Sequence[OrderRecord], now: dt.datetime) -> None:
    if not records:
        return
    ids = [r.channel_order_id for r in records]
    known = {
        cid
        for (cid,) in PendingOrder.select(PendingOrder.channel_order_id)
        .where(
            (PendingOrder.integration == ctx.integration.id)
            & PendingOrder.channel_order_id.in_(ids)
        )
        .tuples()
    }
    next_check = now + dt.timedelta(seconds=recheck_seconds())
    with database.atomic():
        for record in records:
            if record.channel_order_id in known:
                continue
            PendingOrder.insert(
                integration=ctx.integration.id,
                channel_order_id=record.channel_order_id,
                channel_status=record.channel_status,
                first_seen_at=now,
                last_checked_at=now,
                next_check_at=next_check,
            ).on_conflict_ignore().execute()
            ctx.recorder.event(
                Severity.RETRY,
                "awaiting_payment",
                f"order {record.channel_order_id} is not paid yet ({record.channel_status}): "
                "set aside and checked again every hour until it is paid or cancelled",
                record_ref=record.channel_order_id,
            )
    ctx.recorder.count(skipped=len(records))


def hold_for_mapping(ctx: RunContext, channel_order_id: str, now: dt.datetime) -> bool:
    """Keep an order rejected for a missing mapping; True the first time (report it then)."""
    next_check = now + dt.timedelta(seconds=recheck_seconds())
    known = PendingOrder.get_or_none(
        (PendingOrder.integration == ctx.integration.id)
        & (PendingOrder.channel_order_id == channel_order_id)
    )
    if known is not None:
        PendingOrder.update(
            reason=MISSING_MAPPING,
            last_checked_at=now,
            next_check_at=next_check,
            checks=PendingOrder.checks + 1,
        ).where(PendingOrder.id == known.id).execute()
        return known.reason != MISSING_MAPPING
    PendingOrder.insert(
        integration=ctx.integration.id,
        channel_order_id=channel_order_id,
        reason=MISSING_MAPPING,
        first_seen_at=now,
        last_checked_at=now,
        next_check_at=next_check,
    ).on_conflict_ignore().execute()
    return True


def due(ctx: RunContext, now: dt.datetime) -> list[PendingOrder]:
    return list(
        PendingOrder.select()
        .where(
            (PendingOrder.integration == ctx.integration.id) & (PendingOrder.next_check_at <= now)
        )
        .order_by(PendingOrder.next_check_at)
        .limit(RECHECK_BATCH)
    )


def settle(
    ctx: RunContext, checked: Sequence[PendingOrder], fresh: Sequence[OrderRecord], now
) -> list[OrderRecord]:
    """Apply what the channel now says about due pending orders; returns those to import."""
    by_id = {r.channel_order_id: r for r in fresh}
    to_import: list[OrderRecord] = []
    later = now + dt.timedelta(seconds=recheck_seconds())
    with database.atomic():
        for pending in checked:
            record = by_id.get(pending.channel_order_id)
            if record is not None and record.cancelled:
                ctx.recorder.event(
                    Severity.INFO,
                    "cancelled_before_payment",
                    f"order {pending.channel_order_id} was cancelled before it was paid: "
                    "not imported",
                    record_ref=pending.channel_order_id,
                )
                pending.delete_instance()
            elif record is not None and not record.awaiting_payment:
                to_import.append(record)
            else:
                PendingOrder.update(
                    last_checked_at=now,
                    next_check_at=later,
                    checks=PendingOrder.checks + 1,
                    channel_status=record.channel_status if record else pending.channel_status,
                ).where(PendingOrder.id == pending.id).execute()
    return to_import


def postpone(ctx: RunContext, checked: Sequence[PendingOrder], now: dt.datetime) -> None:
    later = now + dt.timedelta(seconds=recheck_seconds())
    PendingOrder.update(last_checked_at=now, next_check_at=later).where(
        PendingOrder.id.in_([p.id for p in checked])
    ).execute()


def forget(ctx: RunContext, channel_order_ids: Sequence[str]) -> None:
    """Orders now imported are no longer pending."""
    if channel_order_ids:
        PendingOrder.delete().where(
            (PendingOrder.integration == ctx.integration.id)
            & PendingOrder.channel_order_id.in_(list(channel_order_ids))
        ).execute()
