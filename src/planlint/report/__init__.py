"""Stage 5: formatters. Each takes the results of a run and writes them to a stream.

``full`` (also called ``text``) and ``concise`` are for people, ``json`` for scripts, and
``sarif`` (code scanning), ``github`` (workflow-command annotations), ``junit`` (test reports)
and ``gitlab`` (Code Quality) for CI systems; plugins add more through the
``planlint_formats`` hook.

Every format, built-in or a plugin's, is a :class:`Formatter`: its ``render`` is given one
:class:`Context` (the results, the stream, colour, the ``--fail-on`` threshold, the registry,
the severities shown, whether to write the summary and whether ``--statistics`` was asked
for). Each formatter module is imported only when it is used, so that importing this package
stays cheap.
"""

from __future__ import annotations

FORMATS = ("full", "concise", "json", "sarif", "github", "junit", "gitlab")
# other names of built-in formats: `text` was the name of `full` before ruff's names were used
ALIASES = {"text": "full"}

PROJECT_URL = "https://github.com/planlint/planlint"
# The catalogue page of a built-in rule; plugin rules have no page here.
RULE_DOCS_URL = "https://github.com/planlint/planlint/blob/main/rules/{code}.md"

# name -> (module, class): imported on first use
_BUILTIN = {
    "full": ("planlint.report.text", "FullFormat"),
    "concise": ("planlint.report.text", "ConciseFormat"),
    "json": ("planlint.report.json_format", "JsonFormat"),
    "sarif": ("planlint.report.sarif", "SarifFormat"),
    "github": ("planlint.report.github", "GithubFormat"),
    "junit": ("planlint.report.junit", "JunitFormat"),
    "gitlab": ("planlint.report.gitlab", "GitlabFormat"),
}


class Unsupported(ValueError):
    """A format was asked for something it cannot write (``--statistics`` in SARIF): one line, exit 2."""


class Context:
    """What a formatter is given.

    ``results``: the ``engine.FileResult`` of each file, holding only the findings shown (see
    ``shown``); ``stream``: the text stream to write to; ``color``: whether ANSI colour is
    wanted; ``fail_on``: the ``--fail-on`` severity (a Severity, its name, or None: each file's
    own ``fail_on``); ``shown``: the severities shown (``--min-severity``); ``hidden``: how
    many findings were left out for it, by severity name; ``summary``: False under ``--quiet``;
    ``statistics``: True for ``--statistics`` (counts per rule instead of the findings).
    """

    __slots__ = ("results", "stream", "color", "fail_on", "_registry", "shown", "hidden", "summary", "statistics")

    def __init__(self, results, stream, *, color: bool = False, fail_on=None, registry=None, shown=None,
                 hidden=None, summary: bool = True, statistics: bool = False):
        from planlint.findings import Severity

        self.results = list(results)
        self.stream = stream
        self.color = color
        self.fail_on = fail_on
        self._registry = registry
        self.shown = frozenset(Severity) if shown is None else frozenset(shown)
        self.hidden = dict(hidden or {})
        self.summary = summary
        self.statistics = statistics

    @property
    def registry(self):
        """The plugin registry (the process-wide one when none was given)."""
        if self._registry is None:
            from planlint.plugins import registry as process_registry

            self._registry = process_registry()
        return self._registry

    @property
    def hidden_count(self) -> int:
        return sum(self.hidden.values())

    def writing_to(self, stream) -> Context:
        """The same context with another stream (a plugin format renders into a buffer)."""
        return Context(self.results, stream, color=self.color, fail_on=self.fail_on, registry=self._registry,
                       shown=self.shown, hidden=self.hidden, summary=self.summary, statistics=self.statistics)


class Formatter:
    """One output format. Subclasses set ``name`` and implement ``render(context)``; a format
    that can write ``--statistics`` sets ``statistics = True`` and reads ``context.statistics``."""

    name = ""
    statistics = False

    def render(self, context: Context) -> None:
        raise NotImplementedError


