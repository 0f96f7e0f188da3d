"""What the warehouse does to an OMS order: dispatch it (then shipment confirmation picks it up)."""

from __future__ import annotations

from models import Order, OrderStatus, database, utcnow

DISPATCHABLE = (OrderStatus.NEW.value, OrderStatus.RELEASED.value, OrderStatus.HELD.value)


class DispatchRefused(ValueError):
    pass


def dispatch_order(
    order_id: int, *, carrier: str | None, tracking_number: str | None, actor: str
) -> Order:
    with database.atomic():
        order = Order.get_or_none(Order.id == order_id)
        if order is None:
            raise DispatchRefused(f"no order with id {order_id}")
        if order.status not in DISPATCHABLE:
            raise DispatchRefused(
                f"order {order_id} ({order.channel_order_id}) is {order.status} and cannot be "
                "dispatched"
            )
        order.status = OrderStatus.DISPATCHED.value
        order.carrier = (carrier or "").strip() or None
        order.tracking_number = (tracking_number or "").strip() or None
        order.dispatched_at = utcnow()
        order.confirmation = {**(order.confirmation or {}), "dispatched_by": actor}
        order.save()
    return order
