"""Parse exactly one statement in the warehouse dialect; syntax errors point at line and column."""

from __future__ import annotations

from sqlglot import ParseError, TokenError, exp, parse
from sqlglot.optimizer.normalize_identifiers import normalize_identifiers

from sandbox.policy.context import Dialect
from sandbox.policy.errors import PolicyViolation, violation


def parse_statement(sql: str, dialect: Dialect) -> exp.Expr:
    """The single statement of ``sql``, identifiers normalised as the engine would."""
    try:
        statements = [s for s in parse(sql, read=dialect) if s is not None]
    except ParseError as error:
        first = error.errors[0] if error.errors else {}
        # The parser's own text quotes the query around the error: never echo it.
        raise PolicyViolation(
            "syntax",
            "The query is not valid SQL here.",
            "查询在此处不是合法的 SQL。",
            line=first.get("line"),
            col=first.get("col"),
        ) from None
    except TokenError as error:
        line, col = _position(sql, getattr(error, "end", len(sql)))
        raise PolicyViolation(
            "syntax",
            "The query has an unterminated string, identifier or comment.",
            "查询中存在未闭合的字符串、标识符或注释。",
            line=line,
            col=col,
        ) from None
    if not statements:
        raise PolicyViolation("syntax", "The query is empty.", "查询为空。")
    if len(statements) > 1:
        raise violation(
            "statement",
            "Send exactly one statement per query.",
            "每次查询只能包含一条语句。",
            statements[1],
        )
    return normalize_identifiers(statements[0], dialect=dialect)


def _position(sql: str, offset: int) -> tuple[int, int]:
    offset = max(0, min(offset, len(sql)))
    line = sql.count("\n", 0, offset) + 1
    return line, offset - (sql.rfind("\n", 0, offset) + 1) + 1
