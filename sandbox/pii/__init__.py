"""Chinese PII scanning for exports: presidio-analyzer with our recognizers, per-file-type scanners.

Public interface (the airlock codes against these names): ``FileKind``, ``FileLimits``, ``sniff``,
``read_table``, ``Finding``, ``scan_file``, ``FileRejected`` (and ``RejectReason``), ``safe_name``.
Pure core: no I/O beyond the bytes passed in; no model downloads.
"""

from __future__ import annotations

from sandbox.pii.errors import FileRejected, RejectReason
from sandbox.pii.files import safe_name
from sandbox.pii.findings import Finding, Severity
from sandbox.pii.kinds import TABLE_KINDS, FileKind, FileLimits
from sandbox.pii.scan import scan_file
from sandbox.pii.sniff import sniff
from sandbox.pii.tables import read_table

__all__ = [
    "TABLE_KINDS",
    "FileKind",
    "FileLimits",
    "FileRejected",
    "Finding",
    "RejectReason",
    "Severity",
    "read_table",
    "safe_name",
    "scan_file",
    "sniff",
]
