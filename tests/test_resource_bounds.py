"""Resource bounds (PL004) beyond tests/test_load.py: every bound is an option on
``planlint.load.Limits``, other shapes of alias bombs and deep nesting stop fast without a
RecursionError, and an over-size file is cut off when it is read, not after."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import time

import pytest

import hostile
from conftest import MINIMAL
from planlint.discover import Target
from planlint.engine import lint_bytes, lint_target
from planlint.load import Limits, load_bytes


_ELAPSED = [0.0]


def _last_elapsed() -> float:
    """How long the last ``fast`` call took to lint."""
    return _ELAPSED[0]


def fast(raw: bytes, limits: Limits = Limits(), seconds: float = 0.5):
    """Lint ``raw`` and check that it took under ``seconds``; returns [(code, line, column, message)]."""
    start = time.perf_counter()
    result = lint_bytes(raw, "plan.yaml", hostile.registry(), limits=limits)
    elapsed = _ELAPSED[0] = time.perf_counter() - start
    assert elapsed < seconds, f"{elapsed:.2f} s"
    hostile.check_findings(raw, result)
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


def test_limits_holds_the_bounds_with_their_defaults():
    assert Limits() == Limits(max_file_bytes=1_048_576, max_depth=64, max_nodes=100_000, max_findings=1_000)
    assert [field.name for field in dataclasses.fields(Limits)] == [
        "max_file_bytes", "max_depth", "max_nodes", "max_findings"]


# -- each bound is an option ------------------------------------------------------------------


def test_max_depth_is_an_option():
    raw = MINIMAL.encode() + b"x-deep: [[[[[1]]]]]\n"
    assert [c for c, *_ in fast(raw)] == []
    found = fast(raw, Limits(max_depth=5))
    assert found == [("PL004", 10, 13, "nesting deeper than 5 levels; a plan nests 3 or 4 deep")]


def test_max_nodes_is_an_option():
    raw = MINIMAL.encode() + b"x-list: [" + b"1, " * 60 + b"1]\n"
    assert fast(raw) == []
    found = fast(raw, Limits(max_nodes=50))
    assert [(code, line) for code, line, *_ in found] == [("PL004", 10)]
    assert "more than 50 values" in found[0][3]


def test_max_file_bytes_is_an_option_of_the_engine():
    raw = MINIMAL.encode()
    assert fast(raw, Limits(max_file_bytes=len(raw))) == []
    assert fast(raw, Limits(max_file_bytes=len(raw) - 1)) == [
        ("PL004", 1, 1, f"the file is {len(raw)} bytes, over the {len(raw) - 1}-byte limit for one plan")]


# -- other shapes of hostile files ---------------------------------------------------------------


def test_classic_billion_laughs_of_strings():
    lines = ["planlint: 1", 'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [{','.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    found = fast(("\n".join(lines) + "\n").encode())
    assert [(code, line) for code, line, *_ in found] == [("PL004", 7)]


def test_alias_bomb_of_mappings_and_merge_keys():
    lines = ["planlint: 1", "k0: &k0 {a: 1, b: 2}"]
    lines += [f"k{i}: &k{i} {{x: *k{i - 1}, y: *k{i - 1}, <<: *k{i - 1}}}" for i in range(1, 40)]
    found = fast(("\n".join(lines) + "\n").encode())
    assert [(code, line) for code, line, *_ in found] == [("PL004", 11)]


def test_a_long_alias_chain_counts_every_level():
    raw = b"planlint: 1\na0: &a0 [1]\n" + b"".join(b"a%d: &a%d [*a%d, 1]\n" % (i, i, i - 1) for i in range(1, 5000))
    assert [code for code, *_ in fast(raw)] == ["PL004"]


@pytest.mark.parametrize("raw, where", [
    (b"planlint: 1\nx: " + b"[" * 10_000 + b"\n", ("PL004", 2, 67)),  # never closed
    (b"planlint: 1\nx: " + b"{a: " * 10_000 + b"1" + b"}" * 10_000 + b"\n", ("PL004", 2, 256)),
    (b"planlint: 1\nx: " + b"[{a: " * 5_000 + b"\n", ("PL004", 2, 160)),
    # block nesting costs indentation: 300 levels are already 90 KB
    (b"planlint: 1\n" + b"".join(b"  " * i + b"k:\n" for i in range(300)) + b"  " * 300 + b"v\n", ("PL004", 66, 129)),
    (b"planlint: 1\nx:\n" + b"".join(b"  " * i + b"-\n" for i in range(1, 300)), ("PL004", 66, 129)),
], ids=["unclosed-brackets", "braces", "brackets-and-braces", "block-mappings", "block-sequences"])
def test_deep_nesting_of_any_shape_stops_at_the_depth_bound(raw, where):
    found = fast(raw)
    assert [(code, line, column) for code, line, column, _ in found] == [where]
    assert found[0][3] == "nesting deeper than 64 levels; a plan nests 3 or 4 deep"


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["libyaml", "pure-python-parser"])
def test_nesting_needs_no_recursion(bom):
    """The builder is iterative: with the depth bound raised, 2,000 levels load under a
    recursion limit of 100 frames above the caller's."""
    import inspect
    import sys

    raw = bom + b"planlint: 1\nx: " + b"[" * 2_000 + b"]" * 2_000 + b"\n"
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(len(inspect.stack()) + 100)
    try:
        doc = load_bytes(raw, "plan.yaml", Limits(max_depth=5_000))
    finally:
        sys.setrecursionlimit(old)
    assert doc.findings == [] and doc.usable


