"""normalize: one-to-one mapping of look-alike characters (offsets stay valid)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sandbox.pii.normalize import normalize


def test_full_width_and_other_digits_become_ascii() -> None:
    assert normalize("５２２６") == "5226"
    assert normalize("٥٢٢٦") == "5226"  # Arabic-Indic digits
    assert normalize("a\u3000b\u200bc") == "a b c"
    assert normalize("138\u20130013") == "138-0013"


@given(st.text())
def test_length_is_preserved(text: str) -> None:
    assert len(normalize(text)) == len(text)
