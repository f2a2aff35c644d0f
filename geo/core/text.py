"""Text as it may be stored: control characters stripped; NUL and lone surrogates found for a clear refusal.

Leaf module (imports nothing of ours): the API's input check and the spreadsheet import both use it, so a name
typed in a form and a name read from a file are cleaned by the same rule.
"""

from __future__ import annotations

import re

# C0 controls except tab, line feed and carriage return; DEL; C1 controls. openpyxl refuses most of them
# (IllegalCharacterError) and none of them is ever meant in a name, an address or a note.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def strip_control(text: str) -> str:
    """The text without control characters (tab, line feed and carriage return are kept)."""
    return _CONTROL.sub("", text)


def has_nul(text: str) -> bool:
    """Whether the text holds a NUL character (PostgreSQL cannot store one)."""
    return "\x00" in text


def has_lone_surrogate(text: str) -> bool:
    """Whether the text holds an unpaired UTF-16 surrogate (not encodable as UTF-8)."""
    return _LONE_SURROGATE.search(text) is not None
