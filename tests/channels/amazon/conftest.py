"""Fixtures for the Amazon tests: a seller on the sandbox, and its control-API helper."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import requests

FAST = {"*": {"rate_per_second": 200, "burst": 200}}


def _ago(minutes: float) -> str | None:
    """A change dated back, so getOrders' 2-minute rule shows it at once (None: now)."""
    if not minutes:
        return None
    return (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=minutes)).isoformat()


class AmazonSeller:
    """One seller account on the sandbox: its credentials, settings and control calls."""

    def __init__(self, sandbox_url: str, seller_id: str, refresh_token: str, secret: str):
        self.sandbox_url = sandbox_url
        self.seller_id = seller_id
        self.refresh_token = refresh_token
        self.client_id = f"amzn1.application-oa2-client.{seller_id.lower()}"
        self.client_secret = secret
        self.base = f"{sandbox_url}/amazon"
        self.control = f"{self.base}/_sandbox/sellers/{seller_id}"

    def settings(self, **extra) -> dict[str, str]:
        """Integration values (settings and secrets together), as the CLI takes them."""
        return {
            "lwa_client_id": self.client_id,
            "lwa_client_secret": self.client_secret,
            "lwa_refresh_token": self.refresh_token,
            "lwa_auth_url": f"{self.base}/auth/o2/token",
            "seller_id": self.seller_id,
            "seller_central_domain": "UK",
            "sale_channels": "UK",
            "sp_api_endpoint": self.base,
            **extra,
        }

    def split(self, **extra) -> tuple[dict, dict]:
        """(settings, secrets) for building a connector directly."""
        values = self.settings(**extra)
        names = ("lwa_client_secret", "lwa_refresh_token", "aws_secret_access_key")
        secrets = {k: values.pop(k) for k in names if k in values}
        values.setdefault("use_last_imported_datetime", True)
        return values, secrets

    def _post(self, path: str, body=None) -> dict:
        response = requests.post(f"{self.control}{path}", json=body or {}, timeout=60)
        response.raise_for_status()
        return response.json()

    def add_orders(self, **body) -> dict:
        return self._post("/orders", body)

    def fault(self, **body) -> dict:
        return self._post("/faults", body)

    def advance(self, order_ids=None, minutes_ago: float = 0) -> dict:
        return self._post("/advance", {"order_ids": order_ids, "at": _ago(minutes_ago)})

    def cancel(self, order_id: str, reason: str = "", minutes_ago: float = 0) -> dict:
        body = {"reason": reason, "at": _ago(minutes_ago)}
        return self._post(f"/orders/{order_id}/cancel", body)

    def expire_tokens(self) -> dict:
        return self._post("/expire_tokens")

    def order(self, order_id: str) -> dict:
        response = requests.get(f"{self.control}/orders/{order_id}", timeout=30)
        response.raise_for_status()
        return response.json()

    def orders(self) -> list[dict]:
        response = requests.get(f"{self.control}/orders", timeout=30)
        response.raise_for_status()
        return response.json()["orders"]

    def summary(self) -> dict:
        response = requests.get(f"{self.control}/summary", timeout=30)
        response.raise_for_status()
        return response.json()

    def calls(self, **filters) -> list[dict]:
        response = requests.get(f"{self.control}/calls", params=filters, timeout=30)
        response.raise_for_status()
        return response.json()["calls"]


@pytest.fixture
def amazon_seller(sandbox_url):
    """Make a fresh seller; fast usage plans unless `rates` says otherwise."""

    def make(rates=FAST, marketplaces=("UK",), **extra) -> AmazonSeller:
        seller = AmazonSeller(
            sandbox_url,
            f"A{uuid.uuid4().hex[:12].upper()}",
            f"Atzr|{uuid.uuid4().hex}",
            uuid.uuid4().hex,
        )
        body = {
            "seller_id": seller.seller_id,
            "refresh_token": seller.refresh_token,
            "client_id": seller.client_id,
            "client_secret": seller.client_secret,
            "marketplaces": list(marketplaces),
            "rates": rates,
            **extra,
        }
        requests.post(
            f"{sandbox_url}/amazon/_sandbox/sellers", json=body, timeout=10
        ).raise_for_status()
        return seller

    return make
