"""The plugin authors' kit: typed rule options (elements, choices, ranges, quantities) checked
like the configuration and published in `planlint schema --config`; a strict `planlint.testing`;
`ItemContext`; the traceback switch; PL004 naming what ran out of time; `explain` of a plugin
rule; collisions naming what to uninstall; and a plugin's format and documentation contained."""

import json
import runpy
import textwrap
import time

import jsonschema
import pytest

from conftest import MINIMAL
from planlint import accelerators, contain, plugins
from planlint.config import ConfigError, build
from planlint.engine import lint_bytes
from planlint.load import load_bytes
from planlint.rule import Option, OptionError
from planlint.testing import case_params, findings, load_cases, render, run_case
from test_plugins import TAKES, make  # noqa: F401 - make: the fixture that installs plugin modules

# A plugin with typed options, a rule that raises, an item, a format that misbehaves as told.
KIT = '''
import sys, time
from planlint.checklist import ChecklistItem
from planlint.findings import Severity
from planlint.hooks import hookimpl
from planlint.rule import Option, Rule


class Policy(Rule):
    """KIT101 policy: the plan follows the lab's policy."""

    code = "KIT101"
    name = "policy"
    severity = Severity.WARNING
    summary = "The plan breaks the lab's policy."
    options = {
        "approved": Option(["a100-80gb"], "Accelerators the lab approves."),
        "mode": Option("strict", "How strict.", choices=("strict", "lenient")),
        "share": Option(0.5, "A share of something.", minimum=0, maximum=1, quantity="share"),
        "limit": Option(70e9, "The largest approved parameter count.", minimum=0, quantity="count"),
        "retries": Option(3, "How many times.", minimum=1),
    }
    sources = ("The lab's policy, rev. 4",)
    points_at = "`model.params`"

    def check(self, plan, ctx):
        if plan.model.params > ctx.options["limit"]:
            yield ctx.finding(("model", "params"), f"{plan.model.params:.3g} params is over {ctx.options['limit']:.3g}",
                              "shrink the model")


class Boom(Rule):
    """KIT102 boom."""

    code = "KIT102"
    name = "boom"
    summary = "Raises."

    def check(self, plan, ctx):
        return helper()


def helper():
    raise ValueError("no \\x1b[31mcolour\\x1b[0m here")


class Sleeps(Rule):
    """KIT103 sleeps."""

    code = "KIT103"
    name = "sleeps"
    summary = "Hangs when the plan says so."

    def check(self, plan, ctx):
        while plan.name == "hang":
            time.sleep(0.01)
        return ()


class Owner(ChecklistItem):
    """Done when the plan names its owner."""

    id = "kit-owner"
    title = "An owner is named."

    def evaluate(self, plan, ctx):
        if ctx.has(("x-owner",)):
            return ctx.done("named", ctx.evidence(("x-owner",)))
        return ctx.missing("no owner", fix="add x-owner")


def render_kit(results, stream):
    behaviour = BEHAVIOUR
    stream.write("kit report\\n")
    if behaviour == "raise":
        raise ValueError("the format broke")
    if behaviour == "exit":
        sys.exit(0)
    if behaviour == "hang":
        while True:
            time.sleep(0.01)
    if behaviour == "print":
        print("debug")


BEHAVIOUR = "{behaviour}"


@hookimpl
def planlint_rules():
    return [Policy, Boom, Sleeps]


@hookimpl
def planlint_checklist_items():
    return [Owner]


@hookimpl
def planlint_formats():
    return {{"kit": render_kit}}
'''


def kit(behaviour: str = "fine") -> str:
    return KIT.replace("{behaviour}", behaviour).replace("{{", "{").replace("}}", "}")


@pytest.fixture
def installed(make, monkeypatch):  # noqa: F811
    """install(behaviour="fine", **more): the KIT plugin (and more plugin modules) as the
    process-wide registry."""

    def install(behaviour: str = "fine", **more):
        registry = make(kit=kit(behaviour), **more)
        monkeypatch.setattr(plugins, "_REGISTRY", registry)
        return registry

    return install


