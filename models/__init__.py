"""Peewee models and the database binding; every process shares them."""

from models.catalogue import (
    Product,
    ProductImage,
    ProductSupplier,
    SkuMapping,
    StockLevel,
    Supplier,
    Warehouse,
)
from models.db import database, init_database, is_postgres
from models.enums import (
    CompanyType,
    Direction,
    ExecutionStatus,
    FeedKind,
    Mode,
    OrderStatus,
    Role,
    Severity,
    Trigger,
)
from models.execution import ErrorFingerprint, ExecutionAttempt, ExecutionEvent, FeedExecution
from models.fields import utcnow
from models.integration import Company, CompanyMapping, Feed, Integration
from models.orders import Order, OrderExecution, OrderLine, PendingOrder
from models.users import AuditLog, LoginAttempt, User

ALL_MODELS = [
    Company,
    CompanyMapping,
    Integration,
    Feed,
    FeedExecution,
    ExecutionAttempt,
    ExecutionEvent,
    ErrorFingerprint,
    Order,
    OrderLine,
    OrderExecution,
    PendingOrder,
    Product,
    ProductImage,
    Warehouse,
    StockLevel,
    Supplier,
    ProductSupplier,
    SkuMapping,
    User,
    AuditLog,
    LoginAttempt,
]

__all__ = [m.__name__ for m in ALL_MODELS] + [
    "ALL_MODELS",
    "CompanyType",
    "Direction",
    "ExecutionStatus",
    "FeedKind",
    "Mode",
    "OrderStatus",
    "Role",
    "Severity",
    "Trigger",
    "database",
    "init_database",
    "is_postgres",
    "utcnow",
]
