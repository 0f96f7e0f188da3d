"""The only place that speaks HTTP to a PrestaShop webservice.

Authentication is the 32-character key as the HTTP Basic user name with an empty password
(never ``?ws_key=``, which would put the key in URLs and logs). Every read asks for JSON
(``output_format=JSON``); writes send XML, the only body the webservice takes. Lists page with
``limit=offset,count`` and have no total, so the catalogue is walked by id
(``filter[id]=>[last]`` + ``sort=[id_ASC]``) until a short or empty (``[]``) page: stable
under inserts and as cheap on page 500 as on page 1. PrestaShop has no rate limit of its own;
calls are spaced by a client-side token bucket, and a 429 from a proxy in front of the shop is
waited out when its ``Retry-After`` is short.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import requests

from channels.errors import ConfigurationError, PayloadError, RateLimited, RejectedByChannel
from channels.http import HttpClient, TokenBucket, body_preview
from channels.settings_spec import host_url

from .settings import IDS_PER_CALL, LIST_PAGE_SIZE
from .values import xml_body

log = logging.getLogger(__name__)

OPERATION = "webservice"
MAX_THROTTLE_WAITS = 3
MAX_THROTTLE_WAIT_SECONDS = 30.0
PERMISSION_CODES = ("ps_23", "ps_25", "ps_101")


def parse_error(response: requests.Response) -> tuple[str, str] | None:
    """``{"errors": [{"code": 25, "message": "..."}]}`` -> ('ps_25', message)."""
    body = response.json()
    if not isinstance(body, dict) or not isinstance(body.get("errors"), list):
        return None
    first = next((e for e in body["errors"] if isinstance(e, dict)), None)
    if first is None:
        return None
    return f"ps_{first.get('code')}", str(first.get("message") or "")[:300]


class PrestaShopClient:
    def __init__(self, settings: Mapping[str, Any], key: str) -> None:
        self.shop_url = host_url(settings["shop_url"])
        self.api_url = f"{self.shop_url}/api"
        self.id_shop = settings.get("id_shop")
        self.language_id = int(settings.get("language_id") or 1)
        rate = float(settings.get("max_requests_per_second") or 5)
        self.http = HttpClient(
            "PrestaShop",
            self.api_url,
            auth=(key, ""),
            error_parser=parse_error,
            limits={OPERATION: TokenBucket(rate, burst=max(1, int(rate)))},
        )

    def close(self) -> None:
        self.http.close()

    # -- transport ----------------------------------------------------------------------------
    def _params(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"output_format": "JSON"}
        if self.id_shop:
            params["id_shop"] = self.id_shop
        params.update({k: v for k, v in (extra or {}).items() if v is not None})
        return params

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """One call; a short 429 is waited out, a missing key permission is a settings error."""
        for attempt in range(MAX_THROTTLE_WAITS + 1):
            try:
                return self.http.request(method, path, operation=OPERATION, **kwargs)
            except RateLimited as throttled:
                wait = throttled.retry_after_seconds
                too_long = wait is None or wait > MAX_THROTTLE_WAIT_SECONDS
                if attempt == MAX_THROTTLE_WAITS or too_long:
                    raise
                log.info("PrestaShop throttled %s %s; waiting %.1f s", method, path, wait)
                time.sleep(wait)
            except RejectedByChannel as rejected:
                if rejected.code in PERMISSION_CODES:
                    raise ConfigurationError(
                        f"the PrestaShop webservice key may not {method} {path}: "
                        f"{rejected.message}; grant it in Advanced Parameters > Webservice",
                        code="missing_permission",
                        details=rejected.details,
                    ) from None
                raise
        raise AssertionError("unreachable")

    # -- reads --------------------------------------------------------------------------------
    def select(
        self,
        resource: str,
        *,
        display: str = "full",
        filters: Mapping[str, str] | None = None,
        sort: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        date: bool = False,
    ) -> list[dict[str, Any]]:
        """One list call: ``[]`` and ``{"<resource>": [...]}`` both come back as a list."""
        params = self._params({
            "display": display,
            "sort": sort,
            "limit": f"{offset},{limit}" if limit is not None else None,
            "date": "1" if date else None,
            "language": self.language_id,
        })
        for name, value in (filters or {}).items():
            params[f"filter[{name}]"] = value
        path = f"/{resource}"
        response = self.request("GET", path, params=params)
        body = self.http.json(response, f"GET {path}")
        if body == [] or body == {}:
            return []
        items = body.get(resource) if isinstance(body, dict) else None
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise PayloadError(
                f"PrestaShop answered GET {path} without a '{resource}' list",
                code="malformed_response",
                details={"body_start": body_preview(response.content)},
            )
        return items

    def pages_after(
        self,
        resource: str,
        after_id: int,
        *,
        page_size: int = LIST_PAGE_SIZE,
        display: str = "full",
        filters: Mapping[str, str] | None = None,
    ) -> Iterator[list[dict[str, Any]]]:
        """Pages of rows with an id above ``after_id``, by id, until a short page."""
        last = after_id
        while True:
            page = self.select(resource, display=display, sort="[id_ASC]", limit=page_size,
                             filters={**(filters or {}), "id": f">[{last}]"})
            if page:
                yield page
            if len(page) < page_size:
                return
            last = max(_id(row) for row in page)

    def by_ids(self, resource: str, ids: Sequence[str], *,
               display: str = "full") -> list[dict[str, Any]]:
        """Rows with the given ids (missing ones are simply absent), a few dozen per call."""
        wanted = sorted({str(i) for i in ids if str(i) not in ("", "0")}, key=_sort_key)
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), IDS_PER_CALL):
            chunk = wanted[start:start + IDS_PER_CALL]
            rows += self.select(resource, display=display, filters={"id": f"[{'|'.join(chunk)}]"})
        return rows

    def by_field(self, resource: str, field: str, values: Sequence[str], *,
                 display: str = "full") -> list[dict[str, Any]]:
        """Rows whose ``field`` is one of ``values`` (e.g. combinations of some products)."""
        wanted = sorted({str(v) for v in values if str(v) not in ("", "0")}, key=_sort_key)
        rows: list[dict[str, Any]] = []
        for start in range(0, len(wanted), IDS_PER_CALL):
            chunk = wanted[start:start + IDS_PER_CALL]
            offset = 0
            while True:
                page = self.select(resource, display=display, offset=offset, limit=LIST_PAGE_SIZE,
                                 filters={field: f"[{'|'.join(chunk)}]"}, sort="[id_ASC]")
                rows += page
                if len(page) < LIST_PAGE_SIZE:
                    break
                offset += len(page)
        return rows

    def image(self, url: str) -> bytes:
        """An image's bytes; only from this shop's webservice, which the key is meant for."""
        if not url.startswith(f"{self.api_url}/images/"):
            raise PayloadError(
                f"image URL {url[:200]} is not on this shop's webservice; not sent the key there",
                code="foreign_image_url",
            )
        response = self.request("GET", url[len(self.api_url):], url=url,
                                headers={"Accept": "image/*"})
        return response.content

    # -- writes -------------------------------------------------------------------------------
    def write(self, method: str, resource: str, entity: str, fields: Mapping[str, Any], *,
              row_id: str | None = None, params: Mapping[str, Any] | None = None) -> None:
        """POST or PUT one object as XML."""
        path = f"/{resource}/{row_id}" if row_id else f"/{resource}"
        self.request(
            method,
            path,
            params=self._params(params),
            data=xml_body(entity, fields),
            headers={"Content-Type": "application/xml"},
            expected=(201,) if method == "POST" else (200,),
        )


def _id(row: Mapping[str, Any]) -> int:
    try:
        return int(row.get("id"))
    except (TypeError, ValueError):
        raise PayloadError(
            f"PrestaShop returned a row without a numeric id: {str(row.get('id'))[:40]!r}",
            code="malformed_response",
        ) from None


def _sort_key(value: str) -> tuple[int, str]:
    return (0, value.zfill(20)) if value.isdigit() else (1, value)