# -- options ---------------------------------------------------------------------------------

def test_an_option_knows_its_type_and_says_it():
    assert Option(["a"], "x").describe() == "a list of strings"
    assert Option([1.0], "x", minimum=0).describe() == "a list of numbers of at least 0"
    assert Option("strict", "x", choices=("strict", "lenient")).describe() == "one of 'strict', 'lenient'"
    assert Option(["strict"], "x", choices=("strict", "lenient")).describe() == (
        "a list of strings, each one of 'strict', 'lenient'")
    assert Option(0.5, "x", minimum=0, maximum=1, quantity="share").describe() == (
        "a number (or a percentage such as 5%) from 0 to 1")
    assert Option(7e10, "x", quantity="count").describe() == "a number (or a count such as 1.5M or 2T)"
    assert Option(3, "x", maximum=10).describe() == "a whole number of at most 10"
    assert Option(True, "x").describe() == "true or false"


def test_an_option_converts_what_the_configuration_says():
    assert Option(7e10, "x", quantity="count").convert("1.5M") == 1.5e6
    assert Option(7e10, "x", quantity="count").convert("2T") == 2e12
    assert Option(7e10, "x", quantity="count").convert(13) == 13.0
    assert Option(0.5, "x", quantity="share").convert("5%") == 0.05
    assert Option([1.0], "x", quantity="count").convert(["1k", 2]) == [1e3, 2.0]
    assert Option(("a",), "x").convert(["b"]) == ("b",)
    with pytest.raises(OptionError) as raised:
        Option(["a"], "x").convert(["b", 5])
    assert (raised.value.at, raised.value.expected, raised.value.value) == ("[1]", "a string", 5)
    with pytest.raises(OptionError):
        Option(7e10, "x").convert("70B")  # quantities only where the option says so


@pytest.mark.parametrize("declare, error", [
    (lambda: Option([], "x"), "a list option needs items=str, int or float (its default does not show which)"),
    (lambda: Option(["a", 1], "x"), "a list option needs items=str, int or float (its default does not show which)"),
    (lambda: Option("x", "x", choices=("a", "b")), "the option's default 'x' is not one of 'a', 'b'"),
    (lambda: Option(2.0, "x", maximum=1), "the option's default 2.0 is not a number of at most 1"),
    (lambda: Option(5, "x", quantity="count"), "quantity= is one of count, share, usd, fraction, for a float option"),
    (lambda: Option(5.0, "x", quantity="tokens"), "quantity= is one of count, share, usd, fraction, for a float option"),
    (lambda: Option(5.0, "x", choices=("a",)), "choices= is a tuple of strings, for a str option or a list of str"),
    (lambda: Option("a", "x", minimum=0), "minimum= and maximum= are for numeric options"),
    (lambda: Option({"a": 1}, "x"), "an option's default is a bool, int, float, str or list, not dict"),
])
def test_a_declaration_that_contradicts_itself_fails_on_import(declare, error):
    with pytest.raises((TypeError, ValueError)) as raised:
        declare()
    assert str(raised.value).startswith(error)


