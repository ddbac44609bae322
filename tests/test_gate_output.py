"""Nothing from outside reaches a terminal or a CI runner raw, on any stream, in any command;
output that cannot be written, or would overwrite an input, is one line and exit 2.

The hostile inputs are made here: file names that are not UTF-8 or hold a newline and a
workflow command, a plan whose name and mix sources carry escape sequences (OSC 52 writes
the clipboard), bidirectional overrides and CI log commands, a configuration with such a key.
Every stream of every command is held to the same oracle (:func:`assert_inert`).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import MINIMAL
from hypothesis_profiles import scaled
from planlint.report.escape import json_text, markdown_code, markdown_text, visible, xml_char_refs

ROOT = Path(__file__).resolve().parent.parent
HARBOR = ROOT / "examples" / "harbor-analytics.yaml"

OSC52 = "\x1b]52;c;cm0gLXJmIH4=\x07"  # "set the clipboard"
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e"
                    "\u2060-\u2064\u2066-\u2069\ufeff\ud800-\udfff\U000e0000-\U000e007f]")
OWN_ANNOTATION = re.compile(r"::(error|warning|notice) (file=|title=)")
HOSTILE_TEXT = f"::set-output name=x::1 {OSC52} \u202eevil ##[error]pwn ##vso[task.complete]x \u2028::warning::y"


def assert_inert(text: str, *, annotations: bool = False) -> None:
    """What any stream planlint writes must hold: no hidden character, no line a runner reads
    as a command (``::`` after blanks; ``##[`` anywhere), except planlint's own annotations."""
    text.encode("utf-8")  # a lone surrogate would not even get this far
    assert not HIDDEN.search(text), repr(HIDDEN.search(text).group())
    assert not re.search(r"##[A-Za-z]*\[", text), text
    for line in text.split("\n"):
        if line.lstrip().startswith("::"):
            assert annotations and OWN_ANNOTATION.match(line), line


def hostile_plan(name=HOSTILE_TEXT) -> str:
    """A valid plan carrying hostile text in its name, a mix source listed twice (PL103 quotes
    it) and sources without a revision (the checklist names them)."""
    source = json.dumps(HOSTILE_TEXT)
    return (MINIMAL.replace("name: tiny", f"name: {json.dumps(name)}")
            .replace("  train_tokens: 20B\n", f"  train_tokens: 20B\n  mix:\n    - {{source: {source}, share: 50%}}\n"
                                             f"    - {{source: {source}, share: 50%}}\n"))


@pytest.fixture(scope="module")
def hostile_tree(tmp_path_factory):
    """A folder of plans with hostile names (bytes: not UTF-8, a newline and a workflow
    command, an escape sequence) and a hostile plan inside."""
    root = tmp_path_factory.mktemp("hostile")
    text = hostile_plan().encode("utf-8")
    for name in (b"x\n::error::pwned.yaml", b"p\xff" + OSC52.encode() + b".yaml", "\u202eevil.yaml".encode()):
        with open(os.path.join(os.fsencode(root), name), "wb") as handle:
            handle.write(text)
    with open(os.path.join(os.fsencode(root), b"broken\x1b[2J.yaml"), "wb") as handle:
        handle.write(b"planlint: 1\nname: [\n")  # PL001, and a PL001 message quoting nothing raw
    return root


# --- the helper -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("plans/a.yaml", "plans/a.yaml"),
    ("tab\tkept", "tab\tkept"),
    ("x\n::error::pwned.yaml", "x\\x0a::error::pwned.yaml"),
    ("::set-output name=x::1", "\\x3a:set-output name=x::1"),
    (" \u3000::warning::x", " \u3000\\x3a:warning::x"),
    (OSC52, "\\x1b]52;c;cm0gLXJmIH4=\\x07"),
    ("\x9b31m C1 CSI, \x85 NEL, \x7f DEL", "\\x9b31m C1 CSI, \\x85 NEL, \\x7f DEL"),
    ("a\u202eb\u2066c\u200fd", "a\\u202eb\\u2066c\\u200fd"),
    ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
    ("line\u2028sep", "line\\u2028sep"),
    ("tag\U000e0041", "tag\\U000e0041"),
    ("bytes \udcff", "bytes \\udcff"),
    ("a ##[error]b ##vso[task.x]c ##teamcity[m]", "a \\x23#[error]b \\x23#vso[task.x]c \\x23#teamcity[m]"),
    ("ünï 中文 \U0001f680", "ünï 中文 \U0001f680"),
])
def test_visible_spells_out_what_a_terminal_or_runner_would_act_on(text, shown):
    assert visible(text) == shown


