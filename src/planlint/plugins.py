"""Loading plugins and collecting their rules, once per process.

Each entry point of the ``planlint`` group is loaded on its own: one that fails to import
gives a warning naming it and the others still load. Rule codes must be unique: a collision
is an error that names both plugins, never resolved silently.

Importing ``importlib.metadata`` costs a one-plan run more than reading the metadata it
would read, so when nothing has imported it yet the entry points are read here directly,
the way it reads them (``sys.path`` order, the first distribution of a name wins). Anything
unusual on ``sys.path`` or ``sys.meta_path`` (a zip, an egg, a finder that lists
distributions) hands the search back to ``importlib.metadata``.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

from planlint.rule import Rule

BUILTIN = "builtin"
_CODE = re.compile(r"^[A-Z]{2,5}[0-9]{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class RegistryError(Exception):
    """A plugin contributed something planlint cannot accept (e.g. a duplicate rule code)."""


@dataclass
class Registry:
    rules: dict[str, type[Rule]] = field(default_factory=dict)  # by code, sorted
    owner: dict[str, str] = field(default_factory=dict)  # code -> plugin name
    warnings: list[str] = field(default_factory=list)

    @property
    def plan_rules(self) -> list[type[Rule]]:
        return [r for r in self.rules.values() if r.stage == "plan"]

    def find(self, code_or_name: str) -> type[Rule] | None:
        key = code_or_name.strip()
        if key.upper() in self.rules:
            return self.rules[key.upper()]
        for rule in self.rules.values():
            if rule.name == key.lower():
                return rule
        return None


def _plugin_manager(autoload: bool, warnings: list[str]):
    import pluggy

    from planlint import hooks

    manager = pluggy.PluginManager(hooks.PROJECT)
    manager.add_hookspecs(hooks.PlanlintSpec)
    loaded_builtin = False
    if autoload:
        for entry in entry_points(hooks.PROJECT):
            if entry.name == BUILTIN and entry.value != "planlint.rules":
                continue  # only planlint itself may register as the built-in bundle
            try:
                plugin = entry.load()
            except Exception as exc:  # a broken plugin must not take the others down
                warnings.append(f"plugin '{entry.name}' ({entry.value}) failed to load: {exc!r}; skipped")
                continue
            if manager.is_registered(plugin) or manager.has_plugin(entry.name):
                continue
            manager.register(plugin, name=entry.name)
            loaded_builtin |= entry.name == BUILTIN
    if not loaded_builtin:
        # running from a source tree that was never installed: register the bundle directly
        from planlint import rules

        if not manager.is_registered(rules):
            manager.register(rules, name=BUILTIN)
    return manager


def entry_points(group: str) -> list:
    """The installed entry points of ``group``, as ``importlib.metadata.entry_points`` lists them."""
    if "importlib.metadata" not in sys.modules:
        found = scan_entry_points(group)
        if found is not None:
            return found
    from importlib.metadata import entry_points as metadata_entry_points

    return list(metadata_entry_points(group=group))


@dataclass(frozen=True)
class EntryPoint:
    """An entry point read from an ``entry_points.txt``; ``load`` as importlib.metadata's."""

    name: str
    value: str
    group: str

    _PATTERN = re.compile(r"(?P<module>[\w.]+)\s*(:\s*(?P<attr>[\w.]+)\s*)?((?P<extras>\[.*\])\s*)?$")

    def load(self) -> Any:
        import importlib

        match = self._PATTERN.match(self.value)
        if match is None:
            raise ValueError(f"{self.value!r} is not a module or module:attribute reference")
        target = importlib.import_module(match.group("module"))
        for attribute in filter(None, (match.group("attr") or "").split(".")):
            target = getattr(target, attribute)
        return target


