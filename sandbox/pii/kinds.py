"""File kinds the airlock accepts and the limits every file is held to."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MIB = 1024 * 1024


class FileKind(StrEnum):
    """A file's type as established from its content (the extension is only a tie-breaker among text kinds)."""

    CSV = "csv"
    TSV = "tsv"
    PARQUET = "parquet"
    JSON = "json"
    JSONL = "jsonl"
    XLSX = "xlsx"
    TEXT = "text"
    MARKDOWN = "markdown"
    NOTEBOOK = "notebook"
    IMAGE = "image"
    MODEL_JSON = "model_json"
    MODEL_ONNX = "model_onnx"
    MODEL_SKOPS = "model_skops"


TABLE_KINDS = frozenset({FileKind.CSV, FileKind.TSV, FileKind.PARQUET, FileKind.JSON, FileKind.JSONL, FileKind.XLSX})


@dataclass(frozen=True)
class FileLimits:
    """Resource limits for one exported file; exceeding one rejects the file (fail closed)."""

    max_bytes: int = 50 * MIB
    max_rows: int = 1_000_000
    max_columns: int = 2_000
    # Archives (XLSX, skops): total inflated size, per-member compression ratio and member count.
    max_unzipped_bytes: int = 200 * MIB
    max_zip_ratio: float = 100.0
    max_zip_members: int = 10_000
    # Notebooks and JSON: nesting depth guards against pathological documents.
    max_json_depth: int = 64
    max_notebook_cells: int = 10_000