def test_visible_keeps_lines_when_asked_and_breaks_each_one():
    assert visible("doc\n::error::x\r\nend", multiline=True) == "doc\n\\x3a:error::x\\x0d\nend"
    assert visible("::x", line_start=False) == "::x"


@given(st.text(st.characters(codec=None, exclude_categories=()), max_size=40))
@scaled(1.0)
def test_every_escape_is_inert_and_the_exact_formats_keep_the_text(text):
    assert_inert(visible(text))
    assert_inert(visible(text, multiline=True).replace("\n", " "))
    encoded = json_text({"k": text})
    assert_inert(encoded)
    spelled = re.sub("[\ud800-\udfff]", lambda m: f"\\u{ord(m.group()):04x}", text)
    assert json.loads(encoded) == {"k": spelled}  # exact, but for bytes no UTF-8 text can hold
    document = xml_char_refs(ET.tostring(_element(text), encoding="unicode"))
    assert_inert(document)
    assert (ET.fromstring(document).text or "") == re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]",
                                                  lambda m: visible(m.group(), line_start=False), text)


def _element(text):
    from planlint.report.escape import xml_text

    element = ET.Element("e")
    element.text = xml_text(text)
    return element


# --- Markdown ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("- [x] forged", "\\- \\[x\\] forged"),
    ("[x] ticked", "\\[x\\] ticked"),
    ("# heading", "\\# heading"),
    ("1. item", "1\\. item"),
    ("> quote", "&gt; quote"),
    ("![img](https://evil.example/x.png)", "!\\[img\\](https\\://evil.example/x.png)"),
    ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
    ("@octocat and @org/team", "@&#8203;octocat and @&#8203;org/team"),
    ("see #12, mail a@b.example", "see #&#8203;12, mail a@&#8203;b.example"),
    ("www.evil.example", "www\\.evil.example"),
    ("a | b | `c` *d* _e_ ~f~ \\g &amp;", "a \\| b \\| \\`c\\` \\*d\\* \\_e\\_ \\~f\\~ \\\\g &amp;amp;"),
    ("snake_case and pass@k stay", "snake_case and pass@k stay"),
    (f"osc {OSC52}", "osc \\\\x1b\\]52;c;cm0gLXJmIH4=\\\\x07"),
])
def test_markdown_text_has_no_markup_left(text, shown):
    assert markdown_text(text) == shown


@pytest.mark.parametrize("text, shown", [
    ("plans/a.yaml", "`plans/a.yaml`"),
    ("a`b``c", "```a`b``c```"),
    ("`edge", "`` `edge ``"),
    ("x\n- [x] y", "`x\\x0a- [x] y`"),
])
def test_markdown_code_spans_hold_any_name(text, shown):
    assert markdown_code(text) == shown


FORGED = "- [x] forged ![i](https://evil.example/x.png) <img src=x> [link](https://evil.example) @octocat #1 `c`"


def test_a_plan_cannot_tick_an_item_or_embed_an_image_in_the_checklist(cli, tmp_path):
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    plan = tmp_path / "p.yaml"
    plan.write_text(hostile_plan(name=FORGED).replace(json.dumps(HOSTILE_TEXT), json.dumps(FORGED)), encoding="utf-8")
    result = cli("checklist", "--format", "markdown", str(plan))
    assert result.exit_code == 0
    assert_inert(result.stdout)
    html = cmarkgfm.github_flavored_markdown_to_html(result.stdout, options=Options.CMARK_OPT_UNSAFE)
    done = sum(1 for line in result.stdout.splitlines() if line.startswith("- [x] "))
    assert html.count('checked=""') == done  # the forged "- [x]" ticked nothing
    assert html.count("<input") == len([line for line in result.stdout.splitlines() if line.startswith("- [")])
    assert "<img" not in html and "<a " not in html and "href" not in html
    tags = set(re.findall(r"</?([a-z0-9]+)", html))
    assert tags <= {"h3", "p", "ul", "li", "input", "strong", "code", "del"}, tags
    assert "- [x] forged ![i](https://evil.example/x.png) &lt;img src=x&gt;" in html  # shown, as text


# --- every command, every format, every stream ------------------------------------------------

CHECK_FORMATS = ["text", "concise", "json", "sarif", "github", "junit", "gitlab"]


