"""The CI output formats of `planlint check`: sarif, github, junit and gitlab.

Each is produced for the bundled examples and checked against what its consumer expects
(the SARIF 2.1.0 schema, XML that parses with the right counts, GitHub's workflow-command
escaping, stable GitLab fingerprints), and against hostile plan text.
"""

import io
import json
import subprocess
import sys
import types
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import MINIMAL
from planlint.engine import lint_bytes
from planlint.findings import Finding, Severity, Span
from planlint.plugins import registry
from planlint.report import FORMATS, RULE_DOCS_URL, render
from planlint.report.common import report_path
from planlint.report.github import escape_data, escape_property
from planlint.report.junit import xml_text
from planlint.report.sarif import artifact_location

ROOT = Path(__file__).resolve().parent.parent
# the examples these tests pin exactly (later examples are pinned by tests/test_examples.py)
EXAMPLES = [ROOT / "examples" / f"{stem}.yaml" for stem in (
    "chinchilla-70b", "gpt3-175b", "harbor-analytics", "llama-65b", "llama2-70b-chat", "phi-1.5", "tinyllama-1.1b")]
# The official SARIF 2.1.0 schema, from the shared folder beside the checkout when there is one
# (CI has it); tests/schemas holds the same file for a checkout or sdist without it.
OFFICIAL_SARIF_SCHEMA = ROOT.parent / "shared" / "schemas" / "sarif-schema-2.1.0.json"
BUNDLED_SARIF_SCHEMA = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"
SARIF_SCHEMA = OFFICIAL_SARIF_SCHEMA if OFFICIAL_SARIF_SCHEMA.is_file() else BUNDLED_SARIF_SCHEMA


@pytest.mark.skipif(not OFFICIAL_SARIF_SCHEMA.is_file(), reason="no shared/ folder beside this checkout")
def test_the_bundled_sarif_schema_is_the_official_one():
    assert BUNDLED_SARIF_SCHEMA.read_bytes() == OFFICIAL_SARIF_SCHEMA.read_bytes()

GPT3_PL101 = "1.7 tokens/param (300B tokens for 175B params), under the ~20:1 Chinchilla baseline"
GPT3_NOTE = "same loss: 41.1B params on 777B tokens (1.92e23 FLOPs, Besiroglu et al. 2024 refit), 39% less than its 3.15e23 (6ND)"
GPT3_FIX = "train on >= 3.5T tokens (20:1 for 175B params), or shrink to 15B params (20:1 for 300B tokens)"

HOSTILE = "x::error::pwned%0A\r\n::warning file=a,line=1::b</testcase>]]><![CDATA[\"'&\x1b[31m\x00\x07\u2028\x85\ud800"


def lint(raw, name):
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    return lint_bytes(raw, name, registry())


def example(stem):
    path = ROOT / "examples" / f"{stem}.yaml"
    return lint(path.read_bytes(), f"examples/{path.name}")


@pytest.fixture(scope="module")
def results():
    return [lint(p.read_bytes(), f"examples/{p.name}") for p in EXAMPLES]


def produce(fmt, results, **kwargs):
    stream = io.StringIO()
    render(fmt, results, stream, **kwargs)
    return stream.getvalue()


def hostile_finding(file=HOSTILE, **changes):
    fields = dict(code="PL101", rule="chinchilla-ratio", severity=Severity.ERROR,
                  message=f"message {HOSTILE}", fix=f"fix {HOSTILE}", path=("data", HOSTILE),
                  span=Span(3, 2, 3, 9), file=file)
    fields.update(changes)
    return Finding(**fields)


def fake_result(findings, name=HOSTILE, **extra):
    return types.SimpleNamespace(name=name, findings=findings, doc=None, error=None, **extra)


# A plan whose mix names a hostile source twice: PL103 quotes it in its message.
def with_mix(*entries: str, name: str = "tiny") -> str:
    """conftest's MINIMAL plan with a data mix (one flow mapping per entry) and another name."""
    mix = "".join(f"    - {entry}\n" for entry in entries)
    return MINIMAL.replace("name: tiny", f"name: {name}").replace(
        "  train_tokens: 20B\n", "  train_tokens: 20B\n  mix:\n" + mix)


