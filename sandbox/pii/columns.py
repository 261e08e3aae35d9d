"""The column-aware fast path for tables.

Short-valued columns are scanned as one joined string per column (one regex pass per rule instead
of one per cell), hits are validated and mapped back to rows by offset. The column header acts as
context, as presidio does for words before a match, and serial-number headers demote unvalidated
hits. Long free-text columns go through presidio with the jieba engine instead.
"""

from __future__ import annotations

import bisect
import contextlib
import gc
import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sandbox.pii.bulkstep import prepare, rule_hits
from sandbox.pii.normalize import normalize
from sandbox.pii.policy import THRESHOLD, header_score, is_negative_header
from sandbox.pii.recognizers.base import Verdict
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


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a table's hits are built.

    A large table yields about a million small tuples and none of them forms a cycle, yet every
    few hundred thousand allocations trigger a full collection that walks them all again (a fifth of
    the scan time). Reference counting still frees everything; the collector resumes afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def is_name_header(header: str) -> bool:
    h = header.lower()
    return any(w in h for w in NAME_HEADERS)


class HitGroup(NamedTuple):
    """All hits of one entity (demoted or not) in a column: what a finding needs, without a tuple per hit."""

    entity: str
    demoted: bool
    rows: list[int]  # 0-based, sorted, distinct
    total: int
    sample: str  # the first hit's value (never shown raw)
    score: float  # the first hit's score


