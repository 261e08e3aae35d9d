"""The catalogue as typed, immutable values (the parsed form of policies/).

Vocabularies mirror policies/schema/catalog.schema.json; the enums' values are the spellings used in
the YAML files, so ``Role("I")`` or ``UpdateFrequency("日")`` parse a file value directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

from sandbox.catalog.problems import Problem

KeyPath = tuple[str | int, ...]
"""A location inside one YAML document: mapping keys and sequence indexes."""


class Role(StrEnum):
    """De-identification role of a column (GB/T 37964 terms)."""

    IDENTIFIER = "I"  # direct identifier: name, ID number, phone, account number
    QUASI = "Q"  # quasi-identifier: birth date, sex, home county, place + time
    SENSITIVE = "S"  # sensitive attribute: balances, bases, assistance status
    NONE = "N"  # non-personal


class AccessMode(StrEnum):
    """How the gateway lets a table be read; strictest wins when tables are joined."""

    OPEN = "open"
    MASKED = "masked"
    AGGREGATE = "aggregate"
    DP = "dp"
    DENY = "deny"


STRICTNESS: tuple[AccessMode, ...] = (
    AccessMode.OPEN,
    AccessMode.MASKED,
    AccessMode.AGGREGATE,
    AccessMode.DP,
    AccessMode.DENY,
)
"""Access modes from least to most strict."""


class HandlingKind(StrEnum):
    ALLOW = "allow"
    HASH = "hash"
    MASK = "mask"
    GENERALIZE = "generalize"
    DENY = "deny"


class GeneralizeRule(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    HOUR = "hour"
    GRID500M = "grid500m"
    COUNTY = "county"
    AGE_BAND = "age_band"


class NationalLevel(StrEnum):
    """GB/T 43697 grade; 待认定 = possibly important data, pending determination."""

    CORE = "核心"
    IMPORTANT = "重要"
    GENERAL = "一般"
    PENDING = "待认定"


class UpdateFrequency(StrEnum):
    REALTIME = "实时"
    DAILY = "日"
    WEEKLY = "周"
    MONTHLY = "月"
    QUARTERLY = "季"
    YEARLY = "年"
    IRREGULAR = "不定期"


class ShareAttribute(StrEnum):
    UNCONDITIONAL = "无条件共享"
    CONDITIONAL = "有条件共享"
    NONE = "不予共享"


class OpenAttribute(StrEnum):
    UNCONDITIONAL = "无条件开放"
    CONDITIONAL = "有条件开放"
    NONE = "不予开放"


class Scenario(StrEnum):
    """Pilot scenarios; each is also the warehouse schema holding its tables."""

    COMMON = "common"
    TOURISM = "tourism"
    GOVERNANCE = "governance"
    TRANSIT = "transit"
    HOUSING_FUND = "housing_fund"


SCENARIO_ZH: Mapping[Scenario, str] = MappingProxyType(
    {
        Scenario.COMMON: "公共维度",
        Scenario.TOURISM: "文化旅游",
        Scenario.GOVERNANCE: "社会治理",
        Scenario.TRANSIT: "公共交通",
        Scenario.HOUSING_FUND: "智慧公积金",
    }
)

NUMERIC_TYPES = frozenset({"SMALLINT", "INTEGER", "BIGINT", "DOUBLE"})


def is_numeric(type_name: str) -> bool:
    return type_name in NUMERIC_TYPES or type_name.startswith("DECIMAL(")


@dataclass(frozen=True)
class Handling:
    """A column handling such as ``hash`` or ``generalize:grid500m``."""

    kind: HandlingKind
    rule: GeneralizeRule | None = None

    @classmethod
    def parse(cls, text: str) -> Handling:
        """Parse the YAML spelling; raises ValueError on anything outside the vocabulary."""
        kind_text, sep, rule_text = text.partition(":")
        kind = HandlingKind(kind_text)
        if (kind is HandlingKind.GENERALIZE) != bool(sep):
            raise ValueError(f"handling {text!r} needs a rule exactly when it generalizes")
        return cls(kind, GeneralizeRule(rule_text) if sep else None)

    def __str__(self) -> str:
        return f"{self.kind}:{self.rule}" if self.rule else str(self.kind)


@dataclass(frozen=True)
class Bounds:
    """Public clamping bounds for DP sums and means (never derived from the data)."""

    lower: float
    upper: float


@dataclass(frozen=True)
class Column:
    name: str
    name_zh: str
    type: str  # DuckDB type name, canonical spelling
    role: Role
    level: int  # general-data sub-level 1-4
    handling: Handling
    bounds: Bounds | None = None
    pi_category: str | None = None
    sensitive_pi: bool = False


@dataclass(frozen=True)
class Source:
    """Where an entry came from, for problems that cite file and line."""

    file: str
    lines: Mapping[KeyPath, int] = field(default_factory=dict)

    def line(self, path: KeyPath = ()) -> int:
        """Line of ``path``, or of its nearest enclosing node that exists in the file."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


@dataclass(frozen=True)
class Dataset:
    """One warehouse table's registration entry and classification."""

    name: str  # "schema.table"
    registration_code: str
    department: str
    scenario: Scenario
    name_zh: str
    description_zh: str
    update_frequency: UpdateFrequency
    share_attribute: ShareAttribute
    open_attribute: OpenAttribute
    national_level: NationalLevel
    level: int  # declared, or the maximum column level when omitted
    privacy_unit: str | None
    access_mode: AccessMode
    k: int | None  # minimum distinct privacy units per output group (aggregate / dp)
    synthetic: bool
    columns: tuple[Column, ...]
    national_code: str | None = None  # code issued by the national / provincial registry, once issued
    source: Source = field(default=Source(""), compare=False, repr=False)

    @property
    def schema(self) -> str:
        return self.name.split(".", 1)[0]

    @property
    def table(self) -> str:
        return self.name.split(".", 1)[1]

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)

    @property
    def contains_pi(self) -> bool:
        return any(c.role is not Role.NONE for c in self.columns)

    @property
    def contains_sensitive_pi(self) -> bool:
        return any(c.sensitive_pi for c in self.columns)


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str
    uscc: str
    role: str  # 数据提供单位 / 实施机构 / 运营机构


@dataclass(frozen=True)
class LevelDefaults:
    """Policy defaults for one general-data sub-level (policies/defaults.yaml)."""

    level: int
    min_k: int
    default_access_mode: AccessMode
    access_modes: frozenset[AccessMode]
    default_handling: Mapping[Role, Handling]


@dataclass(frozen=True)
class Defaults:
    levels: Mapping[int, LevelDefaults]

    def for_level(self, level: int) -> LevelDefaults:
        return self.levels[level]


@dataclass(frozen=True)
class Catalog:
    """Everything loaded from one policies/ folder.

    ``problems`` holds what went wrong while reading (syntax, schema); entries that failed their
    schema are left out of ``datasets``. Cross-field rules are run by ``rules.check_rules``.
    """

    root: str
    datasets: tuple[Dataset, ...]
    departments: Mapping[str, Department]
    defaults: Defaults
    problems: tuple[Problem, ...] = ()

    def dataset(self, name: str) -> Dataset | None:
        return next((d for d in self.datasets if d.name == name), None)
