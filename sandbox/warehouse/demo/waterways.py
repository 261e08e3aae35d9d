"""社会治理 (water): registered vessels and the 30-second tracks of tourist boats."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.identifiers import generate
from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.frame import CHUNK_ROWS, TableJob, chunk_bounds, single, to_arrow
from sandbox.warehouse.demo.places import COUNTIES, RIVERS
from sandbox.warehouse.demo.world import World

VESSELS = 1_500
TOURIST_BOATS = 60
TRACK_DAYS = 120  # sampled operating days at SF = 1
TRIPS_PER_DAY = 2
POINTS_PER_TRIP = 70  # 35 minutes at 30 s: out and back
SAMPLE_S = 30
VESSEL_TYPES = ("旅游客船", "渡船", "货船", "自用船")
VESSEL_TYPE_WEIGHTS = (0.12, 0.20, 0.13, 0.55)
RATED = {"旅游客船": (20, 120), "渡船": (10, 40), "货船": (2, 5), "自用船": (2, 8)}
TYPE_ABBR = {"旅游客船": "游", "渡船": "渡", "货船": "货", "自用船": "自"}
KNOT_KMH = 1.852


def _county_short(code: str) -> str:
    name = next(c.name for c in COUNTIES if c.code == code)
    return name[:-1] if len(name) > 2 else name


def water_vessel(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("governance.water_vessel")
    n = VESSELS
    kind = draw.pick(rng, VESSEL_TYPES, VESSEL_TYPE_WEIGHTS, n)
    kind[:TOURIST_BOATS] = "旅游客船"  # the tracked fleet
    river = rng.integers(0, len(RIVERS), n)
    river[:TOURIST_BOATS] = np.arange(TOURIST_BOATS) % len(RIVERS)
    port = np.array([f"{_county_short(county)}{name}码头" for name, county, _ in RIVERS])[river]
    low = np.array([RATED[k][0] for k in VESSEL_TYPES])[[VESSEL_TYPES.index(k) for k in kind]]
    high = np.array([RATED[k][1] for k in VESSEL_TYPES])[[VESSEL_TYPES.index(k) for k in kind]]
    p = world.people
    adults = p.local_where(p.alive & (p.age_on() >= 25) & (p.age_on() <= 70))
    owner = rng.choice(adults, size=n, replace=False)
    river_name = np.array([name for name, _, _ in RIVERS])[river]
    label = np.strings.add(
        np.strings.add(river_name, draw.lookup(TYPE_ABBR, kind)), rng.integers(1, 99, n).astype("<U2")
    )
    return {
        "vessel_id": generate.vessel_ids(rng, n),
        "name": np.strings.add(label, "号"),
        "type": kind,
        "owner_name": p.name[owner],
        "owner_id_no": p.id_no[owner],
        "owner_phone": p.phone[owner],
        "home_port": port,
        "rated_passengers": rng.integers(low, high + 1),
        "reg_date": draw.random_dates(rng, "2005-01-01", "2025-06-30", n),
        "next_inspection_date": draw.random_dates(rng, "2025-06-01", "2027-12-31", n),
    }


def _route(river: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Cumulative km along a river course and its lon/lat vertices."""
    pts = np.array(RIVERS[river][2])
    dx = np.diff(pts[:, 0]) / draw.KM_LON
    dy = np.diff(pts[:, 1]) / draw.KM_LAT
    cum = np.concatenate([[0.0], np.cumsum(np.hypot(dx, dy))])
    return cum, pts[:, 0], pts[:, 1]


def n_track_days(world: World) -> int:
    return world.scale.rows(TRACK_DAYS, 1)


