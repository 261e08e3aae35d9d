"""Alembic environment for the state database (a package so it ships in the wheel)."""
