"""Fault injection: make the next matching real calls fail the way real channels fail.

Connectors must classify failures (retry on 5xx, honour 429 ``Retry-After``, time out, reject a
body that is not JSON). A fault is queued per shop through the control API and consumed by the
next ``count`` real calls whose method and path match; ``count: null`` keeps it until cleared.

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
import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("status", "timeout", "broken_body")
METHODS = ("GET", "PUT", "POST", "DELETE", "PATCH")
MAX_DELAY_SECONDS = 600


@dataclass
class Fault:
    """One queued fault; ``remaining`` is None for a fault that lasts until cleared."""

    fault_id: int
    kind: str
    remaining: int | None
    status: int | None = None
    retry_after: float | None = None
    delay_seconds: float = 0.0
    path: str | None = None
    method: str | None = None
    message: str | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method:
            return False
        return not self.path or fnmatch.fnmatchcase(path, self.path)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("fault_id")
        data["count"] = data.pop("remaining")
        return data


_ids = itertools.count(1)


def parse_fault(body: Any) -> Fault:
    """Build a fault from a control-API body; ``ValueError`` says what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    kind = body.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    count = body.get("count", 1)
    if count is not None and (not _is_int(count) or count < 1):
        raise ValueError("count must be an integer >= 1, or null for a fault that lasts")
    method = body.get("method")
    if method is not None:
        method = str(method).upper()
        if method not in METHODS:
            raise ValueError(f"method must be one of {', '.join(METHODS)}")
    path = body.get("path")
    if path is not None and (not isinstance(path, str) or not path.startswith("/")):
        raise ValueError("path must start with '/', e.g. /api/orders or /api/orders/*/accept")
    fault = Fault(
        fault_id=next(_ids),
        kind=kind,
        remaining=count,
        path=path,
        method=method,
        message=body.get("message"),
    )
    if kind == "status":
        status = body.get("status")
        if not _is_int(status) or not 400 <= status <= 599:
            raise ValueError("a status fault needs status between 400 and 599")
        fault.status = status
        retry_after = body.get("retry_after")
        if retry_after is not None:
            fault.retry_after = _seconds(retry_after, "retry_after")
    elif kind == "timeout":
        fault.delay_seconds = _seconds(body.get("delay_seconds", 30), "delay_seconds")
    return fault


class FaultQueue:
    """The faults of one shop, matched first-in first-out."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, method: str, path: str) -> Fault | None:
        """Consume one use of the first fault that matches this call."""
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
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


def truncate_json(text: str) -> str:
    """Cut a JSON text so that it can no longer be parsed (no closing bracket survives)."""
    stripped = text.rstrip()
    cut = max(1, len(stripped) // 2)
    return stripped[:cut]


BROKEN_STUB = '{"status": 200, "message": "O'


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds")
    if not 0 <= value <= MAX_DELAY_SECONDS:
        raise ValueError(f"{name} must be between 0 and {MAX_DELAY_SECONDS}")
    return float(value)
