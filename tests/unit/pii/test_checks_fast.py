"""The scanner's fast checksums agree with the identifier package on every input tried."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.identifiers.checks import USCC_ALPHABET, is_valid_luhn, is_valid_resident_id, is_valid_uscc
from sandbox.pii.checks import luhn_ok, resident_id_ok, uscc_ok
from tests.unit.pii._support import ID_A, ID_X, USCC_COMPANY, USCC_PERSONAL

digits = st.text(alphabet="0123456789", min_size=2, max_size=20)


@given(digits)
@settings(max_examples=500)
def test_luhn_matches_reference(value: str) -> None:
    assert luhn_ok(value) == is_valid_luhn(value)


@given(st.text(alphabet="123456789", min_size=1, max_size=1), st.text(alphabet="0123456789", min_size=16, max_size=16))
@settings(max_examples=500)
def test_resident_id_matches_reference_including_valid_ones(first: str, rest: str) -> None:
    from sandbox.identifiers.checks import resident_id_check_char

    body = first + rest
    for last in ("0", "X", resident_id_check_char(body)):
        assert resident_id_ok(body + last) == is_valid_resident_id(body + last)


def test_known_ids() -> None:
    assert resident_id_ok(ID_A) and resident_id_ok(ID_X)


@given(st.text(alphabet=USCC_ALPHABET, min_size=18, max_size=18))
@settings(max_examples=500)
def test_uscc_matches_reference(value: str) -> None:
    assert uscc_ok(value) == is_valid_uscc(value)


def test_known_usccs_and_single_substitutions() -> None:
    for code in (USCC_PERSONAL, USCC_COMPANY):
        assert uscc_ok(code)
        for i in range(18):
            for ch in "0A9Y":
                mutated = code[:i] + ch + code[i + 1 :]
                assert uscc_ok(mutated) == is_valid_uscc(mutated)
