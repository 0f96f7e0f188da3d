"""Staying inside Shopify's call limit: a client-side bucket kept in step with the shop's.

Shopify meters REST calls with a leaky bucket per app and store (40 calls, leaking 2 per
second on a standard plan; bigger plans scale both by the same factor) and reports the level
after each call in ``X-Shopify-Shop-Api-Call-Limit: 32/40``. Other runs and other apps share
that bucket, so a local count alone cannot know how full it is. This bucket paces calls at the
leak rate and, after every answer, sets its tokens to what the shop says is left minus a
headroom kept for concurrent callers: a run slows down before the bucket is full instead of
collecting 429s.
"""

from __future__ import annotations

import logging

from channels.http import TokenBucket

log = logging.getLogger(__name__)

STANDARD_BUCKET = 40
LEAK_PER_BUCKET_UNIT = 1 / 20  # 40 -> 2/s, 80 -> 4/s, 400 -> 20/s
HEADROOM_CALLS = 6  # left for other runs and apps sharing the bucket
MAX_WAIT_SECONDS = 60.0


def parse_call_limit(value: str | None) -> tuple[int, int] | None:
    """``"32/40"`` -> (32, 40); anything else -> None."""
    if not value or "/" not in value:
        return None
    used, _, size = value.partition("/")
    try:
        used_calls, bucket_size = int(used.strip()), int(size.strip())
    except ValueError:
        return None
    if bucket_size <= 0 or used_calls < 0:
        return None
    return used_calls, bucket_size


class CallLimitBucket(TokenBucket):
    """A `TokenBucket` that learns the shop's bucket from the call-limit header.

    It starts with a single token: until the first answer shows the level, the bucket may
    already be nearly full because of other callers.
    """

    def __init__(self, size: int = STANDARD_BUCKET, headroom: int = HEADROOM_CALLS) -> None:
        super().__init__(size * LEAK_PER_BUCKET_UNIT, size, max_wait_seconds=MAX_WAIT_SECONDS)
        self.headroom = headroom
        self.tokens = 1.0

    def observe(self, header: str | None) -> None:
        """Align with the shop's level after an answer."""
        parsed = parse_call_limit(header)
        if parsed is None:
            return
        used, size = parsed
        with self.lock:
            if size != self.capacity:
                self.capacity = float(size)
                self.rate = size * LEAK_PER_BUCKET_UNIT
            self._refill()
            # The shop's count is the truth: our own calls are sequential, so none is in
            # flight now; what other callers used is in it too.
            self.tokens = min(self.capacity, float(size - used - self.headroom))

    def back_off(self, seconds: float) -> None:
        """After a 429: nothing leaves before `seconds` have passed."""
        with self.lock:
            self._refill()
            self.tokens = min(self.tokens, 1.0 - seconds * self.rate)
