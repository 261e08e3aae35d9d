"""Every syntax node is on the allowlist; tables are plain names, not functions, paths or samples."""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions.datatypes import DType

from sandbox.policy.errors import shown, violation
from sandbox.policy.nodes import ALLOWED_NODES, DATA_TYPES, TIME_UNITS
from sandbox.policy.rules.base import Rule, RuleContext

_TABLE_EXTRAS = ("sample", "pivots", "laterals", "joins", "hints", "version", "when", "changes", "format")
_STAR_EXTRAS = ("replace", "rename")
# Function-shaped constructs that are not functions of their arguments: COLUMNS() selects columns by
# pattern (its lineage is invisible), table-valued functions produce rows.
_REFUSED_FUNCTIONS = (exp.Columns, exp.UDTF)


def check(tree: exp.Expr, rc: RuleContext) -> None:
    for node in tree.walk():
        if isinstance(node, exp.Table):
            _check_table(node)
        elif isinstance(node, exp.Star) and any(node.args.get(a) for a in _STAR_EXTRAS):
            raise _refuse(node, "* REPLACE / * RENAME")
        elif isinstance(node, exp.With) and node.args.get("recursive"):
            raise _refuse(node, "WITH RECURSIVE")
        elif isinstance(node, _REFUSED_FUNCTIONS) and not isinstance(node, exp.Values):
            raise _refuse(node, _label(node))
        elif isinstance(node, exp.Var) and node.name.upper().removesuffix("S") not in TIME_UNITS:
            raise _refuse(node, "a bare word that is not a time unit")
        elif isinstance(node, exp.DataType) and node.this not in DATA_TYPES:
            raise _refuse(node, f"the type {_type_name(node)}")
        elif type(node) not in ALLOWED_NODES and not _is_function(node):
            raise _refuse(node, _label(node))


def _is_function(node: exp.Expr) -> bool:
    return isinstance(node, exp.Func) and not isinstance(node, exp.UDTF)


def _check_table(table: exp.Table) -> None:
    if not isinstance(table.this, exp.Identifier):
        raise _refuse(table, "a table function or expression used as a table")
    if any(table.args.get(a) for a in _TABLE_EXTRAS):
        raise _refuse(table, "a table sample, pivot or time-travel clause")
    alias = table.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.columns:
        # Positional renaming of a table's columns could name columns the policy view adds.
        raise _refuse(table, "a column list in a table alias (rename columns in a subquery instead)")


def _type_name(node: exp.DataType) -> str:
    kind = node.this
    return kind.value if isinstance(kind, DType) else shown(str(kind))


def _label(node: exp.Expr) -> str:
    return type(node).__name__.upper()


def _refuse(node: exp.Expr, what: str) -> Exception:
    return violation(
        "node_allowlist",
        f"This SQL construct is not supported by the gateway: {what}.",
        f"网关不支持此 SQL 结构：{what}。",
        node,
    )


RULE = Rule("node_allowlist", "parsed", check)
