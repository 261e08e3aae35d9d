"""The tourism, transit and governance examples each run a DP analysis on an aggregate table (DP on request)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gateway_support import Gateway, running_gateway

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
DP_SECTIONS = {
    "tourism": ("guests per county (DP on request, ε = 0.8)", "guests_ci95", "tourism.lodging_checkin"),
    "transit": ("riders per concession type (DP on request, ε = 0.6)", "riders_ci95", "transit.bus_tap"),
    "governance": ("devices per alarm type (DP on request, ε = 1.0)", "devices_ci95", "governance.fire_iot_alarm"),
}


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-dp-optin-examples"), tiny_warehouse) as running:
        yield running


@pytest.mark.parametrize("scenario", sorted(DP_SECTIONS))
def test_the_example_runs_a_dp_analysis_charged_to_the_aggregate_table(gateway: Gateway, scenario: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    env |= {"SANDBOX_GATEWAY_URL": gateway.url, "SANDBOX_TOKEN": gateway.tokens[scenario]}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{scenario}.py")], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]

    title, bound, dataset = DP_SECTIONS[scenario]
    section = result.stdout.split(f"== {title}", 1)[1].split("\n== ", 1)[0]
    assert "mode dp)" in section.splitlines()[0] and bound in section
    assert f"differential privacy on request for aggregate-mode {dataset}" in section
    rows = httpx.get(f"{gateway.url}/v1/budget", headers=gateway.headers(scenario), timeout=30).json()["datasets"]
    spent = {row["dataset"]: row["epsilon_spent"] for row in rows}
    assert spent[dataset] > 0  # the ε was charged to this grant × the aggregate dataset, shown by GET /v1/budget
