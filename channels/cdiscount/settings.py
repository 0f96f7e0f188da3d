"""CDiscount marketplace settings, feeds and service constants, declared as data."""

from __future__ import annotations

from channels.base import FeedSpec
from channels.settings_spec import EMAIL_ERRORS_TO, Setting


def validate_url(value: str) -> str | None:
    text = value.strip()
    if not text.startswith(("http://", "https://")) or " " in text:
        return "must be a full http(s):// URL, or empty for the real CDiscount endpoint"
    return None


SETTINGS = (
    Setting(
        "username",
        "Username",
        required=True,
        help="The API login from the Settings page of the Sellershop (not the Sellershop "
        "login itself).",
    ),
    Setting(
        "password",
        "Password",
        type="secret",
        required=True,
        help="The API password that goes with the API login.",
    ),
    Setting(
        "token_id",
        "Token ID",
        type="secret",
        help="Optional. When empty, a token is obtained from the username and password and "
        "renewed when it expires.",
    ),
    Setting(
        "last_order_pulled_at",
        "Last Order Pulled Date Time",
        type="datetime",
        required=True,
        help="Orders created from this date and time (UTC) are imported. Set it once; the "
        "import feed then keeps its own position.",
    ),
    EMAIL_ERRORS_TO,
    Setting(
        "service_url",
        "Service URL override",
        type="url",
        group="advanced",
        validator=validate_url,
        help="Empty for https://wsvc.cdiscount.com/MarketplaceAPIService.svc (set it for the "
        "preproduction service or a sandbox).",
    ),
    Setting(
        "token_url",
        "Token URL override",
        type="url",
        group="advanced",
        validator=validate_url,
        help="Empty for CDiscount's token service (STS). Give the full URL with its realm.",
    ),
)

FEEDS = (
    FeedSpec("import_new_orders", interval_seconds=900),
    FeedSpec("update_orders", interval_seconds=1800),
    FeedSpec("confirm_shipments", interval_seconds=900),
)

SERVICE_URL = "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"
STS_URL = (
    "https://sts.cdiscount.com/users/httpIssue.svc/"
    "?realm=https://wsvc.cdiscount.com/MarketplaceAPIService.svc"
)

# The service speaks French local time without an offset (an assumption: its dates carry no
# zone). Every date read is taken as Paris time and every date sent is written in it.
SERVICE_TIMEZONE = "Europe/Paris"

# Orders to import: paid, waiting for the seller to ship them.
IMPORT_STATES = ("WaitingForShipmentAcceptation",)
# States whose changes update_orders follows (the service wants states with a date filter).
CANCELLED_STATES = frozenset(
    {
        "CancelledByCustomer",
        "RefusedBySeller",
        "AutomaticCancellation",
        "PaymentRefused",
        "ShipmentRefusedBySeller",
        "RefusedNoShipment",
        "ServiceCanceled",
    }
)
FOLLOWED_STATES = (
    "WaitingForShipmentAcceptation",
    "Shipped",
    "BeingCancelled",
    *sorted(CANCELLED_STATES),
)
SHIPPED_STATE = "Shipped"
LINE_SHIPPED_STATE = "ShippedBySeller"
# Print-on-demand goods are new; the service wants a condition on each validated line.
PRODUCT_CONDITION = "New"

# Lines CDiscount adds to an order that are fees, not products (processing fee, instalment
# interest): they are neither imported nor confirmed.
FEE_PRODUCT_IDS = frozenset({"FRAISTRAITEMENT", "INTERETBCA"})

PAGE_SIZE = 100  # orders committed per page (the service itself does not page)
WINDOW_DAYS = 7  # one GetOrderList per week of dates, so a long backlog is not one huge answer
CURSOR_OVERLAP_SECONDS = 900
# Every hour the import looks again at the last two weeks: orders that reached
# WaitingForShipmentAcceptation late (payment checks) or were not saved for lack of a
# retailer -> supplier mapping are picked up then.
LOOKBACK_EVERY_SECONDS = 3600
LOOKBACK_DAYS = 14
