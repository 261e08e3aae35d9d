"""The airlock's one transition table: complete, closed at the final states, and the doc diagram current."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.exports.errors import InvalidTransition
from sandbox.exports.states import FINAL_STATES, STATE_OWNER, TRANSITIONS, State, can, render_into, transition

DOC = Path(__file__).resolve().parents[3] / "docs" / "exports.md"


def test_every_state_has_an_owner_entry_and_is_reachable_from_draft() -> None:
    assert set(STATE_OWNER) == set(State)
    reached, frontier = {State.DRAFT}, [State.DRAFT]
    while frontier:
        here = frontier.pop()
        for t in TRANSITIONS:
            if t.source is here and t.target not in reached:
                reached.add(t.target)
                frontier.append(t.target)
    assert reached == set(State)


def test_when_a_request_is_rejected_or_revoked_then_nothing_leaves_that_state() -> None:
    assert {State.REJECTED, State.REVOKED} == FINAL_STATES
    assert not [t for t in TRANSITIONS if t.source in FINAL_STATES]


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (State.REJECTED, "resubmit"),
        (State.BLOCKED, "approve"),
        (State.DRAFT, "release"),
        (State.AWAITING_REVIEW, "release"),
        (State.RETURNED, "approve"),
        (State.RELEASED, "resubmit"),
        (State.REVOKED, "release"),
    ],
)
def test_when_the_table_has_no_such_transition_then_it_is_refused_naming_the_rule(state: State, action: str) -> None:
    assert not can(state, action)
    with pytest.raises(InvalidTransition) as caught:
        transition(state, action)
    assert state.value in caught.value.message and "state table" in caught.value.message


def test_every_transition_is_an_audit_event_type_the_log_knows() -> None:
    import audit

    assert {t.event for t in TRANSITIONS} <= set(audit.EVENT_TYPES)


def test_the_diagram_in_docs_is_generated_from_the_current_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render_into(text) == text, "run `python -m sandbox.exports.states` to regenerate docs/exports.md"
    for t in TRANSITIONS:
        assert f"{t.source.value} --> {t.target.value}: {t.action}" in text
