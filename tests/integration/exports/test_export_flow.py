"""The full airlock loop over real HTTP: query → request → checks → two blind reviews → release → download →
offline verification; tampering and revocation make verification fail; every step is in the audit log."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from airlock_support import AGGREGATE_SQL, auth, csv_of, get, query, review, submit
from click.testing import CliRunner
from gateway_support import Gateway

import audit
from sandbox.cli import cli
from sandbox.client import Client, connect


def verify_cli(gateway: Gateway, bundle: Path) -> tuple[int, str]:
    env = {"SANDBOX_HOME": str(gateway.settings.home), "SANDBOX_WAREHOUSE": gateway.settings.warehouse}
    result = CliRunner().invoke(cli, ["bundle", "verify", str(bundle)], env=env)
    return result.exit_code, result.output


def events(gateway: Gateway, request_id: str) -> list[audit.AuditEvent]:
    with audit.open_log(gateway.settings.audit_url) as log:
        return [e.event for e in log.iter_events() if e.event.target == request_id]


def tamper(bundle: Path, member: str, content: bytes) -> Path:
    out = io.BytesIO()
    with zipfile.ZipFile(bundle) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info))
    target = bundle.with_name("tampered.zip")
    target.write_bytes(out.getvalue())
    return target


def test_the_full_loop_from_notebook_to_a_verified_bundle(airlock: Gateway, tmp_path: Path) -> None:
    with connect(airlock.url, airlock.tokens["tourism"]) as db:
        loop(airlock, db, tmp_path)


def loop(airlock: Gateway, db: Client, tmp_path: Path) -> None:
    frame = db.sql(AGGREGATE_SQL)
    frame.to_csv(tmp_path / "by_county.csv", index=False)

    created = db.request_export(
        [tmp_path / "by_county.csv"], purpose="县域住宿量分析", context="每县入住人次（聚合，k≥20）", source=[frame]
    )

    rid = created["id"]
    assert created["state"] == "AWAITING_REVIEW", created["findings"]
    assert created["required_reviews"] == 2  # the source is L4
    assert created["source_result_ids"] == [frame.attrs["result_id"]]
    [frozen] = created["files"]
    assert frozen["name"] == "by_county.csv" and len(frozen["sha256"]) == 64
    stored = airlock.settings.home / "exports" / rid / frozen["sha256"]
    assert stored.read_bytes() == (tmp_path / "by_county.csv").read_bytes()

    listed = get(airlock, "", "rev1", state="AWAITING_REVIEW").json()["exports"]
    mine = next(e for e in listed if e["id"] == rid)
    assert mine["sources"][0]["rewritten_sql"] and mine["max_level"] == 4
    assert get(airlock, f"/{rid}/files/by_county.csv", "rev1").content == stored.read_bytes()

    first = review(airlock, rid, "rev1", "approve", comment="计数均≥20", turn=1)
    assert first.status_code == 200, first.text
    assert first.json()["state"] == "AWAITING_REVIEW" and first.json()["reviews_pending"] == 1

    # Blind: the second reviewer and the requester do not see the first decision yet.
    assert get(airlock, f"/{rid}", "rev2").json()["reviews"] == []
    assert get(airlock, f"/{rid}", "tourism").json()["reviews"] == []

    second = review(airlock, rid, "rev2", "approve", comment="同意", turn=1)
    assert second.status_code == 200, second.text
    done = second.json()
    assert done["state"] == "RELEASED" and {r["reviewer"] for r in done["reviews"]} == {"rev-one", "rev-two"}

    assert get(airlock, f"/{rid}/bundle", "rev1").status_code == 403  # only the requester downloads
    assert get(airlock, f"/{rid}/bundle", "other").status_code == 404  # another enterprise: no such request
    path = db.download(rid, tmp_path)
    assert [e["state"] for e in db.exports() if e["id"] == rid] == ["RELEASED"]

    code, output = verify_cli(airlock, path)
    assert code == 0, output
    assert "verified" in output and "校验通过" in output
    with zipfile.ZipFile(path) as zf:
        assert pd.read_csv(zf.open("files/by_county.csv")).equals(pd.read_csv(tmp_path / "by_county.csv"))

    code, output = verify_cli(airlock, tamper(path, "files/by_county.csv", b"county_code,checkins\n522601,3\n"))
    assert code == 1 and "bundle.hash_mismatch" in output and "FAILED" in output

    revoked = httpx_post(airlock, f"/{rid}/revoke", "admin", {"reason": "源数据更正"})
    assert revoked.status_code == 200 and revoked.json()["state"] == "REVOKED"
    code, output = verify_cli(airlock, path)
    assert code == 1 and "bundle.revoked" in output
    public = get(airlock, "/revocations", "tourism").json()
    assert [e["request_id"] for e in public["revocations"]["entries"]] == [rid]

    kinds = [e.type for e in events(airlock, rid)]
    for needed in (
        "export.request",
        "export.check",
        "export.review",
        "export.release",
        "export.download",
        "export.revoke",
    ):
        assert needed in kinds
    [release] = [e for e in events(airlock, rid) if e.type == "export.release"]
    assert release.enterprise == "ent-test" and release.detail["source_result_ids"] == [frame.attrs["result_id"]]
    assert release.detail["datasets"] == ["tourism.lodging_checkin", "tourism.lodging_establishment"]
    assert release.detail["files"] == [{"name": "by_county.csv", "sha256": frozen["sha256"]}]


def httpx_post(gateway: Gateway, path: str, who: str, body: dict[str, object]) -> object:
    import httpx

    return httpx.post(f"{gateway.url}/v1/exports{path}", json=body, headers=auth(gateway, who), timeout=60)


def test_self_review_and_same_enterprise_reviewers_are_refused(airlock: Gateway) -> None:
    answer = query(airlock)
    rid = submit(airlock, [("t.csv", csv_of(answer))], [answer["result_id"]]).json()["id"]

    own = review(airlock, rid, "self", "approve")
    insider = review(airlock, rid, "insider", "approve")
    enterprise_user = review(airlock, rid, "tourism", "approve")

    assert (own.status_code, own.json()["error"]["code"]) == (403, "export.self_review")
    assert (insider.status_code, insider.json()["error"]["code"]) == (403, "export.same_enterprise")
    assert (enterprise_user.status_code, enterprise_user.json()["error"]["code"]) == (403, "export.reviewer_only")
    assert get(airlock, f"/{rid}", "rev1").json()["reviews"] == []
    again = review(airlock, rid, "rev1", "approve")
    assert again.status_code == 200
    twice = review(airlock, rid, "rev1", "approve")
    assert (twice.status_code, twice.json()["error"]["code"]) == (403, "export.already_reviewed")


def test_return_needs_a_comment_per_file_and_a_changed_file_resets_the_reviews(airlock: Gateway) -> None:
    answer = query(airlock)
    files = [("t.csv", csv_of(answer)), ("notes.md", "# 说明\n按县汇总。\n".encode())]
    rid = submit(airlock, files, [answer["result_id"]]).json()["id"]
    assert review(airlock, rid, "rev1", "approve").status_code == 200

    partial = review(airlock, rid, "rev2", "return", file_comments={"t.csv": "请四舍五入到 5"})
    assert (partial.status_code, partial.json()["error"]["code"]) == (400, "export.comment_per_file")
    returned = review(airlock, rid, "rev2", "return", file_comments={"t.csv": "请四舍五入到 5", "notes.md": "补充口径"})
    assert returned.json()["state"] == "RETURNED"
    seen = get(airlock, f"/{rid}", "tourism").json()
    assert {r["decision"] for r in seen["reviews"]} == {"approve", "return"}
    assert all("reviewer" not in r for r in seen["reviews"])  # the requester does not learn who

    changed = [("t.csv", csv_of(answer).replace(b"\n", b"\r\n")), files[1]]
    parts = [("files", (n, c, "text/csv")) for n, c in changed]
    import httpx

    again = httpx.post(
        f"{airlock.url}/v1/exports/{rid}/files",
        files=parts,
        data={"context": "已调整"},
        headers=auth(airlock, "tourism"),
    )
    assert again.status_code == 200, again.text
    body = again.json()
    assert (body["state"], body["turn"]) == ("AWAITING_REVIEW", 2)
    assert get(airlock, f"/{rid}", "rev1").json()["reviews_pending"] == 2  # the turn-1 approval no longer counts
    stale = review(airlock, rid, "rev1", "approve", turn=1)
    assert (stale.status_code, stale.json()["error"]["code"]) == (400, "export.stale_turn")

    assert review(airlock, rid, "rev1", "reject", comment="口径不符").status_code == 200
    final = review(airlock, rid, "rev2", "approve")
    assert final.json()["state"] == "REJECTED"  # the strictest decision wins
    late = httpx.post(f"{airlock.url}/v1/exports/{rid}/files", files=parts, headers=auth(airlock, "tourism"))
    assert (late.status_code, late.json()["error"]["code"]) == (409, "export.invalid_transition")


@pytest.mark.parametrize("who", ["rev1", "admin"])
def test_reviewers_cannot_request_exports(airlock: Gateway, who: str) -> None:
    response = submit(airlock, [("t.csv", b"a,n\nx,10\n")], [], who=who)
    assert (response.status_code, response.json()["error"]["code"]) == (403, "export.requester_only")


def test_a_table_that_differs_from_an_earlier_release_by_fewer_than_k_is_flagged(airlock: Gateway) -> None:
    answer = query(airlock)
    first = submit(airlock, [("all.csv", csv_of(answer))], [answer["result_id"]]).json()
    for who in ("rev1", "rev2"):
        assert review(airlock, first["id"], who, "approve").status_code == 200
    assert get(airlock, f"/{first['id']}", "tourism").json()["state"] == "RELEASED"

    rows = [list(row) for row in answer["rows"]]
    rows[0][1] -= 3  # "everyone but three guests" in the first county: the three are isolated by subtraction
    again = {"columns": answer["columns"], "rows": rows}
    second = submit(airlock, [("all_but.csv", csv_of(again))], [answer["result_id"]]).json()

    flagged = [f for f in second["findings"] if f["rule"] == "table.differencing"]
    assert second["state"] == "AWAITING_REVIEW" and second["required_reviews"] == 2
    # Flagged against this release (and any earlier release of the same figures to ent-test in this session).
    assert flagged and {(f["file"], f["severity"]) for f in flagged} == {("all_but.csv", "review")}
    [mine] = [f for f in flagged if first["id"] in f["message_en"]]
    assert mine["location"] == "column checkins by county_code"


def test_a_clean_request_from_level_2_data_needs_one_reviewer(airlock: Gateway) -> None:
    sql = "SELECT year(date) AS year, count(*) AS n FROM tourism.catering_sales_daily GROUP BY 1 ORDER BY 1"
    answer = query(airlock, sql)
    created = submit(airlock, [("per_year.csv", csv_of(answer))], [answer["result_id"]]).json()

    assert (created["state"], created["required_reviews"], created["findings"]) == ("AWAITING_REVIEW", 1, [])
    released = review(airlock, created["id"], "rev2", "approve")
    assert released.json()["state"] == "RELEASED"
