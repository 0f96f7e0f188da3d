"""The one HTTP client every connector uses.

It owns what must be the same for every channel: timeouts on every call, turning
transport failures and HTTP statuses into classified problems, honouring
`Retry-After`, client-side rate limiting, and logging that never carries bodies,
tokens or personal data (method, path, status and time only).
"""

from __future__ import annotations

import email.utils
import logging
import os
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

import requests

from channels.errors import (
    ChannelUnavailable,
    CredentialsError,
    PayloadError,
    RateLimited,
    RejectedByChannel,
)

log = logging.getLogger(__name__)

def default_timeout() -> tuple[float, float]:
    """(connect, read) seconds; `CHANNELHUB_HTTP_TIMEOUT_SECONDS` sets the read timeout."""
    return (5.0, float(os.environ.get("CHANNELHUB_HTTP_TIMEOUT_SECONDS", "30")))
USER_AGENT = "channelhub/0.1 (Language=Python)"
BODY_PREVIEW_BYTES = 200


def body_preview(content: bytes | str | None) -> str:
    """The first bytes of a body, for an event that must show what was broken."""
    if content is None:
        return ""
    if isinstance(content, bytes):
        content = content[:BODY_PREVIEW_BYTES].decode("utf-8", errors="replace")
    return content[:BODY_PREVIEW_BYTES]


def parse_retry_after(value: str | None) -> float | None:
    """`Retry-After` as seconds (it may be a number or an HTTP date)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class TokenBucket:
    """A client-side token bucket, so a run does not burn a channel's burst in a tight loop.

    `acquire` waits for a token when the wait is short; a longer wait is a retry-class
    problem instead, because holding a worker thread for minutes helps nobody.
    """

    def __init__(self, rate_per_second: float, burst: int, max_wait_seconds: float = 10.0):
        self.rate = rate_per_second
        self.capacity = float(burst)
        self.tokens = float(burst)
        self.max_wait_seconds = max_wait_seconds
        self.updated = time.monotonic()
        self.lock = threading.Lock()

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.updated) * self.rate)
        self.updated = now

    def acquire(self, what: str) -> None:
        with self.lock:
            self._refill()
            if self.tokens >= 1:
                self.tokens -= 1
                return
            wait = (1 - self.tokens) / self.rate
            if wait > self.max_wait_seconds:
                raise RateLimited(
                    f"rate limit for {what} reached; next call allowed in {wait:.0f} s",
                    retry_after_seconds=wait,
                )
            self.tokens -= 1  # reserve it; sleep outside the lock
        time.sleep(wait)


class HttpClient:
    """A `requests.Session` bound to one channel account, with classification built in."""

    def __init__(
        self,
        channel_label: str,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        auth: Any = None,
        timeout: tuple[float, float] | float | None = None,
        error_parser: Callable[[requests.Response], tuple[str, str] | None] | None = None,
        limits: Mapping[str, TokenBucket] | None = None,
    ) -> None:
        self.channel_label = channel_label
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout if timeout is not None else default_timeout()
        self.session = requests.Session()
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/json"})
        if headers:
            self.session.headers.update(headers)
        if auth is not None:
            self.session.auth = auth
        self.error_parser = error_parser
        self.limits = dict(limits or {})
        self.calls = 0

    def close(self) -> None:
        self.session.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        operation: str | None = None,
        expected: tuple[int, ...] = (200,),
        url: str | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """Send one request; any unexpected outcome raises a classified problem."""
        target = url or f"{self.base_url}{path}"
        what = f"{method} {path}"
        if operation and operation in self.limits:
            self.limits[operation].acquire(f"{self.channel_label} {operation}")
        kwargs.setdefault("timeout", self.timeout)
        started = time.monotonic()
        try:
            response = self.session.request(method, target, **kwargs)
        except requests.Timeout:
            raise ChannelUnavailable(
                f"{self.channel_label} did not answer {what} within {self._read_timeout():.0f} s",
                code="channel_timeout",
            ) from None
        except requests.ConnectionError as exc:
            raise ChannelUnavailable(
                f"cannot reach {self.channel_label} for {what}: {_reason(exc)}",
                code="channel_unreachable",
            ) from None
        finally:
            self.calls += 1
        elapsed_ms = (time.monotonic() - started) * 1000
        log.info(
            "%s %s -> %s in %.0f ms", self.channel_label, what, response.status_code, elapsed_ms
        )
        if response.status_code in expected:
            return response
        raise self.classify(response, what)

    def classify(self, response: requests.Response, what: str) -> Exception:
        status = response.status_code
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        parsed = self._parse_error(response)
        detail = f": {parsed[1]}" if parsed else ""
        if status == 429:
            return RateLimited(
                f"{self.channel_label} is throttling {what} (HTTP 429){detail}",
                retry_after_seconds=retry_after,
                details={"status": status},
            )
        if status >= 500:
            return ChannelUnavailable(
                f"{self.channel_label} failed on {what} with HTTP {status}{detail}",
                code="channel_server_error",
                retry_after_seconds=retry_after,
                details={"status": status},
            )
        if status in (401, 403):
            return CredentialsError(
                f"{self.channel_label} refused the credentials on {what} (HTTP {status}); "
                "check the API key / tokens in the integration settings",
                details={"status": status},
            )
        code = parsed[0] if parsed else f"http_{status}"
        return RejectedByChannel(
            f"{self.channel_label} rejected {what} (HTTP {status}){detail}",
            code=code,
            details={"status": status, "body": body_preview(response.content)},
        )

    def _parse_error(self, response: requests.Response) -> tuple[str, str] | None:
        if self.error_parser is None:
            return None
        try:
            return self.error_parser(response)
        except ValueError:
            return None

    def _read_timeout(self) -> float:
        return self.timeout[1] if isinstance(self.timeout, tuple) else float(self.timeout)

    def json(self, response: requests.Response, what: str) -> Any:
        """The body as JSON, or a payload error quoting its first bytes."""
        try:
            return response.json()
        except ValueError:
            raise PayloadError(
                f"{self.channel_label} answered {what} with a body that is not JSON",
                code="malformed_response",
                details={"body_start": body_preview(response.content)},
            ) from None


def _reason(exc: Exception) -> str:
    text = str(exc)
    # requests nests the socket error deep inside; the last part is the useful one.
    return text.rsplit(":", 1)[-1].strip(" )'\"") or exc.__class__.__name__
