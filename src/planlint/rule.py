"""The rule interface: metadata in one place, a ``check`` that yields findings.

A rule is a class with a code, a name, a default severity, a one-line summary, options with
defaults and sources. Its documentation is its catalogue page (``rules/<CODE>.md``) for
built-in rules, or its docstring for plugin rules; ``planlint explain`` shows either.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Iterable

from planlint.findings import Finding, PathT, Severity
from planlint.records import record

if TYPE_CHECKING:
    from planlint.load import Document
    from planlint.model import Plan


# Rule options are thresholds, shares, factors and counts; no plan quantity comes near 1e30
# (the largest training runs are ~1e26 FLOPs), so a number past it is a typo or an attack.
OPTION_MAGNITUDE = 1e30
_ELEMENTS = {str: "string", int: "whole number", float: "number"}
# the plan's quantity syntax (planlint.quantities) a numeric option may take besides a number
QUANTITIES = ("count", "share", "usd", "fraction")


class OptionError(ValueError):
    """A value an option cannot take. ``expected`` says what it must be (``a number from 0 to
    1``); ``at`` is where in a list (``[2]``), empty for the value itself; ``value`` is the part
    that is wrong."""

    def __init__(self, expected: str, value: Any, at: str = ""):
        super().__init__(f"{at} must be {expected}" if at else f"must be {expected}")
        self.expected, self.value, self.at = expected, value, at


@record(frozen=True)
class Option:
    """A rule option: its default (which also fixes its type) and what it means.

    The type is the default's: ``bool``, ``int`` (whole numbers), ``float`` (any number),
    ``str``, or a ``list`` (or ``tuple``) whose elements are ``items`` (``str``, ``int`` or
    ``float``; when not given, the type of the default's elements). ``choices`` limits a string
    (or each string of a list) to those values; ``minimum`` and ``maximum`` bound a number (or
    each number of a list), inclusive. ``quantity`` lets a number be written in the plan's
    syntax as well: ``"count"`` (``1.5M``, ``2T``, ``3e21``, ``50_000``), ``"share"`` (``5%``
    or ``0.05``), ``"usd"`` (``"$1.80"``) or ``"fraction"`` (``40%`` or ``0.4``). A
    declaration that contradicts itself (a default outside its own range or choices) raises
    ``TypeError`` or ``ValueError`` when the rule's module is imported.
    """

    default: Any
    help: str
    items: type | None = None
    choices: tuple | None = None
    minimum: float | None = None
    maximum: float | None = None
    quantity: str | None = None

    def __post_init__(self):
        kind = self.kind
        if kind not in (bool, int, float, str, list, tuple):
            raise TypeError(f"an option's default is a bool, int, float, str or list, not {type(self.default).__name__}")
        if not isinstance(self.help, str):
            raise TypeError("an option's help is a str")
        if kind in (list, tuple):
            items = self.items
            if items is None:
                found = {type(element) for element in self.default}
                if len(found) != 1:
                    raise TypeError("a list option needs items=str, int or float (its default does not show which)")
                items = found.pop()
                object.__setattr__(self, "items", items)
            if items not in _ELEMENTS:
                raise TypeError(f"a list option's items are str, int or float, not {getattr(items, '__name__', items)}")
        elif self.items is not None:
            raise TypeError("items= is for list options")
        element = self.element
        if self.choices is not None:
            if element is not str or isinstance(self.choices, str) or not self.choices or \
                    not all(isinstance(choice, str) for choice in self.choices):
                raise TypeError("choices= is a tuple of strings, for a str option or a list of str")
            object.__setattr__(self, "choices", tuple(self.choices))
        if (self.minimum is not None or self.maximum is not None) and element not in (int, float):
            raise TypeError("minimum= and maximum= are for numeric options")
        for bound in (self.minimum, self.maximum):
            if bound is not None and (isinstance(bound, bool) or not isinstance(bound, (int, float))):
                raise TypeError("minimum= and maximum= are numbers")
        if self.quantity is not None and (element is not float or self.quantity not in QUANTITIES):
            raise TypeError(f"quantity= is one of {', '.join(QUANTITIES)}, for a float option (or a list of float)")
        try:
            self.convert(self.default)
        except OptionError as exc:
            raise ValueError(f"the option's default {self.default!r} is not {self.describe()}") from None

    @property
    def kind(self) -> type:
        """bool, int, float, str, list or tuple: the type of the default."""
        return type(self.default)

    @property
    def element(self) -> type:
        """The type of the value, or of each element of a list option."""
        return self.items if self.kind in (list, tuple) else self.kind

    def describe(self) -> str:
        """What a value must be, for messages and ``planlint explain``: ``a number from 0 to 1``."""
        if self.kind in (list, tuple):
            return f"a list of {self._describe_element(plural=True)}"
        return self._describe_element()

    def _describe_element(self, plural: bool = False) -> str:
        element = self.element
        if element is bool:
            return "true or false"
        name = _ELEMENTS[element]
        text = f"{name}s" if plural else f"a {name}"
        if self.choices is not None:
            listed = ", ".join(repr(choice) for choice in self.choices)
            return f"{text}, each one of {listed}" if plural else f"one of {listed}"
        if self.quantity == "count":
            text += " (or a count such as 1.5M or 2T)"
        elif self.quantity in ("share", "fraction"):
            text += " (or a percentage such as 5%)"
        elif self.quantity == "usd":
            text += " (or an amount such as \"$1.80\")"
        low, high = self.minimum, self.maximum
        if low is not None and high is not None:
            text += f" from {low:g} to {high:g}"
        elif low is not None:
            text += f" of at least {low:g}"
        elif high is not None:
            text += f" of at most {high:g}"
        return text

    def convert(self, value: Any) -> Any:
        """``value`` as the rule reads it (a quantity parsed, an int a float for a float option),
        or :class:`OptionError` saying what it must be."""
        if self.kind in (list, tuple):
            if not isinstance(value, (list, tuple)):
                raise OptionError(self.describe(), value)
            converted = [self._element(item, f"[{index}]") for index, item in enumerate(value)]
            return tuple(converted) if self.kind is tuple else converted
        return self._element(value, "")

    def _element(self, value: Any, at: str) -> Any:
        element = self.element
        if element is bool:
            if not isinstance(value, bool):
                raise OptionError("true or false", value, at)
            return value
        if element is str:
            if not isinstance(value, str):
                raise OptionError(self._describe_element() if not at else "a string", value, at)
            if self.choices is not None and value not in self.choices:
                listed = ", ".join(repr(choice) for choice in self.choices)
                raise OptionError(f"one of {listed}", value, at)
            return value
        number = value
        if isinstance(value, str) and self.quantity is not None:
            from planlint.quantities import PARSERS, QuantityError

            try:
                number = PARSERS[self.quantity](value)
            except QuantityError:
                raise OptionError(self._describe_element(), value, at) from None
        if isinstance(number, bool) or not isinstance(number, (int, float)) or (
                element is int and not isinstance(number, int)):
            raise OptionError(self._describe_element(), value, at)
        if not abs(number) <= OPTION_MAGNITUDE:  # NaN fails too
            raise OptionError(f"between -{OPTION_MAGNITUDE:g} and {OPTION_MAGNITUDE:g}", value, at)
        if (self.minimum is not None and number < self.minimum) or (self.maximum is not None and number > self.maximum):
            raise OptionError(self._describe_element(), value, at)
        return float(number) if element is float else number


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    aliases: ClassVar[tuple[str, ...]] = ()  # former names, still accepted in configuration and comments
    severity: ClassVar[Severity] = Severity.WARNING  # the default; a rule may emit other levels
    summary: ClassVar[str]
    options: ClassVar[dict[str, Option]] = {}
    sources: ClassVar[tuple[str, ...]] = ()
    # Where its findings point, in Markdown (`data.train_tokens`): the key whose line a
    # suppression comment goes on. Shown on the rule's page and by `planlint explain`.
    points_at: ClassVar[str] = ""
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
        from planlint.resources import read_text, rule_page

        page = rule_page(cls.code) if cls.__module__.startswith("planlint.") else None
        if page is not None:
            return read_text(page)
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
                target: str = "key", details: Iterable[str] = (), **facts: Any) -> Finding:
        """A finding at the key (``target="key"``) or value at ``path``, carrying its numbers.
        ``message`` is the headline (``planlint.findings.HEADLINE_LIMIT``); ``details`` the
        sentences that support it (empty ones are left out)."""
        return Finding(
            code=self.rule.code, rule=self.rule.name, severity=severity or self.rule.severity,
            message=message, fix=fix, path=tuple(path), span=self.doc.locate(path, target),
            file=self.doc.name, facts=facts, details=tuple(line for line in details if line),
        )
