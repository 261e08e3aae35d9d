"""A cheap, exact summary of a column used to skip rules that cannot match anywhere in it.

Every test here is conservative: a rule is skipped only when no cell can contain a match (for
example, no run of 15-19 digits means no bank card). Regex passes over a whole column are the
dominant cost of the fast path, so skipping them is what makes large tables scan quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

_DIGIT_RUN = re.compile(r"[0-9]+")
# Digits joined by the separators the patterns accept inside numbers (space, hyphen, brackets).
_SEPARATED_GROUP = re.compile(r"[0-9]+(?:[ ()\-]+[0-9]+)+")
_DIGITS = frozenset("0123456789")
_SEPARATOR_BYTES = np.frombuffer(b" ()-", dtype=np.uint8)


@dataclass(frozen=True)
class Profile:
    """Exact lengths of plain digit runs, and the most digits any separator-joined group holds."""

    text: str
    run_lengths: frozenset[int]
    max_group_digits: int
    chars: frozenset[str]

    def has_run(self, low: int, high: int | None = None) -> bool:
        """Could a number of ``low``..``high`` digits (separators allowed) occur in the column?"""
        top = low if high is None else high
        if any(low <= n <= top for n in self.run_lengths):
            return True
        return self.max_group_digits >= low


def profile(text: str) -> Profile:
    """Summarise already-normalised column text."""
    chars = frozenset(text)
    if not chars & _DIGITS:
        return Profile(text, frozenset(), 0, chars)
    lengths, most = _runs(text)
    return Profile(text, lengths, most, chars)


def _runs(text: str) -> tuple[frozenset[int], int]:
    """Digit-run lengths (``_DIGIT_RUN``) and the most digits in one ``_SEPARATED_GROUP`` match, in numpy.

    A separated group is exactly the digit runs of one stretch of digits and separators holding at least
    two runs, so no string per run or group is built.
    """
    # One byte per character: everything outside ASCII becomes "?", so positions and digits are kept.
    raw = np.frombuffer(text.encode("ascii", "replace"), dtype=np.uint8)
    digit = (raw >= 48) & (raw <= 57)
    edges = np.diff(digit.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    runs = np.flatnonzero(edges == -1) - starts
    lengths = frozenset(np.flatnonzero(np.bincount(runs)).tolist())
    other = ~(digit | np.isin(raw, _SEPARATOR_BYTES))
    stretch = np.cumsum(other)[starts]  # runs with no other character between them share a stretch
    index = np.cumsum(np.r_[True, stretch[1:] != stretch[:-1]]) - 1
    per_stretch = np.bincount(index)
    digits = np.bincount(index, weights=runs)[per_stretch >= 2]
    return lengths, int(digits.max()) if digits.size else 0