@pytest.mark.parametrize("options, message", [
    ({"approved": ["a100-80gb", 5]}, "options.KIT101.approved[1] must be a string, not 5 (default ['a100-80gb'])"),
    ({"approved": "a100-80gb"}, "options.KIT101.approved must be a list of strings, not 'a100-80gb' (default "
                                "['a100-80gb'])"),
    ({"mode": "strct"}, "options.KIT101.mode must be one of 'strict', 'lenient', not 'strct' (default 'strict')"),
    ({"share": 1.5}, "options.KIT101.share must be a number (or a percentage such as 5%) from 0 to 1, not 1.5 "
                     "(default 0.5)"),
    ({"share": "150%"}, "options.KIT101.share must be a number (or a percentage such as 5%) from 0 to 1, not '150%' "
                        "(default 0.5)"),
    ({"limit": "70 Bn"}, "options.KIT101.limit must be a number (or a count such as 1.5M or 2T) of at least 0, not "
                         "'70 Bn' (default 70000000000.0)"),
    ({"retries": 0}, "options.KIT101.retries must be a whole number of at least 1, not 0 (default 3)"),
    ({"retries": 2.5}, "options.KIT101.retries must be a whole number of at least 1, not 2.5 (default 3)"),
    ({"limit": 1e31}, "options.KIT101.limit must be between -1e+30 and 1e+30, not 1e+31 (default 70000000000.0)"),
])
def test_the_configuration_is_checked_against_the_declaration(installed, options, message):
    registry = installed()
    with pytest.raises(ConfigError) as raised:
        build({"options": {"KIT101": options}}, registry, origin=".planlint.yaml")
    assert str(raised.value) == f".planlint.yaml: {message}"


def test_the_configuration_takes_the_plan_s_quantities_and_the_rule_reads_numbers(installed, tmp_path, cli):
    installed()
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")  # 1B params
    (tmp_path / ".planlint.yaml").write_text(
        "options:\n  KIT101: {limit: 500M, share: 25%, approved: [a100-80gb, h100-sxm], mode: lenient}\n",
        encoding="utf-8")
    result = cli("check", "--format", "concise", "--select", "KIT101", str(plan))
    assert result.output.splitlines()[0] == (f"{plan}:5:3: KIT101 [warning] 1e+09 params is over 5e+08 (policy); "
                                            "fix: shrink the model")
    config = cli("config", str(plan)).output
    assert "options.KIT101.limit" in config and "500000000.0" in config


def test_schema_config_carries_the_plugin_s_options(installed, cli):
    installed()
    result = cli("schema", "--config")
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["properties"]["options"]["properties"]["KIT101"]["properties"] == {
        "approved": {"type": "array", "items": {"type": "string"}, "default": ["a100-80gb"],
                     "description": "Accelerators the lab approves."},
        "mode": {"type": "string", "enum": ["strict", "lenient"], "default": "strict", "description": "How strict."},
        "share": {"anyOf": [{"type": "number", "minimum": 0, "maximum": 1},
                            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}],
                  "default": 0.5, "description": "A share of something."},
        "limit": {"anyOf": [{"type": "number", "minimum": 0},
                            {"type": "string", "pattern": r"^\s*(\d(_?\d)*(\.\d(_?\d)*)?|\.\d(_?\d)*)([eE][+-]?\d+)?"
                                                          r"\s?[kKMBT]?\s*$"}],
                  "default": 7e10, "description": "The largest approved parameter count."},
        "retries": {"type": "integer", "minimum": 1, "default": 3, "description": "How many times."},
    }
    validator = jsonschema.Draft202012Validator(schema)
    validator.validate({"options": {"KIT101": {"limit": "1.5M", "approved": ["x"], "share": "5%"}}})
    for wrong in ({"limit": "70 Bn"}, {"approved": ["x", 5]}, {"mode": "strct"}, {"retries": 0}, {"typo": 1}):
        assert list(validator.iter_errors({"options": {"KIT101": wrong}})), wrong


def test_schema_config_without_plugins_is_the_published_file(cli):
    from pathlib import Path

    published = (Path(__file__).resolve().parent.parent / "schemas" / "config.schema.json").read_text(encoding="utf-8")
    assert cli("--no-plugins", "schema", "--config").output == published


# -- planlint.testing is strict --------------------------------------------------------------

PLAN = "planlint: 1\nname: big\ngoal: base\nmodel: {params: 175B}\ndata: {train_tokens: 3.5T}\n"


def _case(**fields):
    return {"rule": "KIT101", "name": "a_case", "plan": PLAN, **fields}


