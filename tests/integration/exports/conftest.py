"""A real gateway with the airlock over the tiny warehouse, enterprise grants and staff logins."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # gateway_support lives one folder up

from gateway_support import Gateway, running_gateway

from sandbox.grants.bootstrap import grant_service
from sandbox.services.catalog import dataset_scenarios


def staff(gateway: Gateway, user: str, role: str) -> str:
    with grant_service(gateway.settings) as service:
        return service.issue_staff_token(user=user, role=role, days=1).token


def grant(gateway: Gateway, user: str, enterprise: str, scenario: str = "tourism") -> str:
    with grant_service(gateway.settings) as service:
        known = dataset_scenarios(gateway.settings.policies)
        return service.issue_grant(
            user=user, enterprise=enterprise, scenario=scenario, known_datasets=known, epsilon=1.0
        ).token


@pytest.fixture(scope="session")
def airlock(tmp_path_factory: pytest.TempPathFactory, tiny_warehouse: Path) -> Iterator[Gateway]:
    with running_gateway(tmp_path_factory.mktemp("gw-exports"), tiny_warehouse) as gateway:
        gateway.tokens["rev1"] = staff(gateway, "rev-one", "reviewer")
        gateway.tokens["rev2"] = staff(gateway, "rev-two", "reviewer")
        gateway.tokens["admin"] = staff(gateway, "bureau-admin", "admin")
        gateway.tokens["self"] = staff(gateway, "dev-tour", "reviewer")  # the requester's own user name
        grant(gateway, "rev-insider", "ent-test")  # a reviewer who also holds a grant in the enterprise
        gateway.tokens["insider"] = staff(gateway, "rev-insider", "reviewer")
        gateway.tokens["other"] = grant(gateway, "dev-other", "ent-other")
        yield gateway
