"""DP noise for released aggregates: typed wrappers over diffprivlib mechanisms (pure, no I/O).

Noise comes only from diffprivlib (``Geometric``, ``Laplace``, ``GaussianAnalytic``); with ``rng=None``
diffprivlib draws from ``secrets.SystemRandom`` (a CSPRNG). Tests pass a seeded ``numpy.random.RandomState``.
Sensitivities follow :mod:`sandbox.privacy.sensitivity`; error bounds and zCDP figures follow
:mod:`sandbox.privacy.accuracy`. See docs/privacy.md, "Mechanisms", for the derivations and rounding rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
from diffprivlib.mechanisms import GaussianAnalytic, Geometric, Laplace

from sandbox.privacy import accuracy
from sandbox.privacy.sensitivity import (
    Contribution,
    PrivacyParameterError,
    centred_sum_sensitivity,
    check_bounds,
    check_epsilon,
    check_gaussian_delta,
    check_pure_delta,
    count_sensitivity,
    sum_sensitivity,
)

Mechanism = Literal["geometric", "laplace", "gaussian"]
MECHANISMS: tuple[Mechanism, ...] = ("geometric", "laplace", "gaussian")
RandomSource = int | np.random.RandomState | None
"""None = diffprivlib's CSPRNG (production); a RandomState advances across calls (tests)."""


@dataclass(frozen=True)
class NoisyValue:
    """One released cell.

    ``scale`` is Δ₁/ε for Laplace and geometric noise (geometric ratio α = e^(−1/scale)), σ for Gaussian
    noise, and the approximate standard deviation for derived statistics (mean, variance). ``ci95_halfwidth``
    bounds the noise with probability ≥ 95 %. ``rho`` is the zCDP cost, for accounting.
    """

    value: float  # a Python int for counts and integral geometric sums
    scale: float
    ci95_halfwidth: float
    epsilon: float
    delta: float
    mechanism: str
    stddev: float
    rho: float
    sensitivity: float
    parts: tuple[NoisyValue, ...] = ()


def noisy_count(
    true_count: int,
    epsilon: float,
    *,
    max_groups_per_unit: int,
    max_rows_per_unit: int,
    mechanism: Mechanism = "geometric",
    delta: float = 0.0,
    rng: RandomSource = None,
) -> NoisyValue:
    """Noisy COUNT of one group; the result is always an integer and never clamped (unbiased)."""
    if isinstance(true_count, bool) or not isinstance(true_count, int | np.integer):
        raise PrivacyParameterError("a true count must be an integer", "真实计数必须是整数")
    bounds = Contribution(max_groups_per_unit, max_rows_per_unit)
    return _release(
        int(true_count),
        epsilon,
        delta,
        mechanism,
        l1=count_sensitivity(bounds),
        l2=count_sensitivity(bounds, norm=2),
        integral=True,
        rng=rng,
    )


def noisy_sum(
    true_sum: float,
    epsilon: float,
    *,
    lower: float,
    upper: float,
    max_groups_per_unit: int,
    max_rows_per_unit: int,
    mechanism: Mechanism = "laplace",
    delta: float = 0.0,
    rng: RandomSource = None,
) -> NoisyValue:
    """Noisy SUM of values already clamped to [lower, upper]; unrounded, except geometric (integer data only)."""
    bounds = Contribution(max_groups_per_unit, max_rows_per_unit)
    l1 = sum_sensitivity(bounds, lower, upper)
    integral = mechanism == "geometric"
    if integral and not (_is_integral(true_sum) and float(lower).is_integer() and float(upper).is_integer()):
        raise PrivacyParameterError(
            "the geometric mechanism needs an integer sum and integer bounds; use 'laplace' or 'gaussian'",
            "geometric 机制要求整数和与整数边界，请改用 laplace 或 gaussian",
        )
    value: float = round(true_sum) if integral else float(true_sum)
    l2 = sum_sensitivity(bounds, lower, upper, norm=2)
    return _release(value, epsilon, delta, mechanism, l1=l1, l2=l2, integral=integral, rng=rng)


