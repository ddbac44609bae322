"""``--format json``: one JSON array of findings, as the spec's "Machine-readable output" says.

Each finding has the spec's keys (file, line, column, code, rule, severity, message) plus
end_line, end_column, details (the lines that support the message, a list of strings), fix,
pointer (RFC 6901, stable across edits elsewhere in the file) and facts (the numbers behind the message). A file that could not be read is an entry of
the same shape: code PL001, line and column 1, ``facts: {"unreadable": true}``.

Strings are the exact text, with the characters a terminal would act on written as JSON
escapes; only the undecodable bytes of a file name that is not UTF-8 are spelled out
(``\\udcff``), since no UTF-8 document can hold them (see ``planlint.report.escape``).
"""

from __future__ import annotations

from planlint.report import Formatter
from planlint.report.common import reported
from planlint.report.escape import write_json


def finding_dict(finding) -> dict:
    return {
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "code": finding.code,
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "details": list(finding.details),
        "fix": finding.fix,
        "pointer": finding.pointer,
        "facts": finding.facts,  # NaN and infinities become null in write_json
    }


def render_json(results, stream) -> None:
    write_json((finding_dict(f) for result in results for f in reported(result)), stream, default=str)


class JsonFormat(Formatter):
    """The findings; with ``--statistics``, the counts per rule (an array of rows) instead."""

    name = "json"
    statistics = True

    def render(self, context) -> None:
        if context.statistics:
            from planlint.report.statistics import render_statistics

            render_statistics(context.results, context.stream, "json")
            return
        render_json(context.results, context.stream)
