"""PrestaShop orders -> records, and shipment confirmation -> XML fields. Pure: no HTTP.

An order's meaning comes from its state, and states are resolved by their flags, never by id
(ids differ between shops): ``paid`` or ``logable`` (valid) means importable, the
``order_canceled`` mail template means cancelled, anything else (awaiting check or bank
wire, cash-on-delivery validation, no state yet) is awaiting payment. Addresses, customers,
carriers, countries and currencies are separate resources; the connector fetches them per page
and hands them over as ``Lookups``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from channels.countries import alpha2
from channels.errors import ConfigurationError, MappingError, PayloadError
from channels.records import Address, OrderLineRecord, OrderRecord, OrderStatusRecord

from .settings import CANCELLED_TEMPLATES
from .values import ValueProblem, flag, money, ref, shop_time, text, whole

NO_STATE = "no state yet (being created)"
TRACKING_NUMBER_MAX = 64


@dataclass(frozen=True)
class OrderState:
    id: str
    name: str
    paid: bool
    logable: bool
    shipped: bool
    cancelled: bool
    deleted: bool = False
    template: str = ""

    @property
    def importable(self) -> bool:
        return (self.paid or self.logable) and not self.cancelled


@dataclass(frozen=True)
class Carrier:
    id: str
    reference: str
    name: str


@dataclass
class Lookups:
    """What a page of orders refers to, fetched once per page."""

    states: Mapping[str, OrderState]
    method_map: Mapping[str, str]
    tz: ZoneInfo
    language_id: int = 1
    carriers: Mapping[str, Carrier] = field(default_factory=dict)
    addresses: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    customers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    countries: Mapping[str, str] = field(default_factory=dict)  # id -> ISO alpha-2
    regions: Mapping[str, str] = field(default_factory=dict)  # id_state -> name
    currencies: Mapping[str, str] = field(default_factory=dict)  # id -> ISO 4217


def order_ref(payload: Any) -> str | None:
    return ref(payload.get("id")) or None if isinstance(payload, Mapping) else None


def _fail(payload: Any, problem: str) -> PayloadError:
    ref_ = order_ref(payload)
    return PayloadError(
        f"PrestaShop order {ref_ or '(without id)'} is malformed: {problem}; correct it in "
        "the shop and it is imported on the next run, the other orders carry on",
        record_ref=ref_,
        details={"problem": problem},
    )


# -- reference data ---------------------------------------------------------------------------
def states_from_payload(rows: list[Mapping[str, Any]], language_id: int) -> dict[str, OrderState]:
    states = {}
    for row in rows:
        state_id = ref(row.get("id"))
        if not state_id:
            continue
        states[state_id] = OrderState(
            id=state_id,
            name=text(row.get("name"), language_id) or f"state {state_id}",
            paid=flag(row.get("paid")),
            logable=flag(row.get("logable")),
            shipped=flag(row.get("shipped")),
            cancelled=text(row.get("template"), language_id) in CANCELLED_TEMPLATES,
            deleted=flag(row.get("deleted")),
            template=text(row.get("template"), language_id),
        )
    return states


def shipped_state(states: Mapping[str, OrderState], override: Any = None) -> OrderState:
    """The state a confirmed shipment sets: the configured one, else the one flagged shipped
    that mails the 'shipped' template (Shipped rather than Delivered, which is flagged too)."""
    if override:
        state = states.get(str(override))
        if state is None:
            raise ConfigurationError(
                f"the Shipped order state ID setting is {override}, which the shop does not "
                "have; correct it or leave it empty")
        return state
    candidates = [s for s in states.values() if s.shipped and not s.deleted]
    if not candidates:
        raise ConfigurationError(
            "the shop has no order state flagged 'shipped'; set the Shipped order state ID")
    return min(candidates, key=lambda s: (s.template != "shipped", int(s.id)))


def carrier_from_payload(row: Mapping[str, Any]) -> Carrier:
    carrier_id = ref(row.get("id"))
    return Carrier(id=carrier_id, reference=ref(row.get("id_reference")) or carrier_id,
                   name=text(row.get("name")).strip())


def shipping_method(carrier: Carrier | None, carrier_id: str, method_map: Mapping[str, str],
                    order_id: str) -> str:
    """The OMS shipping method for the order's carrier, or a MappingError naming the carrier."""
    if carrier is not None:
        for key in (carrier.name.lower(), carrier.reference, carrier.id):
            if key and key in method_map:
                return method_map[key]
        named = f"'{carrier.name}' (id {carrier.id}, reference {carrier.reference})"
        hint = carrier.name or carrier.reference
    else:
        named, hint = f"id {carrier_id or 'none'} (not found on the shop)", carrier_id or "?"
    raise _unknown_method(named, hint, order_id)


