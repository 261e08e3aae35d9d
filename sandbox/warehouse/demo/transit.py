"""公共交通 (凯里): lines, stops, fleet, GPS fixes, personalised cards, taps, arrival predictions."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.draw import IntArray, StrArray
from sandbox.warehouse.demo.frame import CHUNK_ROWS, TableJob, chunk_bounds, single, to_arrow
from sandbox.warehouse.demo.places import KAILI
from sandbox.warehouse.demo.transit_network import SUBURBAN, Network, build_network
from sandbox.warehouse.demo.world import World

GPS_DAYS = ("2025-09-08", "2025-09-14")  # one week, Monday to Sunday
GPS_SERVICE = (6 * 3600 + 1800, 22 * 3600 + 1800)  # 06:30-22:30, one fix a minute
GPS_STEP_S = 60
TAP_DAYS = ("2025-09-01", "2025-09-30")
TAPS_PER_DAY = 120_000  # weekday boardings at SF = 1
CARDS = 150_000
QR_ACCOUNTS = 100_000
ARRIVAL_PREDS = 1_000_000
# hourly boarding profile: AM peak 07-09 ×2.2, PM peak 17-19 ×2.0 (design §5.4)
WEEKDAY_HOURS = np.array([0, 0, 0, 0, 0, 0, 0.5, 2.2, 2.2, 1, 1, 1, 1, 1, 1, 1, 1, 2.0, 2.0, 1, 0.8, 0.6, 0.3, 0])
WEEKEND_HOURS = np.array(
    [0, 0, 0, 0, 0, 0, 0.3, 0.8, 1.0, 1.2, 1.3, 1.3, 1.2, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1, 0.8, 0.6, 0.3, 0]
)
# payment mix: QR 0.55 (WeChat/Alipay/UnionPay), IC 0.40 (student 0.12, elderly 0.10), cash 0.05
PAY_METHODS = ("扫码-微信", "扫码-支付宝", "扫码-云闪付", "IC卡", "IC卡-学生", "IC卡-老年", "现金")
PAY_WEIGHTS = (0.33, 0.165, 0.055, 0.18, 0.12, 0.10, 0.05)
CARD_TYPES = ("普通", "学生", "老年", "爱心", "员工")
CARD_WEIGHTS = (0.50, 0.22, 0.20, 0.03, 0.05)
CARD_AGES = {"普通": (18, 65), "学生": (6, 23), "老年": (60, 100), "爱心": (18, 81), "员工": (22, 56)}
DISCOUNT = {
    "普通": ("无", 1.0),
    "学生": ("学生", 0.5),
    "老年": ("老年", 0.0),
    "爱心": ("爱心", 0.0),
    "员工": ("员工", 0.0),
}
HUB_WORDS = ("凯里南站", "市场", "大十字")  # weekend ×1.3 on lines serving these, ×0.8 elsewhere
WEEKEND_HUB, WEEKEND_COMMUTER = 1.3, 0.8
MAKEUP_WORKDAY = np.datetime64("2025-09-28")


def _is_weekend(day: np.datetime64) -> bool:
    idx = int((day - dates.START).astype(np.int64))
    return bool(dates.day_of_week()[idx] >= 6) and day != MAKEUP_WORKDAY


def network(world: World) -> Network:
    return world.memo("transit.network", lambda: build_network(world.ctx))


def bus_line(world: World) -> dict[str, Any]:
    net = network(world)
    rng = world.ctx.rng("transit.bus_line")
    n = len(net.lines)
    suburban = np.array([ln.line_no == SUBURBAN for ln in net.lines])
    ends = [(net.stop_name[ln.stops[0]], net.stop_name[ln.stops[-1]]) for ln in net.lines]
    return {
        "line_id": np.array([ln.line_id for ln in net.lines]),
        "line_no": np.array([f"{ln.line_no}路" for ln in net.lines]),
        "name": np.array([f"{ln.line_no}路({a}—{b})" for ln, (a, b) in zip(net.lines, ends, strict=True)]),
        "fare": np.where(suburban, 2.0, 1.0),
        "length_km": np.round([ln.cum_m[-1] / 1000 for ln in net.lines], 1),
        "first_bus": np.full(n, "06:30"),
        "last_bus": np.asarray(("20:30", "21:00", "21:30", "22:00"))[rng.integers(0, 4, n)],
        "headway_peak_min": rng.integers(5, 11, n),
        "headway_off_min": rng.integers(8, 21, n),
    }


def bus_stop(world: World) -> dict[str, Any]:
    net = network(world)
    return {"stop_id": net.stop_id, "name": net.stop_name, "lon": net.lon, "lat": net.lat, "has_e_sign": net.has_e_sign}


def bus_line_stop(world: World) -> dict[str, Any]:
    net = network(world)
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ("line_id", "direction", "seq", "stop_id", "dist_m")}
    for ln in net.lines:  # one iteration per line and direction
        for direction, order in ((0, ln.stops), (1, ln.stops[::-1])):
            dist = ln.cum_m if direction == 0 else ln.cum_m[-1] - ln.cum_m[::-1]
            parts["line_id"].append(np.full(order.size, ln.line_id))
            parts["direction"].append(np.full(order.size, direction))
            parts["seq"].append(np.arange(1, order.size + 1))
            parts["stop_id"].append(net.stop_id[order])
            parts["dist_m"].append(np.round(dist).astype(np.int64))
    return {k: np.concatenate(v) for k, v in parts.items()}


def bus_vehicle(world: World) -> dict[str, Any]:
    net = network(world)
    return {
        "vehicle_id": net.vehicle_id,
        "plate": net.plate,
        "model": net.model,
        "fuel": net.fuel,
        "capacity": net.capacity,
        "depot": net.depot,
        "line_id": np.array([ln.line_id for ln in net.lines])[net.vehicle_line],
    }


def _gps_vehicle(net: Network, rng: np.random.Generator, v: int, t: np.ndarray) -> dict[str, Any]:
    """Fixes of vehicle ``v`` at seconds ``t`` of the service day (days stacked, offset per day)."""
    ln = net.lines[net.vehicle_line[v]]
    length = ln.cum_m[-1]
    speed_ms = rng.uniform(4.5, 5.8)  # 16-21 km/h including stops
    run, layover = length / speed_ms, 360.0
    cycle = 2 * (run + layover)
    phase = (t + rng.uniform(0, cycle)) % cycle
    outbound, back = phase < run, (phase >= run + layover) & (phase < 2 * run + layover)
    pos = np.where(outbound, phase / run * length, np.where(back, length - (phase - run - layover) / run * length, 0.0))
    pos = np.where((phase >= run) & (phase < run + layover), length, pos)
    moving = outbound | back
    direction = np.where(outbound | ((phase >= run) & (phase < run + layover)), 0, 1)
    k = np.clip(np.searchsorted(ln.cum_m, pos, side="right"), 1, ln.stops.size - 1)
    frac = (pos - ln.cum_m[k - 1]) / np.maximum(ln.cum_m[k] - ln.cum_m[k - 1], 1.0)
    a, b = ln.stops[k - 1], ln.stops[k]
    lon = net.lon[a] + frac * (net.lon[b] - net.lon[a])
    lat = net.lat[a] + frac * (net.lat[b] - net.lat[a])
    next_stop = np.where(direction == 0, b, a)
    hour = (t % 86400) // 3600
    load = net.capacity[v] * np.clip(WEEKDAY_HOURS[hour] / 2.2 * rng.uniform(0.3, 1.0, t.size), 0, 1)
    speed = np.where(moving, np.clip(rng.normal(speed_ms * 3.6 * 1.3, 6, t.size), 0, 55), 0.0)
    return {
        "lon": np.round(lon, 5),
        "lat": np.round(lat, 5),
        "speed_kmh": np.round(speed, 1),
        "line_id": np.full(t.size, ln.line_id),
        "direction": direction,
        "next_stop_id": net.stop_id[next_stop],
        "load_est": np.round(np.where(moving, load, 0)).astype(np.int64),
    }


def gps_vehicles(world: World) -> int:
    return world.scale.rows(400, 4)


def bus_gps(world: World) -> Iterator[pa.Table]:
    rng = world.ctx.rng("transit.bus_gps")
    net = network(world)
    days = np.arange(np.datetime64(GPS_DAYS[0]), np.datetime64(GPS_DAYS[1]) + 1)
    tod = np.arange(GPS_SERVICE[0], GPS_SERVICE[1], GPS_STEP_S)
    t = (np.arange(days.size)[:, None] * 86400 + tod[None, :]).ravel()
    ts = days.astype("datetime64[s]")[0] + t.astype("timedelta64[s]")
    per_chunk = max(1, CHUNK_ROWS // t.size)
    for start, stop in chunk_bounds(gps_vehicles(world), per_chunk):
        cols: dict[str, list[np.ndarray]] = {}
        for v in range(start, stop):  # one iteration per vehicle, vectorised over its fixes
            for key, val in _gps_vehicle(net, rng, v, t).items():
                cols.setdefault(key, []).append(val)
        k = stop - start
        yield to_arrow(
            "transit.bus_gps",
            {"vehicle_id": np.repeat(net.vehicle_id[start:stop], t.size), "ts": np.tile(ts, k)}
            | {key: np.concatenate(val) for key, val in cols.items()},
        )


@dataclass(frozen=True)
class Cards:
    person: IntArray
    card_id: StrArray
    card_type: StrArray


def cards(world: World) -> Cards:
    """Personalised cards of 凯里 residents, eligibility by age (students, elderly, …)."""

    def make() -> Cards:
        rng = world.ctx.rng("transit.bus_card")
        p = world.people
        age = p.age_on()
        residents = p.local_where(p.alive & (p.region == KAILI))
        taken = np.zeros(p.id_no.size, dtype=bool)
        want = np.round(np.asarray(CARD_WEIGHTS) * world.scale.rows(CARDS, 200)).astype(int)
        persons, types = [], []
        for kind, k in zip(CARD_TYPES, want, strict=True):
            lo, hi = CARD_AGES[kind]
            pool = residents[(age[residents] >= lo) & (age[residents] < hi) & ~taken[residents]]
            chosen = rng.choice(pool, size=min(int(k), pool.size), replace=False)
            taken[chosen] = True
            persons.append(chosen)
            types.append(np.full(chosen.size, kind))
        person = np.concatenate(persons)
        serial = rng.choice(10**10, size=person.size, replace=False)
        card_id = np.strings.add("KL", np.strings.zfill(serial.astype("<U10"), 10))
        return Cards(person, card_id, np.concatenate(types))

    return world.memo("transit.cards", make)


def bus_card(world: World) -> dict[str, Any]:
    c = cards(world)
    p = world.people
    rng = world.ctx.rng("transit.bus_card.issue")
    birth = p.birth[c.person]
    earliest = np.maximum(birth + 6 * 365, np.datetime64("2015-01-01"))
    span = (np.datetime64("2025-08-31") - earliest).astype(np.int64)
    issue = earliest + (rng.random(c.person.size) * np.maximum(span, 0)).astype("timedelta64[D]")
    return {
        "card_id": c.card_id,
        "card_type": c.card_type,
        "holder_name": p.name[c.person],
        "holder_id_no": p.id_no[c.person],
        "phone": p.phone[c.person],
        "birth_year": birth.astype("datetime64[Y]").astype(np.int64) + 1970,
        "issue_date": issue,
    }


def _taps_for_day(
    world: World, rng: np.random.Generator, day: np.datetime64, n: int, tokens: dict[str, Any], first: int
) -> pa.Table:
    net = network(world)
    weekend = _is_weekend(day)
    if weekend:
        n = round(n * WEEKEND_HUB)  # thinned below to ×1.3 on hub lines and ×0.8 elsewhere
    method = draw.pick(rng, PAY_METHODS, PAY_WEIGHTS, n)
    token = np.full(n, "", dtype="<U18")
    kind = np.full(n, "普通", dtype="<U2")
    line = np.empty(n, dtype=np.int64)
    home = np.empty(n, dtype=np.int64)
    work = np.empty(n, dtype=np.int64)
    groups = {
        "qr": np.strings.startswith(method, "扫码"),
        "学生": method == "IC卡-学生",
        "老年": method == "IC卡-老年",
        "other": method == "IC卡",
        "cash": method == "现金",
    }
    for g, sel in groups.items():
        k = int(sel.sum())
        pool = tokens[g]
        i = draw.weighted_index(rng, pool["activity"], k)
        token[sel] = pool["token"][i]
        kind[sel] = pool["type"][i]
        line[sel], home[sel], work[sel] = pool["line"][i], pool["home"][i], pool["work"][i]
    # weekends: lines via 凯里南站 / markets gain, commuter lines lose; 20 % of rides are off the home line
    stray = rng.random(n) < 0.2
    hub = tokens["hub_line"]
    line[stray] = draw.weighted_index(rng, tokens["line_weight"], int(stray.sum()))
    line_w = np.where(hub, WEEKEND_HUB, WEEKEND_COMMUTER) if weekend else np.full(hub.size, WEEKEND_HUB)
    keep = rng.random(n) < line_w[line] / WEEKEND_HUB
    hours = WEEKEND_HOURS if weekend else WEEKDAY_HOURS
    secs = draw.seconds_in_day(rng, hours, n)
    am = secs < 12 * 3600
    seq_len = np.array([ln.stops.size for ln in net.lines])[line]
    anywhere = rng.integers(0, seq_len)
    use_home = ~stray & (rng.random(n) < 0.8)
    pos = np.where(use_home, np.where(am, home, work), anywhere) % seq_len
    stops_flat = np.concatenate([ln.stops for ln in net.lines])
    offsets = np.concatenate([[0], np.cumsum([ln.stops.size for ln in net.lines])[:-1]])
    board = stops_flat[offsets[line] + pos]
    veh_by_line = [np.flatnonzero(net.vehicle_line == i) for i in range(len(net.lines))]
    veh_count = np.array([v.size for v in veh_by_line])
    veh_flat = np.concatenate(veh_by_line)
    veh_off = np.concatenate([[0], np.cumsum(veh_count)[:-1]])
    vehicle = veh_flat[veh_off[line] + rng.integers(0, np.maximum(veh_count[line], 1))]
    base_fare = np.where(np.array([ln.line_no == SUBURBAN for ln in net.lines])[line], 2.0, 1.0)
    discount = draw.lookup({k: v[0] for k, v in DISCOUNT.items()}, kind)
    factor = np.select([kind == k for k in DISCOUNT], [v[1] for v in DISCOUNT.values()])
    factor = np.where(groups["qr"] | groups["cash"], 1.0, factor)
    discount = np.where(groups["qr"] | groups["cash"], "无", discount)
    cols = {
        "pay_token": token,
        "pay_method": method,
        "line_id": np.array([ln.line_id for ln in net.lines])[line],
        "vehicle_id": net.vehicle_id[vehicle],
        "board_stop_id": net.stop_id[board],
        "ts": draw.at_seconds(np.full(n, day), secs),
        "fare": draw.money(base_fare * factor),
        "discount_type": discount,
    }
    kept = {k: v[keep] for k, v in cols.items()}
    kept["txn_id"] = draw.seq_ids("BT", int(keep.sum()), 10, start=first)
    return to_arrow("transit.bus_tap", kept)


def _tokens(world: World) -> dict[str, Any]:
    """Who pays how: personalised cards by type, hashed QR accounts, plus a home line and stops."""
    rng = world.ctx.rng("transit.bus_tap.tokens")
    net = network(world)
    c = cards(world)
    line_weight = np.array([ln.stops.size for ln in net.lines], dtype=np.float64)
    hub = np.array([any(w in net.stop_name[s] for s in ln.stops for w in HUB_WORDS) for ln in net.lines])

    def pool(token: StrArray, kind: StrArray) -> dict[str, Any]:
        n = token.size
        line = draw.weighted_index(rng, line_weight, n)
        size = np.array([ln.stops.size for ln in net.lines])[line]
        return {
            "token": token,
            "type": kind,
            "activity": rng.gamma(1.5, 1.0, n),
            "line": line,
            "home": rng.integers(0, size),
            "work": rng.integers(0, size),
        }

    qr = draw.hex_tokens(rng, "QR", world.scale.rows(QR_ACCOUNTS, 300))
    other = np.isin(c.card_type, ("普通", "爱心", "员工"))
    return {
        "qr": pool(qr, np.full(qr.size, "普通")),
        "学生": pool(c.card_id[c.card_type == "学生"], c.card_type[c.card_type == "学生"]),
        "老年": pool(c.card_id[c.card_type == "老年"], c.card_type[c.card_type == "老年"]),
        "other": pool(c.card_id[other], c.card_type[other]),
        "cash": pool(np.full(1, ""), np.full(1, "普通")),
        "hub_line": hub,
        "line_weight": line_weight,
    }


def tap_days() -> np.ndarray:
    return np.arange(np.datetime64(TAP_DAYS[0]), np.datetime64(TAP_DAYS[1]) + 1)


def bus_taps(world: World) -> Iterator[pa.Table]:
    rng = world.ctx.rng("transit.bus_tap")
    tokens = _tokens(world)
    per_day = world.scale.rows(TAPS_PER_DAY, 40)
    first = 1
    for day in tap_days():  # one chunk per day (≈120 k rows at SF = 1)
        table = _taps_for_day(world, rng, day, per_day, tokens, first)
        first += table.num_rows
        yield table


def bus_arrival_pred(world: World) -> Iterator[pa.Table]:
    """Predicted vs actual arrivals shown on electronic stop signs (sign_id = "E" + stop_id)."""
    rng = world.ctx.rng("transit.bus_arrival_pred")
    net = network(world)
    pairs = [(s, i) for i, ln in enumerate(net.lines) for s in ln.stops if net.has_e_sign[s]]
    sign_stop = np.array([s for s, _ in pairs])
    sign_line = np.array([i for _, i in pairs])
    days = tap_days()
    n = world.scale.rows(ARRIVAL_PREDS, 200)
    for start, stop in chunk_bounds(n, CHUNK_ROWS):
        k = stop - start
        pick = rng.integers(0, sign_stop.size, k)
        day = days[rng.integers(0, days.size, k)]
        ts = draw.at_seconds(day, draw.seconds_in_day(rng, WEEKDAY_HOURS, k))
        eta = np.round(draw.lognormal_clipped(rng, 300, 0.7, 20, 1800, k)).astype(np.int64)
        error = rng.normal(0, 20 + 0.12 * eta)
        actual = ts + np.round(eta + error).astype("timedelta64[s]")
        yield to_arrow(
            "transit.bus_arrival_pred",
            {
                "sign_id": np.strings.add("E", net.stop_id[sign_stop[pick]]),
                "line_id": np.array([ln.line_id for ln in net.lines])[sign_line[pick]],
                "ts": ts,
                "predicted_eta_s": eta,
                "actual_arrival_ts": actual,
            },
        )


def jobs(world: World) -> list[TableJob]:
    net = network(world)
    n_ls = 2 * sum(ln.stops.size for ln in net.lines)
    gps_rows = gps_vehicles(world) * 7 * ((GPS_SERVICE[1] - GPS_SERVICE[0]) // GPS_STEP_S)
    card_rows = int(np.round(np.asarray(CARD_WEIGHTS) * world.scale.rows(CARDS, 200)).sum())
    return [
        TableJob("transit.bus_line", len(net.lines), single("transit.bus_line", lambda: bus_line(world))),
        TableJob("transit.bus_stop", net.stop_id.size, single("transit.bus_stop", lambda: bus_stop(world))),
        TableJob("transit.bus_line_stop", n_ls, single("transit.bus_line_stop", lambda: bus_line_stop(world))),
        TableJob("transit.bus_vehicle", net.vehicle_id.size, single("transit.bus_vehicle", lambda: bus_vehicle(world))),
        TableJob("transit.bus_gps", gps_rows, lambda: bus_gps(world)),
        TableJob("transit.bus_card", card_rows, single("transit.bus_card", lambda: bus_card(world))),
        TableJob("transit.bus_tap", world.scale.rows(TAPS_PER_DAY, 40) * tap_days().size, lambda: bus_taps(world)),
        TableJob("transit.bus_arrival_pred", world.scale.rows(ARRIVAL_PREDS, 200), lambda: bus_arrival_pred(world)),
    ]
