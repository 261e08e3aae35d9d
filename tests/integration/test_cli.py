"""The `sandbox` command as an operator runs it: real processes, real files, real exit codes."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

SANDBOX = str(Path(sys.executable).with_name("sandbox"))
REPO = Path(__file__).resolve().parents[2]


def run(*args: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("SANDBOX_")}
    environ |= {"SANDBOX_HOME": str(home), **env}
    return subprocess.run([SANDBOX, *args], capture_output=True, text=True, env=environ, timeout=120)


def assert_clean_failure(result: subprocess.CompletedProcess[str], code: str) -> None:
    assert result.returncode != 0
    assert f"({code})" in result.stderr
    assert "错误" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def test_when_init_runs_twice_then_the_key_is_kept_and_private(home: Path) -> None:
    first = run("init", home=home)
    key = home / "keys" / "bureau_ed25519.pem"
    before = key.read_bytes()
    second = run("init", home=home)

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "kept" in second.stdout
    assert key.read_bytes() == before
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    assert (home / "state.sqlite").is_file()


def test_when_the_home_is_unwritable_then_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")

    result = run("init", home=blocker / "home")

    assert_clean_failure(result, "config.home_unwritable")
    assert "SANDBOX_HOME" in result.stderr


def test_when_the_scale_is_unknown_then_usage_error_and_nothing_written(home: Path) -> None:
    result = run("demo-data", "--scale", "huge", home=home)

    assert result.returncode == 2
    assert_clean_failure(result, "usage.scale")
    assert not (home / "warehouse.duckdb").exists()


def test_when_the_dsn_does_not_connect_then_one_clear_error(home: Path, tiny_warehouse: Path) -> None:
    result = run(
        "warehouse", "load", "--dsn", "postgresql://postgres@127.0.0.1:1/nowhere", "--no-progress",
        home=home, SANDBOX_WAREHOUSE=str(tiny_warehouse),
    )  # fmt: skip

    assert_clean_failure(result, "warehouse.connect")


def test_when_a_grant_is_issued_then_it_verifies_lists_and_revokes(home: Path) -> None:
    assert run("init", home=home).returncode == 0
    issued = run(
        "grant", "issue", "--user", "dev01", "--enterprise", "ent-demo", "--scenario", "housing_fund",
        "--datasets", "housing_fund.hpf_account,common.dim_region", "--epsilon", "2", "--days", "30",
        home=home,
    )  # fmt: skip
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    jti = issued.stderr.split("grant ", 1)[1].split(":", 1)[0]

    verified = run("token", "verify", token, home=home)
    listed = run("grant", "list", home=home)
    revoked = run("grant", "revoke", jti, "--reason", "协议终止", home=home)
    after = run("token", "verify", token, home=home)

    assert verified.returncode == 0 and "housing_fund.hpf_account" in verified.stdout
    assert "dev01" in listed.stdout and "active" in listed.stdout
    assert revoked.returncode == 0
    assert_clean_failure(after, "token.revoked")


def test_when_a_grant_names_a_dataset_of_another_scenario_then_it_is_refused(home: Path) -> None:
    assert run("init", home=home).returncode == 0
    result = run(
        "grant", "issue", "--user", "dev01", "--enterprise", "ent-demo", "--scenario", "tourism",
        "--datasets", "housing_fund.hpf_account", home=home,
    )  # fmt: skip

    assert_clean_failure(result, "grant.dataset_outside_scenario")


def test_when_a_token_is_signed_by_another_platform_then_it_is_refused(tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    for home in (ours, theirs):
        assert run("init", home=home).returncode == 0
    foreign = run("token", "issue", "--user", "aud01", "--role", "auditor", home=theirs).stdout.strip()

    result = run("token", "verify", foreign, home=ours)

    assert_clean_failure(result, "token.unknown_key")


def test_when_the_catalogue_is_malformed_then_policy_check_names_file_and_line(home: Path, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(REPO / "policies", policies)
    entry = policies / "catalog" / "common" / "dim_region.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("access_mode:", "acces_mode:"), encoding="utf-8")

    result = run("policy", "check", home=home, SANDBOX_POLICIES=str(policies))

    assert_clean_failure(result, "catalog.invalid")
    assert "dim_region.yaml:" in result.stderr


def test_when_demo_data_is_built_then_policy_check_accepts_it(home: Path) -> None:
    built = run("demo-data", "--scale", "tiny", "--seed", "3", "--no-progress", home=home)
    checked = run("policy", "check", home=home)

    assert built.returncode == 0, built.stderr
    assert (home / "warehouse.duckdb").is_file()
    assert (home / "truth" / "hpf_risk_truth.parquet").is_file()
    assert checked.returncode == 0, checked.stderr


def test_when_grants_are_issued_then_the_audit_log_records_and_verifies_them(home: Path, tmp_path: Path) -> None:
    assert run("init", home=home).returncode == 0
    issued = run("grant", "issue", "--user", "dev01", "--enterprise", "ent-demo", "--scenario", "transit", home=home)
    jti = issued.stderr.split("grant ", 1)[1].split(":", 1)[0]
    assert run("grant", "revoke", jti, home=home).returncode == 0
    checkpoint = tmp_path / "checkpoint.txt"
    assert run("audit", "checkpoint", "--out", str(checkpoint), home=home).returncode == 0

    listed = run("audit", "events", home=home)
    verified = run("audit", "verify", "--checkpoint", str(checkpoint), home=home)

    assert "grant.issue" in listed.stdout and "grant.revoke" in listed.stdout and jti in listed.stdout
    assert verified.returncode == 0, verified.stdout + verified.stderr
    assert "PASS" in verified.stdout


def test_when_an_audit_entry_is_edited_then_verify_fails_and_names_it(home: Path, tmp_path: Path) -> None:
    import sqlite3

    assert run("init", home=home).returncode == 0
    run("grant", "issue", "--user", "dev01", "--enterprise", "ent-demo", "--scenario", "transit", home=home)
    checkpoint = tmp_path / "checkpoint.txt"
    run("audit", "checkpoint", "--out", str(checkpoint), home=home)
    with sqlite3.connect(home / "audit.sqlite") as db:  # an insider with file access, triggers dropped
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_entry SET body = replace(body, 'dev01', 'dev99') WHERE seq = 1")

    result = run("audit", "verify", "--checkpoint", str(checkpoint), home=home)

    assert result.returncode == 1
    assert "entry.edited" in result.stdout and "FAIL" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_when_an_entry_changes_then_register_records_a_change_and_audits_it(home: Path, tmp_path: Path) -> None:
    policies = tmp_path / "policies"
    shutil.copytree(REPO / "policies", policies)
    entry = policies / "catalog" / "common" / "dim_region.yaml"
    entry.write_text(entry.read_text(encoding="utf-8").replace("name_zh:", "name_zh: 新", 1), encoding="utf-8")
    assert run("init", home=home).returncode == 0

    stale = run("policy", "check", home=home, SANDBOX_POLICIES=str(policies))
    registered = run("policy", "register", home=home, SANDBOX_POLICIES=str(policies))
    fresh = run("policy", "check", home=home, SANDBOX_POLICIES=str(policies))
    events = run("audit", "events", "--type", "config.change", home=home)

    assert_clean_failure(stale, "catalog.invalid")
    assert "sandbox policy register" in stale.stderr
    assert "变更" in registered.stdout and "common.dim_region v2" in registered.stdout
    assert fresh.returncode == 0, fresh.stderr
    assert "common.dim_region" in events.stdout
