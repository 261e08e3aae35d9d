"""Statistical assertions shared by the mechanism tests (fixed seeds, so each run is deterministic)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

SIGMAS = 5.0  # tolerance in standard errors: with fixed seeds a failure means a real mismatch, not bad luck


def assert_mean_error_zero(errors: Sequence[float]) -> None:
    err = np.asarray(errors, dtype=float)
    se = err.std(ddof=1) / math.sqrt(len(err))
    assert abs(err.mean()) <= SIGMAS * se, f"mean error {err.mean():.4f} exceeds {SIGMAS}·SE={SIGMAS * se:.4f}"


def assert_variance_matches(errors: Sequence[float], variance: float) -> None:
    err = np.asarray(errors, dtype=float)
    centred = err - err.mean()
    s2 = centred.var(ddof=1)
    se = math.sqrt(max((centred**4).mean() - s2**2, 0.0) / len(err))
    assert abs(s2 - variance) <= SIGMAS * se, f"empirical variance {s2:.4f} vs theory {variance:.4f} (SE {se:.4f})"


def assert_proportion(hits: int, trials: int, p: float) -> None:
    se = math.sqrt(max(p * (1 - p), 1e-12) / trials)
    assert abs(hits / trials - p) <= SIGMAS * se + 1 / trials, f"rate {hits / trials:.4f} vs expected {p:.4f}"
