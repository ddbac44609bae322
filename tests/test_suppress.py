"""Suppression comments (PL005, PL006) and baselines, with exact findings."""

import json
import re
from pathlib import Path

import pytest
from conftest import MINIMAL
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis_profiles import PROFILE
from planlint.config import Config
from planlint.engine import lint_bytes
from planlint.findings import NOT_CHECKED
from planlint.plugins import registry

# 2.0 tokens/param: PL101 error at data.train_tokens, line 7
UNDERTRAINED = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")


def lint(text: str, config: Config | None = None, name: str = "plan.yaml"):
    result = lint_bytes(text.encode("utf-8"), name, registry(), config=config)
    return [(f.code, f.line, f.column, str(f.severity), f.message) for f in result.findings]


def on_line(text: str, line: int, comment: str) -> str:
    lines = text.splitlines()
    lines[line - 1] += comment
    return "\n".join(lines) + "\n"


def test_line_suppression_silences_the_finding_on_its_line():
    assert [f[0] for f in lint(UNDERTRAINED)] == ["PL101"]
    assert lint(on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101 -- ablation run")) == []


def test_rule_names_and_several_codes():
    text = on_line(UNDERTRAINED, 7, "  # planlint: disable=undertrained-ratio, PL102 -- ablation")
    assert lint(text) == [("PL005", 7, 21, "warning",
                           "the suppression of PL102 silences nothing: PL102 reports nothing on this line")]


def test_line_suppression_on_another_line_does_not_apply():
    text = on_line(UNDERTRAINED, 6, "  # planlint: disable=PL101")
    assert lint(text) == [
        ("PL005", 6, 8, "warning", "the suppression of PL101 silences nothing: PL101 reports nothing on this line"),
        ("PL101", 7, 3, "error", lint(UNDERTRAINED)[0][4]),
    ]


def test_file_suppression_anywhere_in_the_file():
    text = "# planlint: disable-file=PL101 -- replicating GPT-3's ratio\n" + UNDERTRAINED
    assert lint(text) == []
    text = UNDERTRAINED + "# planlint: disable-file=PL101,PL201 -- a sweep\n"
    assert lint(text) == [("PL005", 10, 1, "warning",
                           "the suppression of PL201 silences nothing: PL201 reports nothing in this file")]


def test_unknown_code_and_unsuppressible_codes_are_reported():
    text = on_line(MINIMAL, 7, "  # planlint: disable=PL999")
    assert lint(text) == [("PL005", 7, 22, "warning", "the suppression names 'PL999', which is no rule")]
    broken = MINIMAL.replace("params: 1B", "params: lots  # planlint: disable=PL002")
    assert [(f[0], f[1], f[2], f[4]) for f in lint(broken)] == [
        ("PL002", 5, 11, lint(MINIMAL.replace("params: 1B", "params: lots"))[0][4]),
        ("PL005", 5, 17, "PL002 cannot be suppressed: it means the plan was not checked"),
    ]


def test_hash_inside_a_value_is_not_a_comment():
    text = MINIMAL.replace("name: tiny", 'name: "tiny#planlint: disable=PL101"')
    assert lint(text.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19"))[0][0] == "PL101"


def test_reason_required_by_configuration():
    text = on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101")
    strict = Config(require_reason=True)
    assert lint(text) == []
    assert lint(text, strict) == [("PL006", 7, 21, "warning",
                                  "the suppression gives no reason, and the configuration requires one")]
    assert lint(on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101 -- ablation, on purpose"), strict) == []


def test_the_suppression_findings_can_themselves_be_configured():
    text = on_line(MINIMAL, 7, "  # planlint: disable=PL101")
    assert [f[0] for f in lint(text)] == ["PL005"]
    assert lint(text, Config(ignore=("PL005",))) == []


def test_suppressing_a_rule_that_does_not_run_is_not_stale():
    text = on_line(MINIMAL, 7, "  # planlint: disable=PL101 -- PL101 is off in this repo anyway")
    assert lint(text, Config(ignore=("PL101",))) == []


# --- the forms people already write: noqa, next line, blocks ---------------------------------

# PL101 at data.train_tokens (line 7) and PL102 at data.unique_tokens (line 8)
TWO = UNDERTRAINED.replace("train_tokens: 2B", "train_tokens: 2B\n  unique_tokens: 0.2B")
NOT_CHECKED_MESSAGE = "cannot be suppressed: it means the plan was not checked"


def message(text: str, code: str) -> str:
    return next(f[4] for f in lint(text) if f[0] == code)


def insert(text: str, line: int, new: str) -> str:
    """``new`` as line ``line`` of ``text`` (the lines from there move down)."""
    lines = text.splitlines()
    lines.insert(line - 1, new)
    return "\n".join(lines) + "\n"


def test_both_findings_of_the_two_rule_plan():
    assert [f[:3] for f in lint(TWO)] == [("PL101", 7, 3), ("PL102", 8, 3)]


def test_noqa_at_the_end_of_the_line():
    assert lint(on_line(UNDERTRAINED, 7, "  # noqa: PL101 -- ablation run")) == []
    assert lint(on_line(UNDERTRAINED, 7, "  # NOQA:PL101")) == []
    assert lint(on_line(UNDERTRAINED, 7, "  # noqa: chinchilla-ratio")) == []
    # after another comment on the line, as flake8 reads it
    assert lint(on_line(UNDERTRAINED, 7, "  # short run # noqa: PL101")) == []
    assert lint(on_line(TWO, 7, "  # noqa: PL101, PL102")) == [
        ("PL005", 7, 21, "warning", "the suppression of PL102 silences nothing: PL102 reports nothing on this line"),
        ("PL102", 8, 3, lint(TWO)[1][3], message(TWO, "PL102")),
    ]
    assert lint(on_line(TWO, 7, "  # noqa: PL101").replace("0.2B", "0.2B  # noqa: PL102")) == []


def test_bare_noqa_is_too_broad_and_silences_nothing():
    pl101 = ("PL101", 7, 3, "error", message(UNDERTRAINED, "PL101"))
    broad = "`# noqa` names no rule: too broad, so it silences nothing"
    for comment in ("  # noqa", "  # NoQA", "  # noqa PL101", "  # noqa -- ablation"):
        assert lint(on_line(UNDERTRAINED, 7, comment)) == [pl101, ("PL005", 7, 21, "warning", broad)], comment
    assert lint(on_line(UNDERTRAINED, 7, "  # noqa:")) == [pl101, ("PL005", 7, 21, "warning", broad.replace(
        "`# noqa`", "`# noqa:`"))]
    result = lint_bytes(on_line(UNDERTRAINED, 7, "  # noqa").encode(), "plan.yaml", registry())
    assert result.findings[1].fix == "name the codes, e.g. `# noqa: PL101`, or delete it"
    # words that only contain it are no suppression
    assert lint(on_line(UNDERTRAINED, 7, "  # noqa-like, snoqalmie")) == [pl101]


def test_bare_planlint_disable_is_too_broad():
    pl101 = ("PL101", 7, 3, "error", message(UNDERTRAINED, "PL101"))
    for comment, head in (("  # planlint: disable", "# planlint: disable"),
                          ("  # planlint: disable -- ablation", "# planlint: disable"),
                          ("  # planlint: disable=", "# planlint: disable="),
                          ("  # planlint: disable-next-line", "# planlint: disable-next-line"),
                          ("  # planlint: disable-file", "# planlint: disable-file")):
        assert lint(on_line(UNDERTRAINED, 7, comment)) == [
            pl101, ("PL005", 7, 21, "warning", f"`{head}` names no rule: too broad, so it silences nothing")], comment
    # on a line of its own, a bare disable starts no block
    assert lint(insert(UNDERTRAINED, 6, "# planlint: disable")) == [
        ("PL005", 6, 1, "warning", "`# planlint: disable` names no rule: too broad, so it silences nothing"),
        ("PL101", 8, 3, "error", message(UNDERTRAINED, "PL101"))]


def test_a_bare_enable_ends_nothing():
    text = insert(insert(UNDERTRAINED, 8, "# planlint: enable"), 6, "# planlint: disable=PL101 -- a study")
    assert lint(text) == [("PL005", 9, 1, "warning", "`# planlint: enable` names no rule, so it ends no block")]


def test_a_plan_without_a_suppression_is_not_scanned_again(monkeypatch):
    from planlint import suppress

    def scanned(*args):
        raise AssertionError("scanned")

    monkeypatch.setattr(suppress, "yaml_comments", scanned)
    # every plan says `planlint: 1`; comments and strings that say the word are no directive either
    text = UNDERTRAINED.replace("name: tiny", "name: planlint noqa  # about planlint")
    assert [f[0] for f in lint(text)] == ["PL101"]
    with pytest.raises(AssertionError, match="^scanned$"):
        lint(on_line(UNDERTRAINED, 7, "  #noqa"))


def test_disable_next_line():
    text = insert(UNDERTRAINED, 7, "  # planlint: disable-next-line=PL101 -- ablation run")
    assert lint(text) == []
    # at the end of a line too: the line below it
    assert lint(on_line(UNDERTRAINED, 6, "  # planlint: disable-next-line=PL101")) == []
    # only the next line: not the one after it
    assert lint(insert(TWO, 7, "  # planlint: disable-next-line=PL101,PL102")) == [
        ("PL005", 7, 3, "warning",
         "the suppression of PL102 silences nothing: PL102 reports nothing on the next line"),
        ("PL102", 9, 3, lint(TWO)[1][3], message(TWO, "PL102"))]
    # a blank line between is a line
    assert lint(insert(insert(UNDERTRAINED, 7, ""), 7, "  # planlint: disable-next-line=PL101")) == [
        ("PL005", 7, 3, "warning",
         "the suppression of PL101 silences nothing: PL101 reports nothing on the next line"),
        ("PL101", 9, 3, "error", message(UNDERTRAINED, "PL101"))]


def test_a_block_between_disable_and_enable():
    text = insert(insert(TWO, 8, "  # planlint: enable=PL102"), 6, "# planlint: disable=PL101,PL102 -- a study")
    assert text.splitlines()[5:10] == ["# planlint: disable=PL101,PL102 -- a study", "data:", "  train_tokens: 2B",
                                       "  # planlint: enable=PL102", "  unique_tokens: 0.2B"]
    assert lint(text) == [
        ("PL005", 6, 1, "warning", "the suppression of PL102 silences nothing"),
        ("PL102", 10, 3, lint(TWO)[1][3], message(TWO, "PL102"))]
    # without an enable the block runs to the end of the file
    assert lint(insert(TWO, 6, "  # planlint: disable=PL101,PL102")) == []
    assert lint(insert(UNDERTRAINED, 8, "# planlint: disable=PL101")) == [
        ("PL101", 7, 3, "error", message(UNDERTRAINED, "PL101")),
        ("PL005", 8, 1, "warning", "the suppression of PL101 silences nothing")]
    # the enable's own line is outside the block
    assert lint(insert(UNDERTRAINED, 6, "# planlint: disable=PL101").replace(
        "train_tokens: 2B", "train_tokens: 2B  # planlint: enable=PL101")) == [
        ("PL005", 6, 1, "warning", "the suppression of PL101 silences nothing"),
        ("PL101", 8, 3, "error", message(UNDERTRAINED, "PL101"))]


def test_an_enable_that_ends_nothing_and_a_block_opened_twice():
    assert lint(insert(MINIMAL, 6, "# planlint: enable=PL101")) == [
        ("PL005", 6, 1, "warning", "the enable of PL101 ends nothing: no `# planlint: disable` of PL101 on a line "
                                   "of its own is open above it")]
    text = insert(insert(UNDERTRAINED, 6, "# planlint: disable=PL101"), 1, "# planlint: disable=PL101")
    assert lint(text) == [
        ("PL005", 7, 1, "warning", "PL101 is already disabled from line 1, and no enable ends that block above this "
                                   "line")]
    # a disable at the end of a line opens no block: the enable after it ends nothing
    assert lint(insert(on_line(UNDERTRAINED, 7, "  # planlint: disable=PL101"), 8, "# planlint: enable=PL101")) == [
        ("PL005", 8, 1, "warning", "the enable of PL101 ends nothing: no `# planlint: disable` of PL101 on a line "
                                   "of its own is open above it")]


def test_every_form_needs_a_reason_when_the_configuration_says_so():
    strict = Config(require_reason=True)
    no_reason = "the suppression gives no reason, and the configuration requires one"
    assert lint(on_line(UNDERTRAINED, 7, "  # noqa: PL101"), strict) == [("PL006", 7, 21, "warning", no_reason)]
    assert lint(insert(UNDERTRAINED, 7, "  # planlint: disable-next-line=PL101"), strict) == [
        ("PL006", 7, 3, "warning", no_reason)]
    assert lint(insert(UNDERTRAINED, 6, "# planlint: disable=PL101"), strict) == [("PL006", 6, 1, "warning", no_reason)]
    # an enable silences nothing: it needs no reason
    assert lint(insert(insert(UNDERTRAINED, 8, "# planlint: enable=PL101"), 6, "# planlint: disable=PL101 -- why"),
                strict) == []
    assert lint(on_line(UNDERTRAINED, 7, "  # noqa: PL101 -- ablation"), strict) == []


# --- what cannot be suppressed ----------------------------------------------------------------

SCHEMA_BROKEN = MINIMAL.replace("params: 1B", "params: lots")  # PL002 at line 5, column 11
FORMS = {  # how each form silences line 5 of SCHEMA_BROKEN
    "end of line": lambda code: SCHEMA_BROKEN.replace("params: lots", f"params: lots  # planlint: disable={code}"),
    "noqa": lambda code: SCHEMA_BROKEN.replace("params: lots", f"params: lots  # noqa: {code}"),
    "next line": lambda code: insert(SCHEMA_BROKEN, 5, f"  # planlint: disable-next-line={code}"),
    "block": lambda code: insert(SCHEMA_BROKEN, 1, f"# planlint: disable={code}"),
    "file": lambda code: SCHEMA_BROKEN + f"# planlint: disable-file={code}\n",
}


@pytest.mark.parametrize("form", FORMS)
def test_no_form_suppresses_a_plan_that_was_not_checked(form):
    text = FORMS[form]("PL002")
    found = lint(text)
    assert [(f[0], f[3]) for f in found if f[0] == "PL002"] == [("PL002", "error")]
    assert [f[4] for f in found if f[0] == "PL005"] == [f"PL002 {NOT_CHECKED_MESSAGE}"]


@pytest.mark.parametrize("code", NOT_CHECKED)
@pytest.mark.parametrize("form", FORMS)
def test_every_not_checked_code_is_refused_by_every_form(form, code):
    found = lint(FORMS[form](code))
    assert [f[4] for f in found if f[0] == "PL005"] == [f"{code} {NOT_CHECKED_MESSAGE}"]


def test_a_syntax_error_is_not_suppressed():
    text = "# planlint: disable-file=PL001\n" + MINIMAL + "oops: [unclosed\n"
    found = lint(text)
    assert [f[0] for f in found] == ["PL005", "PL001"]
    assert found[0][1:] == (1, 1, "warning", f"PL001 {NOT_CHECKED_MESSAGE}")


def test_the_suppression_findings_cannot_suppress_themselves():
    text = on_line(MINIMAL, 7, "  # noqa: PL005")
    assert lint(text) == [("PL005", 7, 22, "warning", "PL005 cannot be suppressed by a comment: it reports the "
                                                      "suppression comments themselves")]


# --- only real comments count -----------------------------------------------------------------

def test_comment_like_text_in_strings_is_text():
    for value, line in (('"tiny # planlint: disable-file=PL101"', 7), ("'tiny # noqa: PL101 -- it''s # text'", 7),
                        ('"tiny\n  # planlint: disable-file=PL101 -- a quoted string over two lines"', 8),
                        ("'日本語 # planlint: disable-file=PL101'", 7)):
        text = UNDERTRAINED.replace("name: tiny", f"name: {value}")
        assert [f[:4] for f in lint(text)] == [("PL101", line, 3, "error")], value


def test_comment_like_text_in_a_block_scalar_is_text():
    for indicator in ("|", ">", "|-", ">+", "|2"):
        block = (f"x-notes: {indicator}\n  # planlint: disable-file=PL101\n  short # noqa: PL101\n\n"
                 "  # planlint: disable=PL101\n")
        text = block + UNDERTRAINED
        assert [f[:3] for f in lint(text)] == [("PL101", 12, 3)], indicator
    # a comment on the header line is a comment, and so is one indented less than the text after it
    header = "x-notes: |  # planlint: disable-file=PL101 -- a real comment\n  text\n"
    assert lint(header + UNDERTRAINED) == []
    assert lint("x-notes: |\n    text\n  # planlint: disable-file=PL101\n" + UNDERTRAINED) == []


def test_comments_in_flow_collections():
    flow = UNDERTRAINED.replace("data:\n  train_tokens: 2B",
                                "data: {train_tokens: 2B,  # noqa: PL101\n       unique_tokens: 40B}")
    assert lint(flow) == []
    text = "x-list: ['# planlint: disable-file=PL101', {a: \"b # noqa: PL101\"}]  # not one\n" + UNDERTRAINED
    assert [f[:3] for f in lint(text)] == [("PL101", 8, 3)]
    text = "x-list: [a,  # planlint: disable-file=PL101 -- inside the brackets, a comment\n  b]\n" + UNDERTRAINED
    assert lint(text) == []


def test_crlf_tabs_and_unicode():
    crlf = on_line(UNDERTRAINED, 7, "  # noqa: PL101").replace("\n", "\r\n")
    assert lint(crlf) == []
    stale = on_line(MINIMAL, 7, "  # noqa: PL101").replace("\n", "\r\n")
    assert lint(stale) == [("PL005", 7, 22, "warning",
                            "the suppression of PL101 silences nothing: PL101 reports nothing on this line")]
    crlf_string = UNDERTRAINED.replace("name: tiny", 'name: "tiny\r\n # planlint: disable-file=PL101"')
    assert [f[:3] for f in lint(crlf_string)] == [("PL101", 8, 3)]
    assert lint(on_line(UNDERTRAINED, 7, "\t# noqa: PL101")) == []
    assert lint(on_line(MINIMAL, 7, "\t# noqa: PL101"))[0][:3] == ("PL005", 7, 21)  # a tab is one column
    # columns count characters, not bytes
    text = MINIMAL.replace("name: tiny", "name: 日本語  # noqa: PL101")
    assert lint(text) == [("PL005", 2, 12, "warning",
                           "the suppression of PL101 silences nothing: PL101 reports nothing on this line")]


def test_a_file_that_does_not_parse_is_read_up_to_the_error():
    # inside the string that never ends: text
    text = UNDERTRAINED + 'x-broken: "never closed # planlint: disable=PL005\n'
    assert [f[0] for f in lint(text)] == ["PL001"]
    # before the error: a comment, read (and refused)
    text = "# noqa: PL001\nx-broken: [\n"
    assert [(f[0], f[1], f[4]) for f in lint(text) if f[0] == "PL005"] == [("PL005", 1, f"PL001 {NOT_CHECKED_MESSAGE}")]


def test_the_pure_python_scanner_reads_the_same_comments(monkeypatch):
    import yaml.cyaml

    from planlint import suppress

    text = ("x-notes: |  # yes\n  no # no\n # yes\nb: \"x # no\n  # no\" # yes\nc: {k: v, # yes\n  l: 'm # no'}\n"
            "d: plain#no # yes\n")
    lines = text.split("\n")
    fast = suppress.yaml_comments(text, lines)
    monkeypatch.delattr(yaml.cyaml, "CParser")
    assert suppress.yaml_comments(text, lines) == fast == [(1, 13), (3, 2), (5, 9), (6, 11), (8, 13)]


_TEXT = st.lists(st.sampled_from(list("# :-'\"|>{}[],\t\\x\n\r\u00e9\u65e5\U0001f600") +
                                 ["planlint: disable-file=PL101", "noqa: PL101", "\r\n"]),
                 max_size=24).map("".join)


@settings(PROFILE)
@given(value=_TEXT, style=st.sampled_from([None, '"', "'", "|", ">"]), flow=st.booleans())
def test_no_string_yaml_writes_holds_a_comment(value, style, flow):
    """Whatever a string holds and however it is quoted, it is never read as a comment."""
    import yaml

    from planlint import suppress
    from planlint.load import _LINE_BREAK

    text = yaml.safe_dump({"x-note": value, "x-list": [value, {"k": value}]}, default_style=style,
                          default_flow_style=flow, allow_unicode=True)
    lines = re.split(_LINE_BREAK, text)
    assert suppress.yaml_comments(text, lines) == []
    # a real comment after it is found, at its line
    commented = "# noqa: PL101\n" + text + "# planlint: disable-file=PL101\n"
    lines = re.split(_LINE_BREAK, commented)
    assert suppress.yaml_comments(commented, lines) == [(1, 1), (len(lines) - 1, 1)]


# --- baselines --------------------------------------------------------------------------------

def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_baseline_hides_recorded_findings_and_survives_edits_elsewhere(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plans" / "old.yaml", UNDERTRAINED)
    result = cli("check", "--write-baseline", "baseline.json", "plans")
    assert result.exit_code == 0
    assert "recorded 1 finding of 1 plan in baseline.json" in result.output
    assert json.loads((tmp_path / "baseline.json").read_text()) == {
        "planlint_baseline": 1,
        "findings": [{"file": "plans/old.yaml", "code": "PL101", "pointer": "/data/train_tokens", "count": 1}],
    }
    # an edit above moves the finding to line 9: still the same key, still in the baseline
    write(tmp_path / "plans" / "old.yaml", "# revised\n# again\n" + UNDERTRAINED)
    result = cli("check", "--baseline", "baseline.json", "plans")
    assert (result.exit_code, result.output) == (
        0, "planlint: 1 finding in the baseline not shown\nChecked 1 plan: no findings.\n")
    # a new plan with the same problem is new
    write(tmp_path / "plans" / "new.yaml", UNDERTRAINED)
    result = cli("check", "--format", "concise", "--baseline", "baseline.json", "plans")
    assert result.exit_code == 1
    assert [line.split(" ")[0] for line in result.output.splitlines() if ": PL" in line] == ["plans/new.yaml:7:3:"]


def test_baseline_counts_repeats_and_reports_stale_entries(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "plan.yaml", UNDERTRAINED)
    cli("check", "--write-baseline", "b.json", "plan.yaml")
    write(tmp_path / "plan.yaml", MINIMAL)  # fixed
    result = cli("check", "--baseline", "b.json", "plan.yaml")
    assert result.exit_code == 0
    assert result.output.startswith("planlint: 1 baseline entry matched nothing (fixed, or not checked in this run)")


def test_baseline_paths_are_relative_to_the_baseline_file(cli, tmp_path, monkeypatch):
    write(tmp_path / "repo" / "plans" / "p.yaml", UNDERTRAINED)
    monkeypatch.chdir(tmp_path / "repo")
    cli("check", "--write-baseline", "ci/baseline.json", "plans")
    monkeypatch.chdir(tmp_path / "repo" / "plans")
    assert cli("check", "--baseline", "../ci/baseline.json", "p.yaml").exit_code == 0


def test_broken_baseline_is_exit_2(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", MINIMAL)
    bad = write(tmp_path / "b.json", "{not json")
    result = cli("check", "--baseline", bad, plan)
    assert result.exit_code == 2 and f"planlint: error: {bad}: not a planlint baseline (invalid JSON" in result.output
    other = write(tmp_path / "c.json", '{"findings": []}')
    assert cli("check", "--baseline", other, plan).exit_code == 2
    assert cli("check", "--baseline", str(tmp_path / "none.json"), plan).exit_code == 2


def test_a_block_that_silences_nothing_says_its_extent_in_a_detail():
    found = lint_bytes(insert(UNDERTRAINED, 8, "# planlint: disable=PL101").encode(), "plan.yaml", registry()).findings
    (unused,) = [f for f in found if f.code == "PL005"]
    assert unused.details == ("PL101 reports nothing from this line to the end of the file",)


def test_a_suppression_of_a_plugin_rule_that_is_not_installed_says_so():
    found = lint_bytes(on_line(UNDERTRAINED, 7, "  # noqa: ACME101").encode(), "plan.yaml", registry()).findings
    (unknown,) = [f for f in found if f.code == "PL005"]
    assert unknown.message == "the suppression names 'ACME101', which is no rule"
    assert unknown.details == ("no installed plugin provides ACME rules; install the plugin that does in this "
                               "environment (`planlint plugins` lists the plugins loaded)",)


def test_a_plan_that_was_not_checked_has_no_unused_suppressions():
    # the rules did not run on a plan that breaks the format, so no suppression can be judged unused
    text = on_line(UNDERTRAINED, 7, "  # noqa: PL101").replace("name:", "nmae:", 1)
    assert [f[:2] for f in lint(text) if f[0] == "PL005"] == []
    assert "PL002" in [f[0] for f in lint(text)]
    # the same comment on a plan that was checked, with nothing to silence, is reported
    assert [f[:3] for f in lint(on_line(MINIMAL, 7, "  # noqa: PL101"))] == [("PL005", 7, 22)]
