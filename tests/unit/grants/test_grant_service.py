"""GrantService: issuing narrows to the scenario, everything is registered, the register decides."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.errors import GrantError, UsageError
from sandbox.grants.claims import StaffClaims
from sandbox.grants.keys import key_id
from sandbox.grants.records import GrantRecord, GrantStore
from sandbox.grants.service import GrantService
from sandbox.grants.tokens import sign
from sandbox.state.grant_store import SqlGrantStore


def issue(service: GrantService, known: dict[str, str], **kwargs: Any) -> Any:
    args: dict[str, Any] = {"user": "alice", "enterprise": "ent-a", "scenario": "tourism"}
    return service.issue_grant(known_datasets=known, **(args | kwargs))


def usage_refused(code: str, run: Any) -> UsageError:
    with pytest.raises(UsageError) as caught:
        run()
    assert caught.value.code == code
    return caught.value


def grant_refused(code: str, run: Any) -> GrantError:
    with pytest.raises(GrantError) as caught:
        run()
    assert caught.value.code == code
    return caught.value


# --- issue → verify -------------------------------------------------------------------------------


def test_when_issued_then_token_verifies_to_the_same_claims(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    issued = issue(service, known_datasets, epsilon=2.5, days=10)
    assert service.verify(issued.token) == issued.claims
    assert service.verify_grant(issued.token) == issued.claims
    assert issued.claims.epsilon == 2.5
    assert issued.claims.exp - issued.claims.iat == 10 * 86_400
    assert str(uuid.UUID(issued.jti, version=4)) == issued.jti


def test_when_issued_then_header_is_eddsa_with_our_kid(
    service: GrantService, known_datasets: dict[str, str], signing_key: Ed25519PrivateKey
) -> None:
    header = jwt.get_unverified_header(issue(service, known_datasets).token)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == key_id(signing_key.public_key()) == service.kid


def test_when_issued_then_the_register_holds_it_before_the_token_is_returned(
    service: GrantService, store: SqlGrantStore, known_datasets: dict[str, str], now: int
) -> None:
    issued = issue(service, known_datasets, columns={"tourism.lodging_checkin": ["gender"]})
    record = store.get(issued.jti)
    assert record is not None
    assert (record.kind, record.subject, record.enterprise, record.scenario) == (
        "grant",
        "alice",
        "ent-a",
        "tourism",
    )
    assert record.datasets == issued.claims.datasets
    assert record.columns == {"tourism.lodging_checkin": ("gender",)}
    assert record.issued_at == datetime.fromtimestamp(now, UTC)
    assert record.key_id == service.kid
    assert record.status(datetime.fromtimestamp(now, UTC)) == "active"


def test_when_the_register_cannot_record_then_no_token_is_returned(
    state_url: str, signing_key: Ed25519PrivateKey, known_datasets: dict[str, str]
) -> None:
    class FullDiskStore(SqlGrantStore):
        def add(self, record: GrantRecord) -> None:
            raise OSError("disk full")

    store = FullDiskStore.from_url(state_url)
    service = GrantService(store=store, signing_key=signing_key)
    with pytest.raises(OSError, match="disk full"):
        issue(service, known_datasets)
    store.close()


def test_when_defaults_are_used_then_grant_covers_the_scenario_and_common_only(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    claims = issue(service, known_datasets).claims
    assert claims.datasets == (
        "common.dim_date",
        "common.dim_region",
        "tourism.lodging_checkin",
        "tourism.tour_ticket_entry",
    )
    assert claims.epsilon == service.config.default_epsilon
    assert claims.exp - claims.iat == service.config.default_days * 86_400
    assert claims.columns is None


def test_when_datasets_are_listed_then_the_grant_is_narrowed_to_them(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    claims = issue(service, known_datasets, datasets=["tourism.lodging_checkin", "common.dim_region"]).claims
    assert claims.datasets == ("common.dim_region", "tourism.lodging_checkin")


# --- issue refusals -------------------------------------------------------------------------------


def test_when_a_dataset_is_outside_the_scenario_then_refused(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    error = usage_refused(
        "grant.dataset_outside_scenario",
        lambda: issue(service, known_datasets, datasets=["tourism.lodging_checkin", "transit.bus_card_tap"]),
    )
    assert "transit.bus_card_tap" in error.message


def test_when_the_catalogue_places_a_dataset_in_another_scenario_then_refused(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    known = known_datasets | {"tourism.odd_one": "transit"}
    usage_refused("grant.dataset_outside_scenario", lambda: issue(service, known, datasets=["tourism.odd_one"]))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"scenario": "finance"}, "grant.unknown_scenario"),
        ({"scenario": "common"}, "grant.unknown_scenario"),
        ({"datasets": ["tourism.no_such_table"]}, "grant.unknown_dataset"),
        ({"datasets": []}, "grant.no_datasets"),
        ({"epsilon": 0}, "grant.invalid_epsilon"),
        ({"epsilon": -0.5}, "grant.invalid_epsilon"),
        ({"epsilon": float("nan")}, "grant.invalid_epsilon"),
        ({"epsilon": float("inf")}, "grant.invalid_epsilon"),
        ({"epsilon": 10.01}, "grant.invalid_epsilon"),
        ({"days": 0}, "grant.invalid_days"),
        ({"days": 367}, "grant.invalid_days"),
        ({"days": True}, "grant.invalid_days"),
        ({"user": "Alice"}, "grant.invalid_user"),
        ({"user": "alice@ent-a"}, "grant.invalid_user"),
        ({"user": "a"}, "grant.invalid_user"),
        ({"enterprise": ""}, "grant.invalid_enterprise"),
        ({"enterprise": "ent a"}, "grant.invalid_enterprise"),
        ({"columns": {"transit.bus_card_tap": ["card_id"]}}, "grant.columns_outside_grant"),
        ({"columns": {"tourism.lodging_checkin": []}}, "grant.invalid_columns"),
        ({"columns": {"tourism.lodging_checkin": ["Guest Name"]}}, "grant.invalid_columns"),
    ],
)
def test_when_a_request_is_invalid_then_usage_error_with_its_code(
    service: GrantService,
    store: SqlGrantStore,
    known_datasets: dict[str, str],
    kwargs: dict[str, Any],
    code: str,
) -> None:
    usage_refused(code, lambda: issue(service, known_datasets, **kwargs))
    assert store.list(include_revoked=True) == []  # nothing registered for a refused request


def test_when_the_scenario_has_no_catalogued_datasets_then_refused(service: GrantService) -> None:
    usage_refused("grant.no_datasets", lambda: issue(service, {"common.dim_region": "common"}))


def test_when_known_columns_are_given_then_unknown_columns_are_refused(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    known_columns = {"tourism.lodging_checkin": ["gender", "checkin_time"]}
    ok = issue(
        service,
        known_datasets,
        columns={"tourism.lodging_checkin": ["gender"]},
        known_columns=known_columns,
    )
    assert ok.claims.columns == {"tourism.lodging_checkin": ("gender",)}
    error = usage_refused(
        "grant.unknown_column",
        lambda: issue(
            service,
            known_datasets,
            columns={"tourism.lodging_checkin": ["gender", "guest_name"]},
            known_columns=known_columns,
        ),
    )
    assert "guest_name" in error.message


def test_when_days_is_the_maximum_then_accepted(service: GrantService, known_datasets: dict[str, str]) -> None:
    claims = issue(service, known_datasets, days=366).claims
    assert claims.exp - claims.iat == 366 * 86_400


# --- the register decides -------------------------------------------------------------------------


def test_when_a_token_signed_with_our_key_was_never_issued_then_unknown_grant(
    service: GrantService, signing_key: Ed25519PrivateKey, known_datasets: dict[str, str]
) -> None:
    genuine = issue(service, known_datasets).claims
    minted = replace(genuine, jti=str(uuid.uuid4()))  # the leaked-key scenario
    grant_refused("token.unknown_grant", lambda: service.verify(sign(minted, signing_key, service.kid)))


def test_when_a_registered_jti_is_reused_with_wider_claims_then_unknown_grant(
    service: GrantService, signing_key: Ed25519PrivateKey, known_datasets: dict[str, str]
) -> None:
    genuine = issue(service, known_datasets, epsilon=0.5).claims
    widened = replace(genuine, epsilon=9.0)
    grant_refused("token.unknown_grant", lambda: service.verify(sign(widened, signing_key, service.kid)))


def test_when_revoked_then_verification_fails_with_revoked(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    issued = issue(service, known_datasets)
    result = service.revoke(issued.jti, by="admin", reason="contract ended")
    assert not result.already_revoked
    assert result.record.revoked_by == "admin" and result.record.revoke_reason == "contract ended"
    grant_refused("token.revoked", lambda: service.verify(issued.token))


def test_when_revoked_twice_then_idempotent_and_the_first_revocation_stands(
    service: GrantService, known_datasets: dict[str, str], clock: Any
) -> None:
    issued = issue(service, known_datasets)
    first = service.revoke(issued.jti, by="admin", reason="first")
    clock.now += 3600
    second = service.revoke(issued.jti, by="other", reason="second")
    assert second.already_revoked
    assert second.record == first.record


def test_when_revoking_an_unknown_jti_then_grant_unknown(service: GrantService) -> None:
    grant_refused("grant.unknown", lambda: service.revoke(str(uuid.uuid4()), by="admin"))


def test_when_revoker_is_blank_then_refused(service: GrantService, known_datasets: dict[str, str]) -> None:
    issued = issue(service, known_datasets)
    usage_refused("grant.revoker_required", lambda: service.revoke(issued.jti, by="  "))


def test_when_listing_then_revoked_grants_only_on_request(
    service: GrantService, known_datasets: dict[str, str], clock: Any
) -> None:
    kept = issue(service, known_datasets)
    clock.now += 1
    gone = issue(service, known_datasets, user="bob")
    service.revoke(gone.jti, by="admin")
    assert [r.jti for r in service.list_grants()] == [kept.jti]
    assert [r.jti for r in service.list_grants(include_revoked=True)] == [kept.jti, gone.jti]


def test_record_status_follows_time_and_revocation(
    service: GrantService, known_datasets: dict[str, str], now: int
) -> None:
    issued = issue(service, known_datasets, days=1)
    (record,) = service.list_grants()
    start = datetime.fromtimestamp(now, UTC)
    assert record.status(start - timedelta(seconds=1)) == "pending"
    assert record.status(start) == "active"
    assert record.status(start + timedelta(days=1)) == "expired"
    revoked = service.revoke(issued.jti, by="admin").record
    assert revoked.status(start) == "revoked"


# --- time through the service ---------------------------------------------------------------------


def test_when_verifier_clock_is_behind_the_issuer_within_leeway_then_accepted(
    store: SqlGrantStore, signing_key: Ed25519PrivateKey, known_datasets: dict[str, str], now: int
) -> None:
    issuer = GrantService(store=store, signing_key=signing_key, clock=lambda: now + 25.0)
    verifier = GrantService(store=store, signing_key=signing_key, clock=lambda: float(now))
    assert verifier.verify(issue(issuer, known_datasets).token).sub == "alice"


def test_when_verifier_clock_is_behind_beyond_leeway_then_not_yet_valid(
    store: SqlGrantStore, signing_key: Ed25519PrivateKey, known_datasets: dict[str, str], now: int
) -> None:
    issuer = GrantService(store=store, signing_key=signing_key, clock=lambda: now + 120.0)
    verifier = GrantService(store=store, signing_key=signing_key, clock=lambda: float(now))
    token = issue(issuer, known_datasets).token
    grant_refused("token.not_yet_valid", lambda: verifier.verify(token))


def test_when_the_term_is_over_then_expired(service: GrantService, known_datasets: dict[str, str], clock: Any) -> None:
    issued = issue(service, known_datasets, days=1)
    clock.now += 86_400 + service.config.leeway_seconds
    grant_refused("token.expired", lambda: service.verify(issued.token))


# --- keys -----------------------------------------------------------------------------------------


def test_when_the_key_was_rotated_then_old_tokens_verify_only_while_the_old_key_is_listed(
    store: SqlGrantStore, known_datasets: dict[str, str], clock: Any
) -> None:
    old_key, new_key = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    token = issue(GrantService(store=store, signing_key=old_key, clock=clock), known_datasets).token
    rotated = GrantService(store=store, signing_key=new_key, clock=clock)
    grant_refused("token.unknown_key", lambda: rotated.verify(token))
    rotated.extra_keys = {key_id(old_key.public_key()): old_key.public_key()}
    assert rotated.verify(token).sub == "alice"


def test_when_another_bureau_signs_then_bad_signature_or_unknown_key(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    claims = issue(service, known_datasets).claims
    other = Ed25519PrivateKey.generate()
    grant_refused("token.bad_signature", lambda: service.verify(sign(claims, other, service.kid)))
    grant_refused("token.unknown_key", lambda: service.verify(sign(claims, other, key_id(other.public_key()))))


# --- staff tokens ---------------------------------------------------------------------------------


def test_when_staff_token_issued_then_it_verifies_and_is_registered(service: GrantService, store: GrantStore) -> None:
    issued = service.issue_staff_token(user="dept-user", role="department", department="hpf-center")
    claims = service.verify_staff(issued.token)
    assert isinstance(claims, StaffClaims)
    assert (claims.role, claims.department) == ("department", "hpf-center")
    record = store.get(issued.jti)
    assert record is not None and record.kind == "staff" and record.role == "department"
    assert claims.exp - claims.iat == service.config.default_staff_days * 86_400


def test_when_a_staff_token_is_used_as_a_grant_then_wrong_kind(service: GrantService) -> None:
    token = service.issue_staff_token(user="rev", role="reviewer").token
    grant_refused("token.wrong_kind", lambda: service.verify_grant(token))


def test_when_a_grant_is_used_as_a_staff_login_then_wrong_kind(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    token = issue(service, known_datasets).token
    grant_refused("token.wrong_kind", lambda: service.verify_staff(token))


def test_when_a_staff_token_is_revoked_then_revoked(service: GrantService) -> None:
    issued = service.issue_staff_token(user="aud", role="auditor")
    service.revoke(issued.jti, by="admin")
    grant_refused("token.revoked", lambda: service.verify(issued.token))


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"role": "root"}, "staff.unknown_role"),
        ({"role": "department"}, "staff.department_required"),
        ({"role": "department", "department": "no such"}, "grant.invalid_department"),
        (
            {"role": "department", "department": "x9", "known_departments": ["hpf"]},
            "staff.unknown_department",
        ),
        ({"role": "reviewer", "days": 0}, "grant.invalid_days"),
        ({"role": "reviewer", "user": "Rev!"}, "grant.invalid_user"),
    ],
)
def test_when_a_staff_request_is_invalid_then_refused(service: GrantService, kwargs: dict[str, Any], code: str) -> None:
    usage_refused(code, lambda: service.issue_staff_token(**({"user": "rev"} | kwargs)))


def test_grant_token_payload_carries_the_documented_claims(
    service: GrantService, known_datasets: dict[str, str]
) -> None:
    token = issue(service, known_datasets, columns={"tourism.lodging_checkin": ["gender"]}).token
    payload = json.loads(jwt.utils.base64url_decode(token.split(".")[1]))
    assert set(payload) == {
        *("iss", "aud", "sub", "iat", "nbf", "exp", "jti", "kind"),
        *("enterprise", "scenario", "datasets", "columns", "epsilon"),
    }
    assert (payload["iss"], payload["aud"], payload["kind"]) == ("qdn-data-bureau", "qdn-sandbox", "grant")
    assert payload["nbf"] == payload["iat"] and isinstance(payload["exp"], int)
