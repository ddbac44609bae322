"""The plugin interface: pluggy markers and hook specifications.

A plugin is a module (or object) registered under the ``planlint`` entry-point group::

    [project.entry-points.planlint]
    my_rules = "my_package.planlint_plugin"

and implements any of the hooks below, each marked with :data:`hookimpl`. planlint's own
rules and launch-config adapters, and its checklist, are registered the same way (entry points
``builtin`` -> :mod:`planlint.rules` and ``checklist`` -> :mod:`planlint.checklist.builtin`).

Every hook takes no arguments and returns a list (``planlint_formats``: a dict). planlint
calls each plugin's hooks on their own: one that raises or returns something else gives a
warning naming the plugin, and the other plugins still load. ``docs/plugins.md`` documents
each hook with an example.
"""

from __future__ import annotations

import pluggy

PROJECT = "planlint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class PlanlintSpec:
    @hookspec
    def planlint_rules(self):
        """Return the rule classes this plugin contributes: a list of :class:`planlint.rule.Rule`
        subclasses. Import rule modules inside the hook, so that commands that need no rules
        (``--version``, ``--help``) stay fast."""

    @hookspec
    def planlint_checklist_items(self):
        """Return the checklist items this plugin contributes: a list of
        :class:`planlint.checklist.ChecklistItem` subclasses, shown by ``planlint checklist``
        after the built-in items, in the order given."""

    @hookspec
    def planlint_accelerators(self):
        """Return the accelerators this plugin adds to the catalogue: a list of
        :class:`planlint.accelerators.Accelerator`. Plans may then name them in
        ``compute.accelerator`` and ``serving.accelerator``; ``planlint accelerators`` lists them."""

    @hookspec
    def planlint_formats(self):
        """Return the output formats this plugin adds to ``planlint check --output-format``: a
        dict from format name to a :class:`planlint.report.Formatter` subclass, whose
        ``render(context)`` writes ``context.results`` (a list of ``planlint.engine.FileResult``)
        to ``context.stream`` (see :class:`planlint.report.Context`). A function
        ``render(results, stream)``, the older form, still works: it gets the results and the
        stream, and cannot write ``--statistics``."""

    @hookspec
    def planlint_adapters(self):
        """Return the launch-config adapters this plugin contributes: a list of
        :class:`planlint.adapters.Adapter` subclasses, each reading one framework's config (a
        launch script, a YAML or TOML file) into plan fields without importing the framework.
        A plan names its config under ``launch``; ``planlint check CONFIG`` and ``planlint
        import CONFIG`` read one alone. This hook is called only when a config is read, so
        import your adapter modules inside it."""
