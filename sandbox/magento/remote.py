"""A client of the control API for one simulated shop: tests, benchmarks and the demo use it.

It speaks only the sandbox's own control endpoints (``/magento/_sandbox/...``) over HTTP; the
REST API a connector calls lives at ``base_url``.
"""

from __future__ import annotations

import uuid
from typing import Any

import requests

TIMEOUT_SECONDS = 120


class MagentoSandbox:
    """One shop of a running sandbox: its REST base URL, its token, and its controls."""

    def __init__(self, sandbox_url: str, code: str, token: str) -> None:
        self.sandbox_url = sandbox_url.rstrip("/")
        self.code = code
        self.token = token
        self.base_url = f"{self.sandbox_url}/magento/{code}"
        self.control = f"{self.sandbox_url}/magento/_sandbox/shops/{code}"
        self.http = requests.Session()

    @classmethod
    def create(
        cls, sandbox_url: str, code: str | None = None, token: str | None = None, **options: Any
    ) -> MagentoSandbox:
        """Create (or reconfigure) a shop; options as for ``POST /magento/_sandbox/shops``."""
        code = code or f"shop_{uuid.uuid4().hex[:10]}"
        token = token or uuid.uuid4().hex
        shop = cls(sandbox_url, code, token)
        shop._send(
            "POST",
            f"{shop.sandbox_url}/magento/_sandbox/shops",
            {"code": code, "token": token, **options},
        )
        return shop

    def _send(self, method: str, url: str, body: Any = None, **params: Any) -> Any:
        response = self.http.request(
            method, url, json=body, params=params or None, timeout=TIMEOUT_SECONDS
        )
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {url} -> {response.status_code}: {response.text}")
        return response.json() if response.content else None

    def add_products(self, **body: Any) -> dict[str, list[int]]:
        return self._send("POST", f"{self.control}/products", body)

    def products(self) -> list[dict[str, Any]]:
        return self._send("GET", f"{self.control}/products")["products"]

    def touch_products(self, **body: Any) -> int:
        return self._send("POST", f"{self.control}/products/touch", body)["touched"]

    def add_orders(self, **body: Any) -> dict[str, list[int]]:
        return self._send("POST", f"{self.control}/orders", body)

    def orders(self, state: str | None = None) -> list[dict[str, Any]]:
        params = {"state": state} if state else {}
        return self._send("GET", f"{self.control}/orders", **params)["orders"]

    def order(self, order_id: int | str) -> dict[str, Any]:
        return self._send("GET", f"{self.control}/orders/{order_id}")

    def act(self, order_id: int | str, action: str) -> dict[str, Any]:
        """``pay``, ``cancel``, ``refund`` or ``hold`` an order, as the merchant would."""
        return self._send("POST", f"{self.control}/orders/{order_id}/{action}", {})

    def set_stock(self, items: list[dict[str, Any]]) -> None:
        self._send("PUT", f"{self.control}/stock", {"items": items})

    def stock(self, source_code: str | None = None) -> dict[str, Any]:
        params = {"source_code": source_code} if source_code else {}
        return self._send("GET", f"{self.control}/stock", **params)

    def fault(self, **body: Any) -> dict[str, Any]:
        return self._send("POST", f"{self.control}/faults", body)

    def clear_faults(self) -> int:
        return self._send("DELETE", f"{self.control}/faults")["cleared"]

    def calls(self, **filters: Any) -> list[dict[str, Any]]:
        return self._send("GET", f"{self.control}/calls", **filters)["calls"]

    def summary(self) -> dict[str, Any]:
        return self._send("GET", f"{self.control}/summary")

    def close(self) -> None:
        self.http.close()
