"""planlint's built-in rules: a pluggy plugin like any third-party bundle.

Every module in this package that defines :class:`planlint.rule.Rule` subclasses contributes
them; adding a rule is adding a module here and its page in ``rules/<CODE>.md``.
"""

from __future__ import annotations

import importlib
import os

from planlint.hooks import hookimpl


def module_names() -> list[str]:
    """The package's modules, as ``pkgutil.iter_modules`` lists them (``tests/test_rules_package.py``
    holds the two equal), read from the folder: importing pkgutil would cost every ``check`` a
    millisecond. Where the package is not a folder (a zip), pkgutil answers."""
    from importlib.machinery import all_suffixes

    folder = __path__[0]
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        import pkgutil

        return [info.name for info in pkgutil.iter_modules(__path__)]
    suffixes = sorted(all_suffixes(), key=len, reverse=True)

    def module_name(entry: str) -> str | None:  # inspect.getmodulename
        return next((entry[:-len(suffix)] for suffix in suffixes if entry.endswith(suffix)), None)

    names: list[str] = []
    for entry in entries:
        name = module_name(entry)
        if name is None and "." not in entry and os.path.isdir(os.path.join(folder, entry)):
            try:
                inside = os.listdir(os.path.join(folder, entry))
            except OSError:
                inside = []
            name = entry if any(module_name(item) == "__init__" for item in inside) else None
        if name and name != "__init__" and "." not in name and name not in names:
            names.append(name)
    return names


@hookimpl
def planlint_rules():
    from planlint.rule import Rule

    found = []
    for name in module_names():
        if name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{name}")
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
