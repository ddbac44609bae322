"""Lines and columns as editors show them: YAML 1.1 also breaks lines at NEL, U+2028 and U+2029,
which editors show inside a line, so the positions the parser gives are moved to the editor's."""

from __future__ import annotations

import pytest

from planlint.load import load_bytes


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_a_separator_in_a_comment_does_not_shift_later_lines(lint, separator):
    raw = f"planlint: 1\n# notes{separator}# more notes\nname: tiny\nmodel: {{params: 1B, paramz: 2}}\n"
    raw += "data: {train_tokens: 20B}\ncompute: {flops: 1.2e20}\ngoal: base\n"
    assert lint(raw) == [("PL002", 4, 21, "unknown key 'paramz' in model; did you mean 'params'?")]
    doc = load_bytes(raw.encode(), "plan.yaml")
    assert doc.lines[1] == f"# notes{separator}# more notes"
    assert len(doc.lines) == 8


def test_a_position_on_the_line_of_a_separator_counts_its_columns_from_the_editor_line():
    raw = "planlint: 1\nname: x # a\u2028\nmodel: {params: 1B}\n".encode()
    doc = load_bytes(raw, "plan.yaml")
    assert (doc.locate(("model", "params"), "value").line, doc.locate(("model", "params"), "value").column) == (3, 17)
    raw = "planlint: 1\n# a\u2028b: {c: 1}  {\n".encode()  # YAML reads `b: ...` as content
    doc = load_bytes(raw, "plan.yaml")
    spans = doc.locate(("b", "c"), "key") if doc.usable else doc.findings[0].span
    assert spans.line == 2


def test_a_syntax_error_after_a_separator_is_at_the_editor_line_and_says_it():
    raw = "planlint: 1\n# a comment\u2028with a separator\u2029and more\nname: 5\n".encode()
    doc = load_bytes(raw, "plan.yaml")
    assert [(f.code, f.line, f.column, f.message, f.details) for f in doc.findings] == [
        ("PL001", 2, 30, "syntax error: could not find expected ':'", ("while scanning a simple key at line 2",))]


def test_a_bad_byte_after_a_separator_is_at_the_editor_line():
    raw = "planlint: 1\n# a\u2028b\n".encode() + b"name: caf\xe9\n"
    doc = load_bytes(raw, "plan.yaml")
    assert [(f.code, f.line, f.column) for f in doc.findings] == [("PL001", 3, 10)]
