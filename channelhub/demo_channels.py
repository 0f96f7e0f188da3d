"""The demo's channels: one integration of each, pointed at its simulator, with demo data.

Each channel is a row of `CHANNELS`: the integration (name, mode), the settings that point
it at this run's sandbox (applied again at every start, since the sandbox port changes), the
credentials and settings of a first start, and `seed`, which creates the simulator account
with the stored credentials (the simulators forget everything when the demo stops) and fills
it. Seeding is deterministic, so a restart brings back the same orders; it answers the ids of
the orders it made. The demo warehouse takes each channel's carriers and trickle from here.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests

from channels.settings_spec import parse_utc
from models import Company, CompanyType, Integration, Mode, Product, SkuMapping, utcnow
from workers.configuration import add_company, add_company_mapping, map_sku

Values = dict[str, Any]
ACTOR = "demo"
PRODUCTS_PER_SHOP = 300
UNPAID_ORDERS = 3
EVERY_MINUTE = "* * * * *"


class DemoSetupFailed(RuntimeError):
    pass


@dataclass(frozen=True)
class DemoChannel:
    """How the demo sets up one channel (see the module docstring)."""

    channel: str
    name: str
    endpoints: Callable[[str], Values]  # sandbox URL -> settings pointing at the simulator
    first_values: Callable[[], Values]  # credentials and settings of a new integration
    seed: Callable[[str, Values, int], set[str]]  # (sandbox URL, settings + secrets, orders)
    carriers: tuple[str | None, ...]  # what the demo warehouse ships with (None: no tracking)
    mode: str = Mode.PRODUCTION.value
    company: Callable[[], Company] | None = None  # the retailer its orders are saved for
    oms: Callable[[Integration], None] | None = None  # OMS-side data (SKU mappings)
    trickle: Callable[[str, Values, int, int], object] | None = None  # (url, values, seed, n)


def post(url: str, body: Values | None = None) -> Any:
    """A control-API call; a refusal stops the demo with what the simulator said."""
    response = requests.post(url, json=body or {}, timeout=120)
    if response.status_code >= 400:
        raise DemoSetupFailed(f"POST {url} answered {response.status_code}: {response.text[:300]}")
    return response.json() if response.content else None


def order_ids(answer: dict[str, Any]) -> set[str]:
    """Every order id a control API's "orders made" answer lists (created, malformed, ...)."""
    return {str(i) for value in answer.values() if isinstance(value, list) for i in value}


# Mirakl --------------------------------------------------------------------------------
def _mirakl_control(url: str, values: Values) -> str:
    return f"{url}/mirakl/_sandbox/shops/{values['shop_id']}"


