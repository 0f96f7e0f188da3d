"""The M&S connector over real HTTP against the sandbox: auth, paging, dispatch, faults."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.errors import (
    ChannelUnavailable,
    CredentialsError,
    Error,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)
from channels.marks_spencer import Connector
from channels.records import OrderRecord, Shipment


def connect(supplier, **settings) -> Connector:
    values = supplier.settings(**settings)
    return Connector(
        {k: v for k, v in values.items() if k != "api_key"}, {"api_key": values["api_key"]}
    )


def pull(connector, cursor=None):
    pages = list(connector.new_orders(cursor or {}))
    records = [r for page in pages for r in page.records]
    problems = [p for page in pages for p in page.problems]
    return pages, records, problems


def shipment(number, carrier="Royal Mail", tracking="RM123456785GB", done=()):
    when = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    return Shipment(number, carrier, tracking, when, done_steps=tuple(done))


def test_unknown_key_is_a_credentials_error_that_never_shows_the_key(ms_supplier):
    supplier = ms_supplier()
    with (
        connect(supplier, api_key="not-the-key-42") as connector,
        pytest.raises(CredentialsError) as caught,
    ):
        connector.check()
    assert "HTTP 401" in caught.value.message and "API key" in caught.value.message
    assert "not-the-key-42" not in caught.value.message
    assert supplier.calls() == [], "a call with an unknown key belongs to no account"


def test_suspended_account_is_a_credentials_error(ms_supplier):
    supplier = ms_supplier(suspended=True)
    with connect(supplier) as connector, pytest.raises(CredentialsError, match="HTTP 403"):
        list(connector.new_orders({}))


def test_check_says_what_it_saw(ms_supplier):
    supplier = ms_supplier()
    with connect(supplier) as connector:
        assert "no open order" in connector.check()
        supplier.add_orders(count=1, seed=1)
        assert "open orders are waiting" in connector.check()
    assert supplier.calls()[0]["query"]["status"] == "OPEN"


def test_start_of_day_pages_through_every_open_order_once(ms_supplier):
    supplier = ms_supplier()
    created = supplier.add_orders(count=230, malformed=2, seed=4)
    supplier.cancel(created["created"][0])
    with connect(supplier) as connector:
        pages, records, problems = pull(connector)
    assert [len(p.records) + len(p.problems) for p in pages] == [100, 100, 31, 0]
    assert pages[-1].next_position["updated_from"]
    assert all(p.next_position is None for p in pages[:-1])
    numbers = [r.channel_order_id for r in records]
    assert len(numbers) == len(set(numbers)) == 229
    assert set(numbers) == set(created["created"][1:])
    assert all(isinstance(r, OrderRecord) and r.channel_status == "OPEN" for r in records)
    assert {p.record_ref for p in problems} == set(created["malformed"])
    assert all(isinstance(p, PayloadError) for p in problems)
    lists = supplier.calls(operation="list_orders")
    assert len(lists) == 3 and all(c["query"]["limit"] == "100" for c in lists)
    assert "page_token" in lists[1]["query"]


def test_the_cursor_brings_only_what_changed_since(ms_supplier):
    supplier = ms_supplier()
    supplier.add_orders(count=3, seed=1)
    with connect(supplier) as connector:
        pages, records, _ = pull(connector)
        assert len(records) == 3
        later = {"updated_from": (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).isoformat()}
        assert pull(connector, later)[1] == []
        new = supplier.add_orders(orders=[{}])["created"]
        # The real cursor overlaps by five minutes: already seen orders come again.
        again = [r.channel_order_id for r in pull(connector, pages[-1].next_position)[1]]
    assert set(new) <= set(again) and len(again) == 4


def test_order_updates_report_cancellations(ms_supplier):
    supplier = ms_supplier()
    numbers = supplier.add_orders(count=2, seed=2)["created"]
    supplier.cancel(numbers[1])
    with connect(supplier) as connector:
        records = [r for page in connector.order_updates({}) for r in page.records]
    by_number = {r.channel_order_id: r for r in records}
    assert by_number[numbers[1]].cancelled and by_number[numbers[1]].channel_status == "CANCELLED"
    assert not by_number[numbers[0]].cancelled
    assert "status" not in supplier.calls()[0]["query"]


def test_dispatch_confirmation_and_its_refusals(ms_supplier):
    supplier = ms_supplier()
    first, second, third = supplier.add_orders(count=3, seed=3)["created"]
    steps: list[str] = []
    with connect(supplier) as connector:
        connector.confirm_shipment(shipment(first), steps.append)
        assert steps == ["dispatched"]
        connector.confirm_shipment(shipment(first, done=["dispatched"]), steps.append)
        connector.confirm_shipment(shipment(first), steps.append)  # a retry: accepted again
        with pytest.raises(RejectedByChannel) as other:
            connector.confirm_shipment(shipment(first, tracking="OTHER1"), steps.append)
        supplier.cancel(second)
        with pytest.raises(RejectedByChannel) as cancelled:
            connector.confirm_shipment(shipment(second), steps.append)
        with pytest.raises(Error) as missing:
            connector.confirm_shipment(shipment(third, tracking=None), steps.append)
        with pytest.raises(RejectedByChannel) as unknown:
            connector.confirm_shipment(shipment("MS1"), steps.append)
    assert steps == ["dispatched", "dispatched"]
    assert other.value.code == "ORDER_ALREADY_DISPATCHED" and "RM123456785GB" in other.value.message
    assert cancelled.value.code == "ORDER_CANCELLED"
    assert missing.value.code == "missing_tracking"
    assert unknown.value.code == "ORDER_NOT_FOUND"
    order = supplier.order(first)
    assert order["status"] == "DISPATCHED"
    assert order["dispatch"]["carrier"] == "Royal Mail"
    assert supplier.summary()["orders"][third]["dispatch_calls"] == 0


def test_server_errors_and_throttling_are_retry_class(ms_supplier):
    supplier = ms_supplier()
    supplier.fault(kind="status", status=503, count=1, path="/v1/orders")
    supplier.fault(kind="status", status=429, retry_after=7, count=1, path="/v1/orders")
    with connect(supplier) as connector:
        with pytest.raises(ChannelUnavailable) as unavailable:
            pull(connector)
        with pytest.raises(RateLimited) as limited:
            pull(connector)
        assert pull(connector)[0][-1].next_position
    assert "HTTP 503" in unavailable.value.message
    assert limited.value.retry_after_seconds == 7


def test_a_timeout_is_retry_class(ms_supplier):
    supplier = ms_supplier()
    supplier.fault(kind="timeout", delay_seconds=3, count=1, path="/v1/orders")
    with connect(supplier) as connector:
        connector.client.http.timeout = (2.0, 0.5)
        with pytest.raises(ChannelUnavailable) as caught:
            pull(connector)
    assert caught.value.code == "channel_timeout"


def test_a_broken_body_is_retried_and_a_broken_dispatch_answer_too(ms_supplier):
    supplier = ms_supplier()
    (number,) = supplier.add_orders(count=1, seed=9)["created"]
    supplier.fault(kind="broken_body", count=1, path="/v1/orders")
    supplier.fault(kind="broken_body", count=1, path="/v1/orders/*/dispatch")
    with connect(supplier) as connector:
        with pytest.raises(ChannelUnavailable) as listing:
            pull(connector)
        with pytest.raises(ChannelUnavailable) as dispatching:
            connector.confirm_shipment(shipment(number), lambda step: None)
        assert len(pull(connector)[1]) == 1
        connector.confirm_shipment(shipment(number), lambda step: None)
    assert listing.value.code == dispatching.value.code == "malformed_response"
    assert listing.value.details["body_start"].startswith('{"orders"')
    assert supplier.order(number)["status"] == "DISPATCHED"


def test_the_account_rate_limit_answers_429_with_retry_after(ms_supplier):
    supplier = ms_supplier(rate_limit={"rate_per_second": 0.2, "burst": 2})
    with connect(supplier) as connector:
        connector.check()
        connector.check()
        with pytest.raises(RateLimited) as caught:
            connector.check()
    assert caught.value.retry_after_seconds >= 1
    assert [c["status"] for c in supplier.calls()] == [200, 200, 429]
