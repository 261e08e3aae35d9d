"""Shared dimensions: regions (GB/T 2260), departments, the 2025 calendar."""

from __future__ import annotations

from typing import Any

import numpy as np

from sandbox.identifiers import generate
from sandbox.warehouse.demo import dates
from sandbox.warehouse.demo.frame import TableJob, single
from sandbox.warehouse.demo.places import (
    COUNTIES,
    DEPARTMENTS,
    KAILI,
    PREFECTURE_CODE,
    PREFECTURE_NAME,
    PROVINCE_CODE,
)
from sandbox.warehouse.demo.world import World


def dim_region() -> dict[str, Any]:
    kaili = next(c for c in COUNTIES if c.code == KAILI)
    return {
        "code": np.array([PREFECTURE_CODE, *(c.code for c in COUNTIES)]),
        "name": np.array([PREFECTURE_NAME, *(c.name for c in COUNTIES)]),
        "level": np.array([2] + [3] * len(COUNTIES)),
        "parent_code": np.array([PROVINCE_CODE] + [PREFECTURE_CODE] * len(COUNTIES)),
        "lon": np.array([kaili.lon, *(c.lon for c in COUNTIES)]),
        "lat": np.array([kaili.lat, *(c.lat for c in COUNTIES)]),
    }


def dim_department(world: World) -> dict[str, Any]:
    rng = world.ctx.rng("common.dim_department")
    uscc = np.empty(len(DEPARTMENTS), dtype="<U18")
    for kind in sorted({d.authority for d in DEPARTMENTS}):
        rows = [i for i, d in enumerate(DEPARTMENTS) if d.authority == kind]
        region = KAILI if kind == "91" else PREFECTURE_CODE
        uscc[rows] = generate.usccs(rng, len(rows), kind[0], kind[1], region)
    return {
        "dept_id": np.array([d.dept_id for d in DEPARTMENTS]),
        "name": np.array([d.name for d in DEPARTMENTS]),
        "uscc": uscc,
        "region_code": np.array([KAILI if d.authority == "91" else PREFECTURE_CODE for d in DEPARTMENTS]),
        "role": np.array([d.role for d in DEPARTMENTS]),
    }


def dim_date() -> dict[str, Any]:
    dow = dates.day_of_week()
    month = dates.months()
    lunar_month, lunar_day, leap = dates.lunar_dates()
    hol = dates.holiday_names()
    iso_week = np.array([d.isocalendar()[1] for d in dates.DAYS.astype(object)])  # 365 values
    return {
        "date": dates.DAYS,
        "year": np.full(dates.N_DAYS, dates.YEAR),
        "quarter": (month - 1) // 3 + 1,
        "month": month,
        "day": (dates.DAYS - dates.DAYS.astype("datetime64[M]")).astype(np.int64) + 1,
        "day_of_week": dow,
        "iso_week": iso_week,
        "is_weekend": dow >= 6,
        "is_holiday": hol != "",
        "is_workday": dates.is_workday(),
        "holiday_name": hol,
        "lunar_month": lunar_month,
        "lunar_day": lunar_day,
        "is_leap_month": leap,
        "festival_name": dates.festival_names(),
    }


def jobs(world: World) -> list[TableJob]:
    return [
        TableJob("common.dim_region", len(COUNTIES) + 1, single("common.dim_region", dim_region)),
        TableJob(
            "common.dim_department", len(DEPARTMENTS), single("common.dim_department", lambda: dim_department(world))
        ),
        TableJob("common.dim_date", dates.N_DAYS, single("common.dim_date", dim_date)),
    ]
