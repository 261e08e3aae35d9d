"""Per-query DP parameters and their limits (pure values; the query service reads them).

The catalogue has no per-dataset DP parameters yet, so these apply to every dp table: a query spends
``default_epsilon`` unless the client asks for another ε in (0, ``max_epsilon``]; grouped queries also
spend ``delta`` on partition selection; each grant × dataset account holds the grant's ε and
``delta_allocation``. Contribution bounds default to one group and one row per privacy unit; a client may
raise them up to ``max_contribution`` (more rows kept, proportionally more noise).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DpConfig:
    default_epsilon: float = 0.5
    max_epsilon: float = 2.0
    delta: float = 1e-6
    gaussian_delta: float = 1e-6  # δ of the aggregates when a client asks for Gaussian noise
    delta_allocation: float = 1e-4
    max_contribution: int = 64
    max_public_keys: int = 10_000  # public GROUP BY domains larger than this are refused (group by fewer keys)
    pending_wait_s: float = 30.0  # how long a duplicate waits for the paid twin's answer