def _unknown_method(named: str, hint: str, order_id: str) -> MappingError:
    return MappingError(
        f"order {order_id} not imported: unknown shipping method: PrestaShop carrier {named} "
        f"is not in the Shipping method map; add '{hint}=<OMS method>' to the integration "
        "settings and the order is imported on the next run",
        code="unknown_shipping_method",
        record_ref=order_id,
        details={"carrier": named},
    )


# -- orders -----------------------------------------------------------------------------------
def address_from_payload(row: Mapping[str, Any] | None, lookups: Lookups,
                         email: str = "") -> Address | None:
    if not isinstance(row, Mapping):
        return None
    name = " ".join(str(row.get(k) or "").strip() for k in ("firstname", "lastname")).strip()
    return Address(
        name=name,
        company=str(row.get("company") or ""),
        street_1=str(row.get("address1") or ""),
        street_2=str(row.get("address2") or ""),
        postcode=str(row.get("postcode") or ""),
        city=str(row.get("city") or ""),
        state=lookups.regions.get(ref(row.get("id_state")), ""),
        country_code=alpha2(lookups.countries.get(ref(row.get("id_country")))),
        phone=str(row.get("phone_mobile") or row.get("phone") or ""),
        email=email,
    )


def line_from_row(row: Any, order: Mapping[str, Any]) -> OrderLineRecord:
    if not isinstance(row, Mapping):
        raise _fail(order, "an order row is not an object")
    line_id = ref(row.get("id"))
    sku = str(row.get("product_reference") or "").strip()
    if not sku:
        raise _fail(order, f"order row {line_id or '?'} (product {ref(row.get('product_id'))}) "
                           "has no product reference, which is the SKU")
    try:
        quantity = whole(row.get("product_quantity"), "product_quantity")
        price = money(row.get("unit_price_tax_incl"), "unit_price_tax_incl")
    except ValueProblem as exc:
        raise _fail(order, f"order row {line_id or '?'}: {exc}") from None
    if quantity <= 0:
        raise _fail(order, f"order row {line_id or '?'} has quantity {quantity}")
    return OrderLineRecord(channel_line_id=line_id, channel_sku=sku, quantity=quantity,
                           unit_price=price, name=str(row.get("product_name") or "")[:500])


def _state_of(payload: Mapping[str, Any], states: Mapping[str, OrderState]) -> OrderState | None:
    state_id = ref(payload.get("current_state"))
    if not state_id:
        return None
    state = states.get(state_id)
    if state is None:
        raise _fail(payload, f"its current_state {state_id} is not among the shop's order states")
    return state


