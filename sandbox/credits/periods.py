"""Accounting periods: months (statements) and half-years (self-reports), as [since, until) in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sandbox.credits.errors import bad_period

_MONTH = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")
_HALF = re.compile(r"(\d{4})-H([12])")


@dataclass(frozen=True)
class Period:
    name: str
    since: datetime
    until: datetime


def month(text: str) -> Period:
    found = _MONTH.fullmatch(text or "")
    if not found:
        raise bad_period("period")
    year, mon = int(found[1]), int(found[2])
    nxt = datetime(year + (mon == 12), mon % 12 + 1, 1, tzinfo=UTC)
    return Period(text, datetime(year, mon, 1, tzinfo=UTC), nxt)


def half(text: str) -> Period:
    found = _HALF.fullmatch(text or "")
    if not found:
        raise bad_period("half")
    year, h = int(found[1]), int(found[2])
    since = datetime(year, 1 if h == 1 else 7, 1, tzinfo=UTC)
    until = datetime(year, 7, 1, tzinfo=UTC) if h == 1 else datetime(year + 1, 1, 1, tzinfo=UTC)
    return Period(text, since, until)


def month_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def half_of(moment: datetime) -> str:
    moment = moment.astimezone(UTC)
    return f"{moment.year}-H{1 if moment.month <= 6 else 2}"


def halves_between(start: datetime, end: datetime) -> list[str]:
    """Every half-year from the one holding ``start`` to the one holding ``end``."""
    out, current = [], half(half_of(start))
    while current.since <= end:
        out.append(current.name)
        current = half(half_of(current.until))
    return out
