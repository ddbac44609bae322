"""The checklist interface: items that say, from the plan itself, what is settled and what is not.

An item is a class with an id (kebab-case), a title (the checklist line), optional sources,
and an ``evaluate`` that reads the typed plan and returns a :class:`Verdict` through its
context: ``ctx.done(...)``, ``ctx.missing(...)`` or ``ctx.not_applicable(...)``, each with
the evidence (``ctx.evidence(path, text)``: the value that settles it, located at its line).

Items come from plugins through the ``planlint_checklist_items`` hook, planlint's own ten
from :mod:`planlint.checklist.builtin`. ``planlint checklist PLAN`` renders them.
"""

from __future__ import annotations

import enum
import inspect
from dataclasses import field
from typing import TYPE_CHECKING, ClassVar

from planlint.findings import PathT, dotted
from planlint.records import record

if TYPE_CHECKING:
    from planlint.load import Document
    from planlint.model import Plan


class Status(str, enum.Enum):
    DONE = "done"
    MISSING = "missing"
    NOT_APPLICABLE = "not-applicable"
    ERROR = "error"  # the item raised: planlint could not tell

    def __str__(self) -> str:
        return self.value


@record(frozen=True)
class Evidence:
    """What settles an item: a sentence about the value at ``path``, and where it is."""

    text: str
    path: PathT = ()
    line: int | None = None  # None: the plan does not have the key
    column: int | None = None

    @property
    def pointer(self) -> str:
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.path)


@record(frozen=True)
class Verdict:
    status: Status
    reason: str  # one sentence: why the item has this status
    evidence: tuple[Evidence, ...] = ()
    fix: str = ""  # for a missing item: what the plan should add


class ChecklistItem:
    id: ClassVar[str]
    title: ClassVar[str]
    sources: ClassVar[tuple[str, ...]] = ()

    def evaluate(self, plan: Plan, ctx: ItemContext) -> Verdict:
        raise NotImplementedError

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or cls.title)


_ABSENT = object()


class ItemContext:
    """What an item's ``evaluate`` gets beside the plan: the plan as written (``doc``), its
    numbers, values read by path, and evidence located in the document.

    A path is a tuple of keys and list indices, ``("data", "mix", 0, "revision")``; keys
    starting with ``x-`` (the plan's free keys) are read like any other.
    """

    def __init__(self, item: ChecklistItem, doc: Document, numbers=None):
        self.item = item
        self.doc = doc
        # the plan's numbers (planlint.numbers.PlanNumbers), the ones the rules and `estimate` read
        self.numbers = numbers

    def has(self, path: PathT) -> bool:
        """Whether the plan states a value at ``path``: the key is there and its value is not
        null (``key:`` or ``key: ~``), not an empty or blank string, and not an empty list or
        mapping, none of which settles anything. ``false`` and ``0`` are values."""
        node = self._node(path)
        if node is _ABSENT or node is None:
            return False
        if isinstance(node, str):
            return bool(node.strip())
        if isinstance(node, (list, dict)):
            return bool(node)
        return True

    def value(self, path: PathT, default=None):
        """The value at ``path`` as parsed from the plan (plain data: str, int, float, bool,
        None, lists and dicts; quantities as written, ``"1.3B"``), or ``default`` when the plan
        has no such key. A key written with no value reads as None. For typed, parsed values
        read the ``plan`` argument instead (``plan.data.train_tokens`` is 1.3e9)."""
        node = self._node(path)
        return default if node is _ABSENT else node

    def _node(self, path: PathT):
        node = self.doc.data
        for part in path:
            if isinstance(node, dict) and isinstance(part, str) and part in node:
                node = node[part]
            elif isinstance(node, list) and type(part) is int and -len(node) <= part < len(node):
                node = node[part]
            else:  # no such key or index (a string is not indexed into)
                return _ABSENT
        return node

    def evidence(self, path: PathT, text: str | None = None) -> Evidence:
        """Evidence about the value at ``path`` (default text: ``dotted.path: value`` as written)."""
        path = tuple(path)
        node = self._node(path)
        if node is _ABSENT:
            return Evidence(text or f"no {dotted(path)}", path)
        value = self.doc.locate(path, "value")
        if text is None:
            if value.end_line == value.line:
                text = f"{dotted(path)}: {self.doc.lines[value.line - 1][value.column - 1:value.end_column - 1]}"
            else:
                text = dotted(path)
        # a section or list is where its key is; a value where the value is
        span = self.doc.locate(path, "key") if isinstance(node, (dict, list)) else value
        return Evidence(text, path, span.line, span.column)

    def done(self, reason: str, *evidence: Evidence) -> Verdict:
        return Verdict(Status.DONE, reason, tuple(evidence))

    def missing(self, reason: str, *evidence: Evidence, fix: str = "") -> Verdict:
        return Verdict(Status.MISSING, reason, tuple(evidence), fix)

    def not_applicable(self, reason: str, *evidence: Evidence) -> Verdict:
        return Verdict(Status.NOT_APPLICABLE, reason, tuple(evidence))


