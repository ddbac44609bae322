"""Properties over hostile and broken input, and monotonic properties of the rules.

Hostile input is generated YAML text, not only generated plans: arbitrary documents dumped
in every style, random bytes, token soup, and real plans (examples/ and tests/cases/)
mutated line by line: lines deleted, duplicated and swapped, indentation changed, tabs
injected, anchors, aliases, merge keys and tags added, numbers made huge, negative, NaN or
infinite. For all of it planlint must return findings that point inside the file, the same
ones every time, and never a traceback (tests/hostile.py is the oracle).

The example counts come from tests/hypothesis_profiles.py (HYPOTHESIS_PROFILE=ci by default,
``long`` for a local hunt; see fuzz/README.md).
"""

from __future__ import annotations

import copy
import glob
import json
import os
import re
import tempfile

import yaml
from hypothesis import given
from hypothesis import strategies as st

import hostile
from hypothesis_profiles import scaled
from planlint.findings import Severity
from planlint.testing import findings, load_cases
from test_properties import ACCELERATORS, plans

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _real_plans() -> list[str]:
    texts = []
    for path in sorted(glob.glob(os.path.join(ROOT, "examples", "*.yaml"))):
        with open(path, encoding="utf-8") as handle:
            texts.append(handle.read())
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "cases", "*.yaml"))):
        texts += [case["plan"] for case in load_cases(path)[1]]
    return texts


REAL_PLANS = _real_plans()


def _schema_keys() -> list[str]:
    with open(os.path.join(ROOT, "schemas", "plan.schema.json"), encoding="utf-8") as handle:
        schema = json.load(handle)
    keys: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            keys.update(node.get("properties", {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return sorted(keys)


PLAN_KEYS = _schema_keys()
TOP_KEYS = ["name", "goal", "sizing", "model", "data", "compute", "alignment", "serving", "evaluation",
            "custom_accelerators", "x-note"]

HOSTILE_VALUES = [
    ".nan", ".NaN", ".inf", "-.inf", "+.inf", "nan", "inf", "Infinity", "-1", "-1.3B", "-0", "0", "0.0",
    "1e400", "-1e400", "1e-400", "5e-324", "1.7976931348623157e308", "9" * 400, "1" + "0" * 40,
    "0x7fffffffffffffffffff", "0o777", "0b101", "1_000_000_000_000_000_000_000", "1:00:00", "2001-12-14",
    "1.3BB", "B", "%", "150%", "-5%", "1e3%", "$-1", "$1e300", "1.3b", "40 B", "1.3e9B", "true", "null", "~",
    "''", '""', "[]", "{}", "[1, 2]", "{a: 1}", "!!binary aGk=", "|\n  x",
]
TAGS = ["!!python/object/apply:os.system", "!!python/object:builtins.dict", "!!python/name:os.system",
        "!!python/tuple", "!!binary", "!!set", "!!omap", "!!pairs", "!!int", "!!float", "!!str", "!!bool",
        "!!null", "!!timestamp", "!!map", "!!seq", "!custom", "!<tag:yaml.org,2002:int>", "!"]
FRAGMENTS = ["&a ", "*a", "<<: *a", "? ", "- ", ": ", ":", "{", "}", "[", "]", ", ", "'", '"', "|", ">-", "#",
             "---", "...", "%YAML 1.1", "\t", "\\", "\x00", "\x1b[31m", "\x7f", "\x85", "\u2028", "\ufeff",
             "\ufffe", "é", "中文", "\U0001f680", "e\u0301", "\u202e", "&", "*", "!", "@", "`", "%"]
UNICODE = ["é", "ß", "中", "\U0001f680", "\U0001f600", "\u0301", "\u200b", "\u00a0", "\u3000", "\u0085",
           "\u2029", "\ud7ff", "\U0010fffd"]
# "key: value" lines (in a mapping or a list item), value not a flow collection or a comment
VALUE_LINE = re.compile(r"^(?P<head>[ \t]*(?:-[ \t]+)?[\w.-]+:[ \t]+)(?P<value>[^\s#{\[][^#]*?)"
                        r"(?P<tail>[ \t]*(?:#.*)?)$")


# -- strategies --------------------------------------------------------------------------------


def _index(lines):
    return st.integers(0, max(0, len(lines) - 1))


def _value_lines(lines):
    return [i for i, line in enumerate(lines) if VALUE_LINE.match(line)]


def _set_value(lines, i, make):
    match = VALUE_LINE.match(lines[i])
    lines[i] = match["head"] + make(match["value"]) + match["tail"]


def _mutate(draw, lines: list[str]) -> list[str]:
    lines = list(lines) or [""]
    op = draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "tab", "anchor", "merge", "tag",
                               "number", "fragment", "unicode", "truncate"]))
    i = draw(_index(lines))
    line = lines[i]
    if op == "delete":
        del lines[i]
    elif op == "duplicate":
        lines.insert(draw(_index(lines)), line)
    elif op == "swap":
        j = draw(_index(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "indent":
        delta = draw(st.integers(-4, 4))
        lines[i] = " " * delta + line if delta > 0 else line[min(-delta, len(line) - len(line.lstrip(" "))):]
    elif op == "tab":
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + "\t" + line[at:]
    elif op == "unicode":
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + draw(st.sampled_from(UNICODE)) + line[at:]
    elif op == "fragment":
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + draw(st.sampled_from(FRAGMENTS)) + line[at:]
    elif op == "truncate":
        lines = lines[:i] + [line[:draw(st.integers(0, len(line)))]]
    elif op == "merge":
        indent = line[:len(line) - len(line.lstrip())]
        lines.insert(i, indent + draw(st.sampled_from(["<<: *a", "<<: [*a, *b]", "<<: {x: 1}", "<<: 5"])))
    else:
        candidates = _value_lines(lines)
        if not candidates:
            return lines
        i = draw(st.sampled_from(candidates))
        if op == "anchor":  # anchor one value, alias it from another (maybe before it: undefined)
            name = draw(st.sampled_from(["a", "b", "x" * 50]))
            _set_value(lines, i, lambda v: f"&{name} {v}")
            _set_value(lines, draw(st.sampled_from(candidates)), lambda v: f"*{name}")
        elif op == "tag":
            tag = draw(st.sampled_from(TAGS))
            _set_value(lines, i, lambda v: f"{tag} {v}")
        else:
            value = draw(st.sampled_from(HOSTILE_VALUES))
            _set_value(lines, i, lambda v: value)
    return lines


def _encode(draw, text: str) -> bytes:
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "latin-1"]))
    return text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace")


