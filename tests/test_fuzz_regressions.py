"""Every failure the fuzzing harness (fuzz/fuzz_lint.py) or the hostile property tests found,
minimised, with the finding planlint should give instead.

Fixed bugs are plain tests. Bugs not fixed yet are ``xfail(strict=True)``: each names where
the bug is and the fix; when the fix lands the test passes, strict xfail turns that into a
failure, and the marker (and the bug's entry in ``hostile.KNOWN``) must go.
"""

from __future__ import annotations

import os
import time

import pytest

import hostile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")


def located(raw: bytes) -> list[tuple]:
    """The oracle's verdict (it raises on a crash or a finding outside the file), then the findings."""
    result = hostile.check(raw)
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


# -- fixed -----------------------------------------------------------------------------------


def test_a_serving_budget_of_hundreds_of_digits_is_a_schema_finding():
    # quantities.parse_usd called float() on the int: OverflowError out of the validator
    raw = (b"planlint: 1\nname: t\nmodel: {params: 7B}\ndata: {train_tokens: 140B}\nserving:\n"
           b"  max_usd_per_million_tokens: " + b"9" * 400 + b"\n")
    assert located(raw) == [
        ("PL002", 6, 31, "serving.max_usd_per_million_tokens: a 400-digit number is too large to be an amount")]


def test_a_count_of_hundreds_of_digits_with_a_word_suffix_is_a_schema_finding():
    # quantities._suggest_count scaled the number to infinity, and _plain could not split 'inf'
    raw = b"planlint: 1\nname: t\nmodel: {params: " + b"9" * 310 + b" billion}\ndata: {train_tokens: 140B}\n"
    assert located(raw) == [
        ("PL002", 3, 17, f"model.params: '{'9' * 310} billion' is not a count: write 1.3B, 1.3e9 or 1300000000")]


@pytest.mark.parametrize("value", ["9" * 400 + "Bn", "1e300 thousand", "9" * 400 + " trillion"])
def test_count_suggestions_never_overflow(value):
    from planlint.quantities import QuantityError, parse_count

    with pytest.raises(QuantityError, match="write 1.3B, 1.3e9 or 1300000000"):
        parse_count(value)


@pytest.mark.parametrize("parse", ["parse_count", "parse_integer", "parse_share", "parse_usd", "parse_fraction"])
@pytest.mark.parametrize("value", [10 ** 400, -(10 ** 400), 2 ** 20_000, float("nan"), float("inf")],
                         ids=["400-digits", "negative-400-digits", "6021-digits", "nan", "inf"])
def test_quantity_parsers_reject_out_of_range_numbers_with_a_quantity_error(parse, value):
    from planlint import quantities

    with pytest.raises(quantities.QuantityError):
        getattr(quantities, parse)(value)


def test_a_control_character_after_multibyte_characters_is_placed_by_character():
    # libyaml gives a disallowed character's byte offset; the finding fell past the line's end
    assert located("planlint: 1\nname: 中文\x0c\n".encode()) == [
        ("PL001", 2, 9, "syntax error: control characters are not allowed (#x000c)")]


@pytest.mark.parametrize("raw, column", [
    ("planlint: 1\nname: ééé\x00\n".encode(), 10),
    (b"\xef\xbb\xbfplanlint: 1\x00\n", 12),
], ids=["after-multibyte", "after-bom"])
def test_a_nul_byte_is_placed_by_character(raw, column):
    found = located(raw)
    nul_line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
    assert [(code, line, col) for code, line, col, _ in found] == [("PL001", nul_line, column)]


@pytest.mark.parametrize("value", ["!!int", "!!float", "!!int ''", "!!float _", "!!int +", "!!bool", "!!bool maybe"])
def test_a_tagged_scalar_that_is_not_its_type_is_a_schema_finding(value):
    plan = f"planlint: 1\nname: t\nmodel: {{params: 7B}}\ndata: {{train_tokens: 140B}}\nx-a: {value}\n"
    found = [f for f in located(plan.encode()) if f[0].startswith("PL00")]  # the rules run too
    assert [(code, line) for code, line, *_ in found] == [("PL002", 5)]
    assert "is not a valid" in found[0][3]


