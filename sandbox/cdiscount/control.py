"""The control API under ``/cdiscount/_sandbox/``: seed sellers and orders, expire tokens,
inject faults, play the buyer's or the marketplace's part, read back what a connector did.

The routes every simulator has (reset, sellers, calls, summary, faults) come from
``sandbox/control.py``. Errors answer ``{"error": "<what is wrong>"}`` with 400, 404 or 409.
"""

from __future__ import annotations

import copy
import logging
import random
from collections import Counter
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.control import (
    Accounts,
    ControlError,
    add_common_routes,
    integer,
    json_body,
    moment,
    rate_limit,
    text,
)

from . import data, generator, orders
from .faults import parse_fault
from .store import TOKEN_LIFETIME_SECONDS, CdiscountStore, Seller

logger = logging.getLogger(__name__)

MAX_GENERATED = 50_000


def create_control_blueprint(store: CdiscountStore) -> Blueprint:
    bp = Blueprint("control", __name__)
    sellers = Accounts(store, "sellers",
                       "seller {key} does not exist; POST /cdiscount/_sandbox/sellers")
    add_common_routes(bp, sellers, call_filters=("operation", "status", "error_type", "fault"),
                      summary=_summary, parse=parse_fault, unattributed=True)

    @bp.post("/sellers")
    def upsert_seller() -> tuple[Response, int]:
        body = json_body()
        login = text(body.get("login"), "login")
        password = body.get("password")
        text(password, "password")  # kept as given: a password may start or end with spaces
        lifetime = body.get("token_lifetime_seconds", TOKEN_LIFETIME_SECONDS)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise ControlError(400, "token_lifetime_seconds must be a number > 0")
        seller, created = store.upsert_seller(
            login, password, shop_name=body.get("shop_name"),
            token_lifetime_seconds=lifetime, rate_limit=rate_limit(body.get("rate_limit")))
        return jsonify({**seller.settings(), "created": created}), 201

    @bp.post("/sellers/<login>/orders")
    def create_orders(login: str) -> tuple[Response, int]:
        seller, body = sellers.get(login), json_body()
        with store.lock:
            result = _create(store, seller, body)
        logger.info("CDiscount sandbox: %d orders created, %d malformed",
                    len(result["created"]), len(result["malformed"]))
        return jsonify(result), 201

    @bp.get("/sellers/<login>/orders")
    def all_orders(login: str) -> Response:
        seller, state = sellers.get(login), request.args.get("state")
        with store.lock:
            found = [_view(r) for r in seller.orders.values() if state in (None, r.state)]
        return jsonify({"orders": found, "total_count": len(found)})

    @bp.get("/sellers/<login>/orders/<number>")
    def one_order(login: str, number: str) -> Response:
        seller = sellers.get(login)
        with store.lock:
            return jsonify(_view(_order(seller, number)))

    @bp.post("/sellers/<login>/orders/<number>/cancel")
    def cancel(login: str, number: str) -> Response:
        seller, body = sellers.get(login), json_body(optional=True)
        state = body.get("state", "CancelledByCustomer")
        if state not in data.CANCEL_STATES:
            raise ControlError(400, f"state must be one of {', '.join(data.CANCEL_STATES)}")
        with store.lock:
            _order(seller, number)
            try:
                record = orders.cancel(seller, number, state, store.now())
            except orders.ControlRefused as refused:
                raise ControlError(409, str(refused)) from None
            return jsonify(_view(record))

    @bp.post("/sellers/<login>/advance")
    def advance(login: str) -> Response:
        seller, body = sellers.get(login), json_body(optional=True)
        numbers = body.get("order_numbers")
        if numbers is not None and (not isinstance(numbers, list)
                                    or not all(isinstance(n, str) for n in numbers)):
            raise ControlError(400, "order_numbers must be a list of order numbers, or null")
        state = body.get("state", orders.SHIPPABLE)
        if state not in data.INITIAL_STATES or state in ("Shipped", "CancelledByCustomer"):
            raise ControlError(400, "state must be one of WaitingForSellerAcceptation, "
                                    "AcceptedBySeller, PaymentInProgress, "
                                    "WaitingForShipmentAcceptation")
        with store.lock:
            return jsonify(orders.advance(seller, numbers, state, store.now()))

    @bp.post("/sellers/<login>/tokens/expire")
    def expire_tokens(login: str) -> Response:
        return jsonify({"expired": store.expire_tokens(sellers.get(login))})

    return bp


def _create(store: CdiscountStore, seller: Seller, body: dict[str, Any]) -> dict:
    seed = body.get("seed")
    if seed is not None:
        seed = integer(seed, "seed", low=0)
    count = integer(body.get("count", 0), "count", low=0, high=MAX_GENERATED)
    malformed = integer(body.get("malformed", 0), "malformed", low=0, high=MAX_GENERATED)
    state = body.get("state", orders.SHIPPABLE)
    malformed_state = body.get("malformed_state", orders.SHIPPABLE)
    for name, value in (("state", state), ("malformed_state", malformed_state)):
        if value not in data.INITIAL_STATES:
            raise ControlError(400, f"{name} must be one of {', '.join(data.INITIAL_STATES)}")
    start = moment(body, "start")
    now = store.now()
    result = generator.generate(seller, count=count, malformed=malformed, seed=seed,
                                start=start, now=now, state=state,
                                malformed_state=malformed_state)
    explicit = body.get("orders")
    if explicit is not None:
        if not isinstance(explicit, list) or not all(isinstance(o, dict) for o in explicit):
            raise ControlError(400, "orders must be a list of objects (partial order payloads)")
        rng = random.Random(seed)
        for patch in explicit:
            number = patch.get("OrderNumber")
            if number is not None and number in seller.orders:
                raise ControlError(409, f"order {number} already exists")
            result["created"].append(generator.add_order(seller, rng, start or now, state,
                                                         patch).number)
    return result


def _view(record: Any) -> dict[str, Any]:
    view = copy.deepcopy(record.payload)
    view["_sandbox"] = {"malformed": record.malformed, "shipment": record.shipment}
    return view


def _summary(seller: Seller) -> dict[str, Any]:
    states = Counter(record.state for record in seller.orders.values())
    calls = Counter(entry.get("operation") or "unreadable" for entry in seller.calls)
    per_order = {}
    for number, record in seller.orders.items():
        counts = seller.op_counts.get(number, Counter())
        per_order[number] = {
            "order_state": record.state, "malformed": record.malformed,
            "validate_calls": counts["validate_calls"], "validate_ok": counts["validate_ok"],
            "shipment": record.shipment,
        }
    return {
        "login": seller.login, "total_orders": len(seller.orders),
        "tokens_issued": seller.tokens_issued, "states": dict(sorted(states.items())),
        "calls": dict(sorted(calls.items())), "orders": per_order,
    }


def _order(seller: Seller, number: str) -> Any:
    record = seller.orders.get(number)
    if record is None:
        raise ControlError(404, f"order {number} does not exist")
    return record
