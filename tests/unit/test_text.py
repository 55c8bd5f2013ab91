"""Invisible characters are stripped; visible ones, rare-name characters and line breaks stay."""

import pytest

from welfare.core.text import strip_invisible


@pytest.mark.parametrize("typed, kept", [
    ("王小明", "王小明"),
    ("王\u200b小明", "王小明"),  # zero-width space
    ("王\u200c\u200d小明", "王小明"),  # zero-width non-joiner and joiner
    ("\u200e王小明\u200f", "王小明"),  # left-to-right and right-to-left marks
    ("\u202a王\u202b小\u202c明\u202d\u202e", "王小明"),  # bidi embeddings and overrides
    ("\u2060王\u2061\u2062\u2063\u2064小明", "王小明"),  # word joiner, invisible operators
    ("\u2066林園\u2067北路\u2068\u2069", "林園北路"),  # bidi isolates
    ("\ufeff東林路100號", "東林路100號"),  # byte order mark
    ("林\u00ad園", "林園"),  # soft hyphen
    ("\U000e0001tag\U000e007f", "tag"),  # tag characters
    ("a\x00b\x07c\x1bd\x7fe\x85f", "abcdef"),  # control characters, NUL included
    ("第一行\n第二行\r\n\t縮排", "第一行\n第二行\r\n\t縮排"),  # line breaks and tabs stay
    ("一\u2028二\u2029三", "一 二 三"),  # line and paragraph separators become spaces
    ("\ue000先生", "\ue000先生"),  # private use: rare characters in household registers
    ("\u9f8d\U000e0100", "\u9f8d\U000e0100"),  # ideographic variation selector stays
    ("Zoë O’Neil-Smith", "Zoë O’Neil-Smith"),
    ("  spaces  kept  ", "  spaces  kept  "),
    ("\u3000全形空白", "\u3000全形空白"),  # ideographic space is a visible space
    ("", ""),
    ("\u200b", ""),
])
def test_strip_invisible(typed, kept):
    assert strip_invisible(typed) == kept


@pytest.mark.parametrize("value", [None, 5, 1.5, b"bytes"])
def test_non_strings_pass_through(value):
    assert strip_invisible(value) == value
