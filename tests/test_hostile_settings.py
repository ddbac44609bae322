"""Baselines and configurations are input too: whatever they hold, planlint answers with one
line and exit 2 (or uses them), never a traceback.

The cases are the ones that used to crash or mislead: numbers JSON or YAML read as infinity
or with thousands of digits, nesting deeper than the parsers recurse, wrong types, limits
past what the operating system takes (a read size, a timer), and paths that are no regular
file (``--config /dev/null``, a FIFO, a folder).
"""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MINIMAL
from hypothesis_profiles import scaled
from planlint.config import LIMIT_MAXIMA, LIMITS, ConfigError, build
from planlint.plugins import registry

DIGITS = "9" * 5000


@pytest.fixture
def plan(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(MINIMAL, encoding="utf-8")
    return str(path)


def entry(**changes) -> dict:
    return {"file": "plan.yaml", "code": "PL101", "pointer": "/data/train_tokens", "count": 1, **changes}


def baseline_text(*entries, **top) -> str:
    return json.dumps({"planlint_baseline": 1, "findings": list(entries), **top})


BASELINES = [
    ('{"planlint_baseline": 1, "findings": [{"file": "a", "code": "PL101", "pointer": "", "count": 1e999}]}',
     "findings[0].count must be a whole number from 1 to 1,000,000, not a number with a fraction or an exponent"),
    ('{"planlint_baseline": 1, "findings": [{"file": "a", "code": "PL101", "pointer": "", "count": ' + DIGITS + "}]}",
     "not a planlint baseline (a number of 5,000 digits, more than the 4,300 Python reads)"),
    ("[" * 100_000 + "]" * 100_000, "not a planlint baseline (JSON nested too deeply)"),
    ('{"planlint_baseline": 1, "findings": [{"file": "a", "code": "PL101", "pointer": "", "count": NaN}]}',
     "not a planlint baseline (NaN is not a number JSON allows)"),
    ('{"planlint_baseline": Infinity}', "not a planlint baseline (Infinity is not a number JSON allows)"),
    (baseline_text(entry(count=10**30)),
     "findings[0].count must be a whole number from 1 to 1,000,000, not a larger number"),
    (baseline_text(entry(count=0)), "findings[0].count must be a whole number from 1 to 1,000,000, not 0"),
    (baseline_text(entry(count=True)), "findings[0].count must be a whole number from 1 to 1,000,000, not true or false"),
    (baseline_text(entry(count="3")), "findings[0].count must be a whole number from 1 to 1,000,000, not str"),
    (baseline_text(entry(file=["plan.yaml"])), "findings[0].file: list, not a string"),
    (baseline_text({"code": "PL101", "pointer": ""}), "findings[0].file: missing"),
    (baseline_text([1, 2]), "findings[0] must be an object with file, code and pointer, not list"),
    (baseline_text("plan.yaml"), "findings[0] must be an object with file, code and pointer, not str"),
    ('{"planlint_baseline": 1, "findings": 5}', "findings must be a list, not int"),
    ('{"planlint_baseline": 1, "findings": {"a": 1}}', "findings must be a list, not dict"),
    ('{"planlint_baseline": 2}', 'not a planlint baseline (no "planlint_baseline": 1)'),
    ("", "not a planlint baseline (invalid JSON: Expecting value: line 1 column 1 (char 0))"),
]


@pytest.mark.parametrize("text, message", BASELINES, ids=range(len(BASELINES)))
def test_a_hostile_baseline_is_one_line_and_exit_2(cli, tmp_path, plan, text, message):
    path = tmp_path / "b.json"
    path.write_text(text, encoding="utf-8")
    result = cli("check", "--baseline", str(path), plan)
    assert (result.exit_code, result.stderr) == (2, f"planlint: error: {path}: {message}\n")


def test_a_baseline_that_is_not_utf8_or_not_a_file(cli, tmp_path, plan):
    path = tmp_path / "b.json"
    path.write_bytes(b"\xff\xfe{}")
    assert cli("check", "--baseline", str(path), plan).stderr == (
        f"planlint: error: {path}: not a planlint baseline (not UTF-8 text: invalid start byte at byte 0)\n")
    assert cli("check", "--baseline", str(tmp_path), plan).stderr.endswith(
        f"Error: Invalid value for '--baseline': File '{tmp_path}' is a directory.\n")


def test_a_baseline_saved_with_a_byte_order_mark_is_read(cli, tmp_path, plan):
    path = tmp_path / "b.json"
    path.write_text("\ufeff" + baseline_text(), encoding="utf-8")
    assert (cli("check", "--baseline", str(path), plan).exit_code) == 0


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(
        ["planlint_baseline", "findings", "file", "code", "pointer", "count", "x"]), inner, max_size=5),
    max_leaves=20)


