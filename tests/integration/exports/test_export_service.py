"""The export service without HTTP: fail-closed auditing and racing reviewers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gateway_support import make_home

import audit
from sandbox.catalog import load_catalog
from sandbox.exports.bootstrap import open_export_service
from sandbox.exports.errors import ExportForbidden
from sandbox.exports.service import ExportService, ReviewInput
from sandbox.grants import GrantService
from sandbox.grants.bootstrap import grant_service
from sandbox.queries.errors import AuditUnavailable
from sandbox.services.catalog import dataset_scenarios

RESULT_ID = "r-" + "1" * 32
TABLE = b"county_code,checkins\n522601,40\n522622,55\n"


class FailingAppends:
    """The real log for reads; every append fails (a full disk, a lost database)."""

    def __init__(self, log: audit.SequencedLog) -> None:
        self._log = log

    def append(self, event: audit.AuditEvent) -> Any:
        raise OSError("disk full")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[ExportService, GrantService, audit.SequencedLog, str]]:
    settings = make_home(tmp_path / "home", tmp_path / "unused.duckdb")
    with grant_service(settings) as grants, audit.open_log(settings.audit_url, grants.signing_key) as log:
        known = dataset_scenarios(settings.policies)
        issued = grants.issue_grant(user="dev-a", enterprise="ent-a", scenario="tourism", known_datasets=known)
        log.append(
            audit.AuditEvent(
                "query",
                "dev-a",
                "allowed",
                enterprise="ent-a",
                grant=issued.jti,
                detail={"result_id": RESULT_ID, "datasets": ["tourism.lodging_checkin"], "mode": "aggregate"},
            )
        )
        with open_export_service(settings, grants, load_catalog(settings.policies), log) as service:
            yield service, grants, log, issued.token


def submit(service: ExportService, token: str) -> dict[str, Any]:
    return service.submit(
        token, [("t.csv", TABLE)], purpose="p", context="c", source_result_ids=[RESULT_ID], correlation_id="c1"
    )


def test_when_the_audit_log_cannot_be_written_then_nothing_is_stored(
    world: tuple[ExportService, GrantService, audit.SequencedLog, str],
) -> None:
    service, _, log, token = world
    service._log = FailingAppends(log)  # type: ignore[assignment]

    with pytest.raises(AuditUnavailable):
        submit(service, token)

    assert service.store.list() == []
    assert not [p for p in service.blobs.root.iterdir() if p.is_dir()]


def test_racing_reviewers_release_exactly_once(
    world: tuple[ExportService, GrantService, audit.SequencedLog, str],
) -> None:
    service, grants, log, token = world
    rid = submit(service, token)["id"]
    assert service.store.get(rid) is not None and service.store.get(rid)[0].required_reviews == 2  # type: ignore[index]
    staff = [grants.issue_staff_token(user=f"rev-{i}", role="reviewer").token for i in range(2)]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def decide(tok: str) -> None:
        barrier.wait()
        try:
            service.review(tok, rid, ReviewInput("approve"), correlation_id="race")
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=decide, args=(t,)) for t in staff]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    request = service.store.get(rid)
    assert request is not None and request[0].state.value == "RELEASED"
    assert {r.reviewer for r in request[0].reviews} == {"rev-0", "rev-1"}
    releases = [e for e in log.iter_events(audit.EventFilter(type="export.release")) if e.event.target == rid]
    assert len(releases) == 1


def test_a_release_that_fails_part_way_stays_approved_and_an_admin_can_retry_it(
    world: tuple[ExportService, GrantService, audit.SequencedLog, str],
) -> None:
    service, grants, _, token = world
    rid = submit(service, token)["id"]
    reviewers = [grants.issue_staff_token(user=f"rev-{i}", role="reviewer").token for i in range(2)]
    admin = grants.issue_staff_token(user="bureau-admin", role="admin").token
    service.review(reviewers[0], rid, ReviewInput("approve"), correlation_id="r0")
    real = service.signer.bundle

    def broken(*args: Any) -> bytes:
        raise OSError("disk full while zipping")

    service.signer.bundle = broken  # type: ignore[method-assign]
    with pytest.raises(OSError):
        service.review(reviewers[1], rid, ReviewInput("approve"), correlation_id="r1")
    assert service.store.get(rid)[0].state.value == "APPROVED"  # type: ignore[index]
    assert service.store.get(rid)[0].bundle_sha256 is None  # type: ignore[index]

    service.signer.bundle = real  # type: ignore[method-assign]
    with pytest.raises(ExportForbidden):
        service.release(reviewers[0], rid, correlation_id="r2")
    released = service.release(admin, rid, correlation_id="r3")
    assert released["state"] == "RELEASED" and released["bundle_sha256"]
