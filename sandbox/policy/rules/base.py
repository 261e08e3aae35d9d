"""The rule contract: a pure check over the tree and a context, raising PolicyViolation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from sqlglot import exp

from sandbox.catalog.model import STRICTNESS, AccessMode, Column, Role
from sandbox.policy.context import PolicyContext
from sandbox.policy.grantview import GrantedTable, GrantView
from sandbox.policy.lineage import Analysis, Lineage
from sandbox.policy.tables import dataset_name

Stage = Literal["parsed", "qualified"]


@dataclass(frozen=True)
class RuleContext:
    """What rules may read. ``analysis`` is set for rules of the ``qualified`` stage."""

    policy: PolicyContext
    view: GrantView
    tables: tuple[exp.Table, ...]  # base-table references of the parsed tree
    analysis: Analysis | None = None

    @property
    def datasets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(dataset_name(t) for t in self.tables))

    @property
    def mode(self) -> AccessMode:
        """Strictest access mode over every table the query reads (open for a table-less query)."""
        modes = [t.mode for t in (self.view.table(d) for d in self.datasets) if t is not None]
        return max(modes, key=STRICTNESS.index, default=AccessMode.OPEN)

    def require_analysis(self) -> Analysis:
        if self.analysis is None:  # a rule placed in the wrong stage: a programming error
            raise RuntimeError("this rule needs the qualified tree")
        return self.analysis

    def base_column(self, qualified: str) -> tuple[GrantedTable, Column] | None:
        dataset, _, name = qualified.rpartition(".")
        table = self.view.table(dataset)
        column = table.column(name) if table is not None else None
        return (table, column) if table is not None and column is not None else None

    def with_role(self, lineage: Lineage, roles: frozenset[Role]) -> tuple[str, ...]:
        """The base columns of ``lineage`` whose role is one of ``roles``, sorted."""
        found = []
        for qualified in lineage:
            hit = self.base_column(qualified)
            if hit is not None and hit[1].role in roles:
                found.append(qualified)
        return tuple(sorted(found))


class RuleCheck(Protocol):
    def __call__(self, tree: exp.Expr, rc: RuleContext) -> None: ...


@dataclass(frozen=True)
class Rule:
    name: str
    stage: Stage
    check: RuleCheck


def split_column(qualified: str) -> tuple[str, str]:
    dataset, _, column = qualified.rpartition(".")
    return dataset, column
