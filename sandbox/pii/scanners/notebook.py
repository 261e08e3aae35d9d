"""Jupyter notebooks: code and markdown sources, every output type, attachments and metadata."""

from __future__ import annotations

import html
import json
import re
from typing import Any

from sandbox.pii.errors import FileRejected, RejectReason
from sandbox.pii.findings import Finding
from sandbox.pii.kinds import FileLimits
from sandbox.pii.scanners.image import image_finding
from sandbox.pii.scanners.jsondoc import scan_json_doc
from sandbox.pii.scanners.text import scan_text

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_TAG = re.compile(r"<[^>]*>")
_IMAGE_MIME = re.compile(r"^image/")


def _joined(value: Any) -> str:
    if isinstance(value, list):
        return "".join(str(v) for v in value)
    return "" if value is None else str(value)


def html_text(markup: str) -> str:
    """Tags become tabs (never glue two table cells into one number), entities are unescaped."""
    return html.unescape(_TAG.sub("\t", markup))


def scan_notebook(file: str, text: str, limits: FileLimits) -> list[Finding]:
    try:
        nb = json.loads(text)
        cells = nb["cells"]
        if not isinstance(cells, list):
            raise TypeError
    except (ValueError, KeyError, TypeError, RecursionError):
        raise FileRejected(file, RejectReason.CORRUPT, "not a valid notebook", "不是有效的 notebook") from None
    if len(cells) > limits.max_notebook_cells:
        raise FileRejected(file, RejectReason.TOO_LARGE, f"more than {limits.max_notebook_cells} cells")
    findings: list[Finding] = []
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise FileRejected(file, RejectReason.CORRUPT, f"cell {number} is not an object")
        findings += scan_text(file, _joined(cell.get("source")), f"cell {number} source, ")
        for name in cell.get("attachments") or {}:
            findings.append(image_finding(file, f"cell {number} attachment {name}"))
        for out_no, output in enumerate(cell.get("outputs") or [], start=1):
            findings += _scan_output(file, f"cell {number} output {out_no}", output)
        if cell.get("metadata"):
            findings += scan_json_doc(file, cell["metadata"], f"cell {number} metadata, ")
    if nb.get("metadata"):
        findings += scan_json_doc(file, nb["metadata"], "notebook metadata, ")
    return findings


def _scan_output(file: str, where: str, output: Any) -> list[Finding]:
    if not isinstance(output, dict):
        raise FileRejected(file, RejectReason.CORRUPT, f"{where} is not an object")
    kind = output.get("output_type")
    findings: list[Finding] = []
    if kind == "stream":
        findings += scan_text(file, _joined(output.get("text")), f"{where} ({output.get('name', 'stream')}), ")
    elif kind == "error":
        parts = [str(output.get("ename", "")), str(output.get("evalue", "")), *map(str, output.get("traceback") or [])]
        findings += scan_text(file, _ANSI.sub("", "\n".join(parts)), f"{where} (error), ")
    else:  # execute_result, display_data, update_display_data, and anything unknown: scan every MIME type
        for mime, payload in (output.get("data") or {}).items():
            if mime in ("text/html", "image/svg+xml"):
                findings += scan_text(file, html_text(_joined(payload)), f"{where} ({mime}), ")
                if mime == "image/svg+xml":
                    findings.append(image_finding(file, f"{where} ({mime})"))
            elif _IMAGE_MIME.match(mime):
                findings.append(image_finding(file, f"{where} ({mime})"))
            elif isinstance(payload, dict | list) and mime.endswith("json"):
                findings += scan_json_doc(file, payload, f"{where} ({mime}), ")
            else:
                findings += scan_text(file, _joined(payload), f"{where} ({mime}), ")
    return findings
