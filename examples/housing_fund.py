"""智慧公积金 · Housing provident fund: differentially private statistics and a DP model, plus open registers.

    SANDBOX_GATEWAY_URL=… SANDBOX_TOKEN=<housing_fund grant> python examples/housing_fund.py

Person-level fund tables (accounts, deposits, loans, withdrawals, social insurance, transactions) are in
``dp`` mode: every answer is noisy, each aggregate column ``x`` comes with ``x_ci95`` (its 95 % error
bound), and each query spends ε from this grant's budget per dataset (``db.budget()``). A dry run shows
the cost first; asking the same query again replays the same answer for free. A model can be trained on
rows the analyst never sees: only its parameters come back. Then the analysis of the open employer
register and the aggregate-mode property, marriage and death registers (k = 20).
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


def remaining(db: Client, dataset: str) -> float:
    row = next(d for d in db.budget()["datasets"] if d["dataset"] == dataset)
    return float(row["epsilon_remaining"])


def dp_analyses(db: Client) -> None:
    accounts = "housing_fund.hpf_account"
    print(f"ε left on {accounts}: {remaining(db, accounts)} (差分隐私预算)")

    # 1. Deposit bases by gender. First the price, then the noisy answer with its error bounds.
    by_gender = (
        "SELECT gender, count(*) AS accounts, avg(deposit_base) AS avg_base "
        "FROM housing_fund.hpf_account GROUP BY gender"
    )
    cost = db.sql(by_gender, epsilon=0.5, dry_run=True).attrs["privacy"]
    print(f"\n== dry run: this query would cost ε = {cost['epsilon_cost']} (affordable: {cost['affordable']})")
    show("deposit base by gender (DP, ε = 0.5)", db.sql(by_gender, epsilon=0.5))
    replay = db.sql(by_gender, epsilon=0.5)  # averaging gains nothing: the same noisy answer, no new charge
    again = replay.attrs["privacy"]
    print(f"   asked again: ε spent {again['epsilon_spent']}, cached {again['cached']}")

    # 2. Loans by status: a SUM over a CASE is clamped to the range it can provably take.
    loans = db.sql(
        """
        SELECT status, count(*) AS loans, sum(amount) AS principal,
               sum(CASE WHEN overdue_periods > 0 THEN 1 ELSE 0 END) AS overdue
        FROM housing_fund.hpf_loan GROUP BY status
        """,
        epsilon=0.5,
    )
    show("loans by status (DP, ε = 0.5)", loans)

    # 3. A DP model on rows nobody sees: account balance against deposit base.
    model = db.train(
        "SELECT deposit_base, balance FROM housing_fund.hpf_account",
        "LinearRegression",
        ["deposit_base"],
        label="balance",
        epsilon=0.5,
    )
    coef, intercept = model["params"]["coef"][0], model["params"]["intercept"]
    print(f"\n== DP linear model (ε = {model['epsilon']}): balance ≈ {coef:.2f} × deposit_base + {intercept:.0f}")
    print(f"ε left on {accounts}: {remaining(db, accounts)}")

    # 4. Asking for more than is left is refused, and the error says so.
    try:
        db.sql("SELECT count(*) AS n FROM housing_fund.hpf_account WHERE status = '封存'", epsilon=2.0)
    except PolicyError as refused:
        print(f"\n== refused as expected: {refused.code} on {refused.dataset}")
        print(f"   {refused.message}\n   {refused.message_zh}")


def main() -> None:
    db = connect()
    modes = {d["name"]: d["policy"]["access_mode"] for d in db.catalog()["datasets"]}
    dp_tables = sorted(name for name, mode in modes.items() if mode == "dp")
    print(f"dp-mode tables (差分隐私): {', '.join(dp_tables)}")
    dp_analyses(db)

    # 5. Employers (open register): coverage by industry and county, and contribution ratios.
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

    # 6. Housing stock from the property register (aggregate, k = 20 owners per group).
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

    # 7. Household formation signals from civil-affairs registers (aggregate).
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
