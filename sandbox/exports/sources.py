"""Source result ids → the gateway queries that produced them, read from the audit log.

Only an ``allowed`` ``query`` event recorded by the gateway for the requester's own enterprise counts:
an id that is unknown, refused, or another enterprise's gets the same refusal (no existence oracle).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

import audit
from sandbox.catalog import Catalog
from sandbox.exports.errors import rejected
from sandbox.exports.model import SourceQuery

RESULT_ID_RE = re.compile(r"^r-[0-9a-f]{32}$")
MAX_SOURCES = 50
DEFAULT_K = 10
L4_K = 20


def resolve_sources(
    result_ids: Sequence[str], enterprise: str, log: audit.SequencedLog, catalog: Catalog
) -> tuple[SourceQuery, ...]:
    wanted = list(dict.fromkeys(result_ids))
    if len(wanted) > MAX_SOURCES:
        raise rejected(
            "too_many_sources",
            f"An export may cite at most {MAX_SOURCES} source result ids (rule: provenance).",
            f"一个导出申请最多引用 {MAX_SOURCES} 个来源结果编号（规则：来源）。",
        )
    for rid in wanted:
        if not RESULT_ID_RE.match(rid):
            raise _unknown(rid)
    found: dict[str, SourceQuery] = {}
    events: Iterable[audit.LoggedEvent] = log.iter_events(audit.EventFilter(type="query", enterprise=enterprise))
    want = set(wanted)
    for item in events:
        event = item.event
        cited = event.detail.get("result_id")
        if cited in want and event.outcome == "allowed" and event.enterprise == enterprise and cited not in found:
            found[str(cited)] = _source(item, catalog)
            if len(found) == len(want):
                break
    for rid in wanted:
        if rid not in found:
            raise _unknown(rid)
    return tuple(found[rid] for rid in wanted)


def _source(item: audit.LoggedEvent, catalog: Catalog) -> SourceQuery:
    event = item.event
    detail = event.detail
    datasets = tuple(str(d) for d in detail.get("datasets", ()))
    levels, ks = [0], [DEFAULT_K]
    for name in datasets:
        dataset = catalog.dataset(name)
        # A dataset no longer in the catalogue is treated as the strictest level (fail closed).
        level = dataset.level if dataset is not None else 4
        levels.append(level)
        ks.append(max(dataset.k or DEFAULT_K if dataset else L4_K, L4_K if level >= 4 else DEFAULT_K))
    return SourceQuery(
        result_id=str(detail["result_id"]),
        seq=item.seq,
        enterprise=str(event.enterprise),
        grant=str(event.grant),
        sql=str(detail.get("sql", "")),
        rewritten_sql=str(detail.get("rewritten_sql", "")),
        datasets=datasets,
        columns=tuple(str(c) for c in detail.get("columns", ())),
        mode=str(detail.get("mode", "")),
        max_level=max(levels),
        k=max(ks),
        epsilon=float(detail.get("epsilon") or 0.0),
    )


def _unknown(rid: str) -> Exception:
    shown = rid if RESULT_ID_RE.match(rid) else "(malformed id)"
    return rejected(
        "unknown_source",
        f"Source result id {shown} is not a gateway query result of your enterprise (rule: provenance).",
        f"来源结果编号 {shown} 不是本企业经网关查询得到的结果（规则：来源）。",
    )
