"""Plugins cannot turn the gate green: a plugin that exits, raises any BaseException, writes to
standard output, hangs, or hands back malformed findings or verdicts is contained and named,
and a configuration can require plugins, so that a broken install stops the run (exit 2)."""

import json
import os
import signal
import sys
import time

import pytest

from conftest import MINIMAL
from planlint import contain, parallel, plugins
from planlint.engine import lint_bytes
from planlint.limits import Limits
from test_plugins import make  # noqa: F401 - the fixture that installs plugin modules

UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")

# A plugin whose rule ACME1 runs ``{body}`` inside check(); ``{top}`` runs on import.
RULE = '''
import sys, time
from planlint.findings import Finding, Severity, Span
from planlint.hooks import hookimpl
from planlint.rule import Rule

{top}

class Acme(Rule):
    """Misbehaves."""
    code = "ACME001"
    name = "acme"
    severity = Severity.WARNING
    summary = "Misbehaves."

    def check(self, plan, ctx):
        good = ctx.finding(("name",), "a fine finding", "none")
{body}


@hookimpl
def planlint_rules():
    return [Acme]
'''


def rule_plugin(body: str, top: str = "") -> str:
    return RULE.format(top=top, body="\n".join("        " + line for line in body.splitlines()))


@pytest.fixture
def watching(monkeypatch):
    """The command line's SIGINT handler, so that a plugin's own KeyboardInterrupt is told from Ctrl-C."""
    previous = signal.getsignal(signal.SIGINT)
    monkeypatch.setattr(contain, "_interrupted", False)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    contain.watch_interrupts()
    yield
    signal.signal(signal.SIGINT, previous)


@pytest.fixture
def installed(make, monkeypatch):  # noqa: F811
    """install(**modules) -> the process-wide registry with those plugin modules loaded."""
    def install(**modules):
        registry = make(**modules)
        monkeypatch.setattr(plugins, "_REGISTRY", registry)
        return registry

    yield install
    contain.drain()


def findings(registry, text=MINIMAL, **kwargs):
    result = lint_bytes(text.encode(), "plan.yaml", registry, **kwargs)
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


# -- loading --------------------------------------------------------------------------------

@pytest.mark.parametrize("top, reason", [
    ("sys.exit(0)", "its import called sys.exit(0)"),
    ("raise SystemExit('bye')", "its import called sys.exit('bye')"),
    ("raise KeyboardInterrupt", "its import raised KeyboardInterrupt()"),
    ("class Odd(BaseException): pass\nraise Odd('odd')", "its import raised Odd('odd')"),
])
def test_a_plugin_that_exits_or_raises_on_import_is_skipped_and_named(make, watching, top, reason):  # noqa: F811
    registry = make(quits=rule_plugin("yield good", top), acme=rule_plugin("yield good").replace("ACME001", "ACME002"))
    assert registry.warnings == [f"plugin 'quits' (plugin_quits) failed to load: {reason}; skipped"]
    assert registry.failed == {"quits": reason}
    assert "ACME002" in registry.rules and "ACME001" not in registry.rules


def test_a_plugin_that_hangs_on_import_is_stopped_and_named(make, monkeypatch):  # noqa: F811
    monkeypatch.setattr(plugins, "LOAD_TIMEOUT", 0.2)
    started = time.monotonic()
    registry = make(slow=rule_plugin("yield good", "time.sleep(30)"))
    assert time.monotonic() - started < 2
    assert registry.warnings == [
        "plugin 'slow' (plugin_slow) failed to load: its import took longer than 0.2 s and was stopped; skipped"]
    assert "ACME001" not in registry.rules


def test_output_on_import_is_kept_off_standard_output_and_named_escaped(make, capsys):  # noqa: F811
    registry = make(chatty=rule_plugin("yield good", "print('hello\\x1b]52;c;cGF5bG9hZA==\\x07'); "
                                                     "print('oops', file=sys.stderr)"))
    assert capsys.readouterr() == ("", "")
    assert registry.warnings == [
        "plugin 'chatty' (plugin_chatty) wrote to standard output 'hello\\x1b]52;c;cGF5bG9hZA==\\x07\\n' and to "
        "standard error 'oops\\n' while loading; not shown"]
    assert "ACME001" in registry.rules  # writing is not failing: the plugin is loaded


