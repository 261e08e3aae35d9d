"""Personal information in any file, by the PII scanners of ``sandbox.pii`` (never our own recognizers)."""

from __future__ import annotations

from sandbox.exports.checks.base import CheckContext
from sandbox.exports.model import CheckFinding
from sandbox.pii import scan_file

NAME = "pii"


def check(ctx: CheckContext) -> list[CheckFinding]:
    found = []
    for f in ctx.files:
        for hit in scan_file(f.name, f.data):
            found.append(
                CheckFinding(
                    NAME, f"pii.{hit.entity}", f.name, hit.location, hit.severity, hit.message_en, hit.message_zh
                )
            )
    return found