def test_a_good_case_passes_and_its_options_take_quantities(installed):
    installed()
    run_case(_case(expect=[{"code": "KIT101", "line": 4, "column": 9, "severity": "warning",
                            "message": "1.75e+11 params is over 7e+10", "end_line": 4, "end_column": 15}]))
    run_case(_case(options={"limit": "200B"}, expect=[]))


@pytest.mark.parametrize("fields, message", [
    ({"options": {"limt": "200B"}, "expect": []},
     "case a_case: test options: options.KIT101.limt: KIT101 has no option 'limt' (its options: approved, mode, "
     "share, limit, retries)"),
    ({"options": {"limit": "lots"}, "expect": []},
     "case a_case: test options: options.KIT101.limit must be a number (or a count such as 1.5M or 2T) of at least 0, "
     "not 'lots' (default 70000000000.0)"),
    ({"rule": "KIT999", "expect": []},
     "case a_case: rule KIT999 is not loaded, so the case would test nothing; install the plugin that provides it "
     "(pip install -e .) and check `planlint plugins` (plugin rules loaded: KIT101, KIT102, KIT103)"),
    ({"expect": [{"code": "KIT101", "colum": 9}]},
     "case a_case: an expectation: unknown key 'colum'; did you mean 'column'?"),
    ({"expcet": []}, "case a_case: unknown key 'expcet'; did you mean 'expect'?"),
    ({"expect": [{"code": "KIT19"}]}, "case a_case: expects code KIT19, which no loaded rule has"),
    ({"expect": [{"code": "PL101"}]},
     "case a_case: expects code PL101, but only KIT101's findings are compared (add `all_codes: true` to compare "
     "every finding)"),
    ({"expect": [{"code": "KIT101", "severity": "fatal"}]},
     "case a_case: severity 'fatal' is not error, warning or info"),
])
def test_a_case_that_would_test_nothing_fails(installed, fields, message):
    installed()
    with pytest.raises(AssertionError) as raised:
        run_case(_case(**fields))
    assert str(raised.value) == message


def test_a_case_whose_plan_is_not_checked_or_whose_rule_raises_fails(installed):
    installed()
    with pytest.raises(AssertionError) as raised:  # the plan breaks the schema: KIT101 never ran
        run_case(_case(plan=PLAN.replace("params: 175B", "parms: 175B"), expect=[]))
    assert str(raised.value).startswith("case a_case: the plan was not checked in full (4:9 PL002 [error] unknown key 'parms' in model; did you mean 'params'?")
    with pytest.raises(AssertionError) as raised:
        run_case(_case(rule="KIT102", expect=[]))
    assert str(raised.value).startswith(
        "case a_case: the plan was not checked in full (1:1 PL000 [error] rule KIT102 (boom, plugin 'kit') raised "
        "ValueError: no \\x1b[31mcolour\\x1b[0m here); ")
    run_case(_case(expect=[{"code": "KIT101"}]))  # KIT102's PL000 is for KIT102's cases
    run_case(_case(rule="KIT102", all_codes=True, expect=[{"code": "PL000", "line": 1}, {"code": "PL201"},
                                                          {"code": "KIT101"}]))


def test_case_files_are_relative_to_the_test_file_and_checked(installed, tmp_path, monkeypatch):
    installed()
    (tmp_path / "tests" / "cases").mkdir(parents=True)
    (tmp_path / "tests" / "cases" / "KIT101.yaml").write_text(textwrap.dedent("""\
        rule: KIT101
        cases:
          - name: over
            plan: "planlint: 1\\nname: big\\ngoal: base\\nmodel: {params: 175B}\\ndata: {train_tokens: 3.5T}\\n"
            expect: [{code: KIT101, line: 4, column: 9}]
        """), encoding="utf-8")
    test_file = tmp_path / "tests" / "test_kit.py"
    test_file.write_text("from planlint.testing import case_params\nPARAMS = case_params('cases/KIT101.yaml')\n",
                         encoding="utf-8")
    monkeypatch.chdir(tmp_path.parent)  # not where the test file is
    [param] = runpy.run_path(str(test_file))["PARAMS"]
    assert param.id == "KIT101-over"
    run_case(param.values[0])
    with pytest.raises(AssertionError) as raised:
        case_params("cases/KIT101.yaml")  # relative to this file's folder, where there is none
    assert str(raised.value).endswith("tests/cases/KIT101.yaml: no such case file (a relative path is relative to "
                                      "the test file's folder)")


