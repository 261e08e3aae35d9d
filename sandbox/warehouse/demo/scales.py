"""Scale factors and per-table row targets (design §5.5, rows at SF = 1)."""

from __future__ import annotations

from dataclasses import dataclass

from sandbox.errors import UsageError

SCALES: dict[str, float] = {"tiny": 0.01, "small": 0.1, "full": 1.0}


@dataclass(frozen=True)
class Scale:
    name: str
    factor: float

    def rows(self, at_full: int, floor: int = 1) -> int:
        """Rows for a table that has ``at_full`` rows at SF = 1, never fewer than ``floor``."""
        return max(floor, round(at_full * float(self.factor)))

    def gentle(self, at_full: int, floor: int) -> int:
        """Rows for a dimension that shrinks with the square root of SF (joins keep working)."""
        shrink: float = self.factor**0.5
        return max(floor, round(at_full * shrink))


def get_scale(name: str) -> Scale:
    """The named scale, or ``UsageError(code="demo.scale")``."""
    if name not in SCALES:
        choices = ", ".join(SCALES)
        raise UsageError(
            f"unknown demo scale {name!r}; choose one of: {choices}",
            f"未知的演示数据规模 {name!r}，可选：{choices}",
            code="demo.scale",
        )
    return Scale(name, SCALES[name])
