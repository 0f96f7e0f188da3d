"""Fault injection for the Amazon simulator, on the same queue and kinds as Mirakl's.

A fault queued for a seller through the control API hits the next matching real calls: SP-API
calls, the LWA token endpoint (``/auth/o2/token``) and customisation downloads
(``/customizations/*``). Kinds: ``status`` (an SP-API error body, nothing applied), ``timeout``
(wait, then answer normally), ``broken_body`` (200 with truncated JSON).
"""

from __future__ import annotations

import logging

from flask import Response, g, request

from sandbox.faults import truncate_json

from .errors import AmazonError, error_response
from .store import AmazonStore, Seller

logger = logging.getLogger(__name__)

BROKEN_STUB = '{"payload": {"Orders": [{"AmazonOrderId": "20'


def api_path() -> str:
    """The path as Amazon names it, without the sandbox's mount prefix (``/amazon``)."""
    parts = request.path.split("/", 2)
    return "/" + parts[2] if len(parts) > 2 else request.path


def apply_fault(store: AmazonStore, seller: Seller) -> Response | None:
    """The injected answer for this call, or None to handle it (possibly after a delay)."""
    fault = seller.faults.take(request.method, api_path())
    if fault is None:
        return None
    g.amz_fault = fault.kind
    logger.info(
        "Amazon sandbox seller %s: injecting %s fault on %s %s",
        seller.seller_id,
        fault.kind,
        request.method,
        api_path(),
    )
    if fault.kind == "status":
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = str(max(1, round(fault.retry_after)))
        return error_response(AmazonError(fault.status or 500, fault.message), headers)
    if fault.kind == "timeout":
        store.sleep(fault.delay_seconds)
        return None
    if request.method != "GET":
        return Response(BROKEN_STUB, status=200, mimetype="application/json")
    return None


def broken_after(response: Response) -> Response:
    """A GET hit by ``broken_body`` was handled for real; its body is cut in half."""
    if g.get("amz_fault") == "broken_body" and request.method == "GET":
        response.set_data(truncate_json(response.get_data(as_text=True)))
        response.status_code = 200
    return response
