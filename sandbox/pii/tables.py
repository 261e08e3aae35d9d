"""Read tabular files into pandas as faithfully as possible (text stays text) within the limits."""

from __future__ import annotations

import io
import json
import math
import zipfile
from collections.abc import Iterator
from typing import Any

import pandas as pd

from sandbox.pii.errors import FileRejected, RejectReason
from sandbox.pii.kinds import FileKind, FileLimits
from sandbox.pii.sniff import check_zip, decode_text

_TABLE_NAME = "table"


def read_table(
    kind: FileKind,
    data: bytes,
    limits: FileLimits = FileLimits(),  # noqa: B008 - frozen, shared default
    *,
    name: str = _TABLE_NAME,
) -> pd.DataFrame:
    """The first (for XLSX: first sheet's) table of a CSV/TSV/Parquet/JSON(L)/XLSX file.

    CSV/TSV come back as strings (no NA coercion, no number parsing: IDs keep their digits); other
    formats keep their stored types. Raises ``FileRejected`` (naming ``name``) for corrupt, oversize
    or non-tabular data.
    """
    try:
        for _sheet, frame in read_sheets(kind, data, limits):
            return frame
    except FileRejected as exc:
        raise (exc if exc.file == name else exc.renamed(name)) from None
    return pd.DataFrame()


def read_sheets(
    kind: FileKind,
    data: bytes,
    limits: FileLimits = FileLimits(),  # noqa: B008
    *,
    plain_strings: bool = False,
) -> Iterator[tuple[str, pd.DataFrame]]:
    """Every table in the file as ``(sheet name, frame)``; only XLSX has more than one.

    ``plain_strings``: CSV/TSV cells as Python ``str`` objects (the scanner's choice: converting them
    to pandas' Arrow-backed string type and back costs a tenth of a large scan).
    """
    if kind in (FileKind.CSV, FileKind.TSV):
        yield _TABLE_NAME, _read_delimited(kind, data, limits, plain_strings)
    elif kind == FileKind.PARQUET:
        yield _TABLE_NAME, _read_parquet(data, limits)
    elif kind in (FileKind.JSON, FileKind.JSONL, FileKind.MODEL_JSON):
        yield _TABLE_NAME, _read_json(kind, data, limits)
    elif kind == FileKind.XLSX:
        yield from _read_xlsx(data, limits)
    else:
        raise FileRejected(_TABLE_NAME, RejectReason.UNSUPPORTED_TYPE, f"{kind.value} is not a table")


def _limit_rows(n: int, limits: FileLimits) -> None:
    if n > limits.max_rows:
        raise FileRejected(_TABLE_NAME, RejectReason.TOO_LARGE, f"more than {limits.max_rows} rows", "行数超限")


def _limit_columns(n: int, limits: FileLimits) -> None:
    if n > limits.max_columns:
        raise FileRejected(_TABLE_NAME, RejectReason.TOO_LARGE, f"more than {limits.max_columns} columns", "列数超限")


def _read_delimited(kind: FileKind, data: bytes, limits: FileLimits, plain_strings: bool = False) -> pd.DataFrame:
    decode_text(_TABLE_NAME, data)  # UTF-8 or refuse, before pandas guesses anything
    try:
        frame = pd.read_csv(
            io.BytesIO(data),
            sep="\t" if kind == FileKind.TSV else ",",
            dtype=object if plain_strings else str,
            keep_default_na=False,
            na_filter=False,
            encoding="utf-8-sig",
            nrows=limits.max_rows + 1,
            engine="c",
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError, ValueError):
        raise FileRejected(_TABLE_NAME, RejectReason.CORRUPT, "CSV/TSV cannot be parsed", "CSV/TSV 无法解析") from None
    _limit_rows(len(frame), limits)
    _limit_columns(frame.shape[1], limits)
    return frame


def _read_parquet(data: bytes, limits: FileLimits) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pf = pq.ParquetFile(io.BytesIO(data))
        meta = pf.metadata
        _limit_rows(meta.num_rows, limits)
        _limit_columns(meta.num_columns, limits)
        inflated = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        if inflated > limits.max_unzipped_bytes:
            raise FileRejected(_TABLE_NAME, RejectReason.ZIP_BOMB, f"decompresses to {inflated} bytes")
        # ignore_metadata: a stored pandas index comes back as an ordinary column, so it is scanned too.
        frame: pd.DataFrame = pf.read().to_pandas(ignore_metadata=True)
        return frame
    except FileRejected:
        raise
    except (pa.ArrowException, OSError, ValueError, TypeError, IndexError):
        raise FileRejected(_TABLE_NAME, RejectReason.CORRUPT, "Parquet cannot be read", "Parquet 无法读取") from None