def noisy_mean(
    true_sum: float,
    true_count: int,
    epsilon: float,
    *,
    lower: float,
    upper: float,
    max_groups_per_unit: int,
    max_rows_per_unit: int,
    mechanism: Mechanism = "laplace",
    delta: float = 0.0,
    rng: RandomSource = None,
) -> NoisyValue:
    """Noisy AVG = midpoint + noisy Σ(x − midpoint) / max(noisy count, 1), ε (and δ) split equally.

    Pure mechanisms use geometric noise for the count and Laplace noise for the centred sum; 'gaussian'
    uses Gaussian noise for both. The value is not clamped to [lower, upper].
    """
    lower, upper = check_bounds(lower, upper)
    epsilon = check_epsilon(epsilon)
    mid = (lower + upper) / 2
    count_mech, sum_mech = _split_mechanisms(mechanism)
    share = _Share(epsilon / 2, delta / 2)
    bounds = Contribution(max_groups_per_unit, max_rows_per_unit)
    count = noisy_count(
        true_count, share.epsilon, max_groups_per_unit=max_groups_per_unit, max_rows_per_unit=max_rows_per_unit,
        mechanism=count_mech, delta=share.delta, rng=rng,
    )  # fmt: skip
    centred = _release(
        float(true_sum) - mid * int(true_count),
        share.epsilon,
        share.delta,
        sum_mech,
        l1=centred_sum_sensitivity(bounds, lower, upper),
        l2=centred_sum_sensitivity(bounds, lower, upper, norm=2),
        integral=False,
        rng=rng,
    )
    n = max(float(count.value), 1.0)
    offset = centred.value / n
    # Delta method: Var(S/C) ≈ (Var S + (S/C)² Var C) / C².
    stddev = math.sqrt(centred.stddev**2 + offset**2 * count.stddev**2) / n
    return _combine(mid + offset, stddev, mechanism, centred.sensitivity, (count, centred))


def noisy_variance(
    true_sum: float,
    true_sum_squares: float,
    true_count: int,
    epsilon: float,
    *,
    lower: float,
    upper: float,
    max_groups_per_unit: int,
    max_rows_per_unit: int,
    mechanism: Mechanism = "laplace",
    delta: float = 0.0,
    ddof: int = 0,
    rng: RandomSource = None,
) -> NoisyValue:
    """Noisy variance from three noisy releases, ε (and δ) split in thirds: count, Σy and Σ(y² − r²/2).

    y = x − midpoint ∈ [−r, r] with r = (upper − lower)/2. ``ddof=1`` gives the sample variance (SQL VAR_SAMP).
    The value is not clamped at 0, so it can be negative for tiny or constant groups.
    """
    lower, upper = check_bounds(lower, upper)
    epsilon = check_epsilon(epsilon)
    if ddof not in (0, 1):
        raise PrivacyParameterError("ddof must be 0 (population) or 1 (sample)", "ddof 只能是 0（总体）或 1（样本）")
    count_mech, sum_mech = _split_mechanisms(mechanism)
    share = _Share(epsilon / 3, delta / 3)
    bounds = Contribution(max_groups_per_unit, max_rows_per_unit)
    mid, r = (lower + upper) / 2, (upper - lower) / 2
    c = int(true_count)
    sum_y = float(true_sum) - mid * c
    sum_z = float(true_sum_squares) - 2 * mid * float(true_sum) + mid**2 * c - r**2 / 2 * c
    count = noisy_count(
        true_count, share.epsilon, max_groups_per_unit=max_groups_per_unit, max_rows_per_unit=max_rows_per_unit,
        mechanism=count_mech, delta=share.delta, rng=rng,
    )  # fmt: skip
    per_unit = bounds.max_rows_per_unit
    releases = []
    for true_value, spread in ((sum_y, r), (sum_z, r**2 / 2)):
        l1 = bounds.max_groups_per_unit * per_unit * spread
        l2 = math.sqrt(bounds.max_groups_per_unit) * per_unit * spread
        releases.append(
            _release(true_value, share.epsilon, share.delta, sum_mech, l1=l1, l2=l2, integral=False, rng=rng)
        )
    ys, zs = releases
    n = max(float(count.value), 1.0)
    m1, m2 = ys.value / n, zs.value / n + r**2 / 2
    value = m2 - m1**2
    # Delta method over (C, Σy, Σz) for m2 − m1².
    d_count = (2 * m1**2 - (m2 - r**2 / 2)) / n
    stddev = math.sqrt((zs.stddev / n) ** 2 + (2 * m1 * ys.stddev / n) ** 2 + (d_count * count.stddev) ** 2)
    if ddof == 1 and n > 1:
        value, stddev = value * n / (n - 1), stddev * n / (n - 1)
    return _combine(value, stddev, mechanism, zs.sensitivity, (count, ys, zs))


