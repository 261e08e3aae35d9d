"""The registry: only our recognizers, no downloads, and no clash with presidio's own classes."""

from __future__ import annotations

from presidio_analyzer import RecognizerRegistry

from sandbox.pii.registry import RECOGNIZERS, analyzer, build_registry


def test_registry_holds_exactly_our_recognizers_for_chinese() -> None:
    names = {r.name for r in build_registry().recognizers}
    assert names == {cls.__name__ for cls in RECOGNIZERS}
    assert all(r.supported_language == "zh" for r in build_registry().recognizers)


def test_presidio_predefined_recognizers_still_load_after_ours_are_imported() -> None:
    # presidio resolves its YAML names among EntityRecognizer subclasses: same-named classes would clash.
    stock = RecognizerRegistry(supported_languages=["en"])
    stock.load_predefined_recognizers(languages=["en"])
    assert any(type(r).__name__ == "EmailRecognizer" for r in stock.recognizers)


def test_analyzer_explains_validated_results() -> None:
    from tests.unit.pii._support import ID_A

    [result] = analyzer().analyze(f"身份证{ID_A}", language="zh", return_decision_process=True)
    assert result.recognition_metadata["validated"] is True
    assert result.analysis_explanation is not None