@pytest.mark.parametrize("text, message", [
    ("rule: KIT101\ncases: []\nextra: 1\n", "unknown key 'extra'; the keys are rule, cases"),
    ("rule: KIT101\ncases:\n  - {name: a, plan: x}\n  - {name: a, plan: y}\n", "case a: two cases have this name"),
    ("rule: KIT101\ncases:\n  - {name: a, plan: x, expect: {code: KIT101}}\n",
     "case a: `expect` is a list of mappings (`[]` for no finding)"),
    ("rule: KIT101\ncases:\n  - {name: a}\n", "cases[0]: a case is a mapping with a `name` and a `plan` (text)"),
    ("cases: []\n", "a case file is a mapping with `rule: CODE` and a list of `cases`"),
])
def test_a_malformed_case_file_is_refused(tmp_path, text, message):
    path = tmp_path / "KIT101.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(AssertionError) as raised:
        load_cases(path)
    assert str(raised.value) == f"{path}: {message}"


# -- ItemContext -----------------------------------------------------------------------------

@pytest.mark.parametrize("value, has", [
    ("", False), ("~", False), ("null", False), ("''", False), ("'  '", False), ("[]", False), ("{}", False),
    ("dana", True), ("false", True), ("0", True), ("[a]", True), ("{a: 1}", True),
])
def test_has_means_the_plan_states_a_value(installed, value, has):
    from planlint.checklist import ItemContext

    installed()
    doc = load_bytes(f"planlint: 1\nx-owner: {value}\n".encode(), "plan.yaml")
    ctx = ItemContext(None, doc)
    assert ctx.has(("x-owner",)) is has
    assert ctx.has(("x-nobody",)) is False
    assert ctx.has(("x-owner", 0)) is (value in ("[a]",))


def test_value_reads_the_plan_as_written(installed):
    from planlint.checklist import ItemContext

    doc = load_bytes(b"planlint: 1\nname: n\nx-owner:\ndata: {train_tokens: 1.3B, mix: [{source: web}]}\n", "plan.yaml")
    ctx = ItemContext(None, doc)
    assert ctx.value(("data", "train_tokens")) == "1.3B"
    assert ctx.value(("data", "mix", 0, "source")) == "web"
    assert ctx.value(("x-owner",), "absent") is None  # written, with no value
    assert ctx.value(("x-team",), "absent") == "absent"
    assert ctx.value(("name", 0), "absent") == "absent"  # a string is not indexed into


def test_a_null_owner_is_missing_not_done(installed):
    from planlint.testing import verdict

    installed()
    plan = "planlint: 1\nname: n\ngoal: base\nx-owner:\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n"
    assert str(verdict(plan, "kit-owner").status) == "missing"
    assert str(verdict(plan.replace("x-owner:", "x-owner: dana"), "kit-owner").status) == "done"


# -- the traceback switch --------------------------------------------------------------------

def _pl000(registry):
    [found] = [f for f in lint_bytes(MINIMAL.encode(), "plan.yaml", registry).findings if f.code == "PL000"]
    return found


def test_without_the_switch_pl000_says_what_was_raised(installed, monkeypatch):
    monkeypatch.delenv("PLANLINT_TRACEBACK", raising=False)
    found = _pl000(installed())
    assert found.message == "rule KIT102 (boom, plugin 'kit') raised ValueError: no \x1b[31mcolour\x1b[0m here"
    assert found.facts == {"rule": "KIT102", "plugin": "kit"}