def _read_json(kind: FileKind, data: bytes, limits: FileLimits) -> pd.DataFrame:
    text = decode_text(_TABLE_NAME, data)
    try:
        if kind == FileKind.JSONL:
            records: Any = [json.loads(ln) for ln in text.splitlines() if ln.strip()]
        else:
            records = json.loads(text)
    except (ValueError, RecursionError):
        raise FileRejected(_TABLE_NAME, RejectReason.CORRUPT, "invalid JSON", "JSON 无法解析") from None
    if isinstance(records, dict) and isinstance(records.get("data"), list):
        records = records["data"]
    if isinstance(records, dict) and records and all(isinstance(v, list) for v in records.values()):
        if len({len(v) for v in records.values()}) != 1:
            raise FileRejected(_TABLE_NAME, RejectReason.UNSUPPORTED_TYPE, "JSON columns of unequal length")
        _limit_rows(len(next(iter(records.values()))), limits)
        return pd.DataFrame(records)
    if isinstance(records, list) and all(isinstance(r, dict) for r in records):
        _limit_rows(len(records), limits)
        frame = pd.json_normalize(records, max_level=limits.max_json_depth)
        _limit_columns(frame.shape[1], limits)
        return frame
    raise FileRejected(
        _TABLE_NAME, RejectReason.UNSUPPORTED_TYPE, "JSON is not a table (list of records)", "JSON 不是表格"
    )


def _read_xlsx(data: bytes, limits: FileLimits) -> Iterator[tuple[str, pd.DataFrame]]:
    import openpyxl

    check_zip(_TABLE_NAME, data, limits)
    try:
        # data_only=False: formula cells give their formula text, whose literals are scanned too.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise FileRejected(_TABLE_NAME, RejectReason.CORRUPT, "XLSX cannot be opened", "XLSX 无法打开") from exc
    try:
        for sheet in book.worksheets:  # hidden sheets included
            rows: list[tuple[Any, ...]] = []
            try:
                for row in sheet.iter_rows(values_only=True):
                    rows.append(row)
                    _limit_rows(len(rows) - 1, limits)
            except FileRejected:
                raise
            except (KeyError, ValueError, TypeError, zipfile.BadZipFile, OSError) as exc:
                raise FileRejected(_TABLE_NAME, RejectReason.CORRUPT, "XLSX sheet cannot be read") from exc
            yield sheet.title, _sheet_frame(rows, limits)
    finally:
        book.close()


def _sheet_frame(rows: list[tuple[Any, ...]], limits: FileLimits) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame()
    width = max(len(r) for r in rows)
    _limit_columns(width, limits)
    header = [str(h) if h is not None else f"column {i + 1}" for i, h in enumerate(list(rows[0]) + [None] * width)][
        :width
    ]
    # Duplicate headers would collapse in pandas; suffix them so every column is scanned.
    seen: dict[str, int] = {}
    unique = []
    for h in header:
        seen[h] = seen.get(h, 0) + 1
        unique.append(h if seen[h] == 1 else f"{h} ({seen[h]})")
    body = [list(r) + [None] * (width - len(r)) for r in rows[1:]]
    return pd.DataFrame(body, columns=unique, dtype=object)


def column_values(series: pd.Series[Any]) -> list[str]:
    """Cell values as scan text: floats in ``repr`` form (so 5.226011990010112e+17 stays visibly damaged)."""
    values = series.tolist()
    if pd.api.types.infer_dtype(values, skipna=False) == "string":  # CSV/TSV columns: nothing to convert
        return values
    out = []
    for v in values:
        if v is None or v is pd.NA or v is pd.NaT:
            out.append("")
        elif isinstance(v, float):
            out.append("" if math.isnan(v) else repr(v))
        elif isinstance(v, bytes):
            out.append(v.decode("utf-8", "replace"))
        else:
            out.append(str(v))
    return out
