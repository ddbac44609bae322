"""The plugin interface: pluggy markers and hook specifications.

A plugin is a module (or object) registered under the ``planlint`` entry-point group::

    [project.entry-points.planlint]
    my_rules = "my_package.planlint_plugin"

and implements hooks marked with :data:`hookimpl`. planlint's own rules are registered the
same way (entry point ``builtin`` -> :mod:`planlint.rules`).
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
