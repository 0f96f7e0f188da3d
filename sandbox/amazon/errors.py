"""SP-API-shaped error answers: ``{"errors": [{"code", "message", "details"}]}``.

The Orders v0 model declares this ``ErrorList`` for every failed status; the codes used are the
model's and the ones SP-API sends in practice (``InvalidInput``, ``Unauthorized``, ``NotFound``,
``QuotaExceeded``, ``InternalFailure``, ``ServiceUnavailable``).
"""

from __future__ import annotations

from flask import Response

from sandbox.httputil import json_response, reason_phrase

CODES = {
    400: "InvalidInput",
    401: "Unauthorized",
    403: "Unauthorized",
    404: "NotFound",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    429: "QuotaExceeded",
    500: "InternalFailure",
    503: "ServiceUnavailable",
}
MESSAGES = {
    403: "Access to requested resource is denied.",
    429: "You exceeded your quota for the requested resource.",
}


class AmazonError(Exception):
    def __init__(
        self, status: int, message: str | None = None, details: str = "", code: str | None = None
    ) -> None:
        text = message or MESSAGES.get(status) or reason_phrase(status)
        super().__init__(text)
        self.status = status
        self.message = text
        self.details = details
        self.code = code or CODES.get(status, "InternalFailure")


def invalid(message: str, details: str = "") -> AmazonError:
    return AmazonError(400, message, details, "InvalidInput")


def error_response(error: AmazonError, headers: dict[str, str] | None = None) -> Response:
    body = {"errors": [{"code": error.code, "message": error.message, "details": error.details}]}
    return json_response(body, error.status, headers)
