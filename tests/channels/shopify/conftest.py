"""Fixtures for the Shopify tests: sandbox shops and connectors pointed at them."""

from __future__ import annotations

import pytest

from channels.shopify import Connector
from sandbox.shopify.control_client import SandboxShop


@pytest.fixture
def shopify_shop(sandbox_url):
    """``shopify_shop(plan=..., bucket=..., scopes=...)``: a fresh shop on the sandbox."""

    def make(**options) -> SandboxShop:
        return SandboxShop.create(sandbox_url, **options)

    return make


@pytest.fixture
def connect():
    """``connect(shop, **settings)``: a connector for the shop, closed after the test."""
    made = []

    def make(shop: SandboxShop, **extra) -> Connector:
        values = shop.settings(**extra)
        token = values.pop("access_token")
        connector = Connector(values, {"access_token": token})
        made.append(connector)
        return connector

    yield make
    for connector in made:
        connector.close()
