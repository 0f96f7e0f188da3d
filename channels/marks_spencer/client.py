"""The only place that speaks HTTP to the Marks & Spencer supplier API.

Paths, parameters and error bodies are those of `sandbox/marks_spencer/API.md`; fitting
a real M&S endpoint means changing this module (and `mapping.py`), nothing else.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import quote

import requests

from channels.errors import ChannelUnavailable, PayloadError
from channels.http import HttpClient, TokenBucket, body_preview

from .settings import DEFAULT_BASE_URL, PAGE_SIZE

LIST = "list_orders"
DISPATCH = "dispatch"


def parse_error(response: requests.Response) -> tuple[str, str] | None:
    """M&S errors are `{"error": {"code", "message", "field"}}`."""
    body = response.json()
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict):
        return None
    code = str(error.get("code") or f"http_{response.status_code}")
    message = str(error.get("message") or "")
    if error.get("field"):
        message = f"{message} (field {error['field']})"
    return code, message


def _limits() -> dict[str, TokenBucket]:
    """Stay under the account's 10 calls/s so a run does not spend it in one burst."""
    return {name: TokenBucket(rate_per_second=8, burst=16) for name in (LIST, DISPATCH)}


class MarksSpencerClient:
    def __init__(self, settings: Mapping[str, Any], api_key: str) -> None:
        self.http = HttpClient(
            "Marks & Spencer",
            settings.get("base_url") or DEFAULT_BASE_URL,
            headers={"x-api-key": api_key},
            error_parser=parse_error,
            limits=_limits(),
        )

    def close(self) -> None:
        self.http.close()

    def list_orders(self, *, limit: int = PAGE_SIZE, **filters: Any) -> dict:
        """One page: `{"orders": [...], "next_page_token": str | None}`."""
        params = {k: v for k, v in {"limit": limit, **filters}.items() if v is not None}
        response = self.http.request("GET", "/v1/orders", params=params, operation=LIST)
        body = self._json(response, "GET /v1/orders")
        if not isinstance(body, dict) or not isinstance(body.get("orders"), list):
            raise PayloadError(
                "Marks & Spencer answered GET /v1/orders without an 'orders' list",
                code="malformed_response",
                details={"body_start": body_preview(response.content)},
            )
        return body

    def iter_order_pages(self, **filters: Any) -> Iterator[list[Any]]:
        """Pages sorted by update time, following `next_page_token` to the end."""
        token = None
        while True:
            body = self.list_orders(page_token=token, **filters)
            if body["orders"]:
                yield body["orders"]
            token = body.get("next_page_token")
            if not token:
                return

    def dispatch(self, order_number: str, body: dict[str, str]) -> Any:
        """Confirm the dispatch of a whole order; M&S accepts the same confirmation twice."""
        path = f"/v1/orders/{quote(order_number, safe='')}/dispatch"
        response = self.http.request("POST", path, json=body, operation=DISPATCH)
        return self._json(response, "POST /v1/orders/{order_number}/dispatch")

    def _json(self, response: requests.Response, what: str) -> Any:
        """A body cut short is a transfer problem: retried, and an error only if it persists."""
        try:
            return self.http.json(response, what)
        except PayloadError as problem:
            raise ChannelUnavailable(
                f"{problem.message}; retrying, as a cut-short answer usually arrives whole",
                code="malformed_response",
                details=problem.details,
            ) from None
