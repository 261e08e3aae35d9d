"""The tiny demo warehouse: layout, identifiers, realism, planted risk patterns, atomic builds.

Reads the session-wide ``tiny_warehouse`` (tests/conftest.py); builds its own copies only where a
test needs a second seed or a failing build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from sandbox.errors import UsageError
from sandbox.identifiers import checks
from sandbox.warehouse.checksum import table_checksum
from sandbox.warehouse.demo import build as build_module
from sandbox.warehouse.demo.build import build_demo_warehouse
from sandbox.warehouse.demo.risk_patterns import DETECTION_SQL, PATTERNS
from sandbox.warehouse.demo.schema import SCHEMAS, TABLES, is_watermarked

ALLOWED_TYPES = {"VARCHAR", "SMALLINT", "INTEGER", "BIGINT", "DOUBLE", "DATE", "TIMESTAMP", "BOOLEAN"}

RESIDENT_ID_COLUMNS = (
    ("tourism.tour_ticket_entry", "visitor_id_no"),
    ("tourism.lodging_checkin", "guest_id_no"),
    ("governance.water_vessel", "owner_id_no"),
    ("transit.bus_card", "holder_id_no"),
    ("housing_fund.hpf_account", "person_id_no"),
    ("housing_fund.re_property_right", "owner_id_no"),
    ("housing_fund.re_transaction", "seller_id_no"),
    ("housing_fund.re_transaction", "buyer_id_no"),
    ("housing_fund.ca_marriage", "p1_id_no"),
    ("housing_fund.ca_marriage", "p2_id_no"),
    ("housing_fund.ca_assistance", "person_id_no"),
    ("housing_fund.ca_death", "person_id_no"),
    ("housing_fund.si_insured", "person_id_no"),
)
VALIDATED_COLUMNS: tuple[tuple[str, str, Callable[[str], bool]], ...] = (
    *((t, c, checks.is_valid_resident_id) for t, c in RESIDENT_ID_COLUMNS),
    ("common.dim_department", "uscc", checks.is_valid_uscc),
    ("tourism.lodging_establishment", "uscc", checks.is_valid_uscc),
    ("tourism.catering_merchant", "uscc", checks.is_valid_uscc),
    ("housing_fund.hpf_employer", "uscc", checks.is_valid_uscc),
    ("housing_fund.si_insured", "employer_uscc", checks.is_valid_uscc),
    ("transit.bus_vehicle", "plate", checks.is_valid_plate),
    ("housing_fund.re_property_right", "unit_no", checks.is_valid_unit_no),
    ("housing_fund.re_transaction", "unit_no", checks.is_valid_unit_no),
    ("housing_fund.hpf_loan", "property_unit_no", checks.is_valid_unit_no),
    ("housing_fund.re_property_right", "cert_no", checks.is_valid_property_cert_no),
    ("housing_fund.hpf_withdrawal", "property_cert_no", checks.is_valid_property_cert_no),
    ("governance.gov_video_camera", "camera_id", checks.is_valid_camera_id),
    ("governance.water_vessel", "vessel_id", checks.is_valid_vessel_id),
    ("housing_fund.hpf_account", "account_no", checks.is_valid_hpf_account),
    ("housing_fund.hpf_deposit_monthly", "account_no", checks.is_valid_hpf_account),
    ("housing_fund.hpf_withdrawal", "account_no", checks.is_valid_hpf_account),
    ("housing_fund.hpf_loan", "account_no", checks.is_valid_hpf_account),
    ("housing_fund.hpf_loan", "co_borrower_account", checks.is_valid_hpf_account),
    ("tourism.tour_ticket_entry", "phone", checks.is_valid_mobile),
    ("transit.bus_card", "phone", checks.is_valid_mobile),
    ("governance.water_vessel", "owner_phone", checks.is_valid_mobile),
    ("governance.fire_iot_alarm", "householder_phone", checks.is_valid_mobile),
)


@pytest.fixture(scope="module")
def con(tiny_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = duckdb.connect(str(tiny_warehouse), read_only=True)
    yield c
    c.close()


@pytest.fixture(scope="module")
def truth(tiny_warehouse: Path) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = pq.read_table(tiny_warehouse.parent / "truth.parquet").to_pylist()
    return rows


def scalar(con: duckdb.DuckDBPyConnection, sql: str) -> object:
    row = con.execute(sql).fetchone()
    assert row is not None
    return row[0]


# --- layout ------------------------------------------------------------------------------------


def test_every_table_has_exactly_the_schema_columns_and_types(con: duckdb.DuckDBPyConnection) -> None:
    for table, columns in TABLES.items():
        schema, name = table.split(".")
        got = con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, name],
        ).fetchall()
        assert [(c, t) for c, t in got] == list(columns), table


def test_schema_uses_only_the_type_vocabulary() -> None:
    for table, columns in TABLES.items():
        for column, dtype in columns:
            assert dtype in ALLOWED_TYPES or dtype.startswith("DECIMAL("), (table, column)


def test_warehouse_holds_only_the_five_schemas_and_no_truth_table(con: duckdb.DuckDBPyConnection) -> None:
    found = {
        (s, t) for s, t in con.execute("SELECT table_schema, table_name FROM information_schema.tables").fetchall()
    }
    assert {s for s, _ in found} == set(SCHEMAS)
    assert {f"{s}.{t}" for s, t in found} == set(TABLES)


def test_every_table_has_rows(con: duckdb.DuckDBPyConnection) -> None:
    empty = [t for t in TABLES if scalar(con, f"SELECT count(*) FROM {t}") == 0]
    assert empty == []


def test_l4_tables_are_watermarked_synthetic(con: duckdb.DuckDBPyConnection) -> None:
    l4 = [t for t in TABLES if is_watermarked(t)]
    assert "housing_fund.hpf_account" in l4 and "tourism.lodging_checkin" in l4
    for table in l4:
        assert scalar(con, f"SELECT bool_and(synthetic) AND count(*) = count(synthetic) FROM {table}") is True


def test_row_counts_follow_the_tiny_scale(con: duckdb.DuckDBPyConnection) -> None:
    # SF = 0.01 of the design's SF = 1 targets; fixed dimensions keep their size
    assert scalar(con, "SELECT count(*) FROM housing_fund.hpf_account") == 3_000
    assert scalar(con, "SELECT count(*) FROM tourism.tour_ticket_entry") == 15_000
    assert scalar(con, "SELECT count(*) FROM common.dim_region") == 17
    assert scalar(con, "SELECT count(*) FROM tourism.tour_scenic_spot") == 20
    assert scalar(con, "SELECT count(*) FROM transit.bus_line") == 30
    assert scalar(con, "SELECT count(*) FROM tourism.weather_hourly") == 16 * 8760


# --- identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize(("table", "column", "valid"), VALIDATED_COLUMNS, ids=lambda v: getattr(v, "__name__", v))
def test_generated_identifiers_validate(
    con: duckdb.DuckDBPyConnection, table: str, column: str, valid: Callable[[str], bool]
) -> None:
    values = [v for (v,) in con.execute(f"SELECT DISTINCT {column} FROM {table} WHERE {column} IS NOT NULL").fetchall()]
    assert values, f"{table}.{column} has no values"
    bad = [v for v in values if not valid(v)]
    assert bad == []


def test_ids_agree_with_birth_date_sex_and_origin(con: duckdb.DuckDBPyConnection) -> None:
    mismatches = scalar(
        con,
        """
        SELECT count(*) FROM tourism.tour_ticket_entry
        WHERE strftime(birth_date, '%Y%m%d') <> substr(visitor_id_no, 7, 8)
           OR origin_region_code <> substr(visitor_id_no, 1, 6)
           OR (CAST(substr(visitor_id_no, 17, 1) AS INTEGER) % 2 = 1) <> (gender = '男')
        """,
    )
    assert mismatches == 0
    same_person_differs = scalar(
        con,
        """
        SELECT count(*) FROM housing_fund.hpf_account a JOIN housing_fund.si_insured s
          ON s.person_id_no = a.person_id_no WHERE s.name <> a.name
        """,
    )
    assert same_person_differs == 0


def test_hpf_members_live_in_qiandongnan(con: duckdb.DuckDBPyConnection) -> None:
    outside = scalar(con, "SELECT count(*) FROM housing_fund.hpf_account WHERE person_id_no NOT LIKE '5226%'")
    assert outside == 0


# --- realism -----------------------------------------------------------------------------------


def test_national_day_crowds_exceed_a_february_weekday(con: duckdb.DuckDBPyConnection) -> None:
    def visits(day: str) -> int:
        n = scalar(con, f"SELECT sum(entries) FROM tourism.tour_spot_flow_hourly WHERE CAST(ts_hour AS DATE) = '{day}'")
        return int(n)  # type: ignore[call-overload]

    assert visits("2025-10-03") > 3 * visits("2025-02-18")
    sample = scalar(
        con,
        "SELECT count(*) FILTER (visit_date = '2025-10-03') > 3 * count(*) FILTER (visit_date = '2025-02-18') "
        "FROM tourism.tour_ticket_entry",
    )
    assert sample is True


def test_cunchao_weekends_fill_the_rongjiang_pitch(con: duckdb.DuckDBPyConnection) -> None:
    ratio = scalar(
        con,
        """
        SELECT avg(v) FILTER (is_weekend AND month BETWEEN 5 AND 8) / avg(v) FILTER (NOT is_weekend AND month = 3)
        FROM (SELECT CAST(ts_hour AS DATE) AS d, sum(entries) AS v FROM tourism.tour_spot_flow_hourly
              WHERE spot_id = 'S18' GROUP BY 1) f JOIN common.dim_date c ON c.date = f.d
        """,
    )
    assert float(ratio) > 5  # type: ignore[arg-type]


def test_bus_boardings_peak_in_the_morning(con: duckdb.DuckDBPyConnection) -> None:
    ratio = scalar(
        con,
        "SELECT count(*) FILTER (hour(ts) = 8) / count(*) FILTER (hour(ts) = 11) FROM transit.bus_tap "
        "WHERE dayofweek(ts) BETWEEN 1 AND 5",
    )
    assert 1.6 < float(ratio) < 3.0  # type: ignore[arg-type]


def test_bus_payment_mix_matches_the_design(con: duckdb.DuckDBPyConnection) -> None:
    qr, cash = con.execute(
        "SELECT avg((pay_method LIKE '扫码%')::INT), avg((pay_method = '现金')::INT) FROM transit.bus_tap"
    ).fetchone() or (0, 0)
    assert 0.50 < qr < 0.60 and 0.03 < cash < 0.07


def test_deposit_bases_and_ratios_stay_in_range(con: duckdb.DuckDBPyConnection) -> None:
    low, high, median, rmin, rmax = (
        con.execute(
            "SELECT min(deposit_base), max(deposit_base), median(deposit_base), min(ratio_employer), "
            "max(ratio_employer) FROM housing_fund.hpf_account"
        ).fetchone()
        or ()
    )
    assert low >= 1_900 and high <= 25_000 and 4_500 < median < 6_500
    assert rmin >= Decimal("0.05") and rmax <= Decimal("0.12")


def test_kaili_homes_cost_more_than_county_homes(con: duckdb.DuckDBPyConnection) -> None:
    kaili, county = con.execute(
        "SELECT avg(unit_price) FILTER (substr(unit_no, 1, 6) = '522601'), "
        "avg(unit_price) FILTER (substr(unit_no, 1, 6) <> '522601') FROM housing_fund.re_transaction"
    ).fetchone() or (0, 0)
    assert kaili > county


def test_ethnic_mix_is_skewed_by_county(con: duckdb.DuckDBPyConnection) -> None:
    # 黎平 (522631) is 侗-heavy, 雷山 (522634) 苗-heavy; read from local guests' IDs
    dong_li, dong_lei = con.execute(
        "SELECT avg((ethnicity = '侗族')::INT) FILTER (home_region_code = '522631'), "
        "avg((ethnicity = '侗族')::INT) FILTER (home_region_code = '522634') FROM tourism.lodging_checkin"
    ).fetchone() or (0, 0)
    assert dong_li > dong_lei


# --- planted risk patterns ---------------------------------------------------------------------


def test_truth_table_covers_all_six_patterns(truth: list[dict[str, object]]) -> None:
    assert {r["pattern_id"] for r in truth} == set(PATTERNS)
    assert set(truth[0]) == {"pattern_id", "pattern_name", "account_no", "person_id_no", "record_refs", "note"}


@pytest.mark.parametrize("pattern", sorted(DETECTION_SQL))
def test_each_planted_pattern_is_found_by_its_join(
    con: duckdb.DuckDBPyConnection, truth: list[dict[str, object]], pattern: int
) -> None:
    detected = {a for (a,) in con.execute(DETECTION_SQL[pattern]).fetchall()}
    planted = {r["account_no"] for r in truth if r["pattern_id"] == pattern}
    assert planted and planted == detected


def test_truth_references_exist_in_the_warehouse(
    con: duckdb.DuckDBPyConnection, truth: list[dict[str, object]]
) -> None:
    lookups = {
        "hpf_withdrawal.wd_id": "housing_fund.hpf_withdrawal",
        "re_property_right.cert_no": "housing_fund.re_property_right",
        "re_transaction.txn_id": "housing_fund.re_transaction",
        "ca_marriage.record_id": "housing_fund.ca_marriage",
        "hpf_loan.loan_id": "housing_fund.hpf_loan",
    }
    for row in truth:
        for ref in filter(None, str(row["record_refs"]).split(";")):
            key, value = ref.split("=", 1)
            column = key.split(".")[1]
            assert scalar(con, f"SELECT count(*) FROM {lookups[key]} WHERE {column} = '{value}'") == 1, ref


# --- reproducibility and atomicity ---------------------------------------------------------------


def _checksums(path: Path, tables: tuple[str, ...]) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as c:
        return {t: table_checksum(c.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def test_same_seed_reproduces_and_another_seed_differs(tiny_warehouse: Path, tmp_path: Path) -> None:
    tables = ("housing_fund.hpf_account", "transit.bus_tap", "tourism.tour_ticket_entry")
    again = tmp_path / "again.duckdb"
    other = tmp_path / "other.duckdb"
    build_demo_warehouse(again, tmp_path / "t1.parquet", scale="tiny", seed=7, progress=False)
    build_demo_warehouse(other, tmp_path / "t2.parquet", scale="tiny", seed=8, progress=False)
    reference = _checksums(tiny_warehouse, tables)
    assert _checksums(again, tables) == reference
    differing = _checksums(other, tables)
    assert all(differing[t] != reference[t] for t in tables)
    assert pq.read_table(tmp_path / "t1.parquet").equals(pq.read_table(tiny_warehouse.parent / "truth.parquet"))


def test_when_a_build_fails_midway_then_no_target_appears(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(world: object) -> list[object]:
        raise RuntimeError("simulated failure")

    scenarios = tuple((n, boom if n == "transit" else j, r) for n, j, r in build_module.SCENARIOS)
    monkeypatch.setattr(build_module, "SCENARIOS", scenarios)
    target, truth = tmp_path / "w.duckdb", tmp_path / "truth.parquet"
    with pytest.raises(RuntimeError, match="simulated"):
        build_demo_warehouse(target, truth, scale="tiny", progress=False)
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_when_a_rebuild_is_interrupted_then_the_old_files_survive(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, truth = tmp_path / "w.duckdb", tmp_path / "truth.parquet"
    target.write_bytes(b"old warehouse")
    truth.write_bytes(b"old truth")

    def interrupt(world: object) -> list[object]:
        raise KeyboardInterrupt

    scenarios = tuple((n, interrupt if n == "housing_fund" else j, r) for n, j, r in build_module.SCENARIOS)
    monkeypatch.setattr(build_module, "SCENARIOS", scenarios)
    with pytest.raises(KeyboardInterrupt):
        build_demo_warehouse(target, truth, scale="tiny", progress=False)
    assert target.read_bytes() == b"old warehouse" and truth.read_bytes() == b"old truth"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["truth.parquet", "w.duckdb"]


def test_unknown_scale_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        build_demo_warehouse(tmp_path / "w.duckdb", tmp_path / "t.parquet", scale="huge", progress=False)
    assert err.value.code == "demo.scale"
    assert not any(tmp_path.iterdir())


def test_events_stay_inside_2025(con: duckdb.DuckDBPyConnection) -> None:
    late = scalar(
        con,
        """
        SELECT (SELECT count(*) FROM housing_fund.re_property_right WHERE register_date > DATE '2025-12-31')
             + (SELECT count(*) FROM housing_fund.hpf_withdrawal WHERE year(date) <> 2025)
             + (SELECT count(*) FROM tourism.tour_ticket_entry WHERE year(visit_date) <> 2025)
             + (SELECT count(*) FROM housing_fund.ca_death WHERE year(death_date) <> 2025)
        """,
    )
    assert late == 0
