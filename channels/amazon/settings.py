"""Amazon SP-API settings, feeds, regions, marketplaces and usage plans, declared as data."""

from __future__ import annotations

from channels.base import FeedSpec
from channels.settings_spec import EMAIL_ERRORS_TO, Setting

# Region -> SP-API endpoint (Amazon's "SP-API endpoints" table).
REGION_ENDPOINTS = {
    "NA": "https://sellingpartnerapi-na.amazon.com",
    "EU": "https://sellingpartnerapi-eu.amazon.com",
    "FE": "https://sellingpartnerapi-fe.amazon.com",
}

# Country code as sellers write it -> (MarketplaceId, region). "UK" is Amazon's own spelling.
MARKETPLACES: dict[str, tuple[str, str]] = {
    "CA": ("A2EUQ1WTGCTBG2", "NA"),
    "US": ("ATVPDKIKX0DER", "NA"),
    "MX": ("A1AM78C64UM0Y8", "NA"),
    "BR": ("A2Q3Y263D00KWC", "NA"),
    "ES": ("A1RKKUPIHCS9HS", "EU"),
    "UK": ("A1F83G8C2ARO7P", "EU"),
    "FR": ("A13V1IB3VIYZZH", "EU"),
    "BE": ("AMEN7PMS3EDWL", "EU"),
    "NL": ("A1805IZSGTT6HS", "EU"),
    "DE": ("A1PA6795UKMFR9", "EU"),
    "IT": ("APJ6JRA9NG5V4", "EU"),
    "SE": ("A2NODRKZP88ZB9", "EU"),
    "PL": ("A1C3SOZRARQ6R3", "EU"),
    "EG": ("ARBP9OOSHTCHU", "EU"),
    "TR": ("A33AVAJ2PDY3EV", "EU"),
    "SA": ("A17E79C6D8DWNP", "EU"),
    "AE": ("A2VIGQ35RCS4UG", "EU"),
    "IN": ("A21TJRUUN4KGV", "EU"),
    "IE": ("A28R8C7NBKEWEA", "EU"),
    "ZA": ("AE08WJ6YKNBMC", "EU"),
    "SG": ("A19VAU5U5O7RUS", "FE"),
    "AU": ("A39IBJ37TRP1C6", "FE"),
    "JP": ("A1VC38T7YXB528", "FE"),
}
DEFAULT_LWA_AUTH_URL = "https://api.amazon.com/auth/o2/token"
COUNTRY_ALIASES = {"GB": "UK"}  # ISO writes GB; Amazon and sellers write UK

DOMAINS = (
    ("AU", "Australia (AU)"),
    ("BR", "Brazil (BR)"),
    ("CA", "Canada (CA)"),
    ("EG", "Egypt (EG)"),
    ("FR", "France (FR)"),
    ("DE", "Germany (DE)"),
    ("IN", "India (IN)"),
    ("IT", "Italy (IT)"),
    ("JP", "Japan (JP)"),
    ("MX", "Mexico (MX)"),
    ("SA", "Saudi Arabia (SA)"),
    ("SG", "Singapore (SG)"),
    ("ES", "Spain (ES)"),
    ("TR", "Turkey (TR)"),
    ("AE", "United Arab Emirates (AE)"),
    ("UK", "United Kingdom (UK)"),
    ("US", "United States (US)"),
)

LEVEL_MEDIUM = "medium"
LEVEL_MINIMUM = "minimum"
LEVEL_MAXIMUM = "maximum"
CUSTOMISATION_LEVELS = (
    (LEVEL_MEDIUM, "Medium - Message and Cosmetics"),
    (LEVEL_MINIMUM, "Minimum - Message Only"),
    (LEVEL_MAXIMUM, "Maximum (In Development)"),
)


def country_codes(text: str) -> list[str]:
    """'uk, DE,fr' -> ['UK', 'DE', 'FR'] (GB accepted for UK), duplicates dropped."""
    codes: list[str] = []
    for part in str(text).split(","):
        code = part.strip().upper()
        code = COUNTRY_ALIASES.get(code, code)
        if code and code not in codes:
            codes.append(code)
    return codes


