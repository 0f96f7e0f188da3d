"""Fault injection: make the next matching real calls fail the way real channels fail.

Connectors must classify failures (retry on 5xx, honour 429 ``Retry-After``, time out, reject a
body that is not JSON). A fault is queued per account (shop, seller, supplier) through the
control API and consumed by the next ``count`` real calls whose method and path match;
``count: null`` keeps it until cleared. The queue, the body checks and what a fault does to a
call are here once; a simulator adds only its error shape (``refuse``) and what is its own
(CDiscount's SOAP faults matched by operation, Shopify's ``after``).

Kinds:

- ``status``: answer ``status`` with a Mirakl-shaped error body (and ``Retry-After`` when
  ``retry_after`` is given). The call does not reach the shop: no state changes.
- ``timeout``: wait ``delay_seconds`` before handling the call normally, so a client with a
  shorter timeout gives up while a patient one still gets the real answer.
- ``broken_body``: answer 200 with a truncated JSON body. A GET is handled first and its real
  body cut in half; any other method is not applied and gets a truncated stub.
"""

from __future__ import annotations

import fnmatch
import itertools
import logging
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from flask import Response, request

from sandbox.ratelimit import retry_after_header

logger = logging.getLogger(__name__)

KINDS = ("status", "timeout", "broken_body")
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")
MAX_DELAY_SECONDS = 600
BROKEN_STUB = '{"status": 200, "message": "O'


@dataclass
class QueuedFault:
    """What every fault has, whatever calls it targets; ``remaining`` is None for a fault that
    lasts until cleared. A subclass adds what it matches on (``matches``), then ``message``
    and ``hits``, so that answers list the fields in the order they always had."""

    fault_id: int
    kind: str
    remaining: int | None
    status: int | None = None
    retry_after: float | None = None
    delay_seconds: float = 0.0

    def matches(self, *call: str) -> bool:
        raise NotImplementedError

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("fault_id")
        data["count"] = data.pop("remaining")
        return data


@dataclass
class Fault(QueuedFault):
    """A fault on HTTP calls, matched by method and path glob."""

    path: str | None = None
    method: str | None = None
    message: str | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return not self.path or fnmatch.fnmatchcase(path, self.path)


_ids = itertools.count(1)


def next_fault_id() -> int:
    return next(_ids)


def read_kind_and_count(body: Any, kinds: tuple[str, ...] = KINDS) -> tuple[str, int | None]:
    """The first checks of any fault body; ``ValueError`` says what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    kind = body.get("kind")
    if kind not in kinds:
        raise ValueError(f"kind must be one of {', '.join(kinds)}")
    count = body.get("count", 1)
    if count is not None and (not _is_int(count) or count < 1):
        raise ValueError("count must be an integer >= 1, or null for a fault that lasts")
    return kind, count


def read_timing(fault: QueuedFault, body: dict[str, Any]) -> None:
    """The status (and ``Retry-After``) of a ``status`` fault, the delay of a ``timeout``."""
    if fault.kind == "status":
        status = body.get("status")
        if not _is_int(status) or not 400 <= status <= 599:
            raise ValueError("a status fault needs status between 400 and 599")
        fault.status = status
        retry_after = body.get("retry_after")
        if retry_after is not None:
            fault.retry_after = _seconds(retry_after, "retry_after")
    elif fault.kind == "timeout":
        fault.delay_seconds = _seconds(body.get("delay_seconds", 30), "delay_seconds")


def parse_fault(body: Any) -> Fault:
    """Build a fault from a control-API body; ``ValueError`` says what is wrong with it."""
    kind, count = read_kind_and_count(body)
    method = body.get("method")
    if method is not None:
        method = str(method).upper()
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
    path = body.get("path")
    if path is not None and (not isinstance(path, str) or not path.startswith("/")):
        raise ValueError("path must start with '/', e.g. /api/orders or /api/orders/*/accept")
    fault = Fault(
        fault_id=next_fault_id(),
        kind=kind,
        remaining=count,
        path=path,
        method=method,
        message=body.get("message"),
    )
    read_timing(fault, body)
    return fault


class FaultQueue:
    """The faults of one account, matched first-in first-out."""

    def __init__(self) -> None:
        self._faults: list[Any] = []
        self._lock = threading.Lock()

    def add(self, fault: QueuedFault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, *call: str) -> Any | None:
        """Consume one use of the first fault that matches this call (method and path, or
        whatever the account's faults match on)."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(*call):
                    fault.hits += 1
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
            return None

    def clear(self) -> int:
        with self._lock:
            cleared = len(self._faults)
            self._faults.clear()
            return cleared

    def as_list(self) -> list[dict[str, Any]]:
        with self._lock:
            return [fault.as_dict() for fault in self._faults]


Refuse = Callable[[int, str | None, dict[str, str]], Response]


def inject(
    queue: FaultQueue,
    method: str,
    path: str,
    *,
    who: str,
    sleep: Callable[[float], None],
    refuse: Refuse,
    retry_after: Callable[[float], str] = retry_after_header,
    stub: str = BROKEN_STUB,
) -> tuple[str | None, Response | None]:
    """Take the fault for this call: (its kind, the answer it imposes or None to handle the
    call, after any injected delay).

    ``refuse(status, message, headers)`` builds the channel's own error answer and
    ``retry_after`` writes ``Retry-After`` as the channel does; ``who`` names the account in
    the log line. A ``broken_body`` GET is handled for real and then cut by ``cut_body``; any
    other method is not applied and gets the truncated ``stub``.
    """
    fault = queue.take(method, path)
    if fault is None:
        return None, None
    logger.info("%s: injecting %s fault on %s %s", who, fault.kind, method, path)
    return fault.kind, impose(fault, sleep=sleep, refuse=refuse, retry_after=retry_after,
                              stub=stub)


def impose(
    fault: QueuedFault,
    *,
    sleep: Callable[[float], None],
    refuse: Refuse,
    retry_after: Callable[[float], str] = retry_after_header,
    stub: str | None = BROKEN_STUB,
) -> Response | None:
    """What a ``status``, ``timeout`` or ``broken_body`` fault does to the call being served
    (None: handle it); ``stub`` None leaves a broken body to be cut after handling, whatever
    the method."""
    if fault.kind == "status":
        headers = {}
        if fault.retry_after is not None:
            headers["Retry-After"] = retry_after(fault.retry_after)
        return refuse(fault.status or 500, fault.message, headers)
    if fault.kind == "timeout":
        sleep(fault.delay_seconds)
        return None
    if fault.kind == "broken_body" and stub is not None and request.method != "GET":
        return Response(stub, status=200, mimetype="application/json")
    return None


def cut_body(response: Response, kind: str | None) -> Response:
    """A GET hit by ``broken_body`` was handled for real; its JSON body is cut in half."""
    if kind == "broken_body" and request.method == "GET":
        response.set_data(truncate_json(response.get_data(as_text=True)))
        response.status_code = 200
    return response


def truncate_json(text: str) -> str:
    """Cut a JSON text so that it can no longer be parsed (no closing bracket survives)."""
    stripped = text.rstrip()
    cut = max(1, len(stripped) // 2)
    return stripped[:cut]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds")
    if not 0 <= value <= MAX_DELAY_SECONDS:
        raise ValueError(f"{name} must be between 0 and {MAX_DELAY_SECONDS}")
    return float(value)
