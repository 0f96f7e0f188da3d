"""Orders as the OMS holds them, and which executions touched them."""

from __future__ import annotations

import peewee

from models.base import BaseModel
from models.enums import OrderStatus
from models.execution import FeedExecution
from models.fields import DateTimeField, utcnow
from models.integration import Company, Integration


class Order(BaseModel):
    integration = peewee.ForeignKeyField(Integration, backref="orders", on_delete="CASCADE")
    channel_order_id = peewee.CharField(max_length=120)
    status = peewee.CharField(max_length=20, default=OrderStatus.NEW.value)
    channel_status = peewee.CharField(max_length=60, null=True)
    supplier = peewee.ForeignKeyField(Company, null=True, on_delete="SET NULL")
    placed_at = DateTimeField(null=True)
    imported_at = DateTimeField(default=utcnow)
    channel_updated_at = DateTimeField(null=True)
    currency = peewee.CharField(max_length=3, null=True)
    total = peewee.DecimalField(max_digits=14, decimal_places=2, null=True)
    shipping_method = peewee.CharField(max_length=120, null=True)
    buyer = peewee.JSONField(default=dict)
    shipping_address = peewee.JSONField(default=dict)
    billing_address = peewee.JSONField(default=dict)
    attributes = peewee.JSONField(default=dict)
    carrier = peewee.CharField(max_length=120, null=True)
    tracking_number = peewee.CharField(max_length=120, null=True)
    dispatched_at = DateTimeField(null=True)
    shipped_at = DateTimeField(null=True)
    cancelled_at = DateTimeField(null=True)
    # What was confirmed back to the channel, step by step, so a retried
    # confirmation does not repeat a step that already went through.
    confirmation = peewee.JSONField(default=dict)

    class Meta:
        table_name = "order"
        indexes = (
            (("integration", "channel_order_id"), True),
            (("integration", "status"), False),
            (("status", "dispatched_at"), False),
            (("imported_at",), False),
            (("channel_order_id",), False),
            (("status", "id"), False),  # migration 0004 (+ pg_trgm on channel_order_id)
            (("integration", "id"), False),  # migration 0004
        )

    def __str__(self) -> str:
        return self.channel_order_id


class OrderLine(BaseModel):
    order = peewee.ForeignKeyField(Order, backref="lines", on_delete="CASCADE")
    line_number = peewee.IntegerField()
    channel_line_id = peewee.CharField(max_length=120, null=True)
    channel_sku = peewee.CharField(max_length=120)
    sku = peewee.CharField(max_length=120)
    name = peewee.CharField(max_length=500, default="")
    quantity = peewee.IntegerField()
    unit_price = peewee.DecimalField(max_digits=14, decimal_places=2, null=True)
    line_type = peewee.CharField(max_length=20, default="textual")
    personalisation = peewee.JSONField(default=dict)

    class Meta:
        table_name = "order_line"
        indexes = ((("order", "line_number"), True),)


class OrderExecution(BaseModel):
    """An execution that created or changed an order (shown on the order's page)."""

    order = peewee.ForeignKeyField(Order, backref="touches", on_delete="CASCADE")
    execution = peewee.ForeignKeyField(FeedExecution, on_delete="CASCADE")
    action = peewee.CharField(max_length=40)

    class Meta:
        table_name = "order_execution"
        indexes = ((("order", "execution", "action"), True), (("execution",), False))


class PendingOrder(BaseModel):
    """An order found on the channel but not paid or valid yet: set aside, re-checked hourly."""

    integration = peewee.ForeignKeyField(Integration, on_delete="CASCADE")
    channel_order_id = peewee.CharField(max_length=120)
    channel_status = peewee.CharField(max_length=60, null=True)
    # "awaiting_payment", or "missing_mapping": rejected for a mapping that may be created later.
    reason = peewee.CharField(max_length=40, default="awaiting_payment")
    first_seen_at = DateTimeField(default=utcnow)
    last_checked_at = DateTimeField(default=utcnow)
    next_check_at = DateTimeField()
    checks = peewee.IntegerField(default=1)

    class Meta:
        table_name = "pending_order"
        indexes = (
            (("integration", "channel_order_id"), True),
            (("integration", "next_check_at"), False),
        )
