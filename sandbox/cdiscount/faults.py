"""Fault injection: make the next matching calls fail the way CDiscount (and networks) fail.

A fault is queued per seller and consumed by the next ``count`` calls whose operation matches
(``GetOrderList``, ``ValidateOrderList``, ``GetSellerInformation`` or ``token`` for the STS;
no operation matches every call). ``count: null`` keeps it until cleared. Faults apply after
the caller is identified (token or Basic auth) and after the rate limit.

Kinds:

- ``status``: answer HTTP ``status`` with an HTML error page (as the front servers do), with
  ``Retry-After`` when ``retry_after`` is given. Nothing is applied.
- ``timeout``: wait ``delay_seconds``, then handle the call normally.
- ``broken_body``: answer 200 with the real answer cut in half (a GetOrderList is handled
  first; a ValidateOrderList is not applied).
- ``soap_fault``: answer HTTP 500 with a SOAP fault ``fault_code`` (default
  ``a:InternalServiceFault``) and ``message``. Nothing is applied.
- ``business_error``: answer HTTP 200 with ``OperationSuccess`` false and one error of type
  ``error_type`` (default ``UnexpectedException``) with ``message``. Nothing is applied.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import asdict, dataclass
from typing import Any

KINDS = ("status", "timeout", "broken_body", "soap_fault", "business_error")
OPERATIONS = ("GetOrderList", "ValidateOrderList", "GetSellerInformation", "token")
MAX_DELAY_SECONDS = 600
DEFAULT_FAULT_CODE = "a:InternalServiceFault"
DEFAULT_FAULT_MESSAGE = (
    "The server was unable to process the request due to an internal error. For more "
    "information about the error, either turn on IncludeExceptionDetailInFaults or turn on "
    "tracing and inspect the server trace logs."
)


@dataclass
class Fault:
    fault_id: int
    kind: str
    remaining: int | None
    operation: str | None = None
    status: int | None = None
    retry_after: float | None = None
    delay_seconds: float = 0.0
    fault_code: str = DEFAULT_FAULT_CODE
    error_type: str = "UnexpectedException"
    message: str | None = None
    hits: int = 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["id"] = data.pop("fault_id")
        data["count"] = data.pop("remaining")
        return data


_ids = itertools.count(1)


def parse_fault(body: Any) -> Fault:
    """A fault from a control-API body; ``ValueError`` says what is wrong with it."""
    if not isinstance(body, dict):
        raise ValueError("body must be a JSON object")
    kind = body.get("kind")
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}")
    count = body.get("count", 1)
    if count is not None and (not _is_int(count) or count < 1):
        raise ValueError("count must be an integer >= 1, or null for a fault that lasts")
    operation = body.get("operation")
    if operation is not None and operation not in OPERATIONS:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}")
    fault = Fault(next(_ids), kind, count, operation=operation, message=body.get("message"))
    if kind == "status":
        status = body.get("status")
        if not _is_int(status) or not 400 <= status <= 599:
            raise ValueError("a status fault needs status between 400 and 599")
        fault.status = status
        if body.get("retry_after") is not None:
            fault.retry_after = _seconds(body["retry_after"], "retry_after")
    elif kind == "timeout":
        fault.delay_seconds = _seconds(body.get("delay_seconds", 30), "delay_seconds")
    elif kind == "soap_fault":
        fault.fault_code = str(body.get("fault_code") or DEFAULT_FAULT_CODE)
    elif kind == "business_error":
        fault.error_type = str(body.get("error_type") or "UnexpectedException")
    return fault


class FaultQueue:
    """The faults of one seller, matched first-in first-out."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> None:
        with self._lock:
            self._faults.append(fault)

    def take(self, operation: str) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.operation in (None, operation):
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


def truncate(body: bytes) -> bytes:
    """Cut a body so that it no longer parses."""
    return body[: max(1, len(body) // 2)]


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _seconds(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number of seconds")
    if not 0 <= value <= MAX_DELAY_SECONDS:
        raise ValueError(f"{name} must be between 0 and {MAX_DELAY_SECONDS}")
    return float(value)