_INFO_SUFFIXES = (".dist-info", ".egg-info")


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def scan_entry_points(group: str, path: list[str] | None = None) -> list[EntryPoint] | None:
    """Read ``group`` from the ``*.dist-info`` and ``*.egg-info`` folders on ``path`` (default
    ``sys.path``); None when the search needs importlib.metadata (see the module docstring)."""
    import importlib.machinery

    for finder in sys.meta_path:
        if finder is not importlib.machinery.PathFinder and hasattr(finder, "find_distributions"):
            return None
    found: list[EntryPoint] = []
    seen: set[str] = set()
    for entry in sys.path if path is None else path:
        if not isinstance(entry, str):
            return None
        root = entry or "."
        if root.lower().endswith(".egg"):
            return None
        try:
            children = os.listdir(root)
        except NotADirectoryError:
            return None  # a zip on the path
        except OSError:
            continue  # missing or unreadable: importlib.metadata skips it too
        groups: dict[str, list[str]] = {}  # by normalized name, in the order first met
        for child in children:
            low = child.lower()
            if low.endswith(_INFO_SUFFIXES):
                if not child.endswith(_INFO_SUFFIXES):
                    return None  # importlib.metadata would name it from its METADATA file
                name = _normalize(low.rpartition(".")[0].partition("-")[0])
                groups.setdefault(name, []).append(child)
        for name, folders in groups.items():
            for folder in folders:
                if name in seen:
                    continue
                seen.add(name)
                entries = _read_group(os.path.join(root, folder, "entry_points.txt"), group)
                if entries is None:
                    return None
                found.extend(entries)
    return found


def _read_group(path: str, group: str) -> list[EntryPoint] | None:
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError, PermissionError):
        return []
    except (OSError, UnicodeDecodeError):
        return None
    entries = []
    section = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line.strip("[]")
            continue
        if section != group:
            continue
        name, sep, value = line.partition("=")
        if not sep:
            return None  # importlib.metadata's own reading decides what this means
        entries.append(EntryPoint(name.strip(), value.strip(), group))
    return entries


def build_registry(autoload: bool = True) -> Registry:
    registry = Registry()
    manager = _plugin_manager(autoload, registry.warnings)
    collected: list[tuple[str, type[Rule]]] = []
    for plugin_name, plugin in manager.list_name_plugin():
        hook = getattr(plugin, "planlint_rules", None)
        if hook is None:
            continue
        try:
            contributed = list(hook() or [])
        except Exception as exc:
            registry.warnings.append(f"plugin '{plugin_name}' failed to list its rules: {exc!r}; skipped")
            continue
        collected.extend((plugin_name, rule) for rule in contributed)
    for plugin_name, rule in collected:
        problem = _check_rule(rule)
        if problem:
            registry.warnings.append(f"plugin '{plugin_name}': {problem}; rule skipped")
            continue
        if rule.code in registry.rules:
            other = registry.owner[rule.code]
            raise RegistryError(
                f"rule code {rule.code} is claimed by both plugin '{other}' "
                f"({registry.rules[rule.code].name}) and plugin '{plugin_name}' ({rule.name}); "
                "uninstall one or ask its author to renumber"
            )
        registry.rules[rule.code] = rule
        registry.owner[rule.code] = plugin_name
    registry.rules = dict(sorted(registry.rules.items()))
    return registry


def _check_rule(rule) -> str | None:
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        return f"{rule!r} is not a planlint.rule.Rule subclass"
    for attribute in ("code", "name", "summary"):
        if not isinstance(getattr(rule, attribute, None), str):
            return f"{rule.__name__} has no {attribute}"
    if not _CODE.match(rule.code):
        return f"{rule.__name__} has code {rule.code!r}; codes are letters then digits, like ABC101"
    if not _NAME.match(rule.name):
        return f"{rule.__name__} has name {rule.name!r}; names are kebab-case, like undertrained-ratio"
    return None


_REGISTRY: Registry | None = None


def registry() -> Registry:
    """The process-wide registry (plugins are loaded once, not per file)."""
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = build_registry()
    return _REGISTRY
