"""The §4.3 arithmetic: the worked example to the printed digits, and the split's invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.credits.params import CreditParams
from sandbox.credits.scheme import MICRO, SourceUse, allocate, format_credits, split_pool, split_value

G = CreditParams().level_weights

# requirements §4.3 worked example: 公积金 (4 L4 columns, m = 120,000), 不动产 (2, 80,000), 民政 (1, 30,000).
EXAMPLE = [
    SourceUse("housing_fund.hpf_withdrawal", "D12", (4, 4, 4, 4), 120_000),
    SourceUse("housing_fund.re_property_right", "D07", (4, 4), 80_000),
    SourceUse("housing_fund.ca_marriage", "D13", (4,), 30_000),
]


def test_the_worked_example_of_4_3_is_reproduced_exactly() -> None:
    split = split_value(1.0, "public_interest", operator_share=0.3, developer_share=0.2, developer_owned=True)
    assert split.pool_micro == MICRO  # 公益: α = β = 0, P = V = 1 credit

    shares = split_pool(split.pool_micro, EXAMPLE, lam=0.5, level_weights=G)

    assert [s.sum_g for s in shares] == [12, 6, 3]
    assert [f"{s.log_rows:.2f}" for s in shares] == ["16.87", "16.29", "14.87"]
    assert [f"{s.weight:.1f}" for s in shares] == ["202.5", "97.7", "44.6"]
    assert f"{sum(s.weight for s in shares):.1f}" == "344.8"
    assert all(f"{s.equal_part:.4f}" == "0.1667" for s in shares)
    assert [f"{s.proportional_part:.4f}" for s in shares] == ["0.2936", "0.1417", "0.0647"]
    assert [f"{s.share:.3f}" for s in shares] == ["0.460", "0.308", "0.231"]
    assert [f"{s.credit_micro / MICRO:.3f}" for s in shares] == ["0.460", "0.308", "0.231"]
    assert [s.credit_micro for s in shares] == [460_261, 308_374, 231_365]
    assert sum(s.credit_micro for s in shares) == MICRO


def test_commercial_value_is_split_between_operator_developer_and_suppliers() -> None:
    owned = split_value(10.0, "commercial", operator_share=0.3, developer_share=0.2, developer_owned=True)
    adhoc = split_value(10.0, "commercial", operator_share=0.3, developer_share=0.2, developer_owned=False)
    assert (owned.operator_micro, owned.developer_micro, owned.pool_micro) == (3 * MICRO, 2 * MICRO, 5 * MICRO)
    assert (adhoc.developer_micro, adhoc.pool_micro) == (0, 7 * MICRO)


def test_quality_factor_moves_share_towards_the_better_kept_source() -> None:
    better = [EXAMPLE[0], SourceUse(**{**EXAMPLE[1].__dict__, "quality": 1.2}), EXAMPLE[2]]
    plain = split_pool(MICRO, EXAMPLE, lam=0.5, level_weights=G)
    adjusted = split_pool(MICRO, better, lam=0.5, level_weights=G)
    assert adjusted[1].credit_micro > plain[1].credit_micro
    assert adjusted[0].credit_micro < plain[0].credit_micro
    assert sum(s.credit_micro for s in adjusted) == MICRO


def test_sources_without_used_columns_split_equally() -> None:
    shares = split_pool(900, [SourceUse("a.x", "D1", (), 0), SourceUse("a.y", "D2", (), 0)], lam=0.5, level_weights=G)
    assert [s.credit_micro for s in shares] == [450, 450]


def test_format_credits_prints_six_decimals() -> None:
    assert format_credits(460_261) == "0.460261"
    assert format_credits(12 * MICRO + 5) == "12.000005"


sources = st.lists(
    st.builds(
        SourceUse,
        dataset=st.text("abcdefgh", min_size=1, max_size=6).map(lambda t: f"s.{t}"),
        department=st.sampled_from(["D01", "D07", "D12", "D13"]),
        column_levels=st.lists(st.integers(1, 4), max_size=8).map(tuple),
        rows=st.integers(0, 50_000_000),
        quality=st.floats(0.8, 1.2),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda s: s.dataset,
)


@settings(max_examples=300, deadline=None)
@given(pool=st.integers(0, 10**12), uses=sources, lam=st.floats(0, 1))
def test_shares_always_sum_to_the_pool_and_are_never_negative(pool: int, uses: list[SourceUse], lam: float) -> None:
    shares = split_pool(pool, uses, lam=lam, level_weights=G)
    assert sum(s.credit_micro for s in shares) == pool
    assert all(s.credit_micro >= 0 for s in shares)
    assert math.isclose(sum(s.adjusted_share for s in shares), 1.0, rel_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(total=st.integers(0, 10**9), weights=st.lists(st.floats(0.001, 1000), min_size=1, max_size=10))
def test_allocation_is_exact_and_within_one_unit_of_the_real_share(total: int, weights: list[float]) -> None:
    fractions = [w / sum(weights) for w in weights]
    allocated = allocate(total, fractions, [str(i) for i in range(len(weights))])
    assert sum(allocated) == total
    assert all(abs(a - total * f) < 1.0 + 1e-6 * total for a, f in zip(allocated, fractions, strict=True))


@pytest.mark.parametrize("kind", ["commercial"])
def test_shares_that_exceed_the_value_are_refused(kind: str) -> None:
    with pytest.raises(ValueError, match="exceed"):
        split_value(1.0, "commercial", operator_share=0.7, developer_share=0.6, developer_owned=True)
