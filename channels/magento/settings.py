"""Magento 2 settings and feeds, declared as data, and the shipping method map they carry."""

from __future__ import annotations

import re

from channels.base import SHOP_FEEDS
from channels.method_map import MethodMap
from channels.settings_spec import EMAIL_ERRORS_TO, Setting

_CODE = re.compile(r"^[A-Za-z0-9_]+$")


def _method_code_problem(shop_method: str) -> str | None:
    if _CODE.match(shop_method):
        return None
    return (
        f"'{shop_method}' is not a Magento method code such as flatrate_flatrate (carrier_method)"
    )


METHOD_MAP = MethodMap(
    malformed="'{entry}' is not shop_method=OMS method", check_shop=_method_code_problem
)
parse_method_map = METHOD_MAP.parse
validate_method_map = METHOD_MAP.validate


def validate_base_url(value: str) -> str | None:
    text = value.strip()
    if " " in text:
        return "must be the shop's address such as https://shop.example.com (no spaces)"
    if "/rest" in text or text.rstrip("/").endswith("/V1"):
        return "give the shop's address only, without /rest/...: REST paths are added to it"
    return None


def code_validator(example: str):
    """A validator for Magento codes (store views, sources, attributes): letters, digits, _."""

    def validate(value: str) -> str | None:
        if not _CODE.match(value.strip()):
            return f"must be a code such as {example} (letters, digits, _)"
        return None

    return validate


def validate_rate(value: int) -> str | None:
    if not 1 <= value <= 100:
        return "must be between 1 and 100 requests per second"
    return None


SETTINGS = (
    Setting(
        "base_url",
        "Base URL",
        type="url",
        required=True,
        validator=validate_base_url,
        help="The shop's address, e.g. https://shop.example.com (a host alone means https). "
        "REST calls go to <Base URL>/rest/<store code>/V1/..., images are read from "
        "<Base URL>/pub/media/catalog/product.",
    ),
    Setting(
        "access_token",
        "Access token",
        type="secret",
        required=True,
        help="System > Extensions > Integrations > (your integration) > Activate: the Access "
        "Token. On Magento 2.4.4 and later also set Stores > Configuration > Services > OAuth > "
        "Consumer Settings > 'Allow OAuth Access Tokens to be used as standalone Bearer "
        "Tokens' to Yes. The integration needs Sales, Catalog and Inventory resources.",
    ),
    Setting(
        "store_code",
        "Store code",
        default="default",
        validator=code_validator("default or fr"),
        help="The store view whose names and prices are read (default, or e.g. fr).",
    ),
    METHOD_MAP.setting(
        help="Magento shipping method = OMS shipping method, comma-separated, e.g. "
        "flatrate_flatrate=STANDARD, tablerate_bestway=EXPRESS. A carrier code alone "
        "(flatrate=STANDARD) covers all its methods. An order with another method is not "
        "imported: the error names the method to add.",
    ),
    Setting(
        "source_code",
        "MSI source code",
        default="default",
        validator=code_validator("default or warehouse_lyon"),
        help="The inventory source (Stores > Inventory > Sources) whose quantities are read, "
        "checked and updated, and that shipments are taken from.",
    ),
    Setting(
        "notify_customer",
        "Notify customer on shipment",
        type="bool",
        default=True,
        help="Magento sends its shipment e-mail with the tracking number.",
    ),
    Setting(
        "barcode_attribute",
        "Barcode attribute",
        default="ean",
        validator=code_validator("ean or gtin"),
        help="The product attribute code that holds the barcode (EAN/GTIN).",
    ),
    Setting(
        "orders_since",
        "Import orders since",
        type="datetime",
        help="Only orders changed after this moment are imported at first (UTC); empty "
        "imports every open order the shop has.",
    ),
    Setting(
        "requests_per_second",
        "Max requests per second",
        type="int",
        default=10,
        validator=validate_rate,
        help="Magento sets no rate limit of its own; a firewall or CDN in front of it may. "
        "The connector never sends more than this, and waits when the shop asks it to.",
    ),
    EMAIL_ERRORS_TO,
)

FEEDS = SHOP_FEEDS

PRODUCT_PAGE_SIZE = 300  # the web API's maximum page size when input limits are on
ORDER_PAGE_SIZE = 100
STOCK_PAGE_SIZE = 300
STOCK_BATCH = 20  # the web API's input list limit (2.4.3+ when input limits are on)
CURSOR_OVERLAP_SECONDS = 300
MAX_INLINE_WAIT_SECONDS = 30  # a 429 asking for longer ends the run (it is retried)
MEDIA_PATH = "/pub/media/catalog/product"

PAID_STATES = frozenset({"processing"})
UNPAID_STATES = frozenset({"new", "pending_payment", "payment_review", "holded"})
CANCELLED_STATES = frozenset({"canceled"})
# The states import_new_orders asks for: paid ones, and the unpaid ones to set aside.
IMPORTABLE_STATES = ("new", "pending_payment", "payment_review", "holded", "processing")
# Composite products hold no stock of their own.
NO_STOCK_TYPES = frozenset({"configurable", "bundle", "grouped"})
