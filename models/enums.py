"""Status and kind values: the only place they are spelled out."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    TEST = "test"
    PRODUCTION = "production"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class FeedKind(StrEnum):
    IMPORT_NEW_ORDERS = "import_new_orders"
    UPDATE_ORDERS = "update_orders"
    ACCEPT_ORDERS = "accept_orders"
    IMPORT_NEW_PRODUCTS = "import_new_products"
    UPDATE_PRODUCTS = "update_products"
    IMPORT_PRODUCT_IMAGES = "import_product_images"
    IMPORT_STOCK_LEVELS = "import_stock_levels"
    IMPORT_SUPPLIERS = "import_suppliers"
    IMPORT_PRODUCT_SUPPLIERS = "import_product_suppliers"
    EXPORT_STOCK_LEVELS = "export_stock_levels"
    STOCK_CHECK = "stock_check"
    CONFIRM_SHIPMENTS = "confirm_shipments"
    RELEASE_DEMAND = "release_demand"


FEED_DIRECTIONS: dict[FeedKind, Direction] = {
    FeedKind.IMPORT_NEW_ORDERS: Direction.INBOUND,
    FeedKind.UPDATE_ORDERS: Direction.INBOUND,
    FeedKind.ACCEPT_ORDERS: Direction.OUTBOUND,
    FeedKind.IMPORT_NEW_PRODUCTS: Direction.INBOUND,
    FeedKind.UPDATE_PRODUCTS: Direction.INBOUND,
    FeedKind.IMPORT_PRODUCT_IMAGES: Direction.INBOUND,
    FeedKind.IMPORT_STOCK_LEVELS: Direction.INBOUND,
    FeedKind.IMPORT_SUPPLIERS: Direction.INBOUND,
    FeedKind.IMPORT_PRODUCT_SUPPLIERS: Direction.INBOUND,
    FeedKind.EXPORT_STOCK_LEVELS: Direction.OUTBOUND,
    FeedKind.STOCK_CHECK: Direction.INBOUND,
    FeedKind.CONFIRM_SHIPMENTS: Direction.OUTBOUND,
    FeedKind.RELEASE_DEMAND: Direction.INTERNAL,
}


class ExecutionStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    PARTIAL = "partial"
    RETRYING = "retrying"
    FAILED = "failed"
    SKIPPED = "skipped"
    LOST = "lost"

    @classmethod
    def active(cls) -> tuple[ExecutionStatus, ...]:
        """Statuses that hold the feed: a new due time must not start another run."""
        return (cls.QUEUED, cls.RUNNING, cls.RETRYING)

    @classmethod
    def final(cls) -> tuple[ExecutionStatus, ...]:
        return (cls.SUCCEEDED, cls.PARTIAL, cls.FAILED, cls.SKIPPED, cls.LOST)


class Trigger(StrEnum):
    SCHEDULE = "schedule"
    MANUAL = "manual"
    RETRY = "retry"
    SWEEP = "sweep"


class Severity(StrEnum):
    INFO = "info"
    RETRY = "retry"
    ERROR = "error"


class OrderStatus(StrEnum):
    """The OMS's own order state machine (not any channel's)."""

    NEW = "new"  # imported, waiting for the warehouse
    HELD = "held"  # pulled but not yet released to production (M&S demand release)
    RELEASED = "released"  # released to production
    DISPATCHED = "dispatched"  # left the warehouse; shipment confirmation picks it up
    SHIPPED = "shipped"  # confirmed back to the channel
    CANCELLED = "cancelled"


class CompanyType(StrEnum):
    RETAILER = "retailer"
    SUPPLIER = "supplier"


class Role(StrEnum):
    OPS = "ops"
    ADMIN = "admin"
