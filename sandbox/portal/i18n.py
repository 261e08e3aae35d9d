"""gettext catalogues (zh_CN by default, en), compiled from the .po files when the portal starts.

Compiling in memory means a fresh clone works without a build step and the .po files stay the only
source. The language comes from ``?lang=`` (which also sets the cookie), then the cookie, then zh_CN.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "portal"
LANGS = ("zh_CN", "en")
DEFAULT = "zh_CN"
COOKIE = "portal_lang"


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> Translations:
    with po_path(lang).open("rb") as source:
        catalog = read_po(source, locale=lang, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


def choose(query_lang: str | None, cookie_lang: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGS:
            return str(candidate)
    return DEFAULT


def html_lang(lang: str) -> str:
    return "zh-CN" if lang == "zh_CN" else lang
