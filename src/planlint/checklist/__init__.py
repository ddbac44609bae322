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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from planlint.findings import PathT, dotted

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


@dataclass(frozen=True)
class Evidence:
    """What settles an item: a sentence about the value at ``path``, and where it is."""

    text: str
    path: PathT = ()
    line: int | None = None  # None: the plan does not have the key
    column: int | None = None

    @property
    def pointer(self) -> str:
        return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in self.path)


@dataclass(frozen=True)
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
    """What an item's ``evaluate`` gets beside the plan: evidence located in the document."""

    def __init__(self, item: ChecklistItem, doc: Document, numbers=None):
        self.item = item
        self.doc = doc
        # the plan's numbers (planlint.numbers.PlanNumbers), the ones the rules and `estimate` read
        self.numbers = numbers

    def has(self, path: PathT) -> bool:
        """Whether the plan has a value at ``path``."""
        return self._node(path) is not _ABSENT

    def _node(self, path: PathT):
        node = self.doc.data
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
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


@dataclass
class ItemResult:
    id: str
    title: str
    plugin: str
    verdict: Verdict


@dataclass
class PlanChecklist:
    file: str
    name: str
    items: list[ItemResult] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for item in self.items if item.verdict.status is status)


def evaluate(plan: Plan, doc: Document, registry, numbers=None) -> PlanChecklist:
    """Every checklist item of ``registry`` on one plan. An item that raises, or returns
    something other than a Verdict, is reported as an error naming it and its plugin; the
    other items are still evaluated. ``numbers`` are the plan's (computed here when not given)."""
    if numbers is None:
        from planlint.numbers import compute

        numbers = compute(plan)
    out = PlanChecklist(doc.name, plan.name)
    for item_id, item_class in registry.checklist.items():
        plugin = registry.checklist_owner[item_id]
        item = item_class()
        try:
            verdict = item.evaluate(plan, ItemContext(item, doc, numbers))
            if not isinstance(verdict, Verdict):
                raise TypeError(f"evaluate() returned {type(verdict).__name__}, not a Verdict")
        except Exception as exc:
            verdict = Verdict(Status.ERROR, f"item {item_id} (plugin '{plugin}') raised {type(exc).__name__}: {exc}",
                              fix="report this to the plugin's maintainers with the plan")
        out.items.append(ItemResult(item_id, item_class.title, plugin, verdict))
    return out