class FunctionFormat(Formatter):
    """A format that is a function ``render(results, stream)``: the form plugins registered
    before :class:`Formatter`. It gets the findings shown; it cannot write ``--statistics``."""

    def __init__(self, name: str, function):
        self.name = name
        self.function = function

    def render(self, context: Context) -> None:
        self.function(context.results, context.stream)


def at_least(minimum) -> frozenset:
    """The severities ``--min-severity`` shows: ``minimum`` (a Severity or its name) and above."""
    from planlint.findings import Severity

    floor = minimum if isinstance(minimum, Severity) else Severity.parse(str(minimum))
    return frozenset(severity for severity in Severity if severity >= floor)


def shown_only(results, shown) -> tuple[list, dict[str, int]]:
    """``results`` with only the findings of the ``shown`` severities, and how many of each
    severity were left out. A finding that means the file was not checked
    (``findings.NOT_CHECKED``) is always shown: a file that was not checked never looks clean."""
    from dataclasses import replace

    from planlint.findings import NOT_CHECKED, Severity

    shown = frozenset(shown)
    hidden = {str(severity): 0 for severity in sorted(Severity, reverse=True)}
    if shown >= frozenset(Severity):
        return list(results), {}
    out = []
    for result in results:
        kept = [f for f in result.findings if f.severity in shown or f.code in NOT_CHECKED]
        for finding in result.findings:
            if finding.severity not in shown and finding.code not in NOT_CHECKED:
                hidden[str(finding.severity)] += 1
        out.append(result if len(kept) == len(result.findings) else replace(result, findings=kept))
    return out, {name: n for name, n in hidden.items() if n}


def levels(counts: dict) -> str:
    """``{"warning": 3, "info": 8}`` -> ``3 warnings, 8 info``."""
    return ", ".join(f"{n} {name}{'' if n == 1 or str(name) == 'info' else 's'}" for name, n in counts.items() if n)


def canonical(fmt: str) -> str:
    """A format's own name (``text`` -> ``full``)."""
    return ALIASES.get(fmt, fmt)


def formatter(fmt: str, registry=None) -> Formatter:
    """The formatter named ``fmt`` (a built-in, an alias, or a plugin's); ValueError for no such format."""
    fmt = canonical(fmt)
    if fmt in _BUILTIN:
        import importlib

        module, name = _BUILTIN[fmt]
        return getattr(importlib.import_module(module), name)()
    if registry is None:
        from planlint.plugins import registry as process_registry

        registry = process_registry()
    found = registry.formats.get(fmt)
    if found is None:
        raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(names(registry))}")
    return found


def refusal(fmt: str, registry=None, *, statistics: bool = False) -> str | None:
    """Why format ``fmt`` cannot write what was asked for, or None."""
    if statistics and not formatter(fmt, registry).statistics:
        return (f"--statistics has no {canonical(fmt)} form: use --output-format full, concise or json "
                "with --statistics, or leave --statistics out")
    return None


def render_context(fmt: str, context: Context) -> None:
    """Write ``context`` in format ``fmt``; :class:`Unsupported` when it cannot (see :func:`refusal`)."""
    reason = refusal(fmt, context._registry, statistics=context.statistics)
    if reason is not None:
        raise Unsupported(reason)
    formatter(fmt, context._registry).render(context)


def render(fmt: str, results, stream, *, color: bool = False, fail_on=None, registry=None, summary: bool = True,
           statistics: bool = False) -> None:
    """Write ``results`` (a list of ``engine.FileResult``) to ``stream`` in format ``fmt``.

    ``fail_on`` is the ``--fail-on`` severity (a name or a Severity; None: each file's own
    ``fail_on``, else warning);
    ``registry`` the plugin registry (None: the process-wide one), used by the formats that
    list the rules (sarif, junit).
    """
    render_context(fmt, Context(results, stream, color=color, fail_on=fail_on, registry=registry, summary=summary,
                                statistics=statistics))


def names(registry) -> list[str]:
    """The built-in formats, then those plugins add (``planlint_formats``)."""
    return list(FORMATS) + list(registry.formats)
