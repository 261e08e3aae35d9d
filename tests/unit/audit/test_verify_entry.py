"""The CLI entry point: keys from files, a missing log, a saved checkpoint file."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from audit_support import query_event

from audit import (
    generate_signing_key,
    load_public_key,
    load_signing_key,
    open_log,
    verify_location,
)
from audit.store import is_postgres


def test_generated_key_is_owner_read_only_and_round_trips(tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "keys" / "audit.key")
    assert stat.S_IMODE((tmp_path / "keys" / "audit.key").stat().st_mode) == 0o400
    assert load_signing_key(tmp_path / "keys" / "audit.key").public_key() == key.public_key()
    assert load_public_key(tmp_path / "keys" / "audit.key.pub") == key.public_key()
    with pytest.raises(FileExistsError):
        generate_signing_key(tmp_path / "keys" / "audit.key")


def test_verify_location_passes_on_a_healthy_log_with_a_saved_checkpoint(tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "audit.key")
    with open_log(f"sqlite:///{tmp_path}/audit.db", key) as log:
        for i in range(5):
            log.append(query_event(i))
        log.export_checkpoint(tmp_path / "saved.txt")
        log.append(query_event(5))
        log.checkpoint()
    report = verify_location(tmp_path / "audit.db", tmp_path / "audit.key.pub", tmp_path / "saved.txt")
    assert report.ok and report.external_checked
    assert report.lines()[0] == "PASS: 6 entries, 2 checkpoints"
    assert report.lines("zh")[0] == "通过：6 条记录，2 个检查点"


def test_a_missing_log_fails_and_is_not_created(tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "audit.key")
    report = verify_location(tmp_path / "nope.db", key.public_key())
    assert not report.ok
    assert [f.code for f in report.findings] == ["log.missing"]
    assert not (tmp_path / "nope.db").exists()


def test_unsealed_entries_are_a_warning_not_a_failure(tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "audit.key")
    with open_log(tmp_path / "audit.db", None) as log:  # no key: nothing is ever sealed
        log.append(query_event(1))
    report = verify_location(tmp_path / "audit.db", key.public_key())
    assert report.ok
    assert [(f.code, f.severity) for f in report.findings] == [("checkpoint.none", "warning")]


def test_an_unreadable_or_garbled_saved_checkpoint_fails_with_a_finding(tmp_path: Path) -> None:
    key = generate_signing_key(tmp_path / "audit.key")
    with open_log(tmp_path / "audit.db", key) as log:
        log.append(query_event(1))
    (tmp_path / "garbled.txt").write_text("not a checkpoint\n")
    for saved in (tmp_path / "absent.txt", tmp_path / "garbled.txt"):
        report = verify_location(tmp_path / "audit.db", key.public_key(), saved)
        assert not report.ok
        assert [f.code for f in report.findings] == ["external.malformed"]


@pytest.mark.parametrize(
    ("location", "postgres"),
    [
        ("postgresql://postgres@127.0.0.1:5432/x", True),
        ("postgres://h/x", True),
        ("user=postgres dbname=x host=127.0.0.1", True),
        ("/var/lib/sandbox/audit.sqlite", False),
        ("sqlite:////var/lib/sandbox/audit.sqlite", False),
    ],
)
def test_locations_are_routed_to_the_right_backend(location: str, postgres: bool) -> None:
    assert is_postgres(location) is postgres
