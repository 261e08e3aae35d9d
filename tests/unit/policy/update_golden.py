"""Rewrite the expected SQL of the accepted golden files from the current pipeline.

Run ``.venv/bin/python tests/unit/policy/update_golden.py`` after an intended change to the rewrite,
then review the diff: the golden files are the specification of the rewritten SQL.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from policy_support import GOLDEN, GoldenPair, compress_views, context, load_pairs, view_sql

from sandbox.policy import plan_query


def _expected(pair: GoldenPair) -> str:
    if pair.file == "views":
        return str(view_sql(pair.grant, pair.sql, pair.dialect))
    plan = plan_query(pair.sql, context(pair.grant, pair.dialect))
    return str(compress_views(plan.sql, pair.grant, pair.dialect))


def main() -> None:
    for path in sorted(GOLDEN.glob("*.sql")):
        if "__rejected" in path.stem:
            continue
        blocks = [
            f"# title: {p.title}\n# dialect: {p.dialect}\n# grant: {p.grant}\n{p.sql};\n{_expected(p)};"
            for p in load_pairs(path)
        ]
        path.write_text("\n\n".join(blocks) + "\n", encoding="utf-8")
        print(f"{path.name}: {len(blocks)} entries")


if __name__ == "__main__":
    main()
