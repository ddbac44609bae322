"""Start-up and throughput: what each command imports, and the fast paths held to their references.

``planlint --version`` and ``--help`` must not pay for the linter, and ``planlint check`` on
a valid plan must not pay for jsonschema. These are checks on ``sys.modules`` in a fresh
interpreter, not timings (``python benchmarks/run.py`` times the commands).

Four shortcuts keep a run cheap, and each is compared here with the slow path it replaces:

* validate: a compiled check of the schema decides "no PL002" without jsonschema;
* model: the typed plan is filled directly from the schema-checked data, not re-validated;
* plugins: entry points are read from the installed metadata without importlib.metadata;
* load: libyaml's positions are used, except where they differ from the pure-Python parser's.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import MINIMAL
from planlint import load, model, plugins, validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SETTINGS = settings(max_examples=250, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])

HEAVY = ("pydantic", "jsonschema", "yaml", "planlint.rules", "planlint.model", "planlint.validate",
         "planlint.engine", "planlint.load")


def _imported_by(args: list[str]) -> list[str]:
    """The modules a fresh interpreter holds after running ``planlint ARGS`` in-process."""
    probe = textwrap.dedent("""\
        import json, sys
        from planlint.cli import main
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
        print(json.dumps(sorted(sys.modules)))
        """)
    out = subprocess.run([sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True,
                         cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _heavy(modules: list[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


# -- what the commands import ----------------------------------------------------------------

@pytest.mark.parametrize("flag", ["--version", "-V", "--help", "-h"])
def test_version_and_help_import_nothing_heavy(flag):
    assert _heavy(_imported_by([flag])) == []


def test_the_module_entry_point_imports_nothing_heavy_for_version():
    """The same through ``python -m planlint``, read from ``-X importtime``."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "planlint", "--version"],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.startswith("planlint ")
    imported = [line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")]
    assert "planlint" in imported  # the output was read
    assert _heavy(imported) == []


def test_checking_a_valid_plan_does_not_import_jsonschema_or_importlib_metadata():
    modules = _imported_by(["check", str(ROOT / "examples" / "chinchilla-70b.yaml")])
    assert "planlint.validate" in modules and "planlint.model" in modules
    assert [m for m in modules if m.split(".")[0] == "jsonschema"] == []
    if plugins.scan_entry_points("planlint") is not None:  # else this environment needs it
        assert "importlib.metadata" not in modules


def test_checking_a_plan_imports_none_of_the_modules_it_was_made_to_do_without():
    """Each of these cost a one-plan check a millisecond or more, and it does without them:
    pathlib (os.path; pathlib only for per-file-ignores), json (the schema's Python copy),
    unicodedata (only for names outside ASCII)."""
    probe = textwrap.dedent("""\
        import sys
        before = set(sys.modules)
        from planlint.cli import main
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
        sys.stdout.write("\\n" + " ".join(sorted(set(sys.modules) - before)) + "\\n")
        """)
    out = subprocess.run([sys.executable, "-c", probe, "check", str(ROOT / "examples" / "chinchilla-70b.yaml")],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = out.stdout.strip().splitlines()[-1].split()
    assert "planlint.rules" in loaded  # the run was read
    assert [m for m in ("pathlib", "json", "unicodedata") if m in loaded] == []


def test_checking_an_invalid_plan_uses_jsonschema(tmp_path):
    plan = tmp_path / "bad.yaml"
    plan.write_text(MINIMAL.replace("goal: base", "goal: bass"), encoding="utf-8")
    assert "jsonschema" in _imported_by(["check", str(plan)])


def test_checking_a_plan_loads_no_other_command_or_format():
    """``check`` with the text format: no checklist, no other report format, no launch-config
    adapter, no baseline or report page."""
    modules = _imported_by(["check", str(ROOT / "examples" / "chinchilla-70b.yaml")])
    assert "planlint.report.text" in modules
    unused = ("planlint.adapters", "planlint.baseline", "planlint.link", "planlint.page", "planlint.importer",
              "planlint.checklist", "planlint.report.sarif", "planlint.report.junit", "planlint.report.json",
              "planlint.report.gitlab", "planlint.report.github", "planlint.report.job_summary",
              "planlint.report.estimate_table", "planlint.report.statistics", "matplotlib", "difflib",
              "concurrent.futures", "multiprocessing")
    assert [m for m in modules if any(m == u or m.startswith(u + ".") for u in unused)] == []


def test_every_dataclass_a_check_builds_has_a_docstring():
    """A dataclass without one computes its signature when its module is imported, to write
    one: a cost every ``check`` would pay, for text nobody reads."""
    probe = textwrap.dedent("""\
        import dataclasses, json, sys
        from planlint.cli import main
        try:
            main(sys.argv[1:])
        except SystemExit:
            pass
        found = [f"{name}.{value.__name__}" for name, module in list(sys.modules.items()) if name.startswith("planlint")
                 for value in vars(module).values()
                 if isinstance(value, type) and dataclasses.is_dataclass(value) and value.__module__ == name
                 and (value.__dict__.get("__doc__") or "").startswith(value.__name__ + "(")]
        print(json.dumps(found))
        """)
    out = subprocess.run([sys.executable, "-c", probe, "check", str(ROOT / "examples" / "chinchilla-70b.yaml")],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


# -- the end of a run: flushed, without the interpreter's teardown -----------------------------

_AT_EXIT = textwrap.dedent("""\
    import atexit, runpy, sys
    atexit.register(lambda: sys.stderr.write("teardown ran\\n"))
    sys.argv = ["planlint", *sys.argv[1:]]
    runpy.run_module("planlint", run_name="__main__", alter_sys=True)
    """)


@pytest.mark.parametrize("args, code", [
    (["check", "examples/gpt3-175b.yaml"], 1),
    (["check", "--exit-zero", "examples/gpt3-175b.yaml"], 0),
    (["check", "no-such-plan.yaml"], 2),
    (["--version"], 0),
    (["rules"], 0),
])
def test_python_m_planlint_ends_without_the_interpreters_teardown(args, code):
    """``python -m planlint`` flushes both streams and ends the process itself: the exit code
    and every byte of output are kept, and nothing registered for the teardown runs."""
    out = subprocess.run([sys.executable, "-c", _AT_EXIT, *args], capture_output=True, text=True, cwd=ROOT)
    reference = subprocess.run([sys.executable, "-c", "from planlint.cli import main; main()", *args],
                               capture_output=True, text=True, cwd=ROOT)
    assert (out.returncode, out.stdout, out.stderr) == (code, reference.stdout, reference.stderr)
    assert "teardown ran" not in out.stderr and out.stdout + out.stderr


def test_a_long_report_through_a_pipe_is_written_whole(tmp_path):
    """The last flush before the fast exit: a report larger than any buffer arrives complete."""
    text = (ROOT / "examples" / "gpt3-175b.yaml").read_text(encoding="utf-8")
    for i in range(150):
        (tmp_path / f"plan-{i:02d}.yaml").write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "planlint", "check", "--format", "json", str(tmp_path)],
                         capture_output=True, text=True, cwd=ROOT)
    assert (out.returncode, out.stderr) == (1, "")
    assert len(out.stdout) > 128 * 1024  # more than a pipe and the stream buffers hold
    assert len({finding["file"] for finding in json.loads(out.stdout)}) == 150


def test_a_full_standard_output_at_the_last_flush_is_one_line_and_exit_2():
    """Output still buffered when the command ends, into a full device: the same one line and exit 2."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    probe = "import sys; from planlint import launch; launch.run = lambda: sys.stdout.write('x') and 0; launch.main()"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # so that 'x' waits in the buffer
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-c", probe], stdout=full, stderr=subprocess.PIPE, text=True, env=env)
    assert (out.returncode, out.stderr) == (2, "planlint: error: cannot write the output: No space left on device\n")


# -- validate: the compiled check agrees with jsonschema ---------------------------------------

def _jsonschema_says_valid(data) -> bool:
    """What validate() concluded before the compiled check: no error it would report."""
    errors = validate._validator().iter_errors(data)
    return not any(e.validator == "x-quantity" or not validate._under_quantity(e) for e in errors)


def _corpus() -> list:
    """Plans as data: the examples and every plan in the rule cases."""
    plans = [yaml.safe_load(path.read_text(encoding="utf-8")) for path in EXAMPLES]
    for path in sorted((ROOT / "tests" / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")).get("cases", []):
            doc = load.load_bytes(case["plan"].encode("utf-8"), "case.yaml")
            if doc.usable:
                plans.append(doc.data)
    return plans


CORPUS = _corpus()
ODD_VALUES = [0, -1, 1, 1.0, 3.0, 2.5, -0.0, 10**30, math.inf, -math.inf, math.nan, True, False, None, "", " ",
              "1.3B", "1.3 B", "-2B", "7Bn", "abc", "55%", "150%", "0.5", "$1.80", "1,000", "1e400", "3e21", "1_000",
              "a100-80gb", "h100-sxm", "bf16", "sft", "base", "compute-optimal", [], {}, ["x"], [1, "2B"],
              {"a": 1}, {"source": "s", "share": 0.5}, {"kind": "sft"}]
KEYS = ["params", "train_tokens", "share", "source", "flops", "accelerator", "accelerators", "mix", "stages",
        "kind", "name", "planlint", "unknown", "x-note", "x-", "X-note", "metrics", "peak_tflops", "mfu", "goal"]


def _copy(value):
    return json.loads(json.dumps(value, allow_nan=True))


def _paths(node, here=()):
    yield here
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, here + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, here + (i,))


@st.composite
def mutated_plans(draw):
    """A corpus plan with a few random edits: values replaced, keys deleted or added."""
    data = _copy(draw(st.sampled_from(CORPUS)))
    for _ in range(draw(st.integers(0, 3))):
        paths = [p for p in _paths(data) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = data
        for part in path[:-1]:
            parent = parent[part]
        action = draw(st.sampled_from(["replace", "replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = _copy(draw(st.sampled_from(ODD_VALUES)))
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(KEYS))] = _copy(draw(st.sampled_from(ODD_VALUES)))
    return data


def test_the_compiled_check_agrees_on_the_corpus():
    assert CORPUS and all(validate._quick_check()(d) == _jsonschema_says_valid(d) for d in CORPUS)


@SETTINGS
@given(mutated_plans())
def test_the_compiled_check_agrees_with_jsonschema(data):
    assert validate._quick_check()(data) == _jsonschema_says_valid(data)


@SETTINGS
@given(mutated_plans())
def test_validate_reports_the_same_findings_either_way(data):
    """With the compiled check, and with jsonschema alone: the same PL002 findings."""
    def run(quick):
        doc = load.Document(name="plan.yaml", data=data, usable=True)
        original = validate._quick_check
        validate._quick_check = quick
        try:
            ok = validate.validate(doc)
        finally:
            validate._quick_check = original
        return ok, [(f.code, f.line, f.column, f.message, f.fix, f.path) for f in doc.findings]

    assert run(validate._quick_check) == run(lambda: (lambda data: False))


def test_an_unknown_schema_keyword_sends_the_plan_to_jsonschema():
    check = validate._Compiler({}).node({"type": "object", "minProperties": 1})
    assert check({"a": 1}) is False


def test_a_quantity_inside_any_of_is_left_to_jsonschema():
    """There a branch fails on errors that validate() drops elsewhere, such as a pattern."""
    schema = {"anyOf": [{"x-quantity": "count", "type": "number"}, {"type": "null"}]}
    assert validate._Compiler(schema).node(schema)("1.3B") is False


# -- model: the direct fill makes what pydantic makes -----------------------------------------

def _same_plan(data) -> None:
    ours, theirs = model.build(data), model.validate_with_pydantic(data)
    assert ours == theirs
    assert repr(ours) == repr(theirs)  # repr: 1 and 1.0 differ
    assert repr(dataclasses.asdict(ours)) == repr(dataclasses.asdict(theirs))


def test_the_typed_plan_is_the_one_pydantic_builds():
    valid = [d for d in CORPUS if _jsonschema_says_valid(d)]
    assert len(valid) > 20
    for data in valid:
        _same_plan(data)


@SETTINGS
@given(mutated_plans())
def test_the_typed_plan_is_the_one_pydantic_builds_for_any_valid_plan(data):
    if isinstance(data, dict) and _jsonschema_says_valid(data):
        _same_plan(data)


def test_a_plan_the_model_rejects_still_raises_pydantics_error():
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        model.build({"planlint": 1, "name": "x", "model": {"params": 1e9}, "data": {"train_tokens": 2e10},
                     "surprise": 1})
    assert [(e["type"], e["loc"]) for e in caught.value.errors()] == [("unexpected_keyword_argument", ("surprise",))]


def test_pydantic_applies_the_quantity_parsers_and_drops_extension_keys():
    plan = model.validate_with_pydantic({"planlint": 1, "name": "x", "x-note": "kept out",
                                         "model": {"params": "1.3B", "x-k": 1}, "data": {"train_tokens": "40B"},
                                         "compute": {"mfu": "40%"}})
    assert (plan.model.params, plan.data.train_tokens, plan.compute.mfu) == (1.3e9, 40e9, 0.4)


def test_the_typed_plan_stays_frozen():
    plan = model.build(yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8")))
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.name = "changed"
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.model.params = 1.0


def test_checking_a_plan_does_not_import_pydantic():
    modules = _imported_by(["check", str(ROOT / "examples" / "chinchilla-70b.yaml")])
    assert "planlint.model" in modules and "pydantic" not in modules


# -- plugins: the metadata scan finds what importlib.metadata finds ----------------------------

def _as_tuples(entries):
    return [(e.name, e.value, e.group) for e in entries]


@pytest.mark.parametrize("group", ["planlint", "console_scripts", "pytest11", "no-such-group"])
def test_the_scan_finds_the_installed_entry_points(group):
    from importlib.metadata import entry_points

    found = plugins.scan_entry_points(group)
    if found is None:
        pytest.skip("this environment needs importlib.metadata itself (a zip, an egg or a custom finder)")
    assert _as_tuples(found) == _as_tuples(entry_points(group=group))


def _dist(folder: Path, name: str, text: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n", encoding="utf-8")
    if text is not None:
        (folder / "entry_points.txt").write_text(text, encoding="utf-8")


def test_the_scan_follows_importlib_metadata_on_awkward_installs(tmp_path):
    """Shadowed distributions, egg-info, names spelled differently, comments, no entry points."""
    first, second = tmp_path / "first", tmp_path / "second"
    _dist(first / "acme_rules-1.0.dist-info", "acme-rules", "[planlint]\nacme = acme.rules\n")
    _dist(second / "Acme.Rules-2.0.dist-info", "Acme.Rules", "[planlint]\nshadowed = acme.old\n")
    _dist(second / "beta-0.1.egg-info", "beta", "# a comment\n\n[console_scripts]\nb = beta:main\n"
                                                "[planlint]\n  beta =  beta.plugin:Rules.hook [extra]  \n")
    _dist(second / "gamma-1.0.dist-info", "gamma", None)
    _dist(first / "delta-1.0.dist-info", "delta", "[planlint]\nd1 = delta.one\nd2 = delta.two\n")
    probe = textwrap.dedent("""\
        import json, sys
        from planlint.plugins import scan_entry_points
        found = scan_entry_points("planlint")
        from importlib.metadata import entry_points
        print(json.dumps([[[e.name, e.value, e.group] for e in found],
                          [[e.name, e.value, e.group] for e in entry_points(group="planlint")]]))
        """)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(first), str(second), str(ROOT / "src")]))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env)
    ours, theirs = json.loads(out.stdout)
    assert ours == theirs
    assert ["acme", "acme.rules", "planlint"] in ours and ["shadowed", "acme.old", "planlint"] not in ours
    assert ["beta", "beta.plugin:Rules.hook [extra]", "planlint"] in ours


def test_the_scan_hands_a_zip_on_the_path_back_to_importlib_metadata(tmp_path):
    archive = tmp_path / "plugins.zip"
    archive.write_bytes(b"PK\x05\x06" + b"\x00" * 18)  # an empty zip
    assert plugins.scan_entry_points("planlint", [str(archive)]) is None


def test_an_entry_point_loads_like_importlib_metadatas():
    point = plugins.EntryPoint("x", "planlint.findings:Severity.ERROR", "planlint")
    from planlint.findings import Severity

    assert point.load() is Severity.ERROR
    assert plugins.EntryPoint("x", "planlint.units", "planlint").load().__name__ == "planlint.units"


# -- load: libyaml positions, or the pure parser's where they differ ---------------------------

TRICKY = {
    "ascii": "planlint: 1\nname: x\n",
    "accents": "planlint: 1\nname: \"café crème\"\nx-é: [ü, ö]\nx-note: é # ç\n",
    "cjk": "planlint: 1\nname: 日本語\nx-日本: {a: 中文, b: [一, 二]}\n",
    "non-bmp": "planlint: 1\nname: \"🚀🚀\"\nx-k: 😀 y\nx-l: [😀, 1, {😀: 😀}]\n",
    "crlf": "planlint: 1\r\nname: x\r\nmodel:\r\n  params: 1B\r\n",
    "cr": "planlint: 1\rname: x\rmodel: {params: 1B}\r",
    "tabs-in-values": "planlint: 1\nname: \"\ta\tb\"\nx-t: '\t😀'\nx-u: \"[1,\t2]\"\n",
    "nel-ls-ps": "planlint: 1\x85name: x\u2028x-a: é\u2029x-b: 😀\n",
    "bom-first": "\ufeffplanlint: 1\nname: é\n",
    "bom-inside": "planlint: 1\nname: \"a\ufeffb\"\nx-k\ufeff: 😀\nx-after: [é, 😀]\n",
    "block-scalars": "planlint: 1\nname: |\n  é😀\n  x\nx-f: >-\n  ü\n\n  🚀\nx-q: 'multi\n  é line'\n",
    "flow": "{planlint: 1, name: é, x-m: [😀, {c: d}], x-n: \"🚀\"}\n",
    "anchors": "x-a: &a {k: é😀}\nplanlint: 1\nname: x\nx-b: *a\nx-c:\n  <<: *a\n  z: 🚀\n",
}


def _spans(text: str, pure: bool, monkeypatch) -> tuple:
    if pure:
        monkeypatch.setattr(load, "_CParser", None)
    try:
        doc = load.load_bytes(text.encode("utf-8"), "plan.yaml")
    finally:
        monkeypatch.undo()
    return doc.data, dict(doc.spans), [(f.code, f.span.line, f.span.column, f.span.end_line, f.span.end_column) for f in doc.findings]


@pytest.mark.skipif(load._CParser is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("name", sorted(TRICKY))
def test_libyaml_and_the_pure_parser_give_the_same_positions(name, monkeypatch):
    fast, pure = _spans(TRICKY[name], False, monkeypatch), _spans(TRICKY[name], True, monkeypatch)
    assert fast[2] == pure[2] == []
    assert fast == pure


def test_a_byte_order_mark_inside_the_text_is_read_by_the_pure_parser():
    text = "planlint: 1\nname: \"a\ufeffb\"\nx-k: [1, 2]\n"
    doc = load.load_bytes(text.encode("utf-8"), "plan.yaml")
    assert doc.locate(("x-k", 1), "value") == load.Span(3, 10, 3, 11)


@pytest.mark.skipif(load._CParser is None, reason="PyYAML without libyaml")
@pytest.mark.parametrize("before", ["", "é", "日本語", "😀😀", "é\r\nx: 😀\r\n"])
def test_a_disallowed_character_is_placed_in_characters_not_bytes(before, monkeypatch):
    text = f"planlint: 1\nname: {before}\x07\n"
    fast = _spans(text, False, monkeypatch)[2]
    pure = _spans(text, True, monkeypatch)[2]
    assert [f[:3] for f in fast] == [f[:3] for f in pure]
    assert fast[0][0] == "PL001"


SCALARS = st.sampled_from(["a", "é", "日本", "😀", "x y", "ü😀", "1.3B", "20B", "true", "~", "\"q é\"", "'s 😀'",
                           "\"\\u00e9\\t😀\"", "[é, 😀]", "{k: 😀, l: é}", "é # ç😀", "\"\t😀\"", "'\t'", "!!str é"])
KEYS_TEXT = st.sampled_from(["k", "é", "日本", "😀", "ké😀", "\"q😀\"", "'é'", "x-ü"])


@st.composite
def yaml_texts(draw):
    lines = []
    for i in range(draw(st.integers(1, 6))):
        key = draw(KEYS_TEXT) + str(i)
        if draw(st.booleans()):
            lines.append(f"{key}: {draw(SCALARS)}")
        else:
            lines.append(f"{key}:")
            for _ in range(draw(st.integers(1, 3))):
                lines.append(f"  - {draw(SCALARS)}" if draw(st.booleans()) else f"  {draw(KEYS_TEXT)}{i}: {draw(SCALARS)}")
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", draw(st.sampled_from(["\r\n", "\r", "\x85", "\u2028"])))
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text


@pytest.mark.skipif(load._CParser is None, reason="PyYAML without libyaml")
@SETTINGS
@given(yaml_texts())
def test_libyaml_positions_match_the_pure_parser_on_generated_text(text):
    mp = pytest.MonkeyPatch()
    fast, pure = _spans(text, False, mp), _spans(text, True, mp)
    if fast[2] or pure[2]:  # the parsers do not accept the same YAML; positions are what matter here
        return
    assert fast == pure
