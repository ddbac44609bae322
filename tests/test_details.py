"""A finding's details: the lines under its headline, in every output format."""

import io
import json
import types
import xml.etree.ElementTree as ET

import jsonschema

from planlint.findings import Finding, Severity, Span
from planlint.report import render
from test_formats import SARIF_SCHEMA

PLAN = "planlint: 1\nname: x\n"
DOC = types.SimpleNamespace(lines=PLAN.splitlines())


def finding(**changes):
    fields = dict(code="PL101", rule="chinchilla-ratio", severity=Severity.WARNING, message="the headline",
                  fix="do this", path=("name",), span=Span(2, 1, 2, 5), file="plan.yaml",
                  details=("first note: 1.2B params", "second \x1b[31mnote\n::error::x"))
    fields.update(changes)
    return Finding(**fields)


def result(*findings):
    return types.SimpleNamespace(name="plan.yaml", findings=list(findings), doc=DOC, error=None, fail_on=None,
                                 rules_run=("PL101",))


def produce(fmt, *findings):
    stream = io.StringIO()
    render(fmt, [result(*findings)], stream)
    return stream.getvalue()


def test_text_draws_the_details_under_the_source_line_before_the_fix():
    assert produce("text", finding()) == (
        "plan.yaml:2:1: PL101 [warning] the headline (chinchilla-ratio)\n"
        "  |\n"
        "2 | name: x\n"
        "  | ^^^^\n"
        "  = note: first note: 1.2B params\n"
        "  = note: second \\x1b[31mnote\\x0a::error::x\n"
        "  = fix: do this\n"
        "\n"
        "Found 1 finding (1 warning) in 1 of 1 plan.\n")


def test_concise_is_one_line_without_the_details():
    assert produce("concise", finding()).splitlines()[:1] == [
        "plan.yaml:2:1: PL101 [warning] the headline (chinchilla-ratio); fix: do this"]


def test_a_finding_without_details_draws_no_note():
    assert "note" not in produce("text", finding(details=()))


def test_json_carries_the_details_as_a_list():
    [entry] = json.loads(produce("json", finding()))
    assert entry["message"] == "the headline"
    assert entry["details"] == ["first note: 1.2B params", "second \x1b[31mnote\n::error::x"]
    [entry] = json.loads(produce("json", finding(details=())))
    assert entry["details"] == []


def test_sarif_message_is_the_headline_the_details_and_the_fix_and_the_log_validates():
    log = json.loads(produce("sarif", finding()))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)
    validator(schema).validate(log)
    [out] = log["runs"][0]["results"]
    assert out["message"]["text"] == ("the headline\nfirst note: 1.2B params\nsecond \x1b[31mnote\n::error::x\n"
                                      "fix: do this")
    assert out["properties"]["details"] == ["first note: 1.2B params", "second \x1b[31mnote\n::error::x"]


def test_github_puts_each_detail_on_a_line_of_the_annotation_escaped():
    [line] = produce("github", finding()).splitlines()
    assert line.endswith("::the headline%0Afirst note: 1.2B params%0Asecond \\x1b[31mnote%0A::error::x%0Afix: do this")


def test_gitlab_description_joins_the_details():
    [issue] = json.loads(produce("gitlab", finding()))
    assert issue["description"] == ("the headline; first note: 1.2B params; second \x1b[31mnote\n::error::x; "
                                    "fix: do this")


def test_junit_lists_the_details_under_the_finding():
    root = ET.fromstring(produce("junit", finding()))
    failure = root.find(".//failure")
    assert failure.get("message") == "2:1: the headline"
    assert failure.text == ("plan.yaml:2:1: PL101 [warning] the headline\n  first note: 1.2B params\n"
                            "  second \\x1b[31mnote\n::error::x\n  fix: do this")


# -- a plugin rule's details -------------------------------------------------------------------


def _linted(details):
    from conftest import MINIMAL
    from planlint.engine import lint_bytes
    from planlint.plugins import Registry, registry
    from planlint.rule import Rule

    class Noted(Rule):
        code = "XX950"
        name = "noted"
        summary = "A rule whose finding has details."

        def check(self, plan, ctx):
            found = ctx.finding(("name",), "the headline", "the fix")
            found.details = details
            yield found

    base = registry()
    loaded = Registry(rules={**base.rules, "XX950": Noted}, owner={**base.owner, "XX950": "acme"})
    return [f for f in lint_bytes(MINIMAL.encode(), "plan.yaml", loaded).findings if f.code in ("XX950", "PL000")]


def test_a_plugin_finding_keeps_its_details_as_a_tuple_without_empty_lines():
    (found,) = _linted(["one", "", "two"])
    assert (found.code, found.details) == ("XX950", ("one", "two"))


def test_a_plugin_finding_whose_details_are_not_strings_is_malformed():
    (found,) = _linted(["one", 2])
    assert found.code == "PL000"
    assert found.message == ("rule XX950 (noted, plugin 'acme') yielded 1 malformed finding, not shown (the first: "
                             "details a list, not a tuple of str)")
