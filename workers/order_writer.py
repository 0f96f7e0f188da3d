"""Turning a page of channel orders into OMS rows, idempotently and in one transaction.

Orders are bound to OMS rows by the unique (integration, channel_order_id) key and
inserted with ON CONFLICT DO NOTHING, so a page read twice (a redelivered message,
a resumed run, the cursor's overlap) creates nothing twice. An order is written
with all its lines or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from peewee import chunked

from channels.errors import MappingError
from channels.records import OrderLineRecord, OrderRecord, OrderStatusRecord
from models import (
    CompanyMapping,
    Order,
    OrderExecution,
    OrderLine,
    OrderStatus,
    Severity,
    SkuMapping,
    database,
    utcnow,
)
from workers import pending
from workers.context import RunContext

BATCH_ROWS = 200


def _sku_map(integration_id: int, channel_skus: set[str]) -> dict[str, str]:
    if not channel_skus:
        return {}
    query = SkuMapping.select(SkuMapping.channel_sku, SkuMapping.sku).where(
        (SkuMapping.integration == integration_id) & SkuMapping.channel_sku.in_(list(channel_skus))
    )
    return dict(query.tuples())


def supplier_for(ctx: RunContext) -> int | None:
    """The supplier an order of this integration's retailer is saved for, if mapped."""
    if not ctx.integration.company_id:
        return None
    mapping = (
        CompanyMapping.select(CompanyMapping.supplier)
        .where(CompanyMapping.retailer == ctx.integration.company_id)
        .order_by(CompanyMapping.id)
        .first()
    )
    return mapping.supplier_id if mapping else None


def _supplier_problem(ctx: RunContext, order_id: str) -> MappingError:
    company = ctx.integration.company
    if company is None:
        hint = "the integration has no retailer company; set one, then map it to a supplier"
    else:
        hint = (
            f"create a retailer -> supplier mapping for retailer '{company.name}' "
            f"(channelhub mappings add --retailer {company.id} --supplier ID)"
        )
    return MappingError(
        f"order {order_id} not saved: no supplier for this retailer; {hint}",
        code="missing_supplier_mapping",
        record_ref=order_id,
    )


def _line_row(line: OrderLineRecord, number: int, skus: dict[str, str], strict: bool, order_id):
    sku = skus.get(line.channel_sku)
    if sku is None:
        if strict:
            raise MappingError(
                f"order {order_id} not saved: channel SKU '{line.channel_sku}' has no SKU "
                "mapping; map it to an OMS SKU and the order is imported at the next hourly "
                "re-check",
                code="missing_sku_mapping",
                record_ref=order_id,
                details={"channel_sku": line.channel_sku},
            )
        sku = line.channel_sku
    return {
        "line_number": number,
        "channel_line_id": line.channel_line_id,
        "channel_sku": line.channel_sku,
        "sku": sku,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
        "line_type": line.line_type,
        "personalisation": line.personalisation,
    }


def _order_row(
    record: OrderRecord, integration_id: int, supplier_id, now, status: OrderStatus
) -> dict[str, Any]:
    return {
        "integration": integration_id,
        "channel_order_id": record.channel_order_id,
        "status": status.value,
        "channel_status": record.channel_status,
        "supplier": supplier_id,
        "placed_at": record.placed_at,
        "imported_at": now,
        "channel_updated_at": record.updated_at,
        "currency": record.currency,
        "total": record.total,
        "shipping_method": record.shipping_method,
        "buyer": record.buyer,
        "shipping_address": record.shipping_address.as_dict() if record.shipping_address else {},
        "billing_address": record.billing_address.as_dict() if record.billing_address else {},
        "attributes": record.attributes,
        "created_at": now,
        "updated_at": now,
    }


