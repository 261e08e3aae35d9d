"""Broken policy files are reported at the exact file and line, with a stable code, in two languages."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_support import ENTRY, assemble

from sandbox.catalog import CatalogProblems, check_catalog, load_catalog

LOAN = Path("catalog/housing_fund/hpf_loan.yaml")

CASES = [
    ("valid", []),
    ("unknown_key", [(ENTRY, 31, "catalog.schema.unknown_key")]),
    ("bad_enum", [(ENTRY, 14, "catalog.schema.enum")]),
    ("wrong_type", [(ENTRY, 15, "catalog.schema.type")]),
    ("missing_key", [(ENTRY, 2, "catalog.schema.missing_key")]),
    ("l4_identifier_allowed", [(ENTRY, 23, "catalog.rule.l4_identifier")]),
    ("level_below_columns", [(ENTRY, 12, "catalog.rule.level_below_columns")]),
    ("unknown_department", [(ENTRY, 4, "catalog.rule.unknown_department")]),
    ("duplicate_registration_code", [(LOAN, 3, "catalog.rule.duplicate_code")]),
    ("malformed_yaml", [(ENTRY, 26, "catalog.yaml")]),
    ("duplicate_key", [(ENTRY, 13, "catalog.duplicate_key")]),
    ("duplicate_column", [(ENTRY, 38, "catalog.rule.duplicate_column")]),
    ("wrong_location", [(ENTRY, 2, "catalog.file_layout")]),
    ("missing_bounds", [(ENTRY, 31, "catalog.rule.bounds_missing")]),
    ("k_too_small", [(ENTRY, 15, "catalog.rule.k_too_small")]),
    ("handling_type", [(ENTRY, 30, "catalog.rule.handling_type")]),
    ("missing_watermark", [(ENTRY, 17, "catalog.rule.watermark")]),
    ("duplicate_department", [(Path("departments.yaml"), 13, "catalog.department.duplicate")]),
]


@pytest.mark.parametrize(("case", "expected"), CASES, ids=[c for c, _ in CASES])
def test_when_an_entry_is_broken_then_check_reports_its_file_and_line(
    case: str, expected: list[tuple[Path, int, str]], tmp_path: Path
) -> None:
    policies = assemble(case, tmp_path / "policies")
    catalog = load_catalog(policies, strict=False)

    problems = check_catalog(catalog, None)

    assert [(p.file, p.line, p.code) for p in problems] == [
        (str(policies / file), line, code) for file, line, code in expected
    ]
    assert all(p.message and p.message_zh and p.message != p.message_zh for p in problems)


@pytest.mark.parametrize(("case", "expected"), CASES[1:], ids=[c for c, _ in CASES[1:]])
def test_when_an_entry_is_broken_then_strict_loading_raises_with_the_same_problems(
    case: str, expected: list[tuple[Path, int, str]], tmp_path: Path
) -> None:
    policies = assemble(case, tmp_path / "policies")

    with pytest.raises(CatalogProblems) as raised:
        load_catalog(policies)

    assert [(p.file, p.line) for p in raised.value.problems] == [
        (str(policies / file), line) for file, line, _ in expected
    ]
    assert raised.value.code == "catalog.invalid"
    assert f"{policies / expected[0][0]}:{expected[0][1]}:" in raised.value.message


def test_l4_identifier_message_names_the_column_and_the_remedy(tmp_path: Path) -> None:
    policies = assemble("l4_identifier_allowed", tmp_path / "policies")

    [problem] = check_catalog(load_catalog(policies, strict=False), None)

    assert str(problem) == (
        f"{policies / ENTRY}:23: column 'person_id_no': handling 'allow' is not allowed for an L4 direct "
        "identifier (use hash or deny)"
    )
    assert "person_id_no" in problem.message_zh and "hash 或 deny" in problem.message_zh


def test_schema_messages_name_the_column_the_key_and_the_allowed_values(tmp_path: Path) -> None:
    unknown = check_catalog(load_catalog(assemble("unknown_key", tmp_path / "a"), strict=False), None)
    bad_enum = check_catalog(load_catalog(assemble("bad_enum", tmp_path / "b"), strict=False), None)

    assert unknown[0].message == "column 'gender': unknown key 'colour'"
    assert unknown[0].message_zh == "字段 'gender'：未知字段 'colour'"
    assert bad_enum[0].message == "access_mode: 'opne' is not one of: open, masked, aggregate, dp, deny"


def test_an_entry_that_fails_its_schema_is_left_out_of_the_catalogue(tmp_path: Path) -> None:
    catalog = load_catalog(assemble("bad_enum", tmp_path / "policies"), strict=False)

    assert catalog.datasets == ()
    assert len(catalog.problems) == 1
