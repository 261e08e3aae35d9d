"""公积金 universe, part 1: employers, accounts and the pre-2025 property registry.

Everything is kept as integer references (people, employers, units, registry rows); identifier
strings are assigned once at the end (``housing_fund.finalize``) so that each identifier kind is
drawn in a single call and stays distinct.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sandbox.identifiers import generate
from sandbox.warehouse.demo import dates, draw
from sandbox.warehouse.demo.columns import Columns
from sandbox.warehouse.demo.draw import BoolArray, DateArray, FloatArray, IntArray, StrArray
from sandbox.warehouse.demo.places import COUNTIES, COUNTY_CODES, KAILI
from sandbox.warehouse.demo.population import People
from sandbox.warehouse.demo.scales import Scale

EMPLOYERS = 8_000
ACCOUNTS = 300_000
PROPERTIES = 250_000
TRANSACTIONS = 60_000
# Employer kinds: (USCC authority+type, share, deposit-base median, GB/T 4754 sections)
EMPLOYER_KINDS = {
    "机关": ("11", 0.06, 6_500.0, "S"),
    "事业单位": ("12", 0.14, 6_200.0, "PQN"),
    "企业": ("91", 0.75, 5_000.0, "ACDEFGHIJKL"),
    "民非": ("52", 0.05, 4_200.0, "PQO"),
}
BUREAUS = (
    "教育局", "卫生健康局", "财政局", "人民法院", "人民检察院", "农业农村局", "交通运输局",
    "住房和城乡建设局", "自然资源局", "林业局", "民政局", "司法局", "审计局", "统计局", "应急管理局",
    "生态环境局", "水务局", "文体广电旅游局", "市场监督管理局", "税务局",
)  # fmt: skip
INSTITUTIONS = (
    "第一中学", "民族中学", "实验小学", "人民医院", "中医医院", "妇幼保健院", "疾病预防控制中心",
    "职业技术学校", "林场", "水文站", "广播电视台", "图书馆", "不动产登记中心", "社会保险事业局",
)  # fmt: skip
FIRM_WORDS = (
    "苗岭", "清江", "黔峰", "侗乡", "丹江", "云台", "舞阳", "都柳", "雷公", "月亮山", "金泉", "凯运", "龙腾",
    "银杉", "鼓楼",
)  # fmt: skip
# trade in the firm's name -> GB/T 4754 section
FIRM_TRADES = {
    "建筑工程": "E", "商贸": "F", "旅游开发": "L", "农业科技": "A", "物流": "G", "食品": "C", "房地产开发": "K",
    "信息技术": "I", "医药": "C", "酒店管理": "H", "茶业": "A", "木业": "C", "电力": "D", "劳务": "L",
}  # fmt: skip
NONPROFITS = ("养老服务中心", "职业培训学校", "社会工作服务中心")
RATIOS = (0.05, 0.06, 0.07, 0.08, 0.10, 0.12)
RATIO_WEIGHTS = (0.35, 0.15, 0.12, 0.15, 0.10, 0.13)
BASE_FLOOR, BASE_CAP = 1_900.0, 25_000.0  # local minimum wage; 3x the prior-year average wage [K?]
CURRENT_YEAR_START = np.datetime64("2025-01-01", "D")


@dataclass
class Employers:
    uscc: StrArray
    name: StrArray
    kind: StrArray
    industry: StrArray
    region: StrArray
    headcount: IntArray
    ratio: FloatArray

    @property
    def employer_id(self) -> StrArray:
        return draw.seq_ids("E", self.uscc.size, 6)


@dataclass
class Accounts:
    person: IntArray
    employer: IntArray
    open_date: DateArray
    status: StrArray  # 正常 / 封存 / 销户
    base_h1: FloatArray  # deposit base January-June
    base: FloatArray  # deposit base from July (the annual adjustment); shown in hpf_account
    ratio_p: FloatArray
    ratio_e: FloatArray
    balance: FloatArray
    dep_from: IntArray  # first month index (0 = January 2025) with a deposit
    dep_to: IntArray  # last month index with a deposit; -1 = none in 2025

    @property
    def n(self) -> int:
        return self.person.size


@dataclass
class Registry:
    """Property rights (one row per certificate) and the units they are on."""

    unit_county: list[IntArray] = field(default_factory=list)  # county index per unit, in blocks
    n_units: int = 0
    rows: Columns = field(
        default_factory=lambda: Columns(
            "owner", "unit", "county", "area", "usage", "register_date", "mortgage", "co_owners", "active"
        )
    )
    deactivated: list[IntArray] = field(default_factory=list)  # rows whose unit was sold in 2025
    mortgaged: list[IntArray] = field(default_factory=list)  # rows pledged for a 公积金 loan

    def add(self, **cols: object) -> IntArray:
        """Append rows; return their row indices."""
        first = len(self.rows)
        self.rows.add(**cols)
        return np.arange(first, len(self.rows), dtype=np.int64)

    def snapshot(self) -> dict[str, np.ndarray]:
        """Current rows with sales and pledges applied."""
        rows = self.rows.finish()
        for idx in self.deactivated:
            rows["active"][idx] = False
        for idx in self.mortgaged:
            rows["mortgage"][idx] = True
        return rows

    def new_units(self, county: IntArray) -> IntArray:
        first = self.n_units
        self.unit_county.append(np.asarray(county, dtype=np.int64))
        self.n_units += county.size
        return np.arange(first, self.n_units, dtype=np.int64)


def _names(rng: np.random.Generator, kind: StrArray, county: IntArray, trade: StrArray) -> StrArray:
    short = np.array([c.name for c in COUNTIES])[county]
    n = kind.size
    firm = np.strings.add(
        np.strings.add(np.asarray(FIRM_WORDS)[rng.integers(0, len(FIRM_WORDS), n)], trade), "有限公司"
    )
    firm = np.where(rng.random(n) < 0.3, np.strings.add("黔东南", firm), np.strings.add(short, firm))
    name = np.select(
        [kind == "机关", kind == "事业单位", kind == "民非"],
        [
            np.strings.add(short, np.asarray(BUREAUS)[rng.integers(0, len(BUREAUS), n)]),
            np.strings.add(short, np.asarray(INSTITUTIONS)[rng.integers(0, len(INSTITUTIONS), n)]),
            np.strings.add(short, np.asarray(NONPROFITS)[rng.integers(0, len(NONPROFITS), n)]),
        ],
        default=firm,
    )
    return draw.dedupe(name)


def build_employers(rng: np.random.Generator, scale: Scale) -> Employers:
    n = scale.rows(EMPLOYERS, 200)
    kinds = list(EMPLOYER_KINDS)
    kind = np.asarray(kinds)[draw.weighted_index(rng, [v[1] for v in EMPLOYER_KINDS.values()], n)]
    weights = np.array([c.weight for c in COUNTIES])
    weights[COUNTY_CODES.index(KAILI)] *= 1.6  # firms cluster in the prefecture seat
    county = draw.weighted_index(rng, weights, n)
    region = np.array(COUNTY_CODES)[county]
    uscc = np.empty(n, dtype="<U18")
    industry = np.empty(n, dtype="<U1")
    for k, (code, _, _, sections) in EMPLOYER_KINDS.items():
        sel = kind == k
        uscc[sel] = generate.usccs(rng, int(sel.sum()), code[0], code[1], region[sel])
        industry[sel] = np.asarray(list(sections))[rng.integers(0, len(sections), int(sel.sum()))]
    trade = np.asarray(list(FIRM_TRADES))[rng.integers(0, len(FIRM_TRADES), n)]
    industry = np.where(kind == "企业", draw.lookup(FIRM_TRADES, trade), industry)
    public = np.isin(kind, ("机关", "事业单位"))
    ratio = np.where(public, 0.12, np.asarray(RATIOS)[draw.weighted_index(rng, RATIO_WEIGHTS, n)])
    headcount = np.round(draw.lognormal_clipped(rng, 25, 1.0, 3, 3000, n))
    headcount = np.where(public, headcount * 2, headcount).astype(np.int64)  # public bodies are larger
    return Employers(uscc, _names(rng, kind, county, trade), kind, industry, region, headcount, ratio)


def month_index(d: DateArray) -> IntArray:
    """Months since January 2025 (negative before 2025)."""
    return (d.astype("datetime64[M]") - np.datetime64("2025-01", "M")).astype(np.int64)


def build_accounts(rng: np.random.Generator, scale: Scale, people: People, emp: Employers) -> Accounts:
    age = people.age_on()
    eligible = people.local_where((age >= 20) & (age <= 62))
    n = min(scale.rows(ACCOUNTS, 3_000), eligible.size)
    person = np.sort(rng.choice(eligible, size=n, replace=False))
    employer = draw.weighted_index(rng, emp.headcount, n)
    kind = emp.kind[employer]
    median = np.select([kind == k for k in EMPLOYER_KINDS], [v[2] for v in EMPLOYER_KINDS.values()])
    base = np.round(np.clip(rng.lognormal(np.log(median), 0.42), BASE_FLOOR, BASE_CAP))
    base_h1 = np.round(base / rng.uniform(1.0, 1.06, n))
    earliest = np.maximum(people.birth[person] + 20 * 365, np.datetime64("2005-01-01", "D"))
    span = (np.datetime64("2025-06-30", "D") - earliest).astype(np.int64)
    open_date = earliest + (rng.random(n) * np.maximum(span, 1)).astype("timedelta64[D]")
    status = draw.pick(rng, ("正常", "封存", "销户"), (0.85, 0.12, 0.03), n)
    dep_from = np.maximum(month_index(open_date), 0)
    sealed_in_2025 = (status == "封存") & (rng.random(n) < 0.3)
    sealed_month = rng.integers(1, 12, n)
    dep_to = np.where(status == "正常", 11, np.where(sealed_in_2025, sealed_month - 1, -1))
    dead = ~np.isnat(people.death[person])
    status = np.where(dead, "销户", status)  # the centre closes the account of a deceased member
    dep_to = np.where(dead, np.minimum(dep_to, month_index(people.death[person]) - 1), dep_to)
    dep_to = np.where(dep_to < dep_from, -1, dep_to)
    ratio = emp.ratio[employer]
    months = np.minimum(-month_index(open_date) + 6, 120).clip(1)
    balance = base * 2 * ratio * months * rng.uniform(0.2, 0.8, n)
    balance = draw.money(np.where(status == "销户", 0.0, balance))
    return Accounts(person, employer, open_date, status, base_h1, base, ratio, ratio.copy(), balance, dep_from, dep_to)


def house_area(rng: np.random.Generator, usage: StrArray) -> FloatArray:
    n = usage.size
    home = np.clip(rng.normal(110, 25, n), 45, 220)
    shop = rng.uniform(30, 300, n)
    parking = rng.uniform(12, 16, n)
    return np.round(np.select([usage == "住宅", usage == "商业"], [home, shop], default=parking), 2)


def build_registry(rng: np.random.Generator, scale: Scale, people: People, acc: Accounts, n_new: int) -> Registry:
    """Pre-2025 holdings; 2025 purchases are added later by the event generator."""
    reg = Registry()
    age = people.age_on()
    adults = people.local_where(age >= 25)
    weight = np.ones(adults.size)
    weight[np.isin(adults, acc.person)] = 2.0  # 公积金 members own homes more often
    n_old = max(scale.rows(PROPERTIES, 2_500) - n_new, scale.rows(PROPERTIES, 2_500) // 2)
    owner = adults[draw.weighted_index(rng, weight, n_old)]
    county = np.searchsorted(np.array(COUNTY_CODES), people.region[owner]).astype(np.int64)
    usage = draw.pick(rng, ("住宅", "商业", "车位"), (0.85, 0.05, 0.10), n_old)
    reg.add(
        owner=owner,
        unit=reg.new_units(county),
        county=county,
        area=house_area(rng, usage),
        usage=usage,
        register_date=draw.random_dates(rng, "2015-01-01", "2024-12-31", n_old),
        mortgage=(usage == "住宅") & (rng.random(n_old) < 0.25),
        co_owners=rng.choice([0, 1, 2], n_old, p=[0.55, 0.40, 0.05]),
        active=np.ones(n_old, dtype=bool),
    )
    return reg


def unit_price(rng: np.random.Generator, county: IntArray) -> FloatArray:
    """Yuan per m²: 凯里 4,500-6,500, other counties 3,000-4,500 [K?]."""
    kaili = county == COUNTY_CODES.index(KAILI)
    return np.round(np.where(kaili, rng.uniform(4_500, 6_500, county.size), rng.uniform(3_000, 4_500, county.size)))


def alive_all_year(people: People, idx: IntArray) -> BoolArray:
    return np.isnat(people.death[idx])


def workday_dates(rng: np.random.Generator, n: int, first: int = 0, last: int = dates.N_DAYS - 1) -> DateArray:
    """Dates in 2025 (day indices ``first``..``last``) weighted towards working days."""
    w = dates.weekday_weights()[first : last + 1]
    out: DateArray = dates.DAYS[first + draw.weighted_index(rng, w, n)]
    return out
