"""Typed events: validation, the stored body, presenters."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audit.events import (
    EVENT_TYPES,
    FORBIDDEN_DETAIL_KEYS,
    MAX_BODY_BYTES,
    AuditEvent,
    EventError,
    decode_body,
    encode_body,
    format_ts,
    present,
    reference_body,
)


def _query() -> AuditEvent:
    return AuditEvent(
        "query",
        "analyst-7f3a",
        "allowed",
        target="tourism.lodging_checkin",
        enterprise="E001",
        grant="jti-1",
        correlation_id="req-42",
        detail={"sql": "SELECT count(*) FROM t", "rewritten_sql": "SELECT ...", "datasets": ["tourism.x"], "rows": 3},
    )


def test_body_carries_version_seq_time_and_all_fields() -> None:
    body = json.loads(encode_body(_query(), 17, 1_700_000_000_123_456))
    assert body["v"] == 1
    assert body["seq"] == 17
    assert body["ts"] == "2023-11-14T22:13:20.123456Z"
    assert (body["type"], body["actor"], body["outcome"], body["correlation_id"]) == (
        "query",
        "analyst-7f3a",
        "allowed",
        "req-42",
    )
    assert body["detail"]["sql"] == "SELECT count(*) FROM t"


def test_body_round_trips_through_decode() -> None:
    seq, ts, event = decode_body(encode_body(_query(), 3, 1_000_000))
    assert (seq, format_ts(1_000_000)) == (3, ts.strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
    assert event == AuditEvent(**{**_query().__dict__, "detail": dict(_query().detail)})


@pytest.mark.parametrize(
    "event",
    [
        AuditEvent("Query", "a", "allowed"),
        AuditEvent("query..x", "a", "allowed"),
        AuditEvent("query", "", "allowed"),
        AuditEvent("query", "a", "maybe"),  # type: ignore[arg-type]
        AuditEvent("query", "a", "allowed", detail={"result": [[1, "张三"]]}),
        AuditEvent("query", "a", "allowed", detail={"values": [1]}),
    ],
)
def test_malformed_or_data_carrying_events_are_refused(event: AuditEvent) -> None:
    with pytest.raises(EventError):
        event.validate()


def test_oversized_events_are_refused() -> None:
    with pytest.raises(EventError, match="limit"):
        encode_body(AuditEvent("query", "a", "allowed", detail={"sql": "x" * MAX_BODY_BYTES}), 1, 0)


def test_datasets_are_read_from_detail() -> None:
    assert _query().datasets == ("tourism.x",)
    assert AuditEvent("query", "a", "allowed", detail={"datasets": "a.b"}).datasets == ("a.b",)


@pytest.mark.parametrize("name", sorted(EVENT_TYPES))
def test_every_event_type_has_a_bilingual_presenter(name: str) -> None:
    event = AuditEvent(name, "u1", "allowed", target="x")
    en, zh = present(event, "en"), present(event, "zh")
    assert EVENT_TYPES[name][0] in en and "u1" in en
    assert EVENT_TYPES[name][1] in zh and "u1" in zh


_text = st.text(max_size=8)
_detail = st.dictionaries(
    _text,
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _text
    | st.lists(_text, max_size=3),
    max_size=4,
)


@given(
    st.sampled_from(sorted(EVENT_TYPES)),
    _text.filter(bool),
    st.sampled_from(["allowed", "refused", "error"]),
    _text,
    st.none() | _text,
    _detail.filter(lambda d: not FORBIDDEN_DETAIL_KEYS.intersection(d)),
    st.integers(1, 2**53 - 1),
    st.integers(0, 4_000_000_000_000_000),
)
def test_pre_encoded_body_equals_the_canonical_encoding_of_the_whole_entry(
    type_: str, actor: str, outcome: str, target: str, enterprise: str | None, detail: dict, seq: int, ts: int
) -> None:
    event = AuditEvent(type_, actor, outcome, target=target, enterprise=enterprise, detail=detail)  # type: ignore[arg-type]
    assert encode_body(event, seq, ts) == reference_body(event, seq, ts)
