"""The classification every problem carries: info, retry or error.

Raised where the problem is understood (mostly in a channel's `client.py`), read
in one place by the runner base. A record-level problem names the record it is
about; a run-level problem ends the run.
"""

from __future__ import annotations

from typing import Any


class ChannelProblem(Exception):
    """Base class: a classified problem with a stable code and a message that says what to do."""

    severity = "error"
    default_code = "error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        record_ref: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.record_ref = record_ref
        self.details = details or {}


class Info(ChannelProblem):
    """A business rule applied; nothing to do (e.g. an order skipped because it is cancelled)."""

    severity = "info"
    default_code = "info"


class Retry(ChannelProblem):
    """Will work later without anyone's help (timeouts, 5xx, 429, awaiting payment)."""

    severity = "retry"
    default_code = "retry"

    def __init__(self, message: str, *, retry_after_seconds: float | None = None, **kw: Any):
        super().__init__(message, **kw)
        self.retry_after_seconds = retry_after_seconds


class ChannelUnavailable(Retry):
    default_code = "channel_unavailable"


class RateLimited(Retry):
    default_code = "rate_limited"


class Error(ChannelProblem):
    """A person must fix something before this can work."""

    severity = "error"
    default_code = "error"


class CredentialsError(Error):
    """Wrong or expired credentials: the integration is paused until they are fixed."""

    default_code = "bad_credentials"


class ConfigurationError(Error):
    default_code = "bad_settings"


class MappingError(Error):
    """A mapping the OMS needs is missing (SKU, shipping method, retailer -> supplier)."""

    default_code = "missing_mapping"


class PayloadError(Error):
    """The channel sent something we cannot read; the details carry its first bytes."""

    default_code = "malformed_payload"


class RejectedByChannel(Error):
    """The channel refused a request for a business reason (4xx with an error code)."""

    default_code = "rejected_by_channel"


class NotSupported(Exception):
    """The channel has no such capability; raised instead of silently doing nothing."""
