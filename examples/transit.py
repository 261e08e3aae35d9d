"""公共交通 · Transit: ridership by line and hour, rider mix, and arrival-prediction quality.

    SANDBOX_GATEWAY_URL=… SANDBOX_TOKEN=<transit grant> python examples/transit.py

Tap records are aggregate-only (k = 10 payment tokens); sent with an explicit ε, a query on them is
answered with differential privacy instead (noisy counts with error bounds, charged to the ε budget).
Uses only ``sandbox.client``.
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

    # 1. Boardings and fare revenue per line (tap records are aggregate-only, k = 10 payment tokens).
    lines = db.sql(
        """
        SELECT l.line_no, l.name, count(*) AS boardings, sum(t.fare) AS revenue,
               count(DISTINCT t.pay_token) AS riders
        FROM transit.bus_tap AS t
        JOIN transit.bus_line AS l ON t.line_id = l.line_id
        GROUP BY l.line_no, l.name
        ORDER BY boardings DESC
        """
    )
    lines["trips_per_rider"] = lines["boardings"] / lines["riders"]
    show("ridership per line", lines)

    # 2. The daily profile: boardings by hour, and the peak hours.
    hourly = db.sql(
        """
        SELECT extract(hour FROM ts) AS hour, count(*) AS boardings
        FROM transit.bus_tap
        GROUP BY 1
        ORDER BY 1
        """
    )
    peak = hourly.nlargest(3, "boardings")["hour"].tolist()
    show(f"boardings by hour (peaks at {peak})", hourly)

    # 3. Who rides: concession type by payment method.
    mix = db.sql(
        """
        SELECT discount_type, pay_method, count(*) AS taps
        FROM transit.bus_tap
        GROUP BY discount_type, pay_method
        """
    )
    show("rider mix", mix.pivot_table(index="discount_type", columns="pay_method", values="taps").reset_index())

    # 4. Riders per concession type with differential privacy, on request (an explicit ε): each payment token
    #    counts once, counts are noisy with a 95 % bound (``riders_ci95``), types with few riders do not pass
    #    the noisy threshold, and ε is charged to this grant's budget. A dry run shows the cost first.
    riders_sql = "SELECT discount_type, count(DISTINCT pay_token) AS riders FROM transit.bus_tap GROUP BY 1"
    cost = db.sql(riders_sql, epsilon=0.6, dry_run=True).attrs["privacy"]
    left, affordable = cost["budget_remaining"], cost["affordable"]
    print(f"\n== dry run: ε = {cost['epsilon_cost']} of {left} left (affordable {affordable})")
    show("riders per concession type (DP on request, ε = 0.6)", db.sql(riders_sql, epsilon=0.6))

    # 5. Operations from open data: average speed and estimated load per line from vehicle GPS.
    speed = db.sql(
        """
        SELECT g.line_id, l.line_no, avg(g.speed_kmh) AS avg_speed_kmh, avg(g.load_est) AS avg_load,
               max(l.headway_peak_min) AS headway_peak_min
        FROM transit.bus_gps AS g
        JOIN transit.bus_line AS l ON g.line_id = l.line_id
        GROUP BY g.line_id, l.line_no
        ORDER BY avg_load DESC
        """
    )
    show("speed and load per line", speed)

    # 6. Arrival predictions at electronic signs: rows are open; the error is computed here in pandas.
    predictions = db.sql(
        """
        SELECT line_id, ts, predicted_eta_s, actual_arrival_ts
        FROM transit.bus_arrival_pred
        WHERE actual_arrival_ts IS NOT NULL
        LIMIT 5000
        """
    )
    actual_s = (predictions["actual_arrival_ts"] - predictions["ts"]).dt.total_seconds()
    predictions["abs_error_s"] = (actual_s - predictions["predicted_eta_s"]).abs()
    quality = predictions.groupby("line_id")["abs_error_s"].agg(["count", "mean", "median"]).reset_index()
    quality.attrs = predictions.attrs
    show("arrival prediction error (seconds)", quality)


if __name__ == "__main__":
    try:
        main()
    except PolicyError as error:  # e.g. a token whose grant covers another scenario
        sys.exit(f"refused · 拒绝: {error}")