@pytest.mark.parametrize("hook_body, reason", [
    ("sys.exit(0)", "planlint_rules() called sys.exit(0)"),
    ("raise KeyboardInterrupt", "planlint_rules() raised KeyboardInterrupt()"),
    ("time.sleep(30)", "planlint_rules() took longer than 0.2 s and was stopped"),
])
def test_a_hook_that_exits_or_hangs_is_a_warning_and_its_contributions_are_skipped(make, monkeypatch, watching,  # noqa: F811
                                                                                   hook_body, reason):
    monkeypatch.setattr(plugins, "LOAD_TIMEOUT", 0.2)
    source = rule_plugin("yield good").replace("    return [Acme]", f"    {hook_body}\n    return [Acme]")
    registry = make(acme=source)
    assert registry.warnings == [f"plugin 'acme': {reason}; its rules skipped"]
    assert registry.failed == {"acme": reason}


def test_an_entry_point_name_with_control_characters_is_skipped(make, monkeypatch):  # noqa: F811
    monkeypatch.setattr(plugins, "entry_points", lambda group: [plugins.EntryPoint("ev\x1b[2Jil", "x", "planlint")])
    registry = plugins.build_registry()
    assert registry.warnings == ["a plugin entry point named 'ev\\x1b[2Jil' (x) has no printable name; skipped"]


# -- rules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("body, message", [
    ("sys.exit(0)\nyield good", "called sys.exit(0)"),
    ("yield good\nraise SystemExit(0)", "called sys.exit(0)"),
    ("raise KeyboardInterrupt('not the user')\nyield good", "raised KeyboardInterrupt: not the user"),
    ("raise GeneratorExit\nyield good", "raised GeneratorExit: "),
])
def test_a_rule_that_exits_is_pl000_and_the_run_fails(installed, watching, cli, tmp_path, body, message):
    installed(acme=rule_plugin(body))
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--format", "concise", str(plan))
    assert result.exit_code == 1, result.output
    assert f"{plan}:1:1: PL000 [error] rule ACME001 (acme, plugin 'acme') {message} (internal-error)" in result.stdout


def test_a_real_ctrl_c_inside_a_rule_still_stops_the_run(installed, watching, monkeypatch):
    registry = installed(acme=rule_plugin("raise KeyboardInterrupt\nyield good"))
    monkeypatch.setattr(contain, "_interrupted", True)  # what the handler records when SIGINT arrives
    with pytest.raises(KeyboardInterrupt):
        lint_bytes(MINIMAL.encode(), "plan.yaml", registry)


def test_a_ctrl_c_that_lands_while_the_streams_are_swapped_still_prints_its_line(cli, monkeypatch, tmp_path):
    """CPython checks for signals between any two bytecodes, so a Ctrl-C can arrive after a
    capture swapped standard output and error and before its with statement can undo it: the
    last line must still reach the real standard error (before, it went into the buffer)."""
    from planlint import engine

    def interrupted_mid_swap(*args, **kwargs):
        contain.Captured().__enter__()  # swapped, and never left
        raise KeyboardInterrupt

    monkeypatch.setattr(engine, "run_rules", interrupted_mid_swap)
    monkeypatch.setattr(contain, "_interrupted", True)  # what the handler records when SIGINT arrives
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", str(plan))
    assert (result.exit_code, result.stderr, result.stdout) == (130, "planlint: interrupted\n", "")
    assert contain._ACTIVE == []


def test_a_rule_writing_to_standard_output_does_not_corrupt_json(installed, cli, tmp_path):
    installed(acme=rule_plugin("print('{\"not\": \"json\"}\\x1b[31m')\nyield good"))
    for name in ("a.yaml", "b.yaml", "c.yaml"):
        (tmp_path / name).write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 1  # the rule's warnings
    rows = json.loads(result.stdout)
    assert [(row["file"].rsplit("/", 1)[-1], row["code"], row["message"]) for row in rows] == [
        ("a.yaml", "ACME001", "a fine finding"), ("b.yaml", "ACME001", "a fine finding"),
        ("c.yaml", "ACME001", "a fine finding")]
    assert result.stderr == (
        "planlint: warning: rule ACME001 (acme, plugin 'acme') wrote to standard output "
        "'{\"not\": \"json\"}\\x1b[31m\\n'; planlint keeps its output streams for the report, so this was not "
        "shown (and on 2 more plans)\n")


