"""Order feeds: accept, import new, follow status, confirm shipments; one code for all channels."""

from __future__ import annotations

import logging

from peewee import prefetch

from channels.errors import ChannelProblem, NotSupported
from channels.records import OrderLineRecord, Shipment
from models import Order, OrderExecution, OrderLine, OrderStatus, database, utcnow
from workers import pending
from workers.order_writer import apply_status_updates, save_new_orders, supplier_for
from workers.runners.base import Runner

log = logging.getLogger(__name__)

ACCEPT_PAGE_SIZE = 100
SHIPMENT_PAGE_SIZE = 100


class ImportNewOrders(Runner):
    kind = "import_new_orders"

    def run(self) -> None:
        supplier_id = supplier_for(self.ctx)
        self._recheck_pending(supplier_id)
        for page in self.connector.new_orders(self.ctx.feed.cursor or {}):
            for problem in page.problems:
                self.record(problem)
            save_new_orders(self.ctx, page.records, page.next_position, supplier_id)

    def _recheck_pending(self, supplier_id) -> None:
        """Orders set aside because they were not paid: ask the channel again when due."""
        now = utcnow()
        waiting = pending.due(self.ctx, now)
        if not waiting:
            return
        try:
            fresh = self.connector.orders_by_id([p.channel_order_id for p in waiting])
        except NotSupported:
            log.warning("%s cannot fetch orders by id: set-aside orders wait", self.connector.label)
            pending.postpone(self.ctx, waiting, now)
            return
        paid = pending.settle(self.ctx, waiting, fresh, now)
        if paid:
            save_new_orders(self.ctx, paid, None, supplier_id)


class UpdateOrders(Runner):
    kind = "update_orders"

    def run(self) -> None:
        for page in self.connector.order_updates(self.ctx.feed.cursor or {}):
            for problem in page.problems:
                self.record(problem)
            apply_status_updates(self.ctx, page.records, page.next_position)


class AcceptOrders(Runner):
    """Accept every line of every order waiting for acceptance (Mirakl OR21).

    Accepted orders leave the list, so the next page starts after the ones that
    could not be accepted rather than at a fixed offset.
    """

    kind = "accept_orders"

    def run(self) -> None:
        left_behind = 0
        while True:
            page = self.connector.orders_awaiting_acceptance(left_behind, ACCEPT_PAGE_SIZE)
            for problem in page.problems:
                self.record(problem)
            left_behind += len(page.problems)
            if not page.records:
                break
            self.recorder.count(seen=len(page.records))
            for order in page.records:
                try:
                    self.connector.accept_order(order)
                except ChannelProblem as problem:
                    self.record(problem, record_ref=order.channel_order_id)
                    left_behind += 1
                    continue
                self.recorder.count(updated=1)
            self.recorder.flush()
            if len(page.records) + len(page.problems) < ACCEPT_PAGE_SIZE:
                break


class ConfirmShipments(Runner):
    """Push carrier and tracking for dispatched orders, then mark them shipped on the channel."""

    kind = "confirm_shipments"

    def run(self) -> None:
        last_id = 0
        while True:
            page = (
                Order.select()
                .where(
                    (Order.integration == self.ctx.integration.id)
                    & (Order.status == OrderStatus.DISPATCHED.value)
                    & (Order.id > last_id)
                )
                .order_by(Order.id)
                .limit(SHIPMENT_PAGE_SIZE)
            )
            orders = list(prefetch(page, OrderLine))
            if not orders:
                return
            for order in orders:
                last_id = order.id
                self.recorder.count(seen=1)
                self._confirm(order)
            self.recorder.flush()

    def _confirm(self, order: Order) -> None:
        steps = list((order.confirmation or {}).get("steps", []))
        shipment = Shipment(
            channel_order_id=order.channel_order_id,
            carrier=order.carrier,
            tracking_number=order.tracking_number,
            shipped_at=order.dispatched_at or utcnow(),
            lines=tuple(
                OrderLineRecord(
                    channel_line_id=line.channel_line_id or "",
                    channel_sku=line.channel_sku,
                    quantity=line.quantity,
                    unit_price=line.unit_price,
                    name=line.name,
                )
                for line in sorted(order.lines, key=lambda x: x.line_number)
            ),
            done_steps=tuple(steps),
        )

        def step_done(name: str) -> None:
            steps.append(name)
            order.confirmation = {**(order.confirmation or {}), "steps": steps}
            Order.update(confirmation=order.confirmation).where(Order.id == order.id).execute()

        try:
            self.connector.confirm_shipment(shipment, step_done)
        except ChannelProblem as problem:
            self.record(problem, record_ref=order.channel_order_id)
            return
        now = utcnow()
        with database.atomic():
            Order.update(
                status=OrderStatus.SHIPPED.value,
                shipped_at=now,
                confirmation={
                    **(order.confirmation or {}),
                    "steps": steps,
                    "confirmed_at": now.isoformat(),
                },
            ).where(Order.id == order.id).execute()
            OrderExecution.insert(
                order=order.id, execution=self.ctx.execution.id, action="shipped"
            ).on_conflict_ignore().execute()
        self.recorder.count(updated=1)