COUNTS = st.one_of(st.sampled_from([float("inf"), float("nan"), 1e999, 10**30, True, -1, 0, 2.5]), JSON_VALUES)


@given(st.lists(st.one_of(JSON_VALUES, st.builds(entry, count=COUNTS)), max_size=4))
@scaled(0.5)
def test_any_json_as_a_baseline_is_used_or_refused_in_one_line(tmp_path_factory, entries):
    from click.testing import CliRunner

    from planlint.cli import main

    folder = tmp_path_factory.mktemp("b")
    (folder / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    (folder / "b.json").write_text(json.dumps({"planlint_baseline": 1, "findings": entries}), encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--baseline", str(folder / "b.json"), str(folder / "plan.yaml")],
                                catch_exceptions=False)
    assert result.exit_code in (0, 2)
    assert all(line.startswith("planlint: ") for line in result.stderr.splitlines())
    assert result.exit_code == 0 or len(result.stderr.splitlines()) == 1


# --- configuration ----------------------------------------------------------------------------

CONFIGS = [
    (".planlint.yaml", "limits: " + "[" * 1000 + "]" * 1000 + "\n",
     "not a usable YAML file: it nests too deeply (a configuration nests three levels)"),
    ("pyproject.toml", "[tool.planlint]\nselect = " + "[" * 1000 + "]" * 1000 + "\n",
     "not a usable TOML file: it nests too deeply (a configuration nests three levels)"),
    (".planlint.yaml", f"limits: {{max-nodes: {DIGITS}}}\n",
     "not a usable YAML file: a value cannot be read (a number of 5,000 digits, more than the 4,300 Python reads)"),
    ("pyproject.toml", f"[tool.planlint.limits]\nmax-nodes = {DIGITS}\n",
     "not a usable TOML file: a value cannot be read (a number of 5,000 digits, more than the 4,300 Python reads)"),
    (".planlint.yaml", "limits: {max-file-bytes: 100000000000000000000000000000}\n",
     "limits.max-file-bytes must be a whole number from 1 to 1,073,741,824, not 100000000000000000000000000000 "
     "(default 1048576)"),
    (".planlint.yaml", "limits: {max-depth: 1.0e+300}\n",
     "limits.max-depth must be a whole number from 1 to 64,000, not 1e+300 (default 64)"),
    (".planlint.yaml", "limits: {max-depth: true}\n",
     "limits.max-depth must be a whole number from 1 to 64,000, not True (default 64)"),
    (".planlint.yaml", "limits: {timeout: .inf}\n",
     "limits.timeout must be a number of seconds from 0 to 86,400, not inf (default 10.0)"),
    (".planlint.yaml", "limits: {timeout: .nan}\n",
     "limits.timeout must be a number of seconds from 0 to 86,400, not nan (default 10.0)"),
    (".planlint.yaml", f"options: {{PL101: {{warn_below: {'9' * 400}}}}}\n",
     "options.PL101.warn_below must be between -1e+30 and 1e+30, not 99999999999999999999... (400 characters) "
     "(default 10.0)"),
    (".planlint.yaml", "options: {PL101: {warn_below: -.inf}}\n",
     "options.PL101.warn_below must be between -1e+30 and 1e+30, not -inf (default 10.0)"),
    (".planlint.yaml", "options: {PL101: {warn_below: .nan}}\n",
     "options.PL101.warn_below must be between -1e+30 and 1e+30, not nan (default 10.0)"),
]


@pytest.mark.parametrize("name, text, message", CONFIGS, ids=range(len(CONFIGS)))
def test_a_hostile_configuration_is_one_line_and_exit_2(cli, tmp_path, plan, name, text, message):
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = cli("check", plan)
    assert (result.exit_code, result.stderr) == (2, f"planlint: error: {tmp_path / name}: {message}\n")


@pytest.mark.parametrize("value", ["inf", "nan", "1e300", "86401"])
def test_timeout_past_a_day_or_not_a_number_is_refused(cli, plan, value):
    result = cli("check", "--timeout", value, plan)
    shown = repr(float(value)) if value != "1e300" else "1e+300"
    assert (result.exit_code, result.stderr) == (
        2, f"planlint: error: command line: limits.timeout must be a number of seconds from 0 to 86,400, not {shown} "
           "(default 10.0)\n")


@given(st.sampled_from(sorted(LIMITS)), st.one_of(st.integers(), st.floats(), st.booleans(), st.text(max_size=3)))
@scaled(1.0)
def test_every_limit_the_configuration_accepts_is_one_the_platform_takes(name, value):
    try:
        config = build({"limits": {name: value}}, registry(), origin="test")
    except ConfigError as exc:
        assert str(exc).startswith(f"test: limits.{name} must be ")
        return
    assert 0 <= config.limits[name] <= LIMIT_MAXIMA[name]
    config.load_limits()  # whole numbers that fit a read size
    if name == "timeout" and config.timeout:
        import signal

        if hasattr(signal, "setitimer"):
            previous = signal.signal(signal.SIGALRM, signal.SIG_IGN)
            try:
                signal.setitimer(signal.ITIMER_REAL, config.timeout)  # no OverflowError
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, previous)


