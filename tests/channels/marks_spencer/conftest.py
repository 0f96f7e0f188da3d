"""Fixtures for the M&S tests: a supplier account on the shared sandbox, and its helper."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
import requests

NO_RATE_LIMIT = None


class MSSupplier:
    """One supplier account on a running sandbox: control calls and raw API calls."""

    def __init__(self, sandbox_url: str, code: str, api_key: str) -> None:
        self.base = f"{sandbox_url}/marks_spencer"
        self.code = code
        self.api_key = api_key
        self.control = f"{self.base}/_sandbox/suppliers/{code}"

    def settings(self, **extra: Any) -> dict[str, Any]:
        return {"api_key": self.api_key, "base_url": self.base, **extra}

    def add_orders(self, **body: Any) -> dict:
        response = requests.post(f"{self.control}/orders", json=body, timeout=60)
        assert response.status_code == 201, response.text
        return response.json()

    def fault(self, **body: Any) -> dict:
        response = requests.post(f"{self.control}/faults", json=body, timeout=10)
        assert response.status_code == 201, response.text
        return response.json()

    def orders(self, status: str | None = None) -> list[dict]:
        params = {"status": status} if status else {}
        return requests.get(f"{self.control}/orders", params=params, timeout=30).json()["orders"]

    def order(self, number: str) -> dict:
        return requests.get(f"{self.control}/orders/{number}", timeout=10).json()

    def cancel(self, number: str) -> requests.Response:
        return requests.post(f"{self.control}/orders/{number}/cancel", json={}, timeout=10)

    def summary(self) -> dict:
        return requests.get(f"{self.control}/summary", timeout=30).json()

    def calls(self, **params: Any) -> list[dict]:
        return requests.get(f"{self.control}/calls", params=params, timeout=10).json()["calls"]

    def api(self, method: str, path: str, api_key: str | None = "", **kwargs: Any):
        key = self.api_key if api_key == "" else api_key
        headers = {"x-api-key": key} if key is not None else {}
        kwargs.setdefault("timeout", 10)
        return requests.request(method, f"{self.base}{path}", headers=headers, **kwargs)


@pytest.fixture
def ms_supplier(sandbox_url):
    """`ms_supplier(rate_limit=None, suspended=False)`: a fresh account with its own key."""

    def make(rate_limit: dict | None = NO_RATE_LIMIT, suspended: bool = False) -> MSSupplier:
        code = f"S{uuid.uuid4().hex[:8].upper()}"
        api_key = uuid.uuid4().hex
        response = requests.post(
            f"{sandbox_url}/marks_spencer/_sandbox/suppliers",
            json={
                "supplier_code": code,
                "api_key": api_key,
                "rate_limit": rate_limit,
                "suspended": suspended,
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text
        return MSSupplier(sandbox_url, code, api_key)

    return make
