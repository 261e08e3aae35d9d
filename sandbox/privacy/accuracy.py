"""Closed-form noise variances, 95 % error bounds and zCDP figures (pure, no I/O).

A half-width ``h`` here bounds the *noise* only: P(|released − true| ≤ h) ≥ 0.95 for the value fed to the
mechanism (after clamping and contribution bounding, which the bound does not cover).
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054
"""Two-sided 95 % quantile of the standard normal."""

LN20 = math.log(20.0)
"""P(|Laplace(b)| > b·ln 20) = 0.05."""


def geometric_alpha(scale: float) -> float:
    """Ratio α = exp(−ε/Δ) of the two-sided geometric law P(k) ∝ α^|k|; ``scale`` is Δ/ε."""
    return math.exp(-1.0 / scale)


def geometric_variance(scale: float) -> float:
    alpha = geometric_alpha(scale)
    return 2.0 * alpha / (1.0 - alpha) ** 2


def geometric_ci95(scale: float) -> int:
    """Smallest integer h with P(|Z| > h) = 2α^(h+1)/(1+α) ≤ 0.05."""
    alpha = geometric_alpha(scale)
    if alpha == 0.0:
        return 0
    return max(0, math.ceil(math.log(0.025 * (1.0 + alpha)) / math.log(alpha) - 1e-12) - 1)


def laplace_variance(scale: float) -> float:
    return 2.0 * scale**2


def laplace_ci95(scale: float) -> float:
    return scale * LN20


def rounded_laplace_variance(scale: float) -> float:
    """Exact variance of round(L), L ~ Laplace(scale): P(round L = k) = sinh(1/2b)·q^|k| for k ≠ 0, q = e^(−1/b)."""
    q = math.exp(-1.0 / scale)
    return 2.0 * math.sinh(0.5 / scale) * q * (1.0 + q) / (1.0 - q) ** 3


def gaussian_ci95(sigma: float) -> float:
    return Z95 * sigma


def rounded_ci95(halfwidth: float) -> int:
    """95 % bound after rounding an integer plus symmetric continuous noise N: |round N| > m iff |N| > m + ½."""
    return max(0, math.ceil(halfwidth - 0.5))


def pure_dp_rho(epsilon: float) -> float:
    """ε-DP implies (ε²/2)-zCDP (Bun & Steinke 2016, Prop. 1.4)."""
    return epsilon**2 / 2.0


def gaussian_rho(l2_sensitivity: float, sigma: float) -> float:
    """The Gaussian mechanism N(0, σ²) with L2 sensitivity Δ is (Δ²/2σ²)-zCDP."""
    return l2_sensitivity**2 / (2.0 * sigma**2)
