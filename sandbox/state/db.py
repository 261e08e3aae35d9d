"""Engines and sessions for the state database: URL normalisation and per-backend connection setup."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from audit.sqlite_store import enable_wal
from sandbox.errors import ConfigError


def normalize_url(url: str) -> str:
    """Map ``postgresql://``/``postgres://`` to the psycopg 3 driver; refuse other backends."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    if url.startswith(("postgresql+psycopg://", "sqlite://")):
        return url
    raise ConfigError(
        "SANDBOX_STATE_URL must be a sqlite:/// path or a postgresql:// DSN.",
        "SANDBOX_STATE_URL 须为 sqlite:/// 路径或 postgresql:// 连接串。",
        code="config.state_url",
    )


def make_engine(url: str, *, sqlite_immediate: bool = False) -> Engine:
    """An engine for ``url``; SQLite connections get WAL, foreign keys and a busy timeout.

    ``sqlite_immediate`` makes every transaction on a SQLite engine start with ``BEGIN IMMEDIATE``: the
    write lock is taken before the first read, so a read-check-write (the budget ledger) cannot race.
    """
    normalized = normalize_url(url)
    try:
        parsed = make_url(normalized)
    except ArgumentError:
        raise ConfigError(
            "SANDBOX_STATE_URL is not a valid database URL.",
            "SANDBOX_STATE_URL 不是有效的数据库 URL。",
            code="config.state_url",
        ) from None
    engine = create_engine(parsed, pool_pre_ping=parsed.get_backend_name() == "postgresql")
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        if sqlite_immediate:
            # pysqlite would otherwise emit a deferred BEGIN itself, only before the first write.
            event.listen(engine, "connect", _sqlite_manual_transactions)
            event.listen(engine, "begin", _sqlite_begin_immediate)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")  # the CLI and the gateway may write concurrently
    finally:
        cursor.close()
    enable_wal(dbapi_connection)


def _sqlite_manual_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None


def _sqlite_begin_immediate(connection: Connection) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")
