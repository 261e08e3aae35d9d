"""The plan cache: hits per (grant, SQL), refusals never cached, bounded size."""

from __future__ import annotations

import pytest

from sandbox.catalog import AccessMode
from sandbox.policy import PolicyViolation, QueryPlan
from sandbox.queries.plans import PlanCache


def plan(sql: str) -> QueryPlan:
    return QueryPlan(sql, sql, (), (), (), AccessMode.OPEN, ())


class Planner:
    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, sql: str) -> QueryPlan:
        self.calls += 1
        return plan(sql)


def test_when_the_same_grant_repeats_a_query_then_it_is_planned_once() -> None:
    cache, planner = PlanCache(8), Planner()

    first = cache.get("g1", "SELECT 1", lambda: planner("SELECT 1"))
    second = cache.get("g1", "SELECT 1", lambda: planner("SELECT 1"))
    cache.get("g2", "SELECT 1", lambda: planner("SELECT 1"))

    assert first is second
    assert planner.calls == 2  # another grant plans for itself


def test_when_planning_refuses_then_nothing_is_cached() -> None:
    cache, planner = PlanCache(8), Planner()

    def refuse() -> QueryPlan:
        planner.calls += 1
        raise PolicyViolation("column_denied", "no", "否")

    for _ in range(2):
        with pytest.raises(PolicyViolation):
            cache.get("g1", "SELECT x", refuse)
    assert planner.calls == 2


def test_the_cache_keeps_only_the_most_recent_plans() -> None:
    cache, planner = PlanCache(2), Planner()
    for sql in ("a", "b", "a", "c", "a", "b"):
        cache.get("g", sql, lambda sql=sql: planner(sql))  # type: ignore[misc]

    assert planner.calls == 4  # a, b, c, then b again after being evicted by c


def test_a_zero_size_cache_always_plans() -> None:
    cache, planner = PlanCache(0), Planner()
    cache.get("g", "a", lambda: planner("a"))
    cache.get("g", "a", lambda: planner("a"))

    assert planner.calls == 2
