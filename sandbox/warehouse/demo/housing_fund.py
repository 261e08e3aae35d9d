"""智慧公积金 with 不动产, 民政 and 社保: build the universe, assign identifiers, emit the tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

from sandbox.identifiers import generate
from sandbox.warehouse.demo import civil, draw
from sandbox.warehouse.demo.frame import CHUNK_ROWS, TableJob, chunk_bounds, to_arrow
from sandbox.warehouse.demo.hpf_base import (
    TRANSACTIONS,
    build_accounts,
    build_employers,
    build_registry,
)
from sandbox.warehouse.demo.hpf_events import Universe, clean_loans, clean_purchases, clean_withdrawals
from sandbox.warehouse.demo.places import COUNTIES, COUNTY_CODES
from sandbox.warehouse.demo.risk_patterns import PATTERNS, Reserved, Truth, inject, reserve
from sandbox.warehouse.demo.transit import cards
from sandbox.warehouse.demo.world import World

WITHDRAWALS = 200_000
LOANS = 40_000
PURCHASE_SHARE = 0.15
PAY_STATUS = ("正常", "补缴", "欠缴")
PAY_WEIGHTS = (0.96, 0.02, 0.02)
ROADS = tuple(["营盘", "韶山", "北京", "清江", "宁波", "文化", "环城", "永丰", "金井", "大十字", "开发", "迎宾"])


@dataclass
class HousingTables:
    tables: dict[str, dict[str, Any]]
    deposit: dict[str, np.ndarray]  # per sampled account: account_no, window, bases, ratios, forced
    deposit_rows: int
    truth: pa.Table


def _addresses(rng: np.random.Generator, county: np.ndarray) -> np.ndarray:
    n = county.size
    names = np.array([c.name for c in COUNTIES])[county]
    road = np.strings.add(np.asarray(ROADS)[rng.integers(0, len(ROADS), n)], "路")
    num = rng.integers(1, 300, n).astype("<U3")
    bldg, unit, room = (
        rng.integers(1, 30, n).astype("<U2"),
        rng.integers(1, 5, n).astype("<U1"),
        (rng.integers(1, 33, n) * 100 + rng.integers(1, 5, n)).astype("<U4"),
    )
    text = np.strings.add(np.strings.add(names, road), np.strings.add(num, "号"))
    text = np.strings.add(text, np.strings.add(bldg, "栋"))
    return np.strings.add(np.strings.add(text, np.strings.add(unit, "单元")), room)


def _ordered(rows: dict[str, np.ndarray], key: str) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Rows sorted by ``key``; also the new position of each old row."""
    order = np.argsort(rows[key], kind="stable")
    new_pos = np.empty_like(order)
    new_pos[order] = np.arange(order.size)
    return {k: v[order] for k, v in rows.items()}, new_pos