def noisy_stddev(
    true_sum: float,
    true_sum_squares: float,
    true_count: int,
    epsilon: float,
    *,
    lower: float,
    upper: float,
    max_groups_per_unit: int,
    max_rows_per_unit: int,
    mechanism: Mechanism = "laplace",
    delta: float = 0.0,
    ddof: int = 0,
    rng: RandomSource = None,
) -> NoisyValue:
    """√max(noisy variance, 0): a square root needs the clamp, so unlike the other releases it is biased."""
    var = noisy_variance(
        true_sum, true_sum_squares, true_count, epsilon, lower=lower, upper=upper,
        max_groups_per_unit=max_groups_per_unit, max_rows_per_unit=max_rows_per_unit,
        mechanism=mechanism, delta=delta, ddof=ddof, rng=rng,
    )  # fmt: skip
    value = math.sqrt(max(var.value, 0.0))
    hi = math.sqrt(max(var.value + var.ci95_halfwidth, 0.0))
    lo = math.sqrt(max(var.value - var.ci95_halfwidth, 0.0))
    halfwidth = max(hi - value, value - lo)
    return NoisyValue(
        value, halfwidth / accuracy.Z95, halfwidth, var.epsilon, var.delta, var.mechanism,
        halfwidth / accuracy.Z95, var.rho, var.sensitivity, var.parts,
    )  # fmt: skip


@dataclass(frozen=True)
class _Share:
    epsilon: float
    delta: float


def _split_mechanisms(mechanism: Mechanism) -> tuple[Mechanism, Mechanism]:
    _check_mechanism(mechanism)
    return ("gaussian", "gaussian") if mechanism == "gaussian" else ("geometric", "laplace")


def _combine(
    value: float, stddev: float, mechanism: str, sensitivity: float, parts: tuple[NoisyValue, ...]
) -> NoisyValue:
    return NoisyValue(
        value=value,
        scale=stddev,
        ci95_halfwidth=accuracy.Z95 * stddev,
        epsilon=sum(p.epsilon for p in parts),
        delta=sum(p.delta for p in parts),
        mechanism=mechanism,
        stddev=stddev,
        rho=sum(p.rho for p in parts),
        sensitivity=sensitivity,
        parts=parts,
    )


def _check_mechanism(mechanism: str) -> None:
    if mechanism not in MECHANISMS:
        raise PrivacyParameterError(
            f"unknown mechanism {mechanism!r}; use one of {', '.join(MECHANISMS)}",
            f"未知的噪声机制 {mechanism!r}，可选：{', '.join(MECHANISMS)}",
        )


def _is_integral(value: float) -> bool:
    return isinstance(value, int | np.integer) or (math.isfinite(value) and float(value).is_integer())


