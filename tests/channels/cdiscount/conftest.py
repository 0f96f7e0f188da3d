"""Fixtures for the CDiscount tests: a seller on the sandbox, and its control-API helper."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests

from channels.cdiscount import Connector
from channels.cdiscount.client import TOKENS

REALM = "https://wsvc.cdiscount.com/MarketplaceAPIService.svc"


class CdiscountSeller:
    """One seller account on the sandbox: its API login, integration values and control calls."""

    def __init__(self, sandbox_url: str, login: str, password: str) -> None:
        self.login = login
        self.password = password
        self.base = f"{sandbox_url}/cdiscount"
        self.control = f"{self.base}/_sandbox/sellers/{login}"
        self.service_url = f"{self.base}/MarketplaceAPIService.svc"
        self.token_url = f"{self.base}/users/httpIssue.svc/?realm={REALM}"

    def settings(self, days_back: float = 30, **extra) -> dict[str, str]:
        """Integration values (settings and secrets together), as the CLI takes them."""
        start = dt.datetime.now(dt.UTC) - dt.timedelta(days=days_back)
        return {
            "username": self.login,
            "password": self.password,
            "last_order_pulled_at": start.isoformat(),
            "service_url": self.service_url,
            "token_url": self.token_url,
            **extra,
        }

    def connector(self, **extra) -> Connector:
        values = self.settings(**extra)
        secrets = {k: values.pop(k) for k in ("password", "token_id") if values.get(k)}
        values = {k: v for k, v in values.items() if v is not None}
        return Connector(values, secrets)

    def _post(self, path: str, body=None) -> dict:
        response = requests.post(f"{self.control}{path}", json=body or {}, timeout=60)
        response.raise_for_status()
        return response.json()

    def _get(self, path: str, **params) -> dict:
        response = requests.get(f"{self.control}{path}", params=params, timeout=30)
        response.raise_for_status()
        return response.json()

    def add_orders(self, **body) -> dict:
        return self._post("/orders", body)

    def fault(self, **body) -> dict:
        return self._post("/faults", body)

    def advance(self, numbers=None, state="WaitingForShipmentAcceptation") -> dict:
        return self._post("/advance", {"order_numbers": numbers, "state": state})

    def cancel(self, number: str, state: str = "CancelledByCustomer") -> dict:
        return self._post(f"/orders/{number}/cancel", {"state": state})

    def expire_tokens(self) -> dict:
        return self._post("/tokens/expire")

    def orders(self, **params) -> list[dict]:
        return self._get("/orders", **params)["orders"]

    def order(self, number: str) -> dict:
        return self._get(f"/orders/{number}")

    def summary(self) -> dict:
        return self._get("/summary")

    def calls(self, **filters) -> list[dict]:
        return self._get("/calls", **filters)["calls"]

    def token(self) -> str:
        """A token straight from the STS, as an admin would paste it into 'Token ID'."""
        response = requests.get(self.token_url, auth=(self.login, self.password), timeout=10)
        response.raise_for_status()
        return response.text.split(">", 1)[1].split("<", 1)[0]


@pytest.fixture(autouse=True)
def fresh_tokens():
    """Tokens are cached per process; each test starts without any."""
    TOKENS.clear()
    yield
    TOKENS.clear()


@pytest.fixture
def cdiscount_seller(sandbox_url):
    """Make a fresh seller account on the session's sandbox."""

    def make(**extra) -> CdiscountSeller:
        seller = CdiscountSeller(sandbox_url, f"shop-{uuid.uuid4().hex[:10]}-api",
                                 uuid.uuid4().hex)
        body = {"login": seller.login, "password": seller.password,
                "shop_name": "Atelier Imprime", **extra}
        requests.post(f"{seller.base}/_sandbox/sellers", json=body, timeout=10).raise_for_status()
        return seller

    return make
