"""``--format junit``: a JUnit XML test report, for CI systems that show test results.

Structure: one ``<testsuites name="planlint">``; one ``<testsuite>`` per file (name = the
file); in it one ``<testcase classname=FILE name="CODE rule-name">`` per rule that ran on
the file (plus any other code the file reported), in code order.

Severities: a rule's findings at or above the threshold make its testcase fail, with one
``<failure>`` (``type`` = the worst severity; ``message`` = the first finding, "(+N more)"
when there are several; the text lists every one as ``FILE:LINE:COLUMN: CODE [severity]
message`` and, indented below, its details and fix). The threshold is ``fail_on`` when given, else the file's own
``fail_on`` from its configuration, else warning: the findings that make ``planlint check``
exit 1 are the failures. Findings below the threshold do not fail the testcase: they are
listed the same way in its ``<system-out>``.

A file planlint could not check is never a green suite. A file that could not be read is a
testsuite with one ``<testcase name="read">`` holding an ``<error>``; the testcase of a code
that means checking stopped (PL000, PL001, PL004: ``planlint.findings.STOPPED``) holds an
``<error>`` (``type`` = the code) instead of a failure, whatever the threshold; and when the
plan rules did not run (after PL001, PL002 or PL004) their testcases are ``<skipped>``, not
passed. The ``tests``, ``failures``, ``errors`` and ``skipped`` counts are testcases, as
JUnit counts them.

Plan text is hostile: ElementTree escapes markup; characters that XML 1.0 cannot carry at
all (control characters other than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF) are
written visibly as ``\\xNN`` / ``\\uNNNN``, so the report always parses; CR and the
characters a terminal would act on are character references, as is a colon that begins a
line and the '#' of a CI log command (``planlint.report.escape.xml_char_refs``), so the
parsed text is exact and the file, printed, drives neither a terminal nor a CI runner.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from planlint.findings import STOPPED
from planlint.report import Formatter
from planlint.report.common import report_path, rules_run, threshold, with_fix
from planlint.report.escape import xml_char_refs, xml_text

# The plan rules do not run on a file with one of these: their testcases are skipped, not passed.
_RULES_DID_NOT_RUN = ("PL001", "PL002", "PL004")
def _line(finding, name: str) -> str:
    text = (f"{name}:{finding.line}:{finding.column}: {finding.code} [{finding.severity}] "
            f"{with_fix(finding, chr(10) + '  ')}")
    return text


def _element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(str(v)) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _set_counts(element, tests: int, failures: int, errors: int, skipped: int | None = None) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))
    if skipped is not None:
        element.set("skipped", str(skipped))


def junit_tree(results, registry, fail_on=None) -> ET.Element:
    root = ET.Element("testsuites", {"name": "planlint"})
    totals = [0, 0, 0]
    for result in results:
        name = report_path(result.name)
        suite = _element(root, "testsuite", name=name)
        counts = [0, 0, 0]
        skipped = 0
        if getattr(result, "error", None):
            case = _element(suite, "testcase", classname=name, name="read")
            _element(case, "error", result.error, message=result.error, type="read")
            counts = [1, 0, 1]
        else:
            limit = threshold(fail_on if fail_on is not None else getattr(result, "fail_on", None))
            by_code: dict[str, list] = {}
            for finding in result.findings:
                by_code.setdefault(finding.code, []).append(finding)
            rules_skipped = any(code in by_code for code in _RULES_DID_NOT_RUN)
            for code in rules_run(result, registry):
                findings = by_code.get(code, [])
                rule = registry.rules.get(code)
                rule_name = rule.name if rule is not None else (findings[0].rule if findings else "")
                case = _element(suite, "testcase", classname=name, name=f"{code} {rule_name}".strip())
                counts[0] += 1
                failing = [f for f in findings if f.severity >= limit or code in STOPPED]
                passing = [f for f in findings if f not in failing]
                if failing:
                    first = failing[0]
                    message = f"{first.line}:{first.column}: {first.message}"
                    if len(failing) > 1:
                        message += f" (+{len(failing) - 1} more)"
                    worst = max(f.severity for f in failing)
                    # checking stopped (a parse failure, a bound, a rule that raised): an error, not a failure
                    kind = "error" if code in STOPPED else "failure"
                    _element(case, kind, "\n".join(_line(f, name) for f in failing),
                             message=message, type=code if kind == "error" else str(worst))
                    counts[2 if kind == "error" else 1] += 1
                elif rules_skipped and rule is not None and getattr(rule, "stage", "plan") == "plan":
                    _element(case, "skipped", message="not run: the plan could not be checked")
                    skipped += 1
                if passing:
                    _element(case, "system-out", "\n".join(_line(f, name) for f in passing))
        _set_counts(suite, *counts, skipped=skipped)
        totals = [a + b for a, b in zip(totals, counts)]
    _set_counts(root, *totals)
    return root


def render_junit(results, stream, registry, fail_on=None) -> None:
    root = junit_tree(results, registry, fail_on)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(xml_char_refs(ET.tostring(root, encoding="unicode")))
    stream.write("\n")


class JunitFormat(Formatter):
    name = "junit"

    def render(self, context) -> None:
        render_junit(context.results, context.stream, context.registry, fail_on=context.fail_on)