def _mirakl_seed(url: str, values: Values, orders: int) -> set[str]:
    shop = {"shop_id": int(values["shop_id"]), "api_key": values["api_key"]}
    post(f"{url}/mirakl/_sandbox/shops", {**shop, "debit_delay_seconds": 15})
    body = {"count": orders, "seed": 1, "with_messages": max(1, orders // 6), "malformed": 1}
    return order_ids(post(f"{_mirakl_control(url, values)}/orders", body))


def _mirakl_trickle(url: str, values: Values, seed: int, count: int) -> object:
    return post(f"{_mirakl_control(url, values)}/orders", {"count": count, "seed": seed})


# Amazon SP-API -------------------------------------------------------------------------
# Amazon SKU -> (OMS SKU, product name, price): the SKUs the simulated orders use, mapped.
AMAZON_SKUS = {
    "AMZ-MUG-PERSO-11OZ": ("DEMO-MUG-11OZ", "Personalised mug 11oz", "12.90"),
    "AMZ-TSHIRT-PERSO": ("DEMO-TSHIRT-PERSO", "Personalised T-shirt", "19.90"),
    "AMZ-POSTER-A3": ("DEMO-POSTER-A3", "Personalised poster A3", "24.90"),
    "AMZ-CUSHION-PERSO": ("DEMO-CUSHION-PERSO", "Personalised cushion", "29.90"),
}


def _amazon_first() -> Values:
    return {
        "seller_id": f"A2DEMO{secrets.token_hex(4).upper()}",
        "lwa_client_id": f"amzn1.application-oa2-client.{secrets.token_hex(16)}",
        "lwa_client_secret": secrets.token_hex(32),
        "lwa_refresh_token": f"Atzr|{secrets.token_urlsafe(48)}",
        "seller_central_domain": "UK",
        "sale_channels": "UK",
    }


def _amazon_seed(url: str, values: Values, orders: int) -> set[str]:
    seller = {
        "seller_id": values["seller_id"],
        "refresh_token": values["lwa_refresh_token"],
        "client_id": values["lwa_client_id"],
        "client_secret": values["lwa_client_secret"],
        "marketplaces": ["UK"],
        "pending_delay_seconds": 0,
        # Roomier than the real usage plans, so feeds every few seconds never run dry.
        "rates": {"*": {"rate_per_second": 5, "burst": 50}},
        "name": "Demo seller",
    }
    post(f"{url}/amazon/_sandbox/sellers", seller)
    body = {
        "count": orders,
        "seed": 7,
        "personalised": orders // 4,
        "gift": orders // 6,
        "pending": 2,
        "skus": list(AMAZON_SKUS),
    }
    return order_ids(post(f"{url}/amazon/_sandbox/sellers/{values['seller_id']}/orders", body))


def _amazon_sku_mappings(integration: Integration) -> None:
    """Amazon orders need every SKU mapped to an OMS product."""
    for channel_sku, (sku, name, price) in AMAZON_SKUS.items():
        Product.get_or_create(sku=sku, defaults={"name": name, "price": Decimal(price)})
        mapped = SkuMapping.select().where(
            (SkuMapping.integration == integration.id) & (SkuMapping.channel_sku == channel_sku)
        )
        if not mapped.exists():
            map_sku(integration, channel_sku, sku, actor=ACTOR)


# CDiscount -----------------------------------------------------------------------------
CDISCOUNT_REALM = "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"


def _cdiscount_endpoints(url: str) -> Values:
    return {
        "service_url": f"{url}/cdiscount/MarketplaceAPIService.svc",
        "token_url": f"{url}/cdiscount/users/httpIssue.svc/?realm={CDISCOUNT_REALM}",
    }


def _cdiscount_first() -> Values:
    return {
        "username": "demo-shop-api",
        "password": secrets.token_hex(16),
        "last_order_pulled_at": (utcnow() - dt.timedelta(days=1)).isoformat(),
    }


def _cdiscount_seed(url: str, values: Values, orders: int) -> set[str]:
    login = {"login": values["username"], "password": values["password"]}
    post(f"{url}/cdiscount/_sandbox/sellers", {**login, "shop_name": "Atelier démo"})
    # Order numbers carry their creation time: a fixed start brings back the same ones.
    start = parse_utc(str(values["last_order_pulled_at"])) + dt.timedelta(hours=1)
    body = {"count": orders, "seed": 11, "start": start.isoformat()}
    return order_ids(post(f"{url}/cdiscount/_sandbox/sellers/{values['username']}/orders", body))


def _company(name: str, kind: CompanyType) -> Company:
    return Company.get_or_none(Company.name == name) or add_company(name, kind.value, actor=ACTOR)


def _demo_retailer() -> Company:
    """CDiscount orders are saved for the supplier the integration's retailer is mapped to."""
    retailer = _company("Demo retailer", CompanyType.RETAILER)
    supplier = _company("Demo supplier", CompanyType.SUPPLIER)
    add_company_mapping(retailer.id, supplier.id, actor=ACTOR)
    return retailer


# Marks & Spencer -----------------------------------------------------------------------
MS_SUPPLIER_CODE = "DEMO01"


def _ms_first() -> Values:
    """Start of Day and the demand release every minute, ten orders per release."""
    return {
        "api_key": secrets.token_hex(16),
        "volume_level": "off_peak",
        "sod_schedule": EVERY_MINUTE,
        "off_peak_push_schedule": EVERY_MINUTE,
        "off_peak_batch_size": 10,
    }


def _ms_control(url: str) -> str:
    return f"{url}/marks_spencer/_sandbox/suppliers"


def _ms_seed(url: str, values: Values, orders: int) -> set[str]:
    account = {"supplier_code": MS_SUPPLIER_CODE, "api_key": values["api_key"]}
    post(_ms_control(url), {**account, "name": "Demo personalised gifts"})
    body = {"count": orders, "seed": 5}
    return order_ids(post(f"{_ms_control(url)}/{MS_SUPPLIER_CODE}/orders", body))


def _ms_trickle(url: str, values: Values, seed: int, count: int) -> object:
    return post(f"{_ms_control(url)}/{MS_SUPPLIER_CODE}/orders", {"count": count, "seed": seed})


# Magento -------------------------------------------------------------------------------
MAGENTO_SHOP = "demo"


def _magento_first() -> Values:
    methods = "flatrate=STANDARD, tablerate_bestway=EXPRESS, freeshipping_freeshipping=FREE"
    return {
        "access_token": secrets.token_hex(16),
        "shipping_method_map": methods,
        "requests_per_second": 20,
    }


def _magento_seed(url: str, values: Values, orders: int) -> set[str]:
    control = f"{url}/magento/_sandbox/shops"
    post(control, {"code": MAGENTO_SHOP, "token": values["access_token"]})
    products = {"count": PRODUCTS_PER_SHOP, "seed": 1, "sku_prefix": "MG", "with_images": True}
    post(f"{control}/{MAGENTO_SHOP}/products", products)
    body = {"count": orders, "seed": 3, "unpaid": UNPAID_ORDERS}
    return order_ids(post(f"{control}/{MAGENTO_SHOP}/orders", body))


# Shopify -------------------------------------------------------------------------------
SHOPIFY_SHOP = "demo"


def _shopify_first() -> Values:
    return {
        "access_token": f"shpat_{secrets.token_hex(16)}",
        "shipping_method_map": "STANDARD=STD, EXPRESS=EXP, Free Shipping=STD",
    }


def _shopify_control(url: str) -> str:
    return f"{url}/shopify/_sandbox/shops/{SHOPIFY_SHOP}"


def _shopify_seed(url: str, values: Values, orders: int) -> set[str]:
    shop = {"shop": SHOPIFY_SHOP, "access_token": values["access_token"], "plan": "plus"}
    post(f"{url}/shopify/_sandbox/shops", {**shop, "name": "Demo Shopify store"})
    products = {"count": PRODUCTS_PER_SHOP, "seed": 1, "sku_prefix": "SH-"}
    post(f"{_shopify_control(url)}/products", products)
    body = {"count": orders, "seed": 2, "unpaid": UNPAID_ORDERS, "unknown_shipping": 1}
    return order_ids(post(f"{_shopify_control(url)}/orders", body))


def _shopify_trickle(url: str, values: Values, seed: int, count: int) -> object:
    return post(f"{_shopify_control(url)}/orders", {"count": count, "seed": seed})


# PrestaShop ----------------------------------------------------------------------------
PRESTASHOP_SHOP = "demo"


def _prestashop_first() -> Values:
    alphabet = string.ascii_uppercase + string.digits
    return {
        "webservice_key": "".join(secrets.choice(alphabet) for _ in range(32)),
        "shipping_method_map": "My carrier=STANDARD, Colissimo=COLISSIMO, DPD Predict=DPD",
        "timezone": "Europe/Paris",
        "max_requests_per_second": 20,
    }


def _prestashop_seed(url: str, values: Values, orders: int) -> set[str]:
    control = f"{url}/prestashop/_sandbox/shops"
    post(control, {"shop": PRESTASHOP_SHOP, "ws_key": values["webservice_key"]})
    products = {"count": PRODUCTS_PER_SHOP, "seed": 1, "suppliers": 3}
    post(f"{control}/{PRESTASHOP_SHOP}/products", products)
    paid = post(f"{control}/{PRESTASHOP_SHOP}/orders", {"count": orders, "seed": 4})
    unpaid = {"count": UNPAID_ORDERS, "seed": 5, "state": "bankwire"}
    return order_ids(paid) | order_ids(post(f"{control}/{PRESTASHOP_SHOP}/orders", unpaid))


CHANNELS: tuple[DemoChannel, ...] = (
    DemoChannel(
        "mirakl",
        "Mirakl demo shop",
        endpoints=lambda url: {"hostname": f"{url}/mirakl"},
        first_values=lambda: {"shop_id": "2001", "api_key": secrets.token_hex(16)},
        seed=_mirakl_seed,
        carriers=("Colissimo", "Chronopost", "DPD", None),
        trickle=_mirakl_trickle,
    ),
    DemoChannel(
        "amazon",
        "Amazon demo seller",
        endpoints=lambda url: {
            "lwa_auth_url": f"{url}/amazon/auth/o2/token",
            "sp_api_endpoint": f"{url}/amazon",
        },
        first_values=_amazon_first,
        seed=_amazon_seed,
        carriers=("Royal Mail", "DPD", "Parcelforce"),
        oms=_amazon_sku_mappings,
    ),
    DemoChannel(
        "cdiscount",
        "CDiscount demo seller",
        endpoints=_cdiscount_endpoints,
        first_values=_cdiscount_first,
        seed=_cdiscount_seed,
        carriers=("Colissimo", "Chronopost", "Mondial Relay"),
        company=_demo_retailer,
    ),
    DemoChannel(
        "marks_spencer",
        "Marks & Spencer demo supplier",
        endpoints=lambda url: {"base_url": f"{url}/marks_spencer"},
        first_values=_ms_first,
        seed=_ms_seed,
        carriers=("Royal Mail", "DPD"),
        trickle=_ms_trickle,
    ),
    DemoChannel(
        "magento",
        "Magento demo shop",
        endpoints=lambda url: {"base_url": f"{url}/magento/{MAGENTO_SHOP}"},
        first_values=_magento_first,
        seed=_magento_seed,
        carriers=("Colissimo", "DHL", "UPS"),
    ),
    DemoChannel(
        "shopify",
        "Shopify demo shop",
        endpoints=lambda url: {"shop_domain": f"{url}/shopify/{SHOPIFY_SHOP}"},
        first_values=_shopify_first,
        seed=_shopify_seed,
        carriers=("UPS", "DHL Express", "Colissimo"),
        trickle=_shopify_trickle,
    ),
    DemoChannel(
        "prestashop",
        "PrestaShop demo shop",
        endpoints=lambda url: {"shop_url": f"{url}/prestashop/{PRESTASHOP_SHOP}"},
        first_values=_prestashop_first,
        seed=_prestashop_seed,
        carriers=("Colissimo", "DPD"),
        mode=Mode.TEST.value,  # its outbound feeds are skipped, each with an info event
    ),
)
