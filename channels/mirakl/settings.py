"""Mirakl seller-shop settings and feeds, declared as data."""

from __future__ import annotations

from channels.base import FeedSpec
from channels.settings_spec import EMAIL_ERRORS_TO, Setting, validate_host

SETTINGS = (
    Setting(
        "hostname",
        "Hostname",
        required=True,
        validator=validate_host,
        help="The seller shop host without https, e.g. acceleratorprogram-dev.mirakl.net "
        "(a full http://host:port URL is accepted for a sandbox).",
    ),
    Setting("shop_id", "Shop ID", type="int", help="From My Account > Settings on the shop."),
    Setting(
        "api_key",
        "API Key",
        type="secret",
        required=True,
        help="Generated on the API Key tab of 'My User Settings' on the seller shop.",
    ),
    EMAIL_ERRORS_TO,
)

# Mirakl recommends OR11 every 5 minutes at most once a minute.
FEEDS = (
    FeedSpec("accept_orders", interval_seconds=300),
    FeedSpec("import_new_orders", interval_seconds=300),
    FeedSpec("update_orders", interval_seconds=900),
    FeedSpec("confirm_shipments", interval_seconds=300),
)

PAGE_SIZE = 100  # OR11's documented maximum
CURSOR_OVERLAP_SECONDS = 300
ORDER_MESSAGE_ATTRIBUTE = ":MiraklOrderMessage"
CANCELLED_STATES = frozenset({"CANCELED", "REFUSED"})
# Not debited yet: the OMS waits (an order fetched again in these states is not imported).
UNPAID_STATES = frozenset(
    {"STAGING", "WAITING_ACCEPTANCE", "WAITING_DEBIT", "WAITING_DEBIT_PAYMENT"}
)
