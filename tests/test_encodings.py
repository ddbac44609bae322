"""Encodings and line endings: positions stay exact whatever the bytes around them.

Lines are counted as editors count them (LF, CRLF, CR; not NEL, LS and PS, which YAML 1.1
also breaks at, but editors show inside a line); columns
count the characters (Unicode code points) of the decoded line, 1-based, without the
byte-order mark. The text output prints the source line and puts its caret under the
finding's characters; ``--format json`` gives the same numbers.
"""

from __future__ import annotations

import json

import pytest

import hostile

PLAN = ("planlint: 1\nname: t\ngoal: base\nmodel:\n  params: 1B\ndata:\n  train_tokens: 2B\n"
        "compute:\n  flops: 1.2e19\n")
BOM = b"\xef\xbb\xbf"


def spans(result) -> list[tuple]:
    return [(f.code, f.line, f.column, f.span.end_line, f.span.end_column) for f in result.findings]


def json_spans(result) -> list[tuple]:
    return [(d["code"], d["line"], d["column"], d["end_line"], d["end_column"])
            for d in json.loads(hostile.render("json", result))]


def snippet(result) -> list[str]:
    """The source line and caret lines of the text output (between the header and the fix)."""
    lines = hostile.render("text", result).splitlines()
    return [line for line in lines if line.lstrip(" 0123456789").startswith("|") and line.strip() != "|"]


UNDERTRAINED = [("PL101", 7, 3, 7, 15)]
UNDERTRAINED_SNIPPET = ["7 |   train_tokens: 2B", "  |   ^^^^^^^^^^^^"]


@pytest.mark.parametrize("raw", [
    PLAN.encode(),
    BOM + PLAN.encode(),
    PLAN.replace("\n", "\r\n").encode(),
    BOM + PLAN.replace("\n", "\r\n").encode(),
    PLAN.replace("\n", "\r").encode(),
    "".join(line + ("\r\n", "\n", "\r")[i % 3] for i, line in enumerate(PLAN.splitlines())).encode(),
], ids=["utf8", "bom", "crlf", "bom-crlf", "cr", "mixed"])
def test_bom_and_line_endings_keep_positions_and_the_caret(raw):
    result = hostile.check(raw)
    assert spans(result) == UNDERTRAINED
    assert json_spans(result) == UNDERTRAINED
    assert snippet(result) == UNDERTRAINED_SNIPPET  # no \r (\x0d) and no BOM in the shown line


@pytest.mark.parametrize("newline", ["\x85", "\u2028", "\u2029"], ids=["nel", "ls", "ps"])
def test_yaml_11_line_breaks_are_inside_the_line_as_editors_show_it(newline):
    """YAML reads them as line breaks; editors show one line, and positions follow the editor."""
    text = PLAN.replace("\n", newline)
    result = hostile.check(text.encode())
    column = text.index("train_tokens") + 1
    assert spans(result) == [("PL101", 1, column, 1, column + len("train_tokens"))]
    spelled = f"\\u{ord(newline):04x}" if newline != "\x85" else "\\x85"
    shown = text.replace(newline, spelled)
    assert snippet(result) == [f"1 | {shown}",
                               "  | " + " " * len(shown[:shown.index("train_tokens")]) + "^" * len("train_tokens")]


def test_a_bom_is_not_a_column_on_the_first_line():
    raw = BOM + b"planlint: 2\nname: t\ngoal: base\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n" \
                b"compute: {flops: 1.2e20}\n"
    result = hostile.check(raw)
    assert spans(result) == [("PL002", 1, 11, 1, 12)]
    assert snippet(result) == ["1 | planlint: 2", "  |           ^"]


def test_tabs_in_values_keep_the_value_column_and_the_caret_keeps_the_tab():
    raw = PLAN.replace("name: t", "name:\tt").replace("params: 1B", "params:\t1.3BB").encode()
    result = hostile.check(raw)
    assert spans(result) == [("PL002", 5, 11, 5, 16)]
    assert json_spans(result) == [("PL002", 5, 11, 5, 16)]
    # the caret line repeats the tab, so that it lines up under the value whatever the tab width
    assert snippet(result) == ["5 |   params:\t1.3BB", "  |          \t^^^^^"]


def test_a_tab_before_a_key_in_a_flow_mapping():
    raw = PLAN.replace("data:\n  train_tokens: 2B\n", "data: {\ttrain_tokens: 2B}\n").encode()
    result = hostile.check(raw)
    assert spans(result) == [("PL101", 6, 9, 6, 21)]
    assert snippet(result) == ["6 | data: {\ttrain_tokens: 2B}", "  |        \t^^^^^^^^^^^^"]


def test_tabs_after_a_key_and_in_comments():
    raw = PLAN.replace("name: t", "name: t\t# a\tcomment").replace("train_tokens: 2B", "train_tokens:\t\t2B").encode()
    result = hostile.check(raw)
    assert spans(result) == UNDERTRAINED
    assert snippet(result) == ["7 |   train_tokens:\t\t2B", "  |   ^^^^^^^^^^^^"]


