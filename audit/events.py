"""Typed audit events and the entry body that is hashed.

The caller supplies an :class:`AuditEvent`; the log assigns the sequence number and time and stores the
canonical body bytes. Personal data stays out: SQL text is kept, result values are not (see
``FORBIDDEN_DETAIL_KEYS`` and ``MAX_BODY_BYTES``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from audit.canonical import CanonicalError, canonical_bytes

SCHEMA_VERSION = 1
MAX_BODY_BYTES = 64 * 1024
Outcome = Literal["allowed", "refused", "error", "requested", "succeeded", "unknown"]
OUTCOMES: frozenset[str] = frozenset(("allowed", "refused", "error", "requested", "succeeded", "unknown"))
# Result values must never reach the log: an auditor needs the query, the row count and a result hash.
FORBIDDEN_DETAIL_KEYS: frozenset[str] = frozenset(("result", "results", "values", "records", "data"))
_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$")

# Every known event type with its English and Chinese label (the presenter vocabulary).
EVENT_TYPES: Mapping[str, tuple[str, str]] = {
    "login": ("login", "登录"),
    "logout": ("logout", "登出"),
    "spawn": ("notebook spawn", "启动分析环境"),
    "spawn.stop": ("notebook stop", "停止分析环境"),
    "query": ("query", "查询"),
    "budget.charge": ("privacy budget charge", "隐私预算扣减"),
    "model.train": ("DP model training", "差分隐私模型训练"),
    "export.request": ("export request", "导出申请"),
    "export.check": ("export check result", "导出检查结果"),
    "export.review": ("export review decision", "导出审核决定"),
    "export.release": ("export release", "导出发布"),
    "export.download": ("export download", "导出下载"),
    "export.revoke": ("export release revoked", "导出发布撤销"),
    "credits.read": ("credits read", "贡献积分查阅"),
    "credits.statement": ("monthly credit statement frozen", "月度贡献明细冻结"),
    "credits.certificate": ("data-element certificate issued", "数据要素凭证签发"),
    "report.read": ("security self-report read", "安全自查报告查阅"),
    "report.submit": ("security self-report submitted", "安全自查报告提交"),
    "grant.issue": ("grant issued", "授权签发"),
    "grant.revoke": ("grant revoked", "授权撤销"),
    "grant.whoami": ("grant identity read", "授权信息查询"),
    "token.issue": ("staff token issued", "工作人员令牌签发"),
    "catalog.read": ("catalogue read", "数据目录查阅"),
    "budget.read": ("privacy budget read", "隐私预算查询"),
    "config.change": ("configuration change", "配置变更"),
    "audit.read": ("audit log read", "审计日志查阅"),
    "audit.export": ("audit log export", "审计日志导出"),
    "audit.retention": ("audit retention deletion", "审计日志到期清理"),
    "audit.system": ("audit system event", "审计系统事件"),
}


class EventError(ValueError):
    """The event is malformed or would copy data the log must not hold."""


@dataclass(frozen=True)
class AuditEvent:
    """What happened; time and sequence are assigned by the log."""

    type: str
    actor: str
    outcome: Outcome
    target: str = ""
    enterprise: str | None = None
    grant: str | None = None
    correlation_id: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)

    def validate(self) -> None:
        if not _TYPE_RE.match(self.type):
            raise EventError(f"event type {self.type!r} must be dotted lower-case words")
        if not self.actor:
            raise EventError("event actor must not be empty")
        if self.outcome not in OUTCOMES:
            raise EventError(f"outcome must be one of {sorted(OUTCOMES)}")
        bad = FORBIDDEN_DETAIL_KEYS.intersection(self.detail)
        if bad:
            raise EventError(f"detail must not carry result values (keys {sorted(bad)})")

    @property
    def datasets(self) -> tuple[str, ...]:
        raw = self.detail.get("datasets", ())
        if isinstance(raw, str):
            return (raw,)
        return tuple(str(d) for d in raw) if isinstance(raw, list | tuple) else ()


@dataclass(frozen=True)
class LoggedEvent:
    """An event as stored: its sequence number, log time and exact body bytes."""

    seq: int
    ts: datetime
    event: AuditEvent
    body: bytes


def format_ts(ts_us: int) -> str:
    """Microsecond UTC timestamp as fixed-width RFC 3339 text (sorts as it compares)."""
    return datetime.fromtimestamp(ts_us / 1_000_000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def to_ts_us(moment: datetime) -> int:
    if moment.tzinfo is None:
        raise EventError("times must be timezone-aware")
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@dataclass(frozen=True)
class EncodedEvent:
    """An event's canonical bytes around the two fields the sequencer fills in (seq and ts).

    Keys sort as actor, correlation_id, detail, enterprise, grant, outcome, seq, target, ts, type, v, so the
    body is ``prefix ‖ seq ‖ middle ‖ ts ‖ suffix``; encoding happens once, in the producer's thread.
    """

    event: AuditEvent
    prefix: bytes
    middle: bytes
    suffix: bytes

    def body(self, seq: int, ts_us: int, ts_text: bytes | None = None) -> bytes:
        ts = ts_text if ts_text is not None else format_ts(ts_us).encode()
        body = b"".join((self.prefix, str(seq).encode(), self.middle, ts, self.suffix))
        if len(body) > MAX_BODY_BYTES:
            raise EventError(f"event body is {len(body)} bytes; the limit is {MAX_BODY_BYTES}")
        return body


def encode_event(event: AuditEvent) -> EncodedEvent:
    """Validate and pre-encode an event (raises EventError for anything the log must refuse)."""
    event.validate()

    def enc(value: Any) -> bytes:
        return canonical_bytes(value)

    try:
        prefix = b"".join(
            (
                b'{"actor":', enc(event.actor),
                b',"correlation_id":', enc(event.correlation_id),
                b',"detail":', enc(dict(event.detail)),
                b',"enterprise":', enc(event.enterprise),
                b',"grant":', enc(event.grant),
                b',"outcome":', enc(event.outcome),
                b',"seq":',
            )
        )  # fmt: skip
        middle = b',"target":' + enc(event.target) + b',"ts":"'
        suffix = b'","type":' + enc(event.type) + b',"v":' + str(SCHEMA_VERSION).encode() + b"}"
    except CanonicalError as exc:
        raise EventError(f"event cannot be encoded: {exc}") from exc
    encoded = EncodedEvent(event, prefix, middle, suffix)
    encoded.body(2**53 - 1, 0)  # the size check, with the longest possible seq
    return encoded


def encode_body(event: AuditEvent, seq: int, ts_us: int) -> bytes:
    """The canonical entry body; these bytes are hashed and never re-serialised."""
    return encode_event(event).body(seq, ts_us)


def reference_body(event: AuditEvent, seq: int, ts_us: int) -> bytes:
    """The same body built from one dict (the definition ``EncodedEvent`` must agree with; used by tests)."""
    return canonical_bytes(
        {
            "v": SCHEMA_VERSION,
            "seq": seq,
            "ts": format_ts(ts_us),
            "type": event.type,
            "actor": event.actor,
            "enterprise": event.enterprise,
            "grant": event.grant,
            "target": event.target,
            "outcome": event.outcome,
            "correlation_id": event.correlation_id,
            "detail": dict(event.detail),
        }
    )


def decode_body(body: bytes) -> tuple[int, datetime, AuditEvent]:
    """Parse stored body bytes back into (seq, time, event)."""
    raw = json.loads(body)
    event = AuditEvent(
        type=raw["type"],
        actor=raw["actor"],
        outcome=raw["outcome"],
        target=raw["target"],
        enterprise=raw["enterprise"],
        grant=raw["grant"],
        correlation_id=raw["correlation_id"],
        detail=raw["detail"],
    )
    ts = datetime.strptime(raw["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return int(raw["seq"]), ts, event


def present(event: AuditEvent, lang: Literal["en", "zh"] = "en") -> str:
    """One human-readable line for an event (labels from ``EVENT_TYPES``)."""
    en, zh = EVENT_TYPES.get(event.type, (event.type, event.type))
    label = en if lang == "en" else zh
    target = f" {event.target}" if event.target else ""
    return (
        f"{label}{target} by {event.actor}: {event.outcome}"
        if lang == "en"
        else (f"{event.actor} {label}{target}：{event.outcome}")
    )