def save_new_orders(
    ctx: RunContext, records: Sequence[OrderRecord], position: dict | None, supplier_id=None
) -> None:
    """Insert the orders of one page that are new; move the cursor in the same transaction."""
    recorder = ctx.recorder
    integration_id = ctx.integration.id
    connector = ctx.connector
    recorder.count(seen=len(records))
    unpaid = [r for r in records if r.awaiting_payment]
    records = [r for r in records if not r.awaiting_payment]
    pending.set_aside(ctx, unpaid, utcnow())
    ids = [r.channel_order_id for r in records]
    existing = {
        cid
        for (cid,) in Order.select(Order.channel_order_id)
        .where((Order.integration == integration_id) & Order.channel_order_id.in_(ids))
        .tuples()
    }
    skus = _sku_map(integration_id, {line.channel_sku for r in records for line in r.lines})
    now = utcnow()
    # Held orders wait for a demand release (M&S) instead of going straight to production.
    status = OrderStatus.HELD if connector.holds_new_orders else OrderStatus.NEW
    rows: list[dict[str, Any]] = []
    lines: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        order_id = record.channel_order_id
        if order_id in existing or order_id in lines:
            recorder.count(skipped=1)
            continue
        if record.cancelled:
            recorder.event(
                Severity.INFO,
                "order_cancelled",
                f"order {order_id} not imported: it is {record.channel_status} on "
                f"{connector.label}",
                record_ref=order_id,
            )
            recorder.count(skipped=1)
            continue
        try:
            if connector.requires_supplier_mapping and supplier_id is None:
                raise _supplier_problem(ctx, order_id)
            lines[order_id] = [
                _line_row(line, n, skus, connector.requires_sku_mapping, order_id)
                for n, line in enumerate(record.lines, start=1)
            ]
        except MappingError as problem:
            lines.pop(order_id, None)
            if pending.hold_for_mapping(ctx, order_id, now):
                recorder.problem(problem)  # reported once; re-checked hourly until mapped
            recorder.count(skipped=1)
            continue
        rows.append(_order_row(record, integration_id, supplier_id, now, status))
    with database.atomic():
        created = _insert(ctx, rows, lines)
        pending.forget(ctx, [r["channel_order_id"] for r in rows] + sorted(existing))
        recorder.count(created=created, skipped=len(rows) - created)
        if position is not None:
            ctx.save_cursor(position)
        recorder.flush()


def _insert(ctx: RunContext, rows: list[dict], lines: dict[str, list[dict]]) -> int:
    if not rows:
        return 0
    created = 0
    for batch in chunked(rows, BATCH_ROWS):
        created += Order.insert_many(batch).on_conflict_ignore().as_rowcount().execute()
    id_map = dict(
        Order.select(Order.channel_order_id, Order.id)
        .where(
            (Order.integration == ctx.integration.id)
            & Order.channel_order_id.in_([r["channel_order_id"] for r in rows])
            & (Order.imported_at == rows[0]["imported_at"])
        )
        .tuples()
    )
    line_rows = [
        {**line, "order": id_map[order_id]}
        for order_id, order_lines in lines.items()
        if order_id in id_map
        for line in order_lines
    ]
    for batch in chunked(line_rows, BATCH_ROWS):
        OrderLine.insert_many(batch).on_conflict_ignore().as_rowcount().execute()
    links = [
        {"order": order_pk, "execution": ctx.execution.id, "action": "created"}
        for order_pk in id_map.values()
    ]
    for batch in chunked(links, BATCH_ROWS):
        OrderExecution.insert_many(batch).on_conflict_ignore().as_rowcount().execute()
    return created


def apply_status_updates(
    ctx: RunContext, records: Sequence[OrderStatusRecord], position: dict | None
) -> None:
    """Only the status follows the channel: lines and address are never touched here."""
    recorder = ctx.recorder
    recorder.count(seen=len(records))
    ids = [r.channel_order_id for r in records]
    orders = {}
    if ids:
        orders = {
            o.channel_order_id: o
            for o in Order.select(
                Order.id, Order.channel_order_id, Order.status, Order.channel_status
            ).where((Order.integration == ctx.integration.id) & Order.channel_order_id.in_(ids))
        }
    now = utcnow()
    with database.atomic():
        for record in records:
            order = orders.get(record.channel_order_id)
            if order is None or record.channel_status == order.channel_status:
                recorder.count(skipped=1)
                continue
            changes: dict[str, Any] = {"channel_status": record.channel_status, "updated_at": now}
            action = "status"
            if record.cancelled and order.status != OrderStatus.CANCELLED.value:
                if order.status in (OrderStatus.DISPATCHED.value, OrderStatus.SHIPPED.value):
                    recorder.event(
                        Severity.ERROR,
                        "cancelled_after_dispatch",
                        f"order {record.channel_order_id} was cancelled on "
                        f"{ctx.connector.label} after it was {order.status}: stop the parcel or "
                        "refund the buyer",
                        record_ref=record.channel_order_id,
                    )
                else:
                    changes.update(status=OrderStatus.CANCELLED.value, cancelled_at=now)
                    action = "cancelled"
                    recorder.event(
                        Severity.INFO,
                        "order_cancelled",
                        f"order {record.channel_order_id} was cancelled on "
                        f"{ctx.connector.label}; cancelled in the OMS",
                        record_ref=record.channel_order_id,
                    )
            Order.update(**changes).where(Order.id == order.id).execute()
            OrderExecution.insert(
                order=order.id, execution=ctx.execution.id, action=action
            ).on_conflict_ignore().execute()
            recorder.count(updated=1)
        if position is not None:
            ctx.save_cursor(position)
        recorder.flush()