FLOW = ("planlint: 1\nname: t\ngoal: base\nmodel: {params: 1B}\ndata: {%s: 1, train_tokens: 2B}\n"
        "compute: {flops: 1.2e19}\n")


@pytest.mark.parametrize("key, column", [
    ("x-note", 19),
    ("x-café", 19),  # é is one character (two bytes)
    ("x-\U0001f680", 16),  # a character outside the BMP is one code point (four bytes, two UTF-16 units)
    ("x-中文", 17),
    ("x-e\u0301", 17),  # e + combining acute accent: two code points
], ids=["ascii", "latin", "non-bmp", "cjk", "combining"])
def test_non_ascii_before_a_key_counts_code_points(key, column):
    result = hostile.check((FLOW % key).encode())
    expected = [("PL101", 5, column, 5, column + 12)]
    assert spans(result) == expected
    assert json_spans(result) == expected
    source, caret = snippet(result)
    assert source == "5 | " + FLOW.splitlines()[4] % key
    if key.isascii() or key == "x-café":  # one terminal cell per character; the others: below
        assert caret == "  | " + " " * (column - 1) + "^" * 12


def test_non_ascii_in_the_finding_line_before_a_latin1_byte():
    assert spans(hostile.check(b"planlint: 1\nname: \xc3\xa9 caf\xe9\n")) == [("PL001", 2, 12, 2, 13)]


def _cells(text: str) -> int:
    """Terminal cells: wide East Asian characters and most emoji take two, combining marks none."""
    import unicodedata

    return sum(0 if unicodedata.combining(ch) else 2 if unicodedata.east_asian_width(ch) in "WF" else 1
               for ch in text)


@pytest.mark.parametrize("key", ["x-\U0001f680", "x-中文", "x-e\u0301"], ids=["emoji", "cjk", "combining"])
def test_the_caret_lines_up_in_terminal_cells_after_wide_or_combining_characters(key):
    result = hostile.check((FLOW % key).encode())
    _, caret = snippet(result)
    before_key = "data: {" + key + ": 1, "
    assert caret == "  | " + " " * _cells(before_key) + "^" * 12


# -- other encodings ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"\xfe\xff" + PLAN.encode("utf-16-be"),
    b"\xff\xfe" + PLAN.encode("utf-16-le"),
], ids=["utf16-be-bom", "utf16-le-bom"])
def test_utf16_with_a_bom_is_one_clear_finding(raw):
    result = hostile.check(raw)
    assert [(f.code, f.line, f.column, f.message) for f in result.findings] == [
        ("PL001", 1, 1, "the file is UTF-16 encoded; planlint reads UTF-8")]
    assert result.findings[0].fix == "save the plan as UTF-8"


def test_utf16_without_a_bom_is_one_pl001_at_its_first_nul():
    result = hostile.check(PLAN.encode("utf-16-le"))
    assert spans(result) == [("PL001", 1, 2, 1, 3)]
    assert "NUL byte" in result.findings[0].message


def test_utf32_is_named_as_utf32():
    result = hostile.check(PLAN.encode("utf-32"))
    assert [(f.code, f.line, f.column) for f in result.findings] == [("PL001", 1, 1)]
    assert "UTF-32" in result.findings[0].message


def test_latin1_after_a_bom_names_the_right_byte():
    result = hostile.check(BOM + "planlint: 1\nname: café\n".encode("latin-1"))
    assert [(f.code, f.line, f.column, f.message) for f in result.findings] == [
        ("PL001", 2, 10, "the file is not UTF-8: byte 0xe9 cannot be decoded")]


def test_an_encoding_error_fails_the_check_command(tmp_path, cli):
    path = tmp_path / "plan.yaml"
    path.write_bytes(PLAN.encode("utf-16"))
    result = cli("check", "--format", "concise", str(path))
    assert result.exit_code == 1
    assert f"{path}:1:1: PL001 [error] the file is UTF-16 encoded; planlint reads UTF-8" in result.output


@pytest.mark.parametrize("before, shown, lead, width", [
    # YAML refuses ESC: the PL001 caret covers its spelled-out form, four cells
    ("\x1b[31m", "\\x1b[31m", "data: {x-", 4),
    # a right-to-left override would reorder the shown line; the PL101 caret stays under its key
    ("\u202e", "\\u202e", "data: {x-\\u202ek: 1, ", 12),
    ("\u2066", "\\u2066", "data: {x-\\u2066k: 1, ", 12),  # so would a left-to-right isolate
], ids=["escape", "rlo", "lri"])
def test_controls_are_spelled_out_and_the_caret_still_lines_up(before, shown, lead, width):
    result = hostile.check((FLOW % ("x-" + before + "k")).encode())
    source, caret = snippet(result)
    assert source == "5 | data: {x-" + shown + "k: 1, train_tokens: 2B}"
    assert caret == "  | " + " " * len(lead) + "^" * width
