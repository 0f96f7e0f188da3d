"""Shopify settings and feeds, declared as data, and the shipping-method map they carry."""

from __future__ import annotations

import re

from channels.base import FeedSpec
from channels.settings_spec import EMAIL_ERRORS_TO, Setting

API_VERSIONS = ("2026-01", "2026-04", "2026-07", "2026-10")
DEFAULT_API_VERSION = "2026-07"
SHOP_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*(\.myshopify\.com)?$")


def validate_shop_domain(value: str) -> str | None:
    text = value.strip().lower().rstrip("/")
    if text.startswith(("http://", "https://")):
        return None  # a full URL: a sandbox or a test proxy
    if not SHOP_DOMAIN.match(text):
        return ("give the shop's myshopify.com domain, e.g. my-shop.myshopify.com "
                "(the Admin API does not answer on a custom domain)")
    return None


def parse_method_map(text: str) -> dict[str, str]:
    """``Standard=STD, Express=EXP`` (commas or new lines) -> {shop method (folded): OMS}.

    Raises ValueError naming the entry that is wrong.
    """
    mapping: dict[str, str] = {}
    for raw in re.split(r"[,\n;]", text):
        entry = raw.strip()
        if not entry:
            continue
        shop_method, sep, oms_method = entry.rpartition("=")
        shop_method, oms_method = shop_method.strip(), oms_method.strip()
        if not sep or not shop_method or not oms_method:
            raise ValueError(f"'{entry}' should read shop_method=oms_method")
        key = shop_method.casefold()
        if key in mapping and mapping[key] != oms_method:
            raise ValueError(f"'{shop_method}' is mapped twice")
        mapping[key] = oms_method
    if not mapping:
        raise ValueError("map at least one shipping method, e.g. Standard=STD")
    return mapping


def validate_method_map(value: str) -> str | None:
    try:
        parse_method_map(value)
    except ValueError as exc:
        return str(exc)
    return None


SETTINGS = (
    Setting(
        "shop_domain",
        "Shop domain",
        required=True,
        validator=validate_shop_domain,
        help="The shop's my-shop.myshopify.com domain (a full http://host:port/... URL is "
        "accepted for a sandbox).",
    ),
    Setting(
        "access_token",
        "Admin API access token",
        type="secret",
        required=True,
        help="From the shop's custom app (shpat_...), with the scopes read_orders, "
        "read_products, read_inventory, write_inventory, read_locations and "
        "read/write_merchant_managed_fulfillment_orders.",
    ),
    Setting(
        "api_version",
        "API version",
        type="choice",
        default=DEFAULT_API_VERSION,
        choices=tuple((v, v) for v in API_VERSIONS),
        help="Shopify supports each quarterly version for twelve months.",
    ),
    Setting(
        "location_id",
        "Location ID",
        type="int",
        help="The Shopify location whose stock channelhub reads and writes. Leave empty when "
        "the shop has a single active location.",
    ),
    Setting(
        "shipping_method_map",
        "Shipping method map",
        required=True,
        validator=validate_method_map,
        help="Shop shipping rate (code or title) = OMS shipping method, separated by commas, "
        "e.g. 'Standard=STD, Express=EXP'. Orders with a rate not listed are not imported "
        "and show an error naming the rate.",
    ),
    Setting(
        "import_orders_since",
        "Import orders placed after",
        type="datetime",
        help="Orders placed before this moment are never imported (UTC). Empty: every open "
        "order that is not fulfilled yet.",
    ),
    Setting(
        "import_authorized",
        "Import authorized orders",
        type="bool",
        default=False,
        help="Import orders whose payment is authorized but not captured yet (manual "
        "capture). Otherwise they wait, like pending ones, until paid.",
    ),
    Setting(
        "notify_customer",
        "Notify customer on shipment",
        type="bool",
        default=True,
        help="Shopify emails the buyer the tracking number when a shipment is confirmed.",
    ),
    EMAIL_ERRORS_TO,
)

FEEDS = (
    FeedSpec("import_new_products", interval_seconds=3600),
    FeedSpec("update_products", cron="0 2 * * *"),
    FeedSpec("import_product_images", interval_seconds=3600),
    FeedSpec("import_new_orders", interval_seconds=600),
    FeedSpec("update_orders", interval_seconds=1800),
    # Run by hand at set-up or go-live; afterwards the OMS owns stock.
    FeedSpec("import_stock_levels", interval_seconds=86400, enabled=False),
    FeedSpec("export_stock_levels", interval_seconds=900),
    FeedSpec("stock_check", cron="30 3 * * *"),
    FeedSpec("confirm_shipments", interval_seconds=900),
)

PAGE_SIZE = 250  # the Admin API's maximum `limit`
INVENTORY_IDS_PER_CALL = 50  # `inventory_item_ids` accepts at most 50 ids
UPDATE_OVERLAP_SECONDS = 300
FIRST_UPDATE_LOOKBACK_SECONDS = 86400
MAX_HELD_ORDER_IDS = 500  # orders re-fetched after a fix (unknown shipping method, ...)
PAID_STATUSES = frozenset({"paid", "partially_refunded"})
UNPAID_STATUSES = frozenset({"pending", "authorized", "partially_paid"})
VOID_STATUSES = frozenset({"voided", "refunded"})
