"""What every simulator's control API (``/<channel>/_sandbox/``) answers the same way.

Each channel's control API seeds its accounts and data and plays the merchant's or buyer's
part, which is its own; around that, every one of them resets its state, lists and shows its
accounts, injects faults, and reads back the calls a connector made and a summary of them. Those
routes, the request helpers and the error answer are declared here once and registered on a
channel's blueprint by ``add_common_routes``; a channel declares only how its accounts are named
(``Accounts``), which call log fields can be filtered on and what its summary says.

Plain JSON, no authentication: it exists for tests, benchmarks and the demo. Errors answer
``{"error": "<what is wrong>"}`` with 400, 404 or 409.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from sandbox.faults import QueuedFault, parse_fault
from sandbox.store import Store
from sandbox.timeutil import parse_iso


class ControlError(Exception):
    """A control call that cannot be done: its HTTP status and what is wrong."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Accounts:
    """The accounts a control API manages: ``plural`` is their path segment and list key
    (``shops``), ``converter`` the route converter of their key (``int:`` or none) and
    ``missing`` the 404 message (``{key}`` is the key asked for)."""

    store: Store
    plural: str
    missing: str
    converter: str = ""

    def get(self, key: Any) -> Any:
        """The account with this key, or a 404 telling how to create it."""
        account = self.store.account(key)
        if account is None:
            raise ControlError(404, self.missing.format(key=key))
        return account

    @property
    def route(self) -> str:
        return f"/{self.plural}/<{self.converter}key>"


def handle_control_errors(bp: Blueprint) -> None:
    @bp.errorhandler(ControlError)
    def control_error(error: ControlError) -> tuple[Response, int]:
        return jsonify({"error": error.message}), error.status


def handle_refusals(
    bp: Blueprint, error_type: type[Exception], *, code: bool = True,
    status: Callable[[Any], int] | None = None,
) -> None:
    """Answer a channel's own refusal (an order it cannot find or cancel) raised in a control
    call as ``{"error", "code"}``: 404 when the channel says not found, else 409 (or
    ``status(error)``)."""

    @bp.errorhandler(error_type)
    def refused(error: Any) -> tuple[Response, int]:
        body = {"error": error.message, "code": error.code} if code else {"error": error.message}
        return jsonify(body), status(error) if status else (404 if error.status == 404 else 409)


def add_common_routes(
    bp: Blueprint,
    accounts: Accounts,
    *,
    call_filters: Sequence[str],
    summary: Callable[[Any], dict[str, Any]],
    parse: Callable[[Any], QueuedFault] | None = parse_fault,
    unattributed: bool = False,
) -> None:
    """``POST /reset``, ``GET /<plural>``, ``GET /<plural>/<key>``, its ``calls`` (filtered by
    ``call_filters``), ``summary`` and ``faults`` (added with ``parse``; None when the channel
    has its own), and ``GET /calls`` for calls no account was found for (``unattributed``)."""
    store = accounts.store
    one = accounts.route
    handle_control_errors(bp)

    @bp.post("/reset")
    def reset() -> tuple[str, int]:
        store.reset()
        return "", 204

    @bp.get(f"/{accounts.plural}")
    def list_accounts() -> Response:
        with store.lock:
            return jsonify({accounts.plural: [a.settings() for a in store.all_accounts()]})

    @bp.get(one)
    def get_account(key: Any) -> Response:
        with store.lock:
            return jsonify(accounts.get(key).settings())

    @bp.get(f"{one}/calls")
    def calls(key: Any) -> Response:
        account = accounts.get(key)
        wanted = {k: request.args[k] for k in call_filters if request.args.get(k)}
        with store.lock:
            entries = [dict(e) for e in list(account.calls)
                       if all(str(e.get(k)) == v for k, v in wanted.items())]
        return jsonify({"calls": entries, "total_count": len(entries)})

    @bp.get(f"{one}/summary")
    def get_summary(key: Any) -> Response:
        account = accounts.get(key)
        with store.lock:
            return jsonify(summary(account))

    if unattributed:

        @bp.get("/calls")
        def unattributed_calls() -> Response:
            with store.lock:
                entries = [dict(e) for e in store.unattributed_calls]
            return jsonify({"calls": entries, "total_count": len(entries)})

    if parse is not None:
        _add_fault_routes(bp, accounts, parse)


def _add_fault_routes(
    bp: Blueprint, accounts: Accounts, parse: Callable[[Any], QueuedFault]
) -> None:
    one = accounts.route

    @bp.post(f"{one}/faults")
    def add_fault(key: Any) -> tuple[Response, int]:
        account = accounts.get(key)
        try:
            fault = parse(request.get_json(silent=True))
        except ValueError as exc:
            raise ControlError(400, str(exc)) from None
        account.faults.add(fault)
        return jsonify(fault.as_dict()), 201

    @bp.get(f"{one}/faults")
    def list_faults(key: Any) -> Response:
        return jsonify({"faults": accounts.get(key).faults.as_list()})

    @bp.delete(f"{one}/faults")
    def clear_faults(key: Any) -> Response:
        return jsonify({"cleared": accounts.get(key).faults.clear()})


# -- request helpers ----------------------------------------------------------------------------
def json_body(optional: bool = False) -> dict[str, Any]:
    """The JSON object sent; ``{}`` when nothing was sent (or anything, when ``optional``)."""
    body = request.get_json(silent=True)
    if body is None and (optional or not request.get_data()):
        return {}
    if not isinstance(body, dict):
        raise ControlError(400, "body must be a JSON object")
    return body


def integer(value: Any, name: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ControlError(400, f"{name} must be an integer")
    if low is not None and high is not None and not low <= value <= high:
        raise ControlError(400, f"{name} must be between {low} and {high}")
    if low is not None and value < low:
        raise ControlError(400, f"{name} must be >= {low}")
    if high is not None and value > high:
        raise ControlError(400, f"{name} must be <= {high}")
    return value


def seed_of(body: dict[str, Any]) -> int | None:
    """The random seed asked for, so that generated data can be made again."""
    value = body.get("seed")
    return None if value is None else integer(value, "seed")


def text(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ControlError(400, f"{name} must be a non-empty string")
    return value.strip()


def flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise ControlError(400, f"{name} must be true or false")
    return value


def moment(body: dict[str, Any], name: str) -> datetime | None:
    """An optional ISO-8601 date-time (``start`` of generated orders, ``at`` of a change)."""
    if not body.get(name):
        return None
    try:
        return parse_iso(str(body[name]))
    except ValueError:
        raise ControlError(400, f"{name} must be an ISO-8601 date-time") from None


def rate_limit(value: Any) -> dict[str, Any] | None:
    """``{"rate_per_second": r, "burst": b}`` for an account's token bucket, or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ControlError(400, 'rate_limit must be {"rate_per_second": n, "burst": n} or null')
    rate, burst = value.get("rate_per_second"), value.get("burst", 1)
    if isinstance(rate, bool) or not isinstance(rate, int | float) or rate <= 0:
        raise ControlError(400, "rate_limit.rate_per_second must be a number > 0")
    return {"rate_per_second": rate, "burst": integer(burst, "rate_limit.burst", low=1)}