def _track_chunk(world: World, rng: np.random.Generator, boats: dict[str, Any], days: np.ndarray) -> pa.Table:
    """Every tourist boat on ``days``: two out-and-back trips each, one fix every 30 s."""
    n_b, n_d, per = TOURIST_BOATS, days.size, TRIPS_PER_DAY * POINTS_PER_TRIP
    boat = np.repeat(np.tile(np.arange(n_b), n_d), per)
    day = np.repeat(np.repeat(days, n_b), per)
    trip = np.tile(np.repeat(np.arange(TRIPS_PER_DAY), POINTS_PER_TRIP), n_b * n_d)
    step = np.tile(np.arange(POINTS_PER_TRIP), n_b * n_d * TRIPS_PER_DAY)
    start_s = np.where(trip == 0, 9 * 3600, 14 * 3600) + rng.integers(0, 7200, boat.size // POINTS_PER_TRIP).repeat(
        POINTS_PER_TRIP
    )
    frac = 1 - np.abs(1 - 2 * step / (POINTS_PER_TRIP - 1))  # 0 → 1 → 0 along the reach
    lon = np.empty(boat.size)
    lat = np.empty(boat.size)
    heading = np.empty(boat.size)
    reach_km = np.empty(boat.size)
    river = boat % len(RIVERS)
    # each boat plies a 1.8-3 km reach of its river (out and back in 35 minutes, ≈ 4-6 kn)
    reach_of_boat = rng.uniform(1.8, 3.0, n_b)
    start_frac = rng.random(n_b)
    for r in range(len(RIVERS)):
        sel = river == r
        cum, xs, ys = _route(r)
        reach = np.minimum(reach_of_boat[boat[sel]], cum[-1])
        km = start_frac[boat[sel]] * (cum[-1] - reach) + frac[sel] * reach
        lon[sel], lat[sel] = np.interp(km, cum, xs), np.interp(km, cum, ys)
        ahead = np.minimum(km + 0.05, cum[-1])
        dx = (np.interp(ahead, cum, xs) - lon[sel]) / draw.KM_LON
        dy = (np.interp(ahead, cum, ys) - lat[sel]) / draw.KM_LAT
        fwd = np.degrees(np.arctan2(dx, dy)) % 360
        back = step[sel] >= POINTS_PER_TRIP // 2
        heading[sel] = np.where(back, (fwd + 180) % 360, fwd)
        reach_km[sel] = reach
    lon, lat = draw.jitter(rng, lon, lat, 0.01)
    speed = reach_km * 2 / (POINTS_PER_TRIP * SAMPLE_S / 3600) / KNOT_KMH
    speed = np.where((step == 0) | (step == POINTS_PER_TRIP - 1), 0.0, speed * rng.uniform(0.85, 1.15, boat.size))
    rated = boats["rated_passengers"][boat]
    pax = np.round(rated * rng.uniform(0.3, 1.0, boat.size // POINTS_PER_TRIP).repeat(POINTS_PER_TRIP))
    return to_arrow(
        "governance.water_vessel_track",
        {
            "vessel_id": boats["vessel_id"][boat],
            "ts": draw.at_seconds(dates.DAYS[day], start_s + step * SAMPLE_S),
            "lon": lon,
            "lat": lat,
            "speed_kn": np.round(speed, 1),
            "heading": np.round(heading, 1),
            "pax_onboard": pax.astype(np.int64),
        },
    )


def vessel_tracks(world: World) -> Iterator[pa.Table]:
    rng = world.ctx.rng("governance.water_vessel_track")
    boats = water_vessel(world)
    season = np.arange(dates.N_DAYS)[(dates.months() >= 4) & (dates.months() <= 10)]
    days = np.sort(rng.choice(season, size=min(n_track_days(world), season.size), replace=False))
    per_day = TOURIST_BOATS * TRIPS_PER_DAY * POINTS_PER_TRIP
    for start, stop in chunk_bounds(days.size, max(1, CHUNK_ROWS // per_day)):
        yield _track_chunk(world, rng, boats, days[start:stop])


def jobs(world: World) -> list[TableJob]:
    track_rows = n_track_days(world) * TOURIST_BOATS * TRIPS_PER_DAY * POINTS_PER_TRIP
    return [
        TableJob("governance.water_vessel", VESSELS, single("governance.water_vessel", lambda: water_vessel(world))),
        TableJob("governance.water_vessel_track", track_rows, lambda: vessel_tracks(world)),
    ]
