"""Token verification: every forgery and misuse is refused with its own stable code.

Attack tokens are built by hand (base64url segments, HMAC, foreign keys) so the tests do not depend on
a JWT library agreeing to produce them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sandbox.errors import GrantError
from sandbox.grants import tokens
from sandbox.grants.claims import GRANT_CLAIMS, REGISTERED_CLAIMS, GrantClaims, StaffClaims
from sandbox.grants.keys import key_id, public_pem

NOW = 1_800_000_000
LEEWAY = tokens.DEFAULT_LEEWAY_SECONDS


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


def segments(header: dict[str, Any], payload: dict[str, Any] | str) -> str:
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return f"{b64(json.dumps(header).encode())}.{b64(body.encode())}"


def compact(header: dict[str, Any], payload: dict[str, Any] | str, signer: Callable[[bytes], bytes]) -> str:
    signing_input = segments(header, payload)
    return f"{signing_input}.{b64(signer(signing_input.encode()))}"


def grant_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "iss": "qdn-data-bureau",
        "aud": "qdn-sandbox",
        "sub": "alice",
        "iat": NOW,
        "nbf": NOW,
        "exp": NOW + 86_400,
        "jti": "0b8e7c1e-8f6a-4b59-9d7c-1d2f3a4b5c6d",
        "kind": "grant",
        "enterprise": "ent-a",
        "scenario": "tourism",
        "datasets": ["common.dim_region", "tourism.lodging_checkin"],
        "epsilon": 1.0,
    }
    payload.update(overrides)
    return payload


def staff_payload(**overrides: Any) -> dict[str, Any]:
    payload = grant_payload(kind="staff", role="reviewer")
    for name in (*GRANT_CLAIMS, "columns"):
        payload.pop(name, None)
    payload.update(overrides)
    return payload


@pytest.fixture(scope="module")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def kid(key: Ed25519PrivateKey) -> str:
    return key_id(key.public_key())


@pytest.fixture
def signed(key: Ed25519PrivateKey, kid: str) -> Callable[..., str]:
    """Sign ``payload`` with the bureau key (header overridable), exactly as an honest issuer would."""

    def make(payload: dict[str, Any] | str, **header: Any) -> str:
        return compact({"alg": "EdDSA", "typ": "JWT", "kid": kid, **header}, payload, key.sign)

    return make


@pytest.fixture
def check(key: Ed25519PrivateKey, kid: str) -> Callable[..., Any]:
    def run(token: str, *, now: float = NOW, revoked: bool = False, **kwargs: Any) -> Any:
        return tokens.verify(token, {kid: key.public_key()}, now=now, is_revoked=lambda _jti: revoked, **kwargs)

    return run


def refused(run: Callable[[], object], code: str) -> GrantError:
    with pytest.raises(GrantError) as caught:
        run()
    assert caught.value.code == code
    return caught.value


# --- token.malformed ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "token",
    ["", "not-a-jwt", "a.b", "a.b.c", "a.b.c.d", "!!!.@@@.###", "x" * (tokens.MAX_TOKEN_LENGTH + 1)],
)
def test_when_token_is_not_a_jwt_then_malformed(check: Callable[..., Any], token: str) -> None:
    refused(lambda: check(token), "token.malformed")


def test_when_header_is_not_json_then_malformed(check: Callable[..., Any]) -> None:
    token = f"{b64(b'not json')}.{b64(json.dumps(grant_payload()).encode())}.{b64(b'sig')}"
    refused(lambda: check(token), "token.malformed")


def test_when_signed_payload_is_not_an_object_then_malformed(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    refused(lambda: check(signed("[1, 2]")), "token.malformed")


# --- token.alg_not_allowed ------------------------------------------------------------------------


@pytest.mark.parametrize("alg", ["none", "None", "NONE", "nOnE"])
def test_when_alg_is_none_then_refused_before_any_key_is_used(check: Callable[..., Any], kid: str, alg: str) -> None:
    token = segments({"alg": alg, "typ": "JWT", "kid": kid}, grant_payload()) + "."
    refused(lambda: check(token), "token.alg_not_allowed")


def test_when_token_is_hs256_keyed_with_our_public_key_pem_then_refused(
    check: Callable[..., Any], key: Ed25519PrivateKey, kid: str
) -> None:
    secret = public_pem(key.public_key())  # the classic algorithm-confusion attack

    def hmac_sign(data: bytes) -> bytes:
        return hmac.new(secret, data, hashlib.sha256).digest()

    token = compact({"alg": "HS256", "typ": "JWT", "kid": kid}, grant_payload(), hmac_sign)
    refused(lambda: check(token), "token.alg_not_allowed")


def test_when_token_is_rs256_then_refused(check: Callable[..., Any], kid: str) -> None:
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    def rsa_sign(data: bytes) -> bytes:
        return rsa_key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    token = compact({"alg": "RS256", "typ": "JWT", "kid": kid}, grant_payload(), rsa_sign)
    refused(lambda: check(token), "token.alg_not_allowed")


def test_when_token_is_es256_then_refused(check: Callable[..., Any], kid: str) -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    token = compact({"alg": "ES256", "kid": kid}, grant_payload(), lambda d: ec_key.sign(d, ec.ECDSA(hashes.SHA256())))
    refused(lambda: check(token), "token.alg_not_allowed")


def test_when_alg_header_is_missing_then_refused(check: Callable[..., Any], key: Ed25519PrivateKey) -> None:
    token = compact({"typ": "JWT"}, grant_payload(), key.sign)
    refused(lambda: check(token), "token.alg_not_allowed")


# --- token.unknown_key ----------------------------------------------------------------------------


@pytest.mark.parametrize("header", [{}, {"kid": "someone-elses-key"}, {"kid": 7}, {"kid": None}])
def test_when_kid_is_missing_or_not_ours_then_unknown_key(
    check: Callable[..., Any], key: Ed25519PrivateKey, header: dict[str, Any]
) -> None:
    token = compact({"alg": "EdDSA", **header}, grant_payload(), key.sign)
    refused(lambda: check(token), "token.unknown_key")


# --- token.bad_signature --------------------------------------------------------------------------


def test_when_payload_is_tampered_and_signature_kept_then_bad_signature(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    header, payload, signature = signed(grant_payload()).split(".")
    widened = json.loads(unb64(payload)) | {"epsilon": 9.0}
    forged = f"{header}.{b64(json.dumps(widened).encode())}.{signature}"
    refused(lambda: check(forged), "token.bad_signature")


def test_when_one_payload_byte_is_flipped_then_bad_signature(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    header, payload, signature = signed(grant_payload()).split(".")
    raw = bytearray(unb64(payload))
    position = raw.index(b"alice")
    raw[position] ^= 0x02  # 'a' -> 'c': still valid JSON, different subject
    refused(lambda: check(f"{header}.{b64(bytes(raw))}.{signature}"), "token.bad_signature")


def test_when_signature_is_altered_then_bad_signature(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    header, payload, signature = signed(grant_payload()).split(".")
    raw = bytearray(unb64(signature))
    raw[0] ^= 0x01
    refused(lambda: check(f"{header}.{payload}.{b64(bytes(raw))}"), "token.bad_signature")


def test_when_signed_by_another_ed25519_key_claiming_our_kid_then_bad_signature(
    check: Callable[..., Any], kid: str
) -> None:
    impostor = Ed25519PrivateKey.generate()
    token = compact({"alg": "EdDSA", "typ": "JWT", "kid": kid}, grant_payload(), impostor.sign)
    refused(lambda: check(token), "token.bad_signature")


# --- time: token.expired / token.not_yet_valid ----------------------------------------------------


def test_when_expired_beyond_leeway_then_expired(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    token = signed(grant_payload(iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - LEEWAY - 1))
    refused(lambda: check(token), "token.expired")


def test_when_expired_inside_leeway_then_accepted(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    token = signed(grant_payload(iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - LEEWAY + 1))
    assert check(token).sub == "alice"


def test_when_expiry_is_exactly_now_minus_leeway_then_expired(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    token = signed(grant_payload(iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - LEEWAY))
    refused(lambda: check(token), "token.expired")


@pytest.mark.parametrize("claim", ["nbf", "iat"])
def test_when_nbf_or_iat_is_in_the_future_beyond_leeway_then_not_yet_valid(
    check: Callable[..., Any], signed: Callable[..., str], claim: str
) -> None:
    token = signed(grant_payload(**{claim: NOW + LEEWAY + 5}))
    refused(lambda: check(token), "token.not_yet_valid")


def test_when_issuer_clock_is_ahead_inside_leeway_then_accepted(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    skew = LEEWAY - 5
    token = signed(grant_payload(iat=NOW + skew, nbf=NOW + skew, exp=NOW + skew + 3600))
    assert check(token).nbf == NOW + skew


def test_when_leeway_is_zero_then_skew_is_not_forgiven(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    token = signed(grant_payload(iat=NOW + 1, nbf=NOW + 1))
    refused(lambda: check(token, leeway=0), "token.not_yet_valid")


# --- audience, issuer -----------------------------------------------------------------------------


@pytest.mark.parametrize("aud", ["another-app", "QDN-SANDBOX", ["qdn-sandbox", "another-app"], ""])
def test_when_audience_is_not_ours_then_wrong_audience(
    check: Callable[..., Any], signed: Callable[..., str], aud: Any
) -> None:
    code = "token.missing_claim" if aud == "" else "token.wrong_audience"  # pyjwt treats "" as absent
    refused(lambda: check(signed(grant_payload(aud=aud))), code)


@pytest.mark.parametrize("iss", ["someone-else", "qdn-data-bureau ", 42])
def test_when_issuer_is_not_ours_then_wrong_issuer(
    check: Callable[..., Any], signed: Callable[..., str], iss: Any
) -> None:
    refused(lambda: check(signed(grant_payload(iss=iss))), "token.wrong_issuer")


def test_when_verifier_expects_another_audience_then_our_token_is_refused(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    refused(lambda: check(signed(grant_payload()), audience="qdn-portal"), "token.wrong_audience")


# --- token.missing_claim --------------------------------------------------------------------------


@pytest.mark.parametrize("claim", [*REGISTERED_CLAIMS, *GRANT_CLAIMS])
def test_when_a_required_grant_claim_is_missing_then_missing_claim(
    check: Callable[..., Any], signed: Callable[..., str], claim: str
) -> None:
    payload = grant_payload()
    del payload[claim]
    error = refused(lambda: check(signed(payload)), "token.missing_claim")
    assert f"'{claim}'" in error.message


def test_when_staff_token_lacks_role_then_missing_claim(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    payload = staff_payload()
    del payload["role"]
    refused(lambda: check(signed(payload)), "token.missing_claim")


# --- token.invalid_claim --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"scenario": "finance"},
        {"scenario": ["tourism"]},
        {"kind": "admin"},
        {"sub": "Alice@ent-a"},
        {"sub": 12},
        {"jti": 12},
        {"jti": ""},
        {"iat": 1.5},
        {"exp": "tomorrow"},
        {"nbf": True},
        {"exp": NOW - 1, "iat": NOW - 10, "nbf": NOW},  # nbf after exp
        {"epsilon": 0},
        {"epsilon": -1.0},
        {"epsilon": "1.0"},
        {"epsilon": True},
        {"epsilon": 1e309},  # json 'Infinity' after overflow
        {"enterprise": ""},
        {"enterprise": "ent a"},
        {"datasets": []},
        {"datasets": "tourism.lodging_checkin"},
        {"datasets": ["tourism.lodging_checkin", "tourism.lodging_checkin"]},
        {"datasets": ["transit.bus_card_tap"]},  # outside the scenario: a grant never widens
        {"datasets": ["tourism"]},
        {"columns": {"transit.bus_card_tap": ["card_id"]}},
        {"columns": {"tourism.lodging_checkin": []}},
        {"columns": {"tourism.lodging_checkin": ["guest name"]}},
        {"columns": ["guest_name"]},
    ],
)
def test_when_a_claim_has_a_value_we_never_issue_then_invalid_claim(
    check: Callable[..., Any], signed: Callable[..., str], overrides: dict[str, Any]
) -> None:
    refused(lambda: check(signed(grant_payload(**overrides))), "token.invalid_claim")


@pytest.mark.parametrize("overrides", [{"role": "root"}, {"role": None}, {"department": "研究 部"}])
def test_when_staff_claim_is_invalid_then_invalid_claim(
    check: Callable[..., Any], signed: Callable[..., str], overrides: dict[str, Any]
) -> None:
    refused(lambda: check(signed(staff_payload(**overrides))), "token.invalid_claim")


# --- kind, revocation -----------------------------------------------------------------------------


def test_when_staff_token_is_presented_where_a_grant_is_required_then_wrong_kind(
    check: Callable[..., Any], signed: Callable[..., str]
) -> None:
    refused(lambda: check(signed(staff_payload()), kind="grant"), "token.wrong_kind")


def test_when_revoked_then_revoked(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    refused(lambda: check(signed(grant_payload()), revoked=True), "token.revoked")


def test_when_token_is_invalid_then_revocation_is_not_consulted(
    key: Ed25519PrivateKey, kid: str, signed: Callable[..., str]
) -> None:
    asked: list[str] = []

    def is_revoked(jti: str) -> bool:
        asked.append(jti)
        return False

    token = signed(grant_payload(exp=NOW - 3600, iat=NOW - 7200, nbf=NOW - 7200))
    with pytest.raises(GrantError):
        tokens.verify(token, {kid: key.public_key()}, now=NOW, is_revoked=is_revoked)
    assert asked == []


# --- acceptance and messages ----------------------------------------------------------------------


def test_when_valid_then_typed_claims_are_returned(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    columns = {"tourism.lodging_checkin": ["gender", "checkin_time"]}
    claims = check(signed(grant_payload(columns=columns)))
    assert isinstance(claims, GrantClaims)
    assert claims.datasets == ("common.dim_region", "tourism.lodging_checkin")
    assert claims.columns == {"tourism.lodging_checkin": ("gender", "checkin_time")}
    assert claims.epsilon == 1.0


def test_when_staff_token_is_valid_then_staff_claims(check: Callable[..., Any], signed: Callable[..., str]) -> None:
    claims = check(signed(staff_payload(role="department", department="dept-hpf")))
    assert claims == StaffClaims(
        iss="qdn-data-bureau",
        aud="qdn-sandbox",
        sub="alice",
        iat=NOW,
        nbf=NOW,
        exp=NOW + 86_400,
        jti="0b8e7c1e-8f6a-4b59-9d7c-1d2f3a4b5c6d",
        role="department",
        department="dept-hpf",
    )


def test_when_signed_by_sign_then_header_names_eddsa_and_our_kid(key: Ed25519PrivateKey, kid: str) -> None:
    claims = GrantClaims(
        iss="i", aud="a", sub="alice", iat=NOW, nbf=NOW, exp=NOW + 60, jti="j",
        enterprise="e", scenario="tourism", datasets=("tourism.x",), epsilon=0.5,
    )  # fmt: skip
    header = json.loads(unb64(tokens.sign(claims, key, kid).split(".")[0]))
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": kid}


def test_refusal_messages_are_bilingual_and_never_echo_token_contents(
    check: Callable[..., Any], signed: Callable[..., str], kid: str
) -> None:
    attacks = [
        signed(grant_payload(exp=NOW - 3600, iat=NOW - 7200, nbf=NOW - 7200)),
        signed(grant_payload(aud="secret-audience-xyz")),
        signed(grant_payload(scenario="secret-scenario-xyz")),
        segments({"alg": "none", "kid": kid}, grant_payload(sub="secret-user-xyz")) + ".",
    ]
    for token in attacks:
        with pytest.raises(GrantError) as caught:
            check(token)
        error = caught.value
        for text in (error.message, error.message_zh, str(error)):
            assert "xyz" not in text and "alice" not in text and "ent-a" not in text
            assert token not in text
        assert error.message_zh != error.message
