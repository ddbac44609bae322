"""Suppression comments: silence a finding where the plan says why.

At the end of the line a finding points at (the line of its key, ``planlint explain`` says
which key each rule points at), either spelling::

    train_tokens: 300B   # planlint: disable=PL101 -- replicating GPT-3 on purpose
    train_tokens: 300B   # noqa: PL101 -- replicating GPT-3 on purpose

On the line before it::

    # planlint: disable-next-line=PL101 -- replicating GPT-3 on purpose
    train_tokens: 300B

For the lines between two comments that stand on lines of their own (to the end of the
file when no ``enable`` follows)::

    # planlint: disable=PL105 -- the eval set is the held-out split
    benchmarks: ...
    # planlint: enable=PL105

Anywhere in the file, for the whole file::

    # planlint: disable-file=PL201,PL301 -- a scaling-law sweep, not a product

Codes or rule names, separated by commas or spaces; ``-- reason`` after them. A comment
that names no rule (a bare ``# noqa`` or ``# planlint: disable``) silences nothing and is
reported (PL005) as too broad, as is a suppression that silences nothing, so that stale ones
do not pile up; with ``require-reason: true`` in the configuration one without a reason is
reported (PL006). The codes that mean the plan was not checked (findings.NOT_CHECKED) and
PL005/PL006 themselves cannot be suppressed by any form.

Only real YAML comments count: the plan's text is scanned with PyYAML's scanner (libyaml's
when available) and a ``#`` is a comment only outside every token it yields, so text in a
quoted string, a block scalar or a flow collection's scalars is never a suppression. In a
file that does not parse, the text past the syntax error is not read for comments. A launch
config checked on its own that is not YAML (a shell script, TOML) is read line by line: a
``#`` at the start of a line or after a space starts a comment, as in shell and TOML.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import field

from planlint.config import ALWAYS_ON
from planlint.findings import Finding, Severity, Span
from planlint.records import record

# The patterns past _HINT are compiled on first use (re's cache): most plans have no directive.
# Where a directive starts inside a comment: at its '#' or at a later '#' after whitespace.
_DIRECTIVE = r"(?:^|(?<=\s))#\s*(?:(?P<planlint>planlint\s*:)|(?P<noqa>(?i:noqa))(?![\w-]))"
_PLANLINT = (r"\s*(?P<kind>disable-next-line|disable-file|disable|enable)(?![\w-])"
             r"(?:\s*=\s*(?P<codes>[^#]*?))?\s*(?:--\s*(?P<reason>.*?))?\s*$")
_NOQA = r"(?:\s*:\s*(?P<codes>[^#]*?))?\s*(?:--\s*(?P<reason>.*?))?\s*$"
# The cheap test before scanning a file for comments (every plan says `planlint: 1`, so the
# word alone is no hint).
_HINT = re.compile(r"#\s*(?:planlint\s*:|noqa)", re.IGNORECASE)
# A block scalar's indicators (`|`, `>-`, `|2+`); the rest of the header's line may be a comment.
_BLOCK_HEADER = r"[|>][-+0-9]*"
_NEVER = set(ALWAYS_ON) | {"PL005", "PL006"}
# How deep brackets may nest before the pure-Python scanner (quadratic in the depth) stops
# reading, as libyaml stops near that depth too; past it no comment is read.
_MAX_FLOW_DEPTH = 1000

# Kinds: "line" (disable= or noqa at the end of a line), "next-line", "block" (disable= on a
# line of its own), "file", and "enable" (ends blocks; silences nothing itself).
_SPELLED = {"line": "disable", "block": "disable", "next-line": "disable-next-line", "file": "disable-file",
            "enable": "enable"}
_WHERE = {"line": "on this line", "next-line": "on the next line", "file": "in this file"}


@record
class Suppression:
    """One suppression comment: where it is, what it names and why."""

    line: int
    column: int
    end_column: int
    kind: str
    codes: list[str] | None  # as written; None when the comment names none (bare)
    reason: str
    noqa: bool = False  # spelled `# noqa: ...`
    closed: dict[str, int] = field(default_factory=dict)  # a block's code -> the line of the enable ending it
    used: set[str] = field(default_factory=set)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.line, self.end_column)

    @property
    def head(self) -> str:
        """The comment as written up to its codes: ``# noqa``, ``# planlint: disable-file``."""
        if self.noqa:
            return "# noqa"
        return "# planlint: " + _SPELLED[self.kind]

    def covers(self, line: int, code: str) -> bool:
        if self.kind == "file":
            return True
        if self.kind == "block":  # the lines after it, up to the enable that names the code
            return self.line < line and (code not in self.closed or line < self.closed[code])
        return line == self.line + (self.kind == "next-line")

    def where(self, code: str) -> str:
        if self.kind != "block":
            return _WHERE[self.kind]
        if code in self.closed:
            return f"between this line and its enable on line {self.closed[code]}"
        return "from this line to the end of the file"


def might_suppress(text: str) -> bool:
    """Whether the text can hold a suppression at all (the cheap test before parsing)."""
    return _HINT.search(text) is not None


