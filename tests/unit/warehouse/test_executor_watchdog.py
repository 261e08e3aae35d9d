"""The shared deadline thread behind the DuckDB executor's timeouts."""

from __future__ import annotations

import threading
import time

from sandbox.warehouse.watchdog import Watchdog


def test_a_deadline_fires_after_its_delay_and_in_order() -> None:
    watchdog = Watchdog()
    fired: list[str] = []
    done = threading.Event()

    watchdog.schedule(0.10, lambda: (fired.append("late"), done.set()))
    early = watchdog.schedule(0.02, lambda: fired.append("early"))
    started = time.monotonic()

    assert done.wait(2)
    assert fired == ["early", "late"]
    assert early.fired and time.monotonic() - started >= 0.09


def test_a_cancelled_deadline_never_fires() -> None:
    watchdog = Watchdog()
    fired: list[str] = []
    marker = threading.Event()

    cancelled = watchdog.schedule(0.02, lambda: fired.append("cancelled"))
    cancelled.cancel()
    watchdog.schedule(0.05, marker.set)

    assert marker.wait(2)
    assert fired == [] and not cancelled.fired


def test_a_failing_action_does_not_stop_the_watchdog() -> None:
    watchdog = Watchdog()
    marker = threading.Event()

    def boom() -> None:
        raise RuntimeError("boom")

    watchdog.schedule(0.01, boom)
    watchdog.schedule(0.03, marker.set)

    assert marker.wait(2)
