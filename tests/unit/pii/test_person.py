"""PERSON: role words, jieba names with filters, name-shaped cells under name headers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.pii.columns import cell_hits
from sandbox.pii.recognizers.person import is_name_token
from tests.unit.pii._support import detect

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("申请人张三提交了材料", "张三"),
        ("户主：王建国，男", "王建国"),
        ("经办人欧阳修于2020年办理", "欧阳修"),
        ("投诉人刘洋反映情况", "刘洋"),
    ],
)
def test_when_role_word_precedes_name_then_exact_name_span(text: str, name: str) -> None:
    assert ("PERSON", name) in detect(text)


@pytest.mark.parametrize("word", ["谢谢", "白云区", "王先生", "金秋", "凯里市", "于本周", "罗", "张三丰李四"])
def test_when_token_is_not_a_name_then_filtered(word: str) -> None:
    assert not is_name_token(word)


def test_when_name_header_then_name_cells_block_level_and_plain_words_ignored() -> None:
    hits = cell_hits("游客姓名", ["张三", "李小明", "", "欧阳娜娜", "凯里市人民政府"])
    assert sorted(h.row for h in hits if h.entity == "PERSON") == [0, 1, 3]
    assert all(h.score >= 0.9 for h in hits)


def test_when_neutral_header_hides_a_name_column_then_still_flagged_for_review() -> None:
    names = [s + g for s in "王李张刘陈杨黄赵吴周" for g in ("伟", "芳", "秀英", "建国")]
    hits = cell_hits("x1", names)
    assert len(hits) == len(names)
    assert all(h.score < 0.9 for h in hits)  # review level: header does not say "name"


def test_when_neutral_header_column_of_repeated_county_names_then_not_names() -> None:
    assert cell_hits("县", ["黄平", "黎平", "施秉", "雷山"] * 10) == []


def _load(path: Path) -> list[tuple[str, set[tuple[int, int]]]]:
    import re

    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        text, gold, pos = "", set(), 0
        for m in re.finditer(r"【([^】]+)】", line):
            text += line[pos : m.start()]
            gold.add((len(text), len(text) + len(m.group(1))))
            text += m.group(1)
            pos = m.end()
        out.append((text + line[pos:], gold))
    return out


@pytest.mark.parametrize("fixture", ["names_zh.txt", "names_zh_heldout.txt"])
def test_names_in_free_text_meet_recall_and_precision_targets(fixture: str) -> None:
    from sandbox.pii.text import text_spans

    tp = fp = fn = 0
    for text, gold in _load(FIXTURES / fixture):
        found = {(s.start, s.end) for s in text_spans(text) if s.entity == "PERSON"}
        tp, fp, fn = tp + len(found & gold), fp + len(found - gold), fn + len(gold - found)
    assert tp / (tp + fn) >= 0.8
    assert tp / (tp + fp) >= 0.8
