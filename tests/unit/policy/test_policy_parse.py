"""Parsing: one statement, syntax errors located, the query text never echoed."""

from __future__ import annotations

import pytest
from policy_support import context

from sandbox.policy import PolicyViolation, plan_query
from sandbox.policy.context import Dialect


def _refusal(sql: str, dialect: Dialect = "duckdb") -> PolicyViolation:
    with pytest.raises(PolicyViolation) as caught:
        plan_query(sql, context("tourism", dialect))
    return caught.value


def test_when_sql_is_invalid_then_the_error_points_at_line_and_column() -> None:
    error = _refusal("SELECT hotel_id\nFROM tourism.lodging_establishment WHERE star = = 3")
    assert (error.code, error.line, error.col) == ("policy.syntax", 2, 49)
    assert "line 2, column 49" in error.message and "第 2 行第 49 列" in error.message_zh
    assert "star" not in error.message


def test_when_a_string_is_unterminated_then_the_error_points_at_the_end() -> None:
    error = _refusal("SELECT 1,\n  'secret")
    assert (error.code, error.line, error.col) == ("policy.syntax", 2, 9)
    assert "secret" not in error.message


def test_when_two_statements_are_sent_then_the_second_is_located() -> None:
    error = _refusal("SELECT 1;\nSELECT name FROM tourism.lodging_establishment")
    assert error.code == "policy.statement"
    assert error.line == 2


@pytest.mark.parametrize("sql", ["", "   ", ";", "-- only a comment"])
def test_when_the_query_is_empty_then_it_is_a_syntax_error(sql: str) -> None:
    assert _refusal(sql).code == "policy.syntax"


def test_when_a_trailing_semicolon_is_sent_then_it_is_one_statement() -> None:
    plan = plan_query("SELECT name FROM tourism.lodging_establishment;", context("tourism", "duckdb"))
    assert [o.name for o in plan.output] == ["name"]


def test_when_a_command_is_sent_then_the_statement_rule_refuses_it() -> None:
    error = _refusal("ATTACH 'x.duckdb'")
    assert (error.code, error.rule) == ("policy.statement", "statement")
