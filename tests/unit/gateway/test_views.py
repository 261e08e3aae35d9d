"""What a grant sees of the catalogue, itself and its budget."""

from __future__ import annotations

import pytest

from sandbox.catalog import Catalog, load_catalog
from sandbox.grants import GrantClaims
from sandbox.queries.views import budget_view, catalog_view, whoami_view
from sandbox.settings import DEFAULT_POLICIES


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(DEFAULT_POLICIES)


def grant(**overrides: object) -> GrantClaims:
    values: dict[str, object] = {
        "iss": "i", "aud": "a", "sub": "dev01", "iat": 1, "nbf": 1, "exp": 2_000_000_000, "jti": "j-1",
        "enterprise": "ent-a", "scenario": "tourism", "epsilon": 2.0,
        "datasets": ("common.dim_region", "tourism.lodging_checkin", "tourism.tour_scenic_spot"),
    }  # fmt: skip
    values |= overrides
    return GrantClaims(**values)  # type: ignore[arg-type]


def test_the_catalogue_lists_only_granted_datasets(catalog: Catalog) -> None:
    view = catalog_view(catalog, grant())

    assert [d["name"] for d in view["datasets"]] == [
        "common.dim_region",
        "tourism.lodging_checkin",
        "tourism.tour_scenic_spot",
    ]


def test_denied_columns_are_named_as_denied_and_nothing_more(catalog: Catalog) -> None:
    lodging = next(d for d in catalog_view(catalog, grant())["datasets"] if d["name"] == "tourism.lodging_checkin")
    columns = {c["name"]: c for c in lodging["columns"]}

    assert columns["guest_name"] == {"name": "guest_name", "denied": True}
    assert columns["guest_id_no"]["handling"] == "hash"
    assert columns["guest_id_no"]["name_zh"] == "旅客身份证号码"
    assert columns["birth_date"]["handling"] == "generalize:age_band"
    assert lodging["policy"]["access_mode"] == "aggregate"
    assert lodging["policy"]["k"] == 20
    assert lodging["classification"]["level"] == 4


def test_a_grant_listing_columns_sees_the_others_as_denied(catalog: Catalog) -> None:
    narrowed = grant(columns={"tourism.tour_scenic_spot": ("spot_id", "name")})
    spot = next(d for d in catalog_view(catalog, narrowed)["datasets"] if d["name"] == "tourism.tour_scenic_spot")

    assert [c["name"] for c in spot["columns"] if not c["denied"]] == ["spot_id", "name"]


def test_whoami_and_budget_describe_the_grant(catalog: Catalog) -> None:
    me = whoami_view(grant())
    budget = budget_view(catalog, grant())

    assert (me["user"], me["enterprise"], me["grant"], me["epsilon"]) == ("dev01", "ent-a", "j-1", 2.0)
    assert [row["dataset"] for row in budget["datasets"]] == list(grant().datasets)
    assert all(row["epsilon_allocated"] == 2.0 == row["epsilon_remaining"] for row in budget["datasets"])
    assert all(row["epsilon_spent"] == 0 for row in budget["datasets"])
