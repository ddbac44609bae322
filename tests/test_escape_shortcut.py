"""The escape's shortcut: a text str.isprintable() accepts (once tab, and LF where lines are
kept, are set aside) holds no character the hidden-character classes match, so skipping
them changes nothing. Held here over every code point, on the running Python's Unicode."""

from __future__ import annotations

import re

import pytest

from planlint.report import escape


@pytest.mark.parametrize("pattern, kept", [(escape._HIDDEN, "\t"), (escape._HIDDEN_KEEP_LF, "\t\n"),
                                           (escape._SURROGATE, "")])
def test_every_character_a_class_hides_is_one_isprintable_refuses(pattern, kept):
    hides = re.compile(pattern)
    caught = [code for code in range(0x110000) if hides.match(chr(code))]
    assert len(caught) > 2000  # the surrogates alone are 2,048
    assert [hex(code) for code in caught if chr(code).isprintable() or chr(code) in kept] == []


@pytest.mark.parametrize("text", ["plain", "tab\there", "line\nbreak", "a\u202eb", "\x1b[31m", "\u2028",
                                  "é and ü", "\ud800", "zero\u200bwidth", "\ufeffbom", "\U000e0041tag"])
def test_visible_is_the_same_with_or_without_the_shortcut(text, monkeypatch):
    shortcut = [escape.visible(text), escape.visible(text, multiline=True), escape.hidden_spelled(text),
                escape.no_surrogates(text)]
    monkeypatch.setattr(escape, "_may_hide", lambda text, kept: True)
    full = [escape.visible(text), escape.visible(text, multiline=True), escape.hidden_spelled(text),
            re.sub(escape._SURROGATE, escape._spell, text)]
    assert shortcut == full
