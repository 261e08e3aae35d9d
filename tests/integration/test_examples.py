"""The examples/ scripts, each run as a user would, against a real gateway with a grant for its scenario."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from gateway_support import SCENARIOS, Gateway, running_gateway

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def gateway(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-examples"), tiny_warehouse) as running:
        yield running


def run_example(gateway: Gateway, scenario: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    env |= {"SANDBOX_GATEWAY_URL": gateway.url, "SANDBOX_TOKEN": gateway.tokens[scenario]}
    command = [sys.executable, str(EXAMPLES / f"{scenario}.py")]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=120)


def test_there_is_one_example_per_scenario() -> None:
    assert {p.stem for p in EXAMPLES.glob("*.py")} >= set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_example_runs_its_analysis_through_the_gateway(gateway: Gateway, scenario: str) -> None:
    result = run_example(gateway, scenario)

    assert result.returncode == 0, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    sections = [line for line in result.stdout.splitlines() if line.startswith("== ")]
    assert len(sections) >= 3, result.stdout


def test_the_housing_fund_example_runs_dp_analyses_a_dp_model_and_meets_the_budget(gateway: Gateway) -> None:
    result = run_example(gateway, "housing_fund")

    assert result.returncode == 0, result.stderr[-3000:]
    assert "deposit base by gender (DP, ε = 0.5)" in result.stdout and "avg_base_ci95" in result.stdout
    assert "cached True" in result.stdout
    assert "DP linear model" in result.stdout
    assert "budget.exhausted" in result.stdout and "隐私预算不足" in result.stdout
    assert "fund coverage by industry" in result.stdout
