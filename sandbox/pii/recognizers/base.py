"""The shape shared by every recognizer: a pattern, a validator and context words.

One ``Rule`` serves two consumers: the presidio recognizer (free text, notebooks) and the
column fast path (tables), so both decide with the same pattern and the same checksum.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from sandbox.pii.normalize import normalize
from sandbox.pii.profile import Profile
from sandbox.pii.vector import Codes, Digits

LANGUAGE = "zh"


class Verdict(NamedTuple):
    """What a validator concluded about one matched string.

    ``entity`` may differ from the rule's (a masked ID is ``MASKED_VALUE``, a company USCC
    ``CN_USCC_ORG``). ``validated`` means a checksum or structure check passed, which neither
    negative context nor cross-type resolution may override.
    """

    entity: str
    score: float
    validated: bool = False


# Codes per all-digit cell (NO_MATCH, REJECTED or an index into the verdicts) and the verdicts.
BulkCheck = Callable[[Digits], tuple[Codes, tuple[Verdict, ...]]]
CellCheck = Callable[[list[str]], tuple[Codes, tuple[Verdict, ...]]]


@dataclass(frozen=True)
class Rule:
    """A candidate pattern (over normalised text) and the function that judges each match."""

    entity: str
    pattern: re.Pattern[str]
    check: Callable[[str], Verdict | None]
    context: tuple[str, ...] = ()
    # Cheap prefilter: the rule can only match text containing one of these character classes.
    needs: re.Pattern[str] = field(default=re.compile(r"[0-9]"))
    # Unvalidated hits of these rules are demoted under serial-number-like headers (编号, 订单 …).
    numeric: bool = True
    entities: tuple[str, ...] = ()
    # Exact column-level skip test for the table fast path (see ``profile``); None: use ``needs``.
    applies: Callable[[Profile], bool] | None = None
    # Vectorised ``check`` of all-digit cells (see ``sandbox.pii.vector``); None: such cells go through the regex.
    bulk: BulkCheck | None = None
    # (length, judge): every cell of exactly this length is judged by ``judge`` (same codes as ``bulk``) and
    # never reaches the regex; for rules whose pattern can only match such a cell whole.
    whole_cells: tuple[int, CellCheck] | None = None

    def supported(self) -> list[str]:
        return list(dict.fromkeys((self.entity, *self.entities)))


class Hit(NamedTuple):
    start: int
    end: int
    verdict: Verdict
    rule: Rule


def find(rule: Rule, text: str, prof: Profile | None = None) -> list[Hit]:
    """All hits of ``rule`` in already-normalised ``text`` (``prof``: its column profile, if any)."""
    return find_counted(rule, text, prof)[0]


def find_counted(rule: Rule, text: str, prof: Profile | None = None) -> tuple[list[Hit], int]:
    """Hits and the number of pattern matches they were validated from."""
    if prof is not None and rule.applies is not None:
        if not rule.applies(prof):
            return [], 0
    elif rule.needs.search(text) is None:
        return [], 0
    check = rule.check
    found = [(m.start(), m.end(), check(m.group())) for m in rule.pattern.finditer(text)]
    return [Hit(s, e, v, rule) for s, e, v in found if v is not None], len(found)


def digits_only(value: str) -> str:
    """Drop separators a person might type inside a number (spaces, hyphens, a leading +)."""
    return value.replace(" ", "").replace("-", "").replace("+", "").replace("(", "").replace(")", "")


class RuleRecognizer(LocalRecognizer):
    """A presidio recognizer running one ``Rule``; subclasses set ``RULE``."""

    RULE: Rule

    def __init__(self) -> None:
        super().__init__(
            supported_entities=self.RULE.supported(),
            name=type(self).__name__,
            supported_language=LANGUAGE,
            context=list(self.RULE.context),
        )

    def load(self) -> None:  # nothing to load: the rule is compiled at import
        return None

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        wanted = set(entities) if entities else None
        results = []
        for hit in find(self.RULE, normalize(text)):
            if wanted is not None and hit.verdict.entity not in wanted:
                continue
            results.append(make_result(self, hit.verdict, hit.start, hit.end))
        return results


def make_result(recognizer: LocalRecognizer, verdict: Verdict, start: int, end: int) -> RecognizerResult:
    """A presidio result carrying the explanation reviewers see and whether a checksum validated it."""
    explanation = AnalysisExplanation(
        recognizer=str(getattr(recognizer, "name", "")),
        original_score=verdict.score,
        textual_explanation="checksum/structure validated" if verdict.validated else "pattern match",
    )
    return RecognizerResult(
        entity_type=verdict.entity,
        start=start,
        end=end,
        score=verdict.score,
        analysis_explanation=explanation,
        recognition_metadata=_metadata(recognizer, verdict),
    )


def _metadata(recognizer: LocalRecognizer, verdict: Verdict) -> dict[str, Any]:
    return {
        RecognizerResult.RECOGNIZER_NAME_KEY: str(getattr(recognizer, "name", "")),
        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        # Validated results keep their score: presidio's context enhancer must not be the thing that decides them.
        RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: verdict.validated,
        "validated": verdict.validated,
    }
