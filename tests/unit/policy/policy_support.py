"""Shared test setup for the policy pipeline: the real catalogue, named test grants, golden files.

Golden files live in tests/fixtures/gateway/:
  <rule>.sql            entries separated by blank lines; each has ``# title:``, ``# dialect:`` and
                        ``# grant:`` lines, then the input SQL and the expected rewritten SQL, each
                        ending with a line that ends in ``;``. ``{view:schema.table}`` in the expected
                        SQL stands for that table's policy view (pinned by views.sql).
  <rule>__rejected.sql  one query per line: ``<code> [@dialect] | <sql>``; ``# grant:`` lines set the
                        grant for the lines after them; ``\\n`` in the SQL stands for a newline.
Imported as ``from policy_support import …`` (pytest puts this folder on sys.path) or as
``tests.unit.policy.policy_support``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from sandbox.catalog import load_catalog
from sandbox.catalog.model import Catalog
from sandbox.grants.claims import GrantClaims
from sandbox.policy import PolicyContext
from sandbox.policy.context import Dialect
from sandbox.policy.grantview import grant_view
from sandbox.policy.rewrite.views import policy_view

ROOT = Path(__file__).resolve().parents[3]
POLICIES = ROOT / "policies"
GOLDEN = ROOT / "tests" / "fixtures" / "gateway"
DIALECTS: tuple[Dialect, ...] = ("duckdb", "postgres")


@functools.cache
def catalog() -> Catalog:
    return load_catalog(POLICIES)


def _scenario(schema: str) -> tuple[str, ...]:
    return tuple(d.name for d in catalog().datasets if d.schema in (schema, "common"))


def make_grant(
    datasets: tuple[str, ...], *, columns: dict[str, tuple[str, ...]] | None = None, jti: str = "test-jti"
) -> GrantClaims:
    return GrantClaims(
        iss="qdn-data-bureau",
        aud="sandbox",
        sub="alice",
        iat=0,
        nbf=0,
        exp=4_000_000_000,
        jti=jti,
        enterprise="ENT-A",
        scenario=datasets[0].split(".")[0],
        datasets=datasets,
        epsilon=1.0,
        columns=columns,
    )


@functools.cache
def grants() -> dict[str, GrantClaims]:
    """Named grants the golden files refer to with ``# grant:``."""
    return {
        "tourism": make_grant(_scenario("tourism")),
        "governance": make_grant(_scenario("governance")),
        "transit": make_grant(_scenario("transit")),
        "housing_fund": make_grant(_scenario("housing_fund")),
        "tourism_open_only": make_grant(("tourism.lodging_establishment", "tourism.tour_scenic_spot")),
        "tourism_narrow": make_grant(
            ("tourism.tour_ticket_entry", "tourism.tour_scenic_spot"),
            columns={"tourism.tour_ticket_entry": ("spot_id", "visit_date", "gender", "visitor_id_no")},
        ),
    }


def context(
    grant: str, dialect: Dialect, *, row_cap: int = 10_000, row_filters: Mapping[str, str] | None = None
) -> PolicyContext:
    return PolicyContext(catalog(), grants()[grant], dialect, row_cap, row_filters or {})


def view_sql(grant: str, dataset: str, dialect: Dialect) -> str:
    table = grant_view(catalog(), grants()[grant]).table(dataset)
    assert table is not None, dataset
    return policy_view(table, dialect, None).sql(dialect=dialect, comments=False, normalize_functions="lower")


_VIEW = re.compile(r"\{view:([a-z_]+\.[a-z_]+)\}")


def expand_views(expected: str, grant: str, dialect: Dialect) -> str:
    return _VIEW.sub(lambda m: f"({view_sql(grant, m.group(1), dialect)})", expected)


def compress_views(sql: str, grant: str, dialect: Dialect) -> str:
    """The inverse of ``expand_views``, to write readable expected SQL."""
    for dataset in grant_view(catalog(), grants()[grant]).tables:
        sql = sql.replace(f"({view_sql(grant, dataset, dialect)})", f"{{view:{dataset}}}")
    return sql


@dataclass(frozen=True)
class GoldenPair:
    file: str
    title: str
    dialect: Dialect
    grant: str
    sql: str
    expected: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.title}:{self.dialect}"


@dataclass(frozen=True)
class RejectedCase:
    file: str
    line: int
    code: str
    dialect: Dialect
    grant: str
    sql: str

    @property
    def id(self) -> str:
        return f"{self.file}:{self.line}:{self.dialect}"


def _statements(lines: list[str]) -> Iterator[str]:
    buffer: list[str] = []
    for line in lines:
        buffer.append(line)
        if line.rstrip().endswith(";"):
            yield "\n".join(buffer).rstrip()[:-1].strip()
            buffer = []
    if buffer:
        raise ValueError(f"statement without a closing ';': {buffer[0]!r}")


def load_pairs(path: Path) -> list[GoldenPair]:
    pairs = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        meta = dict(line[2:].split(":", 1) for line in block.splitlines() if line.startswith("# ") and ":" in line)
        meta = {k.strip(): v.strip() for k, v in meta.items()}
        body = [line for line in block.splitlines() if not line.startswith("# ")]
        sql, expected = list(_statements(body))
        for dialect in (d.strip() for d in meta["dialect"].split(",")):
            assert dialect in DIALECTS, dialect
            pairs.append(GoldenPair(path.stem, meta["title"], dialect, meta.get("grant", "tourism"), sql, expected))
    return pairs


def load_rejected(path: Path) -> list[RejectedCase]:
    cases = []
    grant = "tourism"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("# grant:"):
            grant = line.split(":", 1)[1].strip()
        if not line.strip() or line.startswith("#"):
            continue
        head, sql = line.split(" | ", 1)
        code, _, dialect = head.strip().partition(" @")
        dialects = (dialect,) if dialect else DIALECTS
        for d in dialects:
            assert d in DIALECTS, d
            cases.append(RejectedCase(path.stem, number, code.strip(), d, grant, sql.replace("\\n", "\n")))
    return cases


def all_pairs() -> list[GoldenPair]:
    return [p for path in sorted(GOLDEN.glob("*.sql")) if "__rejected" not in path.stem for p in load_pairs(path)]


def all_rejected() -> list[RejectedCase]:
    return [c for path in sorted(GOLDEN.glob("*__rejected.sql")) for c in load_rejected(path)]