@given(st.one_of(st.integers(), st.floats(), st.booleans()))
@scaled(1.0)
def test_every_number_option_the_configuration_accepts_is_a_finite_float(value):
    try:
        config = build({"options": {"PL101": {"warn_below": value}}}, registry(), origin="test")
    except ConfigError as exc:
        assert str(exc).startswith("test: options.PL101.warn_below must be ")
        return
    accepted = config.options["PL101"]["warn_below"]
    assert isinstance(accepted, float) and abs(accepted) <= 1e30


@pytest.mark.parametrize("kind, make", [
    ("a character device", lambda tmp: "/dev/null"),
    ("a FIFO (named pipe)", lambda tmp: (os.mkfifo(tmp / "fifo.yaml"), str(tmp / "fifo.yaml"))[1]),
])
def test_config_that_is_no_regular_file_says_what_it_is(cli, tmp_path, plan, kind, make):
    if kind.startswith("a FIFO") and not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs here")
    path = make(tmp_path)
    if not os.path.exists(path):
        pytest.skip(f"no {path}")
    result = cli("check", "--config", path, plan)
    assert (result.exit_code, result.stderr) == (
        2, f"planlint: error: {path}: {kind}, not a configuration file (name a .planlint.yaml or pyproject.toml; "
           "--isolated uses no configuration at all)\n")


def test_config_that_does_not_exist_is_still_no_such_file(cli, tmp_path, plan):
    result = cli("check", "--config", str(tmp_path / "none.yaml"), plan)
    assert result.stderr == f"planlint: error: {tmp_path / 'none.yaml'}: no such configuration file\n"


def test_an_empty_configuration_file_is_fine(cli, tmp_path, plan):
    (tmp_path / "empty.yaml").write_text("", encoding="utf-8")
    assert cli("check", "--config", str(tmp_path / "empty.yaml"), plan).exit_code == 0
    (tmp_path / ".planlint.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert cli("check", plan).exit_code == 0


def test_a_folder_where_the_configuration_would_be_is_not_silently_skipped(cli, tmp_path, plan):
    (tmp_path / ".planlint.yaml").mkdir()
    result = cli("check", plan)
    assert (result.exit_code, result.stderr) == (
        2, f"planlint: error: {tmp_path / '.planlint.yaml'}: a folder, not a configuration file; planlint reads the "
           "nearest one, so this one cannot be skipped\n")
