"""PrestaShop webservice settings and feeds, declared as data."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from channels.base import SHOP_FEEDS, FeedSpec
from channels.method_map import MethodMap
from channels.settings_spec import EMAIL_ERRORS_TO, Setting

WEBSERVICE_KEY = re.compile(r"^[A-Za-z0-9]{32}$")


def validate_shop_url(value: str) -> str | None:
    text = value.strip()
    if " " in text or not text:
        return "must be the shop's address, e.g. https://www.example-shop.com"
    if not text.startswith(("http://", "https://")) and "/" in text.rstrip("/"):
        return "give the full address with https:// when the shop lives under a path"
    if text.rstrip("/").endswith("/api"):
        return "give the shop's address without /api (the connector adds it)"
    return None


def validate_key(value: str) -> str | None:
    if not WEBSERVICE_KEY.match(value.strip()):
        return ("must be the 32-character key from Advanced Parameters > Webservice "
                "(letters and digits only)")
    return None


# Keys are carrier names (compared without case, as the mapping looks them up) or carrier
# reference ids, which stay the same when a carrier is edited in the back office (its id does
# not): 'Colissimo=COLISSIMO, 2=EXPRESS' -> {'colissimo': 'COLISSIMO', '2': 'EXPRESS'}.
METHOD_MAP = MethodMap(
    malformed="'{entry}' is not carrier=OMS method",
    twice="carrier '{shop}' is mapped twice",
    fold=str.lower,
)
parse_method_map = METHOD_MAP.parse
validate_method_map = METHOD_MAP.validate


def validate_timezone(value: str) -> str | None:
    try:
        ZoneInfo(value.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return "must be a time zone name such as Europe/Paris (PrestaShop: Localization)"
    return None


def validate_rate(value: int) -> str | None:
    return None if 1 <= value <= 50 else "must be between 1 and 50"


def validate_positive(value: int) -> str | None:
    return None if value >= 1 else "must be a positive id"


SETTINGS = (
    Setting("shop_url", "Shop URL", type="url", required=True, validator=validate_shop_url,
            help="The shop's address, e.g. https://www.example-shop.com; the webservice is "
            "called under /api (URL rewriting must be on)."),
    Setting("webservice_key", "Webservice key", type="secret", required=True,
            validator=validate_key,
            help="The 32-character key from Advanced Parameters > Webservice. It needs GET on "
            "orders, order_states, order_carriers, addresses, customers, carriers, countries, "
            "states, currencies, products, combinations, product_option_values, images, "
            "stock_availables, suppliers, product_suppliers; PUT on order_carriers and "
            "stock_availables; POST on order_histories."),
    Setting("id_shop", "Shop ID (multistore)", type="int", validator=validate_positive,
            help="Only for a multistore install: the id of the shop to work with."),
    Setting("language_id", "Language ID", type="int", default=1, validator=validate_positive,
            help="The language whose product names and order state names are read."),
    METHOD_MAP.setting(help="PrestaShop carrier = OMS shipping method, comma-separated, e.g. "
                       "'Colissimo=COLISSIMO, DPD Predict=DPD, 2=STANDARD' (a number is the "
                       "carrier's reference id). An order with a carrier not listed is not "
                       "imported and raises an error that names the carrier."),
    Setting("shipped_state_id", "Shipped order state ID", type="int",
            validator=validate_positive,
            help="The order state set when a shipment is confirmed. Empty: the shop's state "
            "flagged 'shipped' (Shipped on a default install)."),
    Setting("timezone", "Shop time zone", default="UTC", validator=validate_timezone,
            help="The shop's time zone (International > Localization): PrestaShop dates "
            "carry no zone."),
    Setting("import_orders_from", "Import orders placed from", type="datetime",
            help="Orders placed before this time are never imported. Empty: from one day "
            "before the integration was created."),
    Setting("max_requests_per_second", "Max requests per second", type="int", default=5,
            validator=validate_rate,
            help="PrestaShop has no rate limit of its own; this keeps feeds polite to the "
            "shop's server."),
    EMAIL_ERRORS_TO,
)

FEEDS = (
    *SHOP_FEEDS,
    FeedSpec("import_suppliers", cron="0 1 * * *"),
    FeedSpec("import_product_suppliers", cron="15 1 * * *"),
)

ORDER_PAGE_SIZE = 50  # display=full orders are heavy for the shop (N+1 loading)
PRODUCT_PAGE_SIZE = 100
LIST_PAGE_SIZE = 100
IDS_PER_CALL = 50  # ids per filter[id]=[a|b|...] lookup, to keep URLs short
CURSOR_OVERLAP_SECONDS = 300
DEFAULT_LOOKBACK_HOURS = 24
CANCELLED_TEMPLATES = frozenset({"order_canceled"})
