"""Hub session tokens: minted only for the user's own active grant, dead with the server, the grant or time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.errors import GrantError, UsageError
from sandbox.grants.service import GrantService
from sandbox.grants.sessions import SessionService
from sandbox.state.grant_store import SqlGrantStore
from sandbox.state.migrate import migrate
from sandbox.state.session_store import SqlSessionStore

NOW = 1_800_000_000
KNOWN = {"common.dim_region": "common", "tourism.lodging_checkin": "tourism"}


@dataclass
class Clock:
    now: float

    def __call__(self) -> float:
        return self.now


@dataclass
class World:
    grants: GrantService
    sessions: SessionService
    clock: Clock
    db: Path


@pytest.fixture
def world(tmp_path: Path) -> Iterator[World]:
    db = tmp_path / "state.sqlite"
    url = f"sqlite:///{db}"
    migrate(url)
    clock = Clock(NOW)
    store, session_store = SqlGrantStore.from_url(url), SqlSessionStore.from_url(url)
    grants = GrantService(store=store, signing_key=Ed25519PrivateKey.generate(), clock=clock)
    grants.sessions = SessionService(store=session_store, grants=grants, max_seconds=3600)
    yield World(grants, grants.sessions, clock, db)
    session_store.close()
    store.close()


def grant(world: World, user: str = "alice", days: int = 1) -> str:
    return world.grants.issue_grant(
        user=user, enterprise="ent-a", scenario="tourism", known_datasets=KNOWN, days=days
    ).jti


def code_of(world: World, token: str) -> str:
    with pytest.raises(GrantError) as refused:
        world.grants.verify_grant(token)
    return refused.value.code


def test_when_minted_then_the_token_speaks_for_its_grant_until_the_session_cap(world: World) -> None:
    jti = grant(world)
    issued = world.sessions.mint(user="alice", server="", grant_jti=jti)

    claims = world.grants.verify_grant(issued.token)

    assert issued.token.startswith("sst_") and claims.jti == jti and claims.sub == "alice"
    assert claims.enterprise == "ent-a" and "tourism.lodging_checkin" in claims.datasets
    assert claims.exp == NOW + 3600  # the session cap, shorter than the one-day grant


def test_when_the_grant_ends_sooner_then_the_session_ends_with_it(world: World) -> None:
    jti = grant(world)
    world.sessions.max_seconds = 10 * 86_400
    claims = world.grants.verify_grant(world.sessions.mint(user="alice", server="", grant_jti=jti).token)
    assert claims.exp == NOW + 86_400


def test_when_the_server_stops_then_only_its_sessions_die(world: World) -> None:
    jti = grant(world)
    default = world.sessions.mint(user="alice", server="", grant_jti=jti).token
    other = world.sessions.mint(user="alice", server="second", grant_jti=jti).token

    assert len(world.sessions.revoke(user="alice", server="")) == 1

    assert code_of(world, default) == "session.revoked"
    assert world.grants.verify_grant(other).jti == jti
    assert world.sessions.revoke(user="alice", server="") == []  # idempotent


def test_when_the_grant_is_revoked_then_live_sessions_are_refused_at_once(world: World) -> None:
    jti = grant(world)
    token = world.sessions.mint(user="alice", server="", grant_jti=jti).token
    world.grants.revoke(jti, by="bureau")

    assert code_of(world, token) == "session.grant_inactive"
    with pytest.raises(GrantError, match="revoked"):
        world.sessions.mint(user="alice", server="", grant_jti=jti)


def test_when_time_passes_the_cap_then_the_session_has_expired(world: World) -> None:
    token = world.sessions.mint(user="alice", server="", grant_jti=grant(world)).token
    world.clock.now = NOW + 3600
    assert code_of(world, token) == "session.expired"


@pytest.mark.parametrize(
    "token",
    ["sst_" + "A" * 43, "sst_", "sst_" + "x" * 200, "sst_' OR 1=1 --", "SST_" + "A" * 43],
)
def test_when_a_session_token_is_guessed_or_forged_then_it_is_unknown(world: World, token: str) -> None:
    world.sessions.mint(user="alice", server="", grant_jti=grant(world))
    with pytest.raises(GrantError):
        world.grants.verify_grant(token)


def test_when_minting_for_someone_elses_grant_or_a_staff_login_then_refused(world: World) -> None:
    jti = grant(world, user="bob")
    staff = world.grants.issue_staff_token(user="alice", role="reviewer").jti
    for user, grant_jti in (("alice", jti), ("alice", staff), ("alice", "no-such-jti")):
        with pytest.raises(GrantError) as refused:
            world.sessions.mint(user=user, server="", grant_jti=grant_jti)
        assert refused.value.code == "session.grant_mismatch"


@pytest.mark.parametrize(("user", "server"), [("Alice", ""), ("alice", "../x"), ("alice", "a" * 31), ("a", "")])
def test_when_names_are_not_hub_names_then_usage_error(world: World, user: str, server: str) -> None:
    with pytest.raises(UsageError):
        world.sessions.mint(user=user, server=server, grant_jti=grant(world))


def test_the_register_holds_only_a_digest_of_the_token(world: World) -> None:
    token = world.sessions.mint(user="alice", server="", grant_jti=grant(world)).token
    with sqlite3.connect(world.db) as db:
        dumped = "\n".join(db.iterdump())
    assert token not in dumped and token[4:] not in dumped


def test_without_a_session_register_session_tokens_are_refused(world: World) -> None:
    token = world.sessions.mint(user="alice", server="", grant_jti=grant(world)).token
    world.grants.sessions = None
    assert code_of(world, token) == "token.malformed"


def test_verify_any_takes_a_session_token_where_any_credential_is_accepted(world: World) -> None:
    """The airlock, credits and portal accept every bureau credential; a hub session speaks for its grant."""
    jti = grant(world)
    token = world.sessions.mint(user="alice", server="", grant_jti=jti).token

    claims = world.grants.verify_any(token)

    assert claims.jti == jti and claims.sub == "alice"
    world.sessions.revoke(user="alice", server="")
    with pytest.raises(GrantError):
        world.grants.verify_any(token)
