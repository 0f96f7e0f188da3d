"""Fault injection for the Shopify simulator, on the shared fault queue.

The queue and its rules (``status``, ``timeout``, ``broken_body``; ``count``; method and path
glob) are the ones the Mirakl simulator documents; paths here are the API path after the shop,
e.g. ``/admin/api/*/products.json`` or ``/cdn/*`` (``*`` also matches ``/``). A ``status`` fault
answers in Shopify's ``{"errors": ...}`` shape; a 429 also gets ``Retry-After`` (seconds with
one decimal, as Shopify writes ``2.0``). ``after: n`` lets the first n matching calls
through, so a test can fail the third page of a list.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from flask import Response, g, request

from sandbox.faults import Fault, cut_body, inject, parse_fault
from sandbox.httputil import reason_phrase

from .errors import error_response
from .store import Shop, ShopifyStore


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
    g.shopify_fault, answer = inject(
        shop.faults, request.method, path, who=f"Shopify sandbox {shop.handle}",
        sleep=store.sleep, refuse=_refuse, retry_after=lambda seconds: f"{seconds:.1f}")
    return answer


def break_body(response: Response) -> None:
    """Cut a GET's real body in half when a ``broken_body`` fault hit it."""
    cut_body(response, g.get("shopify_fault"))


def _refuse(status: int, message: str | None, headers: dict[str, str]) -> Response:
    return error_response(status, message or reason_phrase(status), headers)
