"""Tamper-evident audit log (independent of ``sandbox``): see docs/audit.md."""

from audit.checkpoint import Checkpoint, CheckpointError, SignedCheckpoint
from audit.checkpoint import parse as parse_checkpoint
from audit.events import EVENT_TYPES, AuditEvent, EventError, LoggedEvent, present
from audit.findings import Finding
from audit.keys import generate_signing_key, load_public_key, load_signing_key, public_key_pem
from audit.log import AuditLog, InclusionProof, Page, SequencedLog, open_log, open_store
from audit.merkle import verify_consistency, verify_inclusion
from audit.receipt import verify_receipt
from audit.retention import DEFAULT_RETENTION_DAYS, MIN_RETENTION_DAYS, RetentionError, RetentionPolicy
from audit.sequencer import AuditReceipt, AuditUnavailable, SequencerSettings
from audit.store import EventFilter
from audit.verify import VerifyReport, verify, verify_location

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "EVENT_TYPES",
    "MIN_RETENTION_DAYS",
    "AuditEvent",
    "AuditLog",
    "AuditReceipt",
    "AuditUnavailable",
    "Checkpoint",
    "CheckpointError",
    "EventError",
    "EventFilter",
    "Finding",
    "InclusionProof",
    "LoggedEvent",
    "Page",
    "RetentionError",
    "RetentionPolicy",
    "SequencedLog",
    "SequencerSettings",
    "SignedCheckpoint",
    "VerifyReport",
    "generate_signing_key",
    "load_public_key",
    "load_signing_key",
    "open_log",
    "open_store",
    "parse_checkpoint",
    "present",
    "public_key_pem",
    "verify",
    "verify_consistency",
    "verify_inclusion",
    "verify_location",
    "verify_receipt",
]
