"""The PostgreSQL reader role and the ``sandbox_hash`` function, set up by every warehouse load.

The executor logs in as this role only. It is a plain login role (no superuser, no CREATEDB/CREATEROLE,
no replication, no RLS bypass), reads the five schemas and nothing else that is not public anyway,
defaults to read-only transactions and a statement timeout, and may call the hash function.

``sandbox_hash(x)`` = lowercase hex HMAC-SHA-256(key, x::text), NULL for NULL, with pgcrypto's ``hmac``.
The key comes from the transaction-local setting ``sandbox.hash_key`` (hex) that the executor sets
through a bound parameter for each query; an unset or empty setting makes the function fail, never
hash with an empty key.
"""

from __future__ import annotations

import psycopg
from psycopg import errors, sql

from sandbox.warehouse.names import SCHEMAS

HASH_SCHEMA = "sandbox_fn"
KEY_SETTING = "sandbox.hash_key"
ROLE_STATEMENT_TIMEOUT = "30s"

_ATTRIBUTES = sql.SQL("LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS NOINHERIT")


# DOUBLE as DuckDB's CAST(x AS VARCHAR) spells it, so pseudonyms agree across engines: "108.0" not "108",
# "nan"/"inf" not "NaN"/"Infinity". Exact for every value below 1e15 in magnitude and for integral values
# below 1e16; beyond that the engines' shortest-digit choices can differ (not a realistic identifier).
_DUCKDB_DOUBLE_TEXT = sql.SQL(
    "CASE WHEN $1 = 'NaN'::float8 THEN 'nan' WHEN $1 = 'Infinity'::float8 THEN 'inf' "
    "WHEN $1 = '-Infinity'::float8 THEN '-inf' WHEN $1::text = '-0' THEN '-0.0' "
    "WHEN $1 = trunc($1) AND abs($1) < 1e16 THEN $1::bigint::text || '.0' ELSE $1::text END"
)


_EXACT_TYPES = ("anyelement", "text", "smallint", "integer", "bigint", "numeric", "date", "timestamp", "boolean")


def ensure_role(conn: psycopg.Connection, role: str, password: str | None = None) -> None:
    """Create the reader role, or reset an existing one to the safe attributes (idempotent).

    Roles are cluster-wide, so two loads into different databases may race to create it: the loser
    of the race retries and takes the ALTER path.
    """
    name = sql.Identifier(role)
    for attempt in range(2):
        try:
            with conn.transaction():
                exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
                verb = sql.SQL("ALTER ROLE {} WITH {}") if exists else sql.SQL("CREATE ROLE {} WITH {}")
                conn.execute(verb.format(name, _ATTRIBUTES))
                if password is not None:
                    conn.execute(sql.SQL("ALTER ROLE {} PASSWORD {}").format(name, sql.Literal(password)))
                conn.execute(sql.SQL("ALTER ROLE {} SET default_transaction_read_only = on").format(name))
                conn.execute(
                    sql.SQL("ALTER ROLE {} SET statement_timeout = {}").format(
                        name, sql.Literal(ROLE_STATEMENT_TIMEOUT)
                    )
                )
                conn.execute(sql.SQL("ALTER ROLE {} SET search_path = {}").format(name, sql.Identifier(HASH_SCHEMA)))
            return
        except (errors.DuplicateObject, errors.UniqueViolation):
            if attempt:
                raise


def grant_reader(cur: psycopg.Cursor, role: str) -> None:
    """Inside the load transaction, after the schemas are in place: the reader's privileges."""
    name = sql.Identifier(role)
    database = cur.execute("SELECT current_database()").fetchone()
    assert database is not None
    cur.execute(sql.SQL("GRANT CONNECT ON DATABASE {} TO {}").format(sql.Identifier(database[0]), name))
    cur.execute(sql.SQL("REVOKE CREATE ON SCHEMA public FROM {}").format(name))
    for schema in SCHEMAS:
        ident = sql.Identifier(schema)
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(ident, name))
        cur.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(ident, name))
    _create_hash_function(cur, role)


def _create_hash_function(cur: psycopg.Cursor, role: str) -> None:
    schema = sql.Identifier(HASH_SCHEMA)
    name = sql.Identifier(role)
    cur.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(schema))
    cur.execute(sql.SQL("REVOKE ALL ON SCHEMA {} FROM PUBLIC").format(schema))
    cur.execute(sql.SQL("CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA {}").format(schema))
    # pgcrypto may already live elsewhere (installed before us): call it where it is.
    row = cur.execute(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pgcrypto'"
    ).fetchone()
    assert row is not None
    crypto = sql.Identifier(row[0])
    body = sql.SQL(
        "SELECT encode({crypto}.hmac(convert_to($1::text, 'UTF8'), "
        "decode(coalesce(nullif(current_setting({setting}, true), ''), 'x'), 'hex'), 'sha256'), 'hex')"
    ).format(crypto=crypto, setting=sql.Literal(KEY_SETTING))
    double = sql.SQL("SELECT {}.sandbox_hash(({})::text)").format(schema, _DUCKDB_DOUBLE_TEXT)
    # An exact overload per warehouse type: otherwise PostgreSQL would send integers and numerics through
    # the double precision one (an implicit cast) and spell 12 as "12.0". text also catches untyped literals.
    bodies = {argtype: body for argtype in _EXACT_TYPES} | {"double precision": double}
    for argtype, argbody in bodies.items():
        cur.execute(
            sql.SQL(
                "CREATE OR REPLACE FUNCTION {schema}.sandbox_hash(x {argtype}) RETURNS text "
                "LANGUAGE sql STABLE STRICT PARALLEL SAFE AS {body}"
            ).format(schema=schema, argtype=sql.SQL(argtype), body=sql.Literal(argbody.as_string(cur)))
        )
        signature = sql.SQL("{}.sandbox_hash({})").format(schema, sql.SQL(argtype))
        cur.execute(sql.SQL("REVOKE ALL ON FUNCTION {} FROM PUBLIC").format(signature))
        cur.execute(sql.SQL("GRANT EXECUTE ON FUNCTION {} TO {}").format(signature, name))
    cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(schema, name))
    if row[0] != HASH_SCHEMA:
        cur.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(crypto, name))