@pytest.mark.parametrize("fmt", CHECK_FORMATS)
def test_check_writes_no_raw_outside_text_in_any_format(cli, hostile_tree, fmt):
    result = cli("check", "--format", fmt, str(hostile_tree))
    assert result.exit_code == 1
    out, err = result.stdout_bytes.decode("utf-8"), result.stderr_bytes.decode("utf-8")
    assert_inert(out, annotations=fmt == "github")
    assert_inert(err)
    if fmt == "sarif":  # names are URIs there: percent-encoded bytes, exact
        shown = set(_strings(json.loads(out)))
        assert any(s.endswith("x%0A%3A%3Aerror%3A%3Apwned.yaml") for s in shown)
        assert any(s.endswith("p%FF%1B%5D52%3Bc%3Bcm0gLXJmIH4%3D%07.yaml") for s in shown)
    elif fmt in ("json", "gitlab"):
        shown = set(_strings(json.loads(out)))
        assert any(s.endswith("x\n::error::pwned.yaml") for s in shown)  # the exact name
        assert any("p\\udcff\x1b]52;" in s for s in shown)  # the byte that is no UTF-8 spelled, the rest exact
    elif fmt == "junit":
        names = [suite.get("name") for suite in ET.fromstring(result.stdout_bytes).iter("testsuite")]
        assert any(name.endswith("x\n::error::pwned.yaml") for name in names)
    elif fmt == "github":
        assert all(OWN_ANNOTATION.match(line) for line in out.splitlines())


def test_concise_is_exactly_one_line_per_finding_whatever_the_plan_holds(cli, hostile_tree):
    """Hostile names and values (newlines, line separators, escapes) in every message and fix: each
    finding is still one line, and the summary one more."""
    concise = cli("check", "--output-format", "concise", str(hostile_tree))
    findings = json.loads(cli("check", "--output-format", "json", str(hostile_tree)).stdout)
    read = [f for f in findings if f["facts"].get("unreadable")]  # said on standard error, not in the text
    lines = concise.stdout.split("\n")
    assert lines[-1] == ""  # the report ends with a newline
    assert len(lines[:-1]) == len(findings) - len(read) + 1
    assert lines[-2].startswith("Found ")
    assert all(re.match(r"^\S.*:\d+:\d+: [A-Z]+\d+ \[(error|warning|info)\] ", line) for line in lines[:-2])
    assert sum("; fix: " in line for line in lines[:-2]) == sum(1 for f in findings if f["fix"] and f not in read)
    assert_inert(concise.stdout)


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@pytest.mark.parametrize("args", [
    ("estimate",), ("estimate", "--format", "json"),
    ("checklist",), ("checklist", "--format", "markdown"), ("checklist", "--format", "json"),
    ("checklist", "--require", "all"),
])
def test_estimate_and_checklist_write_no_raw_outside_text(cli, hostile_tree, args):
    result = cli(*args, str(hostile_tree))
    assert result.exit_code == 1  # the broken plan is not estimated or checked
    assert_inert(result.stdout_bytes.decode("utf-8"))
    assert_inert(result.stderr_bytes.decode("utf-8"))
    if "json" in args:
        data = json.loads(result.stdout)
        assert HOSTILE_TEXT in {row["name"] for row in data}  # JSON keeps the exact text


def test_configuration_text_is_escaped_in_config_and_in_errors(tmp_path, cli):
    (tmp_path / ".planlint.yaml").write_text(
        "per-file-ignores:\n  " + json.dumps(f"x{OSC52}\u202e*.yaml") + ": [PL101]\n", encoding="utf-8")
    plan = tmp_path / "p.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    for args in (("config", str(plan)), ("config", "--format", "json", str(plan))):
        result = cli(*args)
        assert result.exit_code == 0
        assert_inert(result.stdout)
    assert f"x{OSC52}\u202e*.yaml" in json.loads(cli("config", "--format", "json", str(plan)).stdout)["settings"][3]["value"]
    (tmp_path / ".planlint.yaml").write_text(json.dumps({f"sel\nect{OSC52}": ["PL101"]}), encoding="utf-8")
    result = cli("check", str(plan))
    assert result.exit_code == 2
    assert result.stderr == (f"planlint: error: {tmp_path / '.planlint.yaml'}: unknown key "
                             "'sel\\x0aect\\x1b]52;c;cm0gLXJmIH4=\\x07'; known keys: select, extend-select, ignore, "
                             "per-file-ignores, severity, options, fail-on, require-reason, limits, require-plugins, "
                             "fit, fits\n")