HOSTILE_PLAN = with_mix('{source: "S", share: 50%}', '{source: "S", share: 50%}', name='"evil::error::name"').replace('"S"', '"a::error file=x,line=1::pwn%0A\\r\\n::warning::b</testcase>]]>\\"\'\\e[31m\\0\\a\\u2028,:"')


@pytest.fixture(scope="module")
def hostile_results():
    plan = lint(HOSTILE_PLAN, "plans/evil::error::%0A,name.yaml")
    assert [f.code for f in plan.findings] == ["PL103"]
    text = "\n".join((plan.findings[0].message, *plan.findings[0].details))  # the headline clips the name
    assert "::error" in text and "\x1b" in text
    return [plan, fake_result([hostile_finding(), hostile_finding(span=Span(4, 1, 6, 2))])]


# --- render() -------------------------------------------------------------------------------

def test_formats_and_unknown_format():
    assert FORMATS == ("full", "concise", "json", "sarif", "github", "junit", "gitlab")
    with pytest.raises(ValueError, match="unknown format 'yaml'"):
        render("yaml", [], io.StringIO())


def test_min_severity_never_hides_a_file_that_was_not_checked():
    from planlint.engine import FileResult
    from planlint.findings import NOT_CHECKED
    from planlint.report import at_least, shown_only

    def finding(code, severity):
        return Finding(code=code, rule="r", severity=severity, message="m", span=Span(1, 1, 1, 2))

    kept = [finding(code, Severity.INFO) for code in NOT_CHECKED]  # a configuration may lower them
    result = FileResult(name="a.yaml", findings=[finding("PL101", Severity.INFO), *kept,
                                                  finding("PL102", Severity.WARNING), finding("PL103", Severity.INFO)])
    [shown], hidden = shown_only([result], at_least("error"))
    assert [f.code for f in shown.findings] == list(NOT_CHECKED)
    assert hidden == {"warning": 1, "info": 2}
    assert [f.code for f in result.findings][:1] == ["PL101"]  # the run's own results are left whole
    assert shown_only([result], at_least("info")) == ([result], {})


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_statistics_is_refused_by_the_formats_that_cannot_hold_it(results, fmt):
    from planlint.report import Unsupported

    stream = io.StringIO()
    with pytest.raises(Unsupported, match=f"^--statistics has no {fmt} form"):
        render(fmt, results, stream, statistics=True)
    assert stream.getvalue() == ""


def test_text_is_another_name_for_full(results):
    full, text = io.StringIO(), io.StringIO()
    render("full", results, full)
    render("text", results, text)
    assert full.getvalue() == text.getvalue() and "^" in full.getvalue()


