"""Cross-type resolution: presidio keeps overlapping results of different types; we keep one per span.

Checksum-validated hits win over unvalidated ones, then longer over shorter, then higher score.
"""

from __future__ import annotations

import bisect
import itertools
from typing import NamedTuple


class Span(NamedTuple):
    start: int
    end: int
    entity: str
    score: float
    validated: bool
    numeric: bool = True


def resolve(spans: list[Span]) -> list[Span]:
    """Greedy non-overlapping selection in priority order; the result is sorted by start."""
    by_start = sorted(spans, key=lambda s: s.start)
    if all(a.end <= b.start for a, b in itertools.pairwise(by_start)):
        return by_start  # the common case in a table column: nothing overlaps
    ordered = sorted(spans, key=lambda s: (not s.validated, -(s.end - s.start), -s.score, s.start))
    # Accepted spans never overlap, so checking the two neighbours by start offset is enough.
    starts: list[int] = []
    kept: list[Span] = []
    for s in ordered:
        i = bisect.bisect_right(starts, s.start)
        if (i > 0 and kept[i - 1].end > s.start) or (i < len(kept) and kept[i].start < s.end):
            continue
        starts.insert(i, s.start)
        kept.insert(i, s)
    return kept
