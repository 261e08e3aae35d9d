"""文化旅游 · Tourism: where visitors go, where they come from, and where they stay.

Run inside a notebook or shell with SANDBOX_GATEWAY_URL and SANDBOX_TOKEN set (a tourism grant):

    python examples/tourism.py

Uses only ``sandbox.client``. Every answer already satisfies the policy: open tables return rows,
aggregate tables return groups of at least k distinct people, and identifiers never leave in clear.
Sent with an explicit ε, a query on an aggregate table is answered with differential privacy instead.
"""

from __future__ import annotations

import sys

import pandas as pd

from sandbox.client import PolicyError, connect


def show(title: str, frame: pd.DataFrame) -> None:
    print(f"\n== {title} ({len(frame)} rows; mode {frame.attrs['privacy']['mode']})")
    for notice in frame.attrs["notices"]:
        print(f"   notice: {notice}")
    print(frame.head(10).to_string(index=False))


def main() -> None:
    db = connect()
    me = db.whoami()
    print(f"{me['user']}@{me['enterprise']} · scenario {me['scenario']} · {len(me['datasets'])} datasets")

    # 1. Busiest scenic spots over the year (open hourly flow joined with the spot register).
    spots = db.sql(
        """
        SELECT s.name, s.county_code, s.a_level, sum(f.entries) AS entries, max(f.onsite) AS peak_onsite,
               max(s.capacity) AS capacity
        FROM tourism.tour_spot_flow_hourly AS f
        JOIN tourism.tour_scenic_spot AS s ON f.spot_id = s.spot_id
        GROUP BY s.name, s.county_code, s.a_level
        ORDER BY entries DESC
        """
    )
    spots["peak_load"] = spots["peak_onsite"] / spots["capacity"]
    show("busiest scenic spots", spots)

    # 2. Seasonality: monthly ticketed visits by ticket type (aggregate table, k = 20 visitors per group).
    monthly = db.sql(
        """
        SELECT date_trunc('month', visit_date) AS month, ticket_type, count(*) AS visits,
               avg(price_paid) AS avg_price
        FROM tourism.tour_ticket_entry
        GROUP BY 1, 2
        ORDER BY 1, 2
        """
    )
    pivot = monthly.pivot_table(index="month", columns="ticket_type", values="visits", aggfunc="sum")
    show("monthly visits by ticket type", pivot.reset_index())

    # 3. Source markets: visitors' home region (from the ID prefix), joined with the region dimension.
    origins = db.sql(
        """
        SELECT r.name AS origin, count(*) AS visits
        FROM tourism.tour_ticket_entry AS t
        JOIN common.dim_region AS r ON t.origin_region_code = r.code
        GROUP BY r.name
        ORDER BY visits DESC
        """
    )
    origins["share"] = origins["visits"] / origins["visits"].sum()
    show("source markets (groups below k suppressed)", origins)

    # 4. Overnight stays per county: check-ins and distinct guests (pseudonymised IDs, counted only).
    stays = db.sql(
        """
        SELECT e.county_code, count(*) AS checkins, count(DISTINCT c.guest_id_no) AS guests
        FROM tourism.lodging_checkin AS c
        JOIN tourism.lodging_establishment AS e ON c.hotel_id = e.hotel_id
        GROUP BY e.county_code
        ORDER BY checkins DESC
        """
    )
    stays["stays_per_guest"] = stays["checkins"] / stays["guests"]
    show("overnight stays per county", stays)
    print(f"   rewritten SQL starts: {stays.attrs['rewritten_sql'][:100]}…")

    # 5. Guests per county with differential privacy, on request: an explicit ε makes the gateway answer the
    #    aggregate-mode check-in table like a dp table. Each guest counts in at most one county, the counts
    #    are noisy (``guests_ci95``: 95 % error bound), small counties must pass a noisy threshold on top of
    #    k = 20, and ε is charged to this grant's budget for the table. Asking again replays the same answer.
    dp_guests = db.sql(
        """
        SELECT e.county_code, count(DISTINCT c.guest_id_no) AS guests
        FROM tourism.lodging_checkin AS c
        JOIN tourism.lodging_establishment AS e ON c.hotel_id = e.hotel_id
        GROUP BY e.county_code
        ORDER BY e.county_code
        """,
        epsilon=0.8,
    )
    show("guests per county (DP on request, ε = 0.8)", dp_guests)
    spent = next(d for d in db.budget()["datasets"] if d["dataset"] == "tourism.lodging_checkin")
    print(f"   budget of tourism.lodging_checkin: spent ε {spent['epsilon_spent']}, left {spent['epsilon_remaining']}")

    # 6. What the policy will not do: guest names are denied, and the refusal says why.
    try:
        db.sql("SELECT guest_name, checkin_time FROM tourism.lodging_checkin")
    except PolicyError as refused:
        print(f"\n== refused as expected: {refused.code} (rule {refused.rule}, column {refused.column})")
        print(f"   {refused.message_zh}")
    else:
        raise SystemExit("guest names should have been refused")


if __name__ == "__main__":
    try:
        main()
    except PolicyError as error:  # e.g. a token whose grant covers another scenario
        sys.exit(f"refused · 拒绝: {error}")
