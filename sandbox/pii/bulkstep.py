"""The bulk step of the column fast path: which cells numpy judges, and each rule's hits as arrays.

``prepare`` splits a column's joined text into cells and groups the all-digit cells of a bulk length into
digit matrices; ``rule_hits`` runs one rule: its bulk checks on the cells it can judge whole, its regex on
the rest (see ``sandbox.pii.vector`` for why that split decides exactly as the regex alone).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sandbox.pii import vector
from sandbox.pii.profile import Profile, profile
from sandbox.pii.recognizers.base import Rule, Verdict, find_counted
from sandbox.pii.vector import BULK_LENGTHS, Digits


class Prepared(NamedTuple):
    """A column prepared for the bulk step.

    ``groups`` holds the all-digit cells of a bulk length as (rows, digit matrix); ``rest`` is the
    joined text with those cells overwritten by newlines (offsets unchanged), left to the regexes of
    rules with a digit ``bulk`` check. ``cells`` is None when a cell holds a newline (no bulk step).
    """

    cells: list[str] | None
    lengths: npt.NDArray[np.int64]
    groups: list[tuple[npt.NDArray[np.int64], Digits]]
    rest: str
    prof: Profile  # profile of the whole joined text
    rest_prof: Profile


def prepare(joined: str, n_values: int) -> Prepared:
    if joined.count("\n") != n_values - 1:
        prof = profile(joined)  # a cell holds a newline: no cheap way to find cells, the regexes do it all
        return Prepared(None, np.zeros(0, dtype=np.int64), [], joined, prof, prof)
    cells = joined.split("\n")
    lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
    groups = []
    rest_cells = cells
    run_lengths: set[int] = set()
    digits: set[str] = set()
    for length in sorted(BULK_LENGTHS & set(np.flatnonzero(np.bincount(lengths)).tolist())):
        rows = np.flatnonzero(lengths == length)
        d, pure = vector.digit_matrix([cells[i] for i in rows.tolist()], length)
        if not pure.any():
            continue
        rows, d = rows[pure], d[pure]
        groups.append((rows, d))
        rest_cells = _blank(rest_cells if rest_cells is not cells else list(cells), rows, length)
        run_lengths.add(length)
        digits.update(str(x) for x in np.flatnonzero(np.bincount(d.ravel(), minlength=10)).tolist())
    if not groups:
        prof = profile(joined)
        return Prepared(cells, lengths, [], joined, prof, prof)
    rest = "\n".join(rest_cells)
    rest_prof = profile(rest)
    # Each blanked cell was one maximal digit run and joined no separated group (newlines are no separator).
    chars = rest_prof.chars | digits if "\n" in joined else (rest_prof.chars - {"\n"}) | digits
    prof = Profile(joined, rest_prof.run_lengths | run_lengths, rest_prof.max_group_digits, frozenset(chars))
    return Prepared(cells, lengths, groups, rest, prof, rest_prof)


def _blank(cells: list[str], rows: npt.NDArray[np.int64], length: int) -> list[str]:
    """Overwrite the given cells (all of ``length``) with newlines, which no pattern matches."""
    blank = "\n" * length
    for i in rows.tolist():
        cells[i] = blank
    return cells


class RuleHits(NamedTuple):
    starts: npt.NDArray[np.int64]
    ends: npt.NDArray[np.int64]
    verdicts: npt.NDArray[np.int64]  # index into the verdict table
    candidates: int


def rule_hits(rule: Rule, cells: Prepared, offsets: npt.NDArray[np.int64], table: list[Verdict]) -> RuleHits:
    """Every hit of one rule: cells the rule can judge in bulk in bulk, the rest by regex; sorted by start."""
    index = {v: i for i, v in enumerate(table)}

    def ids(verdicts: Sequence[Verdict]) -> list[int]:
        out = []
        for v in verdicts:
            if v not in index:
                index[v] = len(table)
                table.append(v)
            out.append(index[v])
        return out

    bulk: list[tuple[npt.NDArray[np.int64], int, vector.Codes, tuple[Verdict, ...]]] = []
    if cells.cells is not None and rule.whole_cells is not None:
        if rule.applies is not None and not rule.applies(cells.prof):
            return RuleHits(*(np.zeros(0, dtype=np.int64),) * 3, 0)
        length, judge = rule.whole_cells
        rows = np.flatnonzero(cells.lengths == length)
        text = cells.prof.text
        if rows.size:
            bulk.append((rows, length, *judge([cells.cells[i] for i in rows.tolist()])))
            text = "\n".join(_blank(list(cells.cells), rows, length))
        hits, candidates = find_counted(rule, text)
    elif cells.cells is not None and rule.bulk is not None and cells.groups:
        hits, candidates = find_counted(rule, cells.rest, cells.rest_prof)
        bulk.extend((rows, d.shape[1], *rule.bulk(d)) for rows, d in cells.groups)
    else:
        hits, candidates = find_counted(rule, cells.prof.text, cells.prof)
    starts = [h[0] for h in hits]
    ends = [h[1] for h in hits]
    vids = ids([h[2] for h in hits])
    parts = [(np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64), np.asarray(vids, dtype=np.int64))]
    for rows, length, codes, verdicts in bulk:
        candidates += int(np.count_nonzero(codes != vector.NO_MATCH))
        ok = codes >= 0
        if not ok.any():
            continue
        lookup = np.asarray(ids(verdicts), dtype=np.int64)
        at = offsets[rows[ok]]
        parts.append((at, at + length, lookup[codes[ok]]))
    s, e, v = (np.concatenate(x) for x in zip(*parts, strict=True))
    if len(parts) > 1:
        order = np.argsort(s, kind="stable")
        s, e, v = s[order], e[order], v[order]
    return RuleHits(s, e, v, candidates)