def order_from_payload(payload: Any, lookups: Lookups) -> OrderRecord:
    """Map one order (``display=full``); raises PayloadError or MappingError naming it."""
    if not isinstance(payload, Mapping) or not order_ref(payload):
        raise _fail(payload, "the order is not an object with an id")
    order_id = order_ref(payload)
    state = _state_of(payload, lookups.states)
    try:
        placed = shop_time(payload.get("date_add"), lookups.tz, "date_add")
        updated = shop_time(payload.get("date_upd"), lookups.tz, "date_upd")
        total = money(payload.get("total_paid_tax_incl") or payload.get("total_paid"),
                      "total_paid_tax_incl")
    except ValueProblem as exc:
        raise _fail(payload, str(exc)) from None
    status = state.name if state else NO_STATE
    if state is not None and state.cancelled:
        return OrderRecord(channel_order_id=order_id, channel_status=status, placed_at=placed,
                           updated_at=updated, lines=(), cancelled=True)
    rows = (payload.get("associations") or {}).get("order_rows") if isinstance(
        payload.get("associations"), Mapping) else None
    if not isinstance(rows, list) or not rows:
        raise _fail(payload, "it has no order rows")
    lines = tuple(line_from_row(row, payload) for row in rows)
    method = shipping_method(lookups.carriers.get(ref(payload.get("id_carrier"))),
                             ref(payload.get("id_carrier")), lookups.method_map, order_id)
    delivery_id = ref(payload.get("id_address_delivery"))
    if delivery_id not in lookups.addresses:
        raise _fail(payload, f"its delivery address {delivery_id or '(none)'} does not exist")
    buyer = _buyer(payload, lookups)
    email = buyer.get("email", "")
    return OrderRecord(
        channel_order_id=order_id,
        channel_status=status[:60],
        placed_at=placed,
        updated_at=updated,
        lines=lines,
        currency=lookups.currencies.get(ref(payload.get("id_currency"))) or None,
        total=total,
        shipping_method=method,
        buyer=buyer,
        shipping_address=address_from_payload(lookups.addresses[delivery_id], lookups, email),
        billing_address=address_from_payload(
            lookups.addresses.get(ref(payload.get("id_address_invoice"))), lookups),
        attributes=_attributes(payload),
        awaiting_payment=state is None or not state.importable,
    )


def _buyer(payload: Mapping[str, Any], lookups: Lookups) -> dict[str, str]:
    customer = lookups.customers.get(ref(payload.get("id_customer"))) or {}
    buyer = {
        "customer_id": ref(payload.get("id_customer")),
        "name": " ".join(str(customer.get(k) or "").strip()
                         for k in ("firstname", "lastname")).strip(),
        "email": str(customer.get("email") or ""),
    }
    return {k: v for k, v in buyer.items() if v}


def _attributes(payload: Mapping[str, Any]) -> dict[str, str]:
    """The shop's order reference (what the merchant searches by), payment, gift message."""
    attributes = {"reference": str(payload.get("reference") or ""),
                  "payment": str(payload.get("payment") or "")}
    if flag(payload.get("gift")) and payload.get("gift_message"):
        attributes["gift_message"] = str(payload["gift_message"])
    return {k: v for k, v in attributes.items() if v}


def status_from_payload(payload: Any, states: Mapping[str, OrderState],
                        tz: ZoneInfo) -> OrderStatusRecord:
    if not isinstance(payload, Mapping) or not order_ref(payload):
        raise _fail(payload, "the order is not an object with an id")
    state = _state_of(payload, states)
    try:
        updated = shop_time(payload.get("date_upd"), tz, "date_upd")
    except ValueProblem as exc:
        raise _fail(payload, str(exc)) from None
    return OrderStatusRecord(
        channel_order_id=order_ref(payload),
        channel_status=(state.name if state else NO_STATE)[:60],
        updated_at=updated,
        cancelled=bool(state and state.cancelled),
    )


# -- shipment confirmation --------------------------------------------------------------------
def order_carrier_fields(row: Mapping[str, Any], tracking_number: str) -> dict[str, Any]:
    """Every field of the order carrier back (PUT resets what it is not sent), new tracking."""
    fields = {k: v for k, v in row.items() if not isinstance(v, Mapping | list)}
    fields["tracking_number"] = tracking_number
    return fields


def history_fields(order_id: str, state_id: str) -> dict[str, str]:
    return {"id_order": order_id, "id_order_state": state_id}
