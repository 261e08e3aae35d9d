"""The per-grant token bucket."""

from __future__ import annotations

import pytest

from sandbox.queries.errors import RateLimited
from sandbox.queries.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_when_the_burst_is_spent_then_refused_with_the_wait() -> None:
    clock = Clock()
    limiter = RateLimiter(rate_per_s=2.0, burst=3, clock=clock)
    for _ in range(3):
        limiter.take("g1")

    with pytest.raises(RateLimited) as refused:
        limiter.take("g1")

    assert refused.value.retry_after == pytest.approx(0.5)


def test_when_time_passes_then_tokens_come_back_up_to_the_burst() -> None:
    clock = Clock()
    limiter = RateLimiter(rate_per_s=2.0, burst=2, clock=clock)
    limiter.take("g1")
    limiter.take("g1")
    clock.now += 100  # long idle: refills to the burst, not beyond

    limiter.take("g1")
    limiter.take("g1")
    with pytest.raises(RateLimited):
        limiter.take("g1")


def test_when_one_grant_is_limited_then_others_are_not() -> None:
    limiter = RateLimiter(rate_per_s=1.0, burst=1, clock=Clock())
    limiter.take("g1")

    limiter.take("g2")
    with pytest.raises(RateLimited):
        limiter.take("g1")
