"""Assemble generator output into Arrow tables in the column order of ``schema.TABLES``."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.warehouse.demo.schema import SYNTHETIC, column_names, is_watermarked


def _column(values: Any, n: int) -> pa.Array:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        return values
    arr = np.asarray(values)
    if arr.ndim == 0:
        arr = np.full(n, arr.item())
    if arr.dtype.kind == "U":
        return pa.array(arr, mask=arr == "")  # "" stands for NULL in generator output
    return pa.array(arr, from_pandas=True)  # NaN and NaT become NULL


def to_arrow(table: str, columns: Mapping[str, Any]) -> pa.Table:
    """Arrow table for ``table`` from column arrays (scalars broadcast; "" / NaN / NaT are NULL).

    The ``synthetic`` watermark of L4 tables is added here; every other column must be given.
    """
    names = column_names(table)
    wanted = names[:-1] if is_watermarked(table) else names
    if set(columns) != set(wanted):
        missing, extra = sorted(set(wanted) - set(columns)), sorted(set(columns) - set(wanted))
        raise ValueError(f"{table}: missing columns {missing}, unexpected {extra}")
    lengths = {np.asarray(v).shape[0] for v in columns.values() if np.ndim(v) > 0}
    if len(lengths) != 1:
        raise ValueError(f"{table}: columns differ in length {sorted(lengths)}")
    n = lengths.pop()
    arrays = [_column(columns[name], n) for name in wanted]
    if is_watermarked(table):
        arrays.append(pa.array(np.ones(n, dtype=bool)))
    return pa.Table.from_arrays(arrays, names=list(wanted) + ([SYNTHETIC[0]] if is_watermarked(table) else []))


@dataclass(frozen=True)
class TableJob:
    """One table to build: its name, the rows expected (for progress) and a chunk producer."""

    table: str
    expected_rows: int
    produce: Callable[[], Iterable[pa.Table]]


def single(table: str, make: Callable[[], Mapping[str, Any]]) -> Callable[[], Iterable[pa.Table]]:
    """Producer of a table generated in one piece."""

    def produce() -> Iterable[pa.Table]:
        yield to_arrow(table, make())

    return produce


def chunk_bounds(n: int, size: int) -> list[tuple[int, int]]:
    """``[(start, stop), …]`` covering ``range(n)`` in pieces of at most ``size``."""
    return [(start, min(start + size, n)) for start in range(0, n, size)]


CHUNK_ROWS = 500_000
