"""Suppression comments: silence a finding where the plan says why.

On the line of the key a finding points at::

    train_tokens: 300B   # planlint: disable=PL101 -- replicating GPT-3 on purpose

Anywhere in the file, for the whole file::

    # planlint: disable-file=PL201,PL301 -- a scaling-law sweep, not a product

Codes or rule names, separated by commas; ``-- reason`` after them. A suppression that
silences nothing is reported (PL005) so that stale ones do not pile up, and with
``require-reason: true`` in the configuration one without a reason is reported (PL006).
PL000, PL001, PL002 and PL004 cannot be suppressed: they mean the plan was not checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from planlint.config import ALWAYS_ON
from planlint.findings import Finding, Severity, Span

# A YAML comment starts with '#' at the start of a line or after whitespace.
_COMMENT = re.compile(
    r"(?:^|(?<=\s))#\s*planlint\s*:\s*(?P<kind>disable-file|disable)\s*=\s*(?P<codes>[^#]*?)"
    r"\s*(?:--\s*(?P<reason>.*?))?\s*$"
)
_NEVER = set(ALWAYS_ON) | {"PL005", "PL006"}


@dataclass
class Suppression:
    line: int
    column: int
    end_column: int
    file_level: bool
    codes: list[str]  # as written
    reason: str
    used: set[str] = field(default_factory=set)

    @property
    def span(self) -> Span:
        return Span(self.line, self.column, self.line, self.end_column)


def parse(lines: list[str]) -> list[Suppression]:
    found = []
    for number, text in enumerate(lines, start=1):
        if "planlint" not in text:
            continue
        match = _COMMENT.search(text)
        if match is None:
            continue
        codes = [c.strip() for c in re.split(r"[,\s]+", match.group("codes")) if c.strip()]
        found.append(Suppression(number, match.start() + 1, len(text.rstrip()) + 1,
                                 match.group("kind") == "disable-file", codes,
                                 (match.group("reason") or "").strip()))
    return found


def apply(findings: list[Finding], lines: list[str], registry, require_reason: bool, enabled,
          filename: str) -> list[Finding]:
    """The findings that no suppression silences, plus PL005/PL006 about the suppressions.

    ``enabled(code)`` says whether a rule runs on this file; a suppression naming a rule that
    does not run is not reported as unused (it may run under another configuration).
    """
    suppressions = parse(lines)
    if not suppressions:
        return findings
    problems: list[Finding] = []
    resolved: list[tuple[Suppression, dict[str, str]]] = []  # code -> as written
    for sup in suppressions:
        codes: dict[str, str] = {}
        for written in sup.codes:
            rule = registry.find(written)
            if rule is None:
                problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                         f"the suppression names {written!r}, which is no rule",
                                         "use a code from `planlint rules`, or delete it"))
            elif rule.code in _NEVER:
                problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                         f"{rule.code} cannot be suppressed: it means the plan was not checked",
                                         f"fix what {rule.code} reports and delete the suppression"))
            else:
                codes[rule.code] = written
        if require_reason and not sup.reason:
            problems.append(_finding("PL006", "suppression-reason", sup, filename,
                                     "the suppression gives no reason, and the configuration requires one",
                                     "add `-- why` after the codes, e.g. `# planlint: disable=PL101 -- "
                                     "replicating a published run`"))
        if not sup.codes:
            problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                     "the suppression names no rule", "name the codes: `disable=PL101`"))
        resolved.append((sup, codes))

    kept = []
    for finding in findings:
        silenced = False
        if finding.code not in _NEVER:
            for sup, codes in resolved:
                if finding.code in codes and (sup.file_level or sup.line == finding.span.line):
                    sup.used.add(finding.code)
                    silenced = True
        if not silenced:
            kept.append(finding)
    for sup, codes in resolved:
        for code, written in codes.items():
            if code not in sup.used and enabled(code):
                where = "in this file" if sup.file_level else "on this line"
                problems.append(_finding("PL005", "unused-suppression", sup, filename,
                                         f"the suppression of {written} silences nothing: {code} reports "
                                         f"nothing {where}", f"delete {written} from the comment"))
    return kept + problems


def _finding(code: str, name: str, sup: Suppression, filename: str, message: str, fix: str) -> Finding:
    return Finding(code=code, rule=name, severity=Severity.WARNING, message=message, fix=fix,
                   span=sup.span, file=filename)
