"""Rendering export files for reviewers: findings land on the cells, columns, notebook cells and lines
they name; nothing in a file becomes markup."""

from __future__ import annotations

import json

from sandbox.portal.filerender import render_file


def finding(location: str) -> dict[str, str]:
    return {"location": location, "severity": "block", "file": "f"}


def test_a_table_gets_statistics_and_flagged_cells() -> None:
    data = b"county,n\nA,3\nB,40\nC,12\n"
    view = render_file("csv", data, [finding("column n, rows 1"), finding("column county")])
    assert view.columns == ["county", "n"] and view.total_rows == 3
    assert view.flagged_cells == {(1, "n")}
    assert view.flagged_columns == {"county"}
    n = next(s for s in view.stats if s["column"] == "n")
    assert (n["numeric"], n["min"], n["max"], n["distinct"]) == (True, "3", "40", 3)
    county = next(s for s in view.stats if s["column"] == "county")
    assert county["numeric"] is False


def test_row_lists_with_an_overflow_count_are_understood() -> None:
    view = render_file("csv", b"a,n\nx,1\ny,2\nz,3\n", [finding("column n, rows 1,3 (+4)")])
    assert view.flagged_cells == {(1, "n"), (3, "n")}


def test_a_notebook_shows_cells_and_marks_the_flagged_one() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# <script>x</script>"]},
            {"cell_type": "code", "source": "print(1)", "outputs": [{"output_type": "stream", "text": ["1\n"]}]},
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    view = render_file("notebook", json.dumps(notebook).encode(), [finding("cell 2 output 1")])
    assert [c["index"] for c in view.cells] == [1, 2]
    assert view.cells[0]["source"] == "# <script>x</script>"  # kept as text: the template escapes it
    assert view.cells[1]["outputs"] == [{"text": "1\n"}]
    assert view.flagged_notebook_cells == {2}


def test_text_lines_and_unreadable_files() -> None:
    view = render_file("text", "第一行\n身份证 line\n".encode(), [finding("line 2")])
    assert view.lines == ["第一行", "身份证 line"] and view.flagged_lines == {2}
    assert render_file("image", b"not an image", []).problem == "unreadable"
    assert render_file("notebook", b"{not json", []).problem == "unreadable"
    assert render_file("model_onnx", b"\x00\x01", []).problem == "binary"


def test_an_svg_is_never_inlined_as_an_image() -> None:
    assert render_file("image", b"<svg onload=alert(1)>", []).image is None
