"""One shared timer thread for query deadlines (a threading.Timer per query costs a thread start)."""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class Deadline:
    """A scheduled call; ``cancel`` before it fires and it never will."""

    __slots__ = ("_action", "_lock", "cancelled", "fired")

    def __init__(self, action: Callable[[], None]) -> None:
        self._action = action
        self._lock = threading.Lock()
        self.cancelled = False
        self.fired = False

    def cancel(self) -> None:
        # Once this returns the action has either run to completion or never will.
        with self._lock:
            self.cancelled = True

    def fire(self) -> None:
        with self._lock:
            if not self.cancelled:
                self.fired = True
                self._action()


class Watchdog:
    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Deadline]] = []
        self._order = itertools.count()
        self._wake = threading.Condition()
        self._thread: threading.Thread | None = None

    def schedule(self, seconds: float, action: Callable[[], None]) -> Deadline:
        deadline = Deadline(action)
        with self._wake:
            heapq.heappush(self._heap, (time.monotonic() + seconds, next(self._order), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="sandbox-query-watchdog", daemon=True)
                self._thread.start()
            self._wake.notify()
        return deadline

    def _loop(self) -> None:
        while True:
            with self._wake:
                while self._heap and self._heap[0][2].cancelled:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._wake.wait()
                    continue
                due, _, deadline = self._heap[0]
                wait = due - time.monotonic()
                if wait > 0:
                    self._wake.wait(wait)
                    continue
                heapq.heappop(self._heap)
            try:
                deadline.fire()  # outside the lock: the action may take a moment (an engine interrupt)
            except Exception:
                log.exception("a query deadline action failed")


WATCHDOG = Watchdog()
