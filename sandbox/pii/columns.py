"""The column-aware fast path for tables.

Short-valued columns are scanned as one joined string per column (one regex pass per rule instead
of one per cell), hits are validated and mapped back to rows by offset. The column header acts as
context, as presidio does for words before a match, and serial-number headers demote unvalidated
hits. Long free-text columns go through presidio with the jieba engine instead.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from sandbox.pii.normalize import normalize
from sandbox.pii.policy import THRESHOLD, header_score, is_negative_header
from sandbox.pii.profile import profile
from sandbox.pii.recognizers.base import Verdict, find_counted
from sandbox.pii.recognizers.person import CELL_PATTERN, NAME_HEADERS
from sandbox.pii.registry import TABLE_RULES
from sandbox.pii.resolve import Span, resolve
from sandbox.pii.text import text_spans

FREE_TEXT_MEAN_CHARS = 32
CHANCE_MIN_CANDIDATES = 20
CHANCE_RATE = 0.2
CHANCE_SCORE = THRESHOLD - 0.1  # below threshold: reported as a demoted (review) hit
_HAN = re.compile(r"[\u4e00-\u9fff]")
# A header-less column is name-like when this share of its cells are name-shaped and mostly distinct.
_NAME_SHARE = 0.8
_NAME_DISTINCT = 0.3
_NAME_MIN_CELLS = 20


class CellHit(NamedTuple):
    """One detected value: its row (0-based), entity, final score and the value itself (never shown raw)."""

    row: int
    entity: str
    score: float
    value: str
    demoted: bool = False


def is_name_header(header: str) -> bool:
    h = header.lower()
    return any(w in h for w in NAME_HEADERS)


def cell_hits(header: str, values: Sequence[str]) -> list[CellHit]:
    """Every hit in one column, above threshold or demoted from above it by a serial-number header."""
    if not values:
        return []
    total = sum(map(len, values))
    if total / len(values) > FREE_TEXT_MEAN_CHARS:
        return _free_text_hits(header, values)
    hits = _short_value_hits(header, values)
    hits.extend(_name_cells(header, values))
    return hits


def _short_value_hits(header: str, values: Sequence[str]) -> list[CellHit]:
    joined = normalize("\n".join(values))
    h = header.lower()
    negative = is_negative_header(header)
    prof = profile(joined)
    per_rule: list[list[Span]] = []
    for rule in TABLE_RULES:
        hits, candidates = find_counted(rule, joined, prof)
        if not hits:
            continue
        has_context = any(w in h for w in rule.context)
        # Many same-shape numbers of which few pass the checksum are serial numbers that pass by chance
        # (Luhn: 1 in 10): their hits go to review, never to pass.
        chance = candidates >= CHANCE_MIN_CANDIDATES and len(hits) < CHANCE_RATE * candidates
        scored: dict[Verdict, float] = {}  # few distinct verdicts per rule: score each once
        for v in {hit[2] for hit in hits}:
            score = header_score(v.score, v.validated, rule.numeric, has_context, negative)
            scored[v] = min(score, CHANCE_SCORE) if chance and v.validated and rule.numeric else score
        keep = {
            v for v, score in scored.items() if score >= THRESHOLD or ((negative or chance) and v.score >= THRESHOLD)
        }
        spans = [
            Span(start, end, v.entity, scored[v], v.validated, rule.numeric)
            for start, end, v, _rule in hits
            if v in keep
        ]
        if spans:
            per_rule.append(spans)
    if not per_rule:
        return []
    # One rule's matches never overlap each other: resolution is only needed across rules.
    kept = per_rule[0] if len(per_rule) == 1 else resolve([s for spans in per_rule for s in spans])
    lengths = np.fromiter((len(v) + 1 for v in values), dtype=np.int64, count=len(values))
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    rows = (np.searchsorted(starts, [s.start for s in kept], side="right") - 1).tolist()
    return [
        CellHit(row, s.entity, s.score, joined[s.start : s.end], s.score < THRESHOLD)
        for row, s in zip(rows, kept, strict=True)
    ]


def _name_cells(header: str, values: Sequence[str]) -> list[CellHit]:
    named = is_name_header(header)
    if not named and not any(_HAN.search(v) for v in values[:1000]) and not any(map(_HAN.search, values)):
        return []
    matches = [(i, v) for i, v in enumerate(values) if v and CELL_PATTERN.match(v.strip())]
    if named:
        return [CellHit(i, "PERSON", 0.9, v) for i, v in matches]
    non_empty = sum(1 for v in values if v)
    if len(matches) < _NAME_MIN_CELLS or len(matches) < _NAME_SHARE * non_empty:
        return []
    if len({v for _, v in matches}) < _NAME_DISTINCT * len(matches):
        return []
    # Name-shaped and mostly distinct under a neutral header: a human decides (score below block level).
    return [CellHit(i, "PERSON", 0.5, v) for i, v in matches]


def _free_text_hits(header: str, values: Sequence[str]) -> list[CellHit]:
    joined = "\n".join(values)
    starts = list(itertools.accumulate((len(v) + 1 for v in values[:-1]), initial=0))
    out = []
    for s in text_spans(joined, context=[header]):
        row = bisect.bisect_right(starts, s.start) - 1
        out.append(CellHit(row, s.entity, s.score, joined[s.start : s.end]))
    return out
