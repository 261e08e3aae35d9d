"""FastContextEnhancer gives exactly the scores of presidio's own enhancer, only faster."""

from __future__ import annotations

from pathlib import Path

from presidio_analyzer import AnalyzerEngine

from sandbox.pii.nlp import JiebaNlpEngine
from sandbox.pii.registry import analyzer, build_registry
from tests.unit.pii._support import ID_A

SENTENCES = [
    line.replace("【", "").replace("】", "")
    for line in (Path(__file__).parent / "fixtures" / "names_zh.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
] + [
    f"护照号码：E12345678，身份证{ID_A}，座机 0855-8234567，传真0851-85234567",
    "回乡证号 H1234567800 与护照 G12345678，办公电话 010-62345678",
]


def test_same_results_as_the_stock_enhancer() -> None:
    engine = JiebaNlpEngine()
    engine.load()
    stock = AnalyzerEngine(
        registry=build_registry(), nlp_engine=engine, supported_languages=["zh"], default_score_threshold=0.0
    )
    text = "\n".join(SENTENCES)
    ours = sorted((r.entity_type, r.start, r.end, round(r.score, 6)) for r in analyzer().analyze(text, language="zh"))
    theirs = sorted((r.entity_type, r.start, r.end, round(r.score, 6)) for r in stock.analyze(text, language="zh"))
    assert ours == theirs
    assert any(score > 0.5 for entity, _, _, score in ours if entity == "CN_PASSPORT")  # context did apply
