"""Login with Amazon's token endpoint and the Amazon Custom file host.

``POST /auth/o2/token`` exchanges a seller's refresh token (form-encoded, with the app's client
id and secret) for an access token, answering errors the OAuth 2 way (``{"error",
"error_description"}``): an unknown refresh token is 400 ``invalid_grant``, a wrong client id or
secret 401 ``invalid_client``. ``GET /customizations/<key>.zip`` serves the ZIP behind an item's
``CustomizedURL``: a pre-signed link, so it needs no token.
"""

from __future__ import annotations

import io
import json
import logging
import secrets
import time
import zipfile
from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from sandbox.timeutil import to_iso

from .faults import api_path, apply_fault, broken_after
from .store import AmazonStore, Seller

logger = logging.getLogger(__name__)

SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="500" height="300">'
    '<rect width="500" height="300" fill="#fff"/></svg>'
)


def _oauth_error(status: int, error: str, description: str) -> tuple[Response, int]:
    return jsonify({"error": error, "error_description": description}), status


def create_auth_blueprint(store: AmazonStore) -> Blueprint:
    bp = Blueprint("auth", __name__)

    @bp.before_request
    def start() -> None:
        g.amz_started = time.monotonic()
        g.amz_seller = None
        g.amz_fault = None

    @bp.after_request
    def finish(response: Response) -> Response:
        response = broken_after(response)
        entry = {
            "time": to_iso(store.now()),
            "method": request.method,
            "path": api_path(),
            "operation": "lwaToken" if request.path.endswith("/token") else "customization",
            "query": {},
            "status": response.status_code,
            "fault": g.get("amz_fault"),
            "token": None,
            "duration_ms": round((time.monotonic() - g.amz_started) * 1000, 1),
        }
        store.log_call(g.get("amz_seller"), entry)
        return response

    @bp.post("/auth/o2/token")
    def token() -> Any:
        form = request.form
        grant_type = form.get("grant_type", "")
        if grant_type != "refresh_token":
            return _oauth_error(
                400,
                "unsupported_grant_type",
                f"grant_type {grant_type or '(none)'} is not supported here; use refresh_token",
            )
        missing = [k for k in ("refresh_token", "client_id", "client_secret") if not form.get(k)]
        if missing:
            return _oauth_error(400, "invalid_request", f"missing parameter: {', '.join(missing)}")
        seller = store.seller_for_refresh_token(form["refresh_token"])
        if seller is None:
            return _oauth_error(
                400, "invalid_grant", "The request has an invalid grant parameter : refresh_token"
            )
        g.amz_seller = seller
        if not _client_matches(seller, form["client_id"], form["client_secret"]):
            return _oauth_error(401, "invalid_client", "Client authentication failed")
        faulted = apply_fault(store, seller)
        if faulted is not None:
            return faulted
        lifetime = seller.access_token_lifetime_seconds
        return jsonify(
            {
                "access_token": store.grant(seller, "access", lifetime),
                "refresh_token": seller.refresh_token,
                "token_type": "bearer",
                "expires_in": lifetime,
            }
        )

    @bp.get("/customizations/<key>.zip")
    def customization(key: str) -> Any:
        seller = store.seller_for_file(key)
        if seller is None:
            return Response("<Error><Code>NoSuchKey</Code></Error>", 404, mimetype="text/xml")
        g.amz_seller = seller
        faulted = apply_fault(store, seller)
        if faulted is not None:
            return faulted
        with store.lock:
            content = seller.files[key]
        if not isinstance(content, bytes):
            content = zip_of(content)
        return Response(content, 200, mimetype="application/zip")

    return bp


def _client_matches(seller: Seller, client_id: str, client_secret: str) -> bool:
    return secrets.compare_digest(seller.client_id, client_id) and secrets.compare_digest(
        seller.client_secret, client_secret
    )


def zip_of(document: dict[str, Any]) -> bytes:
    """The ZIP Amazon serves: the customisation JSON plus an SVG rendering."""
    name = str(document.get("orderItemId") or "customization")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{name}.json", json.dumps(document, ensure_ascii=False))
        archive.writestr(f"{name}.svg", SVG)
    return buffer.getvalue()