@record
class ItemResult:
    id: str
    title: str
    plugin: str
    verdict: Verdict


@record
class PlanChecklist:
    file: str
    name: str
    items: list[ItemResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.verdict.status is status)


def _malformed(verdict) -> str | None:
    """What is wrong with an item's verdict, for the renderers that print it, or None."""
    if not isinstance(verdict, Verdict):
        return f"a {type(verdict).__name__}, not a Verdict"
    if not isinstance(verdict.status, Status) or not isinstance(verdict.reason, str) or \
            not isinstance(verdict.fix, str):
        return "a Verdict whose status is not a Status, or whose reason or fix is not a str"
    for evidence in verdict.evidence if isinstance(verdict.evidence, tuple) else (None,):
        if not isinstance(evidence, Evidence) or not isinstance(evidence.text, str) or not all(
                number is None or (type(number) is int and number >= 1) for number in (evidence.line, evidence.column)):
            return "a Verdict whose evidence is not Evidence made by ctx.evidence()"
    return None


ITEM_TIMEOUT = 10.0  # seconds for one item on one plan; an item takes microseconds


def evaluate(plan: Plan, doc: Document, registry, numbers=None, timeout: float | None = ITEM_TIMEOUT) -> PlanChecklist:
    """Every checklist item of ``registry`` on one plan. An item that raises (``SystemExit``
    included), returns something other than a Verdict, or runs past ``timeout`` seconds, is
    reported as an error naming it and its plugin; the other items are still evaluated. What
    an item writes to standard output or error is kept off the checklist and noted
    (``planlint.contain``). ``numbers`` are the plan's (computed here when not given)."""
    from planlint import contain

    if numbers is None:
        from planlint.numbers import compute

        numbers = compute(plan)
    out = PlanChecklist(doc.name, plan.name)
    for item_id, item_class in registry.checklist.items():
        plugin = registry.checklist_owner[item_id]
        who = f"item {item_id} (plugin '{plugin}')"

        def run(item_class=item_class):
            item = item_class()
            return item.evaluate(plan, ItemContext(item, doc, numbers))

        verdict, error, written = contain.call(run, timeout)
        if written:
            contain.note(plugin, item_id, f"checklist {who} wrote to {written}; not shown")
        problem = _malformed(verdict) if error is None else None
        if problem:
            verdict = Verdict(Status.ERROR, f"{who} returned {problem}",
                              fix="report this to the plugin's maintainers with the plan")
        elif isinstance(error, contain.Timeout):
            verdict = Verdict(Status.ERROR, f"{who} took longer than {timeout:g} s and was stopped",
                              fix="report this to the plugin's maintainers with the plan")
        elif error is not None:
            verdict = Verdict(Status.ERROR, f"{who} {contain.failure(error)}",
                              fix="report this to the plugin's maintainers with the plan")
        out.items.append(ItemResult(item_id, item_class.title, plugin, verdict))
    return out
