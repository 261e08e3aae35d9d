"""The grant's view of the catalogue: what is visible, and that it is built once per grant."""

from __future__ import annotations

from policy_support import catalog, make_grant

from sandbox.policy.grantview import grant_view


def test_when_the_same_grant_is_planned_twice_then_the_view_is_reused() -> None:
    grant = make_grant(("tourism.lodging_checkin",))
    assert grant_view(catalog(), grant) is grant_view(catalog(), make_grant(("tourism.lodging_checkin",), jti="x"))


def test_when_columns_are_narrowed_then_a_different_view_is_built() -> None:
    wide = grant_view(catalog(), make_grant(("tourism.lodging_checkin",)))
    narrow = grant_view(
        catalog(), make_grant(("tourism.lodging_checkin",), columns={"tourism.lodging_checkin": ("gender",)})
    )
    assert wide is not narrow
    table = narrow.table("tourism.lodging_checkin")
    assert table is not None and [c.name for c in table.visible] == ["gender"]
    assert "guest_name" in table.hidden and "hotel_id" in table.hidden


def test_denied_columns_are_hidden_and_unknown_datasets_grant_nothing() -> None:
    view = grant_view(catalog(), make_grant(("tourism.lodging_checkin", "tourism.no_such_table")))
    table = view.table("tourism.lodging_checkin")
    assert table is not None and table.hidden == frozenset({"guest_name", "room_no"})
    assert view.table("tourism.no_such_table") is None
