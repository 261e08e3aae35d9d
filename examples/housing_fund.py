"""智慧公积金 · Housing provident fund: what can be analysed before differential privacy arrives.

    SANDBOX_GATEWAY_URL=… SANDBOX_TOKEN=<housing_fund grant> python examples/housing_fund.py

Person-level fund tables (accounts, deposits, loans, withdrawals, social insurance, transactions) are in
``dp`` mode: the gateway refuses them with a clear "needs differential privacy" error until the DP
release. This script shows that refusal handled gracefully, then the analysis that IS allowed now:
employer aggregates (open) and property, marriage and death registers (aggregate, k = 20).
Uses only ``sandbox.client``.
"""

from __future__ import annotations

import sys

import pandas as pd

from sandbox.client import Client, PolicyError, connect


def show(title: str, frame: pd.DataFrame) -> None:
    print(f"\n== {title} ({len(frame)} rows; mode {frame.attrs['privacy']['mode']})")
    for notice in frame.attrs["notices"]:
        print(f"   notice: {notice}")
    print(frame.head(10).to_string(index=False))


def try_sql(db: Client, sql: str) -> pd.DataFrame | None:
    """The frame, or None after explaining a refusal (the analysis carries on without it)."""
    try:
        return db.sql(sql)
    except PolicyError as refused:
        print(f"\n== not available yet: {refused.code} on {refused.dataset}")
        print(f"   {refused.message}\n   {refused.message_zh}")
        return None


def main() -> None:
    db = connect()
    modes = {d["name"]: d["policy"]["access_mode"] for d in db.catalog()["datasets"]}
    dp_tables = sorted(name for name, mode in modes.items() if mode == "dp")
    print(f"dp-mode tables (need differential privacy): {', '.join(dp_tables)}")
    budget = db.budget()
    print(f"ε allocated per dataset: {budget['datasets'][0]['epsilon_allocated']} ({budget['ledger']})")

    # 1. The question we would like to ask first: deposit bases by gender. Refused until DP lands.
    deposits = try_sql(db, "SELECT gender, avg(deposit_base) AS avg_base FROM housing_fund.hpf_account GROUP BY gender")
    assert deposits is None, "hpf_account is dp-mode and must be refused before the DP release"

    # 2. Employers (open register): coverage by industry and county, and contribution ratios.
    industries = db.sql(
        """
        SELECT industry, count(*) AS employers, sum(headcount) AS covered_staff, avg(ratio_employer) AS avg_ratio
        FROM housing_fund.hpf_employer
        GROUP BY industry
        ORDER BY covered_staff DESC
        """
    )
    show("fund coverage by industry", industries)
    counties = db.sql(
        """
        SELECT r.name AS county, count(*) AS employers, sum(e.headcount) AS covered_staff
        FROM housing_fund.hpf_employer AS e
        JOIN common.dim_region AS r ON e.region_code = r.code
        GROUP BY r.name
        ORDER BY covered_staff DESC
        """
    )
    staff = counties["covered_staff"].astype(float)  # SUM of an integer column arrives as DECIMAL
    counties["share"] = staff / staff.sum()
    show("fund coverage by county", counties)

    # 3. Housing stock from the property register (aggregate, k = 20 owners per group).
    stock = db.sql(
        """
        SELECT county_code, usage, count(*) AS certificates, avg(area_m2) AS avg_area_m2,
               sum(CASE WHEN mortgage_flag THEN 1 ELSE 0 END) AS mortgaged
        FROM housing_fund.re_property_right
        GROUP BY county_code, usage
        ORDER BY certificates DESC
        """
    )
    show("registered housing stock", stock)

    # 4. Household formation signals from civil-affairs registers (aggregate).
    marriages = db.sql(
        """
        SELECT date_trunc('quarter', date) AS quarter, act, count(*) AS registrations
        FROM housing_fund.ca_marriage
        GROUP BY 1, 2
        ORDER BY 1, 2
        """
    )
    show("marriage registrations per quarter", marriages)


if __name__ == "__main__":
    try:
        main()
    except PolicyError as error:  # e.g. a token whose grant covers another scenario
        sys.exit(f"refused · 拒绝: {error}")
