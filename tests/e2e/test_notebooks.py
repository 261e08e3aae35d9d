"""The example notebooks, run headless with nbclient against a real gateway, one grant per scenario."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sandbox.settings import Settings
from tests.e2e.hub_support import issue_grant, make_home, running_gateway

NOTEBOOKS = Path(__file__).resolve().parents[2] / "examples" / "notebooks"
SCENARIOS = ("tourism", "governance", "transit", "housing_fund")


@pytest.fixture(scope="module")
def gateway(tiny_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Settings]]:
    settings = make_home(tmp_path_factory.mktemp("nb-home"), tiny_warehouse)
    with running_gateway(settings) as url:
        yield url, settings


def test_there_is_one_notebook_per_scenario() -> None:
    assert {path.stem for path in NOTEBOOKS.glob("*.ipynb")} == set(SCENARIOS)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_the_notebook_runs_through_the_gateway(
    gateway: tuple[str, Settings], scenario: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    url, settings = gateway
    token, _ = issue_grant(settings, f"nb-{scenario.replace('_', '-')}", scenario=scenario)
    monkeypatch.setenv("SANDBOX_GATEWAY_URL", url)
    monkeypatch.setenv("SANDBOX_TOKEN", token)
    notebook = nbformat.read(NOTEBOOKS / f"{scenario}.ipynb", as_version=4)
    NotebookClient(
        notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    outputs = [out for cell in notebook.cells if cell.cell_type == "code" for out in cell.get("outputs", [])]
    assert not [out for out in outputs if out["output_type"] == "error"]
    text = "".join(out.get("text", "") for out in outputs if out["output_type"] == "stream")
    assert text.count("\n== ") >= 3, text[-2000:]
