"""Fixtures for the sandbox tests: a live sandbox server and a small Mirakl helper."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from sandbox.server import SandboxServer

SHOP_ID = 2001
API_KEY = "key-2001-secret"


def wait_for(
    condition: Callable[[], Any], timeout_seconds: float = 5.0, interval_seconds: float = 0.05
) -> Any:
    """Poll ``condition`` until it returns something truthy, or fail after the deadline."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"condition not met within {timeout_seconds} s")
        time.sleep(interval_seconds)


class MiraklSandbox:
    """Talks to one running sandbox: control calls and authenticated seller-API calls."""

    shop_id = SHOP_ID
    api_key = API_KEY

    def __init__(self, base_url: str, session: requests.Session) -> None:
        self.base_url = base_url
        self.url = f"{base_url}/mirakl"
        self.control = f"{base_url}/mirakl/_sandbox"
        self.http = session

    def create_shop(self, shop_id: int = SHOP_ID, api_key: str = API_KEY, **settings: Any) -> dict:
        response = self.http.post(
            f"{self.control}/shops",
            json={"shop_id": shop_id, "api_key": api_key, **settings},
            timeout=5,
        )
        assert response.status_code == 201, response.text
        return response.json()

    def seed(self, shop_id: int = SHOP_ID, **body: Any) -> dict:
        response = self.http.post(f"{self.control}/shops/{shop_id}/orders", json=body, timeout=30)
        assert response.status_code == 201, response.text
        return response.json()

    def api(
        self, method: str, path: str, api_key: str | None = API_KEY, **kwargs: Any
    ) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if api_key is not None:
            headers["Authorization"] = api_key
        kwargs.setdefault("timeout", 5)
        return self.http.request(method, f"{self.url}{path}", headers=headers, **kwargs)

    def orders(self, api_key: str = API_KEY, **params: Any) -> dict:
        response = self.api("GET", "/api/orders", api_key, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    def order(self, order_id: str, shop_id: int = SHOP_ID) -> dict:
        response = self.http.get(f"{self.control}/shops/{shop_id}/orders/{order_id}", timeout=5)
        assert response.status_code == 200, response.text
        return response.json()

    def accept_all(self, order: dict, api_key: str = API_KEY) -> requests.Response:
        lines = [{"id": line["order_line_id"], "accepted": True} for line in order["order_lines"]]
        return self.api(
            "PUT", f"/api/orders/{order['order_id']}/accept", api_key, json={"order_lines": lines}
        )

    def summary(self, shop_id: int = SHOP_ID) -> dict:
        return self.http.get(f"{self.control}/shops/{shop_id}/summary", timeout=5).json()

    def calls(self, shop_id: int = SHOP_ID, **params: Any) -> list[dict]:
        return self.http.get(
            f"{self.control}/shops/{shop_id}/calls", params=params, timeout=5
        ).json()["calls"]

    def fault(self, shop_id: int = SHOP_ID, **body: Any) -> dict:
        response = self.http.post(f"{self.control}/shops/{shop_id}/faults", json=body, timeout=5)
        assert response.status_code == 201, response.text
        return response.json()


@pytest.fixture
def poll() -> Callable[..., Any]:
    """``poll(condition, timeout_seconds=5)``: wait for a condition instead of sleeping."""
    return wait_for


@pytest.fixture
def sandbox_server() -> Iterator[SandboxServer]:
    with SandboxServer() as server:
        yield server


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def mirakl(sandbox_server: SandboxServer, http: requests.Session) -> MiraklSandbox:
    """A running sandbox with shop 2001 (key ``key-2001-secret``, immediate debit)."""
    sandbox = MiraklSandbox(sandbox_server.url, http)
    sandbox.create_shop(debit_delay_seconds=0)
    return sandbox
