"""The CDiscount order state machine as a seller sees it, and GetOrderList's filter.

::

    WaitingForSellerAcceptation --ValidateOrderList AcceptedBySeller--> AcceptedBySeller
        (or RefusedBySeller)   --payment (control API advance)--> PaymentInProgress
        --> WaitingForShipmentAcceptation
    WaitingForShipmentAcceptation --ValidateOrderList Shipped + carrier + tracking--> Shipped
    CancelledByCustomer (and the other cancel states): before Shipped, via the control API

A transition the order's state does not allow is refused per order with
``OrderStateIncoherent``, as the service does. Every function expects ``store.lock`` held.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from lxml import etree

from . import data
from .soap import (
    ARRAYS,
    CDS,
    child,
    deserialization_fault,
    parse_bool,
    parse_time,
    text_of,
    wire_time,
)
from .store import OrderRecord, Seller

SHIPPABLE = "WaitingForShipmentAcceptation"
ACCEPTABLE = "WaitingForSellerAcceptation"


class ControlRefused(ValueError):
    """A control-API request the order's state does not allow."""


@dataclass
class OrderQuery:
    created_from: datetime | None = None
    created_before: datetime | None = None
    modified_from: datetime | None = None
    modified_before: datetime | None = None
    states: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    with_lines: bool = False
    with_parcels: bool = False

    def matches(self, record: OrderRecord) -> bool:
        return (
            (self.created_from is None or record.created >= self.created_from)
            and (self.created_before is None or record.created < self.created_before)
            and (self.modified_from is None or record.modified >= self.modified_from)
            and (self.modified_before is None or record.modified < self.modified_before)
            and (not self.states or record.state in self.states)
            and (not self.numbers or record.number in self.numbers)
        )


def parse_filter(element: etree._Element | None) -> OrderQuery:
    """An ``orderFilter``; a value the service cannot read is a deserialization fault."""
    query = OrderQuery()
    if element is None:
        return query
    for name, attr in (("BeginCreationDate", "created_from"), ("EndCreationDate", "created_before"),
                       ("BeginModificationDate", "modified_from"),
                       ("EndModificationDate", "modified_before")):
        text = text_of(element, name)
        if text:
            setattr(query, attr, parse_time(text, "orderFilter"))
    for name, attr in (("FetchOrderLines", "with_lines"), ("FetchParcels", "with_parcels")):
        text = text_of(element, name)
        if text:
            setattr(query, attr, parse_bool(text, "orderFilter"))
    for state in _texts(child(element, "States"), "OrderStateEnum", CDS):
        query.states.add(_enum(state, data.ORDER_STATES, "OrderStateEnum"))
    query.numbers = set(_texts(child(element, "OrderReferenceList"), "string", ARRAYS))
    return query


def select(seller: Seller, query: OrderQuery) -> list[dict[str, Any]]:
    """The matching orders, oldest first, without lines or parcels unless asked."""
    found = sorted((r for r in seller.orders.values() if query.matches(r)),
                   key=lambda r: (r.created, r.seq))
    payloads = []
    for record in found:
        payload = copy.deepcopy(record.payload)
        if not query.with_lines:
            payload["OrderLineList"] = None
        if not query.with_parcels:
            payload["ParcelList"] = None
        payloads.append(payload)
    return payloads


def validate(seller: Seller, message: etree._Element | None, now: datetime) -> list[dict]:
    """ValidateOrderList: each order is validated or refused on its own."""
    holder = child(message, "OrderList")
    elements = [] if holder is None else holder.findall(f"{{{CDS}}}ValidateOrder")
    requests = [_read_validate_order(element) for element in elements]  # faults before changes
    return [_validate_one(seller, request, now) for request in requests]


def _read_validate_order(element: etree._Element) -> dict[str, Any]:
    target = text_of(element, "OrderState")
    holder = child(element, "OrderLineList")
    lines = []
    for line in [] if holder is None else holder.findall(f"{{{CDS}}}ValidateOrderLine"):
        state = text_of(line, "AcceptationState")
        condition = text_of(line, "ProductCondition")
        lines.append({
            "state": _enum(state, data.ACCEPTATION_STATES, "AcceptationStateEnum") if state
            else None,
            "condition": _enum(condition, data.PRODUCT_CONDITIONS, "ProductConditionEnum")
            if condition else None,
            "sku": (text_of(line, "SellerProductId") or "").strip(),
        })
    return {
        "number": (text_of(element, "OrderNumber") or "").strip(),
        "target": _enum(target, data.ORDER_STATES, "OrderStateEnum") if target else None,
        "carrier": (text_of(element, "CarrierName") or "").strip(),
        "tracking": (text_of(element, "TrackingNumber") or "").strip(),
        "url": (text_of(element, "TrackingUrl") or "").strip() or None,
        "lines": lines,
    }


def _validate_one(seller: Seller, request: dict[str, Any], now: datetime) -> dict[str, Any]:
    number, target = request["number"], request["target"]
    record = seller.orders.get(number)
    if record is None:
        return _result(number, [("OrderNotFound", f"La commande {number} n'existe pas pour "
                                                  "ce vendeur.")])
    errors: list[tuple[str, str]] = []
    allowed = {"Shipped": SHIPPABLE, "AcceptedBySeller": ACCEPTABLE,
               "RefusedBySeller": ACCEPTABLE}.get(target or "")
    if allowed != record.state:
        errors.append(("OrderStateIncoherent", f"Le passage à l'état {target} est impossible "
                                               "à ce stade de la commande (état actuel : "
                                               f"{record.state})."))
    elif target == "Shipped" and not (request["carrier"] and request["tracking"]):
        errors.append(("OrderTrackingInformationError",
                       "Le transporteur (CarrierName) et le numéro de suivi (TrackingNumber) "
                       "sont obligatoires pour expédier la commande."))
    line_results, line_ok = _check_lines(record, request, target)
    validated = not errors and line_ok
    if validated:
        _apply(record, request, now)
    seller.count_operation(number, "validate", validated)
    return _result(number, errors, line_results, validated)


