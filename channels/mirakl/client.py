"""The only place that speaks HTTP to a Mirakl seller shop (OR11, OR21, OR23, OR24, M11)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import requests

from channels.errors import PayloadError
from channels.http import HttpClient, body_preview
from channels.settings_spec import host_url

from .settings import PAGE_SIZE


def parse_error(response: requests.Response) -> tuple[str, str] | None:
    """Mirakl error bodies carry a message and, for order operations, an error code."""
    body = response.json()
    if not isinstance(body, dict):
        return None
    message = str(body.get("message") or body.get("error") or "")
    code = body.get("code") or body.get("error_code")
    errors = body.get("errors")
    if not code and isinstance(errors, list) and errors and isinstance(errors[0], dict):
        code = errors[0].get("code")
        message = message or str(errors[0].get("message") or "")
    if not code and message.split(" ")[0].isupper() and "_" in message.split(" ")[0]:
        code = message.split(" ")[0].rstrip(":")
    return (str(code or f"http_{response.status_code}"), message)


class MiraklClient:
    def __init__(self, settings: Mapping[str, Any], api_key: str) -> None:
        self.shop_id = settings.get("shop_id")
        self.http = HttpClient(
            "Mirakl",
            host_url(settings["hostname"]),
            headers={"Authorization": api_key},
            error_parser=parse_error,
        )

    def close(self) -> None:
        self.http.close()

    def _params(self, **params: Any) -> dict[str, Any]:
        if self.shop_id:
            params["shop_id"] = self.shop_id
        return {k: v for k, v in params.items() if v is not None}

    def list_orders(self, *, offset: int = 0, limit: int = PAGE_SIZE, **filters: Any) -> dict:
        """OR11: one page, `{"orders": [...], "total_count": N}`."""
        params = self._params(max=limit, offset=offset, sort="dateCreated", order="asc", **filters)
        response = self.http.request("GET", "/api/orders", params=params, operation="OR11")
        body = self.http.json(response, "GET /api/orders")
        if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
            raise PayloadError(
                "Mirakl answered GET /api/orders without an 'orders' list",
                details={"body_start": body_preview(response.content)},
            )
        return body

    def iter_order_pages(self, **filters: Any) -> Iterator[list[dict]]:
        """OR11 pages by offset until `total_count` is reached."""
        offset = 0
        while True:
            body = self.list_orders(offset=offset, **filters)
            orders = body["orders"]
            if orders:
                yield orders
            offset += len(orders)
            total = body.get("total_count")
            if not orders or (isinstance(total, int) and offset >= total):
                return

    def accept(self, order_id: str, line_ids: list[str]) -> None:
        """OR21: a decision for every line (Mirakl refuses partial decisions)."""
        body = {"order_lines": [{"id": line_id, "accepted": True} for line_id in line_ids]}
        self.http.request(
            "PUT",
            f"/api/orders/{order_id}/accept",
            params=self._params(),
            json=body,
            expected=(204,),
            operation="OR21",
        )

    def send_tracking(self, order_id: str, body: dict[str, str]) -> None:
        """OR23."""
        self.http.request(
            "PUT",
            f"/api/orders/{order_id}/tracking",
            params=self._params(),
            json=body,
            expected=(204,),
            operation="OR23",
        )

    def ship(self, order_id: str) -> None:
        """OR24: the order must be SHIPPING; it becomes SHIPPED."""
        self.http.request(
            "PUT",
            f"/api/orders/{order_id}/ship",
            params=self._params(),
            expected=(204,),
            operation="OR24",
        )

    def order_threads(self, order_id: str) -> Iterator[dict]:
        """M11 with seek pagination: the message threads about one order."""
        token = None
        while True:
            params = self._params(
                entity_type="MMP_ORDER", entity_id=order_id, with_messages="true", page_token=token
            )
            response = self.http.request(
                "GET", "/api/inbox/threads", params=params, operation="M11"
            )
            body = self.http.json(response, "GET /api/inbox/threads")
            yield from body.get("data") or []
            token = body.get("next_page_token")
            if not token:
                return
