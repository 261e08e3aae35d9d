"""Attacks on intake: each gets a clear bilingual refusal naming the file or rule, and nothing is stored."""

from __future__ import annotations

import io
import pickle
import sqlite3
import zipfile
from pathlib import Path

import pytest
from airlock_support import auth, csv_of, query, submit
from gateway_support import Gateway

import audit


def stored(gateway: Gateway) -> tuple[int, int, list[str]]:
    """(requests, files, folders under exports/): what a refusal must leave unchanged."""
    db = Path(gateway.settings.state_url.removeprefix("sqlite:///"))
    with sqlite3.connect(db) as conn:
        requests = conn.execute("SELECT count(*) FROM export_requests").fetchone()[0]
        files = conn.execute("SELECT count(*) FROM export_files").fetchone()[0]
    root = gateway.settings.home / "exports"
    return requests, files, sorted(p.name for p in root.iterdir() if p.is_dir())


def zip_bytes(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


BOMB = zip_bytes(
    {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"\0" * (64 * 1024 * 1024),
    }
)

ATTACKS = {
    "unsupported type (ELF named .csv)": ("data.csv", b"\x7fELF\x02\x01\x01" + b"\0" * 200),
    "pickle renamed .json": ("model.json", pickle.dumps({"coef": [1, 2]})),
    "corrupt parquet": ("t.parquet", b"PAR1" + b"\x00garbage" * 20 + b"PAR1"),
    "corrupt xlsx": ("t.xlsx", zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"not xml <"})),
    "corrupt notebook": ("a.ipynb", b'{"cells": [ {"cell_type": "code", "source": '),
    "zip bomb": ("bomb.xlsx", BOMB),
    "path traversal": ("../../etc/passwd.csv", b"county_code,n\n522601,30\n"),
    "absolute path": ("/tmp/x.csv", b"county_code,n\n522601,30\n"),
}


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
def test_bad_files_are_refused_and_nothing_is_stored(airlock: Gateway, attack: str) -> None:
    answer = query(airlock)
    before = stored(airlock)
    name, data = ATTACKS[attack]

    response = submit(airlock, [("ok.csv", csv_of(answer)), (name, data)], [answer["result_id"]])

    assert response.status_code in (400, 413), response.text
    error = response.json()["error"]
    assert error["code"].startswith("export.") and error["message"] and error["message_zh"]
    assert "Traceback" not in response.text and "522601" not in response.text
    assert stored(airlock) == before
    with audit.open_log(airlock.settings.audit_url) as log:
        [event] = [e.event for e in log.iter_events() if e.event.correlation_id == response.headers["x-request-id"]]
    assert (event.type, event.outcome, event.detail["code"]) == ("export.request", "refused", error["code"])


def test_another_enterprises_result_ids_are_refused(airlock: Gateway) -> None:
    theirs = query(airlock, who="other")
    before = stored(airlock)

    response = submit(airlock, [("t.csv", csv_of(theirs))], [theirs["result_id"]])

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "export.unknown_source" and theirs["result_id"] in error["message"]
    assert "provenance" in error["message"] and "来源" in error["message_zh"]
    assert stored(airlock) == before


@pytest.mark.parametrize(
    ("purpose", "context", "code"),
    [(None, "ctx", "export.purpose_required"), ("p", "  ", "export.context_required")],
)
def test_a_request_needs_purpose_and_context(airlock: Gateway, purpose: str | None, context: str, code: str) -> None:
    answer = query(airlock)
    before = stored(airlock)
    response = submit(airlock, [("t.csv", csv_of(answer))], [answer["result_id"]], purpose=purpose, context=context)
    assert (response.status_code, response.json()["error"]["code"]) == (400, code)
    assert stored(airlock) == before


def test_made_up_result_ids_and_missing_tokens_are_refused(airlock: Gateway) -> None:
    forged = submit(airlock, [("t.csv", b"a,n\nx,30\n")], ["r-" + "f" * 32])
    assert forged.json()["error"]["code"] == "export.unknown_source"
    import httpx

    anonymous = httpx.post(f"{airlock.url}/v1/exports", files=[("files", ("t.csv", b"a\n"))], data={"purpose": "p"})
    assert anonymous.status_code == 401


def test_planted_pii_and_small_cells_block_the_request_with_findings(airlock: Gateway) -> None:
    answer = query(airlock)
    leak = b"county_code,contact,n\n522601,13812345678,30\n522622,13987654321,5\n"

    response = submit(airlock, [("leak.csv", leak)], [answer["result_id"]])

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["state"] == "BLOCKED"
    rules = {(f["check"], f["rule"], f["file"]) for f in body["findings"] if f["severity"] == "block"}
    assert ("cells", "table.min_cell_count", "leak.csv") in rules
    assert any(check == "pii" for check, _, _ in rules)
    assert "13812345678" not in response.text
    review = httpx_review(airlock, body["id"])
    assert (review.status_code, review.json()["error"]["code"]) == (409, "export.invalid_transition")


def httpx_review(airlock: Gateway, rid: str) -> object:
    import httpx

    return httpx.post(
        f"{airlock.url}/v1/exports/{rid}/reviews", json={"decision": "approve"}, headers=auth(airlock, "rev1")
    )


def test_an_upload_without_a_declared_length_or_over_the_limit_is_refused_before_it_is_read(airlock: Gateway) -> None:
    import httpx

    headers = auth(airlock, "tourism") | {"Content-Type": "multipart/form-data; boundary=x"}
    chunked = httpx.post(f"{airlock.url}/v1/exports", content=iter([b"--x--\r\n"]), headers=headers)
    assert (chunked.status_code, chunked.json()["error"]["code"]) == (413, "export.too_large")
