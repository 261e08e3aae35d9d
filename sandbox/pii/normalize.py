"""One-to-one text normalisation, so offsets found in the normalised text are valid in the original.

Full-width forms (U+FF01-FF5E) become ASCII, every Unicode decimal digit becomes its ASCII digit,
odd spaces and zero-width characters become a space and dash look-alikes a hyphen. NFKC is not used:
it changes lengths. Zero-width characters become spaces (not removed) so that a number split by them
is still matched by the separator-tolerant patterns.
"""

from __future__ import annotations

import sys
import unicodedata


def _build_table() -> dict[int, str]:
    table: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
    for cp in range(0x80, sys.maxunicode + 1):
        ch = chr(cp)
        if unicodedata.category(ch) == "Nd" and cp not in table:
            table[cp] = str(unicodedata.decimal(ch))
    for cp in (0x3000, 0x00A0, 0x2007, 0x202F, 0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x180E, *range(0x2000, 0x200B)):
        table[cp] = " "
    for cp in (0x00AD, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xFE58, 0xFE63, 0x30FC):
        table[cp] = "-"
    table[0x00B7] = "·"  # middle dot stays (plates use it), listed for clarity
    return table


_TABLE = _build_table()


def normalize(text: str) -> str:
    """Map look-alike characters to ASCII one for one (``len`` is preserved).

    >>> normalize("５２２６０１")
    '522601'
    """
    return text.translate(_TABLE)
