"""The control API under ``/cdiscount/_sandbox/``: seed sellers and orders, expire tokens,
inject faults, play the buyer's or the marketplace's part, read back what a connector did.

Plain JSON, no authentication: it exists for tests and the demo. Errors answer
``{"error": "<what is wrong>"}`` with 400, 404 or 409.
"""

from __future__ import annotations

import copy
import logging
import random
from collections import Counter
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.timeutil import parse_iso

from . import data, generator, orders
from .faults import parse_fault
from .store import TOKEN_LIFETIME_SECONDS, CdiscountStore, Seller

logger = logging.getLogger(__name__)

MAX_GENERATED = 50_000


class ControlError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def create_control_blueprint(store: CdiscountStore) -> Blueprint:
    bp = Blueprint("control", __name__)

    @bp.errorhandler(ControlError)
    def control_error(error: ControlError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status

    @bp.post("/reset")
    def reset() -> tuple[str, int]:
        store.reset()
        return "", 204

    @bp.post("/sellers")
    def upsert_seller() -> tuple[Response, int]:
        body = _body()
        login, password = body.get("login"), body.get("password")
        for name, value in (("login", login), ("password", password)):
            if not isinstance(value, str) or not value.strip():
                raise ControlError(400, f"{name} must be a non-empty string")
        lifetime = body.get("token_lifetime_seconds", TOKEN_LIFETIME_SECONDS)
        if isinstance(lifetime, bool) or not isinstance(lifetime, int | float) or lifetime <= 0:
            raise ControlError(400, "token_lifetime_seconds must be a number > 0")
        seller, created = store.upsert_seller(
            login.strip(), password, shop_name=body.get("shop_name"),
            token_lifetime_seconds=lifetime, rate_limit=_rate_limit(body.get("rate_limit")))
        return jsonify({**seller.settings(), "created": created}), 201

    @bp.get("/sellers")
    def list_sellers() -> Response:
        return jsonify({"sellers": [s.settings() for s in store.sellers()]})

    @bp.get("/sellers/<login>")
    def get_seller(login: str) -> Response:
        return jsonify(_seller(store, login).settings())

    @bp.post("/sellers/<login>/orders")
    def create_orders(login: str) -> tuple[Response, int]:
        seller, body = _seller(store, login), _body()
        with store.lock:
            result = _create(store, seller, body)
        logger.info("CDiscount sandbox: %d orders created, %d malformed",
                    len(result["created"]), len(result["malformed"]))
        return jsonify(result), 201

    @bp.get("/sellers/<login>/orders")
    def all_orders(login: str) -> Response:
        seller, state = _seller(store, login), request.args.get("state")
        with store.lock:
            found = [_view(r) for r in seller.orders.values() if state in (None, r.state)]
        return jsonify({"orders": found, "total_count": len(found)})

    @bp.get("/sellers/<login>/orders/<number>")
    def one_order(login: str, number: str) -> Response:
        seller = _seller(store, login)
        with store.lock:
            return jsonify(_view(_order(seller, number)))

    @bp.post("/sellers/<login>/orders/<number>/cancel")
    def cancel(login: str, number: str) -> Response:
        seller, body = _seller(store, login), _body(optional=True)
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
        seller, body = _seller(store, login), _body(optional=True)
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
        return jsonify({"expired": store.expire_tokens(_seller(store, login))})

    @bp.get("/sellers/<login>/calls")
    def calls(login: str) -> Response:
        seller = _seller(store, login)
        wanted = {k: request.args[k] for k in ("operation", "status", "error_type", "fault")
                  if request.args.get(k)}
        with store.lock:
            entries = [dict(e) for e in seller.calls
                       if all(str(e.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/calls")
    def unattributed_calls() -> Response:
        with store.lock:
            entries = [dict(e) for e in store.unattributed_calls]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get("/sellers/<login>/summary")
    def summary(login: str) -> Response:
        seller = _seller(store, login)
        with store.lock:
            return jsonify(_summary(seller))

    @bp.post("/sellers/<login>/faults")
    def add_fault(login: str) -> tuple[Response, int]:
        seller = _seller(store, login)
        try:
            fault = parse_fault(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        seller.faults.add(fault)
        return jsonify(fault.as_dict()), 201

    @bp.get("/sellers/<login>/faults")
    def list_faults(login: str) -> Response:
        return jsonify({"faults": _seller(store, login).faults.as_list()})

    @bp.delete("/sellers/<login>/faults")
    def clear_faults(login: str) -> Response:
        return jsonify({"cleared": _seller(store, login).faults.clear()})

    return bp


def _create(store: CdiscountStore, seller: Seller, body: dict[str, Any]) -> dict:
    seed = body.get("seed")
    if seed is not None:
        seed = _int(seed, "seed")
    count = _int(body.get("count", 0), "count", high=MAX_GENERATED)
    malformed = _int(body.get("malformed", 0), "malformed", high=MAX_GENERATED)
    state = body.get("state", orders.SHIPPABLE)
    malformed_state = body.get("malformed_state", orders.SHIPPABLE)
    for name, value in (("state", state), ("malformed_state", malformed_state)):
        if value not in data.INITIAL_STATES:
            raise ControlError(400, f"{name} must be one of {', '.join(data.INITIAL_STATES)}")
    start = None
    if body.get("start"):
        try:
            start = parse_iso(str(body["start"]))
        except ValueError:
            raise ControlError(400, "start must be an ISO-8601 date-time") from None
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


def _seller(store: CdiscountStore, login: str) -> Seller:
    seller = store.seller(login)
    if seller is None:
        raise ControlError(404, f"seller {login} does not exist; POST /cdiscount/_sandbox/sellers")
    return seller


def _order(seller: Seller, number: str) -> Any:
    record = seller.orders.get(number)
    if record is None:
        raise ControlError(404, f"order {number} does not exist")
    return record


def _body(optional: bool = False) -> dict[str, Any]:
    body = request.get_json(silent=True)
    if body is None and (optional or not request.get_data()):
        return {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def _int(value: Any, name: str, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ControlError(400, f"{name} must be a whole number >= 0")
    if high is not None and value > high:
        raise ControlError(400, f"{name} must be <= {high}")
    return value


def _rate_limit(value: Any) -> dict[str, Any] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ControlError(400, 'rate_limit must be {"rate_per_second": n, "burst": n} or null')
    rate, burst = value.get("rate_per_second"), value.get("burst", 1)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        raise ControlError(400, "rate_limit.rate_per_second must be a number > 0")
    if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
        raise ControlError(400, "rate_limit.burst must be a whole number >= 1")
    return {"rate_per_second": rate, "burst": burst}
