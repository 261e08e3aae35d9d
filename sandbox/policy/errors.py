"""PolicyViolation: the one error the policy pipeline raises.

Messages name the rule, the table and the column, and never a literal or data value from the query:
callers pass identifiers only (catalogue names or the identifiers the user typed).
"""

from __future__ import annotations

import re

from sqlglot import exp

from sandbox.errors import SandboxError


class PolicyViolation(SandboxError):
    """A query the policy refuses; ``code`` is ``policy.<rule>``."""

    code = "policy.violation"
    exit_code = 2

    def __init__(
        self,
        rule: str,
        message: str,
        message_zh: str,
        *,
        dataset: str | None = None,
        column: str | None = None,
        line: int | None = None,
        col: int | None = None,
    ) -> None:
        where = f" (line {line}, column {col})" if line is not None else ""
        where_zh = f"（第 {line} 行第 {col} 列）" if line is not None else ""
        super().__init__(f"[{rule}] {message}{where}", f"[{rule}] {message_zh}{where_zh}", code=f"policy.{rule}")
        self.rule = rule
        self.dataset = dataset
        self.column = column
        self.line = line
        self.col = col


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}(\.[A-Za-z_][A-Za-z0-9_]{0,63}){0,2}")


def shown(name: str) -> str:
    """A user-typed identifier as messages may show it: a quoted name could carry a path or a data
    value (``FROM '/etc/passwd'``, ``"5226011990..."``), so only plain names are echoed."""
    return name if _PLAIN_NAME.fullmatch(name) else "(a quoted name)"


def location(node: exp.Expr | None) -> tuple[int | None, int | None]:
    """Line and column of the first token under ``node`` that the parser located."""
    if node is None:
        return None, None
    for sub in node.walk(bfs=False):
        meta = sub.meta if sub._meta else None  # reading .meta would create a dict
        if meta and "line" in meta:
            return int(meta["line"]), int(meta["col"])
    return None, None


def violation(
    rule: str,
    message: str,
    message_zh: str,
    node: exp.Expr | None = None,
    *,
    dataset: str | None = None,
    column: str | None = None,
) -> PolicyViolation:
    line, col = location(node)
    return PolicyViolation(rule, message, message_zh, dataset=dataset, column=column, line=line, col=col)
