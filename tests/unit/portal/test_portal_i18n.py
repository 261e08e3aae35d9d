"""The gettext catalogues: every message the portal shows has a Chinese translation, with matching
placeholders, and both catalogues compile from the .po files alone (a fresh clone works)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from sandbox.portal import i18n

PORTAL = Path(i18n.__file__).parent
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def used_messages() -> set[str]:
    found = extract_from_dir(
        str(PORTAL),
        method_map=[("templates/**.html", "jinja2"), ("**.py", "python")],
        options_map={"templates/**.html": {"extensions": "jinja2.ext.i18n"}},
        keywords={"_": None, "N_": None},
    )
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def catalogue(lang: str) -> dict[str, str]:
    with i18n.po_path(lang).open("rb") as source:
        return {str(m.id): str(m.string) for m in read_po(source) if m.id}


def test_every_message_in_templates_and_code_has_a_chinese_translation() -> None:
    used, zh = used_messages(), catalogue("zh_CN")
    assert len(used) > 100
    assert sorted(used - set(zh)) == []
    assert sorted(m for m in used if not zh[m].strip()) == []


def test_the_english_catalogue_lists_the_same_messages() -> None:
    assert set(catalogue("en")) >= used_messages()


def test_translations_keep_every_placeholder() -> None:
    for message, text in catalogue("zh_CN").items():
        assert sorted(PLACEHOLDER.findall(message)) == sorted(PLACEHOLDER.findall(text)), message


def test_the_catalogues_compile_and_translate() -> None:
    zh, en = i18n.translations("zh_CN"), i18n.translations("en")
    assert zh.ugettext("Sign in") == "登录"
    assert en.ugettext("Sign in") == "Sign in"


def test_the_language_comes_from_the_query_then_the_cookie_then_defaults_to_chinese() -> None:
    assert i18n.choose(None, None) == "zh_CN"
    assert i18n.choose("en", "zh_CN") == "en"
    assert i18n.choose(None, "en") == "en"
    assert i18n.choose("fr", "xx") == "zh_CN"
    assert i18n.choose("../../etc", None) == "zh_CN"
