"""Intake: every submitted file named safely, typed by content, parsed, bounded — or the request is refused.

Nothing is stored before intake and the checks have passed without a refusal.
"""

from __future__ import annotations

import pandas as pd

from sandbox.exports.checks import SubmittedFile
from sandbox.exports.checks.base import as_numbers
from sandbox.exports.errors import ExportRejected, rejected
from sandbox.pii import FileKind, FileLimits, FileRejected, read_table, safe_name, sniff

MAX_FILES = 20
MAX_REQUEST_BYTES = 100 * 1024 * 1024
MAX_TEXT_CHARS = 4_000
TABLE_KINDS = frozenset({FileKind.CSV, FileKind.TSV, FileKind.PARQUET, FileKind.XLSX, FileKind.JSON, FileKind.JSONL})


def refused_file(error: FileRejected) -> ExportRejected:
    """The scanners' refusal as the airlock's (same bilingual text, naming the file and the reason)."""
    return ExportRejected(error.message, error.message_zh, code="export.file_rejected")


def require_text(value: str | None, name: str, name_zh: str) -> str:
    text = (value or "").strip()
    if not text:
        raise rejected(
            f"{name}_required",
            f"An export request needs a {name}: say what the files are for (rule: request completeness).",
            f"导出申请须填写{name_zh}（规则：申请完整性）。",
        )
    if len(text) > MAX_TEXT_CHARS:
        raise rejected(
            f"{name}_too_long",
            f"The {name} may be at most {MAX_TEXT_CHARS} characters.",
            f"{name_zh}最多 {MAX_TEXT_CHARS} 个字符。",
        )
    return text


def intake(files: list[tuple[str, bytes]], limits: FileLimits | None = None) -> list[SubmittedFile]:
    limits = limits or FileLimits()
    if not files:
        raise rejected("no_files", "An export request needs at least one file.", "导出申请至少需要一个文件。")
    if len(files) > MAX_FILES:
        raise rejected(
            "too_many_files", f"At most {MAX_FILES} files per request.", f"每个申请最多 {MAX_FILES} 个文件。"
        )
    if sum(len(data) for _, data in files) > MAX_REQUEST_BYTES:
        raise rejected(
            "too_large",
            f"The files together exceed {MAX_REQUEST_BYTES // (1024 * 1024)} MiB (rule: request size).",
            f"文件总大小超过 {MAX_REQUEST_BYTES // (1024 * 1024)} MiB（规则：申请大小）。",
        )
    seen: set[str] = set()
    out = []
    try:
        for raw_name, data in files:
            name = safe_name(raw_name)
            if name.casefold() in seen:
                raise rejected("duplicate_name", f"Two files are named {name}.", f"有两个文件同名：{name}。")
            seen.add(name.casefold())
            kind = sniff(name, data, limits)
            out.append(SubmittedFile(name, data, str(kind), _table(name, kind, data, limits)))
    except FileRejected as error:
        raise refused_file(error) from None
    return out


def _table(name: str, kind: FileKind, data: bytes, limits: FileLimits) -> pd.DataFrame | None:
    if kind not in TABLE_KINDS:
        return None
    try:
        return as_numbers(read_table(kind, data, limits))
    except FileRejected:
        if kind is FileKind.JSON:  # a JSON document that is not a table (a regression summary, say)
            return None
        raise
