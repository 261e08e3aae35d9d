"""Export, review, report and credit pages over the real services: what enterprises, reviewers,
departments and admins see and do, and the airlock rules the pages must not bypass."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
from portal_support import Portal, csrf_of, staff_token

Browsers = Callable[[str | None], httpx.Client]
AGGREGATE_SQL = (
    "SELECT e.county_code, count(*) AS checkins FROM tourism.lodging_checkin c "
    "JOIN tourism.lodging_establishment e ON c.hotel_id = e.hotel_id GROUP BY e.county_code ORDER BY 1"
)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def submit(portal_url: str, token: str, csv_text: str | None = None) -> dict[str, object]:
    answer = httpx.post(f"{portal_url}/v1/query", json={"sql": AGGREGATE_SQL}, headers=bearer(token), timeout=60)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    if csv_text is None:
        names = [c["name"] for c in result["columns"]]
        csv_text = "\n".join([",".join(names)] + [",".join(map(str, r)) for r in result["rows"]]) + "\n"
    created = httpx.post(
        f"{portal_url}/v1/exports",
        data={"purpose": "县域住宿量分析", "context": "聚合计数", "source": [result["result_id"]]},
        files=[("files", ("by_county.csv", csv_text.encode(), "text/csv"))],
        headers=bearer(token),
        timeout=60,
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def decide(client: httpx.Client, request_id: str, **fields: str) -> httpx.Response:
    page = client.get(f"/portal/review/{request_id}")
    assert page.status_code == 200, page.text[-500:]
    turn = re.search(r'name="turn" value="(\d+)"', page.text)
    assert turn
    return client.post(
        f"/portal/review/{request_id}/decision", data={"csrf": csrf_of(page), "turn": turn.group(1), **fields}
    )


def test_a_flagged_cell_is_highlighted_where_the_check_found_it(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    created = submit(portal_url, portal_home.tokens["enterprise"], "county_code,checkins\n522601,3\n522622,250\n")
    assert created["state"] == "BLOCKED"  # a cell under k: blocked before review
    reviewer = browsers(portal_home.tokens["reviewer"])
    page = reviewer.get(f"/portal/review/{created['id']}")
    assert page.status_code == 200
    marked = re.findall(r'<mark class="finding">([^<]*)</mark>', page.text)
    assert marked == ["3"]  # row 1 of checkins, the count below k; the other count is not marked
    assert "table.min_cell_count" in page.text
    assert "您的决定" not in page.text and 'action="/portal/review/' not in page.text  # no decision on BLOCKED
    queue = reviewer.get("/portal/review", params={"state": "BLOCKED"})
    assert created["id"] in queue.text and "risk-high" in queue.text


def test_return_needs_a_comment_on_every_file_then_the_enterprise_sees_it(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    created = submit(portal_url, portal_home.tokens["enterprise"])
    rid = str(created["id"])
    reviewer = browsers(portal_home.tokens["reviewer"])
    refused = decide(reviewer, rid, decision="return", comment="请调整")
    assert refused.status_code == 400 and "export.comment_per_file" in refused.text
    returned = decide(
        reviewer, rid, decision="return", comment="请调整", **{"file_comment::by_county.csv": "请合并小县"}
    )
    assert returned.status_code == 303
    other = browsers(staff_token(portal_home.settings, "reviewer", user="reviewer-two"))
    assert decide(other, rid, decision="return", **{"file_comment::by_county.csv": "同上"}).status_code == 303
    enterprise = browsers(portal_home.tokens["enterprise"])
    listing = enterprise.get("/portal/me/exports")
    assert rid[:10] in listing.text
    mine = enterprise.get(f"/portal/me/exports/{rid}")
    assert "请合并小县" in mine.text and "reviewer-one" not in mine.text  # reviewers stay anonymous to requesters
    assert enterprise.get(f"/portal/me/exports/{rid}/bundle").status_code == 400  # nothing released


def test_a_released_bundle_downloads_for_its_enterprise_only(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    rid = str(submit(portal_url, portal_home.tokens["enterprise"])["id"])
    for user in ("reviewer-one", "reviewer-three"):
        client = browsers(staff_token(portal_home.settings, "reviewer", user=user))
        assert decide(client, rid, decision="approve", comment="同意").status_code == 303
    enterprise = browsers(portal_home.tokens["enterprise"])
    page = enterprise.get(f"/portal/me/exports/{rid}")
    assert 'data-testid="state">已发布' in page.text
    bundle = enterprise.get(f"/portal/me/exports/{rid}/bundle")
    assert bundle.status_code == 200 and bundle.content[:2] == b"PK"
    reviewer = browsers(portal_home.tokens["reviewer"])
    assert reviewer.get(f"/portal/me/exports/{rid}/bundle").status_code == 403
    page = reviewer.get(f"/portal/review/{rid}")
    assert 'name="decision"' not in page.text  # no decision form on a released request
    forced = reviewer.post(f"/portal/review/{rid}/decision", data={"csrf": csrf_of(page), "decision": "approve"})
    assert forced.status_code in (403, 409) and 'data-testid="error-code"' in forced.text  # the service refuses


def test_an_enterprise_files_its_half_yearly_report(portal_home: Portal, browsers: Browsers) -> None:
    enterprise = browsers(portal_home.tokens["enterprise"])
    form = enterprise.get("/portal/me/reports")
    assert form.status_code == 200 and 'name="incidents"' in form.text
    half = re.search(r'name="half" value="([^"]+)"', form.text)
    assert half
    data = {"csrf": csrf_of(form), "half": half.group(1), "incidents": "无", "personnel_changes": "无",
            "measures": "按季度复核访问权限"}  # fmt: skip
    sent = enterprise.post("/portal/me/reports", data=data)
    assert sent.status_code == 303
    done = enterprise.get(sent.headers["location"])
    assert 'data-testid="report-submitted"' in done.text and "按季度复核访问权限" in done.text


def test_admin_sees_overdue_reports_and_a_department_its_usage(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    admin = browsers(portal_home.tokens["admin"])
    overdue = admin.get("/portal/admin/reports")
    assert overdue.status_code == 200 and "暂未提供" not in overdue.text
    department = browsers(portal_home.tokens["department"])
    usage = department.get("/portal/dept")
    assert usage.status_code == 200 and 'id="usage-chart"' in usage.text
    assert "tourism.lodging_establishment" in usage.text  # queried by the flows above (D01 owns it)
    documents = department.get("/portal/dept/documents")
    assert documents.status_code == 200 and 'value="tourism.tour_scenic_spot"' in documents.text
    assert 'value="housing_fund.' not in documents.text  # only the department's own datasets
    forged = department.post(
        "/portal/dept/certificates",
        data={"csrf": csrf_of(documents), "dataset": "housing_fund.hpf_withdrawal", "period": "2026-11"},
    )
    assert forged.status_code == 400  # another department's dataset: refused, nothing issued


def test_a_notebook_is_shown_cell_by_cell_as_text(portal_home: Portal, portal_url: str, browsers: Browsers) -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 县域住宿 <img src=x onerror=alert(1)>"]},
            {"cell_type": "code", "metadata": {}, "execution_count": 1, "source": ["df.groupby('county').size()"],
             "outputs": [{"output_type": "execute_result", "execution_count": 1, "metadata": {},
                          "data": {"text/plain": ["county\nA    120\n"]}}]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    token = portal_home.tokens["enterprise"]
    answer = httpx.post(f"{portal_url}/v1/query", json={"sql": AGGREGATE_SQL}, headers=bearer(token), timeout=60)
    created = httpx.post(
        f"{portal_url}/v1/exports",
        data={"purpose": "方法说明", "context": "分析笔记本", "source": [answer.json()["result_id"]]},
        files=[("files", ("analysis.ipynb", json.dumps(notebook).encode(), "application/x-ipynb+json"))],
        headers=bearer(token),
        timeout=60,
    )
    assert created.status_code == 201, created.text
    page = browsers(portal_home.tokens["reviewer"]).get(f"/portal/review/{created.json()['id']}")
    assert page.status_code == 200
    cells = re.findall(r'<li class="nb-cell nb-(\w+)', page.text)
    assert cells == ["markdown", "code"]
    assert "county\nA    120" in page.text
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;" in page.text