MALFORMED = [
    ("yield 'text'", "'text', not a planlint.findings.Finding"),
    ("yield None", "a NoneType, not a planlint.findings.Finding"),
    ("yield Finding('PL101', 'undertrained-ratio', Severity.ERROR, 'forged', 'none', file='other.yaml')",
     "code 'PL101', not the rule's own ACME001"),
    ("yield Finding('ACME001', 'other-name', Severity.ERROR, 'm')", "rule name 'other-name', not the rule's own acme"),
    ("yield Finding('ACME001', 'acme', 3, 'm')", "severity a int, not a planlint.findings.Severity"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 42)", "message a int, not a non-empty str"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, '  ')", "message '  ', not a non-empty str"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 'm', fix=None)", "fix a NoneType, not a str"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 'm', path=(object(),))",
     "a path that is not a tuple of keys (str) and indices (int)"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 'm', facts={'f': lambda: 1})",
     "facts that are not plain data (str keys; numbers, strings, lists and mappings of them)"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 'm', facts={'x': float('nan')})",
     "facts that are not plain data (str keys; numbers, strings, lists and mappings of them)"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 'm', span=(1, 1, 1, 1))",
     "a span that is not a planlint.findings.Span of four int"),
    ("yield Finding('ACME001', 'acme', Severity.ERROR, 'm', span=Span(1.5, 1, 1, 1))",
     "a span that is not a planlint.findings.Span of four int"),
]


@pytest.mark.parametrize("body, problem", MALFORMED)
def test_a_malformed_finding_is_pl000_naming_the_rule_and_the_good_ones_are_kept(installed, body, problem):
    registry = installed(acme=rule_plugin(f"yield good\n{body}\n{body}"))
    assert findings(registry) == [
        ("PL000", 1, 1, f"rule ACME001 (acme, plugin 'acme') yielded 2 malformed findings, not shown (the first: "
                        f"{problem})"),
        ("ACME001", 2, 1, "a fine finding")]


def test_a_span_out_of_the_file_is_clamped_and_the_file_is_the_plan(installed):
    registry = installed(acme=rule_plugin(
        "yield Finding('ACME001', 'acme', Severity.ERROR, 'far', span=Span(999, 50, 2000, 9), file='x.yaml')\n"
        "yield Finding('ACME001', 'acme', Severity.ERROR, 'before', span=Span(-3, -7, -1, 0))\n"
        "yield Finding('ACME001', 'acme', Severity.ERROR, 'wide', span=Span(2, 400, 2, 900))"))
    result = lint_bytes(MINIMAL.encode(), "plan.yaml", registry)
    last = len(MINIMAL.split("\n"))  # the empty line after the final newline is line 10
    assert [(f.message, f.line, f.column, f.span.end_line, f.span.end_column, f.file) for f in result.findings] == [
        ("before", 1, 1, 1, 1, "plan.yaml"), ("wide", 2, 11, 2, 11, "plan.yaml"),
        ("far", last, 1, last, 1, "plan.yaml")]


def test_a_rule_that_floods_stops_at_the_findings_bound(installed):
    registry = installed(acme=rule_plugin("while True:\n    yield good"))
    found = findings(registry, limits=Limits(max_findings=5))
    assert found[0] == ("PL004", 1, 1, "rule ACME001 (acme, plugin 'acme') reported more than 5 findings on this "
                                       "plan; the rest are not shown")
    assert found[1:] == [("ACME001", 2, 1, "a fine finding")] * 5


def test_a_rule_returning_none_found_nothing(installed):
    registry = installed(acme=rule_plugin("return None"))
    assert findings(registry) == []


# -- checklist items ------------------------------------------------------------------------

