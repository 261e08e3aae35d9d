"""The portal in a real browser (Debian's chromium driven by Playwright) against a real uvicorn server
over the tiny warehouse: an auditor, an enterprise refused the staff pages, two reviewers releasing a
request, a department downloading a certificate that verifies. A screenshot of each role's main page
goes to tests/artifacts/."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sandbox.credits.operator import verify_certificate
from tests.integration.portal.portal_support import (
    grant_token,
    make_home,
    portal_server,
    staff_token,
)

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("SANDBOX_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
AGGREGATE_SQL = (
    "SELECT e.county_code, count(*) AS checkins FROM tourism.lodging_checkin c "
    "JOIN tourism.lodging_establishment e ON c.hotel_id = e.hotel_id GROUP BY e.county_code ORDER BY 1"
)

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (scripts/ensure-chromium.sh)")


class Site:
    def __init__(self, url: str, tokens: dict[str, str], settings: Any) -> None:
        self.url, self.tokens, self.settings = url, tokens, settings


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Site]:
    settings = make_home(tmp_path_factory.mktemp("portal-e2e"), tiny_warehouse)
    tokens = {
        "enterprise": grant_token(settings, user="dev-tour", enterprise="ent-a"),
        "enterprise_dp": grant_token(settings, user="dev-hpf", enterprise="ent-b", scenario="housing_fund"),
        "auditor": staff_token(settings, "auditor", user="aud-one"),
        "admin": staff_token(settings, "admin", user="adm-one"),
        "reviewer": staff_token(settings, "reviewer", user="rev-one"),
        "reviewer2": staff_token(settings, "reviewer", user="rev-two"),
        "department": staff_token(settings, "department", user="dept-one", department="D01"),
    }
    with portal_server(settings) as url:
        yield Site(url, tokens, settings)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()


@pytest.fixture
def new_page(chromium: Any) -> Iterator[Any]:
    contexts = []

    def make() -> Any:
        context = chromium.new_context(accept_downloads=True, locale="zh-CN", viewport={"width": 1280, "height": 900})
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


def sign_in(page: Any, site: Site, who: str) -> None:
    page.goto(f"{site.url}/portal/")
    page.get_by_label("数据局签发的令牌").fill(site.tokens[who])
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state("domcontentloaded")


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"portal-{name}.png"), full_page=True)


def bearer(site: Site, who: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site.tokens[who]}"}


def test_an_auditor_filters_events_and_sees_the_log_intact(site: Site, new_page: Any) -> None:
    answer = httpx.post(f"{site.url}/v1/query", json={"sql": "SELECT count(*) FROM tourism.tour_scenic_spot"},
                        headers=bearer(site, "enterprise"), timeout=60)  # fmt: skip
    assert answer.status_code == 200, answer.text
    page = new_page()
    sign_in(page, site, "auditor")
    assert page.url.endswith("/portal/audit/events")
    page.get_by_label("用户").fill("dev-tour")
    page.get_by_label("事件类型").select_option("query")
    page.get_by_role("button", name="检索").click()
    rows = page.locator('[data-testid="events"] tbody tr')
    assert rows.count() >= 1
    assert set(rows.locator("td[data-type]").evaluate_all("cells => cells.map(c => c.dataset.type)")) == {"query"}
    shot(page, "auditor")
    page.get_by_role("link", name="完整性").click()
    assert page.get_by_test_id("integrity-state").inner_text() == "正常：审计日志完整"
    assert len(page.get_by_test_id("checkpoint").inner_text()) > 40


def test_an_enterprise_user_is_refused_the_staff_pages(site: Site, new_page: Any) -> None:
    page = new_page()
    sign_in(page, site, "enterprise_dp")
    assert page.url.endswith("/portal/me")
    page.wait_for_selector("#budget-chart[data-drawn='true']")  # the vendored Chart.js ran under the CSP
    shot(page, "enterprise")
    for path in ("/portal/audit/events", "/portal/admin/grants", "/portal/review", "/portal/dept"):
        response = page.goto(f"{site.url}{path}")
        assert response is not None and response.status == 403, path
        assert page.get_by_test_id("error-code").inner_text() == "portal.forbidden"
    assert [link.get_attribute("href") for link in page.locator("nav.main a").all()] == [
        "/portal/me", "/portal/me/exports", "/portal/me/reports"
    ]  # fmt: skip


def submit_export(site: Site) -> str:
    answer = httpx.post(f"{site.url}/v1/query", json={"sql": AGGREGATE_SQL}, headers=bearer(site, "enterprise"),
                        timeout=60).json()  # fmt: skip
    names = [c["name"] for c in answer["columns"]]
    text = "\n".join([",".join(names)] + [",".join(str(v) for v in row) for row in answer["rows"]]) + "\n"
    data = {"purpose": "县域住宿量分析", "context": "每县入住人次（聚合）", "source": [answer["result_id"]]}
    files = [("files", ("by_county.csv", text.encode(), "text/csv"))]
    created = httpx.post(f"{site.url}/v1/exports", data=data, files=files, headers=bearer(site, "enterprise"),
                         timeout=60)  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["state"] == "AWAITING_REVIEW" and body["required_reviews"] == 2, body
    return str(body["id"])


def approve(page: Any, site: Site, request_id: str) -> None:
    page.goto(f"{site.url}/portal/review")
    page.locator(f'tr[data-request="{request_id}"] a').click()
    page.get_by_label("批准").check()
    page.get_by_label("意见", exact=True).fill("计数均达标，同意导出")
    page.get_by_role("button", name="提交决定").click()
    page.wait_for_load_state("domcontentloaded")


def test_two_reviewers_approve_blind_and_the_request_is_released(site: Site, new_page: Any) -> None:
    request_id = submit_export(site)
    first, second = new_page(), new_page()
    sign_in(first, site, "reviewer")
    assert first.url.endswith("/portal/review")
    approve(first, site, request_id)
    assert first.get_by_test_id("state").inner_text() == "待审核"
    assert first.get_by_test_id("blind").is_visible()
    shot(first, "reviewer")

    sign_in(second, site, "reviewer2")
    second.goto(f"{site.url}/portal/review/{request_id}")
    assert "rev-one" not in second.locator("main").inner_text()  # the first decision stays hidden
    assert second.locator("section.file table.stats tbody tr").count() == 2  # county_code, checkins
    assert "lodging_checkin" in second.locator("section.source pre").last.inner_text()  # the rewritten SQL
    approve(second, site, request_id)
    assert second.get_by_test_id("state").inner_text() == "已发布"
    reviews = second.get_by_test_id("reviews").inner_text()
    assert "rev-one" in reviews and "rev-two" in reviews  # both shown once both are in


def test_a_department_downloads_a_certificate_that_verifies(site: Site, new_page: Any, tmp_path: Path) -> None:
    page = new_page()
    sign_in(page, site, "department")
    assert page.url.endswith("/portal/dept")
    shot(page, "department")
    page.get_by_role("link", name="结算单与凭证").click()
    page.get_by_label("数据集").select_option("tourism.tour_scenic_spot")
    with page.expect_download() as waiting:
        page.get_by_role("button", name="下载凭证").click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)
    payload = verify_certificate(saved, site.settings.public_key_path)
    assert payload["department"]["code"] == "D01" and payload["dataset"]["name"] == "tourism.tour_scenic_spot"
    tampered = tmp_path / "tampered.jws"
    head, body, sig = saved.read_text().strip().split(".")
    tampered.write_text(f"{head}.{body}.{sig[:-4]}AAAA")
    with pytest.raises(Exception, match="signature"):
        verify_certificate(tampered, site.settings.public_key_path)


def test_an_admin_sees_grants_and_the_catalogue(site: Site, new_page: Any) -> None:
    page = new_page()
    sign_in(page, site, "admin")
    assert page.url.endswith("/portal/admin/grants")
    assert page.locator('[data-testid="grants"] tbody tr').count() >= 1
    shot(page, "admin")
    page.get_by_role("link", name="数据目录").click()
    assert page.locator('[data-testid="catalog"] tbody tr').count() >= 20
