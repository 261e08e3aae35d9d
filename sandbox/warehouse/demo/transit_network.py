"""The synthetic 凯里 bus network (design §5.4): stops, ~30 lines, their stop sequences, the fleet."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.identifiers import generate
from sandbox.warehouse.demo import draw
from sandbox.warehouse.demo.context import BuildContext
from sandbox.warehouse.demo.draw import FloatArray, IntArray, StrArray
from sandbox.warehouse.demo.places import KAILI_LANDMARKS, STOP_STEMS, STOP_SUFFIXES

SHARE_RADIUS_KM = 0.25  # a planned stop this close to an existing one reuses it ...
SHARE_PROB = 0.4  # ... with this probability
VEHICLES = 400
LINE_NOS = tuple(n for n in range(1, 36) if n not in (13, 14, 24, 29, 33))  # 30 lines with gaps
# Real anchors [S]: 28/16/21 link 凯里南站 with the city; 28 ends at 州林汽. 35 is the suburban line.
ANCHORS = {28: ("凯里南站", "州林汽"), 16: ("凯里南站", "凯里站"), 21: ("凯里南站", "鸭塘"), 35: ("凯里客运站", "下司")}
SUBURBAN = 35
CITY_BOX = (107.92, 108.05, 26.52, 26.62)
ROAD_FACTOR = 1.25  # road distance over straight-line distance
MODELS_EV = ("宇通ZK6105BEVG", "中通LCK6108EVG", "比亚迪BYD6100B")
MODELS_HYBRID = ("宇通ZK6105CHEVNPG", "金龙XMQ6106AGCHEVN")
DEPOTS = ("鸭塘停车场", "开怀停车场", "凯里南站场站")
E_SIGN_SHARE = 0.35


@dataclass(frozen=True)
class Line:
    line_id: str
    line_no: int
    stops: IntArray  # indices into Network.stop_id, direction 0 order
    cum_m: FloatArray  # road distance from the first stop, metres


@dataclass(frozen=True)
class Network:
    stop_id: StrArray
    stop_name: StrArray
    lon: FloatArray
    lat: FloatArray
    has_e_sign: np.ndarray
    lines: tuple[Line, ...]
    vehicle_id: StrArray
    plate: StrArray
    fuel: StrArray
    model: StrArray
    capacity: IntArray
    depot: StrArray
    vehicle_line: IntArray  # index into lines

    def line_index(self, line_no: int) -> int:
        return next(i for i, ln in enumerate(self.lines) if ln.line_no == line_no)


def _new_names(rng: np.random.Generator, k: int, suburban: bool) -> StrArray:
    stems = np.asarray(STOP_STEMS)
    head = np.strings.add(stems[rng.integers(0, stems.size, k)], stems[rng.integers(0, stems.size, k)])
    tail = np.full(k, "村") if suburban else np.asarray(STOP_SUFFIXES)[rng.integers(0, len(STOP_SUFFIXES), k)]
    return np.strings.add(head, tail)


class _StopBook:
    """Stops created while laying out lines; nearby existing stops are shared between lines."""

    def __init__(self) -> None:
        self.names: list[str] = [n for n, _, _ in KAILI_LANDMARKS]
        self.x, self.y = _km(np.array([v for _, v, _ in KAILI_LANDMARKS]), np.array([v for _, _, v in KAILI_LANDMARKS]))

    def place(self, rng: np.random.Generator, px: FloatArray, py: FloatArray, suburban: bool) -> IntArray:
        d = np.hypot(px[:, None] - self.x[None, :], py[:, None] - self.y[None, :])
        nearest = d.argmin(axis=1)
        reuse = (d[np.arange(px.size), nearest] < SHARE_RADIUS_KM) & (rng.random(px.size) < SHARE_PROB)
        out = np.where(reuse, nearest, -1)
        fresh = np.flatnonzero(~reuse)
        out[fresh] = len(self.names) + np.arange(fresh.size)
        self.names.extend(_new_names(rng, fresh.size, suburban).tolist())
        self.x = np.concatenate([self.x, px[fresh]])
        self.y = np.concatenate([self.y, py[fresh]])
        _, first = np.unique(out, return_index=True)  # a line visits a stop once
        return out[np.sort(first)].astype(np.int64)


def _km(lon: FloatArray, lat: FloatArray) -> tuple[FloatArray, FloatArray]:
    return lon / draw.KM_LON, lat / draw.KM_LAT


def _random_city_point(rng: np.random.Generator) -> tuple[float, float]:
    x0, x1, y0, y1 = CITY_BOX
    return float(rng.uniform(x0, x1) / draw.KM_LON), float(rng.uniform(y0, y1) / draw.KM_LAT)


def _lay_line(rng: np.random.Generator, book: _StopBook, no: int) -> IntArray:
    """Terminals, then intermediate stops along a gently curved path between them."""
    names = book.names
    if no in ANCHORS:
        a, b = (names.index(n) for n in ANCHORS[no])
        (ax, ay), (bx, by) = (book.x[a], book.y[a]), (book.x[b], book.y[b])
    else:
        while True:
            (ax, ay), (bx, by) = _random_city_point(rng), _random_city_point(rng)
            if 5.0 < np.hypot(ax - bx, ay - by) < 11.0:
                break
    n_stops = 14 if no == SUBURBAN else int(rng.integers(12, 36))
    t = np.concatenate([[0.0], np.sort(rng.uniform(0.02, 0.98, n_stops - 2)), [1.0]])
    length = np.hypot(bx - ax, by - ay)
    bend = rng.uniform(-0.12, 0.12) * length * np.sin(np.pi * t)
    nx, ny = -(by - ay) / length, (bx - ax) / length
    px = ax + t * (bx - ax) + bend * nx + rng.normal(0, 0.08, t.size)
    py = ay + t * (by - ay) + bend * ny + rng.normal(0, 0.08, t.size)
    if no in ANCHORS:
        px[[0, -1]], py[[0, -1]] = (ax, bx), (ay, by)
    return book.place(rng, px, py, no == SUBURBAN)


def build_network(ctx: BuildContext) -> Network:
    rng = ctx.rng("transit.network")
    book = _StopBook()
    lines = []
    for no in LINE_NOS:
        seq = _lay_line(rng, book, no)
        seg = np.hypot(np.diff(book.x[seq]), np.diff(book.y[seq])) * 1000 * ROAD_FACTOR
        lines.append(Line(f"L{no:03d}", no, seq, np.concatenate([[0.0], np.cumsum(seg)])))
    names = draw.dedupe(np.array(book.names))
    lon, lat = np.round(book.x * draw.KM_LON, 5), np.round(book.y * draw.KM_LAT, 5)
    n_stops = names.size

    # fleet: mostly pure electric (贵H·D…), some hybrids (贵H·F…)
    pool = generate.plates(rng, VEHICLES * 3, new_energy_share=1.0)
    d_plates = pool[np.strings.startswith(pool, "贵HD")][: round(VEHICLES * 0.85)]
    f_plates = pool[np.strings.startswith(pool, "贵HF")][: VEHICLES - d_plates.size]
    plate = rng.permutation(np.concatenate([d_plates, f_plates]))
    electric = np.strings.startswith(plate, "贵HD")
    stops_per_line = np.array([ln.stops.size for ln in lines], dtype=np.float64)
    vehicle_line = np.sort(draw.weighted_index(rng, stops_per_line, VEHICLES))
    model = np.where(
        electric,
        np.asarray(MODELS_EV)[rng.integers(0, len(MODELS_EV), VEHICLES)],
        np.asarray(MODELS_HYBRID)[rng.integers(0, len(MODELS_HYBRID), VEHICLES)],
    )
    depot = np.asarray(DEPOTS)[rng.integers(0, len(DEPOTS), VEHICLES)]
    depot[vehicle_line == next(i for i, ln in enumerate(lines) if ln.line_no == SUBURBAN)] = "下司场站"
    return Network(
        stop_id=draw.seq_ids("ST", n_stops, 4),
        stop_name=names,
        lon=lon,
        lat=lat,
        has_e_sign=rng.random(n_stops) < E_SIGN_SHARE,
        lines=tuple(lines),
        vehicle_id=draw.seq_ids("BUS", VEHICLES, 4),
        plate=plate,
        fuel=np.where(electric, "纯电", "混动"),
        model=model,
        capacity=rng.choice([60, 70, 80, 90], VEHICLES),
        depot=depot,
        vehicle_line=vehicle_line,
    )
