"""The document planlint lints is the document consumers load.

planlint builds its data from the YAML event stream, not with ``yaml.safe_load``. For any
document, generated or written by hand, with merge keys, anchors and aliases, tags,
duplicate keys and scalars that YAML 1.1 and 1.2 read differently: either planlint reports
that it could not read the file as its readers do (a not-checked finding), or its data is
exactly what ``safe_load`` builds (types included: 1, 1.0 and True are told apart; a date is
kept as its text).
"""

from __future__ import annotations

import datetime

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from hypothesis_profiles import scaled
from planlint.findings import NOT_CHECKED
from planlint.load import load_bytes


def strict_equal(a, b) -> bool:
    """``a`` (planlint's) is ``b`` (PyYAML's). planlint keeps dates as their text, as JSON
    has no dates (and reports a date outside the x- notes: YAML 1.2 reads text)."""
    if isinstance(b, (datetime.date, datetime.datetime)) and isinstance(a, str):
        return yaml.safe_load(f"k: {a}")["k"] == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return a == b


def check_against_safe_load(text: str):
    """The property; returns planlint's not-checked findings for the caller to inspect."""
    doc = load_bytes(text.encode("utf-8"), "d.yaml")
    reported = [f for f in doc.findings if f.code in NOT_CHECKED]
    if reported:
        return reported
    try:
        expected = yaml.safe_load(text)
    except yaml.YAMLError as exc:  # pragma: no cover - the failure message is the point
        raise AssertionError(f"planlint reported nothing, but PyYAML refuses the document: {exc}\n{text}")
    assert strict_equal(doc.data, expected), f"planlint read {doc.data!r}, PyYAML {expected!r}\n{text}"
    return reported


# -- hand-made documents -----------------------------------------------------------------

DEFAULTS = "a: &a {x: 1, train_tokens: 1}\nb: &b {x: 2, train_tokens: 2}\n"

HAND_MADE = {
    # merge keys
    "one merge": (DEFAULTS + "c:\n  <<: *a\n  y: 3\n", []),
    "merge overridden": (DEFAULTS + "c:\n  x: 0\n  train_tokens: 0\n  <<: [*a, *b]\n", []),
    "merge list of agreeing mappings": ("a: &a {x: 1}\nb: &b {x: 1, y: 2}\nc:\n  <<: [*a, *b]\n", []),
    "merge list that disagrees": (DEFAULTS + "c:\n  <<: [*a, *b]\n",
                                  [("PL003", 4, 3), ("PL003", 4, 3)]),
    "repeated merge key": (DEFAULTS + "c:\n  <<: *a\n  <<: *b\n",
                           [("PL003", 5, 3), ("PL003", 5, 3), ("PL003", 5, 3)]),
    "repeated merge key that agrees": ("a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n", [("PL003", 5, 3)]),
    "quoted '<<' is a plain key": ("a: &a {x: 1}\nc:\n  '<<': *a\n", []),
    'double-quoted "<<" is a plain key': ('a: &a {x: 1}\nc:\n  "<<": *a\n', []),
    "!!str << is a plain key": ("a: &a {x: 1}\nc:\n  !!str <<: *a\n", []),
    "!!merge << merges": ("a: &a {x: 1}\nc:\n  !!merge <<: *a\n", []),
    "explicit ? << merges": ("a: &a {x: 1}\nc:\n  ? <<\n  : *a\n", []),
    "merge of a merged mapping": ("a: &a {x: 1, <<: {y: 2}}\nc:\n  <<: *a\n  y: 3\n", []),
    "merge of a scalar": ("a: &a 1\nc:\n  <<: *a\n", [("PL002", 3, 3)]),
    "flow merge": ("a: &a {x: 1}\nc: {<<: *a, y: 2}\n", []),
    # anchors and aliases
    "anchor used twice": ("a: &a [1, 2]\nb: *a\nc: *a\n", []),
    "duplicate anchor": ("a: &a 1\nb: &a 2\nc: *a\n", [("PL003", 2, 4)]),
    "duplicate anchor on a mapping": ("a: &a {x: 1}\nb: &a {x: 2}\nc: *a\n", [("PL003", 2, 4)]),
    "anchored key": ("&k name: 1\nother: *k\n", []),
    "anchored integer key": ("&k 1: a\nother: *k\n", [("PL002", 1, 1)]),
    "alias as a key": ("x: &k name\n*k : 2\n", []),
    # tags
    "tag on a key": ("!!python/name:os.system k: 1\n", [("PL002", 1, 1)]),
    "local tag on a key": ("!custom k: 1\n", [("PL002", 1, 1)]),
    "!!str on a key": ("!!str 1: a\n", []),
    "!!int on a key": ("!!int 1: a\n", [("PL002", 1, 1)]),
    "tag on a value": ("k: !!python/object/apply:os.system [ls]\n", [("PL002", 1, 4)]),
    "!!str on a value": ("k: !!str 1\n", []),
    "!!float on a value": ("k: !!float 1\n", []),
    # keys PyYAML does not read as text
    "integer key": ("1: a\n", [("PL002", 1, 1)]),
    "integer keys equal to PyYAML": ("1: a\n0x1: b\n", [("PL002", 1, 1), ("PL002", 2, 1)]),
    "null key": ("~: a\n", [("PL002", 1, 1)]),
    "yes key": ("yes: a\n", [("PL003", 1, 1)]),
    "on key": ("on: a\n", [("PL003", 1, 1)]),
    "true key": ("true: a\n", [("PL002", 1, 1)]),
    "date key": ("2024-01-01: a\n", [("PL003", 1, 1)]),
    "1_000 key": ("1_000: a\n", [("PL003", 1, 1)]),
    "hex key": ("0x1F: a\n", [("PL002", 1, 1)]),
    "= key": ("=: a\n", []),
    # duplicate keys
    "duplicate key": ("a: 1\na: 2\n", [("PL003", 2, 1)]),
    "duplicate key in a flow mapping": ("c: {a: 1, a: 2}\n", [("PL003", 1, 11)]),
    # YAML 1.1 scalars that YAML 1.2 reads differently
    "on value": ("k: on\n", [("PL003", 1, 4)]),
    "Yes value": ("k: Yes\n", [("PL003", 1, 4)]),
    "true value": ("k: true\n", []),
    "sexagesimal": ("k: 1:30\n", [("PL003", 1, 4)]),
    "sexagesimal float": ("k: 1:30.5\n", [("PL003", 1, 4)]),
    "octal": ("k: 017\n", [("PL003", 1, 4)]),
    "zero-padded zero": ("k: 00\n", []),
    "binary": ("k: 0b101\n", [("PL003", 1, 4)]),
    "hex": ("k: 0x1F\n", []),
    "date value": ("k: 2024-01-01\n", [("PL003", 1, 4)]),
    "quoted date": ("k: '2024-01-01'\n", []),
    "1e9 is text to PyYAML": ("k: 1e9\n", []),
    "0o17 is text to PyYAML": ("k: 0o17\n", []),
    "notes under x- keys are not facts": ("x-notes: {when: 2024-01-01, ok: yes, at: 1:30}\n", []),
}


