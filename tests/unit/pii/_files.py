"""Builders for test files of every kind, with planted PII or with clean look-alikes."""

from __future__ import annotations

import io
import json
import pickle
import zipfile
import zlib

import numpy as np
import openpyxl
import pandas as pd

from tests.unit.pii._support import CARD_UNIONPAY, ID_A, USCC_COMPANY

MOBILE = "13800138000"
EMAIL = "zhang.san@example.com"
# Clean look-alikes: same shapes as identifiers but failing validation, or public/non-personal.
BAD_ID = ID_A[:17] + str((int(ID_A[17]) + 3) % 10)
ORDER_NO = "202405011234567890"
BARCODE = "6901234567892"


def csv_bytes(rows: list[list[str]], sep: str = ",") -> bytes:
    return "\n".join(sep.join(r) for r in rows).encode() + b"\n"


PII_ROWS = [["姓名", "身份证号", "手机", "备注"], ["张三", ID_A, MOBILE, "无"], ["李四", "", "", f"邮箱{EMAIL}"]]
CLEAN_ROWS = [
    ["订单编号", "商品条码", "金额", "单位信用代码", "景区"],
    [ORDER_NO, BARCODE, "12.50", USCC_COMPANY, "西江千户苗寨"],
]


def parquet_bytes(frame: pd.DataFrame, index: bool = False) -> bytes:
    buf = io.BytesIO()
    frame.to_parquet(buf, index=index)
    return buf.getvalue()


def xlsx_bytes(sheets: dict[str, list[list[object]]], hidden: tuple[str, ...] = ()) -> bytes:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        for row in rows:
            ws.append(row)
        if title in hidden:
            ws.sheet_state = "hidden"
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def notebook_bytes() -> bytes:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"kernelspec": {"name": "python3"}},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# 分析\n", "联系人邮箱 ", EMAIL]},
            {"cell_type": "code", "metadata": {}, "source": f"x = '{ID_A}'\n", "outputs": [], "execution_count": 1},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 2,
                "source": "df.head()",
                "outputs": [
                    {"output_type": "stream", "name": "stdout", "text": ["手机号：", MOBILE, "\n"]},
                    {
                        "output_type": "execute_result",
                        "execution_count": 2,
                        "metadata": {},
                        "data": {
                            "text/plain": ["   count\n", "0  12"],
                            "text/html": [f"<table><tr><th>卡号</th></tr><tr><td>{CARD_UNIONPAY}</td></tr></table>"],
                        },
                    },
                    {
                        "output_type": "display_data",
                        "metadata": {},
                        "data": {"image/png": "iVBORw0KGgo=", "text/plain": ["<Figure>"]},
                    },
                    {
                        "output_type": "error",
                        "ename": "ValueError",
                        "evalue": "bad row",
                        "traceback": ["\x1b[0;31mValueError\x1b[0m: 住址 凯里市北京东路23号3单元502室"],
                    },
                ],
            },
        ],
    }
    return json.dumps(nb, ensure_ascii=False).encode()


def clean_notebook_bytes() -> bytes:
    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": "# 各县游客量\n订单编号 202405011234567890 仅为示例。"},
            {
                "cell_type": "code",
                "metadata": {},
                "execution_count": 1,
                "source": "df.groupby('county').size()",
                "outputs": [
                    {
                        "output_type": "execute_result",
                        "execution_count": 1,
                        "metadata": {},
                        "data": {"text/html": "<table><tr><td>凯里市</td><td>1200</td></tr></table>"},
                    }
                ],
            },
        ],
    }
    return json.dumps(nb, ensure_ascii=False).encode()


def onnx_bytes(doc: str) -> bytes:
    """A minimal ModelProto: ir_version, producer_name, a graph whose doc_string holds ``doc``."""

    def ld(field: int, payload: bytes) -> bytes:
        return bytes([field << 3 | 2, len(payload)]) + payload

    graph = ld(10, doc.encode()) + ld(2, b"main")  # GraphProto.doc_string = 10, name = 2
    return b"\x08\x08" + ld(2, b"skl2onnx") + ld(7, graph)


def npy_bytes(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, array, allow_pickle=True)
    return buf.getvalue()


def skops_bytes(schema: dict[str, object], arrays: dict[str, np.ndarray]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("schema.json", json.dumps(schema, ensure_ascii=False))
        for name, arr in arrays.items():
            zf.writestr(name, npy_bytes(arr))
    return buf.getvalue()


def pickle_bytes(protocol: int) -> bytes:
    return pickle.dumps({"coef": [1.0, 2.0], "name": "model"}, protocol=protocol)


def joblib_like_bytes() -> bytes:
    return zlib.compress(pickle_bytes(4))


def zip_bomb_bytes(member_bytes: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * member_bytes)
    return buf.getvalue()
