"""The text formats, shaped like ruff's: ``full`` (the default) gives a located header, the
source line with a caret under the key or value, the details (``= note:``), the fix, and a
closing summary; ``concise`` one line per finding, the headline and the fix at its end (the
details are for ``full`` and the machine formats)."""

from __future__ import annotations

from planlint.findings import Severity
from planlint.report import Formatter, levels
from planlint.report.escape import visible

safe = visible  # its name before every output shared it

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text


def _pad(text: str) -> str:
    """Blank space as wide on a terminal as ``text`` shows in the source line: tabs kept (the
    terminal expands them alike), two cells for wide East Asian characters and emoji, none for
    combining marks, and as many as ``visible`` spells a hidden character with, so the caret
    lands under the key whatever stands before it on the line."""
    text = visible(text, line_start=False)
    if text.isascii():
        return "".join("\t" if ch == "\t" else " " for ch in text)
    import unicodedata

    out = []
    for ch in text:
        if ch == "\t":
            out.append("\t")
        elif unicodedata.combining(ch):
            continue
        elif unicodedata.east_asian_width(ch) in "WF":
            out.append("  ")
        else:
            out.append(" ")
    return "".join(out)


SHOWN_LINE = 160  # characters of a source line shown under a finding; a longer one is cut around the caret


def _snippet(finding, doc, style) -> list[str]:
    lines = doc.lines if doc is not None else []
    line_no = finding.span.line
    if not 1 <= line_no <= len(lines):
        return []
    source = lines[line_no - 1]
    start = min(max(finding.span.column - 1, 0), len(source))
    if finding.span.end_line == line_no:
        end = max(start + 1, min(finding.span.end_column - 1, len(source)))
    else:
        end = max(start + 1, len(source.rstrip()))
    before = after = ""
    if len(source) > SHOWN_LINE:  # a window of a long line (a one-line plan), around the caret
        first = max(0, min(start - SHOWN_LINE // 4, len(source) - SHOWN_LINE))
        last = first + SHOWN_LINE
        before, after = ("..." if first else ""), ("..." if last < len(source) else "")
        source, start, end = source[first:last], start - first, min(end, last) - first
    lead = _pad(before + source[:start])
    width = max(1, len(_pad(source[start:end]).replace("\t", " ")))
    gutter = " " * len(str(line_no))
    bar = style("|", "34")
    return [
        f"{gutter} {bar}",
        f"{style(str(line_no), '34')} {bar} {before}{visible(source, line_start=False)}{after}",
        f"{gutter} {bar} {lead}{style('^' * width, _COLORS[finding.severity])}",
    ]


class FullFormat(Formatter):
    name = "full"
    statistics = True
    source = True

    def render(self, context) -> None:
        if context.statistics:
            from planlint.report.statistics import render_statistics

            render_statistics(context.results, context.stream)
            if context.summary:
                write_summary(context.results, context.stream, context.hidden)
            return
        render_text(context.results, context.stream, color=context.color, source=self.source,
                    summary=context.summary, hidden=context.hidden)


class ConciseFormat(FullFormat):
    name = "concise"
    source = False


def render_text(results, stream, *, color: bool = False, source: bool = True, fail_on=None,
                summary: bool = True, hidden=None) -> None:
    """Findings as people read them; ``summary=False`` (``--quiet``) drops the closing line;
    ``hidden``: the findings ``--min-severity`` left out, by severity name, which it counts."""
    style = _Style(color)
    for result in results:
        if result.error:  # said on standard error, where the command line reports it
            continue
        for finding in result.findings:
            where = style(f"{visible(finding.file or result.name)}:{finding.line}:{finding.column}:", "1")
            level = style(f"[{finding.severity}]", _COLORS[finding.severity])
            header = (f"{where} {style(visible(finding.code), '1')} {level} {visible(finding.message)} "
                      f"({visible(finding.rule)})")
            if source:
                stream.write(header + "\n")
                for line in _snippet(finding, result.doc, style):
                    stream.write(line + "\n")
                for line in finding.details:
                    stream.write(f"{' ' * len(str(finding.line))} = note: {visible(line)}\n")
                if finding.fix:
                    stream.write(f"{' ' * len(str(finding.line))} = fix: {visible(finding.fix)}\n")
                stream.write("\n")
            else:  # one line, whatever the finding holds
                stream.write(header + (f"; fix: {visible(finding.fix)}" if finding.fix else "") + "\n")
    if summary:
        write_summary(results, stream, hidden)


def write_summary(results, stream, hidden=None) -> None:
    """The closing line: how many findings of each severity in how many plans, the files that
    could not be read, and how many findings ``--min-severity`` hid. Nothing when the run read
    no plan at all: the command line says so, and that no plan was found is no clean result."""
    counts = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}
    files_with_findings = checked = unreadable = 0
    for result in results:
        if result.error:
            unreadable += 1
            continue
        checked += 1
        if result.findings:
            files_with_findings += 1
        for finding in result.findings:
            counts[finding.severity] += 1
    if not checked and not unreadable:
        return
    total = sum(counts.values())
    plans = f"{checked} plan" + ("" if checked == 1 else "s")
    # a file that could not be read is never part of a clean summary
    tail = f"; {unreadable} file{'' if unreadable == 1 else 's'} could not be read" if unreadable else ""
    hidden_total = sum((hidden or {}).values())
    if hidden_total:
        tail += (f"; {hidden_total} finding{'' if hidden_total == 1 else 's'} hidden by --min-severity "
                 f"({levels(hidden)})")
    if total == 0:
        stream.write(f"Checked {plans}: no findings{' shown' if hidden_total else ''}{tail}.\n")
        return
    parts = [f"{n} {str(sev)}{'' if n == 1 or sev == Severity.INFO else 's'}"
             for sev, n in counts.items() if n]
    stream.write(f"Found {total} finding{'' if total == 1 else 's'} ({', '.join(parts)}) in "
                 f"{files_with_findings} of {plans}{tail}.\n")
