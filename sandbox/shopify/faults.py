"""Fault injection for the Shopify simulator, on the shared fault queue.

The queue and its rules (``status``, ``timeout``, ``broken_body``; ``count``; method and path
glob) are the ones the Mirakl simulator documents; paths here are the API path after the shop,
e.g. ``/admin/api/*/products.json`` or ``/cdn/*`` (``*`` also matches ``/``). A ``status`` fault
answers in Shopify's ``{"errors": ...}`` shape; a 429 also gets ``Retry-After`` (seconds with
one decimal, as Shopify writes ``2.0``). ``after: n`` lets the first n matching calls
through, so a test can fail the third page of a list.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, fields
from http import HTTPStatus
from typing import Any

from flask import Response, g, request

from sandbox.faults import BROKEN_STUB, Fault, parse_fault, truncate_json

from .errors import error_response
from .store import Shop, ShopifyStore

logger = logging.getLogger(__name__)


@dataclass
class LaterFault(Fault):
    """A fault that lets the first ``after`` matching calls through (fail the third page)."""

    after: int = 0

    def matches(self, method: str, path: str) -> bool:
        if not super().matches(method, path):
            return False
        if self.after > 0:
            self.after -= 1  # called under the queue's lock, once per call
            return False
        return True


def parse(body: Any) -> LaterFault:
    """The shared fault body plus ``after`` (calls to let through first, default 0)."""
    values = dict(body) if isinstance(body, dict) else body
    after = values.pop("after", 0) if isinstance(values, dict) else 0
    if isinstance(after, bool) or not isinstance(after, int) or after < 0:
        raise ValueError("after must be an integer >= 0")
    fault = parse_fault(values)
    return LaterFault(**{f.name: getattr(fault, f.name) for f in fields(fault)}, after=after)


def apply_fault(store: ShopifyStore, shop: Shop, path: str) -> Response | None:
    """The answer an injected fault imposes, or None to handle the call normally."""
    fault = shop.faults.take(request.method, path)
    if fault is None:
        return None
    g.shopify_fault = fault.kind
    logger.info("Shopify sandbox %s: injecting %s fault on %s %s", shop.handle, fault.kind,
                request.method, path)
    if fault.kind == "status":
        status = fault.status or 500
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = f"{fault.retry_after:.1f}"
        return error_response(status, fault.message or _phrase(status), headers)
    if fault.kind == "timeout":
        store.sleep(fault.delay_seconds)
        return None
    if request.method != "GET":
        return Response(BROKEN_STUB, status=200, mimetype="application/json")
    return None


def break_body(response: Response) -> None:
    """Cut a GET's real body in half when a ``broken_body`` fault hit it."""
    if g.get("shopify_fault") == "broken_body" and request.method == "GET":
        response.set_data(truncate_json(response.get_data(as_text=True)))
        response.status_code = 200


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
