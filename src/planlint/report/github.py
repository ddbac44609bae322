"""``--format github``: GitHub Actions workflow commands, one line per finding, which the runner
turns into annotations on the pull request and the run's summary::

    ::error file=plan.yaml,line=16,col=3,endLine=16,endColumn=14,title=PL101 undertrained-ratio::MESSAGE%0ADETAIL%0Afix: FIX

(one ``%0A``-separated line for each detail of the finding).

Severities map to commands as error -> ``::error``, warning -> ``::warning``, info ->
``::notice``. Columns are sent only when the finding starts and ends on one line (the
runner drops them otherwise); ``endColumn`` is the last column of the key or value
(inclusive), never before ``col``. A file that could not be read gives one ``::error``
line without a position.

Plan text is hostile: it must not be able to end the line or start a workflow command of
its own. The message is escaped as the runner expects (``%`` -> ``%25``, CR -> ``%0D``,
LF -> ``%0A``; the runner turns them back), property values additionally ``:`` -> ``%3A``
and ``,`` -> ``%2C``. Every other character ``planlint.report.escape.visible`` hides (other
controls, bidirectional overrides, line separators, lone surrogates) is first spelled out
as ``\\xNN`` / ``\\uNNNN``, and ``##[`` as ``\\x23#[``.
"""

from __future__ import annotations

from planlint.report import Formatter
from planlint.report.common import report_path, with_fix
from planlint.report.escape import visible

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A command's message, as the runner unescapes it: ``%``, CR and LF percent-encoded (the
    annotation shows them), every other hidden character spelled out (``planlint.report.escape``)."""
    parts = str(text).replace("%", "%25").split("\r")
    shown = "%0D".join(visible(part, multiline=True, line_start=False) for part in parts)
    return shown.replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (file, title): as the message, plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(level: str, properties: list[tuple[str, object]], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties)
    return f"::{level} {props}::{escape_data(message)}" if props else f"::{level}::{escape_data(message)}"


def annotation(finding, name: str) -> str:
    span = finding.span
    props: list[tuple[str, object]] = [("file", report_path(name)), ("line", span.line)]
    if span.end_line == span.line:
        props += [("col", span.column), ("endLine", span.end_line),
                  ("endColumn", max(span.column, span.end_column - 1))]
    else:
        props += [("endLine", span.end_line)]
    props.append(("title", f"{finding.code} {finding.rule}"))
    return command(COMMANDS[str(finding.severity)], props, with_fix(finding))


def render_github(results, stream) -> None:
    for result in results:
        if getattr(result, "error", None):
            stream.write(command("error", [("file", report_path(result.name)), ("title", "planlint")],
                                 result.error) + "\n")
            continue
        for finding in result.findings:
            stream.write(annotation(finding, finding.file or result.name) + "\n")


class GithubFormat(Formatter):
    name = "github"

    def render(self, context) -> None:
        render_github(context.results, context.stream)