def validate_sale_channels(value: str) -> str | None:
    """Known marketplaces, all in one region (one SP-API endpoint serves one region)."""
    codes = country_codes(value)
    if not codes:
        return "give at least one marketplace, e.g. UK or UK,DE,FR"
    unknown = [c for c in codes if c not in MARKETPLACES]
    if unknown:
        return (
            f"unknown Amazon marketplace: {', '.join(unknown)} "
            f"(known: {', '.join(sorted(MARKETPLACES))})"
        )
    regions = {MARKETPLACES[c][1] for c in codes}
    if len(regions) > 1:
        return (
            "the marketplaces are in different regions ("
            + ", ".join(f"{c}: {MARKETPLACES[c][1]}" for c in codes)
            + "); one integration serves one region"
        )
    return None


def validate_http_url(value: str) -> str | None:
    if not str(value).startswith(("https://", "http://")):
        return "must be a full URL starting with https://"
    return None


def validate_role_arn(value: str) -> str | None:
    if not str(value).startswith("arn:aws:iam::"):
        return "must look like arn:aws:iam::123456789012:role/SellingPartnerRole"
    return None


SETTINGS = (
    Setting(
        "lwa_client_id",
        "LWA Client ID",
        required=True,
        help="Seller Central > Develop Apps > LWA credentials > View "
        "(amzn1.application-oa2-client....).",
    ),
    Setting(
        "lwa_client_secret",
        "LWA Client Secret",
        type="secret",
        required=True,
        help="Shown next to the client ID. Amazon expires it every 180 days: rotate it in "
        "Developer Central and paste the new one here.",
    ),
    Setting(
        "lwa_refresh_token",
        "LWA Refresh Token",
        type="secret",
        required=True,
        help="Edit App > Authorise, in Seller Central (Atzr|...).",
    ),
    Setting(
        "lwa_auth_url",
        "LWA Auth URL",
        type="url",
        default=DEFAULT_LWA_AUTH_URL,
        validator=validate_http_url,
        help="Login with Amazon token endpoint; keep the default.",
    ),
    Setting(
        "aws_access_key_id",
        "AWS Access Key ID",
        group="aws",
        help="Kept for reference only: the SP-API no longer requires AWS Signature Version 4 "
        "(since October 2023), so requests are not signed with it.",
    ),
    Setting(
        "aws_secret_access_key",
        "AWS Secret Access Key",
        type="secret",
        group="aws",
        help="Kept for reference only: requests are not signed with AWS Signature Version 4, "
        "which the SP-API no longer requires.",
    ),
    Setting(
        "aws_role_arn",
        "AWS Role ARN",
        group="aws",
        validator=validate_role_arn,
        help="The IAM role registered with the app; kept for reference only (no SigV4 signing).",
    ),
    Setting(
        "seller_id",
        "Seller/Merchant ID",
        required=True,
        help="Seller Central > Settings > Account Info > Merchant Token (e.g. A2XXXXXXXXXXXX).",
    ),
    Setting(
        "last_imported_datetime",
        "Last Imported Datetime",
        type="datetime",
        help="Orders placed after this UTC time are imported first (ISO, e.g. "
        "2026-01-31T09:00:00Z); the feed then moves on by itself.",
    ),
    Setting(
        "use_last_imported_datetime",
        "Use Last Imported Datetime",
        type="bool",
        default=True,
        help="On: import orders placed since the last imported one. Off: look back a fixed "
        "7 days on every run (orders already imported are skipped).",
    ),
    Setting(
        "customisation_level",
        "Customisation Level",
        type="choice",
        default=LEVEL_MEDIUM,
        choices=CUSTOMISATION_LEVELS,
        help="What is kept of Amazon Custom personalisation: the buyer's text only, or text "
        "plus cosmetic options such as font, colour and size.",
    ),
    EMAIL_ERRORS_TO,
    Setting(
        "seller_central_domain",
        "Seller Central Domain",
        type="choice",
        required=True,
        choices=DOMAINS,
        help="The Seller Central you sign in to; it decides the SP-API region (NA, EU, FE).",
    ),
    Setting(
        "sale_channels",
        "Sale Channel(s)",
        required=True,
        validator=validate_sale_channels,
        help="Marketplaces to import from, alpha-2 codes comma separated, e.g. UK,DE,FR; all "
        "in the region of the Seller Central Domain.",
    ),
    Setting(
        "sku_concatenation_labels",
        "SKU Concatenation Labels",
        help="Labels of Amazon Custom options whose chosen values are appended to the Amazon "
        "SKU, in this order, to name the variant to map (e.g. 'Size,Colour' turns TSHIRT "
        "with Size M and Colour Red into TSHIRT-M-Red). Empty: the Amazon SKU as is.",
    ),
    Setting(
        "sp_api_endpoint",
        "SP-API endpoint override",
        type="url",
        group="advanced",
        validator=validate_http_url,
        help="Leave empty to use the endpoint of the domain's region. Set only to point at a "
        "sandbox or a proxy.",
    ),
)

