"""Loading plugins and collecting their rules, once per process.

Each entry point of the ``planlint`` group is loaded on its own: one that fails to import
gives a warning naming it and the others still load. Rule codes must be unique: a collision
is an error that names both plugins, never resolved silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
        from importlib.metadata import entry_points

        for entry in entry_points(group=hooks.PROJECT):
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
