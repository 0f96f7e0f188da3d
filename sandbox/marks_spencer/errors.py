"""M&S-shaped error answers: ``{"error": {"code", "message", "field"}}``.

Every failure carries a stable upper-case code (``UNAUTHORIZED``, ``ORDER_NOT_FOUND``,
``ORDER_CANCELLED``...) so a connector can classify it without reading the text; see API.md.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from sandbox.httputil import json_response, reason_phrase

STATUS_CODES = {
    400: "VALIDATION_ERROR",
    401: "UNAUTHORIZED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    409: "CONFLICT",
    429: "RATE_LIMITED",
    500: "INTERNAL_ERROR",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
}


class MSError(Exception):
    """A failed call: HTTP status, code and message, and the request field at fault if any."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def error_response(
    status: int,
    message: str | None = None,
    code: str | None = None,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error answer; code and message default from the HTTP status."""
    error = MSError(status, code or STATUS_CODES.get(status, f"HTTP_{status}"),
                    message or reason_phrase(status), field)
    return json_response(error.body(), status, headers)


def validation_error(message: str, field: str | None = None) -> MSError:
    return MSError(400, "VALIDATION_ERROR", message, field)
