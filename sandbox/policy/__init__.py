"""The SQL policy pipeline (pure core; the only package that imports sqlglot).

    plan_query(sql, PolicyContext(catalog, grant, dialect, row_cap=10_000, row_filters={})) -> QueryPlan
        raises PolicyViolation (code "policy.<rule>") when the query is refused.

Stages (pipeline.py): parse one statement in the dialect → ``parsed`` rules (statement, node and
function allowlists, tables from the grant, access modes, timing/overflow oracles) → qualify against
the grant's visible schema → lineage of every column in every clause → ``qualified`` rules (columns,
aggregate shape, grouping keys, raw-value aggregates, casts) → rewrite → SQL regenerated from the tree.

Rewritten SQL shapes other components rely on:
  * each base table becomes its policy view, same alias:
        FROM (SELECT "c1" AS "c1", sandbox_hash("id_no") AS "id_no", ... FROM "schema"."table"
              [WHERE <row filter>]) AS "alias"
    ``sandbox_hash(<column>)`` is an unqualified one-argument call the executor must provide;
  * an aggregate-mode view also projects the raw privacy unit as ``"__sandbox_unit"``, read only by the
    threshold, which is AND-ed into the HAVING of every outermost SELECT that reads the table:
        HAVING [(<user having>) AND] count(DISTINCT "alias"."__sandbox_unit") >= <k>
  * aggregate mode: risky casts become TRY_CAST (DuckDB), data-dependent divisors NULLIF(d, 0);
  * masked mode: the root LIMIT is clamped to the row cap;
  * dp mode (sandbox.policy.dp): the plan carries ``dp`` (a DpSpec) and SQL returning, per group, the keys as
    "__dp_k<i>", the distinct units "__dp_units" and true statistics over clamped values after per-unit
    contribution bounding (see dp/rewrite.py); no noise: the caller releases with sandbox.privacy.release.
    ``PolicyContext.dp_rows`` plans training input instead (``plan.rows``: one row per unit, never released).
"""

from sandbox.policy.context import Dialect, PolicyContext
from sandbox.policy.errors import PolicyViolation
from sandbox.policy.pipeline import plan_query
from sandbox.policy.plan import OutputColumn, QueryPlan

__all__ = ["Dialect", "OutputColumn", "PolicyContext", "PolicyViolation", "QueryPlan", "plan_query"]
