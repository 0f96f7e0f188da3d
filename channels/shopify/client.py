"""The only place that speaks HTTP to a Shopify shop: Admin REST API and the image CDN.

Every Admin call goes through one `HttpClient` (timeouts, classification) paced by a
`CallLimitBucket` kept in step with ``X-Shopify-Shop-Api-Call-Limit``. A 429 that still
happens (another app emptied the bucket) is waited out here a few times, honouring
``Retry-After``, before it becomes the run's retry. Lists follow the ``page_info`` cursor of
the ``Link`` header; the cursor is re-sent to our own base URL with only ``limit``/``fields``,
never to whatever host a header names. Image downloads use a separate session with no token.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlparse

import requests

from channels.errors import CredentialsError, PayloadError, RateLimited, RejectedByChannel
from channels.http import HttpClient, body_preview
from channels.settings_spec import host_url

from .settings import DEFAULT_API_VERSION, PAGE_SIZE
from .throttle import CallLimitBucket

log = logging.getLogger(__name__)

CALL_LIMIT_HEADER = "X-Shopify-Shop-Api-Call-Limit"
OPERATION = "admin"
THROTTLE_RETRIES = 3
DEFAULT_RETRY_AFTER_SECONDS = 2.0
MAX_INLINE_WAIT_SECONDS = 10.0


def admin_base_url(domain: str, version: str) -> str:
    text = domain.strip().rstrip("/")
    if "://" not in text and "." not in text:
        text = f"{text}.myshopify.com"  # a bare shop handle
    return f"{host_url(text)}/admin/api/{version}"


def parse_error(response: requests.Response) -> tuple[str, str] | None:
    """Shopify answers ``{"errors": "..." | [...] | {field: [...]}}`` (or ``{"error": ...}``)."""
    body = response.json()
    if not isinstance(body, dict):
        return None
    errors = body.get("errors", body.get("error"))
    if isinstance(errors, dict):
        text = "; ".join(f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
                         for k, v in errors.items())
    elif isinstance(errors, list):
        text = "; ".join(map(str, errors))
    else:
        text = str(errors or "")
    codes = {404: "not_found", 422: "unprocessable", 400: "bad_request", 409: "conflict"}
    return codes.get(response.status_code, f"http_{response.status_code}"), text[:300]


def next_page_info(response: requests.Response) -> str | None:
    link = response.links.get("next", {}).get("url")
    if not link:
        return None
    values = parse_qs(urlparse(link).query).get("page_info")
    return values[0] if values else None


class ShopifyClient:
    def __init__(self, settings: Mapping[str, Any], token: str) -> None:
        version = settings.get("api_version") or DEFAULT_API_VERSION
        self.bucket = CallLimitBucket()
        self.http = HttpClient(
            "Shopify",
            admin_base_url(settings["shop_domain"], version),
            headers={"X-Shopify-Access-Token": token},
            error_parser=parse_error,
            limits={OPERATION: self.bucket},
        )
        self.cdn = HttpClient("Shopify CDN", "", headers={"Accept": "image/*"})

    def close(self) -> None:
        self.http.close()
        self.cdn.close()

    def call(self, method: str, path: str, *, expected: tuple[int, ...] = (200,),
             **kwargs: Any) -> requests.Response:
        """One Admin call, paced; a 429 is waited out up to `THROTTLE_RETRIES` times."""
        for attempt in range(THROTTLE_RETRIES + 1):
            try:
                response = self.http.request(method, path, operation=OPERATION,
                                             expected=expected, **kwargs)
            except RateLimited as throttled:
                wait = throttled.retry_after_seconds or DEFAULT_RETRY_AFTER_SECONDS
                if attempt == THROTTLE_RETRIES or wait > MAX_INLINE_WAIT_SECONDS:
                    raise
                log.warning("Shopify throttled %s %s; waiting %.1f s", method, path, wait)
                self.bucket.back_off(wait)
                continue
            self.bucket.observe(response.headers.get(CALL_LIMIT_HEADER))
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def get_json(self, path: str, key: str, params: Mapping[str, Any] | None = None) -> Any:
        response = self.call("GET", path, params=dict(params or {}))
        return self._field(response, path, key)

    def _field(self, response: requests.Response, path: str, key: str) -> Any:
        body = self.http.json(response, f"GET {path}")
        if not isinstance(body, dict) or key not in body:
            raise PayloadError(
                f"Shopify answered {path} without '{key}'",
                code="malformed_response",
                details={"body_start": body_preview(response.content)},
            )
        return body[key]

    def pages(self, path: str, key: str, params: Mapping[str, Any]) -> Iterator[list[Any]]:
        """Every page of a list, following ``rel="next"`` cursors."""
        query: dict[str, Any] = {"limit": PAGE_SIZE, **params}
        while True:
            response = self.call("GET", path, params=query)
            items = self._field(response, path, key)
            if not isinstance(items, list):
                raise PayloadError(f"Shopify answered {path} with '{key}' that is not a list",
                                   code="malformed_response")
            yield items
            cursor = next_page_info(response)
            if not cursor:
                return
            query = {"limit": query["limit"], "page_info": cursor}
            if "fields" in params:
                query["fields"] = params["fields"]

    def post_json(self, path: str, body: Mapping[str, Any], key: str,
                  expected: tuple[int, ...] = (200, 201)) -> Any:
        response = self.call("POST", path, json=dict(body), expected=expected)
        return self._field(response, path, key)

    def download(self, url: str) -> bytes:
        """Image bytes from the CDN (public URLs: the access token is never sent there).

        A 401/403 from the CDN is about that one file, not about the shop's credentials:
        it must not pause the integration.
        """
        try:
            return self.cdn.request("GET", urlparse(url).path, url=url).content
        except CredentialsError as refused:
            raise RejectedByChannel(
                f"the Shopify CDN refused the image (HTTP {refused.details.get('status')})",
                code="image_refused", details=refused.details) from None