# getOrders refills one call a minute: every 15 minutes keeps well inside its burst of 20.
FEEDS = (
    FeedSpec("import_new_orders", interval_seconds=900),
    FeedSpec("update_orders", interval_seconds=1800),
    FeedSpec("confirm_shipments", interval_seconds=900),
)

# Default usage plans (rate per second, burst) from the Orders v0 and Tokens models.
USAGE_PLANS: dict[str, tuple[float, int]] = {
    "getOrders": (0.0167, 20),
    "getOrder": (0.5, 30),
    "getOrderItems": (0.5, 30),
    "getOrderItemsBuyerInfo": (0.5, 30),
    "getOrderAddress": (0.5, 30),
    "confirmShipment": (2.0, 10),
    "createRestrictedDataToken": (1.0, 10),
}

IMPORT_STATUSES = ("Unshipped", "PartiallyShipped")  # Pending is not actionable yet
PENDING_STATUSES = ("Pending",)
CANCELLED_STATUSES = frozenset({"Canceled"})
SHIPPED_STATUSES = frozenset({"Shipped", "InvoiceUnconfirmed"})
PAGE_SIZE = 100  # MaxResultsPerPage maximum
CREATED_BEFORE_MARGIN_SECONDS = 130  # getOrders refuses *Before later than 2 minutes ago
CURSOR_OVERLAP_SECONDS = 300
LOOKBACK_DAYS = 7  # when "Use Last Imported Datetime" is off, and for a new update feed
MAX_SEEN_ORDERS = 10_000  # order ids kept in the cursor to avoid fetching items twice
TOKEN_REFRESH_MARGIN_SECONDS = 60
LWA_SECRET_LIFETIME_DAYS = 180
LWA_SECRET_WARNING_DAYS = 14
CUSTOMISATION_MAX_BYTES = 20 * 1024 * 1024

# Amazon's carrier codes that are also plain carrier names; anything else is sent as "Other".
CARRIER_CODES = (
    "Amazon Shipping",
    "Australia Post",
    "Blue Package",
    "Canada Post",
    "Chronopost",
    "Colissimo",
    "Correos",
    "Deutsche Post",
    "DHL",
    "DHL eCommerce",
    "DPD",
    "FedEx",
    "GLS",
    "Hermes",
    "India Post",
    "Japan Post",
    "La Poste",
    "Parcelforce",
    "Poste Italiane",
    "Royal Mail",
    "TNT",
    "UPS",
    "USPS",
    "Yamato Transport",
    "Yodel",
)

ATTRIBUTE_MARKETPLACE = ":AmazonMarketplaceId"
ATTRIBUTE_SALES_CHANNEL = ":AmazonSalesChannel"
ATTRIBUTE_LATEST_SHIP_DATE = ":AmazonLatestShipDate"
ATTRIBUTE_PRIME = ":AmazonIsPrime"
ATTRIBUTE_BUSINESS = ":AmazonIsBusinessOrder"
ATTRIBUTE_CANCEL_REQUEST = ":AmazonBuyerRequestedCancel"
ATTRIBUTE_GIFT_MESSAGE = ":AmazonGiftMessage"
