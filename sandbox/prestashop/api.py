"""The webservice endpoints of a simulated shop: ``/<shop>/api/<resource>[/<id>]`` and images.

Every call passes one gate, in PrestaShop's order: webservice enabled (503, code 22), the key
(HTTP Basic username with an empty password, or ``?ws_key=``; 401 codes 16/17/18/20 with
``WWW-Authenticate``), ``id_shop`` (403, code 132), then the sandbox's optional rate limit
(429 + ``Retry-After``) and injected faults, then the resource (400, code 27; 401, code 26 when
the key is not granted it) and the method (405, codes 23/25/101). Each call is logged per shop
with its status; bodies and keys are never logged.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from typing import Any

from flask import Blueprint, Response, g, request

from sandbox.faults import cut_body, inject
from sandbox.httputil import path_from
from sandbox.ratelimit import retry_after_header
from sandbox.timeutil import to_iso

from . import images
from .output import Renderer
from .query import PsError, did_you_mean, parse_list_query, select
from .resources import OTHER_RESOURCES, RESOURCES
from .store import PrestaShopStore, Shop
from .writes import apply_write

logger = logging.getLogger(__name__)

REALM = ('Basic realm="Welcome to PrestaShop Webservice, please enter the authentication key '
         'as the login. No password required."')
METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
BROKEN_STUB = '{"errors":[{"code":'


def create_api_blueprint(store: PrestaShopStore) -> Blueprint:
    bp = Blueprint("api", __name__)

    @bp.before_request
    def gate() -> Response | None:
        g.ps_started = time.monotonic()
        g.ps_fault = None
        g.ps_authenticated = False
        shop_name = (request.view_args or {}).get("shop", "")
        g.ps_shop = store.shop(shop_name)
        g.ps_render = _renderer(g.ps_shop, shop_name)
        if g.ps_shop is None:
            return Response("Not Found", status=404, mimetype="text/plain")
        return _check(store, g.ps_shop)

    @bp.after_request
    def finish(response: Response) -> Response:
        return _finish(store, response)

    @bp.errorhandler(PsError)
    def ps_error(error: PsError) -> Response:
        return g.ps_render.errors(error.status, [(error.code, error.message)], error.headers)

    @bp.route("/<shop>/api/", methods=METHODS)
    def root(shop: str) -> Response:
        granted = [n for n in (*RESOURCES, *OTHER_RESOURCES) if g.ps_shop.methods_for(n)]
        if g.ps_render.as_json:
            return Response(json.dumps({"api": sorted(granted)}), mimetype="application/json")
        inner = "".join(f'<{n} xlink:href="{g.ps_render.base_url}/{n}"/>\n' for n in granted)
        return g.ps_render.xml_document(f"<api shopName=\"{shop}\">\n{inner}</api>\n", 200)

    @bp.route("/<shop>/api/<resource>", methods=METHODS)
    def collection(shop: str, resource: str) -> Response:
        return _resource_call(store, g.ps_shop, resource, None)

    @bp.route("/<shop>/api/<resource>/<int:row_id>", methods=METHODS)
    def entity(shop: str, resource: str, row_id: int) -> Response:
        return _resource_call(store, g.ps_shop, resource, row_id)

    @bp.route("/<shop>/api/images/<kind>/<int:product_id>", methods=METHODS)
    @bp.route("/<shop>/api/images/<kind>/<int:product_id>/<int:image_id>", methods=METHODS)
    def image(shop: str, kind: str, product_id: int, image_id: int | None = None) -> Response:
        return _image(store, g.ps_shop, kind, product_id, image_id)

    return bp


def _finish(store: PrestaShopStore, response: Response) -> Response:
    """PrestaShop's headers, a broken body when a fault asks for one, and the call log."""
    cut_body(response, g.get("ps_fault"))
    response.headers["X-Powered-By"] = "PrestaShop Webservice"
    response.headers["Access-Time"] = str(int(time.time()))
    response.headers["Execution-Time"] = f"{time.monotonic() - g.ps_started:.3f}"
    shop = g.get("ps_shop")
    if shop is not None and g.get("ps_authenticated"):
        response.headers["PSWS-Version"] = shop.version
    if shop is not None:
        _log_call(store, shop, response.status_code)
    return response


def _renderer(shop: Shop | None, shop_name: str) -> Renderer:
    wants_json = "JSON" in (request.args.get("output_format", ""),
                            request.headers.get("Output-Format", ""),
                            request.headers.get("Io-Format", ""))
    languages = [1, 2]
    raw = request.args.get("language", "")
    if raw.strip("[]"):
        try:
            asked = [int(x) for x in raw.strip("[]").replace(",", "|").split("|") if x]
            languages = [x for x in asked if x in (1, 2)] or languages
        except ValueError:
            pass
    tz = shop.tz if shop is not None else None
    base = f"{request.host_url.rstrip('/')}{request.script_root}/prestashop/{shop_name}/api"
    return Renderer(tz, languages, wants_json, base)


def _check(store: PrestaShopStore, shop: Shop) -> Response | None:
    render = g.ps_render
    if not shop.enabled:
        return render.errors(503, [(22, "The PrestaShop webservice is disabled. Please "
                                        "activate it in the PrestaShop Back Office")])
    problem = _authenticate(shop)
    if problem is not None:
        return render.errors(401, [problem], {"WWW-Authenticate": REALM})
    g.ps_authenticated = True
    id_shop = request.args.get("id_shop")
    if id_shop not in (None, "", "1", "all"):
        return render.errors(403, [(132, "No permission for this key on this shop")])
    if shop.bucket is not None:
        wait_seconds = shop.bucket.take()
        if wait_seconds > 0:
            shop.counters["throttled"] += 1
            return render.errors(429, [(0, "Too Many Requests")],
                                 {"Retry-After": retry_after_header(wait_seconds)})
    return _apply_fault(store, shop)


