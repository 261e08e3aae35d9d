"""The §4.3 "Metered Contribution Credits" arithmetic (pure: no I/O).

Amounts are integers in micro-credits (1e-6 credit) so every split is exact: the supplier pool is
divided by largest remainder, hence the source credits always sum to the pool to the last unit.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

MICRO = 1_000_000
JobKind = Literal["public_interest", "commercial"]


@dataclass(frozen=True)
class SourceUse:
    """One source resource s of a job: its owner, the levels of the columns used, and m_s."""

    dataset: str
    department: str
    column_levels: tuple[int, ...]  # one entry per used column (its sub-level 1-4)
    rows: int  # m_s: rows of s feeding the output (see docs/credits.md for what is measured)
    quality: float = 1.0  # q_s in [0.8, 1.2]


@dataclass(frozen=True)
class SourceShare:
    """How one source's credit was derived: every intermediate value of the §4.3 table."""

    dataset: str
    department: str
    sum_g: float
    log_rows: float
    weight: float
    equal_part: float
    proportional_part: float
    share: float  # π_s
    quality: float
    adjusted_share: float  # π'_s
    credit_micro: int  # C_{s,j} in micro-credits, before any self-use withholding


@dataclass(frozen=True)
class ValueSplit:
    value_micro: int
    operator_micro: int
    developer_micro: int
    pool_micro: int


def to_micro(amount: float) -> int:
    return round(amount * MICRO)


def format_credits(micro: int) -> str:
    sign = "-" if micro < 0 else ""
    whole, frac = divmod(abs(micro), MICRO)
    return f"{sign}{whole}.{frac:06d}"


def split_value(
    value: float, kind: JobKind, *, operator_share: float, developer_share: float, developer_owned: bool
) -> ValueSplit:
    """Step 1: V_j into operator α, developer β and the supplier pool P_j = (1 − α − β)·V_j (公益: α = β = 0)."""
    value_micro = to_micro(value)
    if kind == "public_interest":
        return ValueSplit(value_micro, 0, 0, value_micro)
    alpha = to_micro(value * operator_share)
    beta = to_micro(value * developer_share) if developer_owned else 0
    if alpha + beta > value_micro:
        raise ValueError("operator and developer shares exceed the job value")
    return ValueSplit(value_micro, alpha, beta, value_micro - alpha - beta)


def split_pool(
    pool_micro: int, sources: Sequence[SourceUse], *, lam: float, level_weights: Mapping[int, float]
) -> list[SourceShare]:
    """Step 2: P_j among the sources by π_s = λ/|S| + (1 − λ)·w_s/Σw, quality-adjusted, then allocated."""
    if not sources:
        return []
    weights = [sum(level_weights[level] for level in s.column_levels) * math.log2(1 + s.rows) for s in sources]
    total = sum(weights)
    equal = lam / len(sources)
    shares = []
    for w in weights:
        # No used column and no rows anywhere: the proportional part falls back to the equal split.
        proportional = (1 - lam) * (w / total if total > 0 else 1 / len(sources))
        shares.append((equal, proportional, equal + proportional))
    norm = sum(pi * s.quality for (_, _, pi), s in zip(shares, sources, strict=True))
    adjusted = [pi * s.quality / norm for (_, _, pi), s in zip(shares, sources, strict=True)]
    allocated = allocate(pool_micro, adjusted, [s.dataset for s in sources])
    return [
        SourceShare(
            dataset=s.dataset,
            department=s.department,
            sum_g=sum(level_weights[level] for level in s.column_levels),
            log_rows=math.log2(1 + s.rows),
            weight=w,
            equal_part=eq,
            proportional_part=prop,
            share=pi,
            quality=s.quality,
            adjusted_share=adj,
            credit_micro=credit,
        )
        for s, w, (eq, prop, pi), adj, credit in zip(sources, weights, shares, adjusted, allocated, strict=True)
    ]


def allocate(total: int, fractions: Sequence[float], keys: Sequence[str]) -> list[int]:
    """Largest-remainder rounding of ``total × fraction``: non-negative integers summing to ``total``."""
    if total <= 0 or not fractions:
        return [0] * len(fractions)
    raw = [total * f for f in fractions]
    floors = [math.floor(x) for x in raw]
    left = total - sum(floors)
    # Biggest remainders first; ties broken by key so the result is deterministic.
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), keys[i]))
    for i in order[: max(0, left)]:
        floors[i] += 1
    return floors
