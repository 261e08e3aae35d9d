"""Pricing one released job: lineage to sources, and the anti-gaming rules (rejected, self-use, repeats)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.credits.jobs import DatasetInfo, fingerprints, is_repeat, is_self_use, price_job
from sandbox.credits.metering import MeterRecord
from sandbox.credits.params import CreditParams
from sandbox.credits.scheme import MICRO

T0 = datetime(2026, 11, 10, 9, tzinfo=UTC)
CATALOG = {
    "housing_fund.hpf_withdrawal": DatasetInfo(
        "housing_fund.hpf_withdrawal", "D12", 4, {"account_no": 4, "type": 4, "amount": 4, "date": 3}
    ),
    "housing_fund.re_property_right": DatasetInfo("housing_fund.re_property_right", "D07", 4, {"owner_id": 4}),
    "housing_fund.ca_marriage": DatasetInfo("housing_fund.ca_marriage", "D13", 4, {"status": 4}),
}


def query(
    seq: int, datasets: list[str], columns: list[str], rows: int, enterprise: str = "ent-a", **extra: Any
) -> MeterRecord:
    detail = {
        "datasets": datasets,
        "columns": columns,
        "rows": rows,
        "result_id": f"r-{seq}",
        "sql_hash": f"h{seq}",
        "result_hash": f"res{seq}",
        **extra,
    }
    return MeterRecord(seq, T0, "query", "dev-a", enterprise, "g-1", detail)


def release(seq: int, ids: list[str], enterprise: str = "ent-a", **extra: Any) -> MeterRecord:
    detail = {"export_id": f"x-{seq}", "source_result_ids": ids, "datasets": [], "file_hashes": [f"f{seq}"], **extra}
    return MeterRecord(seq, T0 + timedelta(hours=1), "release", "dev-a", enterprise, "g-1", detail)


JOIN = query(
    1,
    ["housing_fund.hpf_withdrawal", "housing_fund.re_property_right", "housing_fund.ca_marriage"],
    [
        "housing_fund.hpf_withdrawal.amount",
        "housing_fund.hpf_withdrawal.date",
        "housing_fund.re_property_right.owner_id",
        "housing_fund.ca_marriage.status",
    ],
    500,
)


def price(
    rel: MeterRecord,
    queries: list[MeterRecord],
    *,
    rejected: bool = False,
    repeat: bool = False,
    params: CreditParams | None = None,
) -> Any:
    return price_job(
        rel, queries, CATALOG, params or CreditParams(), scenario="housing_fund", rejected=rejected, repeat=repeat
    )


def test_a_release_credits_each_source_department_from_its_queries_lineage() -> None:
    job = price(release(2, ["r-1"]), [JOIN])
    assert job.status == "credited" and job.pool_micro == MICRO
    by = {line.dataset: line for line in job.lines}
    assert by["housing_fund.hpf_withdrawal"].columns == ("amount", "date")
    assert by["housing_fund.hpf_withdrawal"].share.sum_g == 3 + 2  # L4 amount + L3 date
    assert by["housing_fund.hpf_withdrawal"].rows == 500
    assert {line.department for line in job.lines} == {"D12", "D07", "D13"}
    assert sum(line.credit_micro for line in job.lines) == MICRO and job.withheld_micro == 0


def test_rows_contributing_per_dataset_are_used_when_the_gateway_records_them() -> None:
    per = {
        "housing_fund.hpf_withdrawal": 120_000,
        "housing_fund.re_property_right": 80_000,
        "housing_fund.ca_marriage": 30_000,
    }
    job = price(release(2, ["r-1"]), [query(1, JOIN.datasets, JOIN.columns, 5, rows_contributing=per)])
    assert [line.rows for line in job.lines] == [30_000, 120_000, 80_000]  # sorted by dataset name


def test_a_rejected_job_earns_nothing() -> None:
    job = price(release(2, ["r-1"]), [JOIN], rejected=True)
    assert job.status == "rejected" and all(line.credit_micro == 0 for line in job.lines)
    assert job.withheld_micro == job.pool_micro


def test_a_repeat_earns_the_repeat_fraction_and_withholds_the_rest() -> None:
    job = price(release(2, ["r-1"]), [JOIN], repeat=True)
    assert job.status == "repeat" and job.credited_pool_micro == MICRO // 10
    assert sum(line.credit_micro for line in job.lines) + job.withheld_micro == job.pool_micro


def test_self_use_is_withheld_and_other_departments_keep_their_share() -> None:
    mine = price(release(2, ["r-1"], enterprise="D12"), [query(1, JOIN.datasets, JOIN.columns, 500, enterprise="D12")])
    other = price(release(2, ["r-1"]), [JOIN])
    by_mine = {line.department: line.credit_micro for line in mine.lines}
    by_other = {line.department: line.credit_micro for line in other.lines}
    assert by_mine["D12"] == 0 and mine.withheld_micro == by_other["D12"]
    assert by_mine["D07"] == by_other["D07"] and by_mine["D13"] == by_other["D13"]


def test_an_affiliated_enterprise_counts_as_self_use() -> None:
    assert is_self_use("kl-bus-data", "D11", {"kl-bus-data": "D11"})
    assert not is_self_use("kl-bus-data", "D12", {"kl-bus-data": "D11"})


def test_a_release_without_traceable_sources_earns_nothing() -> None:
    job = price(release(2, ["r-unknown"]), [])
    assert job.status == "no_sources" and job.lines == () and job.withheld_micro == job.pool_micro


def test_commercial_release_pays_operator_and_developer_first() -> None:
    job = price(release(2, ["r-1"], product_type="commercial", fee=20.0, developer_owned=True), [JOIN])
    assert (job.value_micro, job.operator_micro, job.developer_micro, job.pool_micro) == (
        20 * MICRO,
        6 * MICRO,
        4 * MICRO,
        10 * MICRO,
    )


def test_repeats_are_detected_by_same_sql_or_same_result_within_the_window_only() -> None:
    fp = fingerprints(release(2, ["r-1"]), [JOIN])
    same_sql_other_file = (fp[0], "x")
    assert is_repeat(fp, T0 + timedelta(hours=23), [(T0, *same_sql_other_file)], 24)
    assert is_repeat(fp, T0 + timedelta(hours=1), [(T0, "y", fp[1])], 24)
    assert not is_repeat(fp, T0 + timedelta(hours=25), [(T0, *fp)], 24)
    assert not is_repeat(fp, T0, [(T0, "y", "z")], 24)


departments = st.sampled_from(["D07", "D12", "D13", "ent-a", "ent-b"])


@settings(max_examples=200, deadline=None)
@given(
    enterprise=departments,
    rejected=st.booleans(),
    repeat=st.booleans(),
    fee=st.floats(0, 10_000),
    commercial=st.booleans(),
    rows=st.lists(st.integers(0, 10**7), min_size=3, max_size=3),
)
def test_no_department_earns_from_rejected_or_self_use_jobs_and_the_pool_is_conserved(
    enterprise: str, rejected: bool, repeat: bool, fee: float, commercial: bool, rows: list[int]
) -> None:
    per = dict(zip(sorted(CATALOG), rows, strict=True))
    q = query(1, JOIN.datasets, JOIN.columns, 7, enterprise=enterprise, rows_contributing=per)
    extra = {"product_type": "commercial", "fee": fee} if commercial else {}
    job = price(release(2, ["r-1"], enterprise=enterprise, **extra), [q], rejected=rejected, repeat=repeat)

    assert sum(line.credit_micro for line in job.lines) + job.withheld_micro == job.pool_micro
    assert job.value_micro == job.operator_micro + job.developer_micro + job.pool_micro
    if rejected:
        assert all(line.credit_micro == 0 for line in job.lines)
    for line in job.lines:
        if line.department == enterprise:
            assert line.self_use and line.credit_micro == 0


def test_the_per_developer_cap_limits_the_pool_and_withholds_the_rest() -> None:
    job = price_job(
        release(2, ["r-1"]),
        [JOIN],
        CATALOG,
        CreditParams(),
        scenario=None,
        rejected=False,
        repeat=False,
        cap_left_micro=250_000,
    )
    spent = price_job(
        release(2, ["r-1"]),
        [JOIN],
        CATALOG,
        CreditParams(),
        scenario=None,
        rejected=False,
        repeat=False,
        cap_left_micro=-5,
    )
    assert job.status == "capped" and job.credited_pool_micro == 250_000
    assert sum(line.credit_micro for line in job.lines) == 250_000 and job.withheld_micro == MICRO - 250_000
    assert spent.credited_pool_micro == 0 and spent.withheld_micro == MICRO
