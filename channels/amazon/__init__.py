"""Amazon Selling Partner API (Orders v0): import MFN orders, follow cancellations, confirm.

Orders are imported once Amazon has verified the payment (`Unshipped`, `PartiallyShipped`);
`Pending` orders are not actionable and are never imported, but they hold the cursor back so
that an order verified late is not skipped. Lines are "textual": Amazon Custom personalisation
is read from the ZIP behind each item's `CustomizedURL`, at the integration's Customisation Level.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from channels.base import Connector as BaseConnector
from channels.errors import ChannelProblem, ConfigurationError, Error, Info, RejectedByChannel
from channels.records import UNREADABLE, OrderRecord, Page, Shipment, unreadable
from channels.settings_spec import parse_utc

from . import customisation, mapping
from . import settings as spec
from .client import AmazonClient
from .settings import FEEDS, SETTINGS

CONFIRMED_STEP = "confirmed"


log = logging.getLogger(__name__)


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse(value: Any, name: str) -> dt.datetime | None:
    if not value:
        return None
    try:
        return parse_utc(str(value))
    except ValueError:
        raise ConfigurationError(f"{name} is not an ISO date/time: {str(value)[:40]!r}") from None


class Connector(BaseConnector):
    code = "amazon"
    label = "Amazon"
    settings_spec = SETTINGS
    feeds = FEEDS
    requires_sku_mapping = True

    def __init__(self, settings: Mapping[str, Any], secrets: Mapping[str, str]) -> None:
        super().__init__(settings, secrets)
        self.marketplace_codes, region = self._marketplaces()
        endpoint = self.settings.get("sp_api_endpoint") or spec.REGION_ENDPOINTS[region]
        ids = [spec.MARKETPLACES[code][0] for code in self.marketplace_codes]
        self.client = AmazonClient(endpoint, ids, self.settings, self.secrets)
        self.level = self.settings.get("customisation_level") or spec.LEVEL_MEDIUM
        labels = str(self.settings.get("sku_concatenation_labels") or "")
        self.sku_labels = [label.strip() for label in labels.split(",") if label.strip()]

    def _marketplaces(self) -> tuple[list[str], str]:
        """Sale Channel(s) as marketplace codes, all in the region of the Seller Central Domain."""
        domain = str(self.settings.get("seller_central_domain") or "")
        if domain not in spec.MARKETPLACES:
            raise ConfigurationError(
                f"Seller Central Domain {domain or '(empty)'} is not one of "
                f"{', '.join(code for code, _ in spec.DOMAINS)}"
            )
        region = spec.MARKETPLACES[domain][1]
        codes = spec.country_codes(self.settings.get("sale_channels") or domain)
        wrong = [c for c in codes if spec.MARKETPLACES.get(c, ("", ""))[1] != region]
        if wrong:
            raise ConfigurationError(
                f"Sale Channel(s) {', '.join(wrong)} are not marketplaces of the {region} region "
                f"that Seller Central Domain {domain} signs in to; list only {region} "
                "marketplaces, or create one integration per region"
            )
        return codes, region

    def close(self) -> None:
        self.client.close()

    # Credentials ---------------------------------------------------------------
    def credential_warnings(
        self, secrets_set_at: Mapping[str, str], now: dt.datetime
    ) -> list[ChannelProblem]:
        """Amazon expires the LWA client secret 180 days after it is issued."""
        try:
            since = parse_utc(str(secrets_set_at.get("lwa_client_secret") or ""))
        except ValueError:
            return []
        expires = since + dt.timedelta(days=spec.LWA_SECRET_LIFETIME_DAYS)
        todo = (
            "rotate it in Developer Central (LWA credentials > View > Rotate secret) and paste "
            "the new secret in 'LWA Client Secret'"
        )
        if now >= expires:
            return [
                Error(
                    f"the LWA client secret set on {since:%Y-%m-%d} expired on {expires:%Y-%m-%d}"
                    f" (Amazon expires it after {spec.LWA_SECRET_LIFETIME_DAYS} days): {todo}",
                    code="lwa_secret_expired",
                    details={"expires_at": expires.isoformat()},
                )
            ]
        if now >= expires - dt.timedelta(days=spec.LWA_SECRET_WARNING_DAYS):
            days = max(0, (expires - now).days)
            return [
                Error(
                    f"the LWA client secret expires on {expires:%Y-%m-%d} ({days} days left): "
                    f"{todo} before then",
                    code="lwa_secret_expiring",
                    details={"expires_at": expires.isoformat()},
                )
            ]
        return []

    @classmethod
    def initial_cursor(cls, settings: Mapping[str, Any], kind: str) -> dict[str, Any]:
        start = settings.get("last_imported_datetime")
        if kind == "import_new_orders" and start:
            return {"created_after": parse_utc(str(start)).isoformat()}
        return {}

    def check(self) -> str:
        self.client.access_token()
        now = dt.datetime.now(dt.UTC)
        filters = {
            "CreatedAfter": _iso(now - dt.timedelta(days=1)),
            "CreatedBefore": _iso(now - dt.timedelta(seconds=spec.CREATED_BEFORE_MARGIN_SECONDS)),
            "MaxResultsPerPage": 1,
        }
        next(self.client.order_pages(filters, restricted=False))
        return (
            f"connected as seller {self.settings.get('seller_id')}: the LWA token exchange and "
            f"getOrders work for {','.join(self.marketplace_codes)}"
        )

    # Import --------------------------------------------------------------------
    def _window(self, cursor: Mapping[str, Any], now: dt.datetime) -> tuple[dt.datetime, bool]:
        """Where the import starts, and whether the cursor moves (Use Last Imported Datetime)."""
        lookback = now - dt.timedelta(days=spec.LOOKBACK_DAYS)
        if not self.settings.get("use_last_imported_datetime", True):
            return lookback, False
        since = _parse(cursor.get("created_after"), "the feed cursor") or _parse(
            self.settings.get("last_imported_datetime"), "Last Imported Datetime"
        )
        return since or lookback, True

    def new_orders(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        """Unshipped MFN orders placed since the cursor, page by page."""
        now = dt.datetime.now(dt.UTC)
        before = now - dt.timedelta(seconds=spec.CREATED_BEFORE_MARGIN_SECONDS)
        since, moves = self._window(cursor, now)
        # Whole seconds, as CreatedAfter is sent: the ids kept in `seen` are exactly those
        # getOrders can return again.
        since = min(since, before - dt.timedelta(seconds=1)).replace(microsecond=0)
        seen: dict[str, str] = dict(cursor.get("seen") or {})
        if self.level == spec.LEVEL_MAXIMUM:
            yield Page(records=[], problems=[_maximum_level_note()])
        filters = {
            "CreatedAfter": _iso(since),
            "CreatedBefore": _iso(before),
            "OrderStatuses": ",".join(spec.IMPORT_STATUSES),
            "FulfillmentChannels": "MFN",
        }
        newest: dt.datetime | None = None
        for payloads in self.client.order_pages(filters):
            page = Page(records=[])
            for payload in payloads:
                placed = mapping.purchase_date(payload)
                newest = max(newest, placed) if newest and placed else (newest or placed)
                record = self._new_order(payload, seen, page)
                if record is not None:
                    page.records.append(record)
                    seen[record.channel_order_id] = (placed or now).isoformat()
            page.next_position = {"seen": _prune(seen, since)}
            yield page
        watermark = since
        if moves and newest is not None:
            watermark = max(since, newest - dt.timedelta(seconds=spec.CURSOR_OVERLAP_SECONDS))
            if watermark > since:
                watermark = min(watermark, self._oldest_pending(since, before) or watermark)
            watermark = watermark.replace(microsecond=0)
        position: dict[str, Any] = {"seen": _prune(seen, watermark)}
        if moves:
            position["created_after"] = watermark.isoformat()
        yield Page(records=[], next_position=position)

    def _new_order(self, payload: Any, seen: Mapping[str, str], page: Page) -> OrderRecord | None:
        ref = mapping.order_ref(payload)
        if ref in seen:
            return None  # handled by an earlier page or run: its items are not fetched again
        if isinstance(payload, Mapping) and payload.get("OrderStatus") not in spec.IMPORT_STATUSES:
            return None
        try:
            return self._order(payload)
        except ChannelProblem as problem:
            if problem.severity != "error":
                raise  # transport trouble ends the run; it is retried as a whole
            page.problems.append(problem)
            return None
        except UNREADABLE as exc:
            page.problems.append(unreadable(payload, exc))
            return None

    def _order(self, payload: Any) -> OrderRecord:
        ref = mapping.order_ref(payload)
        if ref is None:
            raise mapping.fail(None, "'AmazonOrderId' is missing")
        items = self.client.order_items(ref)
        extras = self._extras(ref, self.client.order_items_buyer_info(ref))
        return mapping.order_from_payload(
            payload, items, extras, level=self.level, sku_labels=self.sku_labels
        )

    def _extras(self, ref: str, infos: list[Any]) -> dict[str, mapping.ItemExtras]:
        """Gift messages and Amazon Custom documents, per OrderItemId."""
        extras: dict[str, mapping.ItemExtras] = {}
        for info in infos:
            if not isinstance(info, Mapping) or not info.get("OrderItemId"):
                continue
            item_id = str(info["OrderItemId"])
            custom = None
            url = (info.get("BuyerCustomizedInfo") or {}).get("CustomizedURL")
            if url:
                try:
                    document = customisation.read_zip(self.client.download(url, ref, item_id))
                    custom = customisation.parse(document)
                except customisation.CustomisationUnreadable as exc:
                    raise mapping.fail(ref, f"item {item_id}: {exc}") from None
            gift = str(info.get("GiftMessageText") or "").strip()
            extras[item_id] = mapping.ItemExtras(gift_message=gift, customisation=custom)
        return extras

    def _oldest_pending(self, since: dt.datetime, before: dt.datetime) -> dt.datetime | None:
        """The oldest order still awaiting payment verification: the cursor must not pass it."""
        filters = {
            "CreatedAfter": _iso(since),
            "CreatedBefore": _iso(before),
            "OrderStatuses": ",".join(spec.PENDING_STATUSES),
            "FulfillmentChannels": "MFN",
        }
        dates = [
            placed
            for payloads in self.client.order_pages(filters, restricted=False)
            for placed in map(mapping.purchase_date, payloads)
            if placed is not None
        ]
        return min(dates, default=None)

    # Updates -------------------------------------------------------------------
    def orders_by_id(self, channel_order_ids: list[str]) -> list[OrderRecord]:
        """getOrders by AmazonOrderIds (50 a call, with the RDT): set-aside orders again."""
        since = dt.datetime.now(dt.UTC) - dt.timedelta(days=730)  # the API's history window
        records: list[OrderRecord] = []
        for start in range(0, len(channel_order_ids), 50):
            filters = {
                "CreatedAfter": _iso(since),
                "AmazonOrderIds": ",".join(channel_order_ids[start : start + 50]),
            }
            for payloads in self.client.order_pages(filters):
                for payload in payloads:
                    record = self._again(payload)
                    if record is not None:
                        records.append(record)
        return records

    def _again(self, payload: Any) -> OrderRecord | None:
        ref = mapping.order_ref(payload)
        status = payload.get("OrderStatus") if isinstance(payload, Mapping) else None
        if ref is None or status is None:
            return None
        if status in spec.IMPORT_STATUSES:
            try:
                return self._order(payload)
            except ChannelProblem as problem:
                if problem.severity != "error":
                    raise
                log.warning("set-aside Amazon order %s is unreadable: %s", ref, problem)
                return None
        if status in ("Canceled", "Pending", "PendingAvailability"):
            return OrderRecord(
                channel_order_id=ref,
                channel_status=str(status),
                placed_at=None,
                updated_at=None,
                lines=(),
                cancelled=status == "Canceled",
                awaiting_payment=status != "Canceled",
            )
        return None

    def order_updates(self, cursor: Mapping[str, Any]) -> Iterator[Page]:
        now = dt.datetime.now(dt.UTC)
        before = now - dt.timedelta(seconds=spec.CREATED_BEFORE_MARGIN_SECONDS)
        since = _parse(cursor.get("updated_after"), "the feed cursor") or (
            now - dt.timedelta(days=spec.LOOKBACK_DAYS)
        )
        since = min(since, before - dt.timedelta(seconds=1))
        filters = {
            "LastUpdatedAfter": _iso(since),
            "LastUpdatedBefore": _iso(before),
            "FulfillmentChannels": "MFN",
        }
        for payloads in self.client.order_pages(filters, restricted=False):
            yield Page.mapped(payloads, mapping.status_from_payload)
        watermark = max(since, before - dt.timedelta(seconds=spec.CURSOR_OVERLAP_SECONDS))
        yield Page(records=[], next_position={"updated_after": watermark.isoformat()})

    # Shipments -----------------------------------------------------------------
    def confirm_shipment(self, shipment: Shipment, on_step: Callable[[str], None]) -> None:
        """confirmShipment with carrier, tracking and every line; nothing is sent without both."""
        if CONFIRMED_STEP in shipment.done_steps:
            return
        body = mapping.shipment_body(shipment, "")
        order_id = shipment.channel_order_id
        body["marketplaceId"] = self._marketplace_of(order_id)
        try:
            self.client.confirm_shipment(order_id, body)
        except RejectedByChannel as rejected:
            if not self._already_shipped(order_id):
                rejected.record_ref = order_id
                raise
            rejected.details["note"] = "already Shipped on Amazon"
        on_step(CONFIRMED_STEP)

    def _marketplace_of(self, order_id: str) -> str:
        if len(self.client.marketplace_ids) == 1:
            return self.client.marketplace_ids[0]
        marketplace = self.client.order(order_id).get("MarketplaceId")
        if not marketplace:
            raise mapping.fail(order_id, "getOrder gave no MarketplaceId")
        return str(marketplace)

    def _already_shipped(self, order_id: str) -> bool:
        """An earlier attempt may have confirmed it before its answer was lost."""
        status = self.client.order(order_id).get("OrderStatus")
        return status in spec.SHIPPED_STATUSES


def _maximum_level_note() -> Info:
    return Info(
        "Customisation Level 'Maximum (In Development)' is not finished: personalisation is "
        "imported as with 'Medium - Message and Cosmetics' (texts, fonts, colours and options; "
        "images are not imported)",
        code="customisation_level_maximum",
    )


def _prune(seen: Mapping[str, str], since: dt.datetime) -> dict[str, str]:
    """Only ids that getOrders can still return (placed since the window start), newest kept."""
    kept = []
    for ref, placed in seen.items():
        try:
            when = dt.datetime.fromisoformat(placed)
        except (TypeError, ValueError):
            continue
        if when >= since:
            kept.append((when, ref, placed))
    kept.sort(reverse=True)
    return {ref: placed for _, ref, placed in kept[: spec.MAX_SEEN_ORDERS]}