def parse(lines: list[str], text: str | None = None) -> list[Suppression]:
    """The suppression comments of a file. With ``text`` (the whole YAML text, of which
    ``lines`` are the lines), only real YAML comments count; without it, a ``#`` at the start
    of a line or after whitespace starts a comment."""
    comments = yaml_comments(text, lines) if text is not None else lexical_comments(lines)
    found = []
    for number, column in comments:
        line = lines[number - 1]
        comment = line[column - 1:]
        for match in re.finditer(_DIRECTIVE, comment):
            sup = _directive(match, comment, number, column + match.start(), line,
                             alone=not line[:column - 1].strip())
            if sup is not None:
                found.append(sup)
                break
    return found


def _directive(match, comment: str, number: int, column: int, line: str, alone: bool) -> Suppression | None:
    """The suppression a directive spells, or None when it is no suppression after all;
    ``alone`` when its comment stands on a line of its own."""
    rest = comment[match.end():]
    end_column = len(line.rstrip()) + 1
    if match.group("noqa"):
        parsed = re.match(_NOQA, rest)
        if parsed is None:  # `# noqa PL101` or `# noqa, because`: a bare noqa, as flake8 reads it
            return Suppression(number, column, end_column, "line", None, "", noqa=True)
        codes = parsed.group("codes")
        return Suppression(number, column, end_column, "line", None if codes is None else _codes(codes),
                           (parsed.group("reason") or "").strip(), noqa=True)
    parsed = re.match(_PLANLINT, rest)
    if parsed is None:
        return None
    kind = parsed.group("kind")
    kind = {"disable": "block" if alone else "line", "disable-next-line": "next-line",
            "disable-file": "file", "enable": "enable"}[kind]
    codes = parsed.group("codes")
    return Suppression(number, column, end_column, kind, None if codes is None else _codes(codes),
                       (parsed.group("reason") or "").strip())


def _codes(written: str) -> list[str]:
    return [c for c in re.split(r"[,\s]+", written) if c]


def lexical_comments(lines: list[str]) -> list[tuple[int, int]]:
    """(line, column), 1-based, of the '#' that starts each line's comment, read line by line."""
    out = []
    for number, line in enumerate(lines, start=1):
        position = line.find("#")
        while position > 0 and not line[position - 1].isspace():
            position = line.find("#", position + 1)
        if position >= 0:
            out.append((number, position + 1))
    return out


def yaml_comments(text: str, lines: list[str]) -> list[tuple[int, int]]:
    """(line, column), 1-based, of the '#' that starts each real YAML comment in ``text``.

    A '#' is a comment when it stands outside every token the scanner yields: scalars
    (plain, quoted over many lines, block scalars past their header line), anchors, aliases,
    tags, directives and indicators. Past a syntax error nothing is known, so nothing there
    counts as a comment."""
    starts, ends, limit = _opaque_spans(text, lines)
    out = []
    for index, line in enumerate(lines):
        position = line.find("#")
        while position >= 0:
            here = (index, position)
            if limit is not None and here >= limit:
                return out
            inside = bisect_right(starts, here) - 1
            if inside < 0 or here >= ends[inside]:
                out.append((index + 1, position + 1))
                break
            # skip to the end of the token that holds it
            end = ends[inside]
            position = line.find("#", end[1] if end[0] == index else len(line))
    return out


def _opaque_spans(text: str, lines: list[str]):
    """The scanner's tokens as sorted 0-based (line, column) starts and ends, and where reading
    stopped (None when the whole text was read)."""
    import yaml

    try:
        from yaml.cyaml import CParser
    except ImportError:  # PyYAML built without libyaml
        CParser = None
    # libyaml counts a byte-order mark inside the text as a column (see planlint.load)
    fast = CParser is not None and "\ufeff" not in text
    scanned = text
    if not fast:
        from planlint.load import _flow_cut

        cut = _flow_cut(text, _MAX_FLOW_DEPTH)
        if cut is not None:
            scanned = text[:cut]
    spans: list[tuple[tuple[int, int], tuple[int, int]]] = []
    limit = None
    last_end = (0, 0)
    scanner = None
    try:
        scanner = CParser(scanned) if fast else yaml.SafeLoader(scanned)
        while True:
            token = scanner.get_token()
            if token is None or isinstance(token, yaml.StreamEndToken):
                break
            start = (token.start_mark.line, token.start_mark.column)
            end = last_end = (token.end_mark.line, token.end_mark.column)
            if end <= start:
                continue
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                header = re.compile(_BLOCK_HEADER).match(lines[start[0]], start[1]) if start[0] < len(lines) else None
                # the header's indicator; the rest of its line may be a comment
                spans.append((start, (start[0], header.end() if header else start[1] + 1)))
                if end > (start[0] + 1, 0):
                    spans.append(((start[0] + 1, 0), end))
                continue
            spans.append((start, end))
    except yaml.YAMLError as exc:
        marks = [mark for mark in (getattr(exc, "context_mark", None), getattr(exc, "problem_mark", None))
                 if mark is not None]
        # tokens the scanner still held back (a possible key) end before the last one handed over
        limit = min([last_end, *((mark.line, mark.column) for mark in marks)])
    finally:
        if scanner is not None:
            scanner.dispose()
    if limit is None and scanned is not text:
        limit = last_end
    spans.sort()
    return [start for start, _ in spans], [end for _, end in spans], limit


