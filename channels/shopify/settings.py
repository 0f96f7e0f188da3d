"""Shopify settings and feeds, declared as data, and the shipping-method map they carry."""

from __future__ import annotations

import re

from channels.base import SHOP_FEEDS
from channels.method_map import MethodMap
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


# Rates are matched by their code or their title as the buyer saw it, whatever the case.
METHOD_MAP = MethodMap(
    malformed="'{entry}' should read shop_method=oms_method",
    fold=str.casefold,
    empty="map at least one shipping method, e.g. Standard=STD",
)
parse_method_map = METHOD_MAP.parse
validate_method_map = METHOD_MAP.validate


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
    METHOD_MAP.setting(
        required=True,
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

FEEDS = SHOP_FEEDS

PAGE_SIZE = 250  # the Admin API's maximum `limit`
INVENTORY_IDS_PER_CALL = 50  # `inventory_item_ids` accepts at most 50 ids
UPDATE_OVERLAP_SECONDS = 300
FIRST_UPDATE_LOOKBACK_SECONDS = 86400
MAX_HELD_ORDER_IDS = 500  # orders re-fetched after a fix (unknown shipping method, ...)
PAID_STATUSES = frozenset({"paid", "partially_refunded"})
UNPAID_STATUSES = frozenset({"pending", "authorized", "partially_paid"})
VOID_STATUSES = frozenset({"voided", "refunded"})