def test_report_package_imports_no_formatter():
    code = ("import sys, planlint.report; "
            "print(sorted(m for m in sys.modules if m.startswith('planlint') or m.startswith('xml')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['planlint', 'planlint.report']"


def test_report_path():
    assert report_path("./examples//a.yaml") == "examples/a.yaml"
    assert report_path("-") == "-"
    assert report_path("/abs/x.yaml") == "/abs/x.yaml"


# --- sarif ----------------------------------------------------------------------------------

def sarif_validate(log):
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    validator_class = jsonschema.validators.validator_for(schema)  # the schema declares its draft
    validator_class.check_schema(schema)
    validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_sarif_validates_and_lists_every_rule(results):
    log = json.loads(produce("sarif", results))
    sarif_validate(log)
    assert log["version"] == "2.1.0"
    assert log["$schema"].endswith("sarif-schema-2.1.0.json")
    (run,) = log["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    driver = run["tool"]["driver"]
    from planlint import __version__

    assert (driver["name"], driver["version"]) == ("planlint", __version__)
    assert driver["informationUri"].startswith("https://")
    reg = registry()
    assert [r["id"] for r in driver["rules"]] == list(reg.rules)
    levels = {"error": "error", "warning": "warning", "info": "note"}
    for descriptor in driver["rules"]:
        rule = reg.rules[descriptor["id"]]
        assert descriptor["name"] == rule.name
        assert descriptor["shortDescription"]["text"] == rule.summary
        assert descriptor["fullDescription"]["text"] == rule.documentation()
        assert descriptor["help"] == {"text": rule.documentation(), "markdown": rule.documentation()}
        assert descriptor["defaultConfiguration"]["level"] == levels[str(rule.severity)]
        assert descriptor["properties"]["options"] == rule.defaults()
        assert descriptor["properties"]["sources"] == list(rule.sources)
        if reg.owner[rule.code] == "builtin":
            assert descriptor["helpUri"] == RULE_DOCS_URL.format(code=rule.code)
    pl101 = driver["rules"][list(reg.rules).index("PL101")]
    assert pl101["helpUri"] == "https://github.com/planlint/planlint/blob/main/rules/PL101.md"
    assert pl101["properties"]["options"]["warn_below"] == 10.0


def test_sarif_results_exact(results):
    run = json.loads(produce("sarif", results))["runs"][0]
    found = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
              r["locations"][0]["physicalLocation"]["region"]["startLine"],
              r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in run["results"]]
    assert found == [
        ("PL101", "error", "examples/gpt3-175b.yaml", 16, 3),
        ("PL102", "warning", "examples/harbor-analytics.yaml", 35, 7),
        ("PL206", "note", "examples/harbor-analytics.yaml", 38, 3),
        ("PL205", "note", "examples/llama-65b.yaml", 21, 3),
        ("PL101", "note", "examples/phi-1.5.yaml", 13, 3),
        ("PL102", "warning", "examples/phi-1.5.yaml", 14, 3),
        ("PL101", "note", "examples/tinyllama-1.1b.yaml", 15, 3),
    ]
    first = run["results"][0]
    assert first["message"]["text"] == f"{GPT3_PL101}\n{GPT3_NOTE}\nfix: {GPT3_FIX}"
    assert first["locations"][0]["physicalLocation"] == {
        "artifactLocation": {"uri": "examples/gpt3-175b.yaml", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 16, "startColumn": 3, "endLine": 16, "endColumn": 15},
    }
    assert first["properties"]["pointer"] == "/data/train_tokens"
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
    prints = [r["partialFingerprints"]["planlint/v1"] for r in run["results"]]
    assert len(set(prints)) == len(prints)
    assert run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_columns_count_code_points():
    text = with_mix("{source: web, share: 50%}", '{x-note: "日本語😀", source: web, share: 50%}')
    log = json.loads(produce("sarif", [lint(text, "plan.yaml")]))
    (result,) = log["runs"][0]["results"]
    region = result["locations"][0]["physicalLocation"]["region"]
    line = text.splitlines()[9]
    start = line.index("web") + 1  # code points, as columnKind says
    assert region == {"startLine": 10, "startColumn": start, "endLine": 10, "endColumn": start + 3}


def test_sarif_uris():
    assert artifact_location("examples/a b#1?.yaml") == {"uri": "examples/a%20b%231%3F.yaml",
                                                         "uriBaseId": "%SRCROOT%"}
    assert artifact_location("./plans/c:d%.yaml") == {"uri": "plans/c%3Ad%25.yaml", "uriBaseId": "%SRCROOT%"}
    assert artifact_location("plans/ünï.yaml")["uri"] == "plans/%C3%BCn%C3%AF.yaml"
    if sys.platform != "win32":
        assert artifact_location("/tmp/p q.yaml") == {"uri": "file:///tmp/p%20q.yaml"}
        assert artifact_location("plans/\udcff.yaml")["uri"] == "plans/%FF.yaml"  # an undecodable byte


def test_sarif_unknown_rule_and_unreadable_file():
    finding = hostile_finding(code="XYZ900", rule="not-registered", file="a.yaml")
    unreadable = types.SimpleNamespace(name="gone.yaml", findings=[], doc=None, error="gone.yaml: No such file")
    log = json.loads(produce("sarif", [fake_result([finding], name="a.yaml"), unreadable]))
    sarif_validate(log)
    run = log["runs"][0]
    result, gone = run["results"]
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == "XYZ900"
    # a file that could not be read is a failure of the run, and a result of its own
    assert (gone["ruleId"], gone["level"]) == ("PL001", "error")
    assert gone["message"]["text"].startswith("the file could not be read, so it was not checked: No such file")
    (invocation,) = run["invocations"]
    assert invocation["executionSuccessful"] is False
    (notification,) = invocation["toolExecutionNotifications"]
    assert notification["message"]["text"] == "gone.yaml: No such file"
    assert notification["associatedRule"]["id"] == "PL001"


# --- github ---------------------------------------------------------------------------------

def test_github_exact_lines():
    out = produce("github", [example("gpt3-175b"), example("harbor-analytics")])
    assert out.splitlines() == [
        "::error file=examples/gpt3-175b.yaml,line=16,col=3,endLine=16,endColumn=14,"
        f"title=PL101 chinchilla-ratio::{GPT3_PL101}%0A{GPT3_NOTE.replace('%', '%25')}%0Afix: {GPT3_FIX}",
        "::warning file=examples/harbor-analytics.yaml,line=35,col=7,endLine=35,endColumn=19,"
        "title=PL102 data-repetition::5.0 epochs of source 'licensed-schemas': 9.6%25 of its 2B tokens buy nothing"
        "%0A2B tokens (5%25 of training) over 400M unique tokens are worth 1.81B fresh tokens (D' with R_D* = 15.4, "
        "Muennighoff et al. 2023)%0Afix: lower its share to <= 4%25 or find >= 500M unique tokens for it, to stay "
        "within 4 epochs",
        "::notice file=examples/harbor-analytics.yaml,line=38,col=3,endLine=38,endColumn=7,"
        "title=PL206 budget-underused::the plan needs 10%25 of the 3e21 FLOPs it declares%0Ait needs 3.12e20 FLOPs "
        "(6ND)%0Athe budget comes from compute.flops%0Afix: train 4.88B params on 102B tokens (full budget: compute-optimal for 3e21 FLOPs, Besiroglu et al. 2024 "
        "refit); "
        "or lower the budget to free the rest",
    ]
    assert produce("github", [example("chinchilla-70b")]) == ""


def test_github_escaping():
    assert escape_data("a%0A\r\nb::c,d:e") == "a%250A%0D%0Ab::c,d:e"
    assert escape_property("a%0A\r\nb::c,d:e") == "a%250A%0D%0Ab%3A%3Ac%2Cd%3Ae"
    assert escape_data("\x1b[31m\x00\u2028\x85\ud800\t") == "\\x1b[31m\\x00\\u2028\\x85\\ud800\t"


def unescape(text):
    """What GitHub's runner does to a message (and, with `:` and `,`, to a property)."""
    return (text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",")
            .replace("%25", "%"))