@pytest.mark.parametrize("name", list(HAND_MADE))
def test_hand_made_documents_read_as_pyyaml_reads_them_or_are_reported(name):
    text, expected = HAND_MADE[name]
    reported = check_against_safe_load(text)
    assert [(f.code, f.line, f.column) for f in reported] == expected


def test_merge_conflict_message_names_the_key_and_the_mappings():
    doc = load_bytes((DEFAULTS + "c:\n  <<: [*a, *b]\n").encode(), "d.yaml")
    assert [(f.message, f.details) for f in doc.findings] == [
        ("'x' in c is merged twice, with different values",
         ("merge keys (<<) bring it from *a and from *b", "YAML readers differ on which one wins; planlint reads "
                                                          "the first")),
        ("'train_tokens' in c is merged twice, with different values",
         ("merge keys (<<) bring it from *a and from *b", "YAML readers differ on which one wins; planlint reads "
                                                          "the first")),
    ]
    assert doc.findings[0].fix == "set 'x' in this mapping itself, so that every reader takes the same value"
    inline = load_bytes(b"c:\n  <<: [{x: 1}, {x: 2}]\n", "d.yaml")
    assert [f.details[0] for f in inline.findings] == [
        "merge keys (<<) bring it from the mapping at 2:8 and from the mapping at 2:16"]
    assert doc.data["c"] == {"x": 1, "train_tokens": 1}


def test_repeated_merge_key_is_a_duplicate_key():
    doc = load_bytes(b"a: &a {x: 1}\nb: &b {y: 2}\nc:\n  <<: *a\n  <<: *b\n", "d.yaml")
    assert [(f.code, f.message, f.fix) for f in doc.findings] == [
        ("PL003", "duplicate key '<<' in c (first at line 4)",
         "merge the mappings with one key, in the order they take precedence: `<<: [*first, *second]`")]
    assert doc.data["c"] == {"x": 1, "y": 2}


