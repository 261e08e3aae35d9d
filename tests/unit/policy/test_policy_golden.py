"""Golden files: accepted queries rewrite to exactly the expected SQL; refused ones fail with their code."""

from __future__ import annotations

import re

import pytest
from policy_support import (
    GoldenPair,
    RejectedCase,
    all_pairs,
    all_rejected,
    context,
    expand_views,
    view_sql,
)

from sandbox.policy import PolicyViolation, plan_query

PAIRS = [p for p in all_pairs() if p.file != "views"]
VIEWS = [p for p in all_pairs() if p.file == "views"]
REJECTED = all_rejected()


@pytest.mark.parametrize("pair", PAIRS, ids=[p.id for p in PAIRS])
def test_accepted_query_rewrites_to_golden_sql(pair: GoldenPair) -> None:
    plan = plan_query(pair.sql, context(pair.grant, pair.dialect))
    assert plan.sql == expand_views(pair.expected, pair.grant, pair.dialect)


@pytest.mark.parametrize("pair", VIEWS, ids=[p.id for p in VIEWS])
def test_policy_view_matches_golden_sql(pair: GoldenPair) -> None:
    assert view_sql(pair.grant, pair.sql, pair.dialect) == pair.expected


@pytest.mark.parametrize("case", REJECTED, ids=[c.id for c in REJECTED])
def test_refused_query_fails_with_its_code(case: RejectedCase) -> None:
    with pytest.raises(PolicyViolation) as caught:
        plan_query(case.sql, context(case.grant, case.dialect))
    assert caught.value.code == case.code, caught.value.message


_LITERALS = re.compile(r"'([^']*)'")


@pytest.mark.parametrize("case", REJECTED, ids=[c.id for c in REJECTED])
def test_refusal_message_names_no_literal_and_no_trace(case: RejectedCase) -> None:
    with pytest.raises(PolicyViolation) as caught:
        plan_query(case.sql, context(case.grant, case.dialect))
    error = caught.value
    for text in (error.message, error.message_zh):
        assert "Traceback" not in text and 'File "' not in text
        for literal in _LITERALS.findall(case.sql):
            assert len(literal) < 2 or literal not in text
        assert f"[{error.rule}]" in text


def test_golden_files_cover_both_dialects() -> None:
    assert {p.dialect for p in PAIRS} == {"duckdb", "postgres"}
    assert {c.dialect for c in REJECTED} == {"duckdb", "postgres"}
