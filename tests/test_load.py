"""Stage 1: reading files safely, with positions. Hostile input gives findings, never a traceback."""

import time

import pytest

from conftest import MINIMAL
from planlint.load import Limits, load_bytes


def codes(found):
    return [(code, line, column) for code, line, column, _ in found]


def test_minimal_plan_is_clean(lint):
    assert lint(MINIMAL) == []


def test_every_duplicate_key_is_reported_at_the_second_key(lint):
    plan = MINIMAL.replace("  params: 1B\n", "  params: 1B\n  params: 1B\n") + "name: again\n"
    found = lint(plan)
    assert found == [
        ("PL003", 6, 3, "duplicate key 'params' in model (first at line 5)"),
        ("PL003", 11, 1, "duplicate key 'name' in the plan (first at line 2)"),
    ]


def test_syntax_error_is_reported_at_its_mark(lint):
    found = lint("planlint: 1\nname: x\nmodel:\n  params: [1B\ndata: {}\n")
    assert codes(found) == [("PL001", 5, 5)]
    assert found[0][3].startswith("syntax error: did not find expected ',' or ']'")


def test_python_tags_never_build_objects(lint, tmp_path):
    marker = tmp_path / "pwned"
    plan = MINIMAL + f"x-note: !!python/object/apply:os.system ['touch {marker}']\n"
    found = lint(plan)
    assert codes(found) == [("PL002", 10, 9)]
    assert "the tag !!python/object/apply:os.system is not allowed" in found[0][3]
    assert not marker.exists()


def test_empty_file(lint):
    assert lint(b"") == [("PL002", 1, 1, "the file is empty: a plan is a YAML mapping")]


def test_only_comments_is_empty(lint):
    assert codes(lint(b"# nothing here\n")) == [("PL002", 1, 1)]


def test_list_at_top_level(lint):
    assert lint(b"- planlint: 1\n- name: x\n") == [
        ("PL002", 1, 1, "a plan is a YAML mapping at the top level, found a list")
    ]


def test_several_documents_checks_the_first_and_says_so(lint):
    found = lint(MINIMAL + "---\nplanlint: 1\n")
    assert found == [("PL002", 10, 1, "a plan is one YAML document; a second one starts here (line 10)")]


def test_binary_file(lint):
    assert codes(lint(b"planlint: 1\n\x00\x01\x02")) == [("PL001", 2, 1)]


def test_latin1_file_names_the_byte(lint):
    assert lint("planlint: 1\nname: café\n".encode("latin-1")) == [
        ("PL001", 2, 10, "the file is not UTF-8: byte 0xe9 cannot be decoded")
    ]


def test_utf16_file(lint):
    assert codes(lint("planlint: 1\n".encode("utf-16"))) == [("PL001", 1, 1)]


def test_bom_and_crlf_keep_positions(lint):
    plan = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19").replace("\n", "\r\n")
    found = lint(b"\xef\xbb\xbf" + plan.encode())
    assert codes(found) == [("PL101", 7, 3)]


def test_control_character(lint):
    found = lint(b"planlint: 1\nname: \x1b[31mred\n")
    assert codes(found) == [("PL001", 2, 7)]
    assert "#x001b" in found[0][3]


def test_alias_bomb_finishes_fast_with_a_finding(lint):
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        prev = f"*a{i - 1}"
        lines.append(f"a{i}: &a{i} [{', '.join([prev] * 10)}]")
    start = time.perf_counter()
    found = lint("\n".join(lines) + "\n")
    assert time.perf_counter() - start < 0.5
    assert [c for c, *_ in found] == ["PL004"]
    assert "more than 100,000 values" in found[0][3]


