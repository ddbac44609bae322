"""``--format junit``: a JUnit XML test report, for CI systems that show test results.

Structure: one ``<testsuites name="planlint">``; one ``<testsuite>`` per file (name = the
file); in it one ``<testcase classname=FILE name="CODE rule-name">`` per rule that ran on
the file (plus any other code the file reported), in code order.

Severities: a rule's findings at or above the threshold make its testcase fail, with one
``<failure>`` (``type`` = the worst severity; ``message`` = the first finding, "(+N more)"
when there are several; the text lists every one as ``FILE:LINE:COLUMN: CODE [severity]
message`` and its fix). The threshold is ``fail_on`` when given, else the file's own
``fail_on`` from its configuration, else warning: the findings that make ``planlint check``
exit 1 are the failures. Findings below the threshold do not fail the testcase: they are
listed the same way in its ``<system-out>``. A file that
could not be read is a testsuite with one ``<testcase name="read">`` holding an ``<error>``.
The ``tests``, ``failures`` and ``errors`` counts are testcases, as JUnit counts them.

Plan text is hostile: ElementTree escapes markup, and characters that XML 1.0 cannot carry
at all (control characters other than tab, LF and CR, lone surrogates, U+FFFE/U+FFFF) are
written visibly as ``\\xNN`` / ``\\uNNNN``, so the report always parses.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from planlint.report.common import report_path, rules_run, threshold, with_fix

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids made visible."""
    def show(match):
        code = ord(match.group())
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _NOT_XML.sub(show, str(text))


def _line(finding, name: str) -> str:
    text = (f"{name}:{finding.line}:{finding.column}: {finding.code} [{finding.severity}] "
            f"{with_fix(finding, chr(10) + '  ')}")
    return text


def _element(parent, tag: str, text: str | None = None, **attributes) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(str(v)) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _set_counts(element, tests: int, failures: int, errors: int) -> None:
    element.set("tests", str(tests))
    element.set("failures", str(failures))
    element.set("errors", str(errors))


def junit_tree(results, registry, fail_on=None) -> ET.Element:
    root = ET.Element("testsuites", {"name": "planlint"})
    totals = [0, 0, 0]
    for result in results:
        name = report_path(result.name)
        suite = _element(root, "testsuite", name=name)
        counts = [0, 0, 0]
        if getattr(result, "error", None):
            case = _element(suite, "testcase", classname=name, name="read")
            _element(case, "error", result.error, message=result.error, type="read")
            counts = [1, 0, 1]
        else:
            limit = threshold(fail_on if fail_on is not None else getattr(result, "fail_on", None))
            by_code: dict[str, list] = {}
            for finding in result.findings:
                by_code.setdefault(finding.code, []).append(finding)
            for code in rules_run(result, registry):
                findings = by_code.get(code, [])
                rule = registry.rules.get(code)
                rule_name = rule.name if rule is not None else (findings[0].rule if findings else "")
                case = _element(suite, "testcase", classname=name, name=f"{code} {rule_name}".strip())
                counts[0] += 1
                failing = [f for f in findings if f.severity >= limit]
                passing = [f for f in findings if f.severity < limit]
                if failing:
                    first = failing[0]
                    message = f"{first.line}:{first.column}: {first.message}"
                    if len(failing) > 1:
                        message += f" (+{len(failing) - 1} more)"
                    worst = max(f.severity for f in failing)
                    _element(case, "failure", "\n".join(_line(f, name) for f in failing),
                             message=message, type=str(worst))
                    counts[1] += 1
                if passing:
                    _element(case, "system-out", "\n".join(_line(f, name) for f in passing))
        _set_counts(suite, *counts)
        suite.set("skipped", "0")
        totals = [a + b for a, b in zip(totals, counts)]
    _set_counts(root, *totals)
    return root


def render_junit(results, stream, registry, fail_on=None) -> None:
    root = junit_tree(results, registry, fail_on)
    ET.indent(root)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    stream.write(ET.tostring(root, encoding="unicode"))
    stream.write("\n")