@pytest.mark.parametrize("args, message", [
    (("check", "--format", f"j{OSC52}##[error]x", "plan.yaml"),
     "Error: Invalid value for '--output-format': 'j\\x1b]52;c;cm0gLXJmIH4=\\x07\\x23#[error]x' is not one of full, "
     "concise, "
     "json, sarif, github, junit, gitlab\n"),
    (("check", "--sel\n::error::x ##[error]y"), "Error: No such option '--sel\\n::error::x \\x23#[error]y'.\n"),
    (("check", "x\n::error::gone.yaml"), "planlint: error: x\\x0a::error::gone.yaml: no such file or folder\n"),
    (("explain", f"::{OSC52}##[error]"), "planlint: error: no rule '::\\x1b]52;c;cm0gLXJmIH4=\\x07\\x23#[error]'; "
                                         "`planlint rules` lists them (and `planlint plugins` the checklist items)\n"),
])
def test_usage_errors_quote_what_was_typed_escaped(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 2
    assert result.stderr.endswith(message)
    assert_inert(result.stderr)


def test_init_on_a_folder_with_a_hostile_name(cli, tmp_path):
    folder = tmp_path / f"d\n::error::{OSC52} ##[error]x"
    folder.mkdir()
    result = cli("init", str(folder))
    assert result.exit_code == 2
    assert_inert(result.stderr)


def test_listing_commands_write_no_raw_text(cli):
    for args in (("rules",), ("rules", "--format", "json"), ("plugins",), ("plugins", "--format", "json"),
                 ("accelerators",), ("explain", "PL101"), ("schema",)):
        result = cli(*args)
        assert result.exit_code == 0, args
        assert_inert(result.stdout)


# --- output that cannot be written ------------------------------------------------------------

COMMANDS = [("check", str(HARBOR)), ("estimate", str(HARBOR)), ("checklist", str(HARBOR)), ("config",),
            ("rules",), ("explain", "PL101"), ("schema",), ("accelerators",), ("plugins",), ("--version",),
            ("--help",)]


def _shell(redirect: str, *args, cwd=ROOT) -> subprocess.CompletedProcess:
    command = " ".join(["exec", '"$0"', "-m", "planlint", '"$@"', redirect])
    return subprocess.run(["sh", "-c", command, sys.executable, *args], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: a[0])
def test_a_closed_standard_output_is_one_line_and_exit_2(args):
    result = _shell(">&-", *args)
    assert (result.returncode, result.stderr) == (2, "planlint: error: cannot write the output: standard output is "
                                                     "closed\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("args", COMMANDS[:3] + [("rules",)], ids=lambda a: a[0])  # the same path as a closed one
def test_a_full_standard_output_is_one_line_and_exit_2(args):
    result = _shell(">/dev/full", *args)
    assert (result.returncode, result.stderr) == (2, "planlint: error: cannot write the output: No space left on "
                                                     "device\n")


def test_init_with_standard_output_closed_still_writes_the_plan_and_says_why_it_fails(tmp_path):
    result = _shell(">&-", "init", "plan.yaml", cwd=tmp_path)
    assert result.returncode == 2 and (tmp_path / "plan.yaml").is_file()
    assert result.stderr == "planlint: error: cannot write the output: standard output is closed\n"


def test_a_reader_that_goes_away_is_exit_2_not_a_traceback():
    process = subprocess.Popen([sys.executable, "-m", "planlint", "schema"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, cwd=ROOT)
    process.stdout.close()  # like `planlint schema | head -0`
    err = process.stderr.read().decode()
    assert process.wait() == 2
    assert err == "planlint: error: cannot write the output: Broken pipe\n"


def test_with_o_a_closed_standard_output_does_not_matter(tmp_path):
    out = tmp_path / "report.json"
    result = _shell(">&-", "check", "--format", "json", "-o", str(out), str(HARBOR))
    assert (result.returncode, result.stderr) == (1, "")
    assert json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize("target, reason", [
    ("missing-folder/report.txt", "No such file or directory"),
    ("/dev/full", "No space left on device"),
])
def test_o_to_a_target_that_cannot_be_written(cli, tmp_path, target, reason):
    if target.startswith("/") and not os.path.exists(target):
        pytest.skip(f"no {target}")
    path = target if target.startswith("/") else str(tmp_path / target)
    result = cli("check", "-o", path, str(HARBOR))
    assert (result.exit_code, result.stderr) == (2, f"planlint: error: {path}: cannot write the report: {reason}\n")


@pytest.mark.skipif(not os.path.exists("/proc/version"), reason="no /proc")
def test_o_into_proc_is_one_line(cli):
    result = cli("check", "-o", "/proc/version", str(HARBOR))  # refused or unwritable, as the user may
    assert result.exit_code == 2
    assert re.fullmatch(r"planlint: error: /proc/version: cannot write the report: [A-Za-z/ -]+\n", result.stderr)


def test_o_to_a_folder_is_a_usage_error(cli, tmp_path):
    folder = tmp_path / "out ##[error]x"
    folder.mkdir()
    result = cli("check", "-o", str(folder), str(HARBOR))
    assert result.exit_code == 2
    assert result.stderr.endswith(f"Error: Invalid value for '-o' / '--output-file': File '{tmp_path}/out "
                                  "\\x23#[error]x' is a directory.\n")


# --- never destroy input ----------------------------------------------------------------------

@pytest.fixture
def plans(tmp_path):
    (tmp_path / "plans").mkdir()
    plan = tmp_path / "plans" / "a.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "plans" / ".planlint.yaml").write_text("fail-on: error\n", encoding="utf-8")
    (tmp_path / "base.json").write_text('{"planlint_baseline": 1, "findings": []}\n', encoding="utf-8")
    os.symlink(plan, tmp_path / "link.yaml")
    os.link(plan, tmp_path / "hard.yaml")
    return tmp_path


INPUTS = [  # (the output, the arguments: the output is one of the files they read)
    ("plans/a.yaml", ("plans/a.yaml",)),
    ("./plans/../plans/a.yaml", ("plans/a.yaml",)),  # another spelling
    ("link.yaml", ("plans",)),  # a symbolic link to a plan found in a folder
    ("hard.yaml", ("plans",)),  # a hard link
    ("plans/.planlint.yaml", ("plans",)),  # the configuration found for the plan
    ("base.json", ("--config", "base.json", "plans")),
]


@pytest.mark.parametrize("option", ["-o", "--write-baseline"])
@pytest.mark.parametrize("output, args", INPUTS)
def test_an_output_that_is_an_input_is_refused_before_anything_is_written(plans, monkeypatch, cli, option, output,
                                                                        args):
    monkeypatch.chdir(plans)
    before = {p: p.read_bytes() for p in plans.rglob("*") if p.is_file()}
    result = cli("check", option, output, *args)
    assert result.exit_code == 2
    label = "-o/--output-file" if option == "-o" else option
    assert re.fullmatch(f"planlint: error: {re.escape(label)} {re.escape(output)}: that is \\S+, which this run reads; "
                        "planlint never overwrites its input \\(name another file\\)\n", result.stderr), result.stderr
    assert {p: p.read_bytes() for p in plans.rglob("*") if p.is_file()} == before


def test_o_naming_the_baseline_it_reads_is_refused(plans, monkeypatch, cli):
    monkeypatch.chdir(plans)
    result = cli("check", "--baseline", "base.json", "-o", "base.json", "plans")
    assert (result.exit_code, result.stderr) == (2, "planlint: error: -o/--output-file base.json: that is base.json, "
                                                    "which this run reads; planlint never overwrites its input "
                                                    "(name another file)\n")


def test_a_plan_read_from_standard_input_is_not_overwritten(plans, monkeypatch):
    plan = plans / "plans" / "a.yaml"
    with open(plan, "rb") as stdin:
        result = subprocess.run([sys.executable, "-m", "planlint", "check", "-", "--stdin-filename", str(plan), "-o",
                                 str(plan)], stdin=stdin, capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 2
    assert "that is standard input, which this run reads" in result.stderr
    assert plan.read_text(encoding="utf-8") == MINIMAL


@pytest.mark.parametrize("exists", [False, True])
def test_o_and_write_baseline_cannot_name_the_same_file(plans, monkeypatch, cli, exists):
    monkeypatch.chdir(plans)
    if exists:
        (plans / "out.json").write_text("keep\n", encoding="utf-8")
    result = cli("check", "-o", "out.json", "--write-baseline", "./out.json", "plans")
    assert (result.exit_code, result.stderr) == (2, "planlint: error: -o/--output-file and --write-baseline name the "
                                                    "same file (out.json): the report would overwrite the baseline; "
                                                    "name two files\n")
    assert (plans / "out.json").exists() == exists