def visible(text):
    """Hostile characters as the github format shows them."""
    for ch in "\x00\x07\x1b\x85":
        text = text.replace(ch, f"\\x{ord(ch):02x}")
    for ch in "\u2028\ud800":
        text = text.replace(ch, f"\\u{ord(ch):04x}")
    return text


def test_github_hostile(hostile_results):
    findings = [f for r in hostile_results for f in r.findings]
    out = produce("github", hostile_results)
    assert out.endswith("\n")
    lines = out[:-1].split("\n")
    assert len(lines) == len(findings) == 3  # one line each: no CR, LF or other line break got through
    assert not any(ch in out[:-1] for ch in "\r\x00\x1b\x07\x85\u2028\ud800")
    for line, finding in zip(lines, findings):
        assert line.startswith("::error ")
        properties, message = line[len("::error "):].split("::", 1)  # the first '::' ends the properties
        # the runner splits properties at ',' and each at its first '=': no key was smuggled in
        pairs = dict(p.split("=", 1) for p in properties.split(","))
        assert list(pairs) in (["file", "line", "col", "endLine", "endColumn", "title"],
                               ["file", "line", "endLine", "title"])
        assert ":" not in properties
        assert unescape(pairs["file"]) == visible(finding.file)
        assert unescape(pairs["title"]) == f"{finding.code} {finding.rule}"
        assert unescape(message) == visible("\n".join((finding.message, *finding.details, f"fix: {finding.fix}")))
    assert lines[0] == (
        "::error file=plans/evil%3A%3Aerror%3A%3A%250A%2Cname.yaml,line=10,col=16,endLine=10,endColumn=98,"
        "title=PL103 data-mix::source 'a::error file=x,line=1::pwn%250A…' appears twice in the mix (first as entry 1)"
        "%0Athe source's whole name: 'a::error file=x,line=1::pwn%250A%0D%0A::warning::b</testcase>]]>\"'"
        "\\x1b[31m\\x00\\x07\\u2028,:'%0Afix: merge the two entries into one with the summed share"
    )
    # a span over several lines has no columns
    assert lines[2].startswith("::error file=x%3A%3Aerror%3A%3Apwned%250A%0D%0A%3A%3Awarning file=a%2Cline=1"
                               "%3A%3Ab</testcase>]]><![CDATA[\"'&\\x1b[31m\\x00\\x07\\u2028\\x85\\ud800,"
                               "line=4,endLine=6,title=PL101 chinchilla-ratio::message ")