def test_a_file_over_the_size_bound_is_cut_off_when_read(tmp_path):
    path = tmp_path / "huge.yaml"
    filler = b"# " + b"padding " * 12 + b"\n"
    path.write_bytes(MINIMAL.encode() + filler * (3 * 1_048_576 // len(filler)))
    size = path.stat().st_size
    start = time.perf_counter()
    result = lint_target(Target(str(path), explicit=True), hostile.registry())
    assert time.perf_counter() - start < 0.5
    assert [(f.code, f.line, f.column, f.message) for f in result.findings] == [
        ("PL004", 1, 1, f"the file is {size:,} bytes, over the 1,048,576-byte limit for one plan")]
    assert result.doc.text == ""  # nothing of it was parsed


def test_the_check_command_reports_an_over_size_file_and_goes_on(tmp_path, cli):
    (tmp_path / "huge.yaml").write_bytes(b"planlint: 1\n" + b"#" * 2_000_000 + b"\n")
    (tmp_path / "ok.yaml").write_text(MINIMAL)
    result = cli("check", "--format", "concise", str(tmp_path))
    assert result.exit_code == 1
    assert "huge.yaml:1:1: PL004 [error] the file is 2,000,013 bytes, over the 1,048,576-byte limit" in result.output
    assert "Found 1 finding (1 error) in 1 of 2 plans." in result.output


def test_a_file_of_twenty_thousand_unknown_keys_is_fast_and_says_what_it_held_back(monkeypatch):
    from planlint import validate

    raw = b"planlint: 1\n" + b"".join(b"k%d: 1\n" % i for i in range(20_000))
    # The did-you-mean is the costly part of an unknown key's finding: it is tried for the
    # first HINTED_KEYS keys only, and never past the findings bound. Counted, not timed, so
    # that a busy machine cannot fail it; the time bound is a generous one.
    guessed = []
    nearest = validate._nearest
    monkeypatch.setattr(validate, "_nearest", lambda word, choices: guessed.append(word) or nearest(word, choices))
    found = fast(raw, seconds=5.0)
    assert guessed == [f"k{i}" for i in range(validate.HINTED_KEYS - 3)]  # the 3 missing keys count first
    # 20,000 unknown keys and 3 missing required ones; the missing ones are shown first
    assert len(found) == 1_001
    assert [message for code, line, column, message in found if "missing" in message] == [
        "the plan is missing the required key 'name' (Name of the plan or model, for reports)",
        "the plan is missing the required key 'model' (The model to pre-train)",
        "the plan is missing the required key 'data' (The pre-training data)",
    ]
    assert found[-2][:3] == ("PL002", 998, 1) and found[-2][3].startswith("unknown key 'k996'")
    # the summary stands where the first finding held back is: k997, on line 999
    assert found[-1] == ("PL004", 999, 1, "19,003 more findings not shown: the file has more than 1,000, "
                         "and a plan with a few mistakes has a handful")


def test_the_findings_bound_is_a_limit(tmp_path, cli):
    (tmp_path / "pyproject.toml").write_text("[tool.planlint]\nlimits = {max-findings = 2}\n")
    (tmp_path / "plan.yaml").write_text("planlint: 1\nname: t\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n"
                                        "a: 1\nb: 2\nc: 3\nd: 4\n")
    result = cli("check", "--format", "concise", str(tmp_path / "plan.yaml"))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "plan.yaml:" in line]
    assert [line.split(" [")[0].split("plan.yaml:")[1] for line in lines] == [
        "5:1: PL002", "6:1: PL002", "7:1: PL004"]
    assert "2 more findings not shown: the file has more than 2" in lines[2]


def test_schema_errors_stop_being_read_at_the_findings_bound(monkeypatch):
    """50,000 broken items of the mix: jsonschema's errors are read lazily, not all built first,
    and the summary says the count is a lower bound."""
    from planlint import validate

    built = []
    schema_errors = validate.schema_errors
    monkeypatch.setattr(validate, "schema_errors",
                        lambda data, bound=None: built.append(schema_errors(data, bound)) or built[-1])
    raw = (b"planlint: 1\nname: t\nmodel: {params: 1B}\ndata:\n  train_tokens: 20B\n  mix:\n" +
           b"  - 5\n" * 50_000)
    found = fast(raw, seconds=5.0)
    errors, unread = built[0]
    assert unread and len(errors) == 4 * 1_000 + 8
    assert len(found) == 1_001
    assert found[0] == ("PL002", 7, 5, "data.mix[0] must be a mapping, found 5")
    assert found[-1] == ("PL004", 1_007, 5, "at least 3,008 more findings not shown: the file has more than 1,000, "
                         "and a plan with a few mistakes has a handful")


def test_missing_keys_are_reported_even_when_the_errors_read_stop_early():
    raw = b"planlint: 1\nmodel: {params: 1B}\ndata:\n  train_tokens: 20B\n  mix:\n" + b"  - 5\n" * 5_000
    found = fast(raw, seconds=5.0)
    assert found[0] == ("PL002", 1, 1, "the plan is missing the required key 'name' (Name of the plan or model, "
                        "for reports)")


def test_invisible_characters_in_unknown_keys_are_spelled_out_in_the_message():
    raw = "planlint: 1\nname: t\nmodel: {params: 1B, lay\u200bers: 2}\ndata: {train_tokens: 20B}\n".encode()
    found = fast(raw)
    assert found == [("PL002", 3, 21, "unknown key 'lay\\u200bers' in model; did you mean 'layers'?")]


def test_an_over_size_standard_input_is_not_given_the_size_it_was_cut_at(cli, tmp_path):
    big = b"planlint: 1\n" + b"#" * 5_000_000 + b"\n"
    piped = cli("check", "--format", "concise", "-", input=big)
    assert piped.stdout.splitlines()[0].split("; fix: ")[0] == (
        "-:1:1: PL004 [error] the file is more than 1,048,576 bytes, over the 1,048,576-byte limit for one plan "
        "(input-limit)")
    (tmp_path / "big.yaml").write_bytes(big)
    with open(tmp_path / "big.yaml", "rb") as redirected:  # `planlint check - < big.yaml`: its size is known
        done = subprocess.run([sys.executable, "-m", "planlint", "check", "--format", "concise", "-"],
                              stdin=redirected, capture_output=True, text=True, timeout=60)
    assert done.stdout.splitlines()[0].split("; fix: ")[0] == (
        "-:1:1: PL004 [error] the file is 5,000,013 bytes, over the 1,048,576-byte limit for one plan (input-limit)")


def test_a_one_line_plan_of_a_megabyte_does_not_print_the_line_with_every_finding(cli, tmp_path):
    """1,000 findings on one 900 KB line were 900 MB of text: each shows a window of the line."""
    from planlint.report.text import SHOWN_LINE

    keys = b", ".join(b"key%06d: 1" % i for i in range(65_000))
    path = tmp_path / "one-line.yaml"
    path.write_bytes(b"{planlint: 1, name: t, model: {params: 1B}, data: {train_tokens: 20B}, " + keys + b"}\n")
    result = cli("check", str(path))
    assert result.exit_code == 1
    assert len(result.stdout) < 1_000_000
    shown = [line for line in result.stdout.splitlines() if line.startswith("1 | ")]
    assert len(shown) == 1_001 and max(map(len, shown)) == len("1 | ") + 3 + SHOWN_LINE + 3
    assert result.stdout.splitlines()[:4] == [
        f"{path}:1:72: PL002 [error] unknown key 'key000000' (schema)",
        "  |",
        "1 | ...params: 1B}, data: {train_tokens: 20B}, key000000: 1, key000001: 1, key000002: 1, key000003: 1, "
        "key000004: 1, key000005: 1, key000006: 1, key000007: 1, key00000...",
        "  |                                            ^^^^^^^^^"]
