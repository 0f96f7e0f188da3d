"""The only place that speaks HTTP to a Magento 2 shop (REST ``/rest/<store>/V1`` and media).

Lists are read with keyset paging: sorted by a key (``entity_id``, or ``sku`` for source
items) and asked for with ``key > last seen``, always ``currentPage=1``. Offset paging over a
catalogue that changes during a long run skips or repeats rows, and older Magento versions
answer a page past the end with the last page again; keyset paging has neither problem and its
position is the checkpoint a resumed run starts from.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import requests

from channels.errors import (
    ConfigurationError,
    CredentialsError,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)
from channels.http import HttpClient, TokenBucket, body_preview
from channels.settings_spec import host_url

from .settings import MAX_INLINE_WAIT_SECONDS, MEDIA_PATH

log = logging.getLogger(__name__)

REST = "rest"  # one client-side budget for every REST call
THROTTLED_ATTEMPTS = 4
CREDENTIALS_HINT = (
    "check the Access token of the Magento integration, that the integration has access to "
    "this resource, and on Magento 2.4.4+ that 'Allow OAuth Access Tokens to be used as "
    "standalone Bearer Tokens' is enabled"
)


T = TypeVar("T")
POLL_SECONDS = 0.2


def read_ahead(pages: Iterator[T]) -> Iterator[T]:
    """Fetch the next page in a helper thread while the caller writes this one.

    At most one page waits and one request is in flight, so the shop sees the same sequence
    of calls (and the same budget) as without it; a long catalogue run takes the longer of
    reading and writing instead of their sum. A failure while reading is raised to the caller
    at the page where it happened. The caller polls, so a time limit raised in its thread is
    not held up by a blocking wait.
    """
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def give(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                handoff.put((kind, value), timeout=POLL_SECONDS)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for page in pages:
                if not give("page", page):
                    return
            give("end", None)
        except BaseException as exc:  # handed to the caller and raised there
            give("error", exc)

    thread = threading.Thread(target=produce, name="magento-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            try:
                kind, value = handoff.get(timeout=POLL_SECONDS)
            except queue.Empty:
                continue
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()


@dataclass(frozen=True)
class Filter:
    field: str
    value: Any
    condition: str = "eq"


def search_params(
    groups: Sequence[Sequence[Filter]],
    *,
    page_size: int,
    sort: Sequence[tuple[str, str]] = (),
    current_page: int = 1,
) -> list[tuple[str, str]]:
    """``searchCriteria`` query parameters: OR inside a group, AND across groups."""
    params: list[tuple[str, str]] = []
    for g, group in enumerate(groups):
        for f, flt in enumerate(group):
            prefix = f"searchCriteria[filter_groups][{g}][filters][{f}]"
            params += [
                (f"{prefix}[field]", flt.field),
                (f"{prefix}[value]", str(flt.value)),
                (f"{prefix}[condition_type]", flt.condition),
            ]
    for n, (name, direction) in enumerate(sort):
        params += [
            (f"searchCriteria[sortOrders][{n}][field]", name),
            (f"searchCriteria[sortOrders][{n}][direction]", direction),
        ]
    params += [
        ("searchCriteria[pageSize]", str(page_size)),
        ("searchCriteria[currentPage]", str(current_page)),
    ]
    return params


def render_message(text: Any, parameters: Any) -> str:
    """Magento messages keep placeholders (``%1`` or ``%name``); put the parameters back."""
    message = str(text or "")
    if isinstance(parameters, list):
        for index in range(len(parameters), 0, -1):
            message = message.replace(f"%{index}", str(parameters[index - 1]))
    elif isinstance(parameters, Mapping):
        for name in sorted(parameters, key=len, reverse=True):
            message = message.replace(f"%{name}", str(parameters[name]))
    return message


def parse_error(response: requests.Response) -> tuple[str, str] | None:
    """``{"message", "parameters", "errors"?}``: Magento has no error codes, only texts."""
    body = response.json()
    if not isinstance(body, Mapping) or not isinstance(body.get("message"), str):
        return None
    message = render_message(body["message"], body.get("parameters"))
    errors = body.get("errors")
    if isinstance(errors, list):
        reasons = [
            render_message(e.get("message"), e.get("parameters"))
            for e in errors
            if isinstance(e, Mapping)
        ]
        if reasons:
            message = f"{message}: {'; '.join(reasons)}"
    return (f"magento_http_{response.status_code}", " ".join(message.split()))


class MagentoClient:
    def __init__(self, settings: Mapping[str, Any], access_token: str) -> None:
        base = host_url(settings["base_url"])
        store = settings.get("store_code") or "default"
        rate = int(settings.get("requests_per_second") or 10)
        self.media_base = f"{base}{MEDIA_PATH}"
        self.rest_root = f"{base}/rest/V1"  # the default store: for what every store shares
        self.http = HttpClient(
            "Magento",
            f"{base}/rest/{store}/V1",
            headers={"Authorization": f"Bearer {access_token}"},
            error_parser=parse_error,
            limits={REST: TokenBucket(rate, burst=rate, max_wait_seconds=MAX_INLINE_WAIT_SECONDS)},
        )
        # Media files are public: the token is never sent to the media host (often a CDN).
        self.media = HttpClient("Magento media", self.media_base)

    def close(self) -> None:
        self.http.close()
        self.media.close()

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One REST call. A short wait the shop asks for (429) is honoured here, so a polite
        run is not failed for it; a longer one ends the run, which is retried later."""
        for attempt in range(1, THROTTLED_ATTEMPTS + 1):
            try:
                return self.http.request(method, path, operation=REST, **kwargs)
            except RateLimited as throttled:
                wait = throttled.retry_after_seconds or float(2**attempt)
                if attempt == THROTTLED_ATTEMPTS or wait > MAX_INLINE_WAIT_SECONDS:
                    raise
                log.info("Magento throttled %s %s; waiting %.1f s", method, path, wait)
                time.sleep(wait)
            except CredentialsError as refused:
                raise CredentialsError(
                    f"{refused.message.split(';')[0]}; {CREDENTIALS_HINT}", details=refused.details
                ) from None
            except RejectedByChannel as rejected:
                if rejected.details.get("status") == 404 and "match any route" in rejected.message:
                    raise ConfigurationError(
                        f"Magento has no {method} {path} for this store: check the Base URL "
                        "and the Store code in the integration settings",
                        details=rejected.details,
                    ) from None
                raise
        raise AssertionError("unreachable")

    def get(self, path: str, params: Any = None) -> Any:
        response = self.call("GET", path, params=params)
        return self.http.json(response, f"GET {path}")

    def search(
        self,
        path: str,
        groups: Sequence[Sequence[Filter]],
        *,
        page_size: int,
        sort: Sequence[tuple[str, str]] = (),
        fields: str | None = None,
    ) -> dict[str, Any]:
        params = search_params(groups, page_size=page_size, sort=sort)
        if fields:
            params.append(("fields", fields))
        response = self.call("GET", path, params=params)
        body = self.http.json(response, f"GET {path}")
        if not isinstance(body, dict) or not isinstance(body.get("items"), list):
            raise PayloadError(
                f"Magento answered GET {path} without an 'items' list",
                details={"body_start": body_preview(response.content)},
            )
        return body

    def iter_keyset(
        self,
        path: str,
        groups: Sequence[Sequence[Filter]],
        *,
        key: str,
        key_of: Callable[[Mapping[str, Any]], Any],
        after: Any,
        page_size: int,
        fields: str | None = None,
    ) -> Iterator[tuple[list[Any], Any]]:
        """Pages of items with ``key > after``; yields (items, the last key of the page)."""
        last = after
        while True:
            body = self.search(
                path,
                [*groups, [Filter(key, last, "gt")]],
                page_size=page_size,
                sort=[(key, "ASC")],
                fields=fields,
            )
            items = body["items"]
            keys = [key_of(i) for i in items if isinstance(i, Mapping)]
            keys = [k for k in keys if k is not None]
            if not items:
                return
            if not keys or max(keys) <= last:
                raise PayloadError(
                    f"Magento answered GET {path} with a page that does not move past "
                    f"{key} {last}; the listing cannot go on",
                    details={"key": key, "after": last},
                )
            last = max(keys)
            yield items, last
            total = body.get("total_count")
            if len(items) < page_size or (isinstance(total, int) and total <= len(items)):
                return

    def store_views(self) -> Any:
        """Every store view, asked through the default store (the configured one may be wrong)."""
        response = self.call("GET", "/store/storeViews", url=f"{self.rest_root}/store/storeViews")
        return self.http.json(response, "GET /store/storeViews")

    def order(self, order_id: str) -> dict[str, Any]:
        body = self.get(f"/orders/{order_id}")
        if not isinstance(body, dict):
            raise PayloadError(f"Magento answered GET /orders/{order_id} without an order")
        return body

    def ship(self, order_id: str, body: dict[str, Any]) -> Any:
        """``POST /order/{id}/ship``; the answer is the new shipment's id."""
        response = self.call("POST", f"/order/{order_id}/ship", json=body)
        return self.http.json(response, f"POST /order/{order_id}/ship")

    def save_source_items(self, items: list[dict[str, Any]]) -> None:
        self.call("POST", "/inventory/source-items", json={"sourceItems": items})

    def download(self, url: str) -> requests.Response:
        return self.media.request("GET", url.removeprefix(self.media_base), url=url)
