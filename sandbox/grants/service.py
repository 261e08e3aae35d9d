"""Issue, list, revoke and verify the bureau's tokens, with the register as the source of truth.

A grant narrows, never widens: it may name only datasets of its scenario plus the shared ``common``
dimensions. Every token is registered before it is returned, and verification refuses a correctly
signed token that the register does not hold (a leaked signing key cannot mint usable grants unnoticed).
"""

from __future__ import annotations

import math
import time
import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from sandbox.errors import GrantError, UsageError
from sandbox.grants.claims import (
    COMMON_SCHEMA,
    SCENARIOS,
    STAFF_ROLES,
    Claims,
    GrantClaims,
    Kind,
    StaffClaims,
    dataset_schema,
    is_code,
    is_column_name,
    is_user_name,
    is_valid_epsilon,
)
from sandbox.grants.keys import key_id
from sandbox.grants.records import GrantRecord, GrantStore, RevokeResult
from sandbox.grants.tokens import DEFAULT_AUDIENCE, DEFAULT_ISSUER, DEFAULT_LEEWAY_SECONDS, sign, token_error
from sandbox.grants.tokens import verify as verify_token

if TYPE_CHECKING:
    from sandbox.grants.sessions import SessionService

DAY_SECONDS = 86_400


@dataclass(frozen=True)
class GrantConfig:
    """Issuing and verifying parameters; defaults are the platform's."""

    issuer: str = DEFAULT_ISSUER
    audience: str = DEFAULT_AUDIENCE
    leeway_seconds: float = DEFAULT_LEEWAY_SECONDS
    default_epsilon: float = 1.0
    max_epsilon: float = 10.0  # beyond ~10 a DP guarantee is meaningless for person-level data
    default_days: int = 30
    default_staff_days: int = 7
    max_days: int = 366


@dataclass(frozen=True)
class IssuedGrant:
    token: str
    jti: str
    claims: GrantClaims


@dataclass(frozen=True)
class IssuedStaffToken:
    token: str
    jti: str
    claims: StaffClaims