ITEM = '''
import sys, time
from planlint.checklist import ChecklistItem, Evidence, Status, Verdict
from planlint.hooks import hookimpl


class Acme(ChecklistItem):
    id = "acme-item"
    title = "Misbehaves."

    def evaluate(self, plan, ctx):
{body}


@hookimpl
def planlint_checklist_items():
    return [Acme]
'''


@pytest.mark.parametrize("body, reason", [
    ("sys.exit(0)", "item acme-item (plugin 'acme') called sys.exit(0)"),
    ("time.sleep(30)", "item acme-item (plugin 'acme') took longer than 0.2 s and was stopped"),
    ("while True:\n    try:\n        time.sleep(0.01)\n    except Exception:\n        pass",
     "item acme-item (plugin 'acme') took longer than 0.2 s and was stopped"),
    ("return 'done'", "item acme-item (plugin 'acme') returned a str, not a Verdict"),
    ("return Verdict('done', 'ok')",
     "item acme-item (plugin 'acme') returned a Verdict whose status is not a Status, or whose reason or fix is "
     "not a str"),
    ("return Verdict(Status.DONE, 'ok', (Evidence('x', line=0),))",
     "item acme-item (plugin 'acme') returned a Verdict whose evidence is not Evidence made by ctx.evidence()"),
])
def test_a_checklist_item_that_exits_hangs_or_returns_garbage_is_an_error(make, body, reason):  # noqa: F811
    from planlint.checklist import evaluate
    from planlint.load import load_bytes
    from planlint.model import build

    registry = make(acme=ITEM.format(body="\n".join("        " + line for line in body.splitlines())))
    doc = load_bytes(MINIMAL.encode(), "plan.yaml")
    started = time.monotonic()
    result = evaluate(build(doc.data), doc, registry, timeout=0.2)
    assert time.monotonic() - started < 2
    item = result.items[-1]
    assert (item.id, str(item.verdict.status), item.verdict.reason) == ("acme-item", "error", reason)
    assert [str(i.verdict.status) for i in result.items[:-1]].count("error") == 0  # the others were evaluated


def test_a_checklist_item_writing_to_standard_output_does_not_corrupt_json(installed, cli, tmp_path):
    installed(acme=ITEM.format(body="        print('[1, 2]')\n        return ctx.done('named', ctx.evidence(('name',)))"))
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("checklist", "--format", "json", str(plan))
    [row] = json.loads(result.stdout)
    assert row["items"][-1]["id"] == "acme-item" and row["items"][-1]["status"] == "done"
    assert result.stderr.endswith(
        "planlint: warning: checklist item acme-item (plugin 'acme') wrote to standard output '[1, 2]\\n'; not shown\n")


# -- require-plugins ------------------------------------------------------------------------

def _config(tmp_path, text: str):
    (tmp_path / ".planlint.yaml").write_text(text, encoding="utf-8")
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    return str(tmp_path / ".planlint.yaml"), str(plan)


def test_a_required_plugin_that_loads_runs_and_is_shown_by_config(installed, cli, tmp_path):
    installed(acme=rule_plugin("yield good"))
    config, plan = _config(tmp_path, "require-plugins: [acme]\n")
    result = cli("check", "--format", "concise", plan)
    assert (result.exit_code, result.stdout.splitlines()[0]) == (1, f"{plan}:2:1: ACME001 [warning] a fine finding "
                                                                    "(acme); fix: none")
    shown = cli("config", plan, "--format", "json")
    assert {"key": "require-plugins", "value": ["acme"], "source": config} in json.loads(shown.stdout)["settings"]


@pytest.mark.parametrize("modules, required, problem", [
    ({}, "[acme]", "plugin 'acme' is required but not installed (`planlint plugins` lists what is)"),
    ({"acme": "import not_a_module_anywhere\n"}, "[acme]",
     "plugin 'acme' is required but did not load in full: ModuleNotFoundError(\"No module named "
     "'not_a_module_anywhere'\")"),
    ({"acme": rule_plugin("yield good", "sys.exit(0)")}, "[acme]",
     "plugin 'acme' is required but did not load in full: its import called sys.exit(0)"),
    ({"acme": rule_plugin("yield good").replace("return [Acme]", "return [Acme, 'junk']")}, "[acme]",
     "plugin 'acme' is required but did not load in full: 'junk' is not a planlint.rule.Rule subclass"),
])
def test_a_required_plugin_that_is_missing_or_broken_is_exit_2(installed, cli, tmp_path, modules, required, problem):
    installed(**modules)
    config, plan = _config(tmp_path, f"require-plugins: {required}\n")
    for command in (("check", plan), ("estimate", plan), ("checklist", plan), ("config", plan)):
        result = cli(*command)
        assert (result.exit_code, result.stdout) == (2, ""), command
        assert result.stderr.splitlines()[-1] == f"planlint: error: {config}: require-plugins: {problem}", command