def test_github_unreadable_file():
    unreadable = types.SimpleNamespace(name="a,b.yaml", findings=[], doc=None, error="a,b.yaml: denied\nno")
    assert produce("github", [unreadable]) == "::error file=a%2Cb.yaml,title=planlint::a,b.yaml: denied%0Ano\n"


# --- junit ----------------------------------------------------------------------------------

def junit(results, **kwargs):
    out = produce("junit", results, **kwargs)
    assert out.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    return ET.fromstring(out.encode("utf-8"))


def check_counts(root):
    total = [0, 0, 0]
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = [len(cases), sum(1 for c in cases if c.find("failure") is not None),
                  sum(1 for c in cases if c.find("error") is not None)]
        assert [int(suite.get(k)) for k in ("tests", "failures", "errors")] == counts
        total = [a + b for a, b in zip(total, counts)]
    assert [int(root.get(k)) for k in ("tests", "failures", "errors")] == total


def test_junit_examples(results):
    root = junit(results)
    check_counts(root)
    codes = list(registry().rules)
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [f"examples/{p.name}" for p in EXAMPLES]
    assert int(root.get("tests")) == len(codes) * len(EXAMPLES)
    # warning and error findings fail at the default --fail-on (warning); info ones do not
    assert int(root.get("failures")) == 3
    gpt3 = next(s for s in suites if s.get("name") == "examples/gpt3-175b.yaml")
    names = [c.get("name") for c in gpt3.findall("testcase")]
    assert names == [f"{code} {registry().rules[code].name}" for code in codes]
    (failed,) = [c for c in gpt3.findall("testcase") if c.find("failure") is not None]
    assert (failed.get("classname"), failed.get("name")) == ("examples/gpt3-175b.yaml", "PL101 chinchilla-ratio")
    failure = failed.find("failure")
    assert failure.get("type") == "error"
    assert failure.get("message") == f"16:3: {GPT3_PL101}"
    assert failure.text == f"examples/gpt3-175b.yaml:16:3: PL101 [error] {GPT3_PL101}\n  {GPT3_NOTE}\n  fix: {GPT3_FIX}"
    harbor = next(s for s in suites if s.get("name") == "examples/harbor-analytics.yaml")
    budget = next(c for c in harbor.findall("testcase") if c.get("name") == "PL206 budget-underused")
    assert budget.find("failure") is None
    assert budget.find("system-out").text.startswith("examples/harbor-analytics.yaml:38:3: PL206 [info] ")


def test_junit_exact_output():
    result = example("gpt3-175b")
    result = fake_result(result.findings, name=result.name, rules_run=("PL101", "PL201"))
    assert produce("junit", [result]) == f"""\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="planlint" tests="2" failures="1" errors="0">
  <testsuite name="examples/gpt3-175b.yaml" tests="2" failures="1" errors="0" skipped="0">
    <testcase classname="examples/gpt3-175b.yaml" name="PL101 chinchilla-ratio">
      <failure message="16:3: {GPT3_PL101}" type="error">examples/gpt3-175b.yaml:16:3: PL101 [error] {GPT3_PL101}
  {GPT3_NOTE}
  fix: {GPT3_FIX.replace(">", "&gt;")}</failure>
    </testcase>
    <testcase classname="examples/gpt3-175b.yaml" name="PL201 undisclosed-compute" />
  </testsuite>
</testsuites>
"""


