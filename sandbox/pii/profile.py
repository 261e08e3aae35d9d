"""A cheap, exact summary of a column used to skip rules that cannot match anywhere in it.

Every test here is conservative: a rule is skipped only when no cell can contain a match (for
example, no run of 15-19 digits means no bank card). Regex passes over a whole column are the
dominant cost of the fast path, so skipping them is what makes large tables scan quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGIT_RUN = re.compile(r"[0-9]+")
# Digits joined by the separators the patterns accept inside numbers (space, hyphen, brackets).
_SEPARATED_GROUP = re.compile(r"[0-9]+(?:[ ()\-]+[0-9]+)+")
_DIGITS = frozenset("0123456789")


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
    lengths = frozenset(map(len, _DIGIT_RUN.findall(text)))
    groups = _SEPARATED_GROUP.findall(text) if chars & {" ", "-", "(", ")"} else []
    most = max((sum(map(str.isdigit, g)) for g in groups), default=0)
    return Profile(text, lengths, most, chars)
