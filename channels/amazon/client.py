"""The only place that speaks HTTP to Amazon: LWA, Restricted Data Tokens, Orders API v0.

Tokens travel in `x-amz-access-token` per request, never on the session, so the separate
download session for Amazon Custom files (pre-signed URLs on another host) never carries them.
Requests are not signed with AWS SigV4: the SP-API stopped requiring it in October 2023.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests

from channels.errors import CredentialsError, Error, PayloadError, RateLimited, RejectedByChannel
from channels.http import HttpClient, TokenBucket, body_preview

from . import settings as spec

log = logging.getLogger(__name__)

ORDERS_PATH = "/orders/v0/orders"
RDT_PATH = "/tokens/2021-03-01/restrictedDataToken"
ITEMS_BUYER_INFO_PATH = "/orders/v0/orders/{orderId}/orderItems/buyerInfo"
RESTRICTED_RESOURCES = [
    {"method": "GET", "path": ORDERS_PATH, "dataElements": ["buyerInfo", "shippingAddress"]},
    {"method": "GET", "path": ITEMS_BUYER_INFO_PATH},
]
ROLE_HINT = (
    "check that the seller authorised this app in Seller Central (a new LWA Refresh Token) "
    "and that the app has the Orders role and, for addresses and personalisation, the "
    "restricted Direct-to-Consumer Shipping role"
)


def parse_error(response: requests.Response) -> tuple[str, str] | None:
    """`{"errors": [{"code", "message", "details"}]}` -> (code, "message (details)")."""
    body = response.json()
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors or not isinstance(errors[0], dict):
        return None
    first = errors[0]
    message = str(first.get("message") or "")
    if first.get("details"):
        message = f"{message} ({first['details']})"
    return str(first.get("code") or f"http_{response.status_code}"), message


def parse_lwa_error(response: requests.Response) -> tuple[str, str] | None:
    body = response.json()
    if not isinstance(body, dict) or not body.get("error"):
        return None
    return str(body["error"]), str(body.get("error_description") or "")


class AdaptiveBucket(TokenBucket):
    """A token bucket whose rate follows what Amazon says the seller's usage plan is."""

    def set_rate(self, rate_per_second: float) -> bool:
        with self.lock:
            if abs(self.rate - rate_per_second) < 1e-9:
                return False
            self._refill()
            self.rate = rate_per_second
            return True

    def drain(self) -> None:
        """Amazon said the bucket is empty: the next call waits a full refill."""
        with self.lock:
            self._refill()
            self.tokens = min(self.tokens, 0.0)


@dataclass
class CachedToken:
    value: str = ""
    expires_at: float = 0.0  # time.monotonic()

    def valid(self) -> bool:
        return bool(self.value) and time.monotonic() < self.expires_at

    def keep(self, value: str, lifetime_seconds: float) -> None:
        margin = min(spec.TOKEN_REFRESH_MARGIN_SECONDS, lifetime_seconds / 10)
        self.value = value
        self.expires_at = time.monotonic() + lifetime_seconds - margin

    def clear(self) -> None:
        self.value = ""
        self.expires_at = 0.0


def _lifetime(value: Any) -> float:
    try:
        return max(1.0, float(value))
    except (TypeError, ValueError):
        return 3600.0


