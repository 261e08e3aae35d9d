"""The shared synthetic population: residents of 黔东南 plus visitors from elsewhere.

Every person-level table draws its people from here, so the cross-department joins of design §5.5 D
(ID number in 公积金, 社保, 不动产, 民政) and the visitor trajectories (tickets plus hotel stays)
match. IDs carry the home region, birth date and sex of the person; deaths happen in 2025.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sandbox.identifiers import generate
from sandbox.warehouse.demo import draw
from sandbox.warehouse.demo.context import BuildContext
from sandbox.warehouse.demo.draw import BoolArray, DateArray, IntArray, StrArray
from sandbox.warehouse.demo.places import (
    COUNTIES,
    DONG_HEAVY,
    ETHNICITIES,
    MIAO_HEAVY,
    VISITOR_ORIGINS,
)

REFERENCE_DAY = np.datetime64("2025-06-30", "D")
# Share of residents per 5-year age band 0-4 … 85-89 (shape of the 2020 census for Guizhou) [K?].
AGE_BANDS = (
    0.068, 0.072, 0.070, 0.062, 0.052, 0.064, 0.078, 0.074, 0.068,
    0.074, 0.078, 0.068, 0.055, 0.045, 0.032, 0.022, 0.012, 0.006,
)  # fmt: skip
# Visitor ages (design §5.5 A): <18 0.08, 18-35 0.42, 36-55 0.38, 56+ 0.12.
VISITOR_AGE_BANDS = ((6, 18, 0.08), (18, 36, 0.42), (36, 56, 0.38), (56, 76, 0.12))
# Visitors from outside the prefecture are mostly 汉族 [D].
OUTSIDER_ETHNICITY = {"01": 0.88, "06": 0.04, "12": 0.02, "15": 0.03, "08": 0.02, "09": 0.01}
ETHNICITY_NAMES = np.array([name for _, name, _ in ETHNICITIES])
POOL_PER_VISIT = 0.5  # distinct visitors per ticket or hotel record: people come back


@dataclass(frozen=True)
class People:
    """Column arrays, one row per person; rows ``[0, n_local)`` live in 黔东南."""

    id_no: StrArray
    name: StrArray
    male: BoolArray
    birth: DateArray
    region: StrArray  # home region code = the first 6 digits of the ID
    ethnicity: IntArray  # index into ETHNICITIES
    phone: StrArray
    death: DateArray  # NaT unless the person died in 2025
    n_local: int

    @property
    def alive(self) -> BoolArray:
        return np.isnat(self.death)

    def age_on(self, day: np.datetime64 = REFERENCE_DAY) -> IntArray:
        """Completed years of age on ``day``."""
        return age_years(self.birth, day)

    def ethnicity_name(self, idx: IntArray) -> StrArray:
        return ETHNICITY_NAMES[self.ethnicity[idx]]

    def gender(self, idx: IntArray) -> StrArray:
        return np.where(self.male[idx], "男", "女")

    def local_where(self, mask: BoolArray) -> IntArray:
        """Indices of residents (not visitors) selected by ``mask`` over the residents."""
        return np.flatnonzero(mask[: self.n_local]).astype(np.int64)


def age_years(birth: DateArray, day: np.datetime64) -> IntArray:
    """Completed years between ``birth`` and ``day`` (vectorised, leap-year exact)."""
    b = birth.astype("datetime64[D]")
    by = b.astype("datetime64[Y]").astype(np.int64)
    d = np.asarray(day).astype("datetime64[D]")
    dy = d.astype("datetime64[Y]").astype(np.int64)
    b_md = (b - b.astype("datetime64[Y]")).astype(np.int64)
    d_md = (d - d.astype("datetime64[Y]")).astype(np.int64)
    # compares day-of-year, so ages may be off by one around 29 February: harmless here
    out: IntArray = (dy - by - (b_md > d_md)).astype(np.int64)
    return out


def _ethnicity_matrix() -> np.ndarray:
    base = np.array([w for _, _, w in ETHNICITIES])
    codes = [c for c, _, _ in ETHNICITIES]
    miao, dong = codes.index("06"), codes.index("12")
    rows = []
    for county in COUNTIES:
        w = base.copy()
        if county.code in DONG_HEAVY:
            w[dong] *= 1.8
            w[miao] *= 0.55
        elif county.code in MIAO_HEAVY:
            w[miao] *= 1.45
            w[dong] *= 0.35
        rows.append(w / w.sum())
    return np.array(rows)


def _births_from_ages(rng: np.random.Generator, low: IntArray, high: IntArray) -> DateArray:
    """Birth dates for ages uniform in ``[low, high)`` years on the reference day."""
    days = rng.uniform(low * 365.25, high * 365.25).astype(np.int64)
    return REFERENCE_DAY - days.astype("timedelta64[D]")


def _residents(rng: np.random.Generator, n: int) -> tuple[StrArray, DateArray, BoolArray, IntArray]:
    county_w = np.array([c.weight for c in COUNTIES])
    county = draw.weighted_index(rng, county_w, n)
    band = draw.weighted_index(rng, AGE_BANDS, n)
    birth = _births_from_ages(rng, band * 5, band * 5 + 5)
    probs = _ethnicity_matrix()[county]
    ethnicity = (probs.cumsum(axis=1) < rng.random(n)[:, None]).sum(axis=1).astype(np.int64)
    return np.array([c.code for c in COUNTIES])[county], birth, rng.random(n) < 0.51, ethnicity


def _outsiders(rng: np.random.Generator, n: int) -> tuple[StrArray, DateArray, BoolArray, IntArray]:
    codes, weights = zip(*VISITOR_ORIGINS, strict=True)
    region = draw.pick(rng, codes, weights, n)
    lows, highs, w = (np.array(x) for x in zip(*VISITOR_AGE_BANDS, strict=True))
    band = draw.weighted_index(rng, w, n)
    birth = _births_from_ages(rng, lows[band], highs[band])
    eth_codes = [c for c, _, _ in ETHNICITIES]
    eth = np.array([eth_codes.index(c) for c in OUTSIDER_ETHNICITY])
    ethnicity = eth[draw.weighted_index(rng, list(OUTSIDER_ETHNICITY.values()), n)]
    return region, birth, rng.random(n) < 0.48, ethnicity


def _deaths(rng: np.random.Generator, birth: DateArray, n_deaths: int) -> DateArray:
    """Choose who dies in 2025 (risk rising with age) and when (winter a little heavier)."""
    age = age_years(birth, REFERENCE_DAY).astype(np.float64)
    hazard = np.exp(0.09 * (age - 80.0))
    who = rng.choice(birth.size, size=min(n_deaths, birth.size), replace=False, p=hazard / hazard.sum())
    month_w = np.array([1.3, 1.2, 1.1, 1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.3])
    doy = np.arange(365)
    month_of_day = (np.datetime64("2025-01-01", "D") + doy).astype("datetime64[M]").astype(np.int64) % 12
    day = draw.weighted_index(rng, month_w[month_of_day], who.size)
    death = np.full(birth.size, np.datetime64("NaT"), dtype="datetime64[D]")
    death[who] = np.maximum(np.datetime64("2025-01-01", "D") + day, birth[who] + 1)
    return death


def visitor_pool_size(n_visits: int) -> int:
    """Distinct visitors needed for ``n_visits`` ticket and hotel records."""
    return max(500, round(n_visits * POOL_PER_VISIT))


def build_people(ctx: BuildContext, n_local: int, n_outsiders: int, n_deaths: int) -> People:
    """Residents first, then outsiders; one ID and one phone call so values are distinct."""
    rng = ctx.rng("population")
    region_l, birth_l, male_l, eth_l = _residents(rng, n_local)
    region_o, birth_o, male_o, eth_o = _outsiders(rng, n_outsiders)
    region = np.concatenate([region_l, region_o])
    birth = np.concatenate([birth_l, birth_o])
    male = np.concatenate([male_l, male_o])
    id_no = generate.resident_ids(rng, region, birth, male, unique=True)
    death = np.full(birth.size, np.datetime64("NaT"), dtype="datetime64[D]")
    death[:n_local] = _deaths(rng, birth_l, n_deaths)
    return People(
        id_no=id_no,
        name=draw.person_names(rng, male),
        male=male,
        birth=birth,
        region=region,
        ethnicity=np.concatenate([eth_l, eth_o]),
        phone=generate.mobiles(rng, birth.size),
        death=death,
        n_local=n_local,
    )
