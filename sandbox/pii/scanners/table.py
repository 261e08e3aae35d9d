"""Tables: every column (and the header row itself) through the column fast path."""

from __future__ import annotations

import pandas as pd

from sandbox.pii.columns import cell_hits, column_groups, paused_gc
from sandbox.pii.findings import Finding
from sandbox.pii.kinds import FileKind, FileLimits
from sandbox.pii.report import column_findings, group_findings
from sandbox.pii.tables import column_values, read_sheets

HEADER_PSEUDO_COLUMN = "(column names)"
SHEET_PSEUDO_COLUMN = "(sheet names)"


def scan_frame(file: str, frame: pd.DataFrame, prefix: str = "") -> list[Finding]:
    """Findings for one DataFrame; headers are scanned too (a pivot can put names or IDs in them)."""
    findings: list[Finding] = []
    headers = [str(c) for c in frame.columns]
    with paused_gc():
        findings += column_findings(file, prefix, HEADER_PSEUDO_COLUMN, cell_hits("", headers))
        for position, header in enumerate(headers):
            values = column_values(frame.iloc[:, position])
            findings += group_findings(file, prefix, header, column_groups(header, values))
    return findings


def scan_table(file: str, kind: FileKind, data: bytes, limits: FileLimits) -> list[Finding]:
    findings: list[Finding] = []
    titles = []
    for sheet, frame in read_sheets(kind, data, limits, plain_strings=True):
        prefix = f"sheet {sheet}, " if kind == FileKind.XLSX else ""
        findings += scan_frame(file, frame, prefix)
        titles.append(sheet)
    if kind == FileKind.XLSX:  # sheet titles are free text too (a sheet per person is not unusual)
        findings += column_findings(file, "", SHEET_PSEUDO_COLUMN, cell_hits("", titles))
    return findings