@st.composite
def mutated_plans(draw) -> bytes:
    text = draw(st.sampled_from(REAL_PLANS))
    lines = text.split("\n")
    for _ in range(draw(st.integers(1, 6))):
        lines = _mutate(draw, lines)
    newline = draw(st.sampled_from(["\n", "\n", "\r\n", "\r"]))
    return _encode(draw, newline.join(lines))


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-(10 ** 400), 10 ** 400),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12), st.sampled_from(HOSTILE_VALUES),
    st.sampled_from(["1.3B", "40B", "2T", "55%", "$1.80", "a100-80gb", "h100-sxm", "int8", "sft", "base"]),
)
_KEYS = st.one_of(st.sampled_from(PLAN_KEYS), st.sampled_from(["x-a", "<<", "", " ", "planlint"]), st.text(max_size=8))
_VALUES = st.recursive(_SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_KEYS, inner, max_size=5)), max_leaves=20)


@st.composite
def plan_shaped(draw):
    """Data with a plan's keys and arbitrary values: it gets past the parser into the schema."""
    data = {"planlint": draw(st.sampled_from([1, 1, 1, 2, "1", 1.0, None, True]))}
    for key in draw(st.lists(st.sampled_from(TOP_KEYS), unique=True, max_size=len(TOP_KEYS))):
        data[key] = draw(st.one_of(st.dictionaries(st.sampled_from(PLAN_KEYS), _VALUES, max_size=6), _VALUES))
    return data


