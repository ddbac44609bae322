"""What every stage of the pipeline produces: located findings.

A finding is born at a JSON path into the plan (``("data", "train_tokens")``) and located
against the source positions that ``load`` recorded, so rules never deal with lines.
"""

from __future__ import annotations

import enum
from dataclasses import field
from typing import Any

from planlint.records import record

PathT = tuple  # a JSON path into the plan: mapping keys (str) and list indices (int)

# The codes that mean a plan could not be checked, or not wholly: a rule raised (PL000), the
# file is not YAML (PL001), breaks the format (PL002), can be read two ways (PL003), is past
# a safety bound (PL004) or names a launch config that cannot be read (PL008). They always run
# and stay errors: no configuration, suppression comment or baseline can switch them off,
# downgrade or hide them.
NOT_CHECKED = ("PL000", "PL001", "PL002", "PL003", "PL004", "PL008")
# Of those, the ones where checking stopped before the end (a rule raised, the YAML did not
# parse, a bound cut it short): for the formats that report a tool's own failures (SARIF's
# tool execution notifications, JUnit's errors).
STOPPED = ("PL000", "PL001", "PL004")

# A finding's headline (its ``message``) fits a terminal line: at most this many characters
# (code points, as printed, after escaping), not counting what the text format puts around it
# (``file:line:col: CODE [severity] `` before, `` (rule-name)`` after). It says what is wrong
# and the key number; the other numbers, the assumptions and the sources go to ``details``.
HEADLINE_LIMIT = 100


class Severity(enum.IntEnum):
    """Ordered so that ``max()`` gives the worst."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}: use error, warning or info") from None


@record(frozen=True)
class Span:
    """1-based line and column of the first character, and of the character just past the end."""

    line: int
    column: int
    end_line: int
    end_column: int


@record
class Finding:
    """One finding: a rule's message and fix at a place in a file, with its numbers."""

    code: str
    rule: str
    severity: Severity
    message: str
    fix: str = ""
    path: PathT = ()
    span: Span = Span(1, 1, 1, 1)
    file: str = ""
    # The numbers behind the message, for machine readers (``--format json``).
    facts: dict[str, Any] = field(default_factory=dict)
    # What supports the headline, one sentence each: the other numbers, assumptions, sources.
    # The text format draws them under the source line (``= note: ...``), before the fix.
    details: tuple[str, ...] = ()

    @property
    def line(self) -> int:
        return self.span.line

    @property
    def column(self) -> int:
        return self.span.column

    @property
    def pointer(self) -> str:
        """The RFC 6901 JSON pointer of the key or value the finding concerns."""
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.path)

    def sort_key(self) -> tuple:
        # position only: a stable sort keeps the order in which a stage reported a spot's findings
        return (self.span.line, self.span.column)


class FindingList(list):
    """The findings of a stage that can produce many (loading and the schema check), bounded:
    past ``limit`` a finding is counted, not kept, and ``summary()`` says how many were held
    back, at the first of them. Building the message of a finding that will be dropped is work
    a caller can skip when ``full`` says so."""

    def __init__(self, name: str, limit: int):
        super().__init__()
        self.name = name
        self.limit = max(limit, 0)
        self.dropped = 0
        self.first_dropped: Span | None = None
        self.more = False  # more were left uncounted: ``dropped`` is a lower bound

    @property
    def full(self) -> bool:
        return len(self) >= self.limit

    def add(self, code: str, rule: str, message: str, span, fix: str = "", path: PathT = (),
            severity: Severity = Severity.ERROR, details: tuple[str, ...] = ()) -> None:
        if isinstance(span, tuple):
            span = Span(*span)  # a position from the loader
        if self.full:
            self.skip(span)
            return
        self.append(Finding(code=code, rule=rule, severity=severity, message=message, fix=fix, path=path,
                            span=span, file=self.name, details=tuple(details)))

    def skip(self, span) -> None:
        """Count a finding not kept; only the first one's ``span`` is remembered (callers may pass
        None for the others)."""
        if self.dropped == 0 and span is not None:
            self.first_dropped = span if isinstance(span, Span) else Span(*span)
        self.dropped += 1


def dotted(path: PathT) -> str:
    """``("data", "mix", 2, "share")`` -> ``data.mix[2].share``, the way users read a plan."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "the plan"