def test_with_the_switch_pl000_shows_where_the_rule_raised_escaped(installed, monkeypatch, tmp_path):
    monkeypatch.setenv("PLANLINT_TRACEBACK", "1")
    found = _pl000(installed())
    module = str(tmp_path / "plugin_kit.py")
    check_line = kit().splitlines().index("        return helper()") + 1
    helper_line = check_line + 4
    assert found.message == (f"rule KIT102 (boom, plugin 'kit') raised ValueError: no \x1b[31mcolour\x1b[0m here "
                             f"(traceback: {module}:{check_line} in check > {module}:{helper_line} in helper)")
    assert found.facts["traceback"].startswith("Traceback (most recent call last):\n")
    assert found.facts["traceback"].endswith(f'  File "{module}", line {helper_line}, in helper\n'
                                             '    raise ValueError("no \\x1b[31mcolour\\x1b[0m here")\n'
                                             'ValueError: no \x1b[31mcolour\x1b[0m here\n')
    text = render(MINIMAL, fmt="concise")
    assert f"raised ValueError: no \\x1b[31mcolour\\x1b[0m here (traceback: {module}:{check_line} in check" in text
    assert "\x1b" not in text
    [shown] = [f for f in json.loads(render(MINIMAL, fmt="json")) if f["code"] == "PL000"]
    assert shown["facts"]["traceback"] == found.facts["traceback"]
    assert "\x1b" not in render(MINIMAL, fmt="json")  # JSON carries it as \u001b


@pytest.mark.parametrize("value, on", [("1", True), ("yes", True), ("0", False), ("", False), ("false", False)])
def test_the_switch_is_an_environment_variable(monkeypatch, value, on):
    monkeypatch.setenv("PLANLINT_TRACEBACK", value)
    assert contain.tracebacks_shown() is on


# -- PL004 says what ran out of time ---------------------------------------------------------

def test_a_rule_that_hangs_is_named_with_its_plugin(installed, monkeypatch):
    monkeypatch.delenv("PLANLINT_TRACEBACK", raising=False)
    registry = installed()
    result = lint_bytes(MINIMAL.replace("name: tiny", "name: hang").encode(), "plan.yaml", registry, timeout=0.3)
    [stopped] = [f for f in result.findings if f.code == "PL004"]
    assert stopped.message == ("checking the plan took longer than 0.3 s and was stopped in rule KIT103 (sleeps, "
                               "plugin 'kit')")
    assert stopped.details == ("findings reported before the stop are kept",)
    assert stopped.fix == ("report this to the maintainers of plugin 'kit' with the plan, or raise --timeout if the "
                           "plan is legitimately huge (the bound is the `limits.timeout` setting)")
    assert stopped.facts == {"timeout_seconds": 0.3, "stage": "running the rules", "rule": "KIT103", "plugin": "kit"}
    monkeypatch.setenv("PLANLINT_TRACEBACK", "1")
    result = lint_bytes(MINIMAL.replace("name: tiny", "name: hang").encode(), "plan.yaml", registry, timeout=0.3)
    [stopped] = [f for f in result.findings if f.code == "PL004"]
    assert stopped.details[1].startswith("traceback: ") and "plugin_kit.py:" in stopped.details[1]
    assert " in check" in stopped.details[1]


def test_a_stage_that_runs_out_of_time_is_named(monkeypatch):
    from planlint import numbers
    from planlint.plugins import registry

    def slow(*args, **kwargs):
        time.sleep(5)

    monkeypatch.setattr(numbers, "compute", slow)
    result = lint_bytes(MINIMAL.encode(), "plan.yaml", registry(), timeout=0.2)
    assert [(f.code, f.message, f.facts) for f in result.findings] == [
        ("PL004", "checking the plan took longer than 0.2 s and was stopped while computing the plan's numbers",
         {"timeout_seconds": 0.2, "stage": "computing the plan's numbers"})]


# -- explain ---------------------------------------------------------------------------------