def _check_lines(record: OrderRecord, request: dict, target: str | None) -> tuple[list, bool]:
    expected = {"Shipped": "ShippedBySeller", "AcceptedBySeller": "AcceptedBySeller",
                "RefusedBySeller": "RefusedBySeller"}.get(target or "")
    skus = {str(line.get("SellerProductId")) for line in record.lines()}
    results, ok = [], True
    for line in request["lines"]:
        errors = []
        if line["sku"] not in skus:
            errors.append(("OrderLineNotFound", f"La ligne {line['sku']} n'existe pas dans la "
                                                f"commande {record.number}."))
        elif line["state"] != expected:
            errors.append(("OrderLineIncoherentState", f"L'état {line['state']} est impossible "
                                                       f"pour la ligne {line['sku']}."))
        ok = ok and not errors
        results.append({"Errors": _errors(errors), "SellerProductId": line["sku"],
                        "Updated": not errors})
    return results, ok


def _apply(record: OrderRecord, request: dict[str, Any], now: datetime) -> None:
    target = request["target"]
    listed = {line["sku"]: line["state"] for line in request["lines"]}
    set_state(record, target, now, listed)
    if target != "Shipped":
        return
    items = [{"ProductName": line.get("Name"), "Quantity": line.get("Quantity"),
              "Sku": line.get("Sku")} for line in record.lines()
             if line.get("SellerProductId") in listed]
    record.payload["ParcelList"] = {"Parcel": [{
        "CustomerNum": None, "ExternalCarrierName": request["carrier"],
        "ExternalCarrierTrackingUrl": request["url"], "IsCustomerReturn": False,
        "ParcelItemList": {"ParcelItem": items}, "ParcelStatus": "Prepared",
        "RealCarrierCode": None,
    }]}
    record.payload["ShippedTotalAmount"] = record.payload.get("ValidatedTotalAmount")
    record.shipment = {"carrier": request["carrier"], "tracking_number": request["tracking"],
                       "tracking_url": request["url"], "shipped_at": wire_time(now)}


def set_state(record: OrderRecord, state: str, now: datetime,
              line_states: dict[str, str] | None = None) -> None:
    """Move the order to a new state, with the named lines (all lines when None)."""
    record.payload["OrderState"] = state
    default = data.INITIAL_STATES.get(state, (None, None))[0]
    for line in record.lines():
        sku = str(line.get("SellerProductId"))
        new = default if line_states is None else line_states.get(sku)
        if new:
            line["AcceptationState"] = new
    status = data.INITIAL_STATES.get(state, (None, None))[1]
    if status:
        record.payload["Status"] = status
    record.modified = now
    record.payload["ModifiedDate"] = record.payload["LastUpdatedDate"] = wire_time(now)


def cancel(seller: Seller, number: str, state: str, now: datetime) -> OrderRecord:
    record = find(seller, number)
    if record.state == "Shipped":
        raise ControlRefused(f"order {number} is already Shipped and cannot be cancelled")
    for line in record.lines():
        line["AcceptationState"] = ("CancelledBeforePaymentByCustomer"
                                    if record.state in (ACCEPTABLE, "AcceptedBySeller")
                                    else "CancelledAfterPaymentByCustomer")
    record.payload["Status"] = "Cancelled"
    set_state(record, state, now, {})
    return record


def advance(seller: Seller, numbers: list[str] | None, state: str, now: datetime) -> dict:
    """Play the marketplace's part: e.g. the payment clears and the order awaits shipment."""
    moved, skipped = [], []
    for record in list(seller.orders.values()):
        if numbers is not None and record.number not in numbers:
            continue
        if record.state in ("Shipped", *data.CANCEL_STATES) or record.state == state:
            skipped.append({"order_number": record.number, "order_state": record.state})
            continue
        set_state(record, state, now)
        moved.append(record.number)
    return {"advanced": moved, "skipped": skipped}


def find(seller: Seller, number: str) -> OrderRecord:
    record = seller.orders.get(number)
    if record is None:
        raise KeyError(number)
    return record


def _result(number: str, errors: list, lines: list | None = None,
            validated: bool = False) -> dict[str, Any]:
    return {"Errors": _errors(errors), "OrderNumber": number,
            "ValidateOrderLineResults": {"ValidateOrderLineResult": lines or []},
            "Validated": validated, "Warnings": {}}


def _errors(errors: list[tuple[str, str]]) -> dict[str, Any]:
    return {"Error": [{"ErrorType": kind, "Message": message} for kind, message in errors]}


def _texts(element: etree._Element | None, name: str, ns: str) -> list[str]:
    if element is None:
        return []
    return [(item.text or "").strip() for item in element.findall(f"{{{ns}}}{name}")]


def _enum(value: str | None, allowed: tuple[str, ...], type_name: str) -> str:
    text = (value or "").strip()
    if text not in allowed:
        raise deserialization_fault(type_name, f"Value '{text[:40]}' cannot be parsed as the "
                                               f"type '{type_name}'.")
    return text