class _Found(NamedTuple):
    """The short-value hits of a column as arrays, in text order."""

    joined: str
    rows: npt.NDArray[np.int64]
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    entity: npt.NDArray[np.int64]  # index into ``entities``
    scores: npt.NDArray[np.float64]
    entities: list[str]

    def hits(self) -> list[CellHit]:
        names, text = self.entities, self.joined
        return [
            CellHit(row, names[e], sc, text[s:t], sc < THRESHOLD)
            for row, s, t, e, sc in zip(
                self.rows.tolist(),
                self.starts.tolist(),
                self.ends.tolist(),
                self.entity.tolist(),
                self.scores.tolist(),
                strict=True,
            )
        ]

    def groups(self) -> list[HitGroup]:
        demoted = self.scores < THRESHOLD
        keys = self.entity * 2 + demoted
        out = []
        for key in np.unique(keys).tolist():
            where = np.flatnonzero(keys == key)
            first = int(where[0])
            sample = self.joined[int(self.starts[first]) : int(self.ends[first])]
            rows = self.rows[where]  # in text order, so sorted: drop repeats
            rows = rows[np.r_[True, rows[1:] != rows[:-1]]].tolist()
            out.append(
                HitGroup(self.entities[key // 2], bool(key % 2), rows, where.size, sample, float(self.scores[first]))
            )
        return out


def cell_hits(header: str, values: Sequence[str]) -> list[CellHit]:
    """Every hit in one column, above threshold or demoted from above it by a serial-number header."""
    if not values:
        return []
    if _is_free_text(values):
        return _free_text_hits(header, values)
    found = _short_value_hits(header, values)
    hits = found.hits() if found is not None else []
    hits.extend(_name_cells(header, values))
    return hits


def column_groups(header: str, values: Sequence[str]) -> list[HitGroup]:
    """``group_hits(cell_hits(header, values))``, without building a tuple per hit of the fast path."""
    if not values:
        return []
    if _is_free_text(values):
        return group_hits(_free_text_hits(header, values))
    found = _short_value_hits(header, values)
    groups = found.groups() if found is not None else []
    names = _name_cells(header, values)
    if not names:
        return groups
    return _merge(groups, group_hits(names))


def group_hits(hits: Iterable[CellHit]) -> list[HitGroup]:
    """Hits grouped by (entity, demoted), each group's rows sorted, in first-seen order."""
    by_key: dict[tuple[str, bool], list[CellHit]] = {}
    for h in hits:
        by_key.setdefault((h.entity, h.demoted), []).append(h)
    return [
        HitGroup(entity, demoted, sorted({h.row for h in items}), len(items), items[0].value, items[0].score)
        for (entity, demoted), items in by_key.items()
    ]


def _merge(first: list[HitGroup], second: list[HitGroup]) -> list[HitGroup]:
    merged = {(g.entity, g.demoted): g for g in first}
    for g in second:
        old = merged.get((g.entity, g.demoted))
        merged[(g.entity, g.demoted)] = (
            g if old is None else old._replace(rows=sorted({*old.rows, *g.rows}), total=old.total + g.total)
        )
    return list(merged.values())


def _is_free_text(values: Sequence[str]) -> bool:
    return sum(map(len, values)) / len(values) > FREE_TEXT_MEAN_CHARS


def _short_value_hits(header: str, values: Sequence[str]) -> _Found | None:
    joined = normalize("\n".join(values))
    h = header.lower()
    negative = is_negative_header(header)
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) + 1
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    cells = prepare(joined, len(values))
    table: list[Verdict] = []
    found: list[
        tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.float64], bool]
    ] = []
    for rule in TABLE_RULES:
        rh = rule_hits(rule, cells, offsets, table)
        if not len(rh.starts):
            continue
        has_context = any(w in h for w in rule.context)
        # Many same-shape numbers of which few pass the checksum are serial numbers that pass by chance
        # (Luhn: 1 in 10): their hits go to review, never to pass.
        chance = rh.candidates >= CHANCE_MIN_CANDIDATES and len(rh.starts) < CHANCE_RATE * rh.candidates
        scores = np.zeros(len(table), dtype=np.float64)
        keep = np.zeros(len(table), dtype=bool)
        for i in np.unique(rh.verdicts).tolist():  # few distinct verdicts per rule: score each once
            v = table[i]
            score = header_score(v.score, v.validated, rule.numeric, has_context, negative)
            scores[i] = min(score, CHANCE_SCORE) if chance and v.validated and rule.numeric else score
            keep[i] = scores[i] >= THRESHOLD or ((negative or chance) and v.score >= THRESHOLD)
        mask = keep[rh.verdicts]
        if mask.any():
            found.append((rh.starts[mask], rh.ends[mask], rh.verdicts[mask], scores[rh.verdicts[mask]], rule.numeric))
    if not found:
        return None
    starts = np.concatenate([f[0] for f in found])
    ends = np.concatenate([f[1] for f in found])
    vids = np.concatenate([f[2] for f in found])
    scores = np.concatenate([f[3] for f in found])
    numeric = np.concatenate([np.full(len(f[0]), f[4]) for f in found])
    entities = list(dict.fromkeys(v.entity for v in table))
    entity_id = {name: i for i, name in enumerate(entities)}
    validated = np.asarray([v.validated for v in table], dtype=bool)[vids]
    vids = np.asarray([entity_id[v.entity] for v in table], dtype=np.int64)[vids]  # verdict -> entity
    if len(found) > 1:
        order = np.argsort(starts, kind="stable")
        starts, ends, vids, scores = starts[order], ends[order], vids[order], scores[order]
        if (ends[:-1] > starts[1:]).any():  # overlaps across rules: resolve them span by span (rare)
            spans = [
                Span(s, e, entities[v], sc, va, nu)
                for s, e, v, sc, va, nu in zip(
                    starts.tolist(),
                    ends.tolist(),
                    vids.tolist(),
                    scores.tolist(),
                    validated[order].tolist(),
                    numeric[order].tolist(),
                    strict=True,
                )
            ]
            kept = resolve(spans)
            starts = np.fromiter((k.start for k in kept), dtype=np.int64, count=len(kept))
            ends = np.fromiter((k.end for k in kept), dtype=np.int64, count=len(kept))
            vids = np.fromiter((entity_id[k.entity] for k in kept), dtype=np.int64, count=len(kept))
            scores = np.fromiter((k.score for k in kept), dtype=np.float64, count=len(kept))
    rows = np.searchsorted(offsets, starts, side="right") - 1
    return _Found(joined, rows, starts, ends, vids, scores, entities)


def _name_cells(header: str, values: Sequence[str]) -> list[CellHit]:
    named = is_name_header(header)
    if not named and _HAN.search("\n".join(values)) is None:
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