def test_explain_of_a_plugin_rule_shows_its_options_sources_and_plugin(installed, cli):
    installed()
    result = cli("explain", "KIT101")
    assert (result.exit_code, result.output) == (0, """\
KIT101 policy: the plan follows the lab's policy.

Default severity: warning.

Points at: `model.params`.

Options (`options: {KIT101: {NAME: VALUE}}` in .planlint.yaml, or [tool.planlint.options.KIT101] in pyproject.toml):
- approved: a list of strings; default ["a100-80gb"]. Accelerators the lab approves.
- mode: one of 'strict', 'lenient'; default "strict". How strict.
- share: a number (or a percentage such as 5%) from 0 to 1; default 0.5. A share of something.
- limit: a number (or a count such as 1.5M or 2T) of at least 0; default 7e+10. The largest approved parameter count.
- retries: a whole number of at least 1; default 3. How many times.

Sources:
- The lab's policy, rev. 4

From plugin 'kit'.
""")


# -- collisions name the distributions, and `planlint plugins` lists both ----------------------

def _distribution(root, name: str, version: str, module: str, entry: str) -> None:
    info = root / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[planlint]\n{entry} = {module}\n", encoding="utf-8")


@pytest.fixture
def two_distributions(tmp_path, monkeypatch):
    """planlint-alpha 1.0 and planlint-beta 2.0.1 installed, both claiming rule ZED101."""
    monkeypatch.syspath_prepend(str(tmp_path))
    before = dict(accelerators.PLUGIN)
    for dist, version, module in (("planlint-alpha", "1.0", "zed_alpha"), ("planlint-beta", "2.0.1", "zed_beta")):
        (tmp_path / f"{module}.py").write_text(TAKES.format(code="ZED101"), encoding="utf-8")
        _distribution(tmp_path, dist, version, module, module.replace("zed_", ""))
        monkeypatch.delitem(__import__("sys").modules, module, raising=False)
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    monkeypatch.setattr(plugins, "_AUTOLOAD", None)
    monkeypatch.delenv("PLANLINT_NO_PLUGINS", raising=False)
    yield
    accelerators.use_plugin_accelerators(before)


COLLISION = ("rule ZED101 is claimed by both plugin 'alpha' (taken, from planlint-alpha 1.0) and plugin 'beta' "
             "(taken, from planlint-beta 2.0.1); uninstall one of planlint-alpha and planlint-beta, or ask an author "
             "to renumber")


def test_a_collision_names_the_distributions_to_uninstall(two_distributions, cli):
    result = cli("check", "examples/chinchilla-70b.yaml")
    assert (result.exit_code, result.output) == (2, f"planlint: error: {COLLISION}\n")


def test_plugins_still_lists_both_and_exits_2(two_distributions, cli):
    result = cli("plugins")
    assert result.exit_code == 2
    assert result.output.splitlines()[-5:] == [
        "alpha (planlint-alpha 1.0): zed_alpha",
        "  rules: ZED101",
        "beta (planlint-beta 2.0.1): zed_beta",
        "  rules: ZED101",
        f"planlint: error: {COLLISION}",
    ]
    listed = json.loads(cli("plugins", "--format", "json").output.split("planlint: error")[0])
    assert [(row["name"], row["distribution"], row["version"], row["rules"]) for row in listed["plugins"][2:]] == [
        ("alpha", "planlint-alpha", "1.0", ["ZED101"]), ("beta", "planlint-beta", "2.0.1", ["ZED101"])]
    assert listed["errors"] == [COLLISION]