def test_messages_of_keys_and_scalars_read_two_ways():
    doc = load_bytes(b"on: 1\n1: 2\nk: 1:30\nn: 017\nd: 2024-01-01\nb: &a 1\nc: &a 2\nv: yes\n", "d.yaml")
    assert [(f.code, f.message, f.details) for f in doc.findings] == [
        ("PL003", "the key 'on' is a boolean in YAML 1.1 (PyYAML), text in YAML 1.2",
         ("planlint reads the key as text, as a plan's keys are",)),
        ("PL002", "the key '1' is read as an integer by YAML readers such as PyYAML, not as text",
         ("planlint reads the key as text, as a plan's keys are",)),
        ("PL003", "1:30 is 90 (base 60) in YAML 1.1 (PyYAML), text in YAML 1.2", ("planlint reads it as PyYAML does",)),
        ("PL003", "017 is 15 (octal) in YAML 1.1 (PyYAML), 17 in YAML 1.2", ("planlint reads it as PyYAML does",)),
        ("PL003", "2024-01-01 is a date in YAML 1.1 (PyYAML), text in YAML 1.2",
         ("planlint keeps it as text, as JSON has no dates",)),
        ("PL003", "anchor &a is defined twice (first at line 6)",
         ("PyYAML refuses the file; other YAML readers take the later definition, as planlint does",)),
        ("PL003", "yes is the boolean true in YAML 1.1 (PyYAML), text in YAML 1.2", ("planlint reads it as PyYAML does",)),
    ]
    assert doc.findings[0].fix == "quote the key ('on') so that every reader sees the same text"
    assert doc.findings[-1].fix == "write true, or quote 'yes' if it is text"


def test_every_headline_fits_a_line():
    from planlint.findings import HEADLINE_LIMIT

    long = "k" * 300
    texts = [text for text, _ in HAND_MADE.values()] + [
        f"a: &a {{{long}: 1}}\nb: &b {{{long}: 2}}\n{long}:\n  {long}:\n    <<: [*a, *b]\n",
        f"{long}1: &{long} 1\nb: &{long} 2\n", "k: 0b" + "1" * 2000 + "\n", "0b" + "1" * 2000 + ": k\n",
        "on" + "_" * 200 + ": 1\n"]
    for text in texts:
        for finding in load_bytes(text.encode(), "d.yaml").findings:
            assert len(finding.message) <= HEADLINE_LIMIT, finding.message


# -- generated documents -----------------------------------------------------------------

# mostly keys and values every reader reads alike, so that many documents are compared for
# real; now and then one that is not
KEYS = ["a", "b", "x", "y", "train_tokens", "<<", "'<<'", '"<<"', "!!str <<", "!!str 1", "=", "x-n", "'on'"]
ODD_KEYS = ["!!merge <<", "<<", "1", "on", "~", "!!int 2", "true", "!t k", "2024-01-01"]
SCALARS = ["1", "2", "1.5", "-3", "true", "null", "~", "0x1F", "'x'", '"y"', "!!str 3", "!!int 4", "!!float 5",
           "!!bool true", "1e9", "0o17", "text", "''", ".inf", "00"]
ODD_SCALARS = ["on", "yes", "1:30", "017", "0b11", "2024-01-01", "=", "<<", "!!null ''", "!!python/none ''"]


@st.composite
def documents(draw):
    """Flow-style documents; ``odd`` (per document) is how often a tricky key, value, anchor
    or merge is drawn instead of one every reader reads alike."""
    odd = draw(st.sampled_from([0, 0, 8, 3]))
    anchors: list[str] = []
    mappings: list[str] = []  # the anchors of mappings: what a merge key usually refers to

    def rare() -> bool:
        return odd > 0 and draw(st.integers(0, odd)) == 0

    def pick(usual: list[str], tricky: list[str]) -> str:
        return draw(st.sampled_from(tricky if rare() else usual))

    def maybe_anchor() -> str:
        if draw(st.integers(0, 2)) != 0:
            return ""
        # mostly fresh names, sometimes one already used (a duplicate anchor)
        name = draw(st.sampled_from(anchors)) if anchors and rare() else f"a{len(anchors)}"
        anchors.append(name)
        return f"&{name} "

    def merged() -> str:
        names = anchors if rare() else mappings
        if not names:
            return mapping(3)
        if draw(st.booleans()):
            return "*" + draw(st.sampled_from(names))
        return "[" + ", ".join("*" + draw(st.sampled_from(names)) for _ in range(draw(st.integers(1, 3)))) + "]"

    def mapping(depth: int, anchor: str = "") -> str:
        keys = draw(st.lists(st.sampled_from(KEYS), max_size=4, unique=not rare()))
        pairs = []
        for key in keys:
            key = draw(st.sampled_from(ODD_KEYS)) if rare() else key
            pairs.append(f"{key}: {merged() if key.endswith(' <<') or key == '<<' else node(depth + 1)}")
        if anchor:
            mappings.append(anchor[1:-1])
        return anchor + "{" + ", ".join(pairs) + "}"

    def node(depth: int) -> str:
        choice = draw(st.integers(0, 5 if depth < 3 else 1))
        if choice <= 1:
            return maybe_anchor() + pick(SCALARS, ODD_SCALARS)
        if choice == 2 and anchors:
            return "*" + draw(st.sampled_from(anchors))
        if choice in (2, 3):
            anchor = maybe_anchor()
            items = [node(depth + 1) for _ in range(draw(st.integers(0, 3)))]
            return anchor + "[" + ", ".join(items) + "]"
        return mapping(depth, maybe_anchor())

    top = draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=5, unique=True))
    return "\n".join(f"{key}: {merged() if key == '<<' else node(1)}" for key in top) + "\n"


