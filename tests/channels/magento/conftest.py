"""Fixtures for the Magento tests: shops of the session's sandbox, and integration settings."""

from __future__ import annotations

import pytest

from sandbox.magento.remote import MagentoSandbox

METHOD_MAP = "flatrate=STANDARD, tablerate_bestway=EXPRESS, freeshipping_freeshipping=FREE"


@pytest.fixture
def magento_settings():
    """`magento_settings(shop, **extra)`: integration values for a sandbox shop (a high
    request rate, so tests do not wait on the client-side budget unless they ask to)."""

    def values(shop: MagentoSandbox, **extra) -> dict[str, str]:
        return {
            "base_url": shop.base_url,
            "access_token": shop.token,
            "shipping_method_map": METHOD_MAP,
            "requests_per_second": "50",
            **extra,
        }

    return values


@pytest.fixture
def magento_shop(sandbox_url):
    """`magento_shop(**options)`: a fresh simulated shop (options as the control API takes)."""
    shops = []

    def make(**options) -> MagentoSandbox:
        shop = MagentoSandbox.create(sandbox_url, **options)
        shops.append(shop)
        return shop

    yield make
    for shop in shops:
        shop.close()