def test_a_collision_with_planlint_names_only_the_plugin_s_distribution(tmp_path, monkeypatch, cli):
    monkeypatch.syspath_prepend(str(tmp_path))
    before = dict(accelerators.PLUGIN)
    (tmp_path / "zed_gamma.py").write_text(TAKES.format(code="PL101"), encoding="utf-8")
    _distribution(tmp_path, "planlint-gamma", "0.3", "zed_gamma", "gamma")
    monkeypatch.setattr(plugins, "_REGISTRY", None)
    monkeypatch.setattr(plugins, "_AUTOLOAD", None)
    monkeypatch.delenv("PLANLINT_NO_PLUGINS", raising=False)
    try:
        result = cli("rules")
    finally:
        accelerators.use_plugin_accelerators(before)
    assert (result.exit_code, result.output) == (2, (
        "planlint: error: rule PL101 is claimed by both plugin 'builtin' (chinchilla-ratio) and plugin 'gamma' "
        "(taken, from planlint-gamma 0.3); uninstall planlint-gamma (pip uninstall planlint-gamma) or ask its author "
        "to renumber\n"))


# -- a plugin's format and documentation run contained ----------------------------------------

@pytest.mark.parametrize("behaviour, failed", [
    ("raise", "raised ValueError: the format broke"),
    ("exit", "called sys.exit(0)"),
    ("hang", "took longer than 0.3 s and was stopped"),
])
def test_a_format_that_fails_is_one_line_and_exit_2_with_no_half_report(installed, cli, tmp_path, monkeypatch,
                                                                         behaviour, failed):
    installed(behaviour)
    monkeypatch.setattr(plugins, "FORMAT_TIMEOUT", 0.3)
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--format", "kit", str(plan))
    assert (result.exit_code, result.output) == (
        2, f"planlint: error: format kit (plugin 'kit') {failed}; no report was written\n")
    report = tmp_path / "report.txt"
    assert cli("check", "--format", "kit", "-o", str(report), str(plan)).exit_code == 2
    assert report.read_text(encoding="utf-8") == ""  # created, but no half report in it


def test_a_format_that_prints_is_named_and_its_report_still_written(installed, cli, tmp_path):
    installed("print")
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--format", "kit", str(plan))
    assert result.exit_code == 1  # KIT102's PL000
    assert result.stdout == "kit report\n"
    assert result.stderr == ("planlint: warning: format kit (plugin 'kit') wrote to standard output 'debug\\n'; only "
                             "what it writes to the stream it is given is the report, so this was not shown\n")


DOCUMENTED = '''
import sys, time
from planlint.findings import Severity
from planlint.hooks import hookimpl
from planlint.rule import Rule


class Documented(Rule):
    """Its docstring."""
    code = "DOC101"
    name = "documented"
    severity = Severity.WARNING
    summary = "Has a documentation() of its own."

    @classmethod
    def documentation(cls):
        {body}


@hookimpl
def planlint_rules():
    return [Documented]
'''


@pytest.mark.parametrize("body, failed", [
    ("raise RuntimeError('no page')", "raised RuntimeError: no page"),
    ("sys.exit(0)", "called sys.exit(0)"),
    ("return 42", "returned int, not str"),
    ("time.sleep(30)", "took longer than 0.3 s and was stopped"),
])
def test_a_rule_documentation_that_fails_is_one_line_and_exit_2(make, cli, monkeypatch, tmp_path, body,  # noqa: F811
                                                                  failed):
    monkeypatch.setattr(plugins, "LOAD_TIMEOUT", 0.3)
    monkeypatch.setattr(plugins, "_REGISTRY", make(doc=DOCUMENTED.replace("{body}", body)))
    message = f"planlint: error: rule DOC101 (documented, plugin 'doc'): documentation() {failed}\n"
    assert (cli("explain", "DOC101").exit_code, cli("explain", "DOC101").output) == (2, message)
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--format", "sarif", str(plan))
    assert (result.exit_code, result.output) == (2, message)


def test_a_rule_documentation_of_its_own_that_works_is_shown(make, cli, monkeypatch):  # noqa: F811
    monkeypatch.setattr(plugins, "_REGISTRY", make(doc=DOCUMENTED.replace("{body}", "return 'Its page.'")))
    assert cli("explain", "DOC101").output.startswith("Its page.\n\nDefault severity: warning.\n")
