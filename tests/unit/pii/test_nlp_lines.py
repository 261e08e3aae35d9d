"""Tagging line by line (with a cache) gives exactly jieba's tags for the whole text."""

from __future__ import annotations

import random

import pytest

from sandbox.pii import nlp
from sandbox.pii.nlp import CACHED_LINE_CHARS, _posseg, tag

PIECES = [
    "申请人王小明，联系电话13800138000。",
    "张三\r\n李四\n",
    "\r\n",
    "\n\n",
    " \n",
    "abc\ndef 3.14",
    "\u2028王\u2029五\x0b六\n",
    "村民李桂英和王建国一起去凯里市。\n",
    "x" * (CACHED_LINE_CHARS + 10) + "\n王五说",
    "",
]


def _reference(text: str) -> list[tuple[str, str]]:
    return [(p.word, p.flag) for p in _posseg().lcut(text)]


@pytest.mark.parametrize("seed", range(4))
def test_tags_equal_whole_text_tagging(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        text = "".join(
            rng.choice(PIECES) + rng.choice(["", "\n", "\r\n", " ", "。"]) for _ in range(rng.randrange(1, 8))
        )
        assert tag(text) == _reference(text)
        assert tag(text) == _reference(text)  # second time through the cache


def test_repeated_lines_are_tagged_once() -> None:
    line = "户主滚石林今天去了岜沙苗寨，记录员邰秀英随行。\n"
    tag(line * 50)
    hits_before = nlp._tag_line.cache_info().hits
    assert tag(line * 50) == _reference(line * 50)
    assert nlp._tag_line.cache_info().hits - hits_before == 50


def test_token_offsets_are_spacy_offsets() -> None:
    engine = nlp.JiebaNlpEngine()
    engine.load()
    for text in ["申请人王小明，电话13800138000。\n第二行 abc", "", "x", "\n\n张三"]:
        artifacts = engine.process_text(text, "zh")
        assert artifacts.tokens_indices == [t.idx for t in artifacts.tokens]
        assert "".join(t.text for t in artifacts.tokens) == text
