"""The plugin API: each plugin loads on its own, a rule that raises is reported and the others
run, collisions stop the run loudly, and every hook (rules, checklist items, accelerators,
formats) contributes through the registry."""

import json
import sys
import textwrap

import pytest

from conftest import MINIMAL
from planlint import accelerators, plugins
from planlint.engine import lint_bytes
from planlint.plugins import EntryPoint, RegistryError, build_registry

GOOD = '''
from planlint.accelerators import Accelerator
from planlint.checklist import ChecklistItem
from planlint.findings import Severity
from planlint.hooks import hookimpl
from planlint.rule import Rule


class Boom(Rule):
    """Raises on every plan."""
    code = "ACME901"
    name = "boom"
    severity = Severity.WARNING
    summary = "Always raises."

    def check(self, plan, ctx):
        yield ctx.finding(("name",), "before the failure", "none")
        raise ZeroDivisionError("division by zero")


class NamedPlan(Rule):
    """Reports the plan's name."""
    code = "ACME902"
    name = "named-plan"
    severity = Severity.INFO
    summary = "Says the plan's name."

    def check(self, plan, ctx):
        yield ctx.finding(("name",), f"plan {plan.name}", "none")


class HasName(ChecklistItem):
    id = "has-name"
    title = "The plan has a name."

    def evaluate(self, plan, ctx):
        return ctx.done("named", ctx.evidence(("name",)))


class Raises(ChecklistItem):
    id = "raises"
    title = "Raises."

    def evaluate(self, plan, ctx):
        raise KeyError("nope")


@hookimpl
def planlint_rules():
    return [Boom, NamedPlan]


@hookimpl
def planlint_checklist_items():
    return [HasName, Raises]


@hookimpl
def planlint_accelerators():
    return [Accelerator("acme-x1", "ACME X1", 500, 96, 3000, "ACME X1 datasheet")]


def _names(results, stream):
    for result in results:
        stream.write(f"{result.name}: {len(result.findings)} findings\\n")


@hookimpl
def planlint_formats():
    return {"acme-count": _names}
'''