@st.composite
def yaml_documents(draw) -> bytes:
    """Arbitrary data (plan-shaped or not) dumped as YAML in any style, or as JSON."""
    data = draw(st.one_of(plan_shaped(), _VALUES))
    style = draw(st.sampled_from(["block", "flow", "mixed", "canonical", "json"]))
    if style == "json":
        text = json.dumps(data, allow_nan=True, ensure_ascii=draw(st.booleans()))
    else:
        text = yaml.safe_dump(data, default_flow_style={"block": False, "flow": True}.get(style),
                              canonical=style == "canonical", allow_unicode=draw(st.booleans()),
                              sort_keys=draw(st.booleans()), indent=draw(st.integers(2, 9)),
                              width=draw(st.sampled_from([20, 80, 10 ** 6])),
                              explicit_start=draw(st.booleans()))
    return _encode(draw, text)


@st.composite
def token_soup(draw) -> bytes:
    tokens = FRAGMENTS + TAGS + HOSTILE_VALUES[:20] + [k + ":" for k in PLAN_KEYS] + ["\n", "\n  ", "  ", " "]
    return "".join(draw(st.lists(st.sampled_from(tokens), max_size=80))).encode("utf-8", "surrogatepass")


@st.composite
def plan_with_junk(draw) -> bytes:
    raw = draw(st.sampled_from(REAL_PLANS)).encode("utf-8")
    at = draw(st.integers(0, len(raw)))
    return raw[:at] + draw(st.binary(min_size=1, max_size=40)) + raw[at:]


hostile_inputs = st.one_of(mutated_plans(), yaml_documents(), token_soup(), plan_with_junk(),
                           st.binary(max_size=400))


# -- never a traceback, always inside the file, the same every time ---------------------------


@scaled(1.0)
@given(hostile_inputs)
def test_hostile_input_gives_located_findings_and_never_raises(raw):
    result = hostile.check(raw, known=hostile.KNOWN)  # None: a known crash (tests/test_fuzz_regressions.py)
    if result is not None:
        assert all(f.severity in (Severity.INFO, Severity.WARNING, Severity.ERROR) for f in result.findings)


@scaled(0.5)
@given(hostile_inputs)
def test_hostile_input_findings_are_deterministic(raw):
    first = hostile.check(raw, known=hostile.KNOWN)
    if first is not None:
        assert hostile.fingerprint(first) == hostile.fingerprint(hostile.lint(raw))


@scaled(0.5)
@given(st.sampled_from(REAL_PLANS), st.data())
def test_each_mutation_alone_never_raises(text, data):
    """One mutation at a time, in UTF-8 with LF: failures shrink to a single edit of a real plan."""
    lines = _mutate(data.draw, text.split("\n"))
    hostile.check("\n".join(lines).encode("utf-8", "surrogatepass"), known=hostile.KNOWN)


def _check_choices() -> list[str]:
    from planlint.cli import main

    option = next(p for p in main.commands["check"].params if p.name == "fmt")
    return list(option.type.choices)


@scaled(0.2)
@given(hostile_inputs, st.sampled_from(_check_choices()))
def test_hostile_input_through_the_command_line(raw, fmt):
    from click.testing import CliRunner

    from planlint.cli import main

    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "plan.yaml")
        with open(path, "wb") as handle:
            handle.write(raw)
        result = CliRunner().invoke(main, ["check", "--format", fmt, "--color", "never", path])
    output = result.output + (result.stderr if result.stderr_bytes is not None else "")
    crash = result.exception if not isinstance(result.exception, (SystemExit, type(None))) else None
    if crash is not None and hostile.crash_kind(crash) in hostile.KNOWN:
        return  # pinned in tests/test_fuzz_regressions.py
    assert crash is None, f"{hostile.crash_kind(crash)}: {crash!r}"
    assert result.exit_code in (0, 1, 2), output
    assert "Traceback" not in output
    if fmt in hostile.JSON_FORMATS:
        json.loads(result.stdout)


# -- monotonic properties on valid plans --------------------------------------------------------


