"""Channel code -> connector class. Imported lazily so one broken channel cannot break all."""

from __future__ import annotations

import importlib

from channels.base import Connector

CHANNELS: dict[str, str] = {
    "amazon": "channels.amazon",
    "cdiscount": "channels.cdiscount",
    "magento": "channels.magento",
    "marks_spencer": "channels.marks_spencer",
    "mirakl": "channels.mirakl",
    "prestashop": "channels.prestashop",
    "shopify": "channels.shopify",
}


def codes() -> list[str]:
    return sorted(CHANNELS)


def connector_class(code: str) -> type[Connector]:
    try:
        module_name = CHANNELS[code]
    except KeyError:
        raise KeyError(f"unknown channel {code!r} (known: {', '.join(codes())})") from None
    return importlib.import_module(module_name).Connector
