"""``scan_file``: name check, content sniffing, then the scanner for the kind."""

from __future__ import annotations

import json

from sandbox.pii.errors import FileRejected, RejectReason
from sandbox.pii.files import safe_name
from sandbox.pii.findings import Finding
from sandbox.pii.kinds import TABLE_KINDS, FileKind, FileLimits
from sandbox.pii.scanners.image import image_finding
from sandbox.pii.scanners.jsondoc import scan_json_doc
from sandbox.pii.scanners.model import scan_onnx, scan_skops
from sandbox.pii.scanners.notebook import scan_notebook
from sandbox.pii.scanners.table import scan_table
from sandbox.pii.scanners.text import scan_text
from sandbox.pii.sniff import decode_text, sniff


def scan_file(name: str, data: bytes, limits: FileLimits = FileLimits()) -> list[Finding]:  # noqa: B008
    """All findings for one exported file; raises ``FileRejected`` if the file itself is refused."""
    file = safe_name(name)
    kind = sniff(file, data, limits)
    try:
        return _scan(file, kind, data, limits)
    except FileRejected as exc:
        # Readers name the file generically; re-raise with the real name and the same reason.
        raise (exc if exc.file == file else exc.renamed(file)) from None
    except RecursionError:
        raise FileRejected(file, RejectReason.CORRUPT, "nesting too deep") from None


def _scan(file: str, kind: FileKind, data: bytes, limits: FileLimits) -> list[Finding]:
    if kind == FileKind.IMAGE:
        return [image_finding(file)]
    if kind == FileKind.MODEL_ONNX:
        return scan_onnx(file, data)
    if kind == FileKind.MODEL_SKOPS:
        return scan_skops(file, data, limits)
    if kind == FileKind.NOTEBOOK:
        return scan_notebook(file, decode_text(file, data), limits)
    if kind in (FileKind.TEXT, FileKind.MARKDOWN):
        text = decode_text(file, data)
        if text.count("\n") > limits.max_rows:
            raise FileRejected(file, RejectReason.TOO_LARGE, f"more than {limits.max_rows} lines", "行数超限")
        return scan_text(file, text)
    if kind in (FileKind.JSON, FileKind.MODEL_JSON):
        doc = json.loads(decode_text(file, data))
        if kind == FileKind.JSON and _is_records(doc):
            return scan_table(file, kind, data, limits)
        return scan_json_doc(file, doc)
    if kind in TABLE_KINDS:
        return scan_table(file, kind, data, limits)
    raise FileRejected(file, RejectReason.UNSUPPORTED_TYPE)


def _is_records(doc: object) -> bool:
    return isinstance(doc, list) and bool(doc) and all(isinstance(r, dict) for r in doc)
