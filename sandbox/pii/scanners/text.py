"""Plain text and Markdown: presidio over the whole text, findings per entity with line numbers."""

from __future__ import annotations

from sandbox.pii.findings import Finding
from sandbox.pii.report import text_findings
from sandbox.pii.text import text_spans


def scan_text(file: str, text: str, prefix: str = "") -> list[Finding]:
    return text_findings(file, prefix, text, text_spans(text))
