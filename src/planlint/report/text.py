"""The default text output, shaped like ruff's: a located header, the source line with a
caret under the key or value, the fix, and a closing summary."""

from __future__ import annotations

import re

from planlint.findings import Severity

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}
# C0 controls except tab, DEL and C1 controls: a plan must not drive the reader's terminal.
# Also the bidirectional overrides and isolates, which reorder what the reader sees
# ("Trojan Source", CVE-2021-42574): the line shown must read as the file does.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _spelled(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def safe(text: str) -> str:
    """User text with terminal control characters made visible (ESC -> \\x1b, RLO -> \\u202e)."""
    return _CONTROL.sub(lambda m: _spelled(m.group()), text)


class _Style:
    def __init__(self, color: bool):
        self.color = color

    def __call__(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text


def _pad(text: str) -> str:
    """Blank space as wide on a terminal as ``text`` shows in the source line: tabs kept (the
    terminal expands them alike), two cells for wide East Asian characters and emoji, none for
    combining marks, and as many as ``safe`` spells a control character with, so the caret lands
    under the key whatever stands before it on the line."""
    if text.isascii() and not _CONTROL.search(text):
        return "".join("\t" if ch == "\t" else " " for ch in text)
    import unicodedata

    out = []
    for ch in text:
        if ch == "\t":
            out.append("\t")
        elif _CONTROL.match(ch):
            out.append(" " * len(_spelled(ch)))
        elif unicodedata.combining(ch):
            continue
        elif unicodedata.east_asian_width(ch) in "WF":
            out.append("  ")
        else:
            out.append(" ")
    return "".join(out)


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
    lead = _pad(source[:start])
    width = max(1, len(_pad(source[start:end]).replace("\t", " ")))
    gutter = " " * len(str(line_no))
    bar = style("|", "34")
    return [
        f"{gutter} {bar}",
        f"{style(str(line_no), '34')} {bar} {safe(source)}",
        f"{gutter} {bar} {lead}{style('^' * width, _COLORS[finding.severity])}",
    ]


def render_text(results, stream, *, color: bool = False, source: bool = True, fail_on=None,
                summary: bool = True) -> None:
    """Findings as people read them; ``summary=False`` (``--quiet``) drops the closing line."""
    style = _Style(color)
    counts = {Severity.ERROR: 0, Severity.WARNING: 0, Severity.INFO: 0}
    files_with_findings = 0
    checked = 0
    for result in results:
        if result.error:
            continue
        checked += 1
        if result.findings:
            files_with_findings += 1
        for finding in result.findings:
            counts[finding.severity] += 1
            where = style(f"{safe(finding.file)}:{finding.line}:{finding.column}:", "1")
            level = style(f"[{finding.severity}]", _COLORS[finding.severity])
            stream.write(f"{where} {style(finding.code, '1')} {level} {safe(finding.message)} ({finding.rule})\n")
            if source:
                for line in _snippet(finding, result.doc, style):
                    stream.write(line + "\n")
                if finding.fix:
                    stream.write(f"{' ' * len(str(finding.line))} = fix: {safe(finding.fix)}\n")
                stream.write("\n")
            elif finding.fix:
                stream.write(f"  fix: {safe(finding.fix)}\n")
    total = sum(counts.values())
    if not summary:
        return
    plans = f"{checked} plan" + ("" if checked == 1 else "s")
    if total == 0:
        stream.write(f"Checked {plans}: no findings.\n")
        return
    parts = [f"{n} {str(sev)}{'' if n == 1 or sev == Severity.INFO else 's'}"
             for sev, n in counts.items() if n]
    stream.write(f"Found {total} finding{'' if total == 1 else 's'} ({', '.join(parts)}) in "
                 f"{files_with_findings} of {plans}.\n")