def build_universe(world: World) -> tuple[Universe, Reserved, Truth, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    ctx, scale, people = world.ctx, world.scale, world.people
    emp = build_employers(ctx.rng("housing_fund.hpf_employer"), scale)
    acc = build_accounts(ctx.rng("housing_fund.hpf_account"), scale, people, emp)
    n_txn = scale.rows(TRANSACTIONS, 600)
    reg = build_registry(ctx.rng("housing_fund.re_property_right"), scale, people, acc, n_txn)
    u = Universe(people, emp, acc, reg, np.zeros(acc.n, dtype=bool), np.zeros(people.id_no.size, dtype=bool))
    avoid = np.zeros(people.id_no.size, dtype=bool)
    avoid[world.visitor_pool] = True
    avoid[cards(world).person] = True
    res = reserve(u, ctx.rng("housing_fund.risk_reserve"), scale, avoid)
    rng = ctx.rng("housing_fund.events")
    n_wd = scale.rows(WITHDRAWALS, 2_000)
    buys = clean_purchases(u, rng, n_txn, round(PURCHASE_SHARE * n_wd))
    clean_loans(u, rng, scale.rows(LOANS, 400), buys)
    clean_withdrawals(u, rng, n_wd, buys)
    truth = inject(u, ctx.rng("housing_fund.risk_inject"), res)
    rng = ctx.rng("housing_fund.civil")
    civil.build_si(u, rng, scale, res)
    civil.build_marriages(u, rng, scale)
    civil.build_assistance(u, rng, scale)
    sample = civil.deposit_sample(u, rng, scale, res)
    return u, res, truth, sample, civil.deaths(u, res)


def finalize(world: World) -> HousingTables:
    u, res, truth, sample, (dead_person, dead_day) = build_universe(world)
    rng = world.ctx.rng("housing_fund.identifiers")
    p, acc, emp = u.people, u.acc, u.emp
    account_no = generate.hpf_account_nos(rng, acc.n)
    employer_id = emp.employer_id

    reg = u.reg.snapshot()
    unit_county = np.concatenate(u.reg.unit_county)
    unit_no = generate.unit_numbers(rng, np.array(COUNTY_CODES)[unit_county])
    years = reg["register_date"].astype("datetime64[Y]").astype(np.int64) + 1970
    cert_no = generate.property_cert_nos(rng, years, np.array([c.name for c in COUNTIES])[reg["county"]])
    address = _addresses(rng, unit_county)[reg["unit"]]

    wd, wd_pos = _ordered(u.wd.finish(), "date")
    txn, txn_pos = _ordered(u.txn.finish(), "date")
    mar, mar_pos = _ordered(u.marriage.finish(), "date")
    loans = u.loans.finish()
    loan_id = draw.seq_ids("LN", loans["account"].size, 8)
    wd_id = draw.seq_ids("WD", wd["account"].size, 9)
    txn_id = draw.seq_ids("RT", txn["unit"].size, 8)
    mar_id = draw.seq_ids("MR", mar["p1"].size, 8)
    si = u.si.finish()
    ast = u.assistance.finish()
    active = reg["active"]

    def nullable(values: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return np.where(idx >= 0, values[np.maximum(idx, 0)], "")

    tables: dict[str, dict[str, Any]] = {
        "housing_fund.hpf_employer": {
            "employer_id": employer_id,
            "uscc": emp.uscc,
            "name": emp.name,
            "industry": emp.industry,
            "region_code": emp.region,
            "headcount": emp.headcount,
            "ratio_employer": emp.ratio,
        },
        "housing_fund.hpf_account": {
            "account_no": account_no,
            "person_id_no": p.id_no[acc.person],
            "name": p.name[acc.person],
            "gender": p.gender(acc.person),
            "birth_date": p.birth[acc.person],
            "employer_id": employer_id[acc.employer],
            "open_date": acc.open_date,
            "status": acc.status,
            "deposit_base": acc.base,
            "ratio_personal": acc.ratio_p,
            "ratio_employer": acc.ratio_e,
            "balance": acc.balance,
        },
        "housing_fund.hpf_withdrawal": {
            "wd_id": wd_id,
            "account_no": account_no[wd["account"]],
            "date": wd["date"],
            "type": wd["type"],
            "amount": wd["amount"],
            "property_cert_no": nullable(cert_no, wd["record"]),
            "channel": wd["channel"],
            "approver_id": wd["approver"],
        },
        "housing_fund.hpf_loan": {
            "loan_id": loan_id,
            "account_no": account_no[loans["account"]],
            "co_borrower_account": nullable(account_no, loans["co_account"]),
            "property_unit_no": unit_no[loans["unit"]],
            "amount": loans["amount"],
            "term_months": loans["term"],
            "rate": loans["rate"],
            "start_date": loans["start"],
            "status": loans["status"],
            "overdue_periods": loans["overdue"],
        },
        "housing_fund.re_property_right": {
            "cert_no": cert_no[active],
            "unit_no": unit_no[reg["unit"][active]],
            "owner_id_no": p.id_no[reg["owner"][active]],
            "owner_name": p.name[reg["owner"][active]],
            "co_owner_count": reg["co_owners"][active],
            "address": address[active],
            "county_code": np.array(COUNTY_CODES)[reg["county"][active]],
            "area_m2": reg["area"][active],
            "usage": reg["usage"][active],
            "register_date": reg["register_date"][active],
            "mortgage_flag": reg["mortgage"][active],
        },
        "housing_fund.re_transaction": {
            "txn_id": txn_id,
            "unit_no": unit_no[txn["unit"]],
            "seller_id_no": nullable(p.id_no, txn["seller"]),
            "buyer_id_no": p.id_no[txn["buyer"]],
            "contract_price": txn["price"],
            "unit_price": txn["unit_price"],
            "date": txn["date"],
            "type": txn["type"],
        },
        "housing_fund.ca_marriage": {
            "record_id": mar_id,
            "p1_id_no": p.id_no[mar["p1"]],
            "p2_id_no": p.id_no[mar["p2"]],
            "act": mar["act"],
            "date": mar["date"],
            "office": mar["office"],
        },
        "housing_fund.ca_assistance": {
            "person_id_no": p.id_no[ast["person"]],
            "type": ast["type"],
            "start_date": ast["start"],
            "end_date": ast["end"],
            "amount": ast["amount"],
        },
        "housing_fund.ca_death": _death_rows(world, p.id_no[dead_person], dead_day),
        "housing_fund.si_insured": {
            "person_id_no": p.id_no[si["person"]],
            "name": p.name[si["person"]],
            "employer_uscc": nullable(emp.uscc, si["employer"]),
            "insurance_type": si["type"],
            "status": si["status"],
            "contribution_base": si["base"],
            "first_month": si["first_month"],
            "last_paid_month": si["last_paid"],
        },
    }
    forced = np.zeros(acc.n, dtype=bool)
    forced[np.concatenate([res.p3, res.p4])] = True
    deposit = {
        "account_no": account_no[sample],
        "from": acc.dep_from[sample],
        "to": acc.dep_to[sample],
        "base_h1": acc.base_h1[sample],
        "base": acc.base[sample],
        "ratio_p": acc.ratio_p[sample],
        "ratio_e": acc.ratio_e[sample],
        "forced": forced[sample],
    }
    refs = {"wd": (wd_id, wd_pos), "txn": (txn_id, txn_pos), "mar": (mar_id, mar_pos)}
    truth_table = _truth_table(truth, account_no, p.id_no[acc.person], cert_no, loan_id, refs)
    rows = int((acc.dep_to[sample] - acc.dep_from[sample] + 1).sum())
    return HousingTables(tables, deposit, rows, truth_table)


def _death_rows(world: World, id_no: np.ndarray, day: np.ndarray) -> dict[str, Any]:
    rng = world.ctx.rng("housing_fund.ca_death")
    cremated = rng.random(day.size) < 0.85
    cremation = np.where(cremated, day + rng.integers(1, 5, day.size).astype("timedelta64[D]"), np.datetime64("NaT"))
    return {"person_id_no": id_no, "death_date": day, "cremation_date": cremation.astype("datetime64[D]")}


def _truth_table(
    truth: Truth,
    account_no: np.ndarray,
    person_id: np.ndarray,
    cert_no: np.ndarray,
    loan_id: np.ndarray,
    refs: dict[str, tuple[np.ndarray, np.ndarray]],
) -> pa.Table:
    wd_id, wd_pos = refs["wd"]
    txn_id, txn_pos = refs["txn"]
    mar_id, mar_pos = refs["mar"]
    ref_text = []
    for i in range(len(truth.pattern)):  # one row per flagged account (hundreds)
        parts = [f"hpf_withdrawal.wd_id={wd_id[wd_pos[w]]}" for w in truth.wd[i]]
        if truth.record[i] >= 0:
            parts.append(f"re_property_right.cert_no={cert_no[truth.record[i]]}")
        if truth.txn[i] >= 0:
            parts.append(f"re_transaction.txn_id={txn_id[txn_pos[truth.txn[i]]]}")
        if truth.marriage[i] >= 0:
            parts.append(f"ca_marriage.record_id={mar_id[mar_pos[truth.marriage[i]]]}")
        if truth.loan[i] >= 0:
            parts.append(f"hpf_loan.loan_id={loan_id[truth.loan[i]]}")
        ref_text.append(";".join(parts))
    acc = np.asarray(truth.account, dtype=np.int64)
    return pa.table(
        {
            "pattern_id": pa.array(truth.pattern, pa.int16()),
            "pattern_name": pa.array([PATTERNS[k][0] for k in truth.pattern], pa.string()),
            "account_no": pa.array(account_no[acc], pa.string()),
            "person_id_no": pa.array(person_id[acc], pa.string()),
            "record_refs": pa.array(ref_text, pa.string()),
            "note": pa.array(truth.note, pa.string()),
        }
    )


def housing(world: World) -> HousingTables:
    return world.memo("housing_fund", lambda: finalize(world))


def deposits(world: World) -> Iterator[pa.Table]:
    """12 months of deposits (fewer for partial years) for the sampled accounts."""
    rng = world.ctx.rng("housing_fund.hpf_deposit_monthly")
    d = housing(world).deposit
    n_acc = d["account_no"].size
    for start, stop in chunk_bounds(n_acc, max(1, CHUNK_ROWS // 12)):
        sl = slice(start, stop)
        months = np.maximum(d["to"][sl] - d["from"][sl] + 1, 0)
        owner = np.repeat(np.arange(start, stop), months)
        offset = np.arange(owner.size) - np.repeat(np.cumsum(months) - months, months)
        month = d["from"][owner] + offset
        base = np.where(month < 6, d["base_h1"][owner], d["base"][owner])  # bases are adjusted every July
        status = draw.pick(rng, PAY_STATUS, PAY_WEIGHTS, owner.size)
        status = np.where(d["forced"][owner], "正常", status)
        paid = status != "欠缴"
        yield to_arrow(
            "housing_fund.hpf_deposit_monthly",
            {
                "account_no": d["account_no"][owner],
                "period": draw.yyyymm(np.datetime64("2025-01", "M") + month.astype("timedelta64[M]")),
                "base": base,
                "amt_personal": np.where(paid, np.round(base * d["ratio_p"][owner]), 0.0),
                "amt_employer": np.where(paid, np.round(base * d["ratio_e"][owner]), 0.0),
                "pay_status": status,
            },
        )


def truth_table(world: World) -> pa.Table:
    return housing(world).truth


def jobs(world: World) -> list[TableJob]:
    h = housing(world)
    names = (
        "housing_fund.hpf_employer",
        "housing_fund.hpf_account",
        "housing_fund.hpf_withdrawal",
        "housing_fund.hpf_loan",
        "housing_fund.re_property_right",
        "housing_fund.re_transaction",
        "housing_fund.ca_marriage",
        "housing_fund.ca_assistance",
        "housing_fund.ca_death",
        "housing_fund.si_insured",
    )
    out = [TableJob(name, _len(h.tables[name]), _chunked(name, h.tables[name])) for name in names]
    out.insert(2, TableJob("housing_fund.hpf_deposit_monthly", h.deposit_rows, lambda: deposits(world)))
    return out


def _len(cols: dict[str, Any]) -> int:
    return int(next(np.size(v) for v in cols.values() if np.ndim(v) > 0))


def _chunked(name: str, cols: dict[str, Any]) -> Callable[[], Iterator[pa.Table]]:
    def produce() -> Iterator[pa.Table]:
        n = _len(cols)
        for start, stop in chunk_bounds(n, CHUNK_ROWS):
            yield to_arrow(name, {k: (v[start:stop] if np.ndim(v) > 0 else v) for k, v in cols.items()})

    return produce