@pytest.mark.parametrize("value, digits", [
    ("0x" + "f" * 4000, 4_817),  # 16**4000 - 1 has 4000 * log10(16) = 4,816.5 digits
    ("0" + "7" * 6000, 5_419),  # octal: 6000 * log10(8) = 5,418.5
    ("-0b" + "1" * 15_000, 4_516),  # binary: 15000 * log10(2) = 4,515.5
    ("1" + ":59" * 3000, 5_335),  # base 60: 3000 * log10(60) = 5,334.5, plus the leading 1
], ids=["hex", "octal", "binary", "sexagesimal"])
def test_a_huge_non_decimal_integer_is_one_schema_finding(value, digits):
    # PyYAML built these ints, and jsonschema raised ValueError printing one for `maximum`
    found = located(f"planlint: 1\nname: t\nmodel: {{params: {value}}}\ndata: {{train_tokens: 1B}}\n".encode())
    assert found == [("PL002", 3, 17, f"a {digits:,}-digit number is too large for a plan value")]


@pytest.mark.parametrize("value, message", [
    ("!!int ''", "'' is not a valid int"),
    ("!!float _", "'_' is not a valid float"),
    ("!!bool maybe", "'maybe' is not a valid bool"),
])
def test_a_tagged_quantity_the_loader_refused_is_reported_once(value, message):
    found = located(f"planlint: 1\nname: t\nmodel: {{params: {value}}}\ndata: {{train_tokens: 1B}}\n".encode())
    assert found == [("PL002", 3, 17, message)]


@pytest.mark.parametrize("raw", [
    "x-a: \ufeff\nplanlint: 1\nx: ".encode() + b"[{" * 5_000 + b"\n",
    "x-a: \ufeff\nplanlint: 1\nx: ".encode() + b"[" * 20_000 + b"]" * 20_000 + b"\n",
], ids=["unclosed", "closed"])
def test_deep_flow_nesting_read_by_the_pure_parser_is_fast(raw):
    # a BOM inside the text sends it to PyYAML's pure-Python parser, whose scanner looks over
    # every open level for each token: 10,000 levels took seconds (8.4 s under the fuzzer)
    start = time.perf_counter()
    found = located(raw)
    assert time.perf_counter() - start < 0.5
    assert [(code, line, column) for code, line, column, _ in found if code == "PL004"] == [("PL004", 3, 67)]


def test_deep_flow_nesting_of_brackets_in_quotes_is_still_read_whole():
    # the brackets only look nested: the cut text gives no depth finding, so all of it is read
    raw = ("x-a: \ufeff\nplanlint: 1\nname: '" + "[" * 200 + "'\nmodel: {params: 1B}\n"
           "data: {train_tokens: 20B}\n").encode()
    assert [code for code, *_ in located(raw)] == ["PL201", "PL301"]


# -- the committed seed corpus -----------------------------------------------------------------


def _seeds():
    if not os.path.isdir(CORPUS):
        return []
    # the few seeds over 64 KB take ~0.1-1 s each; the fuzz run replays them, the suite does not
    return sorted(name for name in os.listdir(CORPUS) if os.path.getsize(os.path.join(CORPUS, name)) <= 65_536)


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="fuzz/corpus is not shipped in the sdist")
@pytest.mark.parametrize("name", _seeds())
def test_every_seed_of_the_fuzz_corpus_passes_the_oracle(name):
    with open(os.path.join(CORPUS, name), "rb") as handle:
        hostile.check(handle.read(), name, known=hostile.KNOWN)


@pytest.mark.parametrize("raw, expected", [
    # NEL and U+2028 end a line for YAML, not for an editor: a byte error after them is on the editor's line 1
    (b"planlint: 1\xc2\x85name: t\xe2\x80\xa8model: \xda\n",
     [("PL001", 1, 28, "the file is not UTF-8: byte 0xda cannot be decoded")]),
    (b"planlint: 1\xc2\x85name: \x00\n",
     [("PL001", 1, 19, "the file holds a NUL byte at offset 19: it looks binary, not a YAML plan")]),
])
def test_a_byte_error_after_a_yaml_only_line_break_is_at_the_editors_position(raw, expected):
    # the oracle counted YAML's line breaks for a file that did not decode, planlint the editor's
    assert [f[:4] for f in located(raw)] == expected


@pytest.mark.parametrize("raw, expected", [
    # a syntax error at the end of the stream, after a NEL or U+2028: YAML marks a line past the
    # editor's last one, which was left unmoved (line 3 of a one-line file)
    (b"(:\xc2\x85!", [("PL001", 1, 5, "syntax error: could not find expected ':'")]),
    (b"planlparams: 1B}\ndata: {traie_okt\xe2\x80\xa8, <<: *a", None),
    (b"#planlint: 1\xc2\x85name: seed\xc2\x85goal: assistant\xc2\x85model:\xe2\x80\xa8  params: Phi- 45%}\nc1.5 (M",
     None),
])
def test_a_syntax_error_at_the_end_after_a_yaml_only_line_break_is_inside_the_file(raw, expected):
    found = located(raw)  # the oracle raises on a position outside the file
    if expected is not None:
        assert found == expected
