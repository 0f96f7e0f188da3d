"""The gate every Admin REST call passes, in Shopify's order, and the simulated image CDN.

A shop stands in for ``https://{shop}.myshopify.com``: its calls arrive under
``/shopify/{shop}/admin/api/{version}/...``. The gate checks, in turn: the shop exists and the
version is a real quarterly one (else 404), ``X-Shopify-Access-Token`` (else 401), the leaky
bucket (else 429 with ``Retry-After``), the app's access scopes (else 403), then any injected
fault. Every answer carries ``X-Shopify-Shop-Api-Call-Limit``; every call is logged per shop
without bodies or tokens.
"""

from __future__ import annotations

import logging
import re
import time

from flask import Blueprint, Response, g, request

from sandbox.httputil import path_from
from sandbox.timeutil import to_iso, utc_now

from .bucket import Pour
from .endpoints import SCOPES, register_endpoints
from .errors import UNAUTHORIZED, ShopifyError, error_response
from .faults import apply_fault, break_body
from .images import png_for
from .store import Shop, ShopifyStore

logger = logging.getLogger(__name__)

VERSION = re.compile(r"^(20\d\d-(01|04|07|10)|unstable)$")
THROTTLED = ("Exceeded 2 calls per second for api client. Reduce request rates to resume "
             "uninterrupted service.")


def create_api_blueprint(store: ShopifyStore) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/<shop_handle>/admin/api/<version>")

    @bp.url_value_preprocessor
    def pull(endpoint: str | None, values: dict | None) -> None:
        values = values if values is not None else {}
        g.shopify_handle = values.pop("shop_handle", "")
        g.shopify_version = values.pop("version", "")

    @bp.before_request
    def gate() -> Response | None:
        g.shopify_started = time.monotonic()
        shop = store.shop(g.shopify_handle)
        g.shopify_shop = shop
        if shop is None or not VERSION.match(g.shopify_version):
            return error_response(404, "Not Found")
        if request.headers.get("X-Shopify-Access-Token") != shop.token:
            return error_response(401, UNAUTHORIZED)
        if shop.bucket is not None:
            pour = shop.bucket.pour()
            g.shopify_pour = pour
            if not pour.allowed:
                return error_response(429, THROTTLED, {"Retry-After": pour.retry_after})
        scope = SCOPES.get(_operation() or "")
        if scope and scope not in shop.scopes:
            return error_response(403, f"[API] This action requires merchant approval for "
                                       f"{scope} scope.")
        return apply_fault(store, shop, _api_path())

    @bp.after_request
    def finish(response: Response) -> Response:
        pour: Pour | None = g.get("shopify_pour")
        if pour is not None:
            response.headers["X-Shopify-Shop-Api-Call-Limit"] = pour.header
        response.headers["X-Shopify-API-Version"] = g.get("shopify_version", "")
        break_body(response)
        shop = g.get("shopify_shop")
        if shop is not None:
            _log(store, shop, response, pour)
        return response

    @bp.errorhandler(ShopifyError)
    def shopify_error(error: ShopifyError) -> Response:
        return error_response(error.status, error.errors)

    register_endpoints(bp, store)
    return bp


def create_cdn_blueprint(store: ShopifyStore) -> Blueprint:
    """``cdn.shopify.com`` stand-in: image bytes, no token, no call limit, faults apply."""
    bp = Blueprint("cdn", __name__, url_prefix="/<shop_handle>/cdn")

    @bp.get("/products/<file_name>")
    def image(shop_handle: str, file_name: str) -> Response:
        g.shopify_started = time.monotonic()
        shop = store.shop(shop_handle)
        if shop is None:
            return Response("Not Found", status=404, mimetype="text/plain")
        g.shopify_shop = shop
        response = apply_fault(store, shop, f"/cdn/products/{file_name}")
        if response is None:
            known = file_name in shop.image_files
            response = (Response(png_for(file_name), mimetype="image/png") if known
                        else Response("Not Found", status=404, mimetype="text/plain"))
            if g.get("shopify_fault") == "broken_body":
                content = response.get_data()
                response.set_data(content[: len(content) // 2])  # a cut-off download
        _log(store, shop, response, None, operation="image")
        return response

    return bp


def _operation() -> str | None:
    endpoint = request.endpoint or ""
    return endpoint.rsplit(".", 1)[-1] or None


def _api_path() -> str:
    """The path without the sandbox's ``/shopify/{shop}`` prefix (what faults match)."""
    return path_from("/admin/api/")


def _log(store: ShopifyStore, shop: Shop, response: Response, pour: Pour | None,
         operation: str | None = None) -> None:
    entry = {
        "time": to_iso(utc_now()),
        "method": request.method,
        "path": _api_path(),
        "operation": operation or _operation(),
        "query": request.args.to_dict(flat=True),
        "status": response.status_code,
        "fault": g.get("shopify_fault"),
        "call_limit": pour.header if pour else None,
        "duration_ms": round((time.monotonic() - g.get("shopify_started", time.monotonic()))
                             * 1000, 1),
    }
    store.log_call(shop, entry)