@pytest.mark.parametrize("fail_on, failures", [("error", 1), ("warning", 3), (Severity.INFO, 7)])
def test_junit_fail_on(results, fail_on, failures):
    root = junit(results, fail_on=fail_on)
    check_counts(root)
    assert int(root.get("failures")) == failures


def test_junit_uses_each_files_threshold():
    warning = hostile_finding(file="a.yaml", severity=Severity.WARNING)
    strict = fake_result([warning], name="a.yaml", rules_run=("PL101",), fail_on=Severity.WARNING)
    lenient = fake_result([warning], name="b.yaml", rules_run=("PL101",), fail_on=Severity.ERROR)
    assert junit([strict, lenient]).get("failures") == "1"  # as the exit code: only a.yaml fails
    assert junit([strict, lenient], fail_on="warning").get("failures") == "2"


def test_junit_rules_run_and_several_findings():
    findings = [hostile_finding(file="a.yaml", message="one", fix=""),
                hostile_finding(file="a.yaml", message="two", severity=Severity.WARNING),
                hostile_finding(file="a.yaml", message="three", severity=Severity.INFO)]
    unreadable = types.SimpleNamespace(name="gone.yaml", findings=[], doc=None, error="gone.yaml: missing")
    root = junit([fake_result(findings, name="a.yaml", rules_run=("PL201", "PL101")), unreadable])
    check_counts(root)
    first, second = root.findall("testsuite")
    assert [c.get("name") for c in first.findall("testcase")] == ["PL101 chinchilla-ratio",
                                                                  "PL201 undisclosed-compute"]
    failure = first.find("testcase/failure")
    assert failure.get("message") == "3:2: one (+1 more)"
    expected = f"a.yaml:3:2: PL101 [error] one\na.yaml:3:2: PL101 [warning] two\n  fix: fix {xml_text(HOSTILE)}"
    assert failure.text == expected  # CR is a character reference: the text is exact
    assert first.find("testcase/system-out").text.startswith("a.yaml:3:2: PL101 [info] three")
    (case,) = second.findall("testcase")
    assert (case.get("name"), case.find("error").get("message")) == ("read", "gone.yaml: missing")
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")


def test_junit_hostile(hostile_results):
    out = produce("junit", hostile_results)
    root = ET.fromstring(out.encode("utf-8"))  # parses: nothing illegal in XML 1.0 got through
    check_counts(root)
    suites = root.findall("testsuite")
    assert suites[0].get("name") == "plans/evil::error::%0A,name.yaml"
    assert suites[1].get("name") == xml_text(HOSTILE)
    failure = suites[0].find("testcase/failure")
    assert "::warning::b</testcase>]]>\"'\\x1b[31m\\x00\\x07\u2028,:'" in failure.text
    assert "\r\n" in suites[1].find("testcase/failure").get("message")  # attribute newlines survive as references
    texts = " ".join(f.text for f in suites[1].iter("failure"))
    assert "b</testcase>]]><![CDATA[\"'&\\x1b[31m\\x00\\x07\u2028\x85\\ud800" in texts


def test_xml_text():
    assert (xml_text("a\x00b\x1fc\td\ne\rf\ud800g\ufffeh\U0001F600")
            == "a\\x00b\\x1fc\td\ne\rf\\ud800g\\ufffeh\U0001F600")


# --- gitlab ---------------------------------------------------------------------------------

def test_gitlab_examples(results):
    issues = json.loads(produce("gitlab", results))
    assert issues[0] == {
        "type": "issue",
        "description": f"{GPT3_PL101}; {GPT3_NOTE}; fix: {GPT3_FIX}",
        "check_name": "PL101",
        # sha256 of ["planlint/v1", "examples/gpt3-175b.yaml", "PL101", "/data/train_tokens", 0]: CI systems
        # keep this across releases to match findings, so it must not change by accident
        "fingerprint": "07df0617a86e921b51d07e772993665fc113dca594379e6bf98320a6fd763b2d",
        "severity": "major",
        "location": {"path": "examples/gpt3-175b.yaml", "lines": {"begin": 16, "end": 16}},
    }
    assert [(i["check_name"], i["severity"]) for i in issues[1:3]] == [("PL102", "minor"), ("PL206", "info")]
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)
    assert all(len(p) == 64 and int(p, 16) >= 0 for p in prints)
    assert json.loads(produce("gitlab", results)) == issues  # deterministic


