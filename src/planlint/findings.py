"""What every stage of the pipeline produces: located findings.

A finding is born at a JSON path into the plan (``("data", "train_tokens")``) and located
against the source positions that ``load`` recorded, so rules never deal with lines.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any

PathT = tuple  # a JSON path into the plan: mapping keys (str) and list indices (int)


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


@dataclass(frozen=True)
class Span:
    """1-based line and column of the first character, and of the character just past the end."""

    line: int
    column: int
    end_line: int
    end_column: int


@dataclass
class Finding:
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


def dotted(path: PathT) -> str:
    """``("data", "mix", 2, "share")`` -> ``data.mix[2].share``, the way users read a plan."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "the plan"
