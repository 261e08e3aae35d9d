"""The gateway's single error translator: statuses, the contract's shape, and nothing unsafe passed on."""

from __future__ import annotations

import pytest

from sandbox.errors import ConfigError, GrantError, UsageError, WarehouseError
from sandbox.gateway.errors import FIELDS, translate
from sandbox.policy import PolicyViolation
from sandbox.queries.errors import AuditUnavailable, RateLimited, body_too_large, missing_token, sql_too_large


def test_when_the_policy_refuses_then_403_names_rule_table_column_and_place() -> None:
    error = PolicyViolation(
        "column_denied", "denied", "拒绝", dataset="tourism.lodging_checkin", column="guest_name", line=1, col=8
    )

    status, body, _ = translate(error)

    assert status == 403
    assert body["error"] == {
        "code": "policy.column_denied",
        "message": error.message,
        "message_zh": error.message_zh,
        "rule": "column_denied",
        "dataset": "tourism.lodging_checkin",
        "column": "guest_name",
        "line": 1,
        "col": 8,
    }


def test_when_the_sql_does_not_parse_then_400_with_line_and_col() -> None:
    status, body, _ = translate(PolicyViolation("syntax", "bad", "错", line=2, col=5))

    assert status == 400
    assert (body["error"]["line"], body["error"]["col"]) == (2, 5)


@pytest.mark.parametrize("code", ["token.expired", "token.revoked", "token.wrong_kind", "token.bad_signature"])
def test_when_the_token_is_refused_then_401_with_the_reason(code: str) -> None:
    status, body, headers = translate(GrantError("m", "m", code=code))

    assert status == 401
    assert body["error"]["code"] == code
    assert code in headers["WWW-Authenticate"]


def test_when_no_token_then_401() -> None:
    status, body, _ = translate(missing_token())

    assert (status, body["error"]["code"]) == (401, "token.missing")


def test_when_rate_limited_then_429_with_retry_after() -> None:
    status, body, headers = translate(RateLimited(retry_after=2.2))

    assert (status, body["error"]["code"], body["error"]["rule"]) == (429, "rate.limited", "rate_limit")
    assert int(headers["Retry-After"]) >= 2


@pytest.mark.parametrize("error", [body_too_large(10), sql_too_large(10)])
def test_when_too_large_then_413(error: Exception) -> None:
    assert translate(error)[0] == 413


@pytest.mark.parametrize(("code", "status"), [("query.failed", 422), ("query.timeout", 504)])
def test_when_the_engine_fails_then_the_uniform_error_passes(code: str, status: int) -> None:
    result, body, _ = translate(WarehouseError("uniform", "统一", code=code))

    assert (result, body["error"]["code"], body["error"]["message"]) == (status, code, "uniform")


def test_when_the_audit_log_fails_then_503() -> None:
    assert translate(AuditUnavailable())[0] == 503


def test_when_usage_is_wrong_then_400() -> None:
    assert translate(UsageError("x", "x", code="usage.bad"))[0] == 400


@pytest.mark.parametrize(
    "error",
    [
        ConfigError("The secret /srv/home/keys/pseudonym.key is missing", code="key.missing"),
        WarehouseError("cannot open /srv/home/warehouse.duckdb", code="warehouse.missing"),
        RuntimeError("could not convert '522601199001011234' to INTEGER"),
        KeyError("/srv/home"),
    ],
)
def test_when_an_internal_error_happens_then_its_text_never_leaves(error: Exception) -> None:
    status, body, _ = translate(error)

    assert status in (500, 503)
    assert "/srv" not in str(body)
    assert "522601" not in str(body)
    assert set(body["error"]) == set(FIELDS)


def test_every_error_body_has_every_field() -> None:
    for error in (missing_token(), RateLimited(1.0), PolicyViolation("x", "m", "m"), AuditUnavailable()):
        assert set(translate(error)[1]["error"]) == set(FIELDS)
