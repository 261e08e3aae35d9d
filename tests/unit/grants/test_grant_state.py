"""State database plumbing: URL mapping, SQLite connection setup, packaged migrations match the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from sandbox.errors import ConfigError
from sandbox.state.db import make_engine, normalize_url
from sandbox.state.migrate import current_revision, head_revision, migrate
from sandbox.state.models import Base


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/state", "postgresql+psycopg://u:p@db:5432/state"),
        ("postgres://u@db/state", "postgresql+psycopg://u@db/state"),
        ("postgresql+psycopg://u@db/state", "postgresql+psycopg://u@db/state"),
        ("sqlite:////var/sandbox/state.sqlite", "sqlite:////var/sandbox/state.sqlite"),
    ],
)
def test_state_urls_map_to_the_psycopg_driver(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


@pytest.mark.parametrize("url", ["mysql://u@db/state", "postgresql+psycopg2://u@db/s", "state.sqlite"])
def test_when_state_url_is_unsupported_then_config_error(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        normalize_url(url)
    assert caught.value.code == "config.state_url"


def test_when_migrated_then_schema_is_at_head_and_matches_the_models(tmp_path: Path) -> None:
    assert current_revision(f"sqlite:///{tmp_path / 'fresh.sqlite'}") is None
    url = f"sqlite:///{tmp_path / 'nested' / 'dir' / 'state.sqlite'}"  # parent dirs are created
    migrate(url)
    migrate(url)  # idempotent
    assert current_revision(url) == head_revision() == "0006_credits"
    engine = make_engine(url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
        assert {ix["name"] for ix in inspect(connection).get_indexes("grants")} == {
            "ix_grants_subject",
            "ix_grants_enterprise",
        }
    engine.dispose()


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'state.sqlite'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()
