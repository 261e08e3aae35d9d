"""File-name checks: an exported file is a plain name, never a path."""

from __future__ import annotations

import unicodedata

from sandbox.pii.errors import FileRejected, RejectReason

_MAX_NAME_CHARS = 255
# Windows device names stay refused too: bundles are opened on reviewers' desktops.
_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))})


def safe_name(name: str) -> str:
    """Return ``name`` NFC-normalised if it is a plain file name; raise ``FileRejected`` otherwise.

    >>> safe_name("结果.csv")
    '结果.csv'
    """
    shown = _printable(name)
    normalised = unicodedata.normalize("NFC", name)
    stem = normalised.split(".", 1)[0].lower()
    bad = (
        not normalised.strip()
        or len(normalised) > _MAX_NAME_CHARS
        or normalised in {".", ".."}
        or normalised.startswith((".", "-", "~"))
        or normalised.endswith((" ", "."))
        or any(ch in normalised for ch in "/\\:\x00")
        or any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in normalised)
        or stem in _RESERVED
    )
    if bad:
        raise FileRejected(shown, RejectReason.PATH_TRAVERSAL)
    return normalised


def _printable(name: str) -> str:
    """A version of a hostile name that is safe to put in a message (no control chars, bounded)."""
    cleaned = "".join(ch if unicodedata.category(ch)[0] != "C" else "?" for ch in name)
    return cleaned[:80] + ("…" if len(cleaned) > 80 else "")
