"""The client-side call-limit bucket, on its own (no HTTP, no sleeping)."""

import pytest

from channels.errors import RateLimited
from channels.shopify.throttle import CallLimitBucket, parse_call_limit


@pytest.mark.parametrize(("header", "parsed"), [
    ("32/40", (32, 40)), (" 1 / 80 ", (1, 80)), ("x/40", None), ("40", None), (None, None),
    ("3/0", None),
])
def test_header_parsing(header, parsed):
    assert parse_call_limit(header) == parsed


def test_the_shops_level_decides_how_many_calls_are_left(monkeypatch):
    bucket = CallLimitBucket()
    monkeypatch.setattr(bucket, "_refill", lambda: None)  # freeze the leak
    assert bucket.tokens == 1  # blind until the first answer
    bucket.observe("4/40")
    assert bucket.tokens == 40 - 4 - bucket.headroom
    bucket.observe("39/40")  # another app filled the bucket
    assert bucket.tokens == 40 - 39 - bucket.headroom


def test_a_bigger_plan_is_learnt_from_the_header(monkeypatch):
    bucket = CallLimitBucket()
    monkeypatch.setattr(bucket, "_refill", lambda: None)
    bucket.observe("10/80")
    assert (bucket.capacity, bucket.rate) == (80, 4.0)
    assert bucket.tokens == 80 - 10 - bucket.headroom


def test_waits_follow_the_leak_rate(monkeypatch):
    waits = []
    monkeypatch.setattr("channels.http.time.sleep", waits.append)
    bucket = CallLimitBucket()
    monkeypatch.setattr(bucket, "_refill", lambda: None)
    bucket.observe("40/40")  # full: tokens = -headroom
    bucket.acquire("test")
    assert waits == [pytest.approx((1 + bucket.headroom) / 2.0)]


def test_back_off_after_a_429_holds_the_next_call(monkeypatch):
    waits = []
    monkeypatch.setattr("channels.http.time.sleep", waits.append)
    bucket = CallLimitBucket()
    monkeypatch.setattr(bucket, "_refill", lambda: None)
    bucket.back_off(2.0)
    bucket.acquire("test")
    assert waits == [pytest.approx(2.0)]


def test_a_wait_too_long_to_hold_a_worker_becomes_a_retry(monkeypatch):
    bucket = CallLimitBucket()
    monkeypatch.setattr(bucket, "_refill", lambda: None)
    bucket.back_off(120)
    with pytest.raises(RateLimited) as caught:
        bucket.acquire("Shopify admin")
    assert caught.value.retry_after_seconds > 60
