"""`sandbox serve` hands every service it opened to the app: exports and credits answer, not 503."""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx

from sandbox.gateway import create_app
from sandbox.grants.bootstrap import grant_service
from sandbox.queries.bootstrap import open_gateway_services
from tests.integration.gateway_support import issue, make_home, serve


def test_services_opened_by_the_caller_serve_exports_and_credits(tmp_path: Path, tiny_warehouse: Path) -> None:
    settings = make_home(tmp_path / "home", Path(shutil.copy(tiny_warehouse, tmp_path / "warehouse.duckdb")))
    grant, _ = issue(settings, "dev-tour", "tourism")
    with grant_service(settings) as grants:
        admin = grants.issue_staff_token(user="admin-1", role="admin").token

    with open_gateway_services(settings) as services, serve(create_app(settings, services=services)) as url:
        exports = httpx.get(f"{url}/v1/exports", headers={"Authorization": f"Bearer {grant}"})
        credit_page = httpx.get(f"{url}/v1/credits", headers={"Authorization": f"Bearer {admin}"})

    assert exports.status_code == 200, exports.text
    assert credit_page.status_code == 200, credit_page.text