def _lint(plan) -> list:
    found = findings(json.dumps(plan))
    assert [f for f in found if f.code in ("PL000", "PL002")] == [], "the changed plan must stay valid"
    return found


def _by_path(found, code) -> dict:
    """The worst severity of a rule's findings at each JSON path."""
    worst: dict = {}
    for f in found:
        if f.code == code:
            worst[f.path] = max(worst.get(f.path, 0), f.severity)
    return worst


def _no_worse(before, after, code) -> None:
    """Every finding of ``code`` after the change was there before, at least as severe."""
    old, new = _by_path(before, code), _by_path(after, code)
    for path, severity in new.items():
        assert path in old and severity <= old[path], f"{code} got worse at {path}: {old} -> {new}"


BASELINE = 20.0  # PL101's default `baseline`, the ~20:1 Chinchilla ratio


@scaled(0.5)
@given(plans(), st.floats(1e-3, BASELINE), st.floats(1e-3, BASELINE))
def test_more_tokens_never_raise_pl101_below_the_baseline(plan, ratio_a, ratio_b):
    """For tokens per active param at or below the baseline, raising train_tokens never raises
    PL101's severity (nor adds a finding). Above it PL101 may note over-training (info, or a
    warning under `sizing: compute-optimal`), which grows with the tokens on purpose."""
    low, high = sorted((ratio_a, ratio_b))
    plan = copy.deepcopy(plan)
    plan["model"].pop("experts", None)  # active parameters as declared (or all of them)
    params = plan["model"].get("active_params", plan["model"]["params"])
    fewer, more = copy.deepcopy(plan), copy.deepcopy(plan)
    # the format refuses runs under a million tokens
    fewer["data"]["train_tokens"] = max(params * low, 1e6)
    more["data"]["train_tokens"] = max(params * high, 1e6)
    _no_worse(_lint(fewer), _lint(more), "PL101")


@scaled(0.5)
@given(plans(), st.floats(0.01, 200), st.floats(1, 1e4), st.data())
def test_more_unique_tokens_never_worsen_pl102(plan, epochs, factor, data):
    plan = copy.deepcopy(plan)
    if "unique_tokens" not in plan["data"]:
        plan["data"]["unique_tokens"] = min(plan["data"]["train_tokens"] / epochs, 1e16)
    grown = copy.deepcopy(plan)
    places = [grown["data"]] + [entry for entry in grown["data"].get("mix", []) if "unique_tokens" in entry]
    for place in data.draw(st.sampled_from([places, places[:1], places[-1:]])):
        place["unique_tokens"] = min(place["unique_tokens"] * factor, 1e16)
    _no_worse(_lint(plan), _lint(grown), "PL102")


@scaled(0.5)
@given(plans(), st.floats(1e15, 1e29), st.floats(1, 1e6))
def test_more_compute_never_worsens_pl202(plan, flops, factor):
    plan = copy.deepcopy(plan)
    plan.setdefault("compute", {}).setdefault("flops", flops)
    grown = copy.deepcopy(plan)
    grown["compute"]["flops"] = min(plan["compute"]["flops"] * factor, 1e30)
    _no_worse(_lint(plan), _lint(grown), "PL202")


@scaled(0.5)
@given(plans(), st.floats(1e-6, 1e3), st.floats(1, 1e4), st.booleans(),
       st.sampled_from(ACCELERATORS), st.floats(0.1, 20))
def test_a_higher_serving_budget_never_worsens_pl401(plan, budget, factor, priced, accelerator, usd):
    plan = copy.deepcopy(plan)
    serving = plan.setdefault("serving", {})
    serving.setdefault("max_usd_per_million_tokens", budget)
    if priced:  # price the serving, so the roofline estimate runs rather than the info finding
        serving.setdefault("accelerator", accelerator)
        serving.setdefault("usd_per_gpu_hour", usd)
    grown = copy.deepcopy(plan)
    grown["serving"]["max_usd_per_million_tokens"] = min(serving["max_usd_per_million_tokens"] * factor, 1e6)
    _no_worse(_lint(plan), _lint(grown), "PL401")
