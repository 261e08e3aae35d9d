"""Synthetic hourly weather per county for 2025 (design §5.5 A, climate notes [K]).

凯里 averages about 5 °C in January and 26 °C in July and gets 1,200-1,300 mm of rain a year, most
of it April-August. Rain is correlated across counties through a shared regional signal; tourism
(rain days ×0.7) and forest fire risk read the daily summary computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from sandbox.warehouse.demo import dates
from sandbox.warehouse.demo.context import BuildContext
from sandbox.warehouse.demo.draw import FloatArray, StrArray
from sandbox.warehouse.demo.places import COUNTY_CODES

# Offset of the county's mean temperature from 凯里 (altitude, valley) [K?].
TEMP_OFFSET = {
    "522634": -2.0, "522636": -1.5, "522635": -1.0, "522622": -1.0, "522623": -0.5,
    "522624": -0.5, "522631": -0.3, "522632": 1.5, "522633": 1.5, "522627": 0.5, "522628": 0.5,
}  # fmt: skip
WET_DAY_PROB = (0.45, 0.5, 0.55, 0.6, 0.65, 0.65, 0.5, 0.45, 0.4, 0.45, 0.4, 0.4)
MONTHLY_RAIN_MM = (25, 30, 55, 110, 190, 220, 180, 140, 90, 90, 50, 25)  # ≈ 1,205 mm a year
RAIN_DAY_MM = 2.0  # a "rain day" for visitors and fire risk


@dataclass(frozen=True)
class Weather:
    """Hourly arrays of shape (16 counties, 8760) and daily summaries of shape (16, 365)."""

    temp_c: FloatArray
    rh: FloatArray
    precip_mm: FloatArray
    wind_ms: FloatArray
    code: StrArray
    daily_precip: FloatArray
    daily_tmax: FloatArray
    daily_rh_min: FloatArray
    daily_wind_max: FloatArray

    @property
    def rain_day(self) -> np.ndarray:
        return self.daily_precip >= RAIN_DAY_MM


def _ar1(rng: np.random.Generator, shape: tuple[int, ...], phi: float) -> FloatArray:
    """Stationary unit-variance AR(1) series along the last axis."""
    eps = rng.normal(0.0, np.sqrt(1 - phi**2), shape)
    out = np.empty(shape)
    out[..., 0] = rng.normal(0.0, 1.0, shape[:-1])
    for t in range(1, shape[-1]):  # one step per day, vectorised over counties
        out[..., t] = phi * out[..., t - 1] + eps[..., t]
    return out


def build_weather(ctx: BuildContext) -> Weather:
    rng = ctx.rng("weather")
    n_c, n_d = len(COUNTY_CODES), dates.N_DAYS
    doy = np.arange(n_d)
    month = dates.months() - 1
    offset = np.array([TEMP_OFFSET.get(c, 0.0) for c in COUNTY_CODES])[:, None]

    # daily rain: regional signal plus county noise, thresholded by the month's wet-day probability
    regional = _ar1(rng, (n_d,), 0.6)
    z = 0.8 * regional[None, :] + 0.6 * rng.normal(0.0, 1.0, (n_c, n_d))
    threshold = np.array([NormalDist().inv_cdf(p) for p in WET_DAY_PROB])[month]
    wet = z < threshold
    mean_wet_mm = np.array(MONTHLY_RAIN_MM) / (np.array(WET_DAY_PROB) * 30.4)
    daily_precip = np.where(wet, rng.gamma(0.7, mean_wet_mm[month] / 0.7, (n_c, n_d)), 0.0)

    # daily mean temperature: seasonal cycle + county offset + persistent anomaly, cooler when wet
    seasonal = 16.0 - 11.0 * np.cos(2 * np.pi * (doy - 15) / 365)
    anomaly = 2.0 * (0.7 * _ar1(rng, (n_d,), 0.8)[None, :] + 0.3 * _ar1(rng, (n_c, n_d), 0.7))
    t_mean = seasonal[None, :] + offset + anomaly - 1.2 * wet

    # hourly expansion
    hour = np.arange(24)
    diurnal = np.cos(2 * np.pi * (hour - 15) / 24)
    amp = np.where(wet, 2.0, 4.5)[:, :, None]
    temp = t_mean[:, :, None] + amp * diurnal[None, None, :] + rng.normal(0, 0.4, (n_c, n_d, 24))
    share = rng.gamma(0.3, 1.0, (n_c, n_d, 24))
    share /= share.sum(axis=2, keepdims=True)
    precip = np.round(daily_precip[:, :, None] * share, 1)
    rh = 76 + 12 * wet[:, :, None] - 12 * diurnal[None, None, :] + rng.normal(0, 4, (n_c, n_d, 24))
    rh = np.clip(np.where(precip > 0, rh + 8, rh), 30, 100)
    wind = np.round(rng.gamma(2.0, 0.8, (n_c, n_d, 24)) * (1 + 0.3 * diurnal)[None, None, :].clip(0.5), 1)

    foggy = (rh >= 97) & (precip == 0) & (hour < 10)[None, None, :]
    cloudy = np.where(rng.random((n_c, n_d, 1)) < 0.5, "01", "00")
    code = np.where(wet[:, :, None], "02", cloudy)
    code = np.where(foggy, "18", code)
    code = np.select(
        [precip >= 8, precip >= 2.5, precip > 0], ["09", "08", "07"], default=code
    )  # 大雨 / 中雨 / 小雨; otherwise 雾, 阴, 多云, 晴

    return Weather(
        temp_c=np.round(temp, 1).reshape(n_c, -1),
        rh=np.round(rh, 0).reshape(n_c, -1),
        precip_mm=precip.reshape(n_c, -1),
        wind_ms=wind.reshape(n_c, -1),
        code=code.reshape(n_c, -1),
        daily_precip=precip.sum(axis=2),
        daily_tmax=np.round(temp.max(axis=2), 1),
        daily_rh_min=rh.min(axis=2),
        daily_wind_max=wind.max(axis=2),
    )


def warnings(w: Weather) -> tuple[StrArray, StrArray]:
    """Daily warning type and colour per county, expanded to hours ("" when none)."""
    kind = np.full(w.daily_precip.shape, "", dtype=object)
    level = np.full(w.daily_precip.shape, "", dtype=object)
    t_min = w.temp_c.reshape(*w.daily_precip.shape, 24).min(axis=2)
    fog = (w.code.reshape(*w.daily_precip.shape, 24) == "18").sum(axis=2) >= 7
    rules = (
        (fog, "大雾", "黄色"),
        (t_min <= -2, "道路结冰", "黄色"),
        (w.daily_tmax >= 35, "高温", "黄色"),
        (w.daily_precip >= 50, "暴雨", "黄色"),
        (w.daily_precip >= 100, "暴雨", "橙色"),
    )
    for mask, k, lv in rules:  # later rules win
        kind[mask], level[mask] = k, lv
    return np.repeat(kind.astype(str), 24, axis=1), np.repeat(level.astype(str), 24, axis=1)


def days_since_rain(w: Weather) -> np.ndarray:
    """Consecutive dry days up to each day (0 on a rain day), per county."""
    rain = w.rain_day
    idx = np.where(rain, np.arange(rain.shape[1])[None, :], -1)
    last_rain = np.maximum.accumulate(idx, axis=1)
    out = np.arange(rain.shape[1])[None, :] - last_rain
    return np.where(last_rain < 0, np.arange(rain.shape[1])[None, :] + 10, out)
