"""A download-free presidio NLP engine: jieba words and POS tags turned into a spaCy ``Doc``.

Lemmas are the words themselves, so presidio's context enhancer (which matches context words
against lemmas) works for Chinese; a blank spaCy pipeline would leave lemmas empty and context
would silently do nothing. Words tagged ``nr`` that pass the name filters become ``PERSON`` spans.
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from typing import Any

from presidio_analyzer.nlp_engine import NlpArtifacts, NlpEngine
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from sandbox.pii.recognizers.base import LANGUAGE
from sandbox.pii.recognizers.person import ENTITY as PERSON
from sandbox.pii.recognizers.person import is_name_token

_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
_PUNCT = frozenset("，。、；：？！「」『』（）《》【】“”‘’,.;:?!()[]<>\"'-—…·")
_LOCK = threading.Lock()
_POSSEG: Any = None


def _posseg() -> Any:
    """jieba's POS tagger, initialised once (it loads its dictionary on first use)."""
    global _POSSEG
    with _LOCK:
        if _POSSEG is None:
            import jieba
            import jieba.posseg

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            _POSSEG = jieba.posseg
    return _POSSEG


def dictionary() -> dict[str, int]:
    """jieba's word-frequency dictionary (loaded with the tagger)."""
    _posseg()
    import jieba

    freq: dict[str, int] = jieba.dt.FREQ
    return freq


# jieba never joins words across a line end (a newline ends its Han block, and "\r\n" stays one token
# when the cut is made after the "\n"), so tagging line by line gives the same tokens as tagging the whole
# text; repeated lines (notebook outputs, a cell echoed in its output) are then tagged once.
_LINE = re.compile(r"[^\n]*\n|[^\n]+")
CACHED_LINE_CHARS = 1024


def tag(text: str) -> list[tuple[str, str]]:
    """jieba's (word, POS flag) pairs for ``text``, identical to ``posseg.lcut(text)``."""
    pairs: list[tuple[str, str]] = []
    for line in _LINE.findall(text):
        pairs.extend(_tag_line(line) if len(line) <= CACHED_LINE_CHARS else _tag(line))
    return pairs


def _tag(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((p.word, p.flag) for p in _posseg().lcut(text))


# At most 256 lines of at most 1,024 characters: a few MB at worst.
_tag_line = functools.lru_cache(maxsize=256)(_tag)


class JiebaNlpEngine(NlpEngine):
    """Tokens, lemmas and PERSON entities for Chinese from jieba; no model files, no network."""

    def __init__(self) -> None:
        self._vocab = Vocab()
        self._loaded = False

    def load(self) -> None:
        _posseg()
        self._loaded = True

    def is_loaded(self) -> bool:
        return self._loaded

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        pairs = tag(text)
        words = [w for w, _ in pairs]
        doc = Doc(self._vocab, words=words, spaces=[False] * len(words)) if words else Doc(self._vocab)
        entities: list[Span] = []
        for i, (word, flag) in enumerate(pairs):
            if flag in _NAME_TAGS and is_name_token(word):
                entities.append(Span(doc, i, i + 1, label=PERSON))
        doc.ents = entities
        return NlpArtifacts(
            entities=entities,
            tokens=doc,
            # Words are joined without spaces, so a token's offset is the length of the words before it
            # (the same as ``t.idx``, without creating a spaCy Token per word).
            tokens_indices=list(itertools.accumulate(map(len, words[:-1]), initial=0)) if words else [],
            lemmas=words,
            nlp_engine=self,
            language=language,
            scores=[0.55] * len(entities),
        )

    def process_batch(
        self, texts: Iterable[str], language: str, batch_size: int = 1, n_process: int = 1, **kwargs: Any
    ) -> Iterator[tuple[str, NlpArtifacts]]:
        for text in texts:
            yield text, self.process_text(text, language)

    def is_stopword(self, word: str, language: str) -> bool:
        return False

    def is_punct(self, word: str, language: str) -> bool:
        return bool(word) and all(ch in _PUNCT or ch.isspace() for ch in word)

    def get_supported_entities(self) -> list[str]:
        return [PERSON]

    def get_supported_languages(self) -> list[str]:
        return [LANGUAGE]
