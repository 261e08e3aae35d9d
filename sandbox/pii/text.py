"""Free text through presidio (jieba engine, our recognizers), in bounded chunks, with type resolution."""

from __future__ import annotations

from sandbox.pii.policy import THRESHOLD
from sandbox.pii.registry import analyzer
from sandbox.pii.resolve import Span, resolve

# Bounded chunks keep regex time per call small; split at line ends so offsets stay simple.
CHUNK_CHARS = 20_000


# A piece cut inside a line overlaps the next one by this much, so no identifier is cut in two.
OVERLAP_CHARS = 128


def chunks(text: str, size: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """(offset, piece) pieces of at most ~``size`` characters, cut after a newline when possible."""
    out, pos = [], 0
    while pos < len(text):
        end = min(pos + size, len(text))
        following = end
        if end < len(text):
            cut = text.rfind("\n", pos, end)
            if cut > pos:
                end = following = cut + 1
            else:
                following = end - OVERLAP_CHARS
        out.append((pos, text[pos:end]))
        pos = following
    return out


def text_spans(text: str, context: list[str] | None = None) -> list[Span]:
    """Resolved hits at or above threshold, with offsets into ``text``."""
    engine = analyzer()
    spans: list[Span] = []
    for offset, piece in chunks(text):
        if not piece.strip():
            continue
        for r in engine.analyze(piece, language="zh", context=context or None):
            meta = r.recognition_metadata or {}
            if r.score >= THRESHOLD:
                spans.append(
                    Span(offset + r.start, offset + r.end, r.entity_type, r.score, bool(meta.get("validated")))
                )
    return resolve(spans)
