"""Platform state in SQL (SQLite embedded, PostgreSQL in production), migrated with Alembic."""

from sandbox.state.db import make_engine, make_session_factory, normalize_url
from sandbox.state.migrate import migrate

__all__ = ["make_engine", "make_session_factory", "migrate", "normalize_url"]
