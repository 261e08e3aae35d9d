"""What each role does in the portal, over real HTTP against real services and the tiny warehouse."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable

import httpx
import pytest
from portal_support import Portal, csrf_of, grant_token

import audit

Browsers = Callable[[str | None], httpx.Client]
SQL = "SELECT spot_id, name FROM tourism.tour_scenic_spot"


def run_query(portal_url: str, token: str, sql: str = SQL) -> dict[str, object]:
    answer = httpx.post(f"{portal_url}/v1/query", json={"sql": sql}, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def rows_of(page: httpx.Response) -> list[str]:
    return re.findall(r'<tr class="outcome-[a-z]+">(.*?)</tr>', page.text, flags=re.S)


def test_an_auditor_finds_a_query_by_filters_and_reads_its_full_detail(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    asked = run_query(portal_url, portal_home.tokens["enterprise"])
    auditor = browsers(portal_home.tokens["auditor"])
    page = auditor.get("/portal/audit/events", params={"type": "query", "actor": "dev-tour", "enterprise": "ent-a"})
    assert page.status_code == 200
    rows = rows_of(page)
    assert rows and all('data-type="query"' in row and "dev-tour" in row for row in rows)
    seq = re.search(r'href="/portal/audit/events/(\d+)"', rows[-1])
    assert seq
    detail = auditor.get(f"/portal/audit/events/{seq.group(1)}")
    assert detail.status_code == 200
    assert str(asked["rewritten_sql"]).split()[0] in detail.text and "tourism.tour_scenic_spot" in detail.text
    nobody = auditor.get("/portal/audit/events", params={"actor": "nobody-here"})
    assert rows_of(nobody) == [] and "没有符合筛选条件的事件" in nobody.text


def test_event_pages_follow_the_cursor_without_gaps_or_repeats(portal_home: Portal, browsers: Browsers) -> None:
    auditor = browsers(portal_home.tokens["auditor"])
    for _ in range(30):  # each search is itself an audit.read event: enough for two pages and more
        assert auditor.get("/portal/audit/events", params={"limit": "25", "type": "grant.issue"}).status_code == 200
    seen: list[int] = []
    url: str | None = "/portal/audit/events?limit=25"
    while url and len(seen) < 200:
        page = auditor.get(url)
        seen += [int(s) for s in re.findall(r'<td><a href="/portal/audit/events/(\d+)">', page.text)]
        found = re.search(r'<a href="([^"]+)" rel="next"', page.text)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert len(seen) > 25
    assert seen == list(range(seen[0], seen[0] + len(seen)))  # in order, no gap, no repeat


def test_the_csv_export_holds_the_filtered_events_and_is_audited(portal_home: Portal, browsers: Browsers) -> None:
    auditor = browsers(portal_home.tokens["auditor"])
    answer = auditor.get("/portal/audit/events.csv", params={"type": "login"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    assert "attachment" in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows and {r["type"] for r in rows} == {"login"}
    with audit.open_log(portal_home.settings.audit_url) as log:
        exports = list(log.iter_events(audit.EventFilter(type="audit.export", actor="auditor-one")))
    assert exports


def test_the_integrity_page_verifies_the_live_log_and_shows_the_signed_checkpoint(
    portal_home: Portal, browsers: Browsers
) -> None:
    page = browsers(portal_home.tokens["auditor"]).get("/portal/audit/integrity")
    assert page.status_code == 200
    assert 'class="status status-ok"' in page.text and "正常：审计日志完整" in page.text
    checkpoint = re.search(r'<pre class="checkpoint" data-testid="checkpoint">(.*?)</pre>', page.text, flags=re.S)
    assert checkpoint and len(checkpoint.group(1).strip()) > 40


def test_an_admin_issues_a_grant_that_works_and_revokes_it(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    admin = browsers(portal_home.tokens["admin"])
    form = admin.get("/portal/admin/grants")
    data = {
        "csrf": csrf_of(form),
        "user": "new-dev",
        "enterprise": "ent-new",
        "scenario": "transit",
        "epsilon": "1.5",
        "days": "10",
    }
    issued = admin.post("/portal/admin/grants", data=data)
    assert issued.status_code == 201, issued.text[-800:]
    token = re.search(r'data-testid="issued-token">([^<]+)</textarea>', issued.text)
    assert token
    who = httpx.get(f"{portal_url}/v1/whoami", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert who.status_code == 200 and who.json()["enterprise"] == "ent-new" and who.json()["epsilon"] == 1.5
    jti = who.json()["grant"]
    revoke = admin.post(f"/portal/admin/grants/{jti}/revoke", data={"csrf": csrf_of(form), "reason": "test over"})
    assert revoke.status_code == 303
    after = admin.get(revoke.headers["location"])
    assert "授权已撤销" in after.text  # the flash message, shown once
    assert "授权已撤销" not in admin.get("/portal/admin/grants").text
    gone = httpx.get(f"{portal_url}/v1/whoami", headers={"Authorization": f"Bearer {token.group(1)}"})
    assert gone.status_code == 401
    with audit.open_log(portal_home.settings.audit_url) as log:
        revokes = list(log.iter_events(audit.EventFilter(type="grant.revoke")))
    assert any(e.event.target == jti for e in revokes)


def test_a_grant_the_catalogue_does_not_allow_is_refused_with_the_rule(portal_home: Portal, browsers: Browsers) -> None:
    admin = browsers(portal_home.tokens["admin"])
    form = admin.get("/portal/admin/grants")
    data = {"csrf": csrf_of(form), "user": "x-dev", "enterprise": "ent-x", "scenario": "transit",
            "datasets": "tourism.lodging_checkin"}  # fmt: skip
    refused = admin.post("/portal/admin/grants", data=data)
    assert refused.status_code == 400 and "grant.dataset_outside_scenario" in refused.text
    assert "Traceback" not in refused.text


def test_the_catalogue_shows_each_dataset_with_its_classification(portal_home: Portal, browsers: Browsers) -> None:
    admin = browsers(portal_home.tokens["admin"])
    page = admin.get("/portal/admin/catalog", params={"scenario": "tourism"})
    assert page.status_code == 200 and "tourism.lodging_checkin" in page.text
    assert "governance." not in page.text.split('data-testid="catalog"')[1]
    one = admin.get("/portal/admin/catalog/tourism.lodging_checkin")
    assert one.status_code == 200 and "guest_id_no" in one.text
    assert re.search(r"(核心|重要|一般|待认定)[^<]* · L[1-4]", one.text)  # national level and sub-level


def test_an_enterprise_sees_the_budget_a_dp_query_spent_in_english_when_asked(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    token = grant_token(portal_home.settings, user="dev-hpf", enterprise="ent-b", scenario="housing_fund")
    answer = httpx.post(
        f"{portal_url}/v1/query",
        json={"sql": "SELECT count(*) AS n FROM housing_fund.hpf_account", "epsilon": 0.5},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    enterprise = browsers(token)
    page = enterprise.get("/portal/me", params={"lang": "en"})
    assert page.status_code == 200 and 'lang="en"' in page.text and "My grants" in page.text
    chart = re.search(r'data-chart="([^"]+)"', page.text)
    assert chart
    spec = json.loads(html.unescape(chart.group(1)))
    spent = dict(zip(spec["labels"], spec["series"][0]["values"], strict=True))
    assert set(spent) <= {n for n in spent if n.startswith("housing_fund.")}  # only dp datasets are charted
    assert spent["housing_fund.hpf_account"] == pytest.approx(0.5)
    again = enterprise.get("/portal/me")  # the choice is remembered in a cookie
    assert "My grants" in again.text
    assert "我的授权" in enterprise.get("/portal/me", params={"lang": "zh_CN"}).text


def test_a_grant_without_dp_datasets_shows_no_budget_chart(portal_home: Portal, browsers: Browsers) -> None:
    page = browsers(portal_home.tokens["enterprise"]).get("/portal/me")  # tourism: no dp dataset
    assert page.status_code == 200 and "data-chart=" not in page.text and "尚未消耗隐私预算" in page.text


def test_a_dp_query_on_request_puts_the_aggregate_dataset_on_the_budget_chart(
    portal_home: Portal, portal_url: str, browsers: Browsers
) -> None:
    token = grant_token(portal_home.settings, user="dev-optin", enterprise="ent-c", scenario="tourism")
    answer = httpx.post(
        f"{portal_url}/v1/query",
        json={"sql": "SELECT count(*) AS n FROM tourism.lodging_checkin", "epsilon": 0.25},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert answer.status_code == 200, answer.text
    page = browsers(token).get("/portal/me")
    chart = re.search(r'data-chart="([^"]+)"', page.text)
    assert chart
    spec = json.loads(html.unescape(chart.group(1)))
    assert dict(zip(spec["labels"], spec["series"][0]["values"], strict=True)) == {
        "tourism.lodging_checkin": pytest.approx(0.25)
    }


def test_the_catalogue_pages_through_every_dataset_once(portal_home: Portal, browsers: Browsers) -> None:
    admin = browsers(portal_home.tokens["admin"])
    seen: list[str] = []
    for number in range(1, 10):
        page = admin.get("/portal/admin/catalog", params={"page": str(number)})
        names = re.findall(r'<a href="/portal/admin/catalog/([a-z_.]+)">', page.text)
        if not names or (seen and names[0] in seen):
            break
        seen += names
        assert len(names) <= 25
    assert len(seen) == len(set(seen)) > 25  # more than one page, no dataset twice
    assert admin.get("/portal/admin/catalog", params={"page": "999"}).status_code == 200  # clamped, not an error