def _authenticate(shop: Shop) -> tuple[int, str] | None:
    key = request.args.get("ws_key")
    header = request.headers.get("Authorization", "")
    if key is None and header.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(header[6:].strip()).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            decoded = ""
        key = decoded.split(":", 1)[0]
    if key is None:
        return 16, "Please enter the authentication key as the login. No password required"
    if key == "":
        return 17, "Authentication key is empty"
    if len(key) != 32:
        return 18, "Invalid authentication key format"
    if key != shop.ws_key:
        return 20, "Authentification key is not active"
    return None


def _apply_fault(store: PrestaShopStore, shop: Shop) -> Response | None:
    g.ps_fault, answer = inject(shop.faults, request.method, _api_path(),
                                who=f"PrestaShop sandbox {shop.name}", sleep=store.sleep,
                                refuse=_refuse, stub=BROKEN_STUB)
    return answer


def _refuse(status: int, message: str | None, headers: dict[str, str]) -> Response:
    return g.ps_render.errors(status, [(0, message or "Injected failure")], headers)


def _check_method(shop: Shop, resource: str) -> None:
    method = request.method
    if method == "PATCH" and not shop.supports_patch:
        raise PsError(405, "Method PATCH is not valid", 23)
    if resource in RESOURCES and method in RESOURCES[resource].forbidden:
        raise PsError(405, f"Method {method} is not allowed for the resource {resource}", 101)
    allowed = shop.methods_for(resource)
    if allowed is None:
        raise PsError(401, f'Resource of type "{resource}" is not allowed with this '
                           "authentication key", 26)
    if method not in allowed and not (method == "HEAD" and "GET" in allowed):
        raise PsError(405, f"Method {method} is not allowed for the resource {resource} with "
                           "this authentication key", 25)


def _resource_call(store: PrestaShopStore, shop: Shop, resource: str,
                   row_id: int | None) -> Response:
    if resource not in RESOURCES and resource not in OTHER_RESOURCES:
        raise PsError(400, did_you_mean(f'Resource of type "{resource}" does not exists',
                                         resource, [*RESOURCES, *OTHER_RESOURCES]), 27)
    _check_method(shop, resource)
    if resource not in RESOURCES:
        raise PsError(501, f'The sandbox does not simulate the "{resource}" resource', 124)
    spec = RESOURCES[resource]
    render: Renderer = g.ps_render
    with store.lock:
        table = shop.data.tables[resource]
        if request.method in ("GET", "HEAD"):
            if row_id is None:
                query = parse_list_query(request.args, spec)
                ids = list(select(table.ids, query,
                                  lambda i, f: shop.data.texts(resource, i, f, shop.tz)))
                return render.listing(spec, [table.row(i) for i in ids], query.display)
            row = table.row(row_id)
            if row is None:
                return Response("", status=404)
            if request.args.get("display"):
                query = parse_list_query(request.args, spec)
                return render.listing(spec, [row], query.display)
            return render.single(spec, row)
        if request.method not in spec.writable:
            raise PsError(501, f"The sandbox does not simulate {request.method} on {resource}",
                          124)
        status, row = apply_write(shop, resource, request.method, row_id, request.get_data(),
                                  store.now(), request.args.to_dict())
        return render.single(spec, table.row(row["id"]) or row, status)


def _image(store: PrestaShopStore, shop: Shop, kind: str, product_id: int,
           image_id: int | None) -> Response:
    _check_method(shop, "images")
    if request.method not in ("GET", "HEAD"):
        raise PsError(501, "The sandbox serves images read-only", 124)
    if kind != "products":
        raise PsError(501, f"The sandbox does not simulate {kind} images", 124)
    with store.lock:
        product = shop.data.products.get(product_id)
        owned = [i for i in (product.image_ids if product else ())]
    if product is None:
        raise PsError(404, "Product not found", 65)
    if image_id is None:
        inner = "".join(f'<declination id="{i}" xlink:href="{g.ps_render.base_url}/images/'
                        f'products/{product_id}/{i}"/>\n' for i in owned)
        return g.ps_render.xml_document(f'<image id="{product_id}">\n{inner}</image>\n', 200)
    if image_id not in owned:
        raise PsError(404, "This image id does not exist", 66)
    return Response(images.png(image_id), mimetype="image/png")


def _api_path() -> str:
    return path_from("/api/")


def _resource_of(path: str) -> str:
    parts = path.split("/")
    return parts[2] if len(parts) > 2 and parts[2] else "(root)"


def _log_call(store: PrestaShopStore, shop: Shop, status: int) -> None:
    path = _api_path()
    resource = _resource_of(path)
    entry: dict[str, Any] = {
        "time": to_iso(store.now()),
        "method": request.method,
        "path": path,
        "resource": resource,
        "query": request.args.to_dict(flat=True),
        "status": status,
        "fault": g.get("ps_fault"),
        "authenticated": bool(g.get("ps_authenticated")),
        "duration_ms": round((time.monotonic() - g.ps_started) * 1000, 1),
    }
    entry["query"].pop("ws_key", None)
    with store.lock:
        shop.calls.append(entry)
        shop.counters[f"{request.method} {resource}"] += 1
        shop.counters[f"status:{status}"] += 1
        if status != 429:
            shop.count_served(int(time.time()))
