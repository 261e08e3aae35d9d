"""A bounded cache of query plans, so a repeated query (a re-run cell, a dashboard) skips parse and rewrite.

Safe because a plan is a pure function of the SQL text, the catalogue, the grant and the service's
configuration: the catalogue and configuration are fixed for the service's life, and a grant id (jti)
always names the same claims (the register refuses a token whose claims differ from what it holds).
Verification and revocation are checked on every request before the cache is consulted.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable

from sandbox.policy import QueryPlan


class PlanCache:
    def __init__(self, size: int) -> None:
        self.size = size
        self._plans: OrderedDict[tuple[str, str], QueryPlan] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, jti: str, sql: str, plan: Callable[[], QueryPlan]) -> QueryPlan:
        """The cached plan of ``sql`` under grant ``jti``, or ``plan()`` (refusals are not cached)."""
        if self.size <= 0:
            return plan()
        key = (jti, sql)
        with self._lock:
            hit = self._plans.get(key)
            if hit is not None:
                self._plans.move_to_end(key)
                return hit
        made = plan()  # outside the lock: planning takes milliseconds and is thread-safe
        with self._lock:
            self._plans[key] = made
            while len(self._plans) > self.size:
                self._plans.popitem(last=False)
        return made
