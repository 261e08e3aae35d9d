"""`sandbox up --no-serve`: a newcomer gets a working login for every role, and the portal's address."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner

from sandbox.cli import cli
from sandbox.grants.bootstrap import grant_service
from sandbox.grants.claims import GrantClaims, StaffClaims
from sandbox.settings import Settings


def test_up_prints_a_verifiable_login_for_every_role_and_the_portal(tmp_path: Path, tiny_warehouse: Path) -> None:
    env = {"SANDBOX_HOME": str(tmp_path / "home"), "SANDBOX_WAREHOUSE": str(tmp_path / "warehouse.duckdb")}
    shutil.copy(tiny_warehouse, env["SANDBOX_WAREHOUSE"])

    result = CliRunner().invoke(cli, ["up", "--no-serve"], env=env)

    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:8080/portal/" in result.output
    logins = dict(re.findall(r"user:\s+(\S+)\n\s+token:\s+(\S+)", result.output))
    assert set(logins) == {"demo-dev", "reviewer-li", "reviewer-wang", "auditor-zhang", "dept-d01", "admin-wu"}
    with grant_service(Settings.from_env(env)) as grants:
        claims = {user: grants.verify(token) for user, token in logins.items()}
    assert isinstance(claims["demo-dev"], GrantClaims)
    roles = {user: c.role for user, c in claims.items() if isinstance(c, StaffClaims)}
    assert roles == {
        "reviewer-li": "reviewer",
        "reviewer-wang": "reviewer",
        "auditor-zhang": "auditor",
        "dept-d01": "department",
        "admin-wu": "admin",
    }
    assert (tmp_path / "home" / "demo-logins.txt").stat().st_mode & 0o077 == 0  # tokens readable by the owner only
