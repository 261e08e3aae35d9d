"""Defaults fill omitted fields; handling strings parse strictly; parsed YAML keeps its lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalog_support import ENTRY, assemble

from sandbox.catalog import load_catalog
from sandbox.catalog.model import AccessMode, GeneralizeRule, Handling, HandlingKind
from sandbox.catalog.yamltext import parse_yaml

OMITTED = ("level: 4\n", "access_mode: dp\n", "k: 20\n", "    handling: hash\n")


def test_omitted_level_access_mode_k_and_handling_take_their_defaults(tmp_path: Path) -> None:
    policies = assemble("valid", tmp_path / "policies")
    text = (policies / ENTRY).read_text(encoding="utf-8")
    for line in OMITTED:
        text = text.replace(line, "", 1)
    (policies / ENTRY).write_text(text, encoding="utf-8")

    [dataset] = load_catalog(policies).datasets

    assert dataset.level == 4  # the highest column level
    assert dataset.access_mode is AccessMode.AGGREGATE  # default for L4 in defaults.yaml
    assert dataset.k == 20  # min_k for L4
    assert dataset.columns[0].handling == Handling(HandlingKind.HASH)  # default for I at L4


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("allow", Handling(HandlingKind.ALLOW)),
        ("generalize:grid500m", Handling(HandlingKind.GENERALIZE, GeneralizeRule.GRID500M)),
    ],
)
def test_handling_parses_and_prints_back(text: str, expected: Handling) -> None:
    assert Handling.parse(text) == expected
    assert str(expected) == text


@pytest.mark.parametrize("text", ["generalize", "hash:year", "generalize:week", "Allow", ""])
def test_handling_outside_the_vocabulary_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        Handling.parse(text)


def test_yaml_keeps_dates_as_text_and_records_key_lines() -> None:
    parsed = parse_yaml("a: 1\nwhen: 2026-11-25\nitems:\n  - x: on\n", "f.yaml")

    assert parsed.ok
    assert parsed.data == {"a": 1, "when": "2026-11-25", "items": [{"x": True}]}
    assert parsed.lines[("when",)] == 2
    assert parsed.lines[("items", 0, "x")] == 4


def test_empty_yaml_is_reported_by_the_schema_not_the_parser(tmp_path: Path) -> None:
    policies = assemble("valid", tmp_path / "policies")
    (policies / ENTRY).write_text("# nothing here\n", encoding="utf-8")

    catalog = load_catalog(policies, strict=False)

    assert [(p.line, p.code) for p in catalog.problems] == [(1, "catalog.schema.type")]