def test_deep_nesting_finishes_fast_with_a_finding(lint):
    start = time.perf_counter()
    found = lint("a: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert time.perf_counter() - start < 0.5
    assert codes(found) == [("PL004", 1, 67)]  # the 64th bracket: one mapping + 63 lists


def test_recursive_alias(lint):
    found = lint(b"planlint: 1\nname: &n [*n]\n")
    assert ("PL001", 2, 11) in codes(found)


def test_file_size_limit():
    doc = load_bytes(b"a: 1\n" * 10, "big.yaml", Limits(max_file_bytes=20))
    assert [(f.code, f.message) for f in doc.findings] == [
        ("PL004", "the file is 50 bytes, over the 20-byte limit for one plan")
    ]


def test_merge_keys_and_anchors_resolve(lint):
    plan = MINIMAL + "x-defaults: &d {params: 1B}\n"
    plan = plan.replace("model:\n  params: 1B\n", "model:\n  <<: *d\n")
    plan = plan.replace("x-defaults: &d {params: 1B}\n", "")
    plan = "x-defaults: &d {params: 1B}\n" + plan
    assert lint(plan) == []


def test_complex_key(lint):
    found = lint(MINIMAL + "? [a, b]\n: 1\n")
    assert codes(found) == [("PL002", 10, 3)]


@pytest.mark.parametrize("raw", [b"\xff\xfe\x00", b"{", b"]", b"!!", b"&", b"*x", b"? ? ?", b"- - -\n  - x",
                                 b"%YAML 1.1\n%YAML 1.1\n---\na: 1", b"a: 'unterminated", b"\t- x"])
def test_garbage_never_raises(lint, raw):
    found = lint(raw)
    assert found and all(code.startswith("PL00") for code, *_ in found)


def test_alias_as_a_key(lint):
    found = lint(MINIMAL + "x-k: &k name\n*k : again\n")
    assert codes(found) == [("PL003", 11, 1)]
    assert codes(lint(MINIMAL + "x-m: &m {a: 1}\n*m : 2\n")) == [("PL002", 11, 1)]


def test_a_large_legitimate_mix_is_within_bounds():
    mix = "".join(f"    - {{source: s{i}, share: 0.0001}}\n" for i in range(10_000))
    doc = load_bytes((MINIMAL.replace("  train_tokens: 20B\n", "  train_tokens: 20B\n  mix:\n" + mix)).encode(), "big")
    assert doc.findings == []
    assert len(doc.data["data"]["mix"]) == 10_000


def test_a_quoted_merge_key_is_a_plain_key_as_pyyaml_reads_it(lint):
    plan = "x-d: &d {params: 1B}\n" + MINIMAL.replace("model:\n  params: 1B\n", "model:\n  '<<': *d\n")
    assert [(code, line, column) for code, line, column, _ in lint(plan)] == [
        ("PL002", 5, 1), ("PL002", 6, 3)]  # model.params missing, and '<<' is an unknown key
    assert "'<<'" in lint(plan)[1][3]


def test_merged_defaults_that_disagree_on_a_fact_are_reported_where_they_merge(lint):
    plan = ("x-small: &small {params: 1B}\nx-big: &big {params: 70B}\n"
            + MINIMAL.replace("model:\n  params: 1B\n", "model:\n  <<: [*small, *big]\n"))
    assert lint(plan) == [
        ("PL003", 7, 3, "'params' in model is merged twice, with different values")]


def test_a_duplicate_anchor_is_reported_at_the_second(lint):
    plan = "x-a: &p 1B\nx-b: &p 1B\n" + MINIMAL.replace("params: 1B", "params: *p")
    assert [(code, line, column) for code, line, column, _ in lint(plan)] == [("PL003", 2, 6)]


def test_a_yaml_1_1_boolean_in_a_fact_is_reported_and_in_a_note_is_not(lint):
    plan = MINIMAL + "evaluation:\n  loss_tracking: {enabled: on}\nx-reviewed: yes\n"
    found = [(code, line, column) for code, line, column, _ in lint(plan)]
    assert ("PL003", 11, 28) in found and not [f for f in found if f[1] == 12]


@pytest.mark.parametrize("text, data, found", [
    # the mapping's own b wins over its nested merge (the merge specification); merged once more,
    # PyYAML 6.0.4 takes the nested merge's 2: read two ways, so reported
    ("m: {<<: {a: 1, b: 1, <<: {b: 2}}}\n", {"m": {"a": 1, "b": 1}},
     [("PL003", 1, 5, "'b' is set over its own merge in the mapping at 1:9, then merged again")]),
    # the same value either way, or a mapping that is not merged again: one reading
    ("m: {<<: {b: 1, <<: {b: 1}}}\n", {"m": {"b": 1}}, []),
    ("m: {b: 1, <<: {b: 2}}\n", {"m": {"b": 1}}, []),
])
def test_a_key_set_over_a_nested_merge_is_read_two_ways(text, data, found):
    doc = load_bytes(text.encode("utf-8"), "x.yaml")
    assert doc.data == data
    assert [(f.code, f.line, f.column, f.message) for f in doc.findings] == found