@dataclass
class GrantService:
    """The one entry point for authorizations; build it with ``sandbox.grants.bootstrap``."""

    store: GrantStore
    signing_key: Ed25519PrivateKey
    config: GrantConfig = field(default_factory=GrantConfig)
    clock: Callable[[], float] = time.time
    # Extra public keys still accepted (key rotation); the signing key's own is always included.
    extra_keys: Mapping[str, Ed25519PublicKey] = field(default_factory=dict)
    # Notebook-server session tokens (``sst_…``) speak for their grant; None: they are refused.
    sessions: SessionService | None = None

    @property
    def kid(self) -> str:
        return key_id(self.signing_key.public_key())

    @property
    def verification_keys(self) -> dict[str, Ed25519PublicKey]:
        return {**self.extra_keys, self.kid: self.signing_key.public_key()}

    def issue_grant(
        self,
        *,
        user: str,
        enterprise: str,
        scenario: str,
        known_datasets: Mapping[str, str],
        datasets: Sequence[str] | None = None,
        columns: Mapping[str, Sequence[str]] | None = None,
        epsilon: float | None = None,
        days: int | None = None,
        known_columns: Mapping[str, Collection[str]] | None = None,
    ) -> IssuedGrant:
        """Sign and register an authorization for ``user`` of ``enterprise`` on ``scenario``.

        ``known_datasets`` maps every catalogued dataset ("schema.table") to its scenario (``common``
        for shared dimensions); ``datasets`` defaults to all of the scenario's plus ``common.*``.
        ``known_columns`` (dataset → column names), when given, is used to check ``columns``.
        """
        _check_user(user)
        _check_code(enterprise, "enterprise", "企业代码")
        if scenario not in SCENARIOS:
            raise _usage(
                "grant.unknown_scenario",
                f"Unknown scenario {scenario!r}; choose one of {', '.join(SCENARIOS)}.",
                f"未知场景 {scenario!r}；可选：{', '.join(SCENARIOS)}。",
            )
        chosen = _scope_datasets(scenario, datasets, known_datasets)
        scoped_columns = _scope_columns(columns, chosen, known_columns)
        budget = self.config.default_epsilon if epsilon is None else epsilon
        if not is_valid_epsilon(budget, self.config.max_epsilon):
            raise _usage(
                "grant.invalid_epsilon",
                f"The privacy budget epsilon must be a number in (0, {self.config.max_epsilon:g}].",
                f"隐私预算 epsilon 须为 (0, {self.config.max_epsilon:g}] 之间的数。",
            )
        claims = GrantClaims(
            **self._registered_claims(user, self.config.default_days if days is None else days),
            enterprise=enterprise,
            scenario=scenario,
            datasets=chosen,
            epsilon=float(budget),
            columns=scoped_columns,
        )
        return IssuedGrant(token=self._sign_and_register(claims), jti=claims.jti, claims=claims)

    def issue_staff_token(
        self,
        *,
        user: str,
        role: str,
        department: str | None = None,
        days: int | None = None,
        known_departments: Collection[str] | None = None,
    ) -> IssuedStaffToken:
        """Sign and register a staff login; role ``department`` needs a department code."""
        _check_user(user)
        if role not in STAFF_ROLES:
            raise _usage(
                "staff.unknown_role",
                f"Unknown staff role {role!r}; choose one of {', '.join(STAFF_ROLES)}.",
                f"未知的工作人员角色 {role!r}；可选：{', '.join(STAFF_ROLES)}。",
            )
        if role == "department" and department is None:
            raise _usage(
                "staff.department_required",
                "Role 'department' needs --department CODE.",
                "角色 department 需要指定 --department 部门代码。",
            )
        if department is not None:
            _check_code(department, "department", "部门代码")
            if known_departments is not None and department not in known_departments:
                raise _usage(
                    "staff.unknown_department",
                    f"Department {department!r} is not in the catalogue.",
                    f"部门 {department!r} 不在目录中。",
                )
        claims = StaffClaims(
            **self._registered_claims(user, self.config.default_staff_days if days is None else days),
            role=role,
            department=department,
        )
        return IssuedStaffToken(token=self._sign_and_register(claims), jti=claims.jti, claims=claims)

    def list_grants(self, *, include_revoked: bool = False) -> list[GrantRecord]:
        """Registered tokens, oldest first (expired ones included; see ``GrantRecord.status``)."""
        return self.store.list(include_revoked=include_revoked)

    def revoke(self, jti: str, *, by: str, reason: str | None = None) -> RevokeResult:
        """Revoke ``jti``; revoking again changes nothing and reports ``already_revoked``."""
        if not by.strip():
            raise _usage("grant.revoker_required", "Say who revokes (--by).", "请说明撤销人（--by）。")
        result = self.store.revoke(jti, at=self.now(), by=by, reason=reason)
        if result is None:
            raise GrantError(
                "No token with this id (jti) is in the register.",
                "登记中没有此编号（jti）的令牌。",
                code="grant.unknown",
            )
        return result

    def verify(self, token: str, *, kind: Kind | None = None) -> Claims:
        """Verify ``token`` cryptographically and against the register (revocation, issuance)."""
        held: dict[str, GrantRecord] = {}

        def is_revoked(jti: str) -> bool:
            record = self.store.get(jti)
            if record is None:
                raise token_error("token.unknown_grant")
            held[jti] = record
            return record.revoked_at is not None

        claims = verify_token(
            token,
            self.verification_keys,
            audience=self.config.audience,
            issuer=self.config.issuer,
            now=self.clock(),
            leeway=self.config.leeway_seconds,
            is_revoked=is_revoked,
            kind=kind,
        )
        if self._record(claims, key=held[claims.jti].key_id) != held[claims.jti]:
            # Same jti, different content: minted outside this register.
            raise token_error("token.unknown_grant")
        return claims

    def verify_any(self, token: str) -> Claims:
        """Any bureau-issued credential: a staff login, a grant token or a hub session token (``sst_``)."""
        return self.verify_grant(token) if token.startswith("sst_") else self.verify(token)

    def verify_grant(self, token: str) -> GrantClaims:
        if token.startswith("sst_"):  # a hub session token: checked against its own register
            if self.sessions is None:
                raise token_error("token.malformed")
            return self.sessions.verify(token)
        claims = self.verify(token, kind="grant")
        if not isinstance(claims, GrantClaims):  # unreachable: verify enforces the kind
            raise token_error("token.wrong_kind")
        return claims

    def verify_staff(self, token: str) -> StaffClaims:
        claims = self.verify(token, kind="staff")
        if not isinstance(claims, StaffClaims):  # unreachable: verify enforces the kind
            raise token_error("token.wrong_kind")
        return claims

    def now(self) -> datetime:
        return datetime.fromtimestamp(self.clock(), UTC)

    def _term(self, days: int) -> tuple[int, int]:
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= self.config.max_days:
            raise _usage(
                "grant.invalid_days",
                f"The term must be a whole number of days from 1 to {self.config.max_days}.",
                f"期限须为 1 至 {self.config.max_days} 之间的整天数。",
            )
        iat = math.floor(self.clock())
        return iat, iat + days * DAY_SECONDS

    def _registered_claims(self, user: str, days: int) -> dict[str, Any]:
        """The registered JWT claims of a new token: issuer, audience, subject, term and a fresh jti."""
        iat, exp = self._term(days)
        return {
            "iss": self.config.issuer,
            "aud": self.config.audience,
            "sub": user,
            "iat": iat,
            "nbf": iat,
            "exp": exp,
            "jti": str(uuid.uuid4()),
        }

    def _sign_and_register(self, claims: Claims) -> str:
        """Register before handing out: a token the register does not hold never verifies."""
        token = sign(claims, self.signing_key, self.kid)
        self.store.add(self._record(claims))
        return token

    def _record(self, claims: Claims, key: str | None = None) -> GrantRecord:
        record = GrantRecord(
            jti=claims.jti,
            kind=claims.kind,
            subject=claims.sub,
            issued_at=datetime.fromtimestamp(claims.iat, UTC),
            not_before=datetime.fromtimestamp(claims.nbf, UTC),
            expires_at=datetime.fromtimestamp(claims.exp, UTC),
            key_id=self.kid if key is None else key,
        )
        if isinstance(claims, GrantClaims):
            return replace(
                record,
                enterprise=claims.enterprise,
                scenario=claims.scenario,
                datasets=claims.datasets,
                columns=claims.columns,
                epsilon=claims.epsilon,
            )
        return replace(record, role=claims.role, department=claims.department)


