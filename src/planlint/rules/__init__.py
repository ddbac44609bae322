"""planlint's built-in rules: a pluggy plugin like any third-party bundle.

Every module in this package that defines :class:`planlint.rule.Rule` subclasses contributes
them; adding a rule is adding a module here and its page in ``rules/<CODE>.md``.
"""

from __future__ import annotations

import importlib
import pkgutil

from planlint.hooks import hookimpl


@hookimpl
def planlint_rules():
    from planlint.rule import Rule

    found = []
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for value in vars(module).values():
            if (isinstance(value, type) and issubclass(value, Rule) and value is not Rule
                    and value.__module__ == module.__name__ and isinstance(getattr(value, "code", None), str)):
                found.append(value)
    return found


@hookimpl
def planlint_adapters():
    # called on first use of a launch config only (Registry.load_adapters)
    from planlint.adapters.builtin import stand_ins

    return list(stand_ins())
