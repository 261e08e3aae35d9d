"""社会治理: video cameras and their events, village fire safety (IoT), forest fire risk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.identifiers import generate
from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.frame import CHUNK_ROWS, TableJob, chunk_bounds, single, to_arrow
from sandbox.warehouse.demo.places import COUNTIES, COUNTY_CODES, DONG_HEAVY, MIAO_HEAVY
from sandbox.warehouse.demo.weather import days_since_rain
from sandbox.warehouse.demo.world import World

CAMERAS = 5_000
VIDEO_EVENTS = 300_000
SCENES = ("河道", "景区", "村寨", "路口", "渡口", "林区")
SCENE_WEIGHTS = (0.12, 0.18, 0.25, 0.30, 0.05, 0.10)
SCENE_EVENT_RATE = (0.8, 1.5, 0.6, 1.0, 1.2, 0.5)
SCENE_OWNER = ("水务局", "文体广电旅游局", "公安局", "公安局", "交通运输局", "林业局")
# event types per scene, with weights
SCENE_EVENTS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "河道": (("疑似落水", "非法捕捞", "船舶超载"), (0.2, 0.5, 0.3)),
    "景区": (("人员聚集", "烟火", "违停"), (0.8, 0.1, 0.1)),
    "村寨": (("烟火", "人员聚集", "违停"), (0.4, 0.5, 0.1)),
    "路口": (("违停", "人员聚集"), (0.85, 0.15)),
    "渡口": (("船舶超载", "疑似落水", "人员聚集"), (0.5, 0.2, 0.3)),
    "林区": (("烟火", "人员聚集"), (0.9, 0.1)),
}
HANDLER = {
    "违停": "交警大队",
    "人员聚集": "派出所",
    "疑似落水": "消防救援大队",
    "船舶超载": "海事处",
    "非法捕捞": "渔政执法大队",
    "烟火": "森林消防大队",
}
NETWORKS = (("视频专网", "5", 0.5), ("政务网", "6", 0.3), ("社会资源", "8", 0.2))
VILLAGES = 1_500
DEVICES = 30_000
ALARMS = 50_000
DEVICE_TYPES = ("独立烟感", "电气火灾", "消防水压", "可燃气体")
DEVICE_TYPE_WEIGHTS = (0.70, 0.15, 0.08, 0.07)
ALARM_TYPES = {
    "独立烟感": (("烟雾报警", "测试报警", "低电量"), (0.55, 0.25, 0.20)),
    "电气火灾": (("电气过载", "漏电报警", "测试报警"), (0.5, 0.35, 0.15)),
    "消防水压": (("水压过低", "测试报警"), (0.85, 0.15)),
    "可燃气体": (("燃气泄漏", "测试报警"), (0.8, 0.2)),
}
ALARM_HOURS = np.array([1, 1, 1, 1, 1, 1, 2, 3, 3, 2, 3, 6, 7, 4, 2, 2, 3, 7, 8, 7, 5, 4, 3, 2], dtype=float)
FAMOUS_VILLAGES = (
    "肇兴", "堂安", "小黄", "岜沙", "西江", "郎德", "报京", "占里", "加榜", "地扪", "高增", "銮里", "黄岗",
    "控拜", "南花", "季刀", "乌东", "新桥",
)  # fmt: skip
VILLAGE_STEMS = tuple("上下大小新老高岭坪坡冲寨溪河塘田湾岩平洞桥")
TOWN_STEMS = tuple("东南西北中兴和平安宁丰乐")


def _county_arrays() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    codes = np.array(COUNTY_CODES)
    short = np.array([c.name[:-1] if len(c.name) > 2 else c.name for c in COUNTIES])
    return codes, short, np.array([c.lon for c in COUNTIES]), np.array([c.lat for c in COUNTIES])


def video_camera(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("governance.gov_video_camera")
    codes, short, lon0, lat0 = _county_arrays()
    county = draw.weighted_index(rng, [c.weight for c in COUNTIES], CAMERAS)
    scene = draw.pick(rng, SCENES, SCENE_WEIGHTS, CAMERAS)
    net = draw.weighted_index(rng, [w for _, _, w in NETWORKS], CAMERAS)
    kind = draw.pick(rng, ("球机", "枪机", "半球"), (0.3, 0.55, 0.15), CAMERAS)
    owner = np.strings.add(short[county], np.asarray(SCENE_OWNER)[[SCENES.index(s) for s in scene]])
    lon, lat = draw.jitter(rng, lon0[county], lat0[county], 9.0)
    serial = np.strings.zfill(rng.integers(1, 10_000, CAMERAS).astype("<U4"), 4)
    name = np.strings.add(np.strings.add(np.strings.add(short[county], scene), serial), np.strings.add("号", kind))
    return {
        "camera_id": generate.camera_ids(rng, codes[county], np.array([f for _, f, _ in NETWORKS])[net]),
        "name": name,
        "county_code": codes[county],
        "lon": lon,
        "lat": lat,
        "type": kind,
        "scene": scene,
        "owner_dept": owner,
        "network": np.array([n for n, _, _ in NETWORKS])[net],
        "status": draw.pick(rng, ("在线", "离线", "故障"), (0.92, 0.06, 0.02), CAMERAS),
        "install_date": draw.random_dates(rng, "2016-01-01", "2025-06-30", CAMERAS),
    }


def _event_chunk(world: World, rng: np.random.Generator, cams: dict[str, Any], n: int, first: int) -> pa.Table:
    scene_idx = np.array([SCENES.index(s) for s in cams["scene"]])
    cam = draw.weighted_index(rng, np.asarray(SCENE_EVENT_RATE)[scene_idx], n)
    scene = cams["scene"][cam]
    event = np.empty(n, dtype="<U4")
    for s, (types, weights) in SCENE_EVENTS.items():
        sel = scene == s
        event[sel] = draw.pick(rng, types, weights, int(sel.sum()))
    season = world.county_tourism.mean(axis=0)
    day = draw.weighted_index(rng, 0.5 + 0.5 * season, n)
    hours = np.array([1, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 9, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2, 1], dtype=float)
    event_id = draw.seq_ids("VE", n, 9, start=first)
    short = np.array([c.name[:-1] if len(c.name) > 2 else c.name for c in COUNTIES])
    county = short[[COUNTY_CODES.index(c) for c in cams["county_code"][cam]]]
    return to_arrow(
        "governance.gov_video_event",
        {
            "event_id": event_id,
            "camera_id": cams["camera_id"][cam],
            "ts": draw.at_seconds(dates.DAYS[day], draw.seconds_in_day(rng, hours, n)),
            "event_type": event,
            "confidence": np.round(rng.beta(8, 2, n), 3),
            "snapshot_uri": np.strings.add(np.strings.add("placeholder://snapshots/", event_id), ".jpg"),
            "handled_status": draw.pick(rng, ("已处置", "误报", "处置中", "未处置"), (0.7, 0.2, 0.05, 0.05), n),
            "handler_unit": np.strings.add(county, draw.lookup(HANDLER, event)),
        },
    )


def video_events(world: World) -> Iterator[pa.Table]:
    rng = world.ctx.rng("governance.gov_video_event")
    cams = video_camera(world)
    n = world.scale.rows(VIDEO_EVENTS, 100)
    for start, stop in chunk_bounds(n, CHUNK_ROWS):
        yield _event_chunk(world, rng, cams, stop - start, start + 1)


def fire_village(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("governance.fire_village")
    codes, short, lon0, lat0 = _county_arrays()
    heavy = np.array([1.6 if c in DONG_HEAVY or c in MIAO_HEAVY else 1.0 for c in COUNTY_CODES])
    county = draw.weighted_index(rng, np.array([c.weight for c in COUNTIES]) * heavy, VILLAGES)
    stems = np.asarray(VILLAGE_STEMS)
    name = np.strings.add(
        np.strings.add(stems[rng.integers(0, stems.size, VILLAGES)], stems[rng.integers(0, stems.size, VILLAGES)]), "村"
    )
    famous = np.asarray(FAMOUS_VILLAGES)
    name[: famous.size] = np.strings.add(famous, "村")
    town = np.strings.add(
        np.strings.add(short[county], np.asarray(TOWN_STEMS)[rng.integers(0, len(TOWN_STEMS), VILLAGES)]), "镇"
    )
    traditional = rng.random(VILLAGES) < np.where(heavy[county] > 1, 0.35, 0.15)
    traditional[: famous.size] = True
    lon, lat = draw.jitter(rng, lon0[county], lat0[county], 14.0)
    return {
        "village_id": draw.seq_ids("V", VILLAGES, 5),
        "name": name,
        "county_code": codes[county],
        "town": town,
        "households": np.round(draw.lognormal_clipped(rng, 220, 0.6, 30, 1500, VILLAGES)).astype(np.int64),
        "wooden_ratio": np.round(np.where(traditional, rng.beta(8, 2, VILLAGES), rng.beta(4, 4, VILLAGES)), 3),
        "is_traditional_village": traditional,
        "lon": lon,
        "lat": lat,
        "micro_station": rng.random(VILLAGES) < np.where(traditional, 0.85, 0.5),
    }


def n_devices(world: World) -> int:
    return world.scale.gentle(DEVICES, 3_000)


def fire_iot_device(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("governance.fire_iot_device")
    villages = fire_village(world)
    n = n_devices(world)
    village = draw.weighted_index(rng, villages["households"], n)
    return {
        "device_id": draw.seq_ids("FD", n, 7),
        "village_id": villages["village_id"][village],
        "type": draw.pick(rng, DEVICE_TYPES, DEVICE_TYPE_WEIGHTS, n),
        "install_date": draw.random_dates(rng, "2019-01-01", "2025-06-30", n),
        "status": draw.pick(rng, ("在线", "离线", "低电量", "故障"), (0.9, 0.05, 0.03, 0.02), n),
    }


def fire_iot_alarm(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("governance.fire_iot_alarm")
    devices, villages = fire_iot_device(world), fire_village(world)
    n = world.scale.rows(ALARMS, 100)
    dev = rng.integers(0, devices["device_id"].size, n)
    dtype = devices["type"][dev]
    alarm = np.empty(n, dtype="<U4")
    for t, (kinds, weights) in ALARM_TYPES.items():
        sel = dtype == t
        alarm[sel] = draw.pick(rng, kinds, weights, int(sel.sum()))
    fire_like = np.isin(alarm, ("烟雾报警", "电气过载", "漏电报警"))
    verified = fire_like & (rng.random(n) < 0.08)  # ≈ 95 % of all alarms are false or tests
    month = dates.months()
    day_w = np.where((month <= 2) | (month == 12), 1.6, 1.0)
    day = draw.weighted_index(rng, day_w, n)
    level = np.where(verified, 3, np.where(fire_like, rng.integers(1, 3, n) + 1, 1))
    response = np.where(verified, rng.integers(5, 31, n), np.round(draw.lognormal_clipped(rng, 15, 0.7, 2, 180, n)))
    # householder: an adult resident of the village's county
    p = world.people
    v_county = villages["county_code"][np.searchsorted(villages["village_id"], devices["village_id"][dev])]
    adults = p.local_where(p.alive & (p.age_on() >= 25))
    owner = np.empty(n, dtype=np.int64)
    for code in np.unique(v_county):
        sel = v_county == code
        pool = adults[p.region[adults] == code]
        owner[sel] = pool[rng.integers(0, pool.size, int(sel.sum()))]
    return {
        "alarm_id": draw.seq_ids("FA", n, 8),
        "device_id": devices["device_id"][dev],
        "ts": draw.at_seconds(dates.DAYS[day], draw.seconds_in_day(rng, ALARM_HOURS, n)),
        "alarm_type": alarm,
        "level": level,
        "verified_fire": verified,
        "response_min": response.astype(np.int64),
        "householder_name": p.name[owner],
        "householder_phone": p.phone[owner],
    }


def forest_fire_risk(world: World) -> dict[str, Any]:
    """Daily risk 1-5 from dryness, humidity, wind and heat, higher in the burning seasons."""
    w = world.weather
    dry = days_since_rain(w)
    month = dates.months()[None, :]
    # spring burning season (Jan-Apr) and dry autumn (Oct-Dec); summer vegetation is green and wet
    season = np.where(month <= 4, 1.6, np.where(month >= 10, 1.0, -0.3))
    index = 0.8 + 0.12 * np.minimum(dry, 20) + np.maximum(75 - w.daily_rh_min, 0) / 20 + w.daily_wind_max / 6 + season
    level = np.clip(np.floor(index), 1, 5).astype(np.int64)
    n_c = len(COUNTY_CODES)
    return {
        "county_code": np.repeat(np.array(COUNTY_CODES), dates.N_DAYS),
        "date": np.tile(dates.DAYS, n_c),
        "risk_level": level.ravel(),
        "tmax": w.daily_tmax.ravel(),
        "rh_min": w.daily_rh_min.ravel(),
        "wind_max": w.daily_wind_max.ravel(),
        "days_since_rain": dry.ravel(),
    }


def jobs(world: World) -> list[TableJob]:
    return [
        TableJob(
            "governance.gov_video_camera", CAMERAS, single("governance.gov_video_camera", lambda: video_camera(world))
        ),
        TableJob("governance.gov_video_event", world.scale.rows(VIDEO_EVENTS, 100), lambda: video_events(world)),
        TableJob("governance.fire_village", VILLAGES, single("governance.fire_village", lambda: fire_village(world))),
        TableJob(
            "governance.fire_iot_device",
            n_devices(world),
            single("governance.fire_iot_device", lambda: fire_iot_device(world)),
        ),
        TableJob(
            "governance.fire_iot_alarm",
            world.scale.rows(ALARMS, 100),
            single("governance.fire_iot_alarm", lambda: fire_iot_alarm(world)),
        ),
        TableJob(
            "governance.forest_fire_risk_daily",
            len(COUNTY_CODES) * dates.N_DAYS,
            single("governance.forest_fire_risk_daily", lambda: forest_fire_risk(world)),
        ),
    ]
