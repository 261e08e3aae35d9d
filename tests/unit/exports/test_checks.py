"""The automatic disclosure checks, each with a failing and a passing look-alike; findings name file, place, rule."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sandbox.exports.checks import (
    CheckContext,
    EarlierTable,
    SubmittedFile,
    cells,
    differencing,
    dominance,
    identifiers,
    models,
    provenance,
    regression,
    row_caps,
    run_checks,
)
from sandbox.exports.model import CheckFinding, SourceQuery


def source(mode: str = "aggregate", level: int = 2, k: int = 10) -> SourceQuery:
    return SourceQuery(
        result_id="r-" + "0" * 32,
        seq=1,
        enterprise="ent-a",
        grant="g",
        sql="SELECT …",
        rewritten_sql="SELECT …",
        datasets=("tourism.lodging_checkin",),
        columns=(),
        mode=mode,
        max_level=level,
        k=k,
    )


def table_file(frame: pd.DataFrame, name: str = "t.csv") -> SubmittedFile:
    return SubmittedFile(name, frame.to_csv(index=False).encode(), "csv", frame)


def json_file(doc: object, name: str = "model.json", kind: str = "model_json") -> SubmittedFile:
    return SubmittedFile(name, json.dumps(doc).encode(), kind, None)


def ctx(*files: SubmittedFile, k: int = 10, mode: str = "aggregate", **more: object) -> CheckContext:
    return CheckContext(files=files, sources=(source(mode, k=k),), k=k, **more)  # type: ignore[arg-type]


def rules(found: list[CheckFinding], severity: str | None = None) -> set[str]:
    return {f.rule for f in found if severity is None or f.severity == severity}


COUNTIES = ["522601", "522622", "522623", "522624"]


def test_when_a_cell_counts_fewer_than_k_then_it_is_blocked_naming_file_column_and_rows() -> None:
    frame = pd.DataFrame({"county_code": COUNTIES, "visitors": [31, 4, 12, 0]})
    [small, zero] = cells.check(ctx(table_file(frame, "by_county.csv")))
    assert (small.rule, small.severity, small.file) == ("table.min_cell_count", "block", "by_county.csv")
    assert small.location == "column visitors, rows 2" and "4" not in small.message_en.replace("rows", "")
    assert (zero.rule, zero.severity, zero.location) == ("table.zero_cell", "review", "column visitors, rows 4")


def test_when_a_source_is_level_4_then_k_is_20_and_a_renamed_count_is_still_found() -> None:
    frame = pd.DataFrame({"county_code": COUNTIES, "checkins": [25, 19, 40, 22], "year": [2024] * 4})
    assert rules(cells.check(ctx(table_file(frame), k=10))) == set()
    assert rules(cells.check(ctx(table_file(frame), k=20))) == {"table.min_cell_count"}


def test_when_every_cell_is_large_or_the_source_is_open_data_then_no_cell_finding() -> None:
    big = pd.DataFrame({"county_code": COUNTIES, "n": [31, 44, 12, 10]})
    assert cells.check(ctx(table_file(big))) == []
    tiny = pd.DataFrame({"county_code": COUNTIES, "spots": [1, 2, 1, 3]})
    assert cells.check(ctx(table_file(tiny), mode="open")) == []


def test_when_a_column_is_an_identifier_then_the_table_is_blocked() -> None:
    frame = pd.DataFrame({"身份证号": ["x"] * 12, "n": [10] * 12})
    assert rules(identifiers.check(ctx(table_file(frame))), "block") == {"table.identifier_column"}
    catalogue_named = pd.DataFrame({"guest_ref": ["a"] * 3, "n": [10] * 3})
    found = identifiers.check(ctx(table_file(catalogue_named), identifier_columns=frozenset({"guest_ref"})))
    assert [f.location for f in found] == ["column guest_ref"]
    assert identifiers.check(ctx(table_file(pd.DataFrame({"county_code": COUNTIES, "n": [10] * 4})))) == []


def test_when_rows_come_from_masked_personal_data_without_counts_then_row_level_is_blocked() -> None:
    frame = pd.DataFrame({"county_code": ["522601"] * 15, "birth_year_band": ["1990s"] * 15})
    assert rules(identifiers.check(ctx(table_file(frame), mode="masked"))) == {"table.row_level"}


def test_dominance_nk_and_p_percent_only_where_contributors_are_carried() -> None:
    frame = pd.DataFrame(
        {"county_code": COUNTIES[:3], "total": [1000, 1000, 1000], "top1": [850, 300, 500], "top2": [80, 200, 460]}
    )
    found = dominance.check(ctx(table_file(frame)))
    by_rule = {f.rule: f.location for f in found}
    assert by_rule == {"table.dominance_nk": "column total, rows 1,3", "table.p_percent": "column total, rows 1,3"}
    no_contributors = pd.DataFrame({"county_code": COUNTIES[:3], "total": [1000, 5, 7]})
    assert dominance.check(ctx(table_file(no_contributors))) == []


def test_row_cap() -> None:
    frame = pd.DataFrame({"n": [10] * 5001})
    assert rules(row_caps.check(ctx(table_file(frame)))) == {"table.row_cap"}
    assert row_caps.check(ctx(table_file(frame.head(5000)))) == []


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        ({"nobs": 12, "params": {"const": 1.0, "age": 0.2, "income": 0.1}}, {"model.residual_dof"}),
        ({"summary": {"n_obs": 100, "coef": [0.1] * 40}}, {"model.too_many_parameters"}),
        ({"nobs": 500, "params": [0.1, 0.2, 0.3]}, set()),
    ],
)
def test_regression_residual_degrees_of_freedom(doc: dict[str, object], expected: set[str]) -> None:
    assert rules(regression.check(ctx(json_file(doc, "ols.json", "json")))) == expected


def test_regression_tables_with_df_resid() -> None:
    frame = pd.DataFrame({"model": ["a", "b"], "df_resid": [8, 120]})
    [hit] = regression.check(ctx(table_file(frame, "fits.csv")))
    assert (hit.rule, hit.location) == ("model.residual_dof", "column df_resid, rows 1")


def test_tree_leaves_fitted_on_fewer_than_k_rows_are_blocked() -> None:
    sklearn_tree = {
        "tree_": {"children_left": [1, -1, -1], "children_right": [2, -1, -1], "n_node_samples": [40, 35, 5]}
    }
    assert rules(models.check(ctx(json_file(sklearn_tree)))) == {"model.small_leaf"}
    nested = {"tree_structure": {"left_child": {"leaf_count": 30}, "right_child": {"leaf_count": 12}}}
    assert models.check(ctx(json_file(nested))) == []
    assert rules(models.check(ctx(json_file(nested), k=20))) == {"model.small_leaf"}


def test_nearest_neighbour_models_that_memorise_are_blocked() -> None:
    knn = {"model_type": "KNeighborsClassifier", "n_neighbors": 3}
    assert rules(models.check(ctx(json_file(knn)))) == {"model.knn_small_k"}
    embedded = {"model_type": "KNeighborsRegressor", "n_neighbors": 50, "_fit_X": [[1, 2]]}
    assert rules(models.check(ctx(json_file(embedded)))) == {"model.training_rows"}
    assert models.check(ctx(json_file({"model_type": "LogisticRegression", "coef": [0.1, 0.2]}))) == []


def test_a_request_without_sources_is_blocked_for_provenance() -> None:
    frame = pd.DataFrame({"n": [10]})
    bare = CheckContext(files=(table_file(frame),), sources=(), k=10)
    assert rules(provenance.check(bare), "block") == {"provenance.missing"}
    assert provenance.check(ctx(table_file(frame))) == []


def test_differencing_flags_a_table_that_isolates_fewer_than_k_units_against_an_earlier_release() -> None:
    earlier = EarlierTable(
        "x-1", "all.csv", pd.DataFrame({"county_code": COUNTIES, "sex": ["F", "M", "F", "M"], "n": [50, 60, 70, 80]})
    )
    # Same counties but one person fewer in 522601: set side by side, that person is isolated.
    minus_one = pd.DataFrame({"county_code": COUNTIES, "n": [49, 60, 70, 80]})
    [hit] = differencing.check(ctx(table_file(minus_one, "again.csv"), earlier=(earlier,)))
    assert (hit.rule, hit.file, hit.location) == ("table.differencing", "again.csv", "column n by county_code")
    # A grand total two short of the earlier table's total isolates two units.
    total = pd.DataFrame({"region": ["all"], "n": [258]})
    assert rules(differencing.check(ctx(table_file(total), earlier=(earlier,)))) == {"table.differencing"}
    # Identical or far-apart figures isolate nobody.
    same = pd.DataFrame({"county_code": COUNTIES, "n": [50, 60, 70, 80]})
    assert differencing.check(ctx(table_file(same), earlier=(earlier,))) == []


def test_all_checks_run_in_order_on_a_clean_aggregate_and_find_nothing() -> None:
    frame = pd.DataFrame({"county_code": COUNTIES, "n": [31, 44, 12, 10]})
    assert run_checks(ctx(table_file(frame, "clean.csv"))) == []


def test_pii_in_any_file_is_found_by_the_pii_scanners() -> None:
    frame = pd.DataFrame({"note": ["联系人 13812345678"] * 12, "n": [10] * 12})
    found = run_checks(ctx(table_file(frame, "leak.csv")))
    assert any(f.check == "pii" and f.file == "leak.csv" and f.severity == "block" for f in found)
    assert not any("13812345678" in f.message_en + f.message_zh + f.location for f in found)
