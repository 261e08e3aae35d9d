"""Constants and helpers shared by the identifier test modules."""

from collections.abc import Iterator

SEED = 20_240_601
DRAWS = 4_000  # generated values checked per generator test


def single_substitutions(value: str, alphabet: str) -> Iterator[str]:
    """Every string that differs from ``value`` in exactly one position, using ``alphabet``."""
    for i, original in enumerate(value):
        for ch in alphabet:
            if ch != original:
                yield value[:i] + ch + value[i + 1 :]
