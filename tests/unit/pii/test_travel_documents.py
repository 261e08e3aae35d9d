"""CN_PASSPORT and CN_HMT_PERMIT: shapes that need a context word."""

from __future__ import annotations

import pytest

from tests.unit.pii._support import detect


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("护照号码：E12345678", "CN_PASSPORT", "E12345678"),
        ("passport EA1234567", "CN_PASSPORT", "EA1234567"),
        ("护照 G12345678", "CN_PASSPORT", "G12345678"),
        ("往来港澳通行证 C12345678", "CN_HMT_PERMIT", "C12345678"),
        ("回乡证号 H1234567800", "CN_HMT_PERMIT", "H1234567800"),
        ("台胞证 L12345678", "CN_HMT_PERMIT", "L12345678"),
    ],
)
def test_when_document_number_has_context_then_found(text: str, entity: str, expected: str) -> None:
    assert (entity, expected) in detect(text)


@pytest.mark.parametrize("text", ["型号 E12345678", "C12345678", "批次G12345678"])
def test_when_no_context_then_not_reported(text: str) -> None:
    assert not {"CN_PASSPORT", "CN_HMT_PERMIT"} & {e for e, _ in detect(text)}