def _release(
    true_value: float,
    epsilon: float,
    delta: float,
    mechanism: Mechanism,
    *,
    l1: float,
    l2: float,
    integral: bool,
    rng: RandomSource,
) -> NoisyValue:
    """Add noise to one value; ``integral`` values come back as ints (geometric, or rounded continuous noise)."""
    _check_mechanism(mechanism)
    epsilon = check_epsilon(epsilon)
    if mechanism == "gaussian":
        delta = check_gaussian_delta(delta)
    else:
        check_pure_delta(delta, mechanism)
    if not math.isfinite(true_value):
        raise PrivacyParameterError("the value to be noised must be finite", "加噪前的值必须是有限数")
    rho = accuracy.pure_dp_rho(epsilon) if mechanism != "gaussian" else 0.0
    sensitivity = l2 if mechanism == "gaussian" else l1
    if sensitivity == 0:  # bounds [0, 0]: the value carries no information about any unit
        return NoisyValue(true_value, 0.0, 0.0, epsilon, delta, mechanism, 0.0, rho, 0.0)
    mech = make_mechanism(mechanism, epsilon, delta, sensitivity, rng)
    noisy = mech.randomise(int(true_value) if mechanism == "geometric" else float(true_value))
    if mechanism == "geometric":
        scale = l1 / epsilon
        return NoisyValue(
            int(noisy), scale, accuracy.geometric_ci95(scale), epsilon, delta, mechanism,
            math.sqrt(accuracy.geometric_variance(scale)), rho, l1,
        )  # fmt: skip
    if mechanism == "laplace":
        scale = l1 / epsilon
        halfwidth: float = accuracy.laplace_ci95(scale)
        variance = accuracy.laplace_variance(scale)
        if integral:
            variance = accuracy.rounded_laplace_variance(scale)
    else:
        scale = math.sqrt(float(mech.variance(0.0)))
        rho = accuracy.gaussian_rho(l2, scale)
        halfwidth = accuracy.gaussian_ci95(scale)
        variance = scale**2 + (1 / 12 if integral else 0.0)  # Sheppard's correction for rounding
    if integral:
        # Rounding an integer plus symmetric noise keeps it unbiased: round(c + N) − c = round(N) is symmetric.
        return NoisyValue(
            round(float(noisy)), scale, accuracy.rounded_ci95(halfwidth), epsilon, delta, mechanism,
            math.sqrt(variance), rho, sensitivity,
        )  # fmt: skip
    return NoisyValue(float(noisy), scale, halfwidth, epsilon, delta, mechanism, math.sqrt(variance), rho, sensitivity)


def make_mechanism(mechanism: Mechanism, epsilon: float, delta: float, sensitivity: float, rng: RandomSource) -> Any:
    if rng is None:
        return _cached_mechanism(mechanism, epsilon, delta, sensitivity)
    return _new_mechanism(mechanism, epsilon, delta, sensitivity, rng)


@lru_cache(maxsize=256)
def _cached_mechanism(mechanism: Mechanism, epsilon: float, delta: float, sensitivity: float) -> Any:
    """CSPRNG-backed mechanisms are stateless apart from their scale, so they are built once per scale."""
    return _new_mechanism(mechanism, epsilon, delta, sensitivity, None)


def _new_mechanism(mechanism: Mechanism, epsilon: float, delta: float, sensitivity: float, rng: RandomSource) -> Any:
    if mechanism == "geometric":
        if not float(sensitivity).is_integer():
            raise PrivacyParameterError(
                "the geometric mechanism needs an integer sensitivity", "geometric 机制要求整数敏感度"
            )
        return Geometric(epsilon=epsilon, sensitivity=int(sensitivity), random_state=rng)
    if mechanism == "laplace":
        return Laplace(epsilon=epsilon, sensitivity=sensitivity, random_state=rng)
    return GaussianAnalytic(epsilon=epsilon, delta=delta, sensitivity=sensitivity, random_state=rng)