@pytest.fixture
def make(tmp_path, monkeypatch):
    """build(name=source, ...) -> a registry of the built-in bundles plus these plugin modules,
    loaded through entry points of the same names (a source of None: a module that does not exist)."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = dict(accelerators.PLUGIN)  # building a registry sets the catalogue's plugin part

    def build(**modules):
        entries = []
        for name, source in modules.items():
            module = f"plugin_{name.replace('-', '_')}"
            monkeypatch.delitem(sys.modules, module, raising=False)  # another test's module of this name
            if source is not None:
                (tmp_path / f"{module}.py").write_text(textwrap.dedent(source), encoding="utf-8")
            entries.append(EntryPoint(name, module, "planlint"))
        monkeypatch.setattr(plugins, "entry_points", lambda group: entries)
        return build_registry()

    yield build
    accelerators.use_plugin_accelerators(before)


def _lint(registry, text=MINIMAL):
    result = lint_bytes(text.encode(), "plan.yaml", registry)
    return [(f.code, f.line, f.column, f.message) for f in result.findings]


# -- isolation ------------------------------------------------------------------------------

def test_a_plugin_that_fails_to_import_is_named_and_the_others_load(make):
    registry = make(broken="import not_a_module_anywhere\n", acme=GOOD)
    assert registry.warnings == [
        "plugin 'broken' (plugin_broken) failed to load: ModuleNotFoundError(\"No module named "
        "'not_a_module_anywhere'\"); skipped"]
    assert registry.owner["ACME902"] == "acme" and registry.owner["PL101"] == "builtin"


def test_a_missing_plugin_module_is_a_warning(make):
    registry = make(gone=None)
    assert registry.warnings == [
        "plugin 'gone' (plugin_gone) failed to load: ModuleNotFoundError(\"No module named 'plugin_gone'\"); skipped"]
    assert "PL101" in registry.rules


def test_a_rule_that_raises_is_pl000_naming_it_and_its_plugin_and_the_other_rules_run(make):
    registry = make(acme=GOOD)
    undertrained = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")
    assert [(code, line, column) for code, line, column, _ in _lint(registry, undertrained)] == [
        ("PL000", 1, 1), ("ACME901", 2, 1), ("ACME902", 2, 1), ("PL101", 7, 3)]
    found = _lint(registry, undertrained)
    assert found[0][3] == "rule ACME901 (boom, plugin 'acme') raised ZeroDivisionError: division by zero"
    assert found[1][3] == "before the failure"  # what it yielded before it raised is kept


def test_a_hook_that_raises_or_returns_garbage_is_a_warning_and_the_rest_load(make):
    registry = make(raises='''
        from planlint.hooks import hookimpl

        @hookimpl
        def planlint_rules():
            raise RuntimeError("cannot list")
        ''', garbage='''
        from planlint.hooks import hookimpl

        @hookimpl
        def planlint_rules():
            return 42

        @hookimpl
        def planlint_checklist_items():
            return [object, "text"]

        @hookimpl
        def planlint_accelerators():
            return {"x": 1}

        @hookimpl
        def planlint_formats():
            return ["csv"]
        ''', acme=GOOD)
    assert registry.warnings == [
        "plugin 'garbage': planlint_rules() returned int, not a list of Rule subclasses; its rules skipped",
        "plugin 'raises': planlint_rules() raised RuntimeError('cannot list'); its rules skipped",
        "plugin 'garbage': <class 'object'> is not a planlint.checklist.ChecklistItem subclass; checklist item skipped",
        "plugin 'garbage': 'text' is not a planlint.checklist.ChecklistItem subclass; checklist item skipped",
        "plugin 'garbage': planlint_accelerators() returned dict, not a list of Accelerator; its accelerators skipped",
        "plugin 'garbage': planlint_formats() returned list, not a dict of name -> Formatter; its formats skipped",
    ]
    assert list(registry.checklist)[-2:] == ["has-name", "raises"]
    assert "ACME902" in registry.rules


def test_a_hook_with_a_misspelt_name_is_a_warning(make):
    registry = make(typo='''
        from planlint.hooks import hookimpl

        @hookimpl
        def planlint_rule():
            return []
        ''')
    assert registry.warnings == ["plugin 'typo' (plugin_typo) defines planlint_rule, which is not a planlint hook "
                                 "(did you mean planlint_rules?); it is never called"]


def test_a_checklist_item_that_raises_is_an_error_and_the_others_are_evaluated(make):
    from planlint.checklist import evaluate
    from planlint.load import load_bytes
    from planlint.model import build

    registry = make(acme=GOOD)
    doc = load_bytes(MINIMAL.encode(), "plan.yaml")
    result = evaluate(build(doc.data), doc, registry)
    assert [(item.id, str(item.verdict.status)) for item in result.items][-3:] == [
        ("mix-reproducible", "missing"), ("has-name", "done"), ("raises", "error")]
    assert result.items[-1].verdict.reason == "item raises (plugin 'acme') raised KeyError: 'nope'"
    assert result.items[-2].verdict.evidence[0].text == "name: tiny"
    assert result.items[-2].verdict.evidence[0].line == 2


# -- collisions -----------------------------------------------------------------------------

TAKES = '''
from planlint.findings import Severity
from planlint.hooks import hookimpl
from planlint.rule import Rule


class Taken(Rule):
    code = "{code}"
    name = "taken"
    severity = Severity.WARNING
    summary = "Takes a code."


@hookimpl
def planlint_rules():
    return [Taken]
'''


def test_a_plugin_rule_with_a_builtin_code_stops_the_run(make):
    with pytest.raises(RegistryError) as raised:
        make(acme=TAKES.format(code="PL101"))
    assert str(raised.value) == ("rule PL101 is claimed by both plugin 'builtin' (chinchilla-ratio) and plugin "
                                 "'acme' (taken); uninstall one or ask its author to renumber")


def test_two_plugins_with_one_code_stop_the_run(make):
    with pytest.raises(RegistryError) as raised:
        make(alpha=TAKES.format(code="ACME101"), beta=TAKES.format(code="ACME101"))
    assert str(raised.value) == ("rule ACME101 is claimed by both plugin 'alpha' (taken) and plugin 'beta' (taken); "
                                 "uninstall one or ask its author to renumber")


@pytest.mark.parametrize("hook, value, message", [
    ("planlint_accelerators", 'Accelerator("h100-sxm", "mine", 1, 1, 1, "mine")',
     "accelerator h100-sxm of plugin 'acme' has the name of a built-in accelerator"),
    ("planlint_formats", '{"sarif": print}', "format sarif of plugin 'acme' has the name of a built-in format"),
    ("planlint_formats", '{"full": print}', "format full of plugin 'acme' has the name of a built-in format"),
    ("planlint_formats", '{"text": print}', "format text of plugin 'acme' has the name of a built-in format"),
    ("planlint_checklist_items", "[type('Item', (ChecklistItem,), {'id': 'compute-budget', 'title': 't'})]",
     "checklist item compute-budget is claimed by both plugin 'checklist' and plugin 'acme'"),
])
def test_a_plugin_reusing_a_builtin_name_stops_the_run(make, hook, value, message):
    source = f'''
        from planlint.accelerators import Accelerator
        from planlint.checklist import ChecklistItem
        from planlint.hooks import hookimpl

        @hookimpl
        def {hook}():
            value = {value}
            return value if isinstance(value, (list, dict)) else [value]
        '''
    with pytest.raises(RegistryError) as raised:
        make(acme=source)
    assert str(raised.value).startswith(message + "; ")


def test_an_entry_point_with_a_builtin_bundle_name_is_skipped_with_a_warning(make):
    registry = make(checklist=GOOD)
    assert registry.warnings == ["plugin 'checklist' (plugin_checklist) has the name of a planlint bundle; skipped "
                                 "(rename its entry point)"]
    assert registry.plugins["checklist"] == "planlint.checklist.builtin" and "ACME902" not in registry.rules


def test_a_collision_is_exit_2_on_the_command_line(make, cli, monkeypatch):
    with pytest.raises(RegistryError):
        make(acme=TAKES.format(code="PL101"))  # leaves the colliding entry point installed
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    monkeypatch.setattr(plugins, "_AUTOLOAD", None)
    monkeypatch.delenv("PLANLINT_NO_PLUGINS", raising=False)
    result = cli("check", "examples/chinchilla-70b.yaml")
    assert (result.exit_code, result.output) == (2, (
        "planlint: error: rule PL101 is claimed by both plugin 'builtin' (chinchilla-ratio) and plugin 'acme' "
        "(taken); uninstall one or ask its author to renumber\n"))


CLAIMS_AN_ITEM = """
    from planlint.checklist import ChecklistItem
    from planlint.hooks import hookimpl

    @hookimpl
    def planlint_checklist_items():
        return [type("Item", (ChecklistItem,), {"id": "compute-budget", "title": "t"})]
    """


def test_check_reads_no_checklist_so_a_checklist_collision_stops_only_the_commands_that_do(make, cli, monkeypatch):
    with pytest.raises(RegistryError):
        make(acme=CLAIMS_AN_ITEM)  # leaves the colliding entry point installed
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    monkeypatch.setattr(plugins, "_AUTOLOAD", None)
    monkeypatch.delenv("PLANLINT_NO_PLUGINS", raising=False)
    assert (cli("check", "examples/chinchilla-70b.yaml").exit_code, plugins._REGISTRY.checklist) == (0, {})
    listed = cli("checklist", "examples/chinchilla-70b.yaml")  # the registry is built again, with the items
    assert (listed.exit_code, listed.output) == (2, (
        "planlint: error: checklist item compute-budget is claimed by both plugin 'checklist' and plugin 'acme'; "
        "uninstall one or ask its author to rename it\n"))


def test_a_registry_without_the_checklist_is_built_again_for_a_command_that_reads_it(monkeypatch):
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    without = plugins.registry(checklist=False)
    assert (without.checklist, "checklist" in without.plugins) == ({}, False)
    assert plugins.registry(checklist=False) is without
    full = plugins.registry()
    assert full is not without and list(full.checklist)[0] == "compute-budget" and "checklist" in full.plugins
    assert plugins.registry(checklist=False) is full  # what was collected is kept


# -- what plugins contribute ----------------------------------------------------------------

@pytest.fixture
def acme(make, monkeypatch):
    """The process-wide registry with the GOOD plugin installed as 'acme'."""
    registry = make(acme=GOOD)
    monkeypatch.setattr(plugins, "_REGISTRY", registry)
    return registry


def test_a_plugin_accelerator_validates_and_prices_the_plan(acme, cli, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL + "  accelerator: acme-x1\n  mfu: 0.4\n", encoding="utf-8")
    result = cli("estimate", "--format", "json", str(plan))
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    assert row["gpu_hours"] == pytest.approx(1.2e20 / (3600 * 500e12 * 0.4))


def test_a_plugin_accelerator_is_listed(acme, cli):
    lines = cli("accelerators").output.splitlines()
    assert lines[-1] == ("acme-x1              500           -         96     3000  ACME X1 (ACME X1 datasheet; "
                         "plugin 'acme')")
    assert len(lines) == 1 + 19 + 1


def test_an_unknown_accelerator_lists_plugin_ones_too(acme):
    found = _lint(acme, MINIMAL + "  accelerator: acme-x2\n")
    assert [(code, line, column) for code, line, column, _ in found] == [("PL002", 10, 16)]
    assert found[0][3].endswith("did you mean 'acme-x1'?")
    (finding,) = lint_bytes((MINIMAL + "  accelerator: acme-x2\n").encode(), "plan.yaml", acme).findings
    assert finding.details[0].endswith("tpu-v5p, acme-x1 (`planlint accelerators` lists them)")


def test_a_plugin_format_renders_check(acme, cli, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--format", "acme-count", "--select", "PL", str(plan))
    assert (result.exit_code, result.output) == (0, f"{plan}: 0 findings\n")


FORMATTERS = '''
from planlint.hooks import hookimpl
from planlint.report import Formatter


class Counts(Formatter):
    """Every context field a format is given, and --statistics."""

    name = "acme-counts"
    statistics = True

    def render(self, context):
        shown = ",".join(sorted(str(s) for s in context.shown))
        for result in context.results:
            context.stream.write(f"{result.name}: {[f.code for f in result.findings]} shown={shown} "
                                 f"hidden={context.hidden} summary={context.summary} "
                                 f"statistics={context.statistics} color={context.color} "
                                 f"fail_on={context.fail_on} rules={'PL101' in context.registry.rules}\\n")


class Lines(Formatter):
    name = "acme-lines"

    def render(self, context):
        context.stream.write(f"{len(context.results)} results\\n")


@hookimpl
def planlint_formats():
    return {"acme-counts": Counts, "acme-lines": Lines()}
'''


def test_a_plugin_format_is_a_formatter_given_the_whole_context(make, monkeypatch, cli, tmp_path):
    monkeypatch.setattr(plugins, "_REGISTRY", make(acme=FORMATTERS))
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL.replace("train_tokens: 20B", "train_tokens: 500B").replace("1.2e20", "3e21"),
                    encoding="utf-8")  # one PL101 info finding
    result = cli("check", "--output-format", "acme-counts", "--min-severity", "warning", "--fail-on", "info", "-q",
                 "--statistics", "--color", "always", str(plan))
    assert (result.exit_code, result.stdout) == (
        1, f"{plan}: [] shown=error,warning hidden={{'info': 1}} summary=False statistics=True color=True "
           "fail_on=info rules=True\n")
    assert cli("check", "--format", "acme-lines", str(plan)).stdout == "1 results\n"
    refused = cli("check", "--format", "acme-lines", "--statistics", str(plan))
    assert (refused.exit_code, refused.stdout, refused.stderr) == (
        2, "", "planlint: error: --statistics has no acme-lines form: use --output-format full, concise or json "
               "with --statistics, or leave --statistics out\n")


def test_a_format_written_as_a_function_still_works_and_cannot_write_statistics(acme, cli, tmp_path):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    assert cli("check", "--format", "acme-count", "--select", "PL", str(plan)).output == f"{plan}: 0 findings\n"
    refused = cli("check", "--format", "acme-count", "--statistics", str(plan))
    assert (refused.exit_code, refused.stdout) == (2, "")
    assert refused.stderr.startswith("planlint: error: --statistics has no acme-count form")


def test_an_unknown_format_lists_the_plugin_ones(acme, cli):
    result = cli("check", "--format", "nope", "examples/chinchilla-70b.yaml")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for '--output-format': 'nope' is not one of full, concise, json, sarif, github, junit, gitlab, "
        "acme-count")


def test_plugins_lists_what_each_plugin_contributes(acme, cli):
    result = cli("plugins")
    assert result.exit_code == 0
    assert result.output.splitlines()[-6:] == [
        "  checklist items: compute-budget, unique-data, tokens-per-param, loss-tracking, smooth-metrics, "
        "serving-cost, distill-or-quantize, alignment-compute, fine-tune-first, mix-reproducible",
        "acme (no installed distribution): plugin_acme",
        "  rules: ACME901, ACME902",
        "  checklist items: has-name, raises",
        "  accelerators: acme-x1",
        "  formats: acme-count",
    ]
    rows = json.loads(cli("plugins", "--format", "json").output)
    assert [row["name"] for row in rows["plugins"]] == ["builtin", "checklist", "acme"]
    assert rows["plugins"][0]["distribution"] == "planlint"
    assert rows["plugins"][2]["rules"] == ["ACME901", "ACME902"]
    assert (rows["plugins"][2]["distribution"], rows["plugins"][2]["version"]) == (None, None)


# -- turning autoloading off ----------------------------------------------------------------

def test_autoload_off_registers_only_the_builtin_bundles(make, monkeypatch):
    make(acme=GOOD)  # the entry points now include acme
    registry = build_registry(autoload=False)
    assert list(registry.plugins) == ["builtin", "checklist"]
    assert "ACME902" not in registry.rules and "acme-x1" not in accelerators.CATALOGUE


@pytest.mark.parametrize("value, off", [("1", True), ("true", True), ("yes", True), ("0", False), ("", False),
                                        ("false", False)])
def test_the_environment_variable(monkeypatch, value, off):
    monkeypatch.setenv("PLANLINT_NO_PLUGINS", value)
    assert plugins.autoload_disabled() is off


def test_no_plugins_on_the_command_line(make, cli, monkeypatch):
    make(acme=GOOD)
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    monkeypatch.setattr(plugins, "_AUTOLOAD", None)
    result = cli("--no-plugins", "plugins")
    assert result.output.splitlines()[0] == "builtin (planlint 0.1.0): planlint.rules"
    assert result.output.splitlines()[-1] == "third-party plugins not loaded (--no-plugins or PLANLINT_NO_PLUGINS)"
    assert "acme" not in result.output


def test_a_format_that_is_neither_a_formatter_nor_a_function_is_skipped_with_a_warning(make):
    registry = make(odd='''
        from planlint.hooks import hookimpl

        class NotAFormatter:
            def render(self, context):
                pass

        @hookimpl
        def planlint_formats():
            return {"odd-class": NotAFormatter, "odd-text": "csv"}
    ''')
    assert [w for w in registry.warnings if "odd-" in w] == [
        "plugin 'odd': format odd-class is <class 'plugin_odd.NotAFormatter'>, not a planlint.report.Formatter "
        "(nor a function render(results, stream)); format skipped",
        "plugin 'odd': format odd-text is 'csv', not a planlint.report.Formatter (nor a function render(results, "
        "stream)); format skipped"]
    assert "odd-class" not in registry.formats and "odd-text" not in registry.formats


BROKEN_CHECKLIST = ("import sys\n"
                    "import planlint.checklist.items as items\n"
                    "del items.ITEMS  # the built-in checklist bundle's hook now raises ImportError\n"
                    "from planlint.cli import main\n"
                    "main(sys.argv[1:])\n")


@pytest.mark.parametrize("command, code", [("check", 0), ("checklist", 2)])
def test_a_broken_built_in_checklist_stops_the_commands_that_read_it_not_check(command, code):
    import os
    import subprocess

    plan = os.path.join(os.path.dirname(__file__), "..", "examples", "chinchilla-70b.yaml")
    done = subprocess.run([sys.executable, "-c", BROKEN_CHECKLIST, command, plan], capture_output=True, text=True)
    assert done.returncode == code
    if code:
        assert done.stdout == "" and done.stderr.startswith("planlint: error: planlint's own 'checklist' bundle failed "
                                                            "to load (planlint_checklist_items() raised ImportError(")
    else:
        assert done.stderr == "" and done.stdout.endswith("no findings.\n")
