"""文化旅游: scenic spots, hourly weather, hourly spot flows and real-name ticket entries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.frame import CHUNK_ROWS, TableJob, chunk_bounds, single, to_arrow
from sandbox.warehouse.demo.places import COUNTY_CODES, SPOTS
from sandbox.warehouse.demo.weather import warnings
from sandbox.warehouse.demo.world import World

# Share of a day's entries per hour (spots open about 07:00-19:00) [D].
ENTRY_HOURS = np.array([0, 0, 0, 0, 0, 0, 0, 2, 6, 12, 16, 14, 9, 10, 12, 9, 6, 3, 1, 0, 0, 0, 0, 0], dtype=np.float64)
ENTRY_HOURS /= ENTRY_HOURS.sum()
DWELL_HOURS = np.array([0.0, 0.10, 0.25, 0.30, 0.20, 0.10, 0.05])  # exit lag after entry
GROUP_SIZES = (1, 2, 3, 4, 5, 8, 15, 25)
GROUP_WEIGHTS = (0.45, 0.30, 0.10, 0.08, 0.03, 0.02, 0.015, 0.005)
TICKET_FACTOR = {"全价票": 1.0, "团体票": 0.8, "半价票": 0.5, "免票": 0.0, "免费预约": 0.0}
CHANNELS = ("OTA平台", "官方小程序", "景区窗口", "旅行社")
CHANNEL_WEIGHTS = (0.35, 0.30, 0.25, 0.10)


def scenic_spots() -> dict[str, Any]:
    return {
        "spot_id": np.array([s.spot_id for s in SPOTS]),
        "name": np.array([s.name for s in SPOTS]),
        "county_code": np.array([s.county for s in SPOTS]),
        "a_level": np.array([s.a_level for s in SPOTS]),
        "lon": np.array([s.lon for s in SPOTS]),
        "lat": np.array([s.lat for s in SPOTS]),
        "capacity": np.array([s.capacity for s in SPOTS]),
        "ticket_price": np.array([s.ticket_price for s in SPOTS]),
    }


def _hours() -> np.ndarray:
    return np.arange(np.datetime64("2025-01-01T00", "h"), np.datetime64("2026-01-01T00", "h"))


def weather_hourly(world: World) -> dict[str, Any]:
    w = world.weather
    n_c, n_h = w.temp_c.shape
    kind, level = warnings(w)
    aqi = world.ctx.rng("tourism.weather_hourly").normal(45, 12, (n_c, n_h))
    winter = np.isin(_hours().astype("datetime64[M]").astype(np.int64) % 12, (0, 1, 11))
    aqi = np.clip(aqi + 15 * winter[None, :] - 10 * (w.precip_mm > 0), 10, 160)
    return {
        "county_code": np.repeat(np.array(COUNTY_CODES), n_h),
        "ts_hour": np.tile(_hours().astype("datetime64[s]"), n_c),
        "temp_c": w.temp_c.ravel(),
        "rh": w.rh.ravel(),
        "precip_mm": w.precip_mm.ravel(),
        "wind_ms": w.wind_ms.ravel(),
        "weather_code": w.code.ravel(),
        "aqi": np.round(aqi).astype(np.int64).ravel(),
        "warning_type": kind.ravel(),
        "warning_level": level.ravel(),
    }


def spot_flow_hourly(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("tourism.tour_spot_flow_hourly")
    visits = world.spot_visits.astype(np.float64)  # (spots, days)
    entries = rng.poisson(visits[:, :, None] * ENTRY_HOURS[None, None, :])
    exits = np.zeros_like(entries, dtype=np.float64)
    for lag, share in enumerate(DWELL_HOURS):  # 7 shifts, vectorised over spots and days
        if share and lag:
            exits[:, :, lag:] += entries[:, :, :-lag] * share
    exits = np.round(exits).astype(np.int64)
    exits = np.minimum(np.cumsum(exits, axis=2), np.cumsum(entries, axis=2))
    exits = np.diff(exits, axis=2, prepend=0)
    exits[:, :, -1] += entries.sum(axis=2) - exits.sum(axis=2)  # everyone has left by midnight
    onsite = np.cumsum(entries - exits, axis=2)
    n_s = len(SPOTS)
    return {
        "spot_id": np.repeat(np.array([s.spot_id for s in SPOTS]), dates.HOURS_PER_YEAR),
        "ts_hour": np.tile(_hours().astype("datetime64[s]"), n_s),
        "entries": entries.ravel(),
        "exits": exits.ravel(),
        "onsite": onsite.ravel(),
    }


def _ticket_chunk(world: World, rng: np.random.Generator, cells: np.ndarray, first_id: int) -> pa.Table:
    n = cells.size
    p = world.people
    spot, day = cells % len(SPOTS), cells // len(SPOTS)
    visit_date = dates.DAYS[day]
    who = world.visitor_pool[rng.integers(0, world.visitor_pool.size, n)]
    birth = p.birth[who]
    age = (visit_date - birth).astype(np.int64) // 365
    group = np.asarray(GROUP_SIZES)[draw.weighted_index(rng, GROUP_WEIGHTS, n)]
    price = np.array([s.ticket_price for s in SPOTS])[spot]
    ticket = np.full(n, "全价票", dtype="<U4")
    ticket[group >= 6] = "团体票"
    ticket[(age < 18) | ((age >= 60) & (age < 65))] = "半价票"
    ticket[age >= 65] = "免票"
    ticket[price == 0] = "免费预约"
    factor = np.select([ticket == k for k in TICKET_FACTOR], list(TICKET_FACTOR.values()))
    channel = draw.pick(rng, CHANNELS, CHANNEL_WEIGHTS, n)
    channel[ticket == "团体票"] = "旅行社"
    seconds = draw.seconds_in_day(rng, ENTRY_HOURS, n)
    return to_arrow(
        "tourism.tour_ticket_entry",
        {
            "entry_id": draw.seq_ids("TE", n, 9, start=first_id),
            "spot_id": np.array([s.spot_id for s in SPOTS])[spot],
            "visit_date": visit_date,
            "entry_time": draw.at_seconds(visit_date, seconds),
            "ticket_type": ticket,
            "channel": channel,
            "visitor_id_no": p.id_no[who],
            "visitor_name": p.name[who],
            "phone": p.phone[who],
            "gender": p.gender(who),
            "birth_date": birth,
            "origin_region_code": p.region[who],
            "group_size": group,
            "price_paid": draw.money(price * factor * group),
        },
    )


def ticket_entries(world: World) -> Iterator[pa.Table]:
    """A sample of the visits to every spot (ticketed or free reservation), day-major order."""
    rng = world.ctx.rng("tourism.tour_ticket_entry")
    p = world.spot_visits.T.ravel().astype(np.float64)  # index = day * n_spots + spot
    counts = rng.multinomial(world.n_tickets, p / p.sum())
    cells = np.repeat(np.arange(p.size), counts)
    for start, stop in chunk_bounds(cells.size, CHUNK_ROWS):
        yield _ticket_chunk(world, rng, cells[start:stop], start + 1)


def jobs(world: World) -> list[TableJob]:
    n_c, n_s = len(COUNTY_CODES), len(SPOTS)
    return [
        TableJob("tourism.tour_scenic_spot", n_s, single("tourism.tour_scenic_spot", scenic_spots)),
        TableJob(
            "tourism.weather_hourly",
            n_c * dates.HOURS_PER_YEAR,
            single("tourism.weather_hourly", lambda: weather_hourly(world)),
        ),
        TableJob(
            "tourism.tour_spot_flow_hourly",
            n_s * dates.HOURS_PER_YEAR,
            single("tourism.tour_spot_flow_hourly", lambda: spot_flow_hourly(world)),
        ),
        TableJob("tourism.tour_ticket_entry", world.n_tickets, lambda: ticket_entries(world)),
    ]
