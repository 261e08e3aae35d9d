"""Typed token claims and the rules every claim value must satisfy (pure: no I/O, no crypto).

The same validators serve issuing (a bad request is a ``UsageError``) and verifying (a bad claim in a
signed token is a ``GrantError`` ``token.invalid_claim``), so a token can only carry what we would issue.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, ClassVar, Final, Literal

from sandbox.errors import GrantError

SCENARIOS: Final = ("tourism", "governance", "transit", "housing_fund")
COMMON_SCHEMA: Final = "common"
STAFF_ROLES: Final = ("reviewer", "auditor", "department", "admin")
KINDS: Final = ("grant", "staff")

Kind = Literal["grant", "staff"]

# sub becomes the JupyterHub user name: a closed pattern keeps "alice@ent-a" tricks out.
USER_RE: Final = re.compile(r"[a-z][a-z0-9-]{1,30}")
CODE_RE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
DATASET_RE: Final = re.compile(r"[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*")
COLUMN_RE: Final = re.compile(r"[a-z_][a-z0-9_]*")

REGISTERED_CLAIMS: Final = ("iss", "aud", "sub", "iat", "nbf", "exp", "jti", "kind")
GRANT_CLAIMS: Final = ("enterprise", "scenario", "datasets", "epsilon")
STAFF_CLAIMS: Final = ("role",)


@dataclass(frozen=True)
class GrantClaims:
    """An enterprise's authorization: who, for which scenario and datasets, until when, with what ε."""

    kind: ClassVar[Kind] = "grant"

    iss: str
    aud: str
    sub: str
    iat: int
    nbf: int
    exp: int
    jti: str
    enterprise: str
    scenario: str
    datasets: tuple[str, ...]
    epsilon: float
    columns: Mapping[str, tuple[str, ...]] | None = None

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.exp, UTC)

    def to_payload(self) -> dict[str, Any]:
        payload = {**_registered(self), "kind": self.kind, "enterprise": self.enterprise}
        payload |= {"scenario": self.scenario, "datasets": list(self.datasets), "epsilon": self.epsilon}
        if self.columns is not None:
            payload["columns"] = {table: list(cols) for table, cols in self.columns.items()}
        return payload


@dataclass(frozen=True)
class StaffClaims:
    """A bureau staff login (reviewer, auditor, supplying department, admin)."""

    kind: ClassVar[Kind] = "staff"

    iss: str
    aud: str
    sub: str
    iat: int
    nbf: int
    exp: int
    jti: str
    role: str
    department: str | None = None

    @property
    def expires_at(self) -> datetime:
        return datetime.fromtimestamp(self.exp, UTC)

    def to_payload(self) -> dict[str, Any]:
        payload = {**_registered(self), "kind": self.kind, "role": self.role}
        if self.department is not None:
            payload["department"] = self.department
        return payload


Claims = GrantClaims | StaffClaims


def _registered(claims: Claims) -> dict[str, Any]:
    names = ("iss", "aud", "sub", "iat", "nbf", "exp", "jti")
    return {name: getattr(claims, name) for name in names}


def claims_from_payload(payload: Mapping[str, Any]) -> Claims:
    """Typed claims from a verified payload; raises ``token.missing_claim`` or ``token.invalid_claim``."""
    _require(payload, REGISTERED_CLAIMS)
    kind = payload["kind"]
    claims: Claims
    if kind == "grant":
        claims = _grant_claims(payload)
    elif kind == "staff":
        _require(payload, STAFF_CLAIMS)
        department = payload.get("department")
        claims = StaffClaims(
            **_registered_from(payload),
            role=_choice(payload, "role", STAFF_ROLES),
            department=None if department is None else _code(payload, "department"),
        )
    else:
        raise invalid_claim("kind")
    if claims.nbf >= claims.exp or claims.iat > claims.exp:
        raise invalid_claim("exp")
    return claims


def _grant_claims(payload: Mapping[str, Any]) -> GrantClaims:
    _require(payload, GRANT_CLAIMS)
    claims = GrantClaims(
        **_registered_from(payload),
        enterprise=_code(payload, "enterprise"),
        scenario=_choice(payload, "scenario", SCENARIOS),
        datasets=_datasets(payload["datasets"]),
        epsilon=_epsilon(payload["epsilon"]),
        columns=_columns(payload.get("columns")),
    )
    # A signed grant still may not reach outside its scenario (a grant narrows, never widens).
    for dataset in claims.datasets:
        if dataset_schema(dataset) not in (claims.scenario, COMMON_SCHEMA):
            raise invalid_claim("datasets")
    if claims.columns is not None and not set(claims.columns) <= set(claims.datasets):
        raise invalid_claim("columns")
    return claims


def _registered_from(payload: Mapping[str, Any]) -> dict[str, Any]:
    user = payload["sub"]
    if not is_user_name(user):
        raise invalid_claim("sub")
    out: dict[str, Any] = {"sub": user}
    for name in ("iss", "aud", "jti"):
        value = payload[name]
        if not isinstance(value, str) or not value:
            raise invalid_claim(name)
        out[name] = value
    for name in ("iat", "nbf", "exp"):
        value = payload[name]
        if not isinstance(value, int) or isinstance(value, bool):
            raise invalid_claim(name)
        out[name] = value
    return out


def is_user_name(value: object) -> bool:
    return isinstance(value, str) and USER_RE.fullmatch(value) is not None


def is_code(value: object) -> bool:
    return isinstance(value, str) and CODE_RE.fullmatch(value) is not None


def is_dataset_name(value: object) -> bool:
    return isinstance(value, str) and DATASET_RE.fullmatch(value) is not None


def is_column_name(value: object) -> bool:
    return isinstance(value, str) and COLUMN_RE.fullmatch(value) is not None


def is_valid_epsilon(value: object, maximum: float = math.inf) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    return math.isfinite(value) and 0 < value <= maximum


def dataset_schema(dataset: str) -> str:
    return dataset.split(".", 1)[0]


def _require(payload: Mapping[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if name not in payload:
            raise missing_claim(name)


def _code(payload: Mapping[str, Any], name: str) -> str:
    value = payload[name]
    if not is_code(value):
        raise invalid_claim(name)
    return str(value)


def _choice(payload: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str:
    value = payload[name]
    if not isinstance(value, str) or value not in allowed:
        raise invalid_claim(name)
    return value


def _datasets(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(is_dataset_name(item) for item in value):
        raise invalid_claim("datasets")
    if len(set(value)) != len(value):
        raise invalid_claim("datasets")
    return tuple(value)


def _epsilon(value: object) -> float:
    if not is_valid_epsilon(value):
        raise invalid_claim("epsilon")
    assert isinstance(value, int | float)
    return float(value)


def _columns(value: object) -> Mapping[str, tuple[str, ...]] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_claim("columns")
    columns: dict[str, tuple[str, ...]] = {}
    for table, cols in value.items():
        if not is_dataset_name(table) or not isinstance(cols, list) or not cols:
            raise invalid_claim("columns")
        if not all(is_column_name(col) for col in cols):
            raise invalid_claim("columns")
        columns[table] = tuple(cols)
    return columns


def missing_claim(name: str) -> GrantError:
    return GrantError(
        f"The token lacks the required claim '{name}'.",
        f"令牌缺少必需的声明“{name}”。",
        code="token.missing_claim",
    )


def invalid_claim(name: str) -> GrantError:
    return GrantError(
        f"The token's claim '{name}' has a value the bureau never issues.",
        f"令牌的声明“{name}”取值无效（本局不会签发此值）。",
        code="token.invalid_claim",
    )
