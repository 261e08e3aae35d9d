"""The six planted 公积金 risk patterns (design §5.5 D) and the SQL joins that detect them.

Accounts are reserved before the clean events are generated (so no clean row can match a pattern
by accident), then each pattern adds the rows that make its join fire. The truth rows name the
account, the person and the records involved; they go to a Parquet file outside the warehouse.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.warehouse.demo import draw
from sandbox.warehouse.demo.draw import IntArray
from sandbox.warehouse.demo.hpf_base import unit_price, workday_dates
from sandbox.warehouse.demo.hpf_events import Universe, add_loans, add_purchase
from sandbox.warehouse.demo.places import COUNTIES, COUNTY_CODES
from sandbox.warehouse.demo.scales import Scale

PATTERNS: dict[int, tuple[str, int]] = {  # id -> (name, accounts at SF = 1)
    1: ("租房提取但本地有住房", 300),
    2: ("购房提取对应房产已售出或无购房交易", 200),
    3: ("死亡后仍有提取或缴存", 100),
    4: ("缴存公积金但同单位无社保超过6个月", 200),
    5: ("离婚后双方短期内均购房提取或贷款", 100),  # pairs
    6: ("低保特困人员公积金缴存基数偏高", 100),
}
HIGH_BASE = 8_000.0  # pattern 6 threshold: a base this high is implausible for 低保/特困
P5_WINDOW_DAYS = 180
P4_MIN_UNCOVERED = 6

# One query per pattern, each returning the flagged account numbers (column ``account_no``).
DETECTION_SQL: dict[int, str] = {
    1: """
        SELECT DISTINCT w.account_no
        FROM housing_fund.hpf_withdrawal w
        JOIN housing_fund.hpf_account a ON a.account_no = w.account_no
        JOIN housing_fund.re_property_right p
          ON p.owner_id_no = a.person_id_no AND p.usage = '住宅' AND p.register_date <= w.date
        WHERE w.type = '租房'
    """,
    2: """
        SELECT DISTINCT w.account_no
        FROM housing_fund.hpf_withdrawal w
        JOIN housing_fund.hpf_account a ON a.account_no = w.account_no
        LEFT JOIN housing_fund.re_property_right p ON p.cert_no = w.property_cert_no
        WHERE w.type = '购房' AND (
            p.unit_no IS NULL
            OR NOT EXISTS (SELECT 1 FROM housing_fund.re_transaction t
                           WHERE t.unit_no = p.unit_no AND t.buyer_id_no = a.person_id_no)
            OR EXISTS (SELECT 1 FROM housing_fund.re_transaction t
                       WHERE t.unit_no = p.unit_no AND t.seller_id_no = a.person_id_no AND t.date <= w.date))
    """,
    3: """
        SELECT DISTINCT a.account_no
        FROM housing_fund.hpf_account a
        JOIN housing_fund.ca_death d ON d.person_id_no = a.person_id_no
        WHERE EXISTS (SELECT 1 FROM housing_fund.hpf_withdrawal w
                      WHERE w.account_no = a.account_no AND w.date > d.death_date)
           OR EXISTS (SELECT 1 FROM housing_fund.hpf_deposit_monthly m
                      WHERE m.account_no = a.account_no AND m.pay_status <> '欠缴'
                        AND m.period > strftime(d.death_date, '%Y%m'))
    """,
    4: f"""
        SELECT m.account_no
        FROM housing_fund.hpf_deposit_monthly m
        JOIN housing_fund.hpf_account a ON a.account_no = m.account_no
        JOIN housing_fund.hpf_employer e ON e.employer_id = a.employer_id
        WHERE m.pay_status <> '欠缴'
          AND NOT EXISTS (SELECT 1 FROM housing_fund.si_insured s
                          WHERE s.person_id_no = a.person_id_no AND s.employer_uscc = e.uscc
                            AND s.insurance_type = '养老'
                            AND s.first_month <= m.period AND s.last_paid_month >= m.period)
        GROUP BY m.account_no
        HAVING count(*) > {P4_MIN_UNCOVERED}
    """,
    5: f"""
        WITH ev AS (
            SELECT a.person_id_no, a.account_no, w.date AS ev_date
            FROM housing_fund.hpf_withdrawal w
            JOIN housing_fund.hpf_account a ON a.account_no = w.account_no
            WHERE w.type = '购房'
            UNION ALL
            SELECT a.person_id_no, a.account_no, l.start_date
            FROM housing_fund.hpf_loan l
            JOIN housing_fund.hpf_account a ON a.account_no = l.account_no
        ), pairs AS (
            SELECT e1.account_no AS acc1, e2.account_no AS acc2
            FROM housing_fund.ca_marriage d
            JOIN ev e1 ON e1.person_id_no = d.p1_id_no
                      AND e1.ev_date BETWEEN d.date AND d.date + INTERVAL {P5_WINDOW_DAYS} DAY
            JOIN ev e2 ON e2.person_id_no = d.p2_id_no
                      AND e2.ev_date BETWEEN d.date AND d.date + INTERVAL {P5_WINDOW_DAYS} DAY
            WHERE d.act = '离婚'
        )
        SELECT acc1 AS account_no FROM pairs UNION SELECT acc2 FROM pairs
    """,
    6: f"""
        SELECT DISTINCT a.account_no
        FROM housing_fund.ca_assistance c
        JOIN housing_fund.hpf_account a ON a.person_id_no = c.person_id_no
        WHERE c.type IN ('低保', '特困')
          AND (c.end_date IS NULL OR c.end_date >= DATE '2025-01-01')
          AND a.status = '正常' AND a.deposit_base >= {HIGH_BASE}
    """,
}


@dataclass
class Truth:
    """Pattern rows before identifiers exist: integer references into the universe."""

    pattern: list[int] = field(default_factory=list)
    account: list[int] = field(default_factory=list)
    wd: list[list[int]] = field(default_factory=list)
    record: list[int] = field(default_factory=list)
    txn: list[int] = field(default_factory=list)
    marriage: list[int] = field(default_factory=list)
    loan: list[int] = field(default_factory=list)
    note: list[str] = field(default_factory=list)

    def add(
        self,
        pattern: int,
        account: int,
        note: str,
        *,
        wd: list[int] | None = None,
        record: int = -1,
        txn: int = -1,
        marriage: int = -1,
        loan: int = -1,
    ) -> None:
        self.pattern.append(pattern)
        self.account.append(account)
        self.wd.append(wd or [])
        self.record.append(record)
        self.txn.append(txn)
        self.marriage.append(marriage)
        self.loan.append(loan)
        self.note.append(note)


@dataclass
class Reserved:
    p1: IntArray
    p2a: IntArray
    p2b: IntArray
    p3: IntArray
    p4: IntArray
    p5_m: IntArray
    p5_f: IntArray
    p6: IntArray
    p4_variant: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    deaths: dict[int, np.datetime64] = field(default_factory=dict)  # person -> injected death date


def pattern_count(scale: Scale, pattern: int) -> int:
    return scale.rows(PATTERNS[pattern][1], 2 if pattern == 5 else 3)


def reserve(u: Universe, rng: np.random.Generator, scale: Scale, avoid_person: np.ndarray) -> Reserved:
    """Pick distinct accounts for every pattern; ``avoid_person`` marks people seen elsewhere
    (visitors, card holders), who must not die for pattern 3."""
    acc, p = u.acc, u.people
    ok = (acc.status == "正常") & np.isnat(p.death[acc.person]) & (acc.open_date < np.datetime64("2025-01-01"))
    old = u.reg.snapshot()
    home = old["usage"] == "住宅"
    owner_any = np.isin(acc.person, old["owner"][home])
    owner_old = np.isin(acc.person, old["owner"][home & (old["register_date"] <= np.datetime64("2022-12-31"))])
    male = p.male[acc.person]
    taken = np.zeros(acc.n, dtype=bool)

    def take(mask: np.ndarray, k: int) -> IntArray:
        pool = np.flatnonzero(mask & ok & ~taken)
        chosen = rng.choice(pool, size=min(k, pool.size), replace=False).astype(np.int64)
        taken[chosen] = True
        return chosen

    k2 = pattern_count(scale, 2)
    res = Reserved(
        p1=take(owner_any, pattern_count(scale, 1)),
        p2a=take(owner_any, k2 - k2 // 2),
        p2b=take(owner_old, k2 // 2),
        p3=take(~avoid_person[acc.person], pattern_count(scale, 3)),
        p4=take(np.ones(acc.n, dtype=bool), pattern_count(scale, 4)),
        p5_m=take(male, pattern_count(scale, 5)),
        p5_f=take(~male, pattern_count(scale, 5)),
        p6=take(np.ones(acc.n, dtype=bool), pattern_count(scale, 6)),
    )
    res.p4_variant = np.arange(res.p4.size) % 3
    u.reserved[taken] = True
    u.reserved_person[acc.person[taken]] = True
    return res


def _old_home(u: Universe, person: IntArray, latest: str = "2024-12-31") -> IntArray:
    """A pre-2025 住宅 registry row of each person (first found)."""
    old = u.reg.snapshot()
    rows = np.flatnonzero((old["usage"] == "住宅") & old["active"] & (old["register_date"] <= np.datetime64(latest)))
    order = np.argsort(old["owner"][rows], kind="stable")
    owners = old["owner"][rows][order]
    pos = np.searchsorted(owners, person)
    return rows[order][pos]


def _p1(u: Universe, rng: np.random.Generator, res: Reserved, truth: Truth) -> None:
    record = _old_home(u, u.acc.person[res.p1])
    times = rng.integers(1, 4, res.p1.size)
    account = np.repeat(res.p1, times)
    rows = u.add_withdrawals(
        rng, account, workday_dates(rng, account.size), "租房", rng.uniform(1_500, 7_200, account.size)
    )
    start = np.concatenate([[0], np.cumsum(times)[:-1]])
    for i, a in enumerate(res.p1):
        wd = rows[start[i] : start[i] + times[i]].tolist()
        truth.add(1, int(a), "租房提取时名下已登记本地住宅", wd=wd, record=int(record[i]))


def _p2(u: Universe, rng: np.random.Generator, res: Reserved, truth: Truth) -> None:
    p = u.people
    # (a) the member sold the home (contract signed, transfer not yet registered), then cites it
    record = _old_home(u, u.acc.person[res.p2a])
    old = u.reg.snapshot()
    adults = p.local_where(p.alive & (p.age_on() >= 22))
    adults = adults[~u.reserved_person[adults]]
    buyer = adults[rng.integers(0, adults.size, res.p2a.size)]
    sale = workday_dates(rng, res.p2a.size, first=31, last=300)
    per_m2 = np.round(unit_price(rng, old["county"][record]) * 0.9)
    first_txn = len(u.txn)
    u.txn.add(
        unit=old["unit"][record],
        seller=u.acc.person[res.p2a],
        buyer=buyer,
        price=draw.money(per_m2 * old["area"][record]),
        unit_price=per_m2,
        date=sale,
        type=np.full(res.p2a.size, "存量房"),
    )
    wd_day = sale + rng.integers(10, 41, res.p2a.size).astype("timedelta64[D]")
    rows = u.add_withdrawals(rng, res.p2a, wd_day, "购房", rng.uniform(30_000, 90_000, res.p2a.size), record)
    for i, a in enumerate(res.p2a):
        truth.add(
            2, int(a), "购房提取所附房产已由本人售出", wd=[int(rows[i])], record=int(record[i]), txn=first_txn + i
        )
    # (b) a home registered years ago, no purchase transaction behind the withdrawal
    record = _old_home(u, u.acc.person[res.p2b], latest="2022-12-31")
    rows = u.add_withdrawals(
        rng, res.p2b, workday_dates(rng, res.p2b.size), "购房", rng.uniform(30_000, 90_000, res.p2b.size), record
    )
    for i, a in enumerate(res.p2b):
        truth.add(2, int(a), "购房提取无对应购房交易记录", wd=[int(rows[i])], record=int(record[i]))


def _p3(u: Universe, rng: np.random.Generator, res: Reserved, truth: Truth) -> None:
    death = draw.random_dates(rng, "2025-02-01", "2025-06-30", res.p3.size)
    for person, day in zip(u.acc.person[res.p3], death, strict=True):
        res.deaths[int(person)] = day
    late = np.arange(res.p3.size) % 2 == 1  # half also withdraw after death; all keep depositing
    wd_day = death[late] + rng.integers(20, 121, int(late.sum())).astype("timedelta64[D]")
    rows = u.add_withdrawals(
        rng,
        res.p3[late],
        wd_day,
        draw.pick(rng, ("其他", "重大疾病", "离职"), (1, 1, 1), int(late.sum())),
        rng.uniform(5_000, 40_000, int(late.sum())),
    )
    it = iter(rows.tolist())
    for i, a in enumerate(res.p3):
        month = str(death[i].astype("datetime64[M]")).replace("-", "")
        if late[i]:
            truth.add(3, int(a), f"死亡后仍有提取；死亡后缴存月份>{month}", wd=[next(it)])
        else:
            truth.add(3, int(a), f"死亡后仍有缴存：月份>{month}")


def _p5(u: Universe, rng: np.random.Generator, res: Reserved, truth: Truth) -> None:
    k = res.p5_m.size
    divorce = workday_dates(rng, k, first=10, last=200)
    # husband: new home and a 购房 withdrawal; wife: new home with a 公积金 loan
    buy_m = divorce + rng.integers(20, 61, k).astype("timedelta64[D]")
    rec_m, _, price_m = add_purchase(
        u, rng, u.acc.person[res.p5_m], buy_m, buy_m + rng.integers(0, 8, k).astype("timedelta64[D]")
    )
    wd_day = buy_m + rng.integers(15, 41, k).astype("timedelta64[D]")
    wd_rows = u.add_withdrawals(rng, res.p5_m, wd_day, "购房", np.clip(0.3 * price_m, 10_000, None), rec_m)
    buy_f = divorce + rng.integers(20, 61, k).astype("timedelta64[D]")
    rec_f, unit_f, price_f = add_purchase(
        u, rng, u.acc.person[res.p5_f], buy_f, buy_f + rng.integers(0, 8, k).astype("timedelta64[D]")
    )
    first_loan = len(u.loans)
    loan_day = buy_f + rng.integers(10, 41, k).astype("timedelta64[D]")
    add_loans(u, rng, res.p5_f, unit_f, rec_f, loan_day, price=price_f)
    u.purchase_person.append(u.acc.person[np.concatenate([res.p5_m, res.p5_f])])
    first_m = len(u.marriage)
    offices = _offices(u, u.acc.person[res.p5_m])
    u.marriage.add(
        p1=u.acc.person[res.p5_m], p2=u.acc.person[res.p5_f], act=np.full(k, "离婚"), date=divorce, office=offices
    )
    again = np.maximum(wd_day, loan_day) + rng.integers(30, 91, k).astype("timedelta64[D]")
    remarry = (again <= np.datetime64("2025-12-31")) & (rng.random(k) < 0.6)
    u.marriage.add(
        p1=u.acc.person[res.p5_m][remarry],
        p2=u.acc.person[res.p5_f][remarry],
        act=np.full(int(remarry.sum()), "结婚"),
        date=again[remarry],
        office=offices[remarry],
    )
    for i in range(k):
        note = "离婚后短期内双方分别购房提取与贷款" + ("，其后复婚" if remarry[i] else "")
        truth.add(5, int(res.p5_m[i]), note, wd=[int(wd_rows[i])], record=int(rec_m[i]), marriage=first_m + i)
        truth.add(5, int(res.p5_f[i]), note, record=int(rec_f[i]), marriage=first_m + i, loan=first_loan + i)


def _offices(u: Universe, person: IntArray) -> np.ndarray:
    names = np.array([c.name for c in COUNTIES])
    county = np.searchsorted(np.array(COUNTY_CODES), u.people.region[person])
    return np.strings.add(names[county], "民政局婚姻登记处")


def _p6(u: Universe, rng: np.random.Generator, res: Reserved, truth: Truth) -> None:
    k = res.p6.size
    base = np.round(rng.uniform(9_000, 20_000, k))
    u.acc.base[res.p6] = base
    u.acc.base_h1[res.p6] = np.round(base / 1.03)
    start = draw.random_dates(rng, "2021-01-01", "2024-12-31", k)
    u.assistance.add(
        person=u.acc.person[res.p6],
        type=np.full(k, "低保"),
        start=start,
        end=np.full(k, np.datetime64("NaT"), dtype="datetime64[D]"),
        amount=draw.money(rng.uniform(400, 700, k)),
    )
    for a in res.p6:
        truth.add(6, int(a), f"在保低保对象，公积金缴存基数≥{int(HIGH_BASE)}")


def _p4(u: Universe, res: Reserved, truth: Truth) -> None:
    notes = ("同单位无任何社保参保记录", "社保登记在其他单位", "同单位社保已于2025年4月前停缴")
    for a, v in zip(res.p4, res.p4_variant, strict=True):
        truth.add(4, int(a), notes[int(v)])


def inject(u: Universe, rng: np.random.Generator, res: Reserved) -> Truth:
    """Add the rows of patterns 1, 2, 3, 5, 6; pattern 4 lives in the 社保 rows (see civil)."""
    truth = Truth()
    _p1(u, rng, res, truth)
    _p2(u, rng, res, truth)
    _p3(u, rng, res, truth)
    _p4(u, res, truth)
    _p5(u, rng, res, truth)
    _p6(u, rng, res, truth)
    return truth
