"""What every automatic check receives and returns; shared helpers for reading tables.

Checks are pure: they look at the submitted bytes (already parsed), the source queries and earlier
releases, and return findings. The service does all I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Protocol

import pandas as pd

from sandbox.exports.model import CheckFinding, SourceQuery


@dataclass(frozen=True)
class SubmittedFile:
    name: str
    data: bytes
    kind: str  # sandbox.pii.FileKind value
    table: pd.DataFrame | None = None  # parsed once at intake for tabular kinds


@dataclass(frozen=True)
class EarlierTable:
    """A tabular file of an earlier release to the same enterprise (the differencing ledger)."""

    request_id: str
    name: str
    table: pd.DataFrame


@dataclass(frozen=True)
class CheckLimits:
    max_table_rows: int = 5_000  # OpenSAFELY's level-4 CSV cap: aggregates are small; more looks row-level
    nk_share: float = 0.9  # the two largest contributors hold ≥ 90 % of a cell
    p_percent: float = 0.10  # total − largest − second < 10 % of largest
    min_residual_dof: int = 10
    max_params_share: float = 0.33


@dataclass(frozen=True)
class CheckContext:
    files: tuple[SubmittedFile, ...]
    sources: tuple[SourceQuery, ...]
    k: int
    identifier_columns: frozenset[str] = frozenset()  # direct identifiers (role I) of the sources' datasets
    earlier: tuple[EarlierTable, ...] = ()
    limits: CheckLimits = field(default_factory=CheckLimits)

    @property
    def modes(self) -> frozenset[str]:
        return frozenset(s.mode for s in self.sources)

    @property
    def personal(self) -> bool:
        """Whether any source is personal data under a row- or group-level policy (not plain open data)."""
        return any(mode != "open" for mode in self.modes) or not self.sources


class Check(Protocol):
    def __call__(self, ctx: CheckContext) -> list[CheckFinding]: ...


_COUNT_RE = re.compile(
    r"(^|_)(n|count|cnt|num|freq|frequency|size|persons?|people|visitors?|users?|households?)($|_)"
    r"|人数|数量|次数|频数|计数|户数|人次|笔数",
    re.IGNORECASE,
)


# Integer columns with these names are coordinates of a cell (when, where, which), not counts.
_NOT_COUNT_RE = re.compile(
    r"(^|_)(year|month|day|hour|minute|week|weekday|quarter|date|code|id|no|level|rank|age|band|grade|seq|index|"
    r"lat|lon|lng|bucket|bin)($|_)|年|月|日|时|代码|编号|等级|年龄",
    re.IGNORECASE,
)


def count_columns(table: pd.DataFrame) -> list[str]:
    """Columns holding contributor counts: numeric ones named as counts (n, count, 人数…), and any other
    integer column not named as a cell coordinate (a renamed ``count(*)`` must not slip through)."""
    out = []
    for column in table.columns:
        name, dtype = str(column), table[column].dtype
        if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
            continue
        if _COUNT_RE.search(name) or (pd.api.types.is_integer_dtype(dtype) and not _NOT_COUNT_RE.search(name)):
            out.append(name)
    return out


def key_columns(table: pd.DataFrame) -> list[str]:
    """Grouping columns: neither counts nor floating-point measures."""
    counts = set(count_columns(table))
    return [str(c) for c in table.columns if str(c) not in counts and not pd.api.types.is_float_dtype(table[c].dtype)]


def as_numbers(table: pd.DataFrame) -> pd.DataFrame:
    """The table with text columns that hold only numbers turned into numbers (CSV cells arrive as text)."""
    out = table.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
            continue
        sample = values.head(200).astype("string").str.strip()
        if pd.to_numeric(sample[sample != ""], errors="coerce").isna().any():
            continue  # a text column: most are told apart by their first rows, without a full pass
        text = values.astype("string").str.strip()
        present = text.notna() & (text != "")
        converted = pd.to_numeric(text.where(present), errors="coerce")
        if present.any() and converted[present].notna().all():
            out[column] = converted
    return out


def rows_text(index: list[int], limit: int = 8) -> str:
    shown = ",".join(str(i + 1) for i in index[:limit])
    return shown + (f" (+{len(index) - limit})" if len(index) > limit else "")


def finding(check: str, rule: str, file: str, location: str, severity: str, en: str, zh: str) -> CheckFinding:
    return CheckFinding(check, rule, file, location, severity, en, zh)
