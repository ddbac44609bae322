"""The rule interface: metadata in one place, a ``check`` that yields findings.

A rule is a class with a code, a name, a default severity, a one-line summary, options with
defaults and sources. Its documentation is its catalogue page (``rules/<CODE>.md``) for
built-in rules, or its docstring for plugin rules; ``planlint explain`` shows either.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from planlint.findings import Finding, PathT, Severity

if TYPE_CHECKING:
    from planlint.load import Document
    from planlint.model import Plan


@dataclass(frozen=True)
class Option:
    """A rule option: its default (which also fixes its type) and what it means."""

    default: Any
    help: str


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()  # former names, still accepted in configuration and comments
    severity: ClassVar[Severity] = Severity.WARNING  # the default; a rule may emit other levels
    summary: ClassVar[str]
    options: ClassVar[dict[str, Option]] = {}
    sources: ClassVar[tuple[str, ...]] = ()
    # "plan" rules run on the typed plan; "pipeline" rules (PL001-PL004) are reported by the
    # loading and validation stages and are listed here for `rules` and `explain`.
    stage: ClassVar[str] = "plan"

    def check(self, plan: Plan, ctx: RuleContext) -> Iterable[Finding]:
        return ()

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        return {name: option.default for name, option in cls.options.items()}

    @classmethod
    def documentation(cls) -> str:
        """The catalogue page of a built-in rule, else the class docstring."""
        from planlint.resources import rule_page

        page = rule_page(cls.code) if cls.__module__.startswith("planlint.") else None
        if page is not None:
            return page.read_text(encoding="utf-8")
        return inspect.cleandoc(cls.__doc__ or cls.summary)


class RuleContext:
    """What a rule's ``check`` gets beside the plan: its options and a finding factory."""

    # the plan's launch config (planlint.link.Link: what it filled in, what it says otherwise), or None
    launch = None

    def __init__(self, rule: Rule, doc: Document, options: dict[str, Any] | None = None, numbers=None):
        self.rule = rule
        self.doc = doc
        self.options = {**rule.defaults(), **(options or {})}
        # the plan's numbers (planlint.numbers.PlanNumbers), computed once for every rule
        self.numbers = numbers

    def finding(self, path: PathT, message: str, fix: str, severity: Severity | None = None,
                target: str = "key", **facts: Any) -> Finding:
        """A finding at the key (``target="key"``) or value at ``path``, carrying its numbers."""
        return Finding(
            code=self.rule.code, rule=self.rule.name, severity=severity or self.rule.severity,
            message=message, fix=fix, path=tuple(path), span=self.doc.locate(path, target),
            file=self.doc.name, facts=facts,
        )
