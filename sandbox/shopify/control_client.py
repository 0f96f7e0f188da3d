"""A small Python client of the control API, for tests and demos that drive a sandbox shop.

It speaks only the ``/shopify/_sandbox/`` calls (JSON over HTTP); the Admin API itself is for
the connector under test. ``settings()`` gives the values an integration needs to reach the
shop.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests

TIMEOUT_SECONDS = 120


class SandboxShop:
    def __init__(self, sandbox_url: str, handle: str, token: str) -> None:
        self.sandbox_url = sandbox_url.rstrip("/")
        self.handle = handle
        self.token = token
        self.url = f"{self.sandbox_url}/shopify/{handle}"
        self.control = f"{self.sandbox_url}/shopify/_sandbox/shops/{handle}"

    @classmethod
    def create(cls, sandbox_url: str, handle: str | None = None, **options: Any) -> SandboxShop:
        """A new shop with a fresh handle and token (``options``: plan, bucket, scopes...)."""
        handle = handle or f"shop-{uuid.uuid4().hex[:10]}"
        token = options.pop("access_token", f"shpat_{uuid.uuid4().hex}")
        response = requests.post(f"{sandbox_url.rstrip('/')}/shopify/_sandbox/shops",
                                 json={"shop": handle, "access_token": token, **options},
                                 timeout=TIMEOUT_SECONDS)
        response.raise_for_status()
        return cls(sandbox_url, handle, token)

    def settings(self, **extra: Any) -> dict[str, Any]:
        return {
            "shop_domain": self.url,
            "access_token": self.token,
            "shipping_method_map": "STANDARD=STD, EXPRESS=EXP, Free Shipping=STD",
            **extra,
        }

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        response = requests.request(method, f"{self.control}{path}", timeout=TIMEOUT_SECONDS,
                                    **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    def add_products(self, **body: Any) -> dict[str, list[int]]:
        return self._call("POST", "/products", json=body)

    def products(self, **params: Any) -> list[dict[str, Any]]:
        return self._call("GET", "/products", params={"limit": 100_000, **params})["products"]

    def patch_product(self, product_id: int, **body: Any) -> dict[str, Any]:
        return self._call("PATCH", f"/products/{product_id}", json=body)

    def touch_products(self, **body: Any) -> list[int]:
        return self._call("POST", "/products/touch", json=body)["touched"]

    def add_orders(self, **body: Any) -> dict[str, list[int]]:
        return self._call("POST", "/orders", json=body)

    def orders(self) -> list[dict[str, Any]]:
        return self._call("GET", "/orders")["orders"]

    def order(self, order_id: int) -> dict[str, Any]:
        return self._call("GET", f"/orders/{order_id}")

    def pay(self, order_id: int) -> dict[str, Any]:
        return self._call("POST", f"/orders/{order_id}/pay")

    def cancel(self, order_id: int, reason: str = "customer") -> dict[str, Any]:
        return self._call("POST", f"/orders/{order_id}/cancel", json={"reason": reason})

    def set_stock(self, **body: Any) -> int:
        return self._call("POST", "/stock", json=body)["updated"]

    def stock(self) -> dict[str, int]:
        return self._call("GET", "/stock")["levels"]

    def fill_bucket(self, level: float) -> dict[str, Any]:
        return self._call("POST", "/bucket", json={"level": level})

    def bucket(self) -> dict[str, Any]:
        return self._call("GET", "/bucket")

    def calls(self, **params: Any) -> list[dict[str, Any]]:
        return self._call("GET", "/calls", params=params)["calls"]

    def clear_calls(self) -> int:
        return self._call("DELETE", "/calls")["cleared"]

    def summary(self) -> dict[str, Any]:
        return self._call("GET", "/summary")

    def fault(self, **body: Any) -> dict[str, Any]:
        return self._call("POST", "/faults", json=body)

    def clear_faults(self) -> int:
        return self._call("DELETE", "/faults")["cleared"]

    def add_location(self, name: str) -> int:
        return self._call("POST", "/locations", json={"name": name})["id"]