def test_a_required_plugin_with_plugins_turned_off_is_exit_2(make, cli, tmp_path, monkeypatch):  # noqa: F811
    make(acme=rule_plugin("yield good"))
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    monkeypatch.setattr(plugins, "_AUTOLOAD", None)
    config, plan = _config(tmp_path, "require-plugins: [acme]\n")
    for args, env in ((("--no-plugins", "check", plan), None), (("check", plan), {"PLANLINT_NO_PLUGINS": "1"})):
        monkeypatch.setattr(plugins, "_REGISTRY", None)
        monkeypatch.setattr(plugins, "_AUTOLOAD", None)
        result = cli(*args, env=env)
        assert result.exit_code == 2
        assert result.stderr == (f"planlint: error: {config}: require-plugins: plugin 'acme' is required, but "
                                 "third-party plugins are off (--no-plugins or PLANLINT_NO_PLUGINS)\n")


def test_a_plugin_is_required_by_its_distribution_name_too(make, monkeypatch):  # noqa: F811
    from planlint.config import ConfigError, build

    make(acme=rule_plugin("yield good"))
    entries = [plugins.EntryPoint("acme", "plugin_acme", "planlint", "planlint_acme_policy")]
    monkeypatch.setattr(plugins, "entry_points", lambda group: entries)
    registry = plugins.build_registry()
    assert build({"require-plugins": ["planlint-acme-policy", "Planlint.Acme_Policy"]}, registry,
                 "x").require_plugins == ("planlint-acme-policy", "Planlint.Acme_Policy")
    with pytest.raises(ConfigError) as raised:
        build({"require-plugins": ["planlint-other"]}, registry, "x")
    assert str(raised.value) == ("x: require-plugins: plugin 'planlint-other' is required but not installed "
                                 "(`planlint plugins` lists what is)")


@pytest.mark.parametrize("value", ["acme", [""], [1], {"acme": True}])
def test_require_plugins_must_be_a_list_of_names(value):
    from planlint.config import ConfigError, build

    with pytest.raises(ConfigError) as raised:
        build({"require-plugins": value}, plugins.registry(), "x")
    assert str(raised.value) == "x: require-plugins must be a list of plugin names, like [acme]"


# -- in worker processes --------------------------------------------------------------------

@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="workers need fork")
def test_in_workers_output_is_noted_and_a_plugin_s_keyboard_interrupt_is_contained(installed, watching, tmp_path,
                                                                                  monkeypatch):
    from planlint.config import Resolver
    from planlint.discover import expand
    from test_many_files import generate

    registry = installed(acme=rule_plugin("print('chatter')\nraise KeyboardInterrupt\nyield good"))
    monkeypatch.setattr(parallel, "MIN_PLANS_PER_WORKER", 64)
    generate(str(tmp_path), 150, seed=4, broken_share=0.0)
    targets, _ = expand([str(tmp_path)])
    assert parallel.workers_for(len(targets), 2) == 2
    results = [r for _, r in parallel.lint_many(targets, registry, Resolver(registry, isolated=True), "-", 2,
                                                slim=True) if r]  # None: not a plan
    assert len(results) == 150 and all(any(f.code == "PL000" and f.message == "rule ACME001 (acme, plugin 'acme') raised "
                   "KeyboardInterrupt: " for f in r.findings) for r in results)
    assert contain.drain() == [
        "rule ACME001 (acme, plugin 'acme') wrote to standard output 'chatter\\n'; planlint keeps its output "
        "streams for the report, so this was not shown (and on 149 more plans)"]
