"""The Mirakl order state machine, as a seller sees it.

::

    WAITING_ACCEPTANCE --OR21 all lines refused--> REFUSED
        | OR21 (a decision for every line)
        v
    WAITING_DEBIT_PAYMENT --(operator debits the customer after the shop's delay)--> SHIPPING
        SHIPPING --OR23 tracking, OR24 ship--> SHIPPED --(customer)--> RECEIVED --> CLOSED
    CANCELED from any state before SHIPPED (operator or customer, via the control API)

Addresses stay ``null`` until the debit, as on a real shop. The debit is not a timer: it is
evaluated lazily (``settle_debits``) against the real clock whenever the shop is read, and the
order's ``last_updated_date`` is set no earlier than any previous read, so an update-date cursor
always sees the change.

Every function here expects the caller to hold ``store.lock``.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sandbox.timeutil import to_iso

from .data import CARRIERS
from .errors import MiraklError, validation_error
from .store import OrderRecord, Shop

PRE_DEBIT_STATES = frozenset({"STAGING", "WAITING_ACCEPTANCE", "WAITING_DEBIT",
                              "WAITING_DEBIT_PAYMENT"})
CANCELLABLE_STATES = PRE_DEBIT_STATES | {"SHIPPING"}
FINAL_LINE_STATES = frozenset({"REFUSED", "CANCELED", "CLOSED", "REFUNDED"})
ADDRESS_KEYS = ("billing_address", "shipping_address")
ADVANCE_STATES = ("WAITING_DEBIT_PAYMENT", "SHIPPING", "RECEIVED", "CLOSED")
TRACKING_FIELDS = ("carrier_code", "carrier_name", "carrier_standard_code", "carrier_url",
                   "tracking_number")


def find(shop: Shop, order_id: str) -> OrderRecord:
    record = shop.orders.get(order_id)
    if record is None:
        raise MiraklError(404, f"Order {order_id} not found", "ORDER_NOT_FOUND", "order_id")
    return record


def set_state(record: OrderRecord, state: str, when: datetime,
              line_date_field: str | None = None) -> None:
    """Move the order and its live lines to a new state (refused or ended lines stay put)."""
    record.payload["order_state"] = state
    for line in record.lines():
        if line.get("order_line_state") in FINAL_LINE_STATES:
            continue
        line["order_line_state"] = state
        line["last_updated_date"] = to_iso(when)
        if line_date_field:
            line[line_date_field] = to_iso(when)
    record.payload["can_shop_ship"] = state == "SHIPPING"
    record.payload["can_cancel"] = state == "SHIPPING"
    record.touch(when)


def hide_addresses(record: OrderRecord) -> None:
    """Move the addresses out of sight until the debit (Mirakl sends them as null before)."""
    customer = record.payload.get("customer")
    if not isinstance(customer, dict):
        return
    for key in ADDRESS_KEYS:
        if customer.get(key) is not None:
            record.addresses[key] = customer[key]
        customer[key] = None


def reveal_addresses(record: OrderRecord) -> None:
    customer = record.payload.get("customer")
    if not isinstance(customer, dict):
        return
    for key in ADDRESS_KEYS:
        if key in record.addresses:
            customer[key] = record.addresses.pop(key)


def apply_acceptance(record: OrderRecord, decisions: dict[str, bool], when: datetime) -> None:
    """Accepted lines wait for the debit, refused lines are REFUSED; all refused refuses."""
    for line in record.lines():
        accepted = decisions.get(str(line.get("order_line_id")), True)
        line["order_line_state"] = "WAITING_DEBIT_PAYMENT" if accepted else "REFUSED"
        line["last_updated_date"] = to_iso(when)
    record.payload["acceptance_decision_date"] = to_iso(when)
    if decisions and not any(decisions.values()):
        record.payload["order_state"] = "REFUSED"
        record.payload["order_state_reason_code"] = "SHOP_REFUSED"
        record.touch(when)
        return
    record.payload["order_state"] = "WAITING_DEBIT_PAYMENT"
    record.accepted_at = when
    record.touch(when)


def debit(record: OrderRecord, when: datetime) -> None:
    """The operator has debited the customer: the seller may ship and sees the addresses."""
    for line in record.lines():
        if line.get("order_line_state") == "WAITING_DEBIT_PAYMENT":
            line["debited_date"] = to_iso(when)
    set_state(record, "SHIPPING", when)
    record.payload["customer_debited_date"] = to_iso(when)
    reveal_addresses(record)


def settle_debits(shop: Shop, now: datetime) -> None:
    """Apply every debit that is due by ``now`` (``debit_delay_seconds: null`` never debits).

    A debit is dated when it fell due, unless an OR11 read already covered that moment (the
    delay was shortened since, or the order was seeded as accepted long ago): it is then dated
    now, so no reader's update-date cursor can have passed it already.
    """
    if shop.debit_delay_seconds is None:
        return
    delay = timedelta(seconds=shop.debit_delay_seconds)
    for record in shop.orders.values():
        if record.state == "WAITING_DEBIT_PAYMENT" and record.accepted_at is not None:
            due = record.accepted_at + delay
            if due <= now:
                debit(record, due if due > shop.read_at else now)


def accept(shop: Shop, order_id: str, body: Any, now: datetime) -> None:
    """OR21: a decision is required for every line of the order."""
    if not isinstance(body, dict) or not isinstance(body.get("order_lines"), list):
        raise validation_error("Body must be {\"order_lines\": [{\"id\", \"accepted\"}]}",
                               "order_lines")
    record = find(shop, order_id)
    if record.state != "WAITING_ACCEPTANCE":
        raise MiraklError(400, f"Order {order_id} is in state {record.state}, expected "
                          "WAITING_ACCEPTANCE", "ORDER_INVALID_STATE", "order_id")
    decisions: dict[str, bool] = {}
    for item in body["order_lines"]:
        if item is None:
            raise MiraklError(400, "The order lines list contains a null element",
                              "ORDER_LINE_NULL_ELEMENT", "order_lines")
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) \
                or not isinstance(item.get("accepted"), bool):
            raise validation_error("Each order line needs an 'id' (string) and 'accepted' "
                                   "(boolean)", "order_lines")
        if item["id"] in decisions:
            raise MiraklError(400, f"Order line {item['id']} appears twice",
                              "ORDER_LINE_DUPLICATE_ID", "order_lines.id")
        decisions[item["id"]] = item["accepted"]
    if not decisions:
        raise validation_error("order_lines must not be empty", "order_lines")
    line_ids = [str(line.get("order_line_id")) for line in record.lines()]
    for line_id in decisions:
        if line_id not in line_ids:
            raise MiraklError(400, f"Order line {line_id} does not belong to order {order_id}",
                              "ORDER_LINE_NOT_FOUND", "order_lines.id")
    missing = [line_id for line_id in line_ids if line_id not in decisions]
    if missing:
        raise MiraklError(400, f"No acceptance decision for order lines {', '.join(missing)}",
                          "ORDER_LINE_ACCEPTANCE_DECISION_MISSING", "order_lines")
    if not shop.partial_acceptance and len(set(decisions.values())) > 1:
        raise MiraklError(400, "Partial acceptance is disabled for this shop",
                          "ORDER_PARTIAL_ACCEPTANCE_DISABLED", "order_lines")
    apply_acceptance(record, decisions, now)


def set_tracking(shop: Shop, order_id: str, body: Any, now: datetime) -> None:
    """OR23: store carrier and tracking; a registered carrier gets its tracking URL built."""
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise validation_error("Body must be a JSON object")
    for name in TRACKING_FIELDS:
        if body.get(name) is not None and not isinstance(body[name], str):
            raise validation_error(f"{name} must be a string", name)
    record = find(shop, order_id)
    if record.state != "SHIPPING":
        raise MiraklError(400, f"Order {order_id} is in state {record.state}, expected SHIPPING",
                          "ORDER_INVALID_STATE", "order_id")
    payload = record.payload
    code, name = body.get("carrier_code"), body.get("carrier_name")
    number, url = body.get("tracking_number"), body.get("carrier_url")
    registered = CARRIERS.get(code or "")
    if code is not None:
        payload["shipping_carrier_code"] = code
    if code is not None or name is not None:
        payload["shipping_company"] = name or (registered[0] if registered else code)
    if body.get("carrier_standard_code") is not None:
        payload["shipping_carrier_standard_code"] = body["carrier_standard_code"]
    if number is not None:
        payload["shipping_tracking"] = number
    if url is not None:
        payload["shipping_tracking_url"] = url
    elif registered and payload.get("shipping_tracking"):
        payload["shipping_tracking_url"] = registered[1].format(number=payload["shipping_tracking"])
    record.touch(now)


def ship(shop: Shop, order_id: str, now: datetime) -> None:
    """OR24: only an order in SHIPPING can be confirmed shipped."""
    record = find(shop, order_id)
    if record.state != "SHIPPING":
        raise MiraklError(400, f"Order {order_id} is in state {record.state}, expected SHIPPING",
                          "ORDER_INVALID_STATE", "order_id")
    set_state(record, "SHIPPED", now, line_date_field="shipped_date")


def cancel(shop: Shop, order_id: str, now: datetime, reason_code: str | None = None,
           reason_label: str | None = None) -> OrderRecord:
    """The customer or operator cancels an order that has not shipped."""
    record = find(shop, order_id)
    if record.state not in CANCELLABLE_STATES:
        raise MiraklError(400, f"Order {order_id} is in state {record.state} and can no longer "
                          "be canceled", "ORDER_INVALID_STATE", "order_id")
    set_state(record, "CANCELED", now)
    record.payload["order_state_reason_code"] = reason_code or "CUSTOMER_REQUEST"
    record.payload["order_state_reason_label"] = reason_label or "Annulée à la demande du client"
    record.accepted_at = None
    return record


def advance(shop: Shop, order_ids: list[str] | None, state: str, now: datetime) -> dict:
    """Force the operator's or customer's next step now (tests and the demo).

    ``SHIPPING`` debits orders waiting for payment; an order named explicitly that still waits
    for acceptance is auto-accepted first (as an operator's auto-acceptance would).
    ``WAITING_DEBIT_PAYMENT`` auto-accepts; ``RECEIVED`` and ``CLOSED`` follow a shipment.
    """
    if state not in ADVANCE_STATES:
        raise ValueError(f"state must be one of {', '.join(ADVANCE_STATES)}")
    explicit = order_ids is not None
    targets = [find(shop, order_id) for order_id in order_ids] if explicit \
        else list(shop.orders.values())
    advanced, skipped = [], []
    for record in targets:
        if _advance_one(record, state, now, explicit):
            advanced.append(record.order_id)
        elif explicit:
            skipped.append({"order_id": record.order_id, "order_state": record.state})
    return {"advanced": advanced, "skipped": skipped}


def _advance_one(record: OrderRecord, state: str, now: datetime, explicit: bool) -> bool:
    current = record.state
    if state in ("WAITING_DEBIT_PAYMENT", "SHIPPING") and current == "WAITING_ACCEPTANCE":
        if not explicit and state == "SHIPPING":
            return False
        apply_acceptance(record, {}, now)
        current = record.state
        if state == "WAITING_DEBIT_PAYMENT":
            return True
    if state == "SHIPPING" and current == "WAITING_DEBIT_PAYMENT":
        debit(record, now)
        return True
    if state == "RECEIVED" and current == "SHIPPED":
        set_state(record, "RECEIVED", now, line_date_field="received_date")
        return True
    if state == "CLOSED" and current in ("SHIPPED", "RECEIVED"):
        set_state(record, "CLOSED", now)
        return True
    return False
