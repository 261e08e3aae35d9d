"""One typed settings object, read from the environment (see the contract in docs/architecture.md)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sandbox.errors import ConfigError

HOME_VAR = "SANDBOX_HOME"
WAREHOUSE_VAR = "SANDBOX_WAREHOUSE"
STATE_URL_VAR = "SANDBOX_STATE_URL"
KEY_PASSPHRASE_VAR = "SANDBOX_KEY_PASSPHRASE"
POLICIES_VAR = "SANDBOX_POLICIES"
AUDIT_URL_VAR = "SANDBOX_AUDIT_URL"

# The policies/ folder shipped beside the package (the repository checkout).
DEFAULT_POLICIES = Path(__file__).resolve().parent.parent / "policies"


@dataclass(frozen=True)
class Settings:
    """Where the platform keeps its keys, state, audit log and warehouse."""

    home: Path
    warehouse: str
    state_url: str
    key_passphrase: bytes | None = None
    policies: Path = DEFAULT_POLICIES
    audit_override: str | None = None  # SANDBOX_AUDIT_URL: a postgresql:// DSN in production

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        home = Path(env.get(HOME_VAR) or "./var").expanduser().absolute()
        warehouse = env.get(WAREHOUSE_VAR) or str(home / "warehouse.duckdb")
        state_url = env.get(STATE_URL_VAR) or f"sqlite:///{home / 'state.sqlite'}"
        if not (warehouse.startswith("postgresql://") or warehouse.endswith((".duckdb", ".db"))):
            raise ConfigError(
                f"{WAREHOUSE_VAR} must be a DuckDB file path (*.duckdb) or a postgresql:// DSN.",
                f"{WAREHOUSE_VAR} 须为 DuckDB 文件路径（*.duckdb）或 postgresql:// 连接串。",
                code="config.warehouse",
            )
        passphrase = env.get(KEY_PASSPHRASE_VAR)
        policies = Path(env.get(POLICIES_VAR) or DEFAULT_POLICIES).expanduser().absolute()
        audit = env.get(AUDIT_URL_VAR) or None
        return cls(home, warehouse, state_url, passphrase.encode() if passphrase else None, policies, audit)

    @property
    def keys_dir(self) -> Path:
        return self.home / "keys"

    @property
    def signing_key_path(self) -> Path:
        return self.keys_dir / "bureau_ed25519.pem"

    @property
    def public_key_path(self) -> Path:
        return self.keys_dir / "bureau_ed25519.pub.pem"

    @property
    def audit_url(self) -> str:
        """The audit log: a SQLite file in the home unless SANDBOX_AUDIT_URL names another store."""
        return self.audit_override or str(self.home / "audit.sqlite")

    @property
    def truth_path(self) -> Path:
        """The planted risk patterns' labels: outside the warehouse, never reachable by a query."""
        return self.home / "truth" / "hpf_risk_truth.parquet"

    @property
    def warehouse_is_duckdb(self) -> bool:
        return not self.warehouse.startswith("postgresql://")

    @property
    def duckdb_path(self) -> Path:
        """The DuckDB build: the warehouse itself, or the source a PostgreSQL warehouse is loaded from."""
        return Path(self.warehouse) if self.warehouse_is_duckdb else self.home / "warehouse.duckdb"
