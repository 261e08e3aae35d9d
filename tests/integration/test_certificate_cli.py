"""`sandbox credits …` and `sandbox certificate issue|verify` as an operator runs them (real processes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import audit
from sandbox.grants.bootstrap import init_grants
from sandbox.services.home import ensure_home
from sandbox.settings import Settings

SANDBOX = str(Path(sys.executable).with_name("sandbox"))


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")} | {"SANDBOX_HOME": str(home)}
    return subprocess.run([SANDBOX, *args], capture_output=True, text=True, env=environ, timeout=120)


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("credits-cli") / "home"
    settings = Settings.from_env({"SANDBOX_HOME": str(home)})
    ensure_home(settings)  # what `sandbox init` does (tests/integration/test_cli.py runs the command itself)
    init_grants(settings)
    spot = "tourism.tour_scenic_spot"
    with audit.open_log(settings.audit_url) as log:  # what a gateway query and an airlock release leave behind
        detail = {"datasets": [spot], "columns": [f"{spot}.name"], "rows": 12, "result_id": "r-1", "sql": "q"}
        log.append(audit.AuditEvent("query", "dev-a", "allowed", enterprise="ent-a", grant="g", detail=detail))
        release = {"source_result_ids": ["r-1"], "files": [{"name": "a.csv", "sha256": "cd" * 32}]}
        log.append(
            audit.AuditEvent("export.release", "system", "allowed", target="x-1", enterprise="ent-a", detail=release)
        )
    return home


def invoke(home: Path, *args: str) -> Any:
    """In process (the command's own code path; one real process below proves the exit code)."""
    from click.testing import CliRunner

    from sandbox.cli import cli

    return CliRunner().invoke(cli, list(args), env={"SANDBOX_HOME": str(home)})


def test_meter_then_issue_and_verify_a_certificate_and_a_tampered_one_fails(home: Path, tmp_path: Path) -> None:
    metered = invoke(home, "credits", "meter")
    assert metered.exit_code == 0, metered.output
    assert "已计量 metered 2 条" in metered.stdout

    month = datetime.now(UTC).strftime("%Y-%m")
    jws, page = tmp_path / "cert.jws", tmp_path / "cert.html"
    issued = invoke(home, "certificate", "issue", "--department", "D01", "--dataset", "tourism.tour_scenic_spot",
                    "--period", month, "--out", str(jws), "--html", str(page))  # fmt: skip
    assert issued.exit_code == 0, issued.output
    assert "积分 credits 1.000000" in issued.stderr
    assert "数据要素凭证" in page.read_text(encoding="utf-8")

    good = invoke(home, "certificate", "verify", str(jws))
    assert good.exit_code == 0 and "有效 valid" in good.stdout and "QDN-TOUR-0001" in good.stdout

    head, body, sig = jws.read_text().strip().split(".")
    flipped = body[:10] + ("A" if body[10] != "A" else "B") + body[11:]
    jws.write_text(f"{head}.{flipped}.{sig}")
    bad = run("certificate", "verify", str(jws), home=home)
    assert bad.returncode != 0 and "(credits.signature_invalid)" in bad.stderr and "Traceback" not in bad.stderr


@pytest.mark.slow  # seven CLI processes
def test_statements_verify_as_a_chain_and_a_bad_period_is_a_clean_error(home: Path, tmp_path: Path) -> None:
    files = []
    for number, period in enumerate(("2021-01", "2021-02"), start=1):
        path = tmp_path / f"{period}.json"
        made = run("credits", "statement", "--department", "D03", "--period", period, "--out", str(path), home=home)
        assert made.returncode == 0, made.stderr
        assert json.loads(path.read_text())["body"]["number"] == number
        files.append(str(path))

    assert run("credits", "verify", *files, home=home).returncode == 0
    swapped = run("credits", "verify", *reversed(files), home=home)
    assert swapped.returncode != 0 and "(credits.chain_broken)" in swapped.stderr
    bad = run("credits", "statement", "--department", "D03", "--period", "2021-13", home=home)
    assert bad.returncode == 2 and "(credits.bad_period)" in bad.stderr


def test_credits_show_prints_the_job_lines_and_totals_and_the_read_is_audited(home: Path) -> None:
    from click.testing import CliRunner

    from sandbox.cli import cli

    month = datetime.now(UTC).strftime("%Y-%m")
    env = {"SANDBOX_HOME": str(home)}
    shown = CliRunner().invoke(cli, ["credits", "show", "--department", "D01", "--period", month], env=env)
    totals = CliRunner().invoke(cli, ["credits", "show", "--period", month], env=env)

    assert shown.exit_code == 0, shown.output
    assert "tourism.tour_scenic_spot" in shown.output and "1.000000" in shown.output
    assert totals.exit_code == 0 and "D01" in totals.output
    with audit.open_log(Settings.from_env(env).audit_url) as log:
        reads = [e.event for e in log.iter_events(audit.EventFilter(type="credits.read"))]
    assert {e.detail["department"] for e in reads} >= {"D01", ""}
