"""公积金 universe, part 3: 社保 enrolments, 民政 marriages and assistance, deaths, the deposit sample."""

from __future__ import annotations

import numpy as np

from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.draw import DateArray, IntArray, StrArray
from sandbox.warehouse.demo.hpf_base import month_index
from sandbox.warehouse.demo.hpf_events import Universe
from sandbox.warehouse.demo.places import COUNTIES, COUNTY_CODES, KAILI
from sandbox.warehouse.demo.risk_patterns import Reserved
from sandbox.warehouse.demo.scales import Scale

SI_ROWS = 600_000
SI_FLOOR, SI_CAP = 4_000.0, 25_000.0  # 社保 base floor (≈60 % of the provincial average wage) [K?]
MEDICAL_SHARE = 0.7  # the rest are in the residents' scheme, not through the employer
MARRIAGES = 60_000
MARRIAGE_ACTS = ("结婚", "离婚", "补领")
MARRIAGE_WEIGHTS = (0.70, 0.25, 0.05)
POPULAR_DAYS = {"2025-02-14": 3.0, "2025-05-20": 6.0, "2025-08-29": 4.0}  # 情人节, 520, 七夕
ASSISTANCE = 50_000
ASSISTANCE_TYPES = ("低保", "特困", "残疾人补贴")
ASSISTANCE_WEIGHTS = (0.6, 0.1, 0.3)
ASSISTANCE_AMOUNT = {"低保": (350.0, 700.0), "特困": (800.0, 1_100.0), "残疾人补贴": (60.0, 120.0)}  # yuan/month
DEPOSIT_ACCOUNTS = 100_000


def _yyyymm_of_index(idx: IntArray) -> StrArray:
    return draw.yyyymm(np.datetime64("2025-01", "M") + idx.astype("timedelta64[M]"))


def _si_base(rng: np.random.Generator, base: np.ndarray) -> np.ndarray:
    return np.round(np.clip(base * rng.uniform(0.95, 1.05, base.size), SI_FLOOR, SI_CAP))


def build_si(u: Universe, rng: np.random.Generator, scale: Scale, res: Reserved) -> None:
    acc, p = u.acc, u.people
    clean = np.ones(acc.n, dtype=bool)
    clean[res.p4] = False
    idx = np.flatnonzero(clean)
    dead = ~np.isnat(p.death[acc.person[idx]])
    contributing = (acc.status[idx] == "正常") | (acc.dep_to[idx] >= 0)
    last = np.where(acc.status[idx] == "正常", 11, acc.dep_to[idx])
    last = np.where(dead, month_index(p.death[acc.person[idx]]), last)
    first_month = draw.yyyymm(acc.open_date[idx])
    # members without 2025 deposits stopped paying some time between opening and 2024
    stop = acc.open_date[idx] + (
        rng.random(idx.size) * (np.datetime64("2024-12-31") - acc.open_date[idx]).astype(np.int64).clip(0)
    ).astype("timedelta64[D]")
    last_paid = np.where(contributing, _yyyymm_of_index(np.maximum(last, 0)), draw.yyyymm(stop))
    status = np.where(last_paid == "202512", "参保缴费", np.where(dead, "终止参保", "暂停缴费"))
    base = _si_base(rng, acc.base[idx])
    u.si.add(
        person=acc.person[idx],
        employer=acc.employer[idx],
        type="养老",
        status=status,
        base=base,
        first_month=first_month,
        last_paid=last_paid,
    )
    med = rng.random(idx.size) < MEDICAL_SHARE
    u.si.add(
        person=acc.person[idx][med],
        employer=acc.employer[idx][med],
        type="医疗",
        status=status[med],
        base=base[med],
        first_month=first_month[med],
        last_paid=last_paid[med],
    )
    # pattern 4: deposits continue while 社保 at that employer is missing, elsewhere, or stopped
    for variant in (1, 2):
        a = res.p4[res.p4_variant == variant]
        employer = acc.employer[a]
        if variant == 1:
            employer = (employer + 1 + rng.integers(0, u.emp.uscc.size - 1, a.size)) % u.emp.uscc.size
            last_paid, status = np.full(a.size, "202512"), np.full(a.size, "参保缴费")
        else:
            last_paid = draw.yyyymm(draw.random_dates(rng, "2024-01-01", "2025-04-30", a.size))
            status = np.full(a.size, "暂停缴费")
        u.si.add(
            person=acc.person[a],
            employer=employer,
            type="养老",
            status=status,
            base=_si_base(rng, acc.base[a]),
            first_month=draw.yyyymm(np.minimum(acc.open_date[a], np.datetime64("2023-12-01", "D"))),
            last_paid=last_paid,
        )
    # flexible employment (灵活就业): insured without an employer
    target = scale.rows(SI_ROWS, 6_000) - len(u.si)
    age = p.age_on()
    pool = p.local_where(p.alive & (age >= 20) & (age <= 59))
    pool = pool[~np.isin(pool, acc.person) & ~u.reserved_person[pool]]
    k = max(0, min(target, pool.size))
    who = rng.choice(pool, size=k, replace=False)
    u.si.add(
        person=who,
        employer=np.full(k, -1),
        type="养老",
        status="参保缴费",
        base=np.round(SI_FLOOR * rng.uniform(1.0, 1.3, k)),
        first_month=draw.yyyymm(draw.random_dates(rng, "2012-01-01", "2024-12-31", k)),
        last_paid="202512",
    )


