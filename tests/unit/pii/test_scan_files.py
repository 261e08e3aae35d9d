"""scan_file on every file kind: planted PII is found where it is; clean look-alikes pass."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from sandbox.pii import FileKind, FileLimits, FileRejected, Finding, RejectReason, read_table, scan_file
from tests.unit.pii import _files as f
from tests.unit.pii._support import CARD_UNIONPAY, ID_A, USCC_PERSONAL


def blocks(findings: list[Finding]) -> set[str]:
    return {x.entity for x in findings if x.severity == "block"}


def at(findings: list[Finding], entity: str) -> list[str]:
    return [x.location for x in findings if x.entity == entity]


def assert_no_raw_values(findings: list[Finding]) -> None:
    for x in findings:
        for raw in (ID_A, f.MOBILE, f.EMAIL, CARD_UNIONPAY, USCC_PERSONAL):
            assert raw not in x.message_en and raw not in x.message_zh


@pytest.mark.parametrize(("name", "sep"), [("r.csv", ","), ("r.tsv", "\t")])
def test_delimited_with_pii_blocks_and_names_columns_and_rows(name: str, sep: str) -> None:
    findings = scan_file(name, f.csv_bytes(f.PII_ROWS, sep))
    assert {"CN_RESIDENT_ID", "CN_MOBILE", "PERSON", "EMAIL_ADDRESS"} <= blocks(findings)
    assert at(findings, "CN_RESIDENT_ID") == ["column 身份证号, rows 1"]
    assert at(findings, "EMAIL_ADDRESS") == ["column 备注, rows 2"]
    assert_no_raw_values(findings)


def test_delimited_clean_look_alikes_do_not_block() -> None:
    findings = scan_file("clean.csv", f.csv_bytes(f.CLEAN_ROWS))
    assert blocks(findings) == set()
    assert {x.entity for x in findings} <= {"CN_USCC_ORG"}


def test_header_row_is_scanned_too() -> None:
    findings = scan_file("pivot.csv", f.csv_bytes([["县", ID_A], ["凯里", "3"]]))
    assert at(findings, "CN_RESIDENT_ID") == ["column (column names), rows 2"]


def test_parquet_float_damaged_ids_and_stored_index_are_flagged() -> None:
    frame = pd.DataFrame({"sfz": [float(ID_A), float("522631198512300451")], "n": [1, 2]})
    frame.index = pd.Index([f.MOBILE, "13900139000"], name="phone")
    findings = scan_file("t.parquet", f.parquet_bytes(frame, index=True))
    assert any(x.entity == "SUSPECT_FLOAT_ID" and x.severity == "review" for x in findings)
    assert "CN_MOBILE" in blocks(findings)  # the index came back as a column and was scanned


def test_parquet_clean_passes() -> None:
    frame = pd.DataFrame({"订单编号": [f.ORDER_NO], "金额": [12.5], "人数": [3]})
    assert blocks(scan_file("c.parquet", f.parquet_bytes(frame))) == set()


def test_json_records_nested_documents_and_jsonl() -> None:
    records = json.dumps([{"name": "张三", "contact": {"mobile": f.MOBILE}}], ensure_ascii=False).encode()
    assert {"PERSON", "CN_MOBILE"} <= blocks(scan_file("r.json", records))
    nested = json.dumps({"meta": {"owner": {"email": f.EMAIL}}, ID_A: 1}).encode()
    findings = scan_file("n.json", nested)
    assert {"EMAIL_ADDRESS", "CN_RESIDENT_ID"} <= blocks(findings)
    assert any("(keys)" in loc for loc in at(findings, "CN_RESIDENT_ID"))
    lines = b'{"card": "' + CARD_UNIONPAY.encode() + b'"}\n{"card": ""}\n'
    assert "CN_BANK_CARD" in blocks(scan_file("r.jsonl", lines))
    assert blocks(scan_file("c.json", json.dumps([{"订单编号": f.ORDER_NO}]).encode())) == set()


def test_xlsx_every_sheet_including_hidden_ones() -> None:
    sheets: dict[str, list[list[object]]] = {"汇总": [["县", "人数"], ["凯里", 12]], "明细": [["证件号码"], [ID_A]]}
    data = f.xlsx_bytes(sheets, hidden=("明细",))
    findings = scan_file("r.xlsx", data)
    assert at(findings, "CN_RESIDENT_ID") == ["sheet 明细, column 证件号码, rows 1"]
    clean = f.xlsx_bytes({"汇总": [["订单编号", "金额"], [f.ORDER_NO, 1.5]]})
    assert blocks(scan_file("c.xlsx", clean)) == set()


def test_text_and_markdown_report_lines() -> None:
    text = f"第一行\n联系人手机{f.MOBILE}\n第三行 {f.EMAIL}\n".encode()
    findings = scan_file("notes.txt", text)
    assert at(findings, "CN_MOBILE") == ["line 2"]
    assert at(findings, "EMAIL_ADDRESS") == ["line 3"]
    md = f"# 报告\n\n| 姓名 | 证件 |\n|---|---|\n| 申请人张三 | {ID_A} |\n".encode()
    assert {"CN_RESIDENT_ID"} <= blocks(scan_file("r.md", md))
    assert (
        blocks(scan_file("c.md", "# 各县游客量\n\n凯里市 1200 人次，订单编号 202405011234567890。".encode())) == set()
    )


def test_notebook_sources_and_every_output_type() -> None:
    findings = scan_file("analysis.ipynb", f.notebook_bytes())
    where = {x.entity: x.location for x in findings}
    assert where["EMAIL_ADDRESS"].startswith("cell 1 source")
    assert where["CN_RESIDENT_ID"].startswith("cell 2 source")
    assert where["CN_MOBILE"].startswith("cell 3 output 1")
    assert where["CN_BANK_CARD"].startswith("cell 3 output 2 (text/html)")
    assert where["IMAGE_NEEDS_REVIEW"] == "cell 3 output 3 (image/png)"
    assert where["CN_ADDRESS"].startswith("cell 3 output 4 (error)")
    assert_no_raw_values(findings)
    assert blocks(scan_file("clean.ipynb", f.clean_notebook_bytes())) == set()


def test_notebook_with_malformed_cells_is_corrupt() -> None:
    with pytest.raises(FileRejected) as err:
        scan_file("bad.ipynb", b'{"nbformat": 4, "cells": [1, 2]}')
    assert err.value.reason == RejectReason.CORRUPT
    assert "bad.ipynb" in err.value.message


def test_image_goes_to_review() -> None:
    findings = scan_file("chart.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)
    assert [(x.entity, x.severity) for x in findings] == [("IMAGE_NEEDS_REVIEW", "review")]


def test_model_json_onnx_and_skops_are_scanned() -> None:
    model = {"coef_": [0.1, 0.2], "feature_names": ["年龄", "收入"], "training_note": f"联系{f.EMAIL}"}
    assert "EMAIL_ADDRESS" in blocks(scan_file("m.json", json.dumps(model, ensure_ascii=False).encode()))
    assert blocks(scan_file("clean_model.json", b'{"coef_": [0.1, 0.2], "intercept_": 0.5}')) == set()
    assert "CN_MOBILE" in blocks(scan_file("m.onnx", f.onnx_bytes(f"owner mobile {f.MOBILE}")))
    assert blocks(scan_file("clean.onnx", f.onnx_bytes("logistic regression, 2 features"))) == set()
    skops = f.skops_bytes({"__class__": "KNeighborsClassifier"}, {"fit_x.npy": np.array([float(ID_A), 3.0])})
    assert any(x.entity == "SUSPECT_FLOAT_ID" for x in scan_file("m.skops", skops))
    labels = f.skops_bytes({"__class__": "X"}, {"classes.npy": np.array([f.MOBILE, "other"])})
    assert "CN_MOBILE" in blocks(scan_file("labels.skops", labels))


def test_skops_with_pickled_object_array_is_refused() -> None:
    data = f.skops_bytes({"__class__": "X"}, {"obj.npy": np.array([{"a": 1}], dtype=object)})
    with pytest.raises(FileRejected) as err:
        scan_file("m.skops", data)
    assert err.value.reason == RejectReason.EXECUTABLE_MODEL


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("t.parquet", b"PAR1" + b"\x00" * 64 + b"PAR1", RejectReason.CORRUPT),
        ("t.xlsx", f.zip_bomb_bytes(10).replace(b"<Types/>", b"<Typ!!!>"), RejectReason.CORRUPT),
        ("../t.csv", b"a\n1\n", RejectReason.PATH_TRAVERSAL),
        ("model.json", f.pickle_bytes(4), RejectReason.EXECUTABLE_MODEL),
    ],
)
def test_bad_files_are_refused_naming_file_and_reason(name: str, data: bytes, reason: RejectReason) -> None:
    with pytest.raises(FileRejected) as err:
        scan_file(name, data)
    assert err.value.reason == reason
    assert err.value.code == "export.file_rejected"


def test_row_limit_rejects_before_scanning() -> None:
    data = f.csv_bytes([["a"]] + [[str(i)] for i in range(11)])
    with pytest.raises(FileRejected) as err:
        scan_file("big.csv", data, FileLimits(max_rows=10))
    assert err.value.reason == RejectReason.TOO_LARGE
    assert "big.csv" in err.value.message


def test_read_table_keeps_identifiers_as_text() -> None:
    frame = read_table(FileKind.CSV, f.csv_bytes([["id", "n"], ["0855123", "NA"]]))
    assert frame.iloc[0].tolist() == ["0855123", "NA"]


def test_xlsx_sheet_titles_are_scanned() -> None:
    data = f.xlsx_bytes({"汇总": [["县"], ["凯里"]], f.MOBILE: [["a"], [1]]})
    assert at(scan_file("r.xlsx", data), "CN_MOBILE") == ["column (sheet names), rows 2"]


def test_long_line_without_newlines_is_scanned_across_chunk_borders() -> None:
    from sandbox.pii.text import CHUNK_CHARS

    filler = "数据" * (CHUNK_CHARS // 2 - 5)  # puts the ID across the first chunk border
    findings = scan_file("one_line.txt", f"{filler}身份证{ID_A}结束".encode())
    assert at(findings, "CN_RESIDENT_ID") == ["line 1"]
