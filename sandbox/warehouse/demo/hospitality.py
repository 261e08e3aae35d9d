"""文化旅游 (continued): hotels and guest registrations (住宿登记), restaurants and their daily sales."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.identifiers import generate
from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.frame import CHUNK_ROWS, TableJob, chunk_bounds, single, to_arrow
from sandbox.warehouse.demo.places import COUNTIES, COUNTY_CODES, SPOTS, SURNAMES
from sandbox.warehouse.demo.world import World

HOTELS = 1_500
HOTELS_FIXED = {"522634": 400, "522625": 200}  # ~400 in 雷山/西江, ~200 in 镇远 (design)
HOTEL_TYPES = ("酒店", "民宿", "客栈")
HOTEL_TYPE_WEIGHTS = (0.30, 0.45, 0.25)
HOTEL_WORDS = (
    "苗韵", "侗乡", "山水", "古镇", "听涛", "云上", "江畔", "梯田", "木楼", "月亮", "银饰", "鼓楼", "花桥",
    "芦笙", "星空", "竹林",
)  # fmt: skip
HOTEL_TAILS = ("", "居", "阁", "苑", "院", "舍", "轩", "楼")
NIGHTS = (1, 2, 3, 4, 5)
NIGHT_WEIGHTS = (0.55, 0.28, 0.10, 0.05, 0.02)
CHECKIN_HOURS = np.array([0] * 12 + [2, 5, 10, 12, 13, 14, 14, 12, 9, 5, 3, 1], dtype=np.float64)
MERCHANTS = 8_000
SALES_MERCHANTS = 3_000
CATEGORIES = ("酸汤鱼", "苗家菜", "侗家菜", "小吃", "烧烤", "火锅", "米粉", "农家乐", "茶饮", "快餐")
CATEGORY_WEIGHTS = (0.12, 0.12, 0.08, 0.18, 0.10, 0.08, 0.12, 0.06, 0.07, 0.07)
CATEGORY_TICKET = (95.0, 80.0, 75.0, 18.0, 60.0, 85.0, 14.0, 70.0, 20.0, 22.0)  # yuan per bill


def _short(county_name: str) -> str:
    return county_name[:-1] if len(county_name) > 2 else county_name


def _county_tourism_weight() -> np.ndarray:
    cap = np.zeros(len(COUNTIES))
    for s in SPOTS:
        cap[COUNTY_CODES.index(s.county)] += s.capacity
    pop = np.array([c.weight for c in COUNTIES])
    out: np.ndarray = pop / pop.sum() + cap / cap.sum()
    return out


def lodging_establishment(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("tourism.lodging_establishment")
    per_county = np.zeros(len(COUNTIES), dtype=np.int64)
    rest = np.array([c.code not in HOTELS_FIXED for c in COUNTIES])
    w = _county_tourism_weight() * rest
    per_county += rng.multinomial(HOTELS - sum(HOTELS_FIXED.values()), w / w.sum())
    for code, k in HOTELS_FIXED.items():
        per_county[COUNTY_CODES.index(code)] = k
    county = np.repeat(np.arange(len(COUNTIES)), per_county)
    n = county.size
    kind = draw.pick(rng, HOTEL_TYPES, HOTEL_TYPE_WEIGHTS, n)
    hotel = kind == "酒店"
    place = np.array([_short(c.name) for c in COUNTIES])[county]
    place = np.where((np.array(COUNTY_CODES)[county] == "522634") & (rng.random(n) < 0.7), "西江", place)
    name = np.strings.add(place, draw.pick(rng, HOTEL_WORDS, [1] * len(HOTEL_WORDS), n))
    name = np.strings.add(np.strings.add(name, draw.pick(rng, HOTEL_TAILS, [1] * len(HOTEL_TAILS), n)), kind)
    uscc = np.empty(n, dtype="<U18")
    regions = np.array(COUNTY_CODES)[county]
    uscc[hotel] = generate.usccs(rng, int(hotel.sum()), "9", "1", regions[hotel])
    uscc[~hotel] = generate.usccs(rng, int((~hotel).sum()), "9", "2", regions[~hotel])
    star = np.where(hotel, rng.choice([0, 0, 2, 3, 3, 4, 5], n), 0)
    rooms = np.where(hotel, rng.integers(40, 200, n), rng.integers(5, 30, n))
    lon, lat = draw.jitter(
        rng, np.array([c.lon for c in COUNTIES])[county], np.array([c.lat for c in COUNTIES])[county], 3.0
    )
    return {
        "hotel_id": draw.seq_ids("H", n, 5),
        "name": name,
        "uscc": uscc,
        "county_code": regions,
        "type": kind,
        "star": star,
        "rooms": rooms,
        "lon": lon,
        "lat": lat,
    }


def _checkin_chunk(world: World, rng: np.random.Generator, hotels: dict[str, Any], n: int, first: int) -> pa.Table:
    p = world.people
    rooms = hotels["rooms"].astype(np.float64)
    county_of = np.array([COUNTY_CODES.index(c) for c in hotels["county_code"]])
    hotel = draw.weighted_index(rng, rooms * np.where(hotels["type"] == "酒店", 1.0, 1.6), n)
    day = np.empty(n, dtype=np.int64)
    for c in np.unique(county_of[hotel]):  # arrivals follow the season of the hotel's county
        sel = county_of[hotel] == c
        day[sel] = draw.weighted_index(rng, world.county_tourism[c], int(sel.sum()))
    arrive = draw.at_seconds(dates.DAYS[day], draw.seconds_in_day(rng, CHECKIN_HOURS, n))
    nights = np.asarray(NIGHTS)[draw.weighted_index(rng, NIGHT_WEIGHTS, n)]
    leave_day = dates.DAYS[day] + nights.astype("timedelta64[D]")
    leave = draw.at_seconds(leave_day, rng.integers(7 * 3600, 12 * 3600, n))
    who = world.visitor_pool[rng.integers(0, world.visitor_pool.size, n)]
    floors = np.maximum(1, hotels["rooms"][hotel] // 15)
    room_no = (rng.integers(1, floors + 1) * 100 + rng.integers(1, 16, n)).astype("<U4")
    return to_arrow(
        "tourism.lodging_checkin",
        {
            "checkin_id": draw.seq_ids("CK", n, 9, start=first),
            "hotel_id": hotels["hotel_id"][hotel],
            "guest_id_no": p.id_no[who],
            "guest_name": p.name[who],
            "gender": p.gender(who),
            "birth_date": p.birth[who],
            "ethnicity": p.ethnicity_name(who),
            "home_region_code": p.region[who],
            "checkin_time": arrive,
            "checkout_time": leave,
            "room_no": room_no,
            "companions": rng.choice([0, 1, 2, 3, 4], n, p=[0.35, 0.40, 0.15, 0.07, 0.03]),
        },
    )


def lodging_checkins(world: World) -> Iterator[pa.Table]:
    rng = world.ctx.rng("tourism.lodging_checkin")
    hotels = lodging_establishment(world)
    for start, stop in chunk_bounds(world.n_checkins, CHUNK_ROWS):
        yield _checkin_chunk(world, rng, hotels, stop - start, start + 1)


def catering_merchant(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("tourism.catering_merchant")
    n = MERCHANTS
    county = draw.weighted_index(rng, _county_tourism_weight(), n)
    regions = np.array(COUNTY_CODES)[county]
    cat = draw.weighted_index(rng, CATEGORY_WEIGHTS, n)
    category = np.asarray(CATEGORIES)[cat]
    owner = np.asarray(SURNAMES)[rng.integers(0, len(SURNAMES), n)]
    place = np.array([_short(c.name) for c in COUNTIES])[county]
    name = np.strings.add(np.strings.add(np.strings.add(place, "老"), owner), category)
    individual = rng.random(n) < 0.7  # most are 个体工商户
    uscc = np.empty(n, dtype="<U18")
    uscc[individual] = generate.usccs(rng, int(individual.sum()), "9", "2", regions[individual])
    uscc[~individual] = generate.usccs(rng, int((~individual).sum()), "9", "1", regions[~individual])
    lon, lat = draw.jitter(
        rng, np.array([c.lon for c in COUNTIES])[county], np.array([c.lat for c in COUNTIES])[county], 2.5
    )
    return {
        "merchant_id": draw.seq_ids("M", n, 5),
        "name": name,
        "uscc": uscc,
        "county_code": regions,
        "category": category,
        "lon": lon,
        "lat": lat,
    }


def catering_sales(world: World) -> Iterator[pa.Table]:
    """Daily sales of a sample of merchants: weekend and tourist seasons lift the busy ones."""
    rng = world.ctx.rng("tourism.catering_sales_daily")
    merchants = catering_merchant(world)
    m = min(MERCHANTS, world.scale.rows(SALES_MERCHANTS, 30))
    chosen = np.sort(rng.choice(MERCHANTS, size=m, replace=False))
    county = np.array([COUNTY_CODES.index(c) for c in merchants["county_code"][chosen]])
    cat = np.array([CATEGORIES.index(c) for c in merchants["category"][chosen]])
    base = draw.lognormal_clipped(rng, 45, 0.6, 5, 600, m)
    tourist = rng.uniform(0.2, 0.9, m)  # how much a merchant lives from visitors
    mobile = rng.beta(17, 3, m)
    weekend = np.where(dates.day_of_week() >= 6, 1.25, 1.0)
    per_chunk = max(1, CHUNK_ROWS // dates.N_DAYS)
    for start, stop in chunk_bounds(m, per_chunk):
        sl = slice(start, stop)
        k = stop - start
        season = world.county_tourism[county[sl]]
        level = base[sl, None] * weekend[None, :] * ((1 - tourist[sl, None]) + tourist[sl, None] * season)
        txn = rng.poisson(level * rng.lognormal(0, 0.15, (k, dates.N_DAYS)))
        avg = np.asarray(CATEGORY_TICKET)[cat[sl], None] * rng.lognormal(0, 0.12, (k, dates.N_DAYS))
        amount = draw.money(txn * avg)
        avg_ticket = draw.money(np.where(txn > 0, amount / np.maximum(txn, 1), 0.0))
        share = np.clip(mobile[sl, None] + rng.normal(0, 0.03, (k, dates.N_DAYS)), 0, 1)
        yield to_arrow(
            "tourism.catering_sales_daily",
            {
                "merchant_id": np.repeat(merchants["merchant_id"][chosen[sl]], dates.N_DAYS),
                "date": np.tile(dates.DAYS, k),
                "txn_count": txn.ravel(),
                "amount": amount.ravel(),
                "avg_ticket": avg_ticket.ravel(),
                "share_mobile_pay": np.round(share, 3).ravel(),
            },
        )


def jobs(world: World) -> list[TableJob]:
    sales_rows = min(MERCHANTS, world.scale.rows(SALES_MERCHANTS, 30)) * dates.N_DAYS
    return [
        TableJob(
            "tourism.lodging_establishment",
            HOTELS,
            single("tourism.lodging_establishment", lambda: lodging_establishment(world)),
        ),
        TableJob("tourism.lodging_checkin", world.n_checkins, lambda: lodging_checkins(world)),
        TableJob(
            "tourism.catering_merchant",
            MERCHANTS,
            single("tourism.catering_merchant", lambda: catering_merchant(world)),
        ),
        TableJob("tourism.catering_sales_daily", sales_rows, lambda: catering_sales(world)),
    ]
