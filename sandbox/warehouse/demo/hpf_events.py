"""公积金 universe, part 2: the clean 2025 events (purchases, loans, withdrawals).

"Clean" means that none of these rows matches a risk-pattern join; the patterns are injected
afterwards by ``risk_patterns`` on accounts reserved for them (``Universe.reserved``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.warehouse.demo import draw
from sandbox.warehouse.demo.columns import Columns
from sandbox.warehouse.demo.draw import BoolArray, DateArray, IntArray
from sandbox.warehouse.demo.hpf_base import (
    Accounts,
    Employers,
    Registry,
    house_area,
    unit_price,
    workday_dates,
)
from sandbox.warehouse.demo.places import COUNTY_CODES, KAILI
from sandbox.warehouse.demo.population import People

WITHDRAWAL_TYPES = ("购房", "租房", "还贷", "退休", "离职", "重大疾病", "其他")
WITHDRAWAL_WEIGHTS = (0.15, 0.25, 0.30, 0.08, 0.07, 0.03, 0.12)
CHANNELS = ("柜台", "网厅", "APP")
CHANNEL_WEIGHTS = (0.25, 0.25, 0.50)
APPROVERS = 60
LOAN_TERMS = (60, 120, 180, 240, 300, 360)
LOAN_TERM_WEIGHTS = (0.05, 0.10, 0.15, 0.25, 0.20, 0.25)
LOAN_MEDIAN = 320_000.0  # mean ≈ ¥350k [K?]
LOAN_CAP_SINGLE, LOAN_CAP_DOUBLE = 400_000.0, 600_000.0  # configurable caps [K?]
RATE_CUT_DAY = np.datetime64("2025-05-08", "D")
YEAR_END = np.datetime64("2025-12-31", "D")
# annual percent: (first home ≤5 y, first home >5 y, second home ≤5 y, second home >5 y) [K?]
RATES_BEFORE_CUT = (2.35, 2.85, 2.775, 3.325)
RATES_AFTER_CUT = (2.10, 2.60, 2.525, 3.075)


@dataclass
class Universe:
    people: People
    emp: Employers
    acc: Accounts
    reg: Registry
    reserved: BoolArray  # accounts kept apart for the risk patterns
    reserved_person: BoolArray  # the people behind them (and pattern counterparts)
    txn: Columns = field(
        default_factory=lambda: Columns("unit", "seller", "buyer", "price", "unit_price", "date", "type")
    )
    loans: Columns = field(
        default_factory=lambda: Columns(
            "account", "co_account", "unit", "record", "amount", "term", "rate", "start", "status", "overdue"
        )
    )
    wd: Columns = field(
        default_factory=lambda: Columns("account", "date", "type", "amount", "record", "channel", "approver")
    )
    si: Columns = field(
        default_factory=lambda: Columns("person", "employer", "type", "status", "base", "first_month", "last_paid")
    )
    marriage: Columns = field(default_factory=lambda: Columns("p1", "p2", "act", "date", "office"))
    assistance: Columns = field(default_factory=lambda: Columns("person", "type", "start", "end", "amount"))
    purchase_person: list[IntArray] = field(default_factory=list)  # people with a 2025 purchase event

    def free_accounts(self) -> IntArray:
        """Accounts usable by clean events: not reserved, holder alive all year."""
        alive = np.isnat(self.people.death[self.acc.person])
        return np.flatnonzero(~self.reserved & alive).astype(np.int64)

    def add_withdrawals(
        self,
        rng: np.random.Generator,
        account: IntArray,
        day: DateArray,
        kind: object,
        amount: object,
        record: object = -1,
    ) -> IntArray:
        first = len(self.wd)
        n = account.size
        self.wd.add(
            account=account,
            date=day,
            type=np.broadcast_to(np.asarray(kind), (n,)),
            amount=draw.money(np.broadcast_to(np.asarray(amount, dtype=np.float64), (n,))),
            record=np.broadcast_to(np.asarray(record, dtype=np.int64), (n,)),
            channel=draw.pick(rng, CHANNELS, CHANNEL_WEIGHTS, n),
            approver=np.strings.add("SP", np.strings.zfill(rng.integers(1, APPROVERS + 1, n).astype("<U3"), 3)),
        )
        return np.arange(first, len(self.wd), dtype=np.int64)


@dataclass(frozen=True)
class Purchases:
    """2025 purchases by 公积金 members that come with a 购房 withdrawal."""

    account: IntArray
    record: IntArray  # registry row of the new certificate
    unit: IntArray
    txn_date: DateArray
    wd_date: DateArray
    price: np.ndarray


def add_purchase(
    u: Universe,
    rng: np.random.Generator,
    buyer: IntArray,
    txn_date: DateArray,
    register: DateArray,
    stock_record: IntArray | None = None,
) -> tuple[IntArray, IntArray, np.ndarray]:
    """Record sales to ``buyer``: new-build units, or the given old registry rows (存量房).

    Returns (new registry rows, units, prices). Old rows of resold units are deactivated.
    """
    n = buyer.size
    register = np.minimum(register, YEAR_END)  # registrations of late-December sales stay in 2025
    if stock_record is None:
        home = np.searchsorted(np.array(COUNTY_CODES), u.people.region[buyer]).astype(np.int64)
        county = np.where(rng.random(n) < 0.8, home, COUNTY_CODES.index(KAILI))
        unit = u.reg.new_units(county)
        area = house_area(rng, np.full(n, "住宅"))
        seller = np.full(n, -1, dtype=np.int64)
        kind, discount = "新建商品房", 1.0
    else:
        old = u.reg.snapshot()
        unit, county, area = old["unit"][stock_record], old["county"][stock_record], old["area"][stock_record]
        seller = old["owner"][stock_record]
        u.reg.deactivated.append(stock_record)
        kind, discount = "存量房", 0.9
    per_m2 = np.round(unit_price(rng, county) * discount)
    price = draw.money(per_m2 * area)
    u.txn.add(
        unit=unit, seller=seller, buyer=buyer, price=price, unit_price=per_m2, date=txn_date, type=np.full(n, kind)
    )
    rows = u.reg.add(
        owner=buyer,
        unit=unit,
        county=county,
        area=area,
        usage=np.full(n, "住宅"),
        register_date=register,
        mortgage=np.zeros(n, dtype=bool),
        co_owners=rng.choice([0, 1], n, p=[0.4, 0.6]),
        active=np.ones(n, dtype=bool),
    )
    return rows, unit, price


def clean_purchases(u: Universe, rng: np.random.Generator, n_txn: int, n_buy_wd: int) -> Purchases:
    """All 2025 transactions; the first ``n_buy_wd`` buyers are members who then withdraw (购房)."""
    p = u.people
    free = u.free_accounts()
    free = free[u.acc.status[free] != "销户"]
    n_buy_wd = min(n_buy_wd, free.size, n_txn)
    buyers_acc = rng.choice(free, size=n_buy_wd, replace=False)
    adults = p.local_where(p.alive & (p.age_on() >= 22))
    adults = adults[~u.reserved_person[adults]]
    others = adults[rng.integers(0, adults.size, n_txn - n_buy_wd)]
    buyer = np.concatenate([u.acc.person[buyers_acc], others])
    wd_date = workday_dates(rng, n_buy_wd, first=75)
    lag = rng.integers(15, 76, n_buy_wd).astype("timedelta64[D]")
    txn_date = np.concatenate([wd_date - lag, workday_dates(rng, n_txn - n_buy_wd)])
    register = txn_date + rng.integers(0, 11, n_txn).astype("timedelta64[D]")
    # 40 % are resales of pre-2025 homes whose owners are alive and not reserved
    old = u.reg.snapshot()
    cand = np.flatnonzero((old["usage"] == "住宅") & old["active"] & np.isnat(p.death[old["owner"]]))
    cand = cand[~u.reserved_person[old["owner"][cand]]]
    stock = rng.random(n_txn) < 0.4
    stock &= np.cumsum(stock) <= cand.size
    sold = rng.choice(cand, size=int(stock.sum()), replace=False)
    sold = sold[old["owner"][sold] != buyer[stock]]  # nobody buys their own home
    stock[np.flatnonzero(stock)[sold.size :]] = False
    record = np.empty(n_txn, dtype=np.int64)
    unit = np.empty(n_txn, dtype=np.int64)
    price = np.empty(n_txn)
    for mask, stock_rows in ((stock, sold), (~stock, None)):
        idx = np.flatnonzero(mask)
        record[idx], unit[idx], price[idx] = add_purchase(u, rng, buyer[idx], txn_date[idx], register[idx], stock_rows)
    u.purchase_person.append(buyer[:n_buy_wd])
    k = slice(0, n_buy_wd)
    return Purchases(buyers_acc, record[k], unit[k], txn_date[k], wd_date, price[k])


def loan_terms(rng: np.random.Generator, start: DateArray, second: BoolArray) -> tuple[IntArray, np.ndarray]:
    n = start.size
    term = np.asarray(LOAN_TERMS)[draw.weighted_index(rng, LOAN_TERM_WEIGHTS, n)]
    table = np.where((start >= RATE_CUT_DAY)[:, None], np.array(RATES_AFTER_CUT), np.array(RATES_BEFORE_CUT))
    col = (term > 60).astype(int) + 2 * second.astype(int)
    return term, table[np.arange(n), col]


def add_loans(
    u: Universe,
    rng: np.random.Generator,
    account: IntArray,
    unit: IntArray,
    record: IntArray,
    start: DateArray,
    price: np.ndarray | None = None,
    second: BoolArray | None = None,
    status: np.ndarray | None = None,
) -> None:
    n = account.size
    second = np.zeros(n, dtype=bool) if second is None else second
    co = np.where(rng.random(n) < 0.35, u.free_accounts()[rng.integers(0, u.free_accounts().size, n)], -1)
    co = np.where(co == account, -1, co)
    cap = np.where(co >= 0, LOAN_CAP_DOUBLE, LOAN_CAP_SINGLE)
    amount = np.minimum(rng.lognormal(np.log(LOAN_MEDIAN), 0.35, n), cap)
    if price is not None:
        amount = np.minimum(amount, 0.8 * price)
    term, rate = loan_terms(rng, start, second)
    status = np.full(n, "正常") if status is None else status
    overdue = np.where(status == "逾期", rng.integers(1, 7, n), 0)
    u.loans.add(
        account=account,
        co_account=co,
        unit=unit,
        record=record,
        amount=np.round(amount, -3),
        term=term,
        rate=rate,
        start=start,
        status=status,
        overdue=overdue,
    )
    u.reg.mortgaged.append(record)


def clean_loans(u: Universe, rng: np.random.Generator, n_loans: int, buys: Purchases) -> None:
    """Loans for some 2025 purchases, the rest on homes bought before 2025."""
    n_new = min(round(0.3 * n_loans), round(0.6 * buys.account.size))
    pick = rng.choice(buys.account.size, size=n_new, replace=False)
    start = buys.txn_date[pick] + rng.integers(10, 41, n_new).astype("timedelta64[D]")
    add_loans(
        u,
        rng,
        buys.account[pick],
        buys.unit[pick],
        buys.record[pick],
        start,
        price=buys.price[pick],
        second=rng.random(n_new) < 0.08,
    )
    # older loans: members who own a pre-2025 home that is still theirs
    old = u.reg.snapshot()
    free = u.free_accounts()
    home = np.flatnonzero(
        old["active"] & (old["usage"] == "住宅") & (old["register_date"] < np.datetime64("2025-01-01"))
    )
    home = home[np.isin(old["owner"][home], u.acc.person[free])]
    k = min(n_loans - n_new, home.size)
    rows = rng.choice(home, size=k, replace=False)
    account = np.searchsorted(u.acc.person, old["owner"][rows]).astype(np.int64)  # accounts sorted by person
    start = old["register_date"][rows] + rng.integers(0, 60, k).astype("timedelta64[D]")
    status = draw.pick(rng, ("正常", "逾期", "结清"), (0.90, 0.03, 0.07), k)
    add_loans(u, rng, account, old["unit"][rows], rows, start, status=status)


def clean_withdrawals(u: Universe, rng: np.random.Generator, n_wd: int, buys: Purchases) -> None:
    p, acc = u.people, u.acc
    counts = np.round(np.asarray(WITHDRAWAL_WEIGHTS) * n_wd).astype(int)
    # 购房: one per member purchase, citing the new certificate
    u.add_withdrawals(
        rng,
        buys.account,
        buys.wd_date,
        "购房",
        np.minimum(0.3 * buys.price, acc.balance[buys.account] + 20_000).clip(10_000),
        buys.record,
    )
    free = u.free_accounts()
    # 租房: only members who own no home at all (otherwise it is risk pattern 1)
    reg = u.reg.snapshot()
    owners = reg["owner"][reg["active"] & (reg["usage"] == "住宅")]
    renters = free[~np.isin(acc.person[free], owners)]
    k = counts[1]
    if renters.size:
        u.add_withdrawals(
            rng, renters[rng.integers(0, renters.size, k)], workday_dates(rng, k), "租房", rng.uniform(1_500, 7_200, k)
        )
    # 还贷: members repaying an open loan, citing the pledged certificate
    loans = u.loans.finish()
    open_ = np.flatnonzero((loans["status"] != "结清") & np.isin(loans["account"], free))
    k = counts[2]
    if open_.size:
        pick = open_[rng.integers(0, open_.size, k)]
        start = np.maximum(loans["start"][pick], np.datetime64("2025-01-01", "D"))
        span = (np.datetime64("2025-12-31", "D") - start).astype(np.int64)
        day = start + (rng.random(k) * span).astype(np.int64).astype("timedelta64[D]") + 1
        day = np.minimum(day, np.datetime64("2025-12-31", "D"))
        u.add_withdrawals(
            rng, loans["account"][pick], day, "还贷", rng.uniform(3_000, 30_000, k), loans["record"][pick]
        )
    age = p.age_on()[acc.person[free]]
    for kind, pool, k, low, high in (
        ("退休", free[age >= 55], counts[3], 20_000, 150_000),
        ("离职", free[acc.status[free] == "封存"], counts[4], 5_000, 60_000),
        ("重大疾病", free, counts[5], 10_000, 80_000),
        ("其他", free, counts[6], 1_000, 20_000),
    ):
        once = kind in ("退休", "离职")
        k = min(k, pool.size) if once else k
        if pool.size == 0 or k == 0:
            continue
        who = rng.choice(pool, size=k, replace=not once)
        u.add_withdrawals(rng, who, workday_dates(rng, k), kind, rng.uniform(low, high, k))
