"""Parameter checks and sensitivity formulas for the DP mechanisms (pure, no I/O).

Neighbouring datasets differ by adding or removing one privacy unit (unbounded DP). After the SQL
rewrite bounds contributions, one unit touches at most ``max_groups_per_unit`` output groups (L0) and at
most ``max_rows_per_unit`` rows in each group (L∞), and every summed value is clamped to the catalogue's
``[lower, upper]``. Removing a unit therefore changes one group's count by at most L∞ and its sum by at
most L∞ · max(|lower|, |upper|); across all groups the change has L1 norm ≤ L0 · (per-group change) and
L2 norm ≤ √L0 · (per-group change). Laplace/geometric noise is calibrated to the L1 figure, Gaussian
noise to the L2 figure, so that the whole GROUP BY release costs the stated ε (or ε, δ) once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Integral

from sandbox.errors import SandboxError


class PrivacyParameterError(SandboxError, ValueError):
    """A DP mechanism was called with parameters that give no (or a wrong) privacy guarantee."""

    code = "privacy.invalid_parameter"


def _fail(message: str, message_zh: str) -> PrivacyParameterError:
    return PrivacyParameterError(message, message_zh)


def check_epsilon(epsilon: float) -> float:
    if not (isinstance(epsilon, int | float) and math.isfinite(epsilon) and epsilon > 0):
        raise _fail("epsilon must be a finite number > 0", "ε 必须是大于 0 的有限数")
    return float(epsilon)


def check_gaussian_delta(delta: float) -> float:
    if not (isinstance(delta, int | float) and 0.0 < delta < 1.0):
        raise _fail("delta must lie strictly between 0 and 1 for Gaussian noise", "高斯机制的 δ 必须在 (0, 1) 之内")
    return float(delta)


def check_pure_delta(delta: float, mechanism: str) -> None:
    if delta != 0.0:
        raise _fail(
            f"the {mechanism} mechanism is pure ε-DP: delta must be 0 (use mechanism='gaussian' for δ > 0)",
            f"{mechanism} 机制为纯 ε-差分隐私，δ 必须为 0（δ > 0 请使用 gaussian 机制）",
        )


def check_bounds(lower: float, upper: float) -> tuple[float, float]:
    if not all(isinstance(v, int | float) and math.isfinite(v) for v in (lower, upper)):
        raise _fail("clamping bounds must be finite numbers", "截断边界必须是有限数")
    if lower > upper:
        raise _fail("clamping bounds: lower must not exceed upper", "截断边界：下界不得大于上界")
    return float(lower), float(upper)


@dataclass(frozen=True)
class Contribution:
    """Per-unit contribution bounds enforced by the rewritten SQL (L0 groups, L∞ rows per group)."""

    max_groups_per_unit: int
    max_rows_per_unit: int

    def __post_init__(self) -> None:
        for name, value in (
            ("max_groups_per_unit", self.max_groups_per_unit),
            ("max_rows_per_unit", self.max_rows_per_unit),
        ):
            if isinstance(value, bool) or not isinstance(value, Integral) or value < 1:
                raise _fail(f"{name} must be an integer ≥ 1", f"{name} 必须是不小于 1 的整数")


def count_sensitivity(bounds: Contribution, *, norm: int = 1) -> float:
    """L1 (norm=1) or L2 (norm=2) sensitivity of the vector of per-group counts: L0·L∞ or √L0·L∞."""
    return _spread(bounds, norm) * bounds.max_rows_per_unit


def sum_sensitivity(bounds: Contribution, lower: float, upper: float, *, norm: int = 1) -> float:
    """Sensitivity of per-group sums of values clamped to [lower, upper]: L0·L∞·max(|lower|,|upper|) for L1."""
    lower, upper = check_bounds(lower, upper)
    return _spread(bounds, norm) * bounds.max_rows_per_unit * max(abs(lower), abs(upper))


def centred_sum_sensitivity(bounds: Contribution, lower: float, upper: float, *, norm: int = 1) -> float:
    """Sensitivity of Σ(x − midpoint): each clamped value moves by at most (upper − lower)/2 from the midpoint."""
    lower, upper = check_bounds(lower, upper)
    return _spread(bounds, norm) * bounds.max_rows_per_unit * (upper - lower) / 2


def _spread(bounds: Contribution, norm: int) -> float:
    if norm == 1:
        return float(bounds.max_groups_per_unit)
    if norm == 2:
        return math.sqrt(bounds.max_groups_per_unit)
    raise _fail("sensitivity norm must be 1 or 2", "敏感度范数只能是 1 或 2")
