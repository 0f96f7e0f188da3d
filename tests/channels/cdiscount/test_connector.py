"""The CDiscount connector over real HTTP against the simulator: token, classification, orders,
shipments."""

from __future__ import annotations

import datetime as dt

import pytest

from channels.cdiscount import Watermark, windows
from channels.cdiscount import client as cdiscount_client
from channels.errors import (
    ChannelUnavailable,
    CredentialsError,
    Error,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)
from channels.records import OrderLineRecord, Shipment


def import_all(connector, cursor=None):
    """Every page of one import run: (records, problems, last position)."""
    records, problems, position = [], [], None
    for page in connector.new_orders(cursor or {}):
        records += page.records
        problems += page.problems
        position = page.next_position or position
    return records, problems, position


def shipment_of(seller_order: dict, **extra) -> Shipment:
    lines = tuple(
        OrderLineRecord(line["RowId"], line["SellerProductId"], int(line["Quantity"]))
        for line in seller_order["OrderLineList"]["OrderLine"]
        if line["SellerProductId"] != "FRAISTRAITEMENT"
    )
    values = {"channel_order_id": seller_order["OrderNumber"], "carrier": "Colissimo",
              "tracking_number": "6A12345678901", "shipped_at": dt.datetime.now(dt.UTC),
              "lines": lines}
    return Shipment(**{**values, **extra})


# -- token ---------------------------------------------------------------------------------
def test_check_obtains_a_token_with_basic_auth_and_reuses_it(cdiscount_seller):
    seller = cdiscount_seller()
    with seller.connector() as connector:
        assert connector.check() == f"connected as {seller.login}; shop Atelier Imprime is " \
                                    "Activated"
    with seller.connector() as again:
        again.check()
    summary = seller.summary()
    assert summary["tokens_issued"] == 1  # the second connector of the process reused it
    assert summary["calls"] == {"GetSellerInformation": 2, "token": 1}


def test_an_expired_token_is_renewed_once(cdiscount_seller):
    seller = cdiscount_seller()
    with seller.connector() as connector:
        connector.check()
        seller.expire_tokens()
        connector.check()
    assert seller.summary()["tokens_issued"] == 2
    refused = seller.calls(error_type="NotAuthorizedException")
    assert len(refused) == 1 and refused[0]["status"] == 200  # a business error, not HTTP 401


def test_a_given_token_id_is_used_without_asking_for_one(cdiscount_seller):
    seller = cdiscount_seller()
    token = seller.token()
    with seller.connector(token_id=token, password=None) as connector:
        connector.check()
    assert seller.summary()["tokens_issued"] == 1  # only the one the admin obtained


def test_a_stale_token_id_is_replaced_from_the_username_and_password(cdiscount_seller):
    seller = cdiscount_seller()
    with seller.connector(token_id="0" * 32) as connector:
        connector.check()
    assert seller.summary()["tokens_issued"] == 1


def test_a_stale_token_id_without_password_is_a_credentials_error(cdiscount_seller):
    seller = cdiscount_seller()
    with seller.connector(token_id="0" * 32, password=None) as connector, \
            pytest.raises(CredentialsError) as caught:
        connector.check()
    assert "set a new Token ID" in caught.value.message


def test_a_token_refused_after_renewal_is_a_credentials_error(cdiscount_seller):
    seller = cdiscount_seller()
    seller.fault(kind="business_error", error_type="NotAuthorizedException", count=2,
                 operation="GetOrderList", message="Jeton invalide")
    with seller.connector() as connector, pytest.raises(CredentialsError) as caught:
        import_all(connector)
    assert "Jeton invalide" in caught.value.message
    assert seller.summary()["tokens_issued"] == 2


def test_wrong_password_is_a_credentials_error_that_says_what_to_fix(cdiscount_seller):
    seller = cdiscount_seller()
    with seller.connector(password="not-the-password") as connector, \
            pytest.raises(CredentialsError) as caught:
        connector.check()
    message = caught.value.message
    assert "HTTP 401" in message and "Username and Password" in message
    assert "not-the-password" not in message
    assert seller.summary()["tokens_issued"] == 0