class AmazonClient:
    def __init__(
        self, endpoint: str, marketplace_ids: list[str], settings: Mapping, secrets: Mapping
    ) -> None:
        self.marketplace_ids = marketplace_ids
        self.auth_url = str(settings.get("lwa_auth_url") or spec.DEFAULT_LWA_AUTH_URL)
        self.client_id = str(settings.get("lwa_client_id") or "")
        self.client_secret = str(secrets.get("lwa_client_secret") or "")
        self.refresh_token = str(secrets.get("lwa_refresh_token") or "")
        self.limits = {
            operation: AdaptiveBucket(rate, burst)
            for operation, (rate, burst) in spec.USAGE_PLANS.items()
        }
        self.api = HttpClient("Amazon", endpoint, error_parser=parse_error, limits=self.limits)
        self.lwa = HttpClient("Login with Amazon", self.auth_url, error_parser=parse_lwa_error)
        self.files = HttpClient("Amazon Custom", "", headers={"Accept": "*/*"})
        self.access = CachedToken()
        self.rdt = CachedToken()
        self.token_requests = 0

    def close(self) -> None:
        for http in (self.api, self.lwa, self.files):
            http.close()

    # Tokens ------------------------------------------------------------------
    def access_token(self) -> str:
        """The LWA access token, exchanged from the refresh token and kept until near expiry."""
        if self.access.valid():
            return self.access.value
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self.refresh_token,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }
        path = urlsplit(self.auth_url).path or "/"
        response = self.lwa.request(
            "POST", path, url=self.auth_url, data=form, expected=(200, 400, 401, 403)
        )
        self.token_requests += 1
        if response.status_code != 200:
            raise self._lwa_refused(response)
        body = self.lwa.json(response, f"POST {path}")
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise PayloadError(
                "Login with Amazon answered without an access_token",
                details={"body_start": body_preview(response.content)},
            )
        self.access.keep(token, _lifetime(body.get("expires_in")))
        return token

    def _lwa_refused(self, response: requests.Response) -> CredentialsError:
        try:
            code, description = parse_lwa_error(response) or ("", "")
        except ValueError:
            code, description = "", ""
        if code == "invalid_grant":
            what = (
                "the LWA Refresh Token (it is wrong, revoked, or belongs to another app): "
                "authorise the app again in Seller Central and paste the new refresh token "
                "in 'LWA Refresh Token'"
            )
        elif code in ("invalid_client", "unauthorized_client"):
            what = (
                "the LWA Client ID / LWA Client Secret: copy both from Developer Central "
                "(after a secret rotation only the new secret works)"
            )
        else:
            what = "the LWA Client ID, Client Secret, Refresh Token and LWA Auth URL"
        label = code or f"HTTP {response.status_code}"
        return CredentialsError(
            f"Login with Amazon refused the token request ({label}); check {what}",
            details={
                "status": response.status_code,
                "lwa_error": code,
                "description": description[:200],
            },
        )

    def restricted_token(self) -> str:
        """One RDT for getOrders (buyer info, shipping address) and getOrderItemsBuyerInfo."""
        if self.rdt.valid():
            return self.rdt.value
        response = self.call(
            "POST",
            RDT_PATH,
            "createRestrictedDataToken",
            json={"restrictedResources": RESTRICTED_RESOURCES},
        )
        body = self.api.json(response, f"POST {RDT_PATH}")
        token = body.get("restrictedDataToken") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise PayloadError(
                "Amazon answered the Restricted Data Token request without a token",
                details={"body_start": body_preview(response.content)},
            )
        self.rdt.keep(token, _lifetime(body.get("expiresIn")))
        return token

    # Calls -------------------------------------------------------------------
    def call(
        self,
        method: str,
        path: str,
        operation: str,
        *,
        restricted: bool = False,
        expected: tuple[int, ...] = (200,),
        **kwargs: Any,
    ) -> requests.Response:
        """One SP-API call with the right token; a refused cached token is renewed once."""
        for attempt in (1, 2):
            fresh = not (self.rdt.valid() if restricted else self.access.valid())
            token = self.restricted_token() if restricted else self.access_token()
            try:
                response = self.api.request(
                    method,
                    path,
                    operation=operation,
                    expected=(*expected, 401, 403),
                    headers={"x-amz-access-token": token},
                    **kwargs,
                )
            except RateLimited as throttled:
                raise self._throttled(operation, throttled) from None
            if response.status_code in expected:
                self._adapt(operation, response)
                return response
            if attempt == 1 and not fresh:
                self.access.clear()
                self.rdt.clear()
                continue
            raise self._refused(method, path, response)
        raise AssertionError("unreachable")

    def _refused(self, method: str, path: str, response: requests.Response) -> CredentialsError:
        try:
            parsed = parse_error(response)
        except ValueError:
            parsed = None
        detail = f": {parsed[0]}: {parsed[1]}" if parsed else ""
        return CredentialsError(
            f"Amazon refused the access token on {method} {path} "
            f"(HTTP {response.status_code}{detail}); {ROLE_HINT}",
            details={"status": response.status_code, "code": parsed[0] if parsed else None},
        )

    def _throttled(self, operation: str, throttled: RateLimited) -> RateLimited:
        if throttled.details.get("status") != 429:
            return throttled  # our own bucket asked for a long wait: its message says so
        bucket = self.limits.get(operation)
        if bucket is not None:
            bucket.drain()
        if throttled.retry_after_seconds is None and bucket is not None:
            throttled.retry_after_seconds = float(math.ceil(1.0 / bucket.rate))
        wait = throttled.retry_after_seconds
        throttled.message = f"Amazon is throttling {operation} (HTTP 429 QuotaExceeded)" + (
            f"; its usage plan allows the next call in about {wait:.0f} s" if wait else ""
        )
        throttled.args = (throttled.message,)
        return throttled

    def _adapt(self, operation: str, response: requests.Response) -> None:
        """Follow `x-amzn-RateLimit-Limit`: a seller with a bigger plan is not slowed down."""
        bucket = self.limits.get(operation)
        header = response.headers.get("x-amzn-RateLimit-Limit")
        if bucket is None or not header:
            return
        try:
            rate = float(header)
        except ValueError:
            return
        if rate > 0 and bucket.set_rate(rate):
            log.info("Amazon usage plan for %s: %s requests/s", operation, rate)

    def _payload(self, response: requests.Response, what: str, key: str | None) -> dict:
        body = self.api.json(response, what)
        payload = body.get("payload") if isinstance(body, dict) else None
        if not isinstance(payload, dict) or (key and not isinstance(payload.get(key), list)):
            expected = f"a payload.{key} list" if key else "a payload"
            raise PayloadError(
                f"Amazon answered {what} without {expected}",
                code="malformed_response",
                details={"body_start": body_preview(response.content)},
            )
        return payload

    # Orders API --------------------------------------------------------------
    def order_pages(
        self, filters: Mapping[str, Any], *, restricted: bool = True
    ) -> Iterator[list[Any]]:
        """getOrders pages; the next page is asked with NextToken and the same marketplaces."""
        params: dict[str, Any] = {
            "MarketplaceIds": ",".join(self.marketplace_ids),
            "MaxResultsPerPage": spec.PAGE_SIZE,
            **filters,
        }
        while True:
            response = self.call(
                "GET", ORDERS_PATH, "getOrders", restricted=restricted, params=params
            )
            payload = self._payload(response, f"GET {ORDERS_PATH}", "Orders")
            yield payload.get("Orders") or []
            token = payload.get("NextToken")
            if not token:
                return
            params = {"MarketplaceIds": ",".join(self.marketplace_ids), "NextToken": token}

    def _item_pages(self, path: str, operation: str, restricted: bool) -> list[Any]:
        items: list[Any] = []
        params: dict[str, str] = {}
        while True:
            response = self.call("GET", path, operation, restricted=restricted, params=params)
            payload = self._payload(response, f"GET {path}", "OrderItems")
            items.extend(payload.get("OrderItems") or [])
            token = payload.get("NextToken")
            if not token:
                return items
            params = {"NextToken": token}

    def order_items(self, order_id: str) -> list[Any]:
        return self._item_pages(f"{ORDERS_PATH}/{order_id}/orderItems", "getOrderItems", False)

    def order_items_buyer_info(self, order_id: str) -> list[Any]:
        path = f"{ORDERS_PATH}/{order_id}/orderItems/buyerInfo"
        return self._item_pages(path, "getOrderItemsBuyerInfo", True)

    def order(self, order_id: str) -> dict:
        path = f"{ORDERS_PATH}/{order_id}"
        return self._payload(self.call("GET", path, "getOrder"), f"GET {path}", None)

    def confirm_shipment(self, order_id: str, body: dict[str, Any]) -> None:
        path = f"{ORDERS_PATH}/{order_id}/shipmentConfirmation"
        self.call("POST", path, "confirmShipment", json=body, expected=(204,))

    def download(self, url: str, order_id: str, item_id: str) -> bytes:
        """An Amazon Custom ZIP (pre-signed URL: no token is sent, the URL is never logged)."""
        what = f"the Amazon Custom file of item {item_id}"
        try:
            response = self.files.request("GET", f"/customisation/{item_id}", url=url, stream=True)
        except (CredentialsError, RejectedByChannel) as refused:
            status = refused.details.get("status", "refused")
            raise Error(
                f"order {order_id} not imported: {what} could not be downloaded (HTTP "
                f"{status}); the link may have expired. The order is read again while it is "
                "within the import window",
                code="customisation_unavailable",
                record_ref=order_id,
                details=refused.details,
            ) from None
        with response:
            content = b""
            for chunk in response.iter_content(64 * 1024):
                content += chunk
                if len(content) > spec.CUSTOMISATION_MAX_BYTES:
                    raise PayloadError(
                        f"order {order_id}: {what} is larger than "
                        f"{spec.CUSTOMISATION_MAX_BYTES // (1024 * 1024)} MB",
                        record_ref=order_id,
                    )
        return content