def apply(findings: list[Finding], lines: list[str], registry, require_reason: bool, enabled,
          filename: str, text: str | None = None) -> list[Finding]:
    """The findings that no suppression silences, plus PL005/PL006 about the suppressions.

    ``enabled(code)`` says whether a rule runs on this file; a suppression naming a rule that
    does not run is not reported as unused (it may run under another configuration). With
    ``text`` (the YAML text of ``lines``), only real YAML comments are read.
    """
    suppressions = parse(lines, text)
    if not suppressions:
        return findings
    problems: list[Finding] = []
    resolved: list[tuple[Suppression, dict[str, str]]] = []  # code -> as written
    open_blocks: dict[str, Suppression] = {}  # code -> the block that disables it now
    for sup in suppressions:
        codes = _resolve(sup, registry, filename, problems)
        if sup.kind == "enable":
            for code, written in codes.items():
                block = open_blocks.pop(code, None)
                if block is None:
                    problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                             f"the enable of {written} ends nothing: no `# planlint: disable` "
                                             f"of {code} on a line of its own is open above it",
                                             f"delete {written} from the comment"))
                else:
                    block.closed[code] = sup.line
            continue
        if require_reason and not sup.reason and sup.codes:
            problems.append(_finding("PL006", "suppression-reason", sup, filename,
                                     "the suppression gives no reason, and the configuration requires one",
                                     "add `-- why` after the codes, e.g. `# planlint: disable=PL101 -- "
                                     "replicating a published run`"))
        if sup.kind == "block":
            for code in list(codes):
                if code in open_blocks:
                    problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                             f"{codes.pop(code)} is already disabled from line "
                                             f"{open_blocks[code].line}, and no enable ends that block above "
                                             "this line",
                                             f"delete it here, or end the first block with "
                                             f"`# planlint: enable={code}`"))
                else:
                    open_blocks[code] = sup
        resolved.append((sup, codes))

    kept = []
    for finding in findings:
        silenced = False
        if finding.code not in _NEVER:
            for sup, codes in resolved:
                if finding.code in codes and sup.covers(finding.span.line, finding.code):
                    sup.used.add(finding.code)
                    silenced = True
        if not silenced:
            kept.append(finding)
    for sup, codes in resolved:
        for code, written in codes.items():
            if code not in sup.used and enabled(code):
                why = f"{code} reports nothing {sup.where(code)}"
                headline = f"the suppression of {written} silences nothing"
                long = sup.kind == "block"  # a block's extent is too long for the headline: it is a detail
                problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                         headline if long else f"{headline}: {why}",
                                         f"delete {written} from the comment", (why,) if long else ()))
    return kept + problems


def _resolve(sup: Suppression, registry, filename: str, problems: list[Finding]) -> dict[str, str]:
    """The codes a comment names (code -> as written), reporting names that are no rule, codes
    that cannot be suppressed and a comment that names none."""
    if not sup.codes:
        written = sup.head + ("" if sup.codes is None else ":" if sup.noqa else "=")
        example = "# noqa: PL101" if sup.noqa else f"{sup.head}=PL101"
        problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                 f"`{written}` names no rule, so it ends no block" if sup.kind == "enable" else
                                 f"`{written}` names no rule: too broad, so it silences nothing",
                                 f"name the codes, e.g. `{example}`, or delete it",
                                 () if sup.kind == "enable" else
                                 ("planlint silences only the rules a suppression names",)))
        return {}
    codes: dict[str, str] = {}
    for written in sup.codes:
        rule = registry.find(written)
        if rule is None:
            from planlint.config import why_unknown

            why = why_unknown(written, registry)
            problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                     f"the suppression names {written!r}, which is no rule",
                                     "use a code from `planlint rules`, or delete it",
                                     (why[2:],) if why.startswith(": ") else ()))
        elif rule.code in ALWAYS_ON:
            problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                     f"{rule.code} cannot be suppressed: it means the plan was not checked",
                                     f"fix what {rule.code} reports and delete the suppression"))
        elif rule.code in _NEVER:
            problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                     f"{rule.code} cannot be suppressed by a comment: it reports the "
                                     "suppression comments themselves",
                                     f"fix the comment {rule.code} points at, or switch {rule.code} off in the "
                                     "configuration (`ignore: [...]`)"))
        else:
            codes[rule.code] = written
    return codes


def _finding(code: str, name: str, sup: Suppression, filename: str, message: str, fix: str,
             details: tuple[str, ...] = ()) -> Finding:
    return Finding(code=code, rule=name, severity=Severity.WARNING, message=message, fix=fix,
                   span=sup.span, file=filename, details=details)
