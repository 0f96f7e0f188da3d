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

The queue, the common checks and the ``status``/``timeout`` rules are the shared ones
(``sandbox/faults.py``); matching by operation and the two SOAP kinds are CDiscount's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sandbox.faults import QueuedFault, next_fault_id, read_kind_and_count, read_timing

KINDS = ("status", "timeout", "broken_body", "soap_fault", "business_error")
OPERATIONS = ("GetOrderList", "ValidateOrderList", "GetSellerInformation", "token")
DEFAULT_FAULT_CODE = "a:InternalServiceFault"
DEFAULT_FAULT_MESSAGE = (
    "The server was unable to process the request due to an internal error. For more "
    "information about the error, either turn on IncludeExceptionDetailInFaults or turn on "
    "tracing and inspect the server trace logs."
)


@dataclass
class Fault(QueuedFault):
    """A fault on the calls of one operation (any operation when None), on the shared queue."""

    operation: str | None = None
    fault_code: str = DEFAULT_FAULT_CODE
    error_type: str = "UnexpectedException"
    message: str | None = None
    hits: int = 0

    def matches(self, operation: str) -> bool:
        return self.operation in (None, operation)


def parse_fault(body: Any) -> Fault:
    """A fault from a control-API body; ``ValueError`` says what is wrong with it."""
    kind, count = read_kind_and_count(body, KINDS)
    operation = body.get("operation")
    if operation is not None and operation not in OPERATIONS:
        raise ValueError(f"operation must be one of {', '.join(OPERATIONS)}")
    fault = Fault(next_fault_id(), kind, count, operation=operation, message=body.get("message"))
    read_timing(fault, body)
    if kind == "soap_fault":
        fault.fault_code = str(body.get("fault_code") or DEFAULT_FAULT_CODE)
    elif kind == "business_error":
        fault.error_type = str(body.get("error_type") or "UnexpectedException")
    return fault


def truncate(body: bytes) -> bytes:
    """Cut a SOAP body so that it no longer parses."""
    return body[: max(1, len(body) // 2)]