def _offices(u: Universe, person: IntArray) -> StrArray:
    names = np.array([c.name for c in COUNTIES])
    return np.strings.add(names[np.searchsorted(np.array(COUNTY_CODES), u.people.region[person])], "民政局婚姻登记处")


def build_marriages(u: Universe, rng: np.random.Generator, scale: Scale) -> None:
    """Clean registrations; people with a 2025 home purchase never divorce here (pattern 5)."""
    p = u.people
    age = p.age_on()
    busy = np.concatenate(u.purchase_person) if u.purchase_person else np.zeros(0, dtype=np.int64)
    ok = p.alive.copy()
    ok[busy] = False
    ok &= ~u.reserved_person
    n = scale.rows(MARRIAGES, 600)
    men = p.local_where(ok & p.male & (age >= 22) & (age <= 70))
    women = p.local_where(ok & ~p.male & (age >= 20) & (age <= 70))
    n = min(n, men.size, women.size)
    m = rng.choice(men, size=n, replace=False)
    f = rng.choice(women, size=n, replace=False)
    weights = np.where(dates.is_workday(), 1.0, 0.15)
    for iso, factor in POPULAR_DAYS.items():
        weights[int((np.datetime64(iso) - dates.START).astype(np.int64))] *= factor
    day = dates.DAYS[draw.weighted_index(rng, weights, n)]
    u.marriage.add(p1=m, p2=f, act=draw.pick(rng, MARRIAGE_ACTS, MARRIAGE_WEIGHTS, n), date=day, office=_offices(u, m))


def build_assistance(u: Universe, rng: np.random.Generator, scale: Scale) -> None:
    """低保/特困 go to people without a 公积金 account (pattern 6 aside); 残疾人补贴 to anyone."""
    p = u.people
    age = p.age_on()
    n = max(0, scale.rows(ASSISTANCE, 500) - len(u.assistance))
    kind = draw.pick(rng, ASSISTANCE_TYPES, ASSISTANCE_WEIGHTS, n)
    locals_ = p.local_where(~u.reserved_person[: p.n_local])
    taken = np.zeros(p.id_no.size, dtype=bool)
    person = np.full(n, -1, dtype=np.int64)
    for group, mask in (("income", kind != "残疾人补贴"), ("disability", kind == "残疾人补贴")):
        pool = locals_ if group == "disability" else locals_[~np.isin(locals_, u.acc.person)]
        pool = pool[~taken[pool]]
        weight = 1.0 + 1.5 * (age[pool] >= 60) + 0.5 * (p.region[pool] != KAILI)
        k = int(mask.sum())
        chosen = rng.choice(pool, size=min(k, pool.size), replace=False, p=weight / weight.sum())
        taken[chosen] = True
        idx = np.flatnonzero(mask)[: chosen.size]
        person[idx] = chosen
        mask[np.flatnonzero(mask)[chosen.size :]] = False
    keep = person >= 0
    start = draw.random_dates(rng, "2015-01-01", "2025-10-31", n)
    end = np.where(
        rng.random(n) < 0.2, start + rng.integers(180, 2000, n).astype("timedelta64[D]"), np.datetime64("NaT")
    )
    end = np.where(end > np.datetime64("2025-12-31"), np.datetime64("NaT"), end).astype("datetime64[D]")
    death = p.death[person]
    dead = ~np.isnat(death)
    start = np.where(dead, np.minimum(start, death - 30), start)
    end = np.where(dead, death, end)
    low = np.array([ASSISTANCE_AMOUNT[k][0] for k in ASSISTANCE_TYPES])
    high = np.array([ASSISTANCE_AMOUNT[k][1] for k in ASSISTANCE_TYPES])
    t = np.select([kind == k for k in ASSISTANCE_TYPES], list(range(len(ASSISTANCE_TYPES))))
    amount = draw.money(rng.uniform(low[t], high[t]))
    u.assistance.add(person=person[keep], type=kind[keep], start=start[keep], end=end[keep], amount=amount[keep])


def deposit_sample(u: Universe, rng: np.random.Generator, scale: Scale, res: Reserved) -> IntArray:
    """Accounts whose 2025 deposits are published: a sample plus every pattern-3/4 account."""
    forced = np.concatenate([res.p3, res.p4])
    u.acc.dep_from[forced], u.acc.dep_to[forced] = 0, 11
    has = np.flatnonzero((u.acc.dep_to >= u.acc.dep_from) & (u.acc.dep_to >= 0) & ~u.reserved)
    k = max(0, min(scale.rows(DEPOSIT_ACCOUNTS, 1_000) - forced.size, has.size))
    return np.sort(np.concatenate([rng.choice(has, size=k, replace=False), forced]))


def deaths(u: Universe, res: Reserved) -> tuple[IntArray, DateArray]:
    """Everyone who died in 2025: natural deaths plus the pattern-3 members."""
    p = u.people
    natural = p.local_where(~p.alive[: p.n_local])
    person = np.concatenate([natural, np.array(list(res.deaths), dtype=np.int64)])
    day = np.concatenate([p.death[natural], np.array(list(res.deaths.values()), dtype="datetime64[D]")])
    return person, day
