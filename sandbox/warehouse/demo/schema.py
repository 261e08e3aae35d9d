"""Column layout of every table the demo generator builds.

``TABLES`` maps ``"schema.table"`` to its ``(column, duckdb_type)`` pairs in column order. The names are
the contract of the data design (shared/domain/demo_datasets.md §5.5): the catalogue and the gateway rely
on them, so never rename a column here without telling the catalogue owner.

Conventions: codes and identifiers are VARCHAR, money DECIMAL(14,2), coordinates DOUBLE, instants
TIMESTAMP; ``gender`` is 男/女; ratios are fractions (0.12) and loan ``rate`` is an annual percentage
(2.600). L4 tables end with the watermark column ``synthetic BOOLEAN`` (always true).
"""

from __future__ import annotations

Column = tuple[str, str]

MONEY = "DECIMAL(14,2)"
RATIO = "DECIMAL(4,2)"
SYNTHETIC: Column = ("synthetic", "BOOLEAN")

TABLES: dict[str, tuple[Column, ...]] = {
    # -- common: shared dimensions ---------------------------------------------------------------
    "common.dim_region": (
        ("code", "VARCHAR"),
        ("name", "VARCHAR"),
        ("level", "SMALLINT"),  # GB/T 2260 level: 2 prefecture, 3 county-level
        ("parent_code", "VARCHAR"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
    ),
    "common.dim_department": (
        ("dept_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("uscc", "VARCHAR"),
        ("region_code", "VARCHAR"),
        ("role", "VARCHAR"),
    ),
    "common.dim_date": (
        ("date", "DATE"),
        ("year", "SMALLINT"),
        ("quarter", "SMALLINT"),
        ("month", "SMALLINT"),
        ("day", "SMALLINT"),
        ("day_of_week", "SMALLINT"),  # ISO: 1 Monday … 7 Sunday
        ("iso_week", "SMALLINT"),
        ("is_weekend", "BOOLEAN"),
        ("is_holiday", "BOOLEAN"),  # statutory day off
        ("is_workday", "BOOLEAN"),  # includes make-up working weekends (调休)
        ("holiday_name", "VARCHAR"),
        ("lunar_month", "SMALLINT"),
        ("lunar_day", "SMALLINT"),
        ("is_leap_month", "BOOLEAN"),
        ("festival_name", "VARCHAR"),  # local ethnic festival or event, e.g. 苗年, 姊妹节, 村超
    ),
    # -- tourism: 文化旅游 ---------------------------------------------------------------------------
    "tourism.tour_scenic_spot": (
        ("spot_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("county_code", "VARCHAR"),
        ("a_level", "VARCHAR"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("capacity", "INTEGER"),
        ("ticket_price", MONEY),
    ),
    "tourism.tour_ticket_entry": (
        ("entry_id", "VARCHAR"),
        ("spot_id", "VARCHAR"),
        ("visit_date", "DATE"),
        ("entry_time", "TIMESTAMP"),
        ("ticket_type", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("visitor_id_no", "VARCHAR"),
        ("visitor_name", "VARCHAR"),
        ("phone", "VARCHAR"),
        ("gender", "VARCHAR"),
        ("birth_date", "DATE"),
        ("origin_region_code", "VARCHAR"),
        ("group_size", "SMALLINT"),
        ("price_paid", MONEY),
        SYNTHETIC,
    ),
    "tourism.tour_spot_flow_hourly": (
        ("spot_id", "VARCHAR"),
        ("ts_hour", "TIMESTAMP"),
        ("entries", "INTEGER"),
        ("exits", "INTEGER"),
        ("onsite", "INTEGER"),
    ),
    "tourism.weather_hourly": (
        ("county_code", "VARCHAR"),
        ("ts_hour", "TIMESTAMP"),
        ("temp_c", "DOUBLE"),
        ("rh", "DOUBLE"),
        ("precip_mm", "DOUBLE"),
        ("wind_ms", "DOUBLE"),
        ("weather_code", "VARCHAR"),
        ("aqi", "SMALLINT"),
        ("warning_type", "VARCHAR"),
        ("warning_level", "VARCHAR"),
    ),
    "tourism.lodging_establishment": (
        ("hotel_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("uscc", "VARCHAR"),
        ("county_code", "VARCHAR"),
        ("type", "VARCHAR"),
        ("star", "SMALLINT"),
        ("rooms", "SMALLINT"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
    ),
    "tourism.lodging_checkin": (
        ("checkin_id", "VARCHAR"),
        ("hotel_id", "VARCHAR"),
        ("guest_id_no", "VARCHAR"),
        ("guest_name", "VARCHAR"),
        ("gender", "VARCHAR"),
        ("birth_date", "DATE"),
        ("ethnicity", "VARCHAR"),
        ("home_region_code", "VARCHAR"),
        ("checkin_time", "TIMESTAMP"),
        ("checkout_time", "TIMESTAMP"),
        ("room_no", "VARCHAR"),
        ("companions", "SMALLINT"),
        SYNTHETIC,
    ),
    "tourism.catering_merchant": (
        ("merchant_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("uscc", "VARCHAR"),
        ("county_code", "VARCHAR"),
        ("category", "VARCHAR"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
    ),
    "tourism.catering_sales_daily": (
        ("merchant_id", "VARCHAR"),
        ("date", "DATE"),
        ("txn_count", "INTEGER"),
        ("amount", MONEY),
        ("avg_ticket", MONEY),
        ("share_mobile_pay", "DOUBLE"),
    ),
    # -- governance: 社会治理 ------------------------------------------------------------------------
    "governance.gov_video_camera": (
        ("camera_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("county_code", "VARCHAR"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("type", "VARCHAR"),
        ("scene", "VARCHAR"),
        ("owner_dept", "VARCHAR"),
        ("network", "VARCHAR"),
        ("status", "VARCHAR"),
        ("install_date", "DATE"),
    ),
    "governance.gov_video_event": (
        ("event_id", "VARCHAR"),
        ("camera_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("event_type", "VARCHAR"),
        ("confidence", "DOUBLE"),
        ("snapshot_uri", "VARCHAR"),
        ("handled_status", "VARCHAR"),
        ("handler_unit", "VARCHAR"),
    ),
    "governance.water_vessel": (
        ("vessel_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("type", "VARCHAR"),
        ("owner_name", "VARCHAR"),
        ("owner_id_no", "VARCHAR"),
        ("owner_phone", "VARCHAR"),
        ("home_port", "VARCHAR"),
        ("rated_passengers", "SMALLINT"),
        ("reg_date", "DATE"),
        ("next_inspection_date", "DATE"),
        SYNTHETIC,
    ),
    "governance.water_vessel_track": (
        ("vessel_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("speed_kn", "DOUBLE"),
        ("heading", "DOUBLE"),
        ("pax_onboard", "SMALLINT"),
    ),
    "governance.fire_village": (
        ("village_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("county_code", "VARCHAR"),
        ("town", "VARCHAR"),
        ("households", "INTEGER"),
        ("wooden_ratio", "DOUBLE"),
        ("is_traditional_village", "BOOLEAN"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("micro_station", "BOOLEAN"),
    ),
    "governance.fire_iot_device": (
        ("device_id", "VARCHAR"),
        ("village_id", "VARCHAR"),
        ("type", "VARCHAR"),
        ("install_date", "DATE"),
        ("status", "VARCHAR"),
    ),
    "governance.fire_iot_alarm": (
        ("alarm_id", "VARCHAR"),
        ("device_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("alarm_type", "VARCHAR"),
        ("level", "SMALLINT"),
        ("verified_fire", "BOOLEAN"),
        ("response_min", "INTEGER"),
        ("householder_name", "VARCHAR"),
        ("householder_phone", "VARCHAR"),
    ),
    "governance.forest_fire_risk_daily": (
        ("county_code", "VARCHAR"),
        ("date", "DATE"),
        ("risk_level", "SMALLINT"),
        ("tmax", "DOUBLE"),
        ("rh_min", "DOUBLE"),
        ("wind_max", "DOUBLE"),
        ("days_since_rain", "SMALLINT"),
    ),
    # -- transit: 凯里公交 ---------------------------------------------------------------------------
    "transit.bus_line": (
        ("line_id", "VARCHAR"),
        ("line_no", "VARCHAR"),
        ("name", "VARCHAR"),
        ("fare", MONEY),
        ("length_km", "DOUBLE"),
        ("first_bus", "VARCHAR"),  # "HH:MM"; the type vocabulary has no TIME
        ("last_bus", "VARCHAR"),
        ("headway_peak_min", "SMALLINT"),
        ("headway_off_min", "SMALLINT"),
    ),
    "transit.bus_stop": (
        ("stop_id", "VARCHAR"),
        ("name", "VARCHAR"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("has_e_sign", "BOOLEAN"),
    ),
    "transit.bus_line_stop": (
        ("line_id", "VARCHAR"),
        ("direction", "SMALLINT"),
        ("seq", "SMALLINT"),
        ("stop_id", "VARCHAR"),
        ("dist_m", "INTEGER"),
    ),
    "transit.bus_vehicle": (
        ("vehicle_id", "VARCHAR"),
        ("plate", "VARCHAR"),
        ("model", "VARCHAR"),
        ("fuel", "VARCHAR"),
        ("capacity", "SMALLINT"),
        ("depot", "VARCHAR"),
        ("line_id", "VARCHAR"),
    ),
    "transit.bus_gps": (
        ("vehicle_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("lon", "DOUBLE"),
        ("lat", "DOUBLE"),
        ("speed_kmh", "DOUBLE"),
        ("line_id", "VARCHAR"),
        ("direction", "SMALLINT"),
        ("next_stop_id", "VARCHAR"),
        ("load_est", "SMALLINT"),
    ),
    "transit.bus_card": (
        ("card_id", "VARCHAR"),
        ("card_type", "VARCHAR"),
        ("holder_name", "VARCHAR"),
        ("holder_id_no", "VARCHAR"),
        ("phone", "VARCHAR"),
        ("birth_year", "SMALLINT"),
        ("issue_date", "DATE"),
        SYNTHETIC,
    ),
    "transit.bus_tap": (
        ("txn_id", "VARCHAR"),
        ("pay_token", "VARCHAR"),
        ("pay_method", "VARCHAR"),
        ("line_id", "VARCHAR"),
        ("vehicle_id", "VARCHAR"),
        ("board_stop_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("fare", MONEY),
        ("discount_type", "VARCHAR"),
    ),
    "transit.bus_arrival_pred": (
        ("sign_id", "VARCHAR"),  # electronic stop sign; "E" + the stop_id it stands at
        ("line_id", "VARCHAR"),
        ("ts", "TIMESTAMP"),
        ("predicted_eta_s", "INTEGER"),
        ("actual_arrival_ts", "TIMESTAMP"),
    ),
    # -- housing_fund: 智慧公积金 with 不动产, 民政, 社保 -----------------------------------------------
    "housing_fund.hpf_employer": (
        ("employer_id", "VARCHAR"),
        ("uscc", "VARCHAR"),
        ("name", "VARCHAR"),
        ("industry", "VARCHAR"),  # GB/T 4754 section letter
        ("region_code", "VARCHAR"),
        ("headcount", "INTEGER"),
        ("ratio_employer", RATIO),
    ),
    "housing_fund.hpf_account": (
        ("account_no", "VARCHAR"),
        ("person_id_no", "VARCHAR"),
        ("name", "VARCHAR"),
        ("gender", "VARCHAR"),
        ("birth_date", "DATE"),
        ("employer_id", "VARCHAR"),
        ("open_date", "DATE"),
        ("status", "VARCHAR"),
        ("deposit_base", MONEY),
        ("ratio_personal", RATIO),
        ("ratio_employer", RATIO),
        ("balance", MONEY),
        SYNTHETIC,
    ),
    "housing_fund.hpf_deposit_monthly": (
        ("account_no", "VARCHAR"),
        ("period", "VARCHAR"),  # YYYYMM
        ("base", MONEY),
        ("amt_personal", MONEY),
        ("amt_employer", MONEY),
        ("pay_status", "VARCHAR"),
        SYNTHETIC,
    ),
    "housing_fund.hpf_withdrawal": (
        ("wd_id", "VARCHAR"),
        ("account_no", "VARCHAR"),
        ("date", "DATE"),
        ("type", "VARCHAR"),
        ("amount", MONEY),
        ("property_cert_no", "VARCHAR"),
        ("channel", "VARCHAR"),
        ("approver_id", "VARCHAR"),
        SYNTHETIC,
    ),
    "housing_fund.hpf_loan": (
        ("loan_id", "VARCHAR"),
        ("account_no", "VARCHAR"),
        ("co_borrower_account", "VARCHAR"),
        ("property_unit_no", "VARCHAR"),
        ("amount", MONEY),
        ("term_months", "SMALLINT"),
        ("rate", "DECIMAL(5,3)"),  # annual percent, e.g. 2.600
        ("start_date", "DATE"),
        ("status", "VARCHAR"),
        ("overdue_periods", "SMALLINT"),
        SYNTHETIC,
    ),
    "housing_fund.re_property_right": (
        ("cert_no", "VARCHAR"),
        ("unit_no", "VARCHAR"),
        ("owner_id_no", "VARCHAR"),
        ("owner_name", "VARCHAR"),
        ("co_owner_count", "SMALLINT"),
        ("address", "VARCHAR"),
        ("county_code", "VARCHAR"),
        ("area_m2", "DECIMAL(10,2)"),
        ("usage", "VARCHAR"),
        ("register_date", "DATE"),
        ("mortgage_flag", "BOOLEAN"),
        SYNTHETIC,
    ),
    "housing_fund.re_transaction": (
        ("txn_id", "VARCHAR"),
        ("unit_no", "VARCHAR"),
        ("seller_id_no", "VARCHAR"),
        ("buyer_id_no", "VARCHAR"),
        ("contract_price", MONEY),
        ("unit_price", MONEY),
        ("date", "DATE"),
        ("type", "VARCHAR"),
        SYNTHETIC,
    ),
    "housing_fund.ca_marriage": (
        ("record_id", "VARCHAR"),
        ("p1_id_no", "VARCHAR"),
        ("p2_id_no", "VARCHAR"),
        ("act", "VARCHAR"),
        ("date", "DATE"),
        ("office", "VARCHAR"),
        SYNTHETIC,
    ),
    "housing_fund.ca_assistance": (
        ("person_id_no", "VARCHAR"),
        ("type", "VARCHAR"),
        ("start_date", "DATE"),
        ("end_date", "DATE"),
        ("amount", MONEY),
        SYNTHETIC,
    ),
    "housing_fund.ca_death": (
        ("person_id_no", "VARCHAR"),
        ("death_date", "DATE"),
        ("cremation_date", "DATE"),
        SYNTHETIC,
    ),
    "housing_fund.si_insured": (
        ("person_id_no", "VARCHAR"),
        ("name", "VARCHAR"),
        ("employer_uscc", "VARCHAR"),
        ("insurance_type", "VARCHAR"),
        ("status", "VARCHAR"),
        ("contribution_base", MONEY),
        ("first_month", "VARCHAR"),  # YYYYMM
        ("last_paid_month", "VARCHAR"),  # YYYYMM
        SYNTHETIC,
    ),
}

SCHEMAS: tuple[str, ...] = ("common", "tourism", "governance", "transit", "housing_fund")


def column_names(table: str) -> tuple[str, ...]:
    """Column names of ``table`` ("schema.table") in order."""
    return tuple(name for name, _ in TABLES[table])


def is_watermarked(table: str) -> bool:
    """True for L4 tables, whose last column is the ``synthetic`` watermark."""
    return TABLES[table][-1] == SYNTHETIC
