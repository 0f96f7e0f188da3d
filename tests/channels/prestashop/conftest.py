"""Fixtures for the PrestaShop tests: a shop on the shared sandbox, and its helper."""

from __future__ import annotations

import base64
import json
import secrets
import string
import uuid
from pathlib import Path
from typing import Any

import pytest
import requests

PAYLOADS = Path(__file__).parent / "payloads"
METHOD_MAP = "Click and collect=PICKUP, My carrier=STANDARD, Colissimo=COLISSIMO, 4=DPD"


def payload(name: str) -> Any:
    return json.loads((PAYLOADS / name).read_text())


def new_key() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(32))


class PrestaShopShop:
    """One shop on a running sandbox: control calls and raw webservice calls."""

    def __init__(self, sandbox_url: str, name: str, key: str) -> None:
        self.name = name
        self.key = key
        self.url = f"{sandbox_url}/prestashop/{name}"
        self.control = f"{sandbox_url}/prestashop/_sandbox/shops/{name}"

    def settings(self, **extra: Any) -> dict[str, Any]:
        return {
            "shop_url": self.url,
            "webservice_key": self.key,
            "shipping_method_map": METHOD_MAP,
            "timezone": "Europe/Paris",
            "max_requests_per_second": 50,
            **extra,
        }

    def _post(self, path: str, body: dict | None = None, status: int = 201) -> Any:
        response = requests.post(f"{self.control}{path}", json=body or {}, timeout=120)
        assert response.status_code == status, response.text
        return response.json()

    def _get(self, path: str, **params: Any) -> Any:
        response = requests.get(f"{self.control}{path}", params=params, timeout=30)
        assert response.status_code == 200, response.text
        return response.json()

    def add_products(self, **body: Any) -> dict:
        return self._post("/products", body)

    def touch_products(self, **body: Any) -> dict:
        return self._post("/products/touch", body, status=200)

    def product(self, product_id: int) -> dict:
        return self._get(f"/products/{product_id}")

    def add_orders(self, **body: Any) -> dict:
        return self._post("/orders", body)

    def order(self, order_id: int | str) -> dict:
        return self._get(f"/orders/{order_id}")

    def pay(self, order_id: int | str) -> dict:
        return self._post(f"/orders/{order_id}/pay", status=200)

    def cancel(self, order_id: int | str) -> dict:
        return self._post(f"/orders/{order_id}/cancel", status=200)

    def set_stock(self, quantities: dict[str, int]) -> dict:
        return self._post("/stock", {"quantities": quantities}, status=200)

    def stock(self, *skus: str) -> dict[str, int]:
        return self._get("/stock", skus=",".join(skus))["stock"]

    def edit_carrier(self, carrier_id: int, **body: Any) -> dict:
        return self._post(f"/carriers/{carrier_id}/edit", body)

    def summary(self) -> dict:
        return self._get("/summary")

    def calls(self, **params: Any) -> list[dict]:
        return self._get("/calls", **params)["calls"]

    def fault(self, **body: Any) -> dict:
        return self._post("/faults", body)

    def clear_faults(self) -> None:
        requests.delete(f"{self.control}/faults", timeout=10).raise_for_status()

    def api(self, method: str, path: str, *, key: str | None = "", json_output: bool = True,
            **kwargs: Any) -> requests.Response:
        """A raw webservice call; ``key=None`` sends no credentials."""
        headers = kwargs.pop("headers", {})
        use = self.key if key == "" else key
        if use is not None:
            headers["Authorization"] = "Basic " + base64.b64encode(f"{use}:".encode()).decode()
        params = kwargs.pop("params", {})
        if json_output:
            params = {"output_format": "JSON", **params}
        kwargs.setdefault("timeout", 30)
        return requests.request(method, f"{self.url}/api{path}", headers=headers, params=params,
                                **kwargs)


def create_shop(sandbox_url: str, **settings: Any) -> PrestaShopShop:
    name = f"shop-{uuid.uuid4().hex[:12]}"
    key = new_key()
    response = requests.post(f"{sandbox_url}/prestashop/_sandbox/shops",
                             json={"shop": name, "ws_key": key, **settings}, timeout=10)
    assert response.status_code == 201, response.text
    return PrestaShopShop(sandbox_url, name, key)


@pytest.fixture
def ps_shop(sandbox_url):
    """``ps_shop(rate_limit=..., version=..., permissions=..., timezone=...)`` -> a new shop."""

    def make(**settings: Any) -> PrestaShopShop:
        return create_shop(sandbox_url, **settings)

    return make
