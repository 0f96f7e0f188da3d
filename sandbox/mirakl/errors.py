"""Mirakl-shaped error answers.

The seller OpenAPI spec declares no error schema for failed calls; its only error structure is the
``{"code", "field", "message"}`` entry used inside batch answers (OR04, OR31, ST31). The
simulator therefore answers every failure as ``{"status": <http status>, "message": <text>}``
(the envelope Mirakl instances send) and, when the spec names a business error code for the
case (``ORDER_INVALID_STATE``, ``ORDER_LINE_NOT_FOUND``, ...), adds
``"errors": [{"code", "field", "message"}]`` so a connector can classify it without parsing text.
"""

from __future__ import annotations

from typing import Any

from flask import Response

from sandbox.httputil import json_response, reason_phrase


class MiraklError(Exception):
    """A failed Mirakl call: HTTP status, message and, when the spec names one, an error code."""

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.field = field

    def body(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"status": self.status, "message": self.message}
        if self.code:
            payload["errors"] = [
                {"code": self.code, "field": self.field or "", "message": self.message}
            ]
        return payload


def error_response(
    status: int,
    message: str | None = None,
    code: str | None = None,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error answer; ``message`` defaults to the HTTP reason phrase."""
    text = message or reason_phrase(status)
    return json_response(MiraklError(status, text, code, field).body(), status, headers)


def validation_error(message: str, field: str | None = None) -> MiraklError:
    return MiraklError(400, message, "VALIDATION_ERROR", field)
