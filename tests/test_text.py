"""geo.core.text: the one rule for control characters, NUL and lone surrogates."""

from __future__ import annotations

from geo.core.text import has_lone_surrogate, has_nul, strip_control


def test_strip_control_keeps_tab_newline_and_chinese() -> None:
    assert strip_control("控\u0007制\x00名\x1b字\x7f\x85") == "控制名字"
    assert strip_control("第一行\n第二行\t列\r") == "第一行\n第二行\t列\r"


def test_nul_and_lone_surrogates_are_found() -> None:
    assert has_nul("a\x00b") and not has_nul("ab")
    assert has_lone_surrogate("x\ud800y") and not has_lone_surrogate("鸿雁😀")
