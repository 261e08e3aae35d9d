"""社会治理 · Governance: forest-fire risk, village fire alarms, video events and water transport.

    SANDBOX_GATEWAY_URL=… SANDBOX_TOKEN=<governance grant> python examples/governance.py

Alarm and vessel tables are aggregate-only (k = 10 or 20); sent with an explicit ε, a query on them is
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
    catalog = db.catalog()
    print("datasets:", ", ".join(f"{d['name']} ({d['policy']['access_mode']})" for d in catalog["datasets"]))

    # 1. Forest-fire risk by county: average level and days at level 4 or above (open daily table).
    risk = db.sql(
        """
        SELECT r.name AS county, avg(f.risk_level) AS avg_risk,
               sum(CASE WHEN f.risk_level >= 4 THEN 1 ELSE 0 END) AS high_risk_days,
               max(f.days_since_rain) AS longest_dry_spell
        FROM governance.forest_fire_risk_daily AS f
        JOIN common.dim_region AS r ON f.county_code = r.code
        GROUP BY r.name
        ORDER BY avg_risk DESC
        """
    )
    show("forest-fire risk by county", risk)

    # 2. IoT fire alarms in wooden villages: volume and response time per county and alarm type
    #    (alarms are aggregate-only, at least 10 devices per group; householder contacts are denied).
    alarms = db.sql(
        """
        SELECT v.county_code, a.alarm_type, count(*) AS alarms, avg(a.response_min) AS avg_response_min,
               sum(CASE WHEN a.verified_fire THEN 1 ELSE 0 END) AS confirmed_fires
        FROM governance.fire_iot_alarm AS a
        JOIN governance.fire_iot_device AS d ON a.device_id = d.device_id
        JOIN governance.fire_village AS v ON d.village_id = v.village_id
        GROUP BY v.county_code, a.alarm_type
        ORDER BY alarms DESC
        """
    )
    show("fire alarms per county and type", alarms)

    # 3. Devices raising each alarm type, with differential privacy on request (an explicit ε): each device
    #    counts once, counts are noisy with a 95 % bound (``devices_ci95``), rare types must pass a noisy
    #    threshold on top of k = 10, and ε is charged to this grant's budget for the alarm table.
    devices = db.sql(
        """
        SELECT alarm_type, count(DISTINCT device_id) AS devices
        FROM governance.fire_iot_alarm
        GROUP BY alarm_type
        ORDER BY alarm_type
        """,
        epsilon=1.0,
    )
    show("devices per alarm type (DP on request, ε = 1.0)", devices)

    # 4. Video events: how many were handled versus false alarms, per event type (masked table).
    events = db.sql(
        """
        SELECT event_type, handled_status, count(*) AS events, avg(confidence) AS avg_confidence
        FROM governance.gov_video_event
        GROUP BY event_type, handled_status
        """
    )
    handled = events.pivot_table(index="event_type", columns="handled_status", values="events", aggfunc="sum")
    show("video events by handling status", handled.fillna(0).reset_index())

    # 5. Water transport: fleet per home port (aggregate, k = 20 owners) and hourly traffic from tracks.
    fleet = db.sql(
        """
        SELECT home_port, type, count(*) AS vessels, sum(rated_passengers) AS seats
        FROM governance.water_vessel
        GROUP BY home_port, type
        ORDER BY vessels DESC
        """
    )
    show("fleet per home port", fleet)
    traffic = db.sql(
        """
        SELECT extract(hour FROM ts) AS hour, count(DISTINCT vessel_id) AS vessels, avg(speed_kn) AS avg_speed_kn
        FROM governance.water_vessel_track
        GROUP BY 1
        ORDER BY 1
        """
    )
    show("vessel traffic by hour of day", traffic)


if __name__ == "__main__":
    try:
        main()
    except PolicyError as error:  # e.g. a token whose grant covers another scenario
        sys.exit(f"refused · 拒绝: {error}")
