"""safe_name: an exported file is a plain name; anything path-like is refused."""

from __future__ import annotations

import pytest

from sandbox.pii import FileRejected, RejectReason, safe_name


@pytest.mark.parametrize("name", ["result.csv", "结果 2024.xlsx", "model.onnx", "a-b_c.ipynb"])
def test_when_plain_name_then_accepted(name: str) -> None:
    assert safe_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "../etc/passwd",
        "..",
        "a/b.csv",
        "a\\b.csv",
        "C:evil.csv",
        "/abs.csv",
        ".hidden",
        "nul.txt",
        "CON",
        "bad\x00.csv",
        "rtl\u202eexe.csv",
        "line\nbreak.csv",
        "",
        "x" * 300,
        "trailing.",
    ],
)
def test_when_name_is_path_like_then_rejected_with_reason(name: str) -> None:
    with pytest.raises(FileRejected) as err:
        safe_name(name)
    assert err.value.reason == RejectReason.PATH_TRAVERSAL
    assert err.value.code == "export.file_rejected"
    assert "\x00" not in err.value.message and "\n" not in err.value.message