def _scope_datasets(scenario: str, requested: Sequence[str] | None, known: Mapping[str, str]) -> tuple[str, ...]:
    def in_scope(name: str) -> bool:
        schema = dataset_schema(name)
        return schema == COMMON_SCHEMA or (schema == scenario and known[name] == scenario)

    if requested is None:
        chosen = sorted(name for name in known if in_scope(name))
        if not any(dataset_schema(name) == scenario for name in chosen):
            raise _usage(
                "grant.no_datasets",
                f"The catalogue has no datasets for scenario {scenario!r}; run `sandbox demo-data` first.",
                f"目录中没有场景 {scenario!r} 的数据集；请先运行 `sandbox demo-data`。",
            )
        return tuple(chosen)
    names = [name.strip() for name in requested]
    if not names:
        raise _usage("grant.no_datasets", "List at least one dataset.", "请至少列出一个数据集。")
    for name in names:
        if name not in known:
            raise _usage(
                "grant.unknown_dataset",
                f"Dataset {name!r} is not in the catalogue (expected schema.table).",
                f"数据集 {name!r} 不在目录中（格式应为 schema.table）。",
            )
        if not in_scope(name):
            raise _usage(
                "grant.dataset_outside_scenario",
                f"Dataset {name!r} does not belong to scenario {scenario!r} or to common;"
                " a grant can only narrow its scenario.",
                f"数据集 {name!r} 不属于场景 {scenario!r} 或公共维度（common）；授权只能收窄、不能扩大范围。",
            )
    return tuple(sorted(set(names)))


def _scope_columns(
    columns: Mapping[str, Sequence[str]] | None,
    datasets: tuple[str, ...],
    known_columns: Mapping[str, Collection[str]] | None,
) -> dict[str, tuple[str, ...]] | None:
    if columns is None:
        return None
    scoped: dict[str, tuple[str, ...]] = {}
    for dataset, cols in columns.items():
        if dataset not in datasets:
            raise _usage(
                "grant.columns_outside_grant",
                f"Columns are listed for {dataset!r}, which the grant does not include.",
                f"为 {dataset!r} 列出了字段，但该授权不包含此数据集。",
            )
        if not cols or not all(is_column_name(col) for col in cols):
            raise _usage(
                "grant.invalid_columns",
                f"The column list for {dataset!r} must be non-empty lower-case column names.",
                f"{dataset!r} 的字段列表须为非空的小写字段名。",
            )
        if known_columns is not None:
            unknown = sorted(set(cols) - set(known_columns.get(dataset, ())))
            if unknown:
                raise _usage(
                    "grant.unknown_column",
                    f"{dataset} has no column(s) {', '.join(unknown)}.",
                    f"{dataset} 没有字段 {', '.join(unknown)}。",
                )
        scoped[dataset] = tuple(dict.fromkeys(cols))
    return scoped


def _check_user(user: str) -> None:
    if not is_user_name(user):
        raise _usage(
            "grant.invalid_user",
            "The user name must be 2-31 characters: a lower-case letter, then lower-case letters, digits or '-'.",
            "用户名须为 2 至 31 个字符：以小写字母开头，其后为小写字母、数字或“-”。",
        )


def _check_code(value: str, name: str, name_zh: str) -> None:
    if not is_code(value):
        raise _usage(
            f"grant.invalid_{name}",
            f"The {name} code must be 1-64 characters of letters, digits, '.', '_' or '-'.",
            f"{name_zh}须为 1 至 64 个字母、数字、“.”、“_”或“-”。",
        )


def _usage(code: str, message: str, message_zh: str) -> UsageError:
    return UsageError(message, message_zh, code=code)