def test_fingerprints_stable_when_lines_move():
    raw = (ROOT / "examples" / "harbor-analytics.yaml").read_text(encoding="utf-8")
    lines = raw.splitlines(keepends=True)
    moved = lines[0] + "# an unrelated comment\n\n" + "".join(lines[1:])
    before = json.loads(produce("gitlab", [lint(raw, "plans/harbor.yaml")]))
    after = json.loads(produce("gitlab", [lint(moved, "plans/harbor.yaml")]))
    assert [i["fingerprint"] for i in before] == [i["fingerprint"] for i in after]
    assert [i["location"]["lines"]["begin"] + 2 for i in before] == [i["location"]["lines"]["begin"] for i in after]
    sarif = [json.loads(produce("sarif", [lint(text, "plans/harbor.yaml")]))["runs"][0]["results"]
             for text in (raw, moved)]
    assert [r["partialFingerprints"] for r in sarif[0]] == [r["partialFingerprints"] for r in sarif[1]]
    # ... and they belong to the file: another name, other fingerprints
    other = json.loads(produce("gitlab", [lint(raw, "plans/other.yaml")]))
    assert not {i["fingerprint"] for i in other} & {i["fingerprint"] for i in before}


def test_fingerprints_unique_for_same_pointer():
    duplicates = "planlint: 1\nname: a\nname: b\nname: c\ngoal: base\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n"
    broken = "planlint: 1\nname: [\n"
    results = [lint(duplicates, "dup.yaml"), lint(broken, "broken.yaml"),
               fake_result([hostile_finding(path=()), hostile_finding(path=())], name="x.yaml")]
    issues = json.loads(produce("gitlab", results))
    codes = [i["check_name"] for i in issues]
    assert codes.count("PL003") == 2 and "PL001" in codes
    prints = [i["fingerprint"] for i in issues]
    assert len(set(prints)) == len(prints)


def test_gitlab_hostile(hostile_results):
    out = produce("gitlab", hostile_results)
    issues = json.loads(out)
    assert len(issues) == 3
    assert issues[0]["location"]["path"] == "plans/evil::error::%0A,name.yaml"
    assert "\x1b[31m\x00\x07\u2028" in issues[0]["description"]
    assert issues[1]["location"]["path"] == HOSTILE.replace("\ud800", "\\ud800")  # spelled, as everywhere
    assert len({i["fingerprint"] for i in issues}) == 3


# --- every format against hostile text ------------------------------------------------------

@pytest.mark.parametrize("fmt", ["sarif", "json", "gitlab"])
def test_json_formats_parse_with_hostile_text(hostile_results, fmt):
    out = produce(fmt, hostile_results)
    out.encode("utf-8")  # no lone surrogate left to break the stream
    data = json.loads(out)
    if fmt == "sarif":
        sarif_validate(data)
        uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in data["runs"][0]["results"]]
        assert uris[0] == "plans/evil%3A%3Aerror%3A%3A%250A%2Cname.yaml"
        assert all("\n" not in u and " " not in u for u in uris)


def test_sarif_of_a_run_with_findings_hidden_by_min_severity_validates(cli, tmp_path):
    """`check --output-format sarif --min-severity error` writes valid SARIF holding the errors only;
    `--statistics` beside it is refused, never a text table in the .sarif file."""
    plans = [ROOT / "examples" / "gpt3-175b.yaml", ROOT / "examples" / "gemma-7b.yaml"]
    out = tmp_path / "report.sarif"
    result = cli("check", "--output-format", "sarif", "--min-severity", "error", "-o", str(out), *map(str, plans))
    assert result.exit_code == 1
    log = json.loads(out.read_text(encoding="utf-8"))
    sarif_validate(log)
    assert {r["level"] for r in log["runs"][0]["results"]} == {"error"}
    assert result.stderr.startswith("planlint: ") and "hidden by --min-severity" in result.stderr
    refused = cli("check", "--output-format", "sarif", "--statistics", "-o", str(tmp_path / "s.sarif"), *map(str, plans))
    assert (refused.exit_code, (tmp_path / "s.sarif").exists()) == (2, False)
