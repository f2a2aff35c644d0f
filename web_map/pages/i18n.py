"""The workbench's languages: 中文 first, English; gettext catalogs (Babel .po files) read once at start-up.

Message ids are English; ``locale/zh_CN/LC_MESSAGES/messages.po`` holds the Chinese of every one (a test fails
on a missing one), ``locale/en`` is English as written. The catalogs are compiled in memory from the .po files
when the site starts (Babel's own writer), so a clean clone needs no build step and no .mo files.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from starlette.requests import Request

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "messages"
LOCALES = ("zh_CN", "en")
DEFAULT_LOCALE = "zh_CN"
LANG_COOKIE = "hongyan_lang"
HTML_LANG = {"zh_CN": "zh-CN", "en": "en"}
SWITCH_LABEL = {"zh_CN": "English", "en": "中文"}


def N_(message: str) -> str:
    """Mark a message for extraction (pybabel); it is translated where it is shown."""
    return message


def catalog_path(locale: str) -> Path:
    """The .po file of a locale."""
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_translations(locale: str) -> Translations:
    """The locale's catalog, compiled from its .po file in memory."""
    with catalog_path(locale).open("rb") as po:
        catalog = read_po(po, locale=locale, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def locale_of(request: Request) -> str:
    """The request's language: the cookie's if it names one we have, else Chinese."""
    chosen = request.cookies.get(LANG_COOKIE, "")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def other_locale(locale: str) -> str:
    """The language the switch offers."""
    return "en" if locale == "zh_CN" else "zh_CN"
