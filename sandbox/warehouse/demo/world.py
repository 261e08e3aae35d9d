"""Shared state of one build, computed lazily: the population, weather, visitor demand.

Scenario modules read from a ``World`` so that dependent tables (tickets and hourly flows, weather and
fire risk, 公积金 and 不动产) agree with each other. Row targets depend on the scale.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any, TypeVar

import numpy as np

from sandbox.warehouse.demo import dates
from sandbox.warehouse.demo.context import BuildContext
from sandbox.warehouse.demo.draw import FloatArray, IntArray
from sandbox.warehouse.demo.places import COUNTY_CODES, LOCAL_VISITOR_SHARE, SPOTS
from sandbox.warehouse.demo.population import People, build_people, visitor_pool_size
from sandbox.warehouse.demo.weather import Weather, build_weather

# Rows at SF = 1 (design §5.5).
TICKET_ENTRIES = 1_500_000
LODGING_CHECKINS = 800_000
RESIDENTS = 1_200_000
DEATHS = 30_000

T = TypeVar("T")


class World:
    def __init__(self, ctx: BuildContext) -> None:
        self.ctx = ctx
        self.scale = ctx.scale
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, factory: Callable[[], T]) -> T:
        """Compute shared state once per build (e.g. the 公积金 universe used by ten tables)."""
        if key not in self._memo:
            self._memo[key] = factory()
        value: T = self._memo[key]
        return value

    def forget(self, key: str) -> None:
        """Release shared state no longer needed, to keep peak memory low."""
        self._memo.pop(key, None)

    @cached_property
    def n_tickets(self) -> int:
        return self.scale.rows(TICKET_ENTRIES, 200)

    @cached_property
    def n_checkins(self) -> int:
        return self.scale.rows(LODGING_CHECKINS, 100)

    @cached_property
    def people(self) -> People:
        n_pool = visitor_pool_size(self.n_tickets + self.n_checkins)
        n_outsiders = round(n_pool * (1 - LOCAL_VISITOR_SHARE))
        return build_people(self.ctx, self.scale.rows(RESIDENTS, 12_000), n_outsiders, self.scale.rows(DEATHS, 30))

    @cached_property
    def visitor_pool(self) -> IntArray:
        """Person indices of visitors: every outsider plus residents (alive, aged 6+) at the local share."""
        p = self.people
        n_out = p.id_no.size - p.n_local
        n_loc = round(n_out * LOCAL_VISITOR_SHARE / (1 - LOCAL_VISITOR_SHARE))
        eligible = p.local_where(p.alive & (p.age_on() >= 6))
        rng = self.ctx.rng("visitor_pool")
        locals_ = rng.choice(eligible, size=min(n_loc, eligible.size), replace=False)
        return np.concatenate([np.arange(p.n_local, p.id_no.size), np.sort(locals_)]).astype(np.int64)

    @cached_property
    def weather(self) -> Weather:
        return build_weather(self.ctx)

    @cached_property
    def spot_visits(self) -> IntArray:
        """True visits per spot and day, shape (20, 365): calendar factors, rain ×0.7, noise."""
        rng = self.ctx.rng("spot_visits")
        expected = dates.spot_day_factors(SPOTS)
        county_idx = np.array([COUNTY_CODES.index(s.county) for s in SPOTS])
        rain = self.weather.rain_day[county_idx]
        expected = np.where(rain, expected * dates.RAIN_FACTOR, expected)
        noisy = expected * rng.lognormal(0.0, 0.12, expected.shape)
        capacity = np.array([s.capacity for s in SPOTS])[:, None]
        visits: IntArray = np.minimum(np.round(noisy), capacity).astype(np.int64)
        return visits

    @cached_property
    def county_tourism(self) -> FloatArray:
        """Relative tourist presence per county and day, shape (16, 365), mean 1 per county.

        Counties without a spot follow the prefecture-wide curve.
        """
        visits = self.spot_visits.astype(np.float64)
        overall = visits.sum(axis=0)
        out = np.tile(overall / overall.mean(), (len(COUNTY_CODES), 1))
        for c, code in enumerate(COUNTY_CODES):
            rows = [i for i, s in enumerate(SPOTS) if s.county == code]
            if rows:
                series = visits[rows].sum(axis=0)
                out[c] = series / series.mean()
        return out
