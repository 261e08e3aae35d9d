"""sniff: kinds by content, never by extension; refusals name the reason."""

from __future__ import annotations

import pandas as pd
import pytest

from sandbox.pii import FileKind, FileLimits, FileRejected, RejectReason, sniff
from tests.unit.pii import _files as f


@pytest.mark.parametrize(
    ("name", "data", "kind"),
    [
        ("a.csv", f.csv_bytes(f.PII_ROWS), FileKind.CSV),
        ("a.tsv", f.csv_bytes(f.PII_ROWS, "\t"), FileKind.TSV),
        ("a.txt", f.csv_bytes(f.PII_ROWS), FileKind.CSV),  # content wins over a wrong extension
        ("a.parquet", f.parquet_bytes(pd.DataFrame({"a": [1]})), FileKind.PARQUET),
        ("data.bin", f.parquet_bytes(pd.DataFrame({"a": [1]})), FileKind.PARQUET),
        ("a.json", b'[{"a": 1}]', FileKind.JSON),
        ("a.jsonl", b'{"a": 1}\n{"a": 2}\n', FileKind.JSONL),
        ("a.xlsx", f.xlsx_bytes({"s": [["a"], [1]]}), FileKind.XLSX),
        ("a.txt", "普通文本\n第二行".encode(), FileKind.TEXT),
        ("a.md", b"# Title\n\ntext", FileKind.MARKDOWN),
        ("a.ipynb", f.notebook_bytes(), FileKind.NOTEBOOK),
        ("nb.json", f.notebook_bytes(), FileKind.NOTEBOOK),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, FileKind.IMAGE),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, FileKind.IMAGE),
        ("model.json", b'{"coef_": [0.1], "intercept_": 0.2}', FileKind.MODEL_JSON),
        ("model.onnx", f.onnx_bytes("doc"), FileKind.MODEL_ONNX),
        ("model.skops", f.skops_bytes({"__class__": "LogisticRegression"}, {}), FileKind.MODEL_SKOPS),
    ],
)
def test_when_content_is_allowed_then_kind_from_content(name: str, data: bytes, kind: FileKind) -> None:
    assert sniff(name, data) == kind


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("model.json", f.pickle_bytes(4), RejectReason.EXECUTABLE_MODEL),  # pickle renamed .json
        ("model.csv", f.pickle_bytes(2), RejectReason.EXECUTABLE_MODEL),
        ("model.txt", f.pickle_bytes(0), RejectReason.EXECUTABLE_MODEL),  # protocol 0 is ASCII
        ("model.pkl", f.pickle_bytes(5), RejectReason.EXECUTABLE_MODEL),
        ("model.joblib", f.joblib_like_bytes(), RejectReason.EXECUTABLE_MODEL),
        ("a.csv", b"\x7fELF\x02\x01\x01" + b"\x00" * 40, RejectReason.UNSUPPORTED_TYPE),
        ("a.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", RejectReason.UNSUPPORTED_TYPE),
        ("a.txt", "身份证".encode("gbk"), RejectReason.UNSUPPORTED_TYPE),
        ("a.html", b"<!DOCTYPE html><html><body>x</body></html>", RejectReason.UNSUPPORTED_TYPE),
        ("a.zip", f.skops_bytes({}, {}).replace(b"schema.json", b"schemb.json"), RejectReason.UNSUPPORTED_TYPE),
        ("a.parquet", b"PAR1garbage", RejectReason.CORRUPT),
        ("a.json", b'{"a": ', RejectReason.CORRUPT),
        ("a.ipynb", b'{"cells": [', RejectReason.CORRUPT),
        ("a.csv", b"", RejectReason.CORRUPT),
    ],
)
def test_when_content_not_allowed_then_rejected_with_reason(name: str, data: bytes, reason: RejectReason) -> None:
    with pytest.raises(FileRejected) as err:
        sniff(name, data)
    assert err.value.reason == reason
    assert name in err.value.message and name in err.value.message_zh


def test_when_pickle_refused_then_message_says_how_to_export_the_model() -> None:
    with pytest.raises(FileRejected) as err:
        sniff("model.json", f.pickle_bytes(4))
    assert "skops" in err.value.message and "ONNX" in err.value.message and "JSON" in err.value.message
    assert "skops" in err.value.message_zh


def test_when_file_exceeds_byte_limit_then_too_large() -> None:
    with pytest.raises(FileRejected) as err:
        sniff("a.csv", b"a,b\n1,2\n" * 100, FileLimits(max_bytes=100))
    assert err.value.reason == RejectReason.TOO_LARGE


def test_when_archive_inflates_too_far_then_zip_bomb() -> None:
    bomb = f.zip_bomb_bytes(20 * 1024 * 1024)
    assert len(bomb) < 100_000
    with pytest.raises(FileRejected) as err:
        sniff("report.xlsx", bomb, FileLimits(max_unzipped_bytes=10 * 1024 * 1024))
    assert err.value.reason == RejectReason.ZIP_BOMB


def test_when_archive_member_escapes_then_path_traversal() -> None:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("schema.json", "{}")
        zf.writestr("../../evil.npy", b"x")
    with pytest.raises(FileRejected) as err:
        sniff("m.skops", buf.getvalue())
    assert err.value.reason == RejectReason.PATH_TRAVERSAL
