"""Stage 5: formatters. Each takes the results of a run and writes them to a stream.

``text`` and ``concise`` are for people, ``json`` for scripts, and ``sarif`` (code scanning),
``github`` (workflow-command annotations), ``junit`` (test reports) and ``gitlab`` (Code
Quality) for CI systems; plugins add more through the ``planlint_formats`` hook. Each
formatter module is imported only when it is used, so that importing this package stays cheap.
"""

from __future__ import annotations

FORMATS = ("text", "concise", "json", "sarif", "github", "junit", "gitlab")

PROJECT_URL = "https://github.com/planlint/planlint"
# The catalogue page of a built-in rule; plugin rules have no page here.
RULE_DOCS_URL = "https://github.com/planlint/planlint/blob/main/rules/{code}.md"


def render(fmt: str, results, stream, *, color: bool = False, fail_on=None, registry=None) -> None:
    """Write ``results`` (a list of ``engine.FileResult``) to ``stream`` in format ``fmt``.

    ``fail_on`` is the ``--fail-on`` severity (a name or a Severity; None: each file's own
    ``fail_on``, else warning);
    ``registry`` the plugin registry (None: the process-wide one), used by the formats that
    list the rules (sarif, junit).
    """
    if fmt in ("text", "concise"):
        from planlint.report.text import render_text

        render_text(results, stream, color=color, source=(fmt == "text"), fail_on=fail_on)
    elif fmt == "json":
        from planlint.report.json_format import render_json

        render_json(results, stream)
    elif fmt == "github":
        from planlint.report.github import render_github

        render_github(results, stream)
    elif fmt == "gitlab":
        from planlint.report.gitlab import render_gitlab

        render_gitlab(results, stream)
    elif fmt in ("sarif", "junit"):
        if registry is None:
            from planlint.plugins import registry as process_registry

            registry = process_registry()
        if fmt == "sarif":
            from planlint.report.sarif import render_sarif

            render_sarif(results, stream, registry)
        else:
            from planlint.report.junit import render_junit

            render_junit(results, stream, registry, fail_on=fail_on)
    else:
        if registry is None:
            from planlint.plugins import registry as process_registry

            registry = process_registry()
        plugin_format = registry.formats.get(fmt)
        if plugin_format is None:
            raise ValueError(f"unknown format {fmt!r}: use one of {', '.join(names(registry))}")
        plugin_format(results, stream)


def names(registry) -> list[str]:
    """The built-in formats, then those plugins add (``planlint_formats``)."""
    return list(FORMATS) + list(registry.formats)
