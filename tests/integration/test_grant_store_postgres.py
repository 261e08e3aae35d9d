"""The grant register on PostgreSQL: packaged migrations, issue, verify, revoke, list."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.errors import GrantError
from sandbox.grants.service import GrantService
from sandbox.state.db import make_engine
from sandbox.state.grant_store import SqlGrantStore
from sandbox.state.migrate import current_revision, head_revision, migrate
from sandbox.state.models import Base

pytestmark = pytest.mark.postgres

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
NOW = 1_800_000_000
KNOWN = {
    "common.dim_region": "common",
    "housing_fund.hpf_account": "housing_fund",
    "housing_fund.hpf_loan": "housing_fund",
    "tourism.lodging_checkin": "tourism",
}


@pytest.fixture(scope="module")
def state_url() -> Iterator[str]:
    """A uniquely named database for this run, migrated once, dropped afterwards."""
    name = f"sandbox_grants_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"  # plain scheme: mapped to psycopg 3
    try:
        migrate(url)
        yield url
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def service(state_url: str) -> Iterator[GrantService]:
    store = SqlGrantStore.from_url(state_url)
    yield GrantService(store=store, signing_key=Ed25519PrivateKey.generate(), clock=lambda: float(NOW))
    store.close()


def test_migrations_reach_head_and_match_the_models(state_url: str) -> None:
    migrate(state_url)  # a second run is a no-op
    assert current_revision(state_url) == head_revision()
    engine = make_engine(state_url)
    with engine.connect() as connection:
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    engine.dispose()


def test_issue_verify_revoke_and_list(service: GrantService) -> None:
    issued = service.issue_grant(
        user="alice",
        enterprise="91522601MA6XXXXX1A",
        scenario="housing_fund",
        known_datasets=KNOWN,
        columns={"housing_fund.hpf_loan": ["loan_amount", "region_code"]},
        epsilon=0.75,
        days=90,
    )
    assert issued.claims.datasets == (
        "common.dim_region",
        "housing_fund.hpf_account",
        "housing_fund.hpf_loan",
    )
    assert service.verify_grant(issued.token) == issued.claims

    record = service.store.get(issued.jti)
    assert record is not None
    assert record.issued_at == datetime.fromtimestamp(NOW, UTC)
    assert record.expires_at.tzinfo is not None
    assert record.columns == {"housing_fund.hpf_loan": ("loan_amount", "region_code")}
    assert record.epsilon == 0.75

    staff = service.issue_staff_token(user="auditor-1", role="auditor")
    listed = {r.jti for r in service.list_grants()}
    assert {issued.jti, staff.jti} <= listed

    first = service.revoke(issued.jti, by="admin", reason="term ended early")
    assert not first.already_revoked
    again = service.revoke(issued.jti, by="admin")
    assert again.already_revoked and again.record == first.record
    with pytest.raises(GrantError) as caught:
        service.verify(issued.token)
    assert caught.value.code == "token.revoked"

    assert issued.jti not in {r.jti for r in service.list_grants()}
    assert issued.jti in {r.jti for r in service.list_grants(include_revoked=True)}
    assert service.verify_staff(staff.token).role == "auditor"


def test_revoking_an_unknown_jti_is_refused(service: GrantService) -> None:
    with pytest.raises(GrantError) as caught:
        service.revoke(str(uuid.uuid4()), by="admin")
    assert caught.value.code == "grant.unknown"


def test_concurrent_revokes_record_exactly_one_revocation(service: GrantService) -> None:
    issued = service.issue_grant(user="bob", enterprise="ent-b", scenario="tourism", known_datasets=KNOWN)

    def revoke(n: int) -> bool:
        return service.revoke(issued.jti, by=f"admin-{n}").already_revoked

    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(revoke, range(8)))
    assert outcomes.count(False) == 1
    record = service.store.get(issued.jti)
    assert record is not None and record.revoked_by == f"admin-{outcomes.index(False)}"
