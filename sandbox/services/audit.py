"""Audit use cases for operators and auditors: create the log, record events, verify, search, checkpoint."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import audit
from sandbox.errors import ConfigError, SandboxError
from sandbox.grants.keys import load_signing_key
from sandbox.settings import Settings


class AuditUnavailable(SandboxError):
    """The audit log could not make an event durable, so the action is refused (fail closed)."""

    code = "audit.unavailable"


@contextmanager
def open_audit(settings: Settings) -> Iterator[audit.SequencedLog]:
    """The platform's audit log, checkpoints signed with the bureau key."""
    key = load_signing_key(settings.signing_key_path, settings.key_passphrase)
    with audit.open_log(settings.audit_url, key) as log:
        yield log


def record(settings: Settings, type_: str, target: str, **fields: Any) -> None:
    """Append one operator event and return once it is durable; refuse loudly when it cannot be."""
    event = audit.AuditEvent(type=type_, actor=_actor(), outcome="succeeded", target=target, **fields)
    try:
        with open_audit(settings) as log:
            log.append(event)
    except audit.AuditUnavailable:
        raise AuditUnavailable(
            "The audit log could not record this action, so it was not completed; check the disk and "
            "SANDBOX_AUDIT_URL.",
            "审计日志无法记录此操作，操作未完成；请检查磁盘及 SANDBOX_AUDIT_URL。",
        ) from None


def verify(settings: Settings, checkpoint: Path | None) -> audit.VerifyReport:
    if not settings.public_key_path.is_file():
        raise ConfigError(
            f"No bureau public key at {settings.public_key_path}: run `sandbox init` first.",
            f"{settings.public_key_path} 处没有公钥：请先运行 `sandbox init`。",
            code="key.missing",
        )
    return audit.verify_location(settings.audit_url, settings.public_key_path, checkpoint)


def export_checkpoint(settings: Settings, path: Path) -> str:
    with open_audit(settings) as log:
        if log.latest_checkpoint() is None and not list(log.events(limit=1).events):
            raise SandboxError(
                "The audit log is empty: there is nothing to checkpoint yet.",
                "审计日志为空，尚无可签发的检查点。",
                code="audit.empty",
            )
        return log.export_checkpoint(path)


def search(settings: Settings, flt: audit.EventFilter, limit: int) -> list[audit.LoggedEvent]:
    """Events matching ``flt``; the read itself is audited first (auditors are audited too)."""
    asked = {k: str(v) for k, v in vars(flt).items() if v is not None}
    with open_audit(settings) as log:
        log.append(audit.AuditEvent(type="audit.read", actor=_actor(), outcome="allowed", detail={"filter": asked}))
        return log.events(flt, limit=limit).events


def _actor() -> str:
    return f"cli:{getpass.getuser()}"
