"""Stage 5: formatters. Each takes the results of a run and writes them to a stream."""

from __future__ import annotations

FORMATS = ("text", "concise", "json")


def render(fmt: str, results, stream, *, color: bool = False, fail_on=None) -> None:
    if fmt == "json":
        from planlint.report.json_format import render_json

        render_json(results, stream)
    else:
        from planlint.report.text import render_text

        render_text(results, stream, color=color, source=(fmt == "text"), fail_on=fail_on)