# -- classification ----------------------------------------------------------------------------
def test_a_business_error_carries_the_service_message(cdiscount_seller):
    seller = cdiscount_seller()
    seller.fault(kind="business_error", error_type="InvalidRequest",
                 message="La date de début est invalide", operation="GetOrderList")
    with seller.connector() as connector, pytest.raises(RejectedByChannel) as caught:
        import_all(connector)
    assert caught.value.code == "InvalidRequest"
    assert caught.value.severity == "error"
    assert "La date de début est invalide" in caught.value.message


def test_quota_is_retried_later(cdiscount_seller):
    seller = cdiscount_seller(rate_limit={"rate_per_second": 0.01, "burst": 1})
    with seller.connector() as connector:
        connector.check()
        with pytest.raises(RateLimited) as caught:
            connector.check()
    assert caught.value.retry_after_seconds == cdiscount_client.QUOTA_RETRY_AFTER_SECONDS
    assert caught.value.code == "quota"


@pytest.mark.parametrize(
    ("fault", "problem", "code"),
    [
        ({"kind": "status", "status": 503}, ChannelUnavailable, "channel_server_error"),
        ({"kind": "status", "status": 429, "retry_after": 7}, RateLimited, "rate_limited"),
        ({"kind": "soap_fault"}, ChannelUnavailable, "channel_server_error"),
        ({"kind": "soap_fault", "fault_code": "a:DeserializationFailed"}, RejectedByChannel,
         "soap_fault"),
        ({"kind": "broken_body"}, PayloadError, "malformed_response"),
    ],
)
def test_transport_and_soap_failures_are_classified(cdiscount_seller, fault, problem, code):
    seller = cdiscount_seller()
    seller.fault(operation="GetSellerInformation", **fault)
    with seller.connector() as connector, pytest.raises(problem) as caught:
        connector.check()
    assert caught.value.code == code
    if fault.get("retry_after"):
        assert caught.value.retry_after_seconds == 7


def test_a_slow_answer_times_out_as_a_retry(cdiscount_seller, monkeypatch):
    monkeypatch.setattr(cdiscount_client, "TIMEOUT_SECONDS", (2.0, 0.5))
    seller = cdiscount_seller()
    seller.fault(kind="timeout", delay_seconds=3, operation="GetSellerInformation")
    with seller.connector() as connector, pytest.raises(ChannelUnavailable) as caught:
        connector.check()
    assert caught.value.code == "channel_timeout"


def test_the_token_service_failing_is_a_retry(cdiscount_seller):
    seller = cdiscount_seller()
    seller.fault(kind="status", status=502, operation="token")
    with seller.connector() as connector, pytest.raises(ChannelUnavailable):
        connector.check()


# -- orders --------------------------------------------------------------------------------------
def test_import_reads_orders_waiting_for_shipment_and_isolates_malformed_ones(cdiscount_seller):
    seller = cdiscount_seller()
    good = seller.add_orders(count=8, malformed=6, seed=4)
    waiting = seller.add_orders(count=3, seed=5, state="PaymentInProgress")["created"]
    with seller.connector() as connector:
        records, problems, position = import_all(connector)
    assert {r.channel_order_id for r in records} == set(good["created"])
    assert {p.record_ref for p in problems} == set(good["malformed"])
    assert all(isinstance(p, PayloadError) for p in problems)
    assert not {r.channel_order_id for r in records} & set(waiting)
    newest = max(r.placed_at for r in records)
    assert dt.datetime.fromisoformat(position["created_since"]) == newest - dt.timedelta(
        seconds=900)
    assert position["lookback_at"]
    request = seller.calls(operation="GetOrderList")[-1]
    assert request["success"]


def test_orders_that_reach_shipment_later_are_imported_on_the_next_run(cdiscount_seller):
    seller = cdiscount_seller()
    late = seller.add_orders(count=2, seed=6, state="PaymentInProgress")["created"]
    early = seller.add_orders(count=2, seed=7)["created"]
    with seller.connector() as connector:
        records, _, position = import_all(connector)
        assert {r.channel_order_id for r in records} == set(early)
        seller.advance(late)  # the payment clears
        # An hour later the look-back reads the last two weeks again.
        hour_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(hours=2)).isoformat()
        records, _, _ = import_all(connector, {**position, "lookback_at": hour_ago})
    assert set(late) <= {r.channel_order_id for r in records}


