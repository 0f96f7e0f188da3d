"""Fault injection for the Amazon simulator, on the shared queue and kinds (``sandbox/faults.py``).

A fault queued for a seller through the control API hits the next matching real calls: SP-API
calls, the LWA token endpoint (``/auth/o2/token``) and customisation downloads
(``/customizations/*``). Kinds: ``status`` (an SP-API error body, nothing applied), ``timeout``
(wait, then answer normally), ``broken_body`` (200 with truncated JSON). What is Amazon's own
is here: the path without the mount prefix, the error shape, ``Retry-After`` in whole seconds
and the truncated stub.
"""

from __future__ import annotations

from flask import Response, g, request

from sandbox.faults import cut_body, inject

from .errors import AmazonError, error_response
from .store import AmazonStore, Seller

BROKEN_STUB = '{"payload": {"Orders": [{"AmazonOrderId": "20'


def api_path() -> str:
    """The path as Amazon names it, without the sandbox's mount prefix (``/amazon``)."""
    parts = request.path.split("/", 2)
    return "/" + parts[2] if len(parts) > 2 else request.path


def apply_fault(store: AmazonStore, seller: Seller) -> Response | None:
    """The injected answer for this call, or None to handle it (possibly after a delay)."""
    g.amz_fault, answer = inject(
        seller.faults, request.method, api_path(),
        who=f"Amazon sandbox seller {seller.seller_id}", sleep=store.sleep, refuse=_refuse,
        retry_after=lambda seconds: str(max(1, round(seconds))), stub=BROKEN_STUB)
    return answer


def broken_after(response: Response) -> Response:
    """A GET hit by ``broken_body`` was handled for real; its body is cut in half."""
    return cut_body(response, g.get("amz_fault"))


def _refuse(status: int, message: str | None, headers: dict[str, str]) -> Response:
    return error_response(AmazonError(status, message), headers)
