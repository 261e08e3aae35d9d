"""Turn hits into findings: one per entity per place, with rows/lines, count and a masked sample."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

from sandbox.pii.columns import CellHit, HitGroup, group_hits, is_name_header
from sandbox.pii.findings import Finding, Severity, mask_sample
from sandbox.pii.policy import LABELS, severity
from sandbox.pii.resolve import Span

MAX_LISTED = 5


def _listing(numbers: list[int]) -> str:
    shown = ",".join(str(n) for n in numbers[:MAX_LISTED])
    return shown + (",…" if len(numbers) > MAX_LISTED else "")


def finding(file: str, location: str, entity: str, sev: Severity, count: int, sample: str, note: str = "") -> Finding:
    zh, en = LABELS.get(entity, (entity, entity))
    masked = f"，样例 {mask_sample(sample)}" if sample else ""
    masked_en = f", e.g. {mask_sample(sample)}" if sample else ""
    action_zh = {Severity.BLOCK: "须删除或脱敏后再申请", Severity.REVIEW: "需人工审核", Severity.INFO: "仅提示"}[sev]
    action_en = {
        Severity.BLOCK: "remove or de-identify it and resubmit",
        Severity.REVIEW: "a reviewer must check it",
        Severity.INFO: "for information",
    }[sev]
    note_zh, note_en = (
        ("（疑似编号，已降级为人工审核）", " (looks like serial numbers: demoted to review)") if note else ("", "")
    )
    return Finding(
        file=file,
        location=location,
        entity=entity,
        severity=sev.value,
        count=count,
        message_zh=f"[{entity}] {file} {location}：发现 {count} 处{zh}{masked}{note_zh}；{action_zh}。",
        message_en=f"[{entity}] {file} {location}: {count} {en} found{masked_en}{note_en}; {action_en}.",
    )


def column_findings(file: str, prefix: str, header: str, hits: Iterable[CellHit]) -> list[Finding]:
    """Findings for one column; ``prefix`` is e.g. ``"sheet 汇总, "`` or empty."""
    return group_findings(file, prefix, header, group_hits(hits))


def group_findings(file: str, prefix: str, header: str, groups: Iterable[HitGroup]) -> list[Finding]:
    """Findings for one column from its hits grouped by entity (see ``columns.column_groups``)."""
    named = is_name_header(header)
    out = []
    for g in sorted(groups, key=lambda g: (g.entity, g.demoted)):
        if g.demoted:
            sev = Severity.REVIEW
        elif g.entity == "PERSON":
            sev = severity(g.entity, name_column=named and g.score >= 0.9)
        else:
            sev = severity(g.entity)
        location = f"{prefix}column {header}, rows {_listing([r + 1 for r in g.rows])}"
        out.append(finding(file, location, g.entity, sev, g.total, g.sample, note="demoted" if g.demoted else ""))
    return out


def text_findings(file: str, prefix: str, text: str, spans: Iterable[Span]) -> list[Finding]:
    """Findings for a text; ``prefix`` is e.g. ``"cell 4 output 1, "``; lines are 1-based."""
    line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
    groups: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for s in spans:
        line = bisect.bisect_right(line_starts, s.start)
        groups[s.entity].append((line, text[s.start : s.end]))
    out = []
    for entity, items in sorted(groups.items()):
        lines = sorted({ln for ln, _ in items})
        word = "line" if len(lines) == 1 else "lines"
        location = f"{prefix}{word} {_listing(lines)}"
        out.append(finding(file, location, entity, severity(entity), len(items), items[0][1]))
    return out
