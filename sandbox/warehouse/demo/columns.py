"""A tiny append-only column store used while assembling tables from several sources."""

from __future__ import annotations

from typing import Any

import numpy as np


class Columns:
    """Rows are added as whole arrays per column (``add``), concatenated once (``finish``)."""

    def __init__(self, *names: str) -> None:
        self._parts: dict[str, list[np.ndarray]] = {n: [] for n in names}
        self._rows = 0

    def add(self, **cols: Any) -> None:
        if set(cols) != set(self._parts):
            raise ValueError(f"expected columns {sorted(self._parts)}, got {sorted(cols)}")
        lengths = {np.size(v) for v in cols.values() if np.ndim(v) > 0}
        n = lengths.pop() if lengths else 1
        if lengths:
            raise ValueError("columns differ in length")
        for name, value in cols.items():
            arr = np.asarray(value)
            self._parts[name].append(np.full(n, arr.item()) if arr.ndim == 0 else arr)
        self._rows += n

    def __len__(self) -> int:
        return self._rows

    def finish(self) -> dict[str, np.ndarray]:
        return {n: np.concatenate(p) if p else np.array([]) for n, p in self._parts.items()}
