"""Turning a frozen export file into what a reviewer reads: a table with column statistics and the
findings marked on the cells they name, a notebook's cells, an image, or numbered text lines.

It reads with the same table reader the automatic checks use, so the reviewer sees what was checked.
Nothing here renders HTML from the file: every value goes through the template's escaping.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from sandbox.pii import FileKind, FileRejected, read_table

MAX_ROWS = 200
MAX_TEXT_LINES = 2000
MAX_IMAGE_BYTES = 4 * 1024 * 1024
TABLE_KINDS = frozenset({"csv", "tsv", "parquet", "xlsx", "json", "jsonl"})
_COLUMN = re.compile(r"column (?P<column>[^,]+?)(?:, rows (?P<rows>[\d,]+))?(?: \(\+\d+\))?$")
_CELL = re.compile(r"cell (?P<cell>\d+)")
_LINE = re.compile(r"line (?P<line>\d+)")
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF8": "image/gif"}


@dataclass
class Rendered:
    """One file ready for the template; ``marks`` say which parts the findings point at."""

    kind: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    total_rows: int = 0
    stats: list[dict[str, Any]] = field(default_factory=list)
    flagged_cells: set[tuple[int, str]] = field(default_factory=set)  # (1-based row, column)
    flagged_columns: set[str] = field(default_factory=set)
    cells: list[dict[str, Any]] = field(default_factory=list)  # notebook cells
    flagged_notebook_cells: set[int] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    flagged_lines: set[int] = field(default_factory=set)
    image: str | None = None  # a data: URI
    problem: str | None = None


def marks(findings: list[dict[str, Any]], rendered: Rendered) -> None:
    """Place each finding's location (as the checks write it) on the rendered file."""
    for f in findings:
        where = str(f.get("location", ""))
        if found := _COLUMN.match(where):
            column = found.group("column").strip()
            rows = [int(r) for r in (found.group("rows") or "").split(",") if r.isdigit()]
            if rows:
                rendered.flagged_cells |= {(r, column) for r in rows}
            else:
                rendered.flagged_columns.add(column)
        elif found := _CELL.match(where):
            rendered.flagged_notebook_cells.add(int(found.group("cell")))
        elif found := _LINE.match(where):
            rendered.flagged_lines.add(int(found.group("line")))


def render_file(kind: str, data: bytes, findings: list[dict[str, Any]]) -> Rendered:
    try:
        if kind in TABLE_KINDS:
            rendered = _table(kind, data)
        elif kind == "notebook":
            rendered = _notebook(data)
        elif kind == "image":
            rendered = _image(data)
        elif kind in ("text", "markdown"):
            rendered = Rendered(kind, lines=data.decode("utf-8", errors="replace").splitlines()[:MAX_TEXT_LINES])
        else:
            rendered = Rendered(kind, problem="binary")
    except (FileRejected, ValueError, KeyError, TypeError):
        rendered = Rendered(kind, problem="unreadable")
    marks(findings, rendered)
    return rendered


def _table(kind: str, data: bytes) -> Rendered:
    frame = read_table(FileKind(kind), data)
    columns = [str(c) for c in frame.columns]
    rows = [
        ["" if v is None or v != v else str(v) for v in row] for row in frame.head(MAX_ROWS).itertuples(index=False)
    ]
    return Rendered(kind, columns=columns, rows=rows, total_rows=len(frame), stats=_stats(frame, columns))


def _stats(frame: Any, columns: list[str]) -> list[dict[str, Any]]:
    import pandas as pd  # the table reader already depends on it

    out = []
    for name, column in zip(columns, frame.columns, strict=True):
        values = frame[column]
        numbers = pd.to_numeric(values, errors="coerce")
        numeric = bool(len(values) and numbers.notna().sum() == values.notna().sum() and numbers.notna().any())
        row: dict[str, Any] = {
            "column": name,
            "non_null": int(values.notna().sum()),
            "distinct": int(values.nunique(dropna=True)),
            "numeric": numeric,
        }
        if numeric:
            row |= {"min": _num(numbers.min()), "max": _num(numbers.max()), "mean": _num(numbers.mean())}
        out.append(row)
    return out


def _num(value: Any) -> str:
    number = float(value)
    return f"{number:.0f}" if number.is_integer() else f"{number:.4g}"


def _notebook(data: bytes) -> Rendered:
    doc = json.loads(data)
    cells = []
    for index, cell in enumerate(doc.get("cells", []), start=1):
        outputs = []
        for output in cell.get("outputs", []) or []:
            bundle = output.get("data", {}) or {}
            image = next((k for k in ("image/png", "image/jpeg") if k in bundle), None)
            if image:
                outputs.append({"image": f"data:{image};base64,{_joined(bundle[image]).strip()}"})
            elif "text/plain" in bundle:
                outputs.append({"text": _joined(bundle["text/plain"])})
            elif "text" in output:
                outputs.append({"text": _joined(output["text"])})
        cells.append(
            {
                "index": index,
                "type": cell.get("cell_type", "code"),
                "source": _joined(cell.get("source", "")),
                "outputs": outputs,
            }
        )
    return Rendered("notebook", cells=cells)


def _joined(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _image(data: bytes) -> Rendered:
    kind = next((t for magic, t in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if kind is None or len(data) > MAX_IMAGE_BYTES:
        return Rendered("image", problem="unreadable")
    return Rendered("image", image=f"data:{kind};base64,{base64.b64encode(data).decode()}")