@scaled(2.0)
@given(documents())
def test_generated_documents_read_as_pyyaml_reads_them_or_are_reported(text):
    check_against_safe_load(text)


def test_the_generator_reaches_clean_documents_with_merges():
    """The property is not vacuous: documents with merge keys and aliases that planlint finds
    nothing wrong with are compared for real."""
    clean = 0
    for text, _ in list(HAND_MADE.values()):
        if "<<" in text and not check_against_safe_load(text):
            clean += 1
    assert clean >= 6
    assert datetime.date(2024, 1, 1) == yaml.safe_load("k: 2024-01-01\n")["k"]  # why dates are reported


@scaled(0.5)
@given(documents())
def test_generated_documents_inside_a_plan_pass_the_hostile_oracle(text):
    """The same documents as a plan's notes and as a plan's model: located findings, every
    format renders, nothing raises."""
    import hostile

    plan = "planlint: 1\nname: t\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n"
    body = "".join("  " + line + "\n" for line in text.splitlines())
    for raw in (plan + "x-notes:\n" + body, plan.replace("model: {params: 1B}\n", "model:\n  params: 1B\n" + body)):
        hostile.check(raw.encode("utf-8"), known=hostile.KNOWN)


def test_many_merge_conflicts_and_duplicate_anchors_stay_bounded_and_fast():
    import time

    from planlint.load import Limits

    sources = "".join(f"s{i}: &s{i} {{" + ", ".join(f"k{j}: {i}" for j in range(50)) + "}\n" for i in range(40))
    merges = "m:\n  <<: [" + ", ".join(f"*s{i}" for i in range(40)) + "]\n"
    anchors = "".join(f"d{i}: &again {i}\n" for i in range(5000))
    start = time.perf_counter()
    doc = load_bytes((sources + merges + anchors).encode(), "d.yaml", Limits(max_findings=100))
    assert time.perf_counter() - start < 2.0
    assert len(doc.findings) == 100 and doc.findings.dropped == 50 + 4999 - 100
    assert doc.data["m"] == {f"k{j}": 0 for j in range(50)}  # the first merged mapping, as the merge spec says


def test_a_launch_config_is_read_as_its_launchers_pyyaml_reads_it():
    """YAML 1.1 values are the launcher's own reading of its config, not a disagreement; a
    duplicate anchor still is one (PyYAML refuses the file)."""
    from planlint.adapters import read_yaml

    located, problems = read_yaml("train.yaml", "use_flash_attn: on\nwarmup: 1:30\nmode: 017\n")
    assert problems == [] and located.data == {"use_flash_attn": True, "warmup": 90, "mode": 15}
    _, problems = read_yaml("train.yaml", "a: &x 1\nb: &x 2\n")
    assert [(p.line, p.column) for p in problems] == [(2, 4)]


@pytest.mark.parametrize("value", ["0b" + "1" * 2000, ":".join(["59"] * 30), "0" + "7" * 100, "-0" + "1" * 300])
def test_a_long_value_read_two_ways_is_reported_without_hundreds_of_digits(value):
    import re

    [finding] = load_bytes(f"k: {value}\n".encode(), "d.yaml").findings
    assert finding.code == "PL003" and len(finding.message) < 250
    assert re.search(r"\d{41,}", finding.message + finding.fix) is None
    [finding] = load_bytes(f"{value}: k\n".encode(), "d.yaml").findings  # the same text as a key
    assert len(finding.message) < 250 and re.search(r"\d{41,}", finding.message + finding.fix) is None


def test_a_resolver_another_library_adds_does_not_break_the_loader(monkeypatch):
    """yamllint, once imported, teaches PyYAML's resolver (for every reader in the process)
    that 0o17 is an integer; the loader then reads as PyYAML does, and raises nothing."""
    import copy
    import re

    import planlint.load as load

    monkeypatch.setattr(yaml.resolver.Resolver, "yaml_implicit_resolvers",
                        copy.deepcopy(yaml.resolver.Resolver.yaml_implicit_resolvers))
    monkeypatch.setattr(load, "_PLAIN", {})
    yaml.resolver.Resolver.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?0o?[0-7_]+$"),
                                                 list("-+0"))
    text = "k: 0o17\nm: 0o777\n"
    assert check_against_safe_load(text) == []
    assert load_bytes(text.encode(), "d.yaml").data == {"k": 15, "m": 511} == yaml.safe_load(text)