def test_order_updates_report_cancellations(cdiscount_seller):
    seller = cdiscount_seller()
    numbers = seller.add_orders(count=3, seed=8)["created"]
    with seller.connector() as connector:
        cursor = {"modified_since": dt.datetime.now(dt.UTC).isoformat()}
        seller.cancel(numbers[0])
        statuses = [r for page in connector.order_updates(cursor) for r in page.records]
    (status,) = statuses
    assert (status.channel_order_id, status.channel_status, status.cancelled) == (
        numbers[0], "CancelledByCustomer", True)


def test_orders_by_id(cdiscount_seller):
    seller = cdiscount_seller()
    numbers = seller.add_orders(count=3, seed=9)["created"]
    with seller.connector() as connector:
        found = connector.orders_by_id(numbers[1:])
    assert sorted(r.channel_order_id for r in found) == sorted(numbers[1:])


# -- shipments ------------------------------------------------------------------------------------
def test_confirm_shipment_sends_shipped_with_carrier_and_tracking(cdiscount_seller):
    seller = cdiscount_seller()
    (number,) = seller.add_orders(count=1, seed=10)["created"]
    steps = []
    with seller.connector() as connector:
        connector.confirm_shipment(shipment_of(seller.order(number)), steps.append)
    assert steps == ["shipped"]
    order = seller.order(number)
    assert order["OrderState"] == "Shipped"
    products = [line for line in order["OrderLineList"]["OrderLine"]
                if line["SellerProductId"] != "FRAISTRAITEMENT"]
    assert {line["AcceptationState"] for line in products} == {"ShippedBySeller"}
    shipment = order["_sandbox"]["shipment"]
    assert (shipment["carrier"], shipment["tracking_number"]) == ("Colissimo", "6A12345678901")
    assert shipment["tracking_url"].endswith("code=6A12345678901")
    assert seller.summary()["orders"][number]["validate_ok"] == 1


@pytest.mark.parametrize(("carrier", "tracking", "missing"), [
    (None, "6A1", "carrier"), ("Colissimo", None, "tracking number")])
def test_without_carrier_or_tracking_nothing_is_sent(cdiscount_seller, carrier, tracking,
                                                     missing):
    seller = cdiscount_seller()
    (number,) = seller.add_orders(count=1, seed=11)["created"]
    steps = []
    with seller.connector() as connector, pytest.raises(Error) as caught:
        connector.confirm_shipment(
            shipment_of(seller.order(number), carrier=carrier, tracking_number=tracking),
            steps.append)
    assert caught.value.record_ref == number and caught.value.code == "missing_tracking"
    assert f"the {missing} is missing" in caught.value.message
    assert steps == [] and seller.calls(operation="ValidateOrderList") == []
    assert seller.order(number)["OrderState"] == "WaitingForShipmentAcceptation"


def test_an_order_in_the_wrong_state_is_refused_for_that_order(cdiscount_seller):
    seller = cdiscount_seller()
    (number,) = seller.add_orders(count=1, seed=12, state="WaitingForSellerAcceptation")["created"]
    with seller.connector() as connector, pytest.raises(RejectedByChannel) as caught:
        connector.confirm_shipment(shipment_of(seller.order(number)), lambda step: None)
    assert caught.value.code == "OrderStateIncoherent"
    assert caught.value.record_ref == number
    assert "WaitingForSellerAcceptation" in caught.value.message


def test_an_order_already_shipped_by_a_lost_attempt_counts_as_shipped(cdiscount_seller):
    seller = cdiscount_seller()
    (number,) = seller.add_orders(count=1, seed=13)["created"]
    with seller.connector() as connector:
        connector.confirm_shipment(shipment_of(seller.order(number)), lambda step: None)
        steps = []
        connector.confirm_shipment(shipment_of(seller.order(number)), steps.append)
    assert steps == ["shipped"]
    assert seller.summary()["orders"][number]["validate_calls"] == 2


def test_a_long_backlog_is_read_in_weekly_windows_and_the_cursor_never_moves_back():
    now = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    parts = list(windows(now - dt.timedelta(days=20), now))
    assert [(end - start).days if end else None for start, end in parts] == [7, 7, None]
    mark = Watermark(now)
    mark.reach(now - dt.timedelta(days=1))
    assert mark.value == now
    mark.reach(now + dt.timedelta(hours=1))
    assert mark.value == now + dt.timedelta(minutes=45)
