"""Source result ids resolve to the gateway's own query records, with the ε their answers cost."""

from __future__ import annotations

from pathlib import Path

import pytest

from audit import AuditEvent, generate_signing_key, open_log
from sandbox.catalog import load_catalog
from sandbox.errors import SandboxError
from sandbox.exports.sources import resolve_sources

POLICIES = Path(__file__).resolve().parents[3] / "policies"
DP_ID, PLAIN_ID, OTHER_ID = "r-" + "a" * 32, "r-" + "b" * 32, "r-" + "c" * 32


def query_event(result_id: str, enterprise: str, dataset: str, **extra: object) -> AuditEvent:
    detail = {"result_id": result_id, "datasets": [dataset], "sql": "SELECT 1", "mode": "dp", **extra}
    return AuditEvent("query", "dev", "allowed", enterprise=enterprise, grant="g-1", detail=detail)


def test_sources_carry_the_epsilon_of_their_answer_and_other_enterprises_ids_are_unknown(tmp_path: Path) -> None:
    catalog = load_catalog(POLICIES)
    with open_log(tmp_path / "audit.db", generate_signing_key(tmp_path / "audit.key")) as log:
        log.append(query_event(DP_ID, "ent-a", "housing_fund.hpf_account", epsilon=0.5))
        log.append(query_event(PLAIN_ID, "ent-a", "tourism.lodging_checkin"))
        log.append(query_event(OTHER_ID, "ent-b", "tourism.lodging_checkin"))

        dp, plain = resolve_sources([DP_ID, PLAIN_ID], "ent-a", log, catalog)
        with pytest.raises(SandboxError):
            resolve_sources([OTHER_ID], "ent-a", log, catalog)

    assert (dp.epsilon, dp.max_level, dp.k) == (0.5, 4, 20)
    assert plain.epsilon == 0.0
