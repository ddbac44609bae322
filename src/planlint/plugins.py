"""Loading plugins and collecting their rules, once per process.

Each entry point of the ``planlint`` group is loaded on its own: one that fails to import
gives a warning naming it and the others still load; so does a hook that raises or returns
something that is not a list of what it should contribute. Rule codes, checklist item ids,
accelerator names and format names must be unique, built-in ones included: a collision is an
error that names both plugins, never resolved silently.

Plugin code runs contained (:mod:`planlint.contain`): an import or a hook that calls
``sys.exit``, raises any ``BaseException``, writes to standard output or error, or runs past
:data:`LOAD_TIMEOUT` is a warning naming the plugin, and what it would have contributed is
skipped. :attr:`Registry.failed` keeps each plugin's first problem, so that a configuration's
``require-plugins`` can refuse to run without a plugin that did not load (:func:`unmet`).

``--no-plugins`` (or ``PLANLINT_NO_PLUGINS=1``) turns autoloading off: only planlint's own
bundles (:data:`BUILTINS`) are registered.

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
from dataclasses import field
from typing import Any

from planlint import contain
from planlint.contain import shown
from planlint.records import record
from planlint.rule import Rule

BUILTIN = "builtin"
# planlint's own bundles, by entry-point name: no other distribution may register these names
CHECKLIST = "checklist"
BUILTINS = {BUILTIN: "planlint.rules", CHECKLIST: "planlint.checklist.builtin"}
NO_PLUGINS_ENV = "PLANLINT_NO_PLUGINS"
# Seconds for one plugin's import, and for one hook: an import takes milliseconds, so only a
# hang (a network call, a lock, a loop) reaches it.
LOAD_TIMEOUT = 10.0
_CODE = re.compile(r"^[A-Z]{2,5}[0-9]{3,4}$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class RegistryError(Exception):
    """A plugin contributed something planlint cannot accept (e.g. a duplicate rule code).
    ``registry`` is what was loaded, with every collision in ``registry.collisions``."""

    registry: Registry | None = None


@record
class Registry:
    """Everything the plugins contribute, with who contributed it and what went wrong."""

    rules: dict[str, type[Rule]] = field(default_factory=dict)  # by code, sorted
    owner: dict[str, str] = field(default_factory=dict)  # code -> plugin name
    warnings: list[str] = field(default_factory=list)
    checklist: dict[str, type] = field(default_factory=dict)  # item id -> ChecklistItem; built-in first
    checklist_owner: dict[str, str] = field(default_factory=dict)
    checklist_loaded: bool = True  # False: built for `check`, which reads no checklist (see registry())
    accelerators: dict[str, Any] = field(default_factory=dict)  # contributed by plugins (not the built-ins)
    accelerator_owner: dict[str, str] = field(default_factory=dict)
    formats: dict[str, Any] = field(default_factory=dict)  # name -> planlint.report.Formatter (contained)
    format_owner: dict[str, str] = field(default_factory=dict)
    adapters: dict[str, type] = field(default_factory=dict)  # framework name -> Adapter subclass (load_adapters)
    adapter_owner: dict[str, str] = field(default_factory=dict)
    adapter_problems: dict[str, str] = field(default_factory=dict)  # plugin name -> why its adapters are missing
    loaded_plugins: list = field(default_factory=list, repr=False)  # (name, plugin), for the kinds read on use
    _adapters_loaded: bool = False
    plugins: dict[str, str] = field(default_factory=dict)  # plugin name -> what it was loaded from
    autoload: bool = True
    failed: dict[str, str] = field(default_factory=dict)  # plugin name -> its first problem
    distributions: dict[str, str] = field(default_factory=dict)  # entry-point name -> its distribution
    # contributions refused because another plugin (or planlint) already has the key: one
    # message each, and (kind, key) by the plugin that was refused, so `planlint plugins` lists both
    collisions: list[str] = field(default_factory=list)
    refused: dict[str, list[tuple[str, str]]] = field(default_factory=dict)

    def problem(self, plugin: str, warning: str, reason: str) -> None:
        """Warn about ``plugin`` and remember its first problem (``reason``, for require-plugins)."""
        self.warnings.append(warning)
        self.failed.setdefault(plugin, reason)

    def contributions(self, plugin: str) -> dict[str, list[str]]:
        """What one plugin contributes, by kind (``rules``, ``checklist``, ``accelerators``, ``formats``,
        ``adapters``), the keys another plugin claimed first included."""
        refused = self.refused.get(plugin, [])
        return {kind: [key for key, owner in owners.items() if owner == plugin] +
                      [key for refused_kind, key in refused if refused_kind == kind]
                for kind, owners in (("rules", self.owner), ("checklist", self.checklist_owner),
                                     ("accelerators", self.accelerator_owner), ("formats", self.format_owner),
                                     ("adapters", self.adapter_owner))}

    def load_adapters(self) -> dict[str, type]:
        """The launch-config adapters by framework name, collected from the plugins on first use.
        A plugin whose hook fails, or an adapter that is malformed or takes a name already
        taken, is left out with a warning (and named in ``adapter_problems``)."""
        if self._adapters_loaded:
            return self.adapters
        self._adapters_loaded = True
        for plugin_name, plugin in self.loaded_plugins:
            before = len(self.warnings)
            for value in _contributed(plugin_name, plugin, _ADAPTERS, self):
                problem = _check_adapter(value)
                if problem is None:
                    problem = _add(self, _ADAPTERS, plugin_name, value)  # a name already taken
                if problem is not None:
                    self.problem(plugin_name, f"plugin '{plugin_name}': {problem}; adapter skipped", problem)
            if len(self.warnings) > before:
                self.adapter_problems[plugin_name] = self.warnings[before]
        return self.adapters

    @property
    def plan_rules(self) -> list[type[Rule]]:
        return [r for r in self.rules.values() if r.stage == "plan"]

    def find(self, code_or_name: str) -> type[Rule] | None:
        key = code_or_name.strip()
        if key.upper() in self.rules:
            return self.rules[key.upper()]
        for rule in self.rules.values():
            if rule.name == key.lower() or key.lower() in getattr(rule, "aliases", ()):
                return rule
        return None


def autoload_disabled() -> bool:
    """Whether ``PLANLINT_NO_PLUGINS`` turns third-party plugins off (any value but '', 0, false, no)."""
    return os.environ.get(NO_PLUGINS_ENV, "").strip().lower() not in ("", "0", "false", "no")


def _plugin_manager(autoload: bool, registry: Registry, checklist: bool = True):
    import importlib

    import pluggy

    from planlint import hooks

    manager = pluggy.PluginManager(hooks.PROJECT)
    manager.add_hookspecs(hooks.PlanlintSpec)
    if autoload:
        for entry in entry_points(hooks.PROJECT):
            if not (isinstance(entry.name, str) and entry.name.strip() and entry.name.isprintable()):
                registry.warnings.append(f"a plugin entry point named {shown(str(entry.name))} ({_label(entry.value)}) "
                                         "has no printable name; skipped")
                continue
            origin = f"plugin '{entry.name}' ({_label(entry.value)})"
            registry.distributions.setdefault(entry.name, _distribution(entry))
            if BUILTINS.get(entry.name, entry.value) != entry.value:  # only planlint may use these names
                # a warning only: planlint's own bundle of that name still loads (a failure of it is fatal)
                registry.warnings.append(f"{origin} has the name of a planlint bundle; skipped (rename its "
                                         "entry point)")
                continue
            if entry.name == CHECKLIST and not checklist:  # planlint's checklist, not wanted
                continue
            # a broken plugin must not take the others down, end the run, or write into the report
            plugin, error, written = contain.call(entry.load, LOAD_TIMEOUT)
            if written:
                registry.warnings.append(f"{origin} wrote to {written} while loading; not shown")
            if error is not None:
                reason = _failed(error)
                reason = reason.removeprefix("raised ") if isinstance(error, Exception) else f"its import {reason}"
                registry.problem(entry.name, f"{origin} failed to load: {reason}; skipped", reason)
                continue
            if manager.is_registered(plugin) or manager.has_plugin(entry.name):
                continue
            try:
                manager.register(plugin, name=entry.name)
            except Exception as exc:  # pluggy refuses a hook it does not know, or a bad signature
                registry.problem(entry.name, f"{origin} cannot be registered: {exc}; skipped",
                                 f"it cannot be registered: {exc}")
                continue
            registry.plugins[entry.name] = entry.value
            unknown = [attribute for attribute in dir(plugin)
                       if attribute.startswith("planlint_") and not hasattr(hooks.PlanlintSpec, attribute)]
            for attribute in unknown:
                import difflib

                close = difflib.get_close_matches(attribute, [h for h in dir(hooks.PlanlintSpec) if
                                                              h.startswith("planlint_")], n=1)
                guess = f" (did you mean {close[0]}?)" if close else ""
                registry.warnings.append(f"{origin} defines {attribute}, which is not a planlint hook{guess}; it "
                                         "is never called")
    for name, module in BUILTINS.items():
        if not manager.has_plugin(name) and (checklist or name != CHECKLIST):
            # autoloading is off, or a source tree that was never installed: register directly
            manager.register(importlib.import_module(module), name=name)
            registry.plugins[name] = module
    return manager


def _label(text) -> str:
    """Text from a plugin's metadata, for a message: as it is when printable, else escaped."""
    text = str(text)
    return text if text.isprintable() else shown(text)


def _failed(error: BaseException) -> str:
    """What plugin code did instead of returning: ``raised ValueError('...')``, ``called
    sys.exit(0)`` or ``took longer than 10 s and was stopped``."""
    if isinstance(error, contain.Timeout):
        return f"took longer than {LOAD_TIMEOUT:g} s and was stopped"
    return contain.failure(error, "repr")


def _distribution(entry) -> str:
    """The normalized name of the distribution that installed ``entry`` ('' when unknown)."""
    dist = getattr(entry, "dist", None)
    if isinstance(dist, str):
        return dist
    try:
        name = dist.metadata["Name"] if dist is not None else None
    except Exception:  # noqa: BLE001 - unreadable metadata: the distribution is unknown
        name = None
    return _normalize(name) if isinstance(name, str) else ""


def entry_points(group: str) -> list:
    """The installed entry points of ``group``, as ``importlib.metadata.entry_points`` lists them."""
    if "importlib.metadata" not in sys.modules:
        found = scan_entry_points(group)
        if found is not None:
            return found
    from importlib.metadata import entry_points as metadata_entry_points

    return list(metadata_entry_points(group=group))


@record(frozen=True)
class EntryPoint:
    """An entry point read from an ``entry_points.txt``; ``load`` as importlib.metadata's."""

    name: str
    value: str
    group: str
    dist: str = ""  # the normalized name of the distribution that declares it

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
                entries = _read_group(os.path.join(root, folder, "entry_points.txt"), group, name)
                if entries is None:
                    return None
                found.extend(entries)
    return found


def _read_group(path: str, group: str, dist: str = "") -> list[EntryPoint] | None:
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
        entries.append(EntryPoint(name.strip(), value.strip(), group, dist))
    return entries


def build_registry(autoload: bool = True, checklist: bool = True) -> Registry:
    """Load the plugins (only the built-in bundles when ``autoload`` is false) and collect what
    they contribute; the accelerators become part of :data:`planlint.accelerators.CATALOGUE`.
    Without ``checklist`` no plugin's checklist hook is called (``check`` reads no checklist):
    ``checklist`` stays empty, and a checklist hook that fails or an item id that collides is
    neither a warning nor an error then.
    Raises RegistryError on a collision, naming the first (``registry`` on the error holds
    everything loaded and every collision, for ``planlint plugins``)."""
    registry = Registry(autoload=autoload, checklist_loaded=checklist)
    manager = _plugin_manager(autoload, registry, checklist)
    # the built-in bundles first, so that their checklist items come first
    named = sorted(manager.list_name_plugin(), key=lambda pair: _order(pair[0]))
    registry.plugins = {name: registry.plugins[name] for name in sorted(registry.plugins, key=_order)}
    for kind in _KINDS:
        if kind.table == "checklist" and not checklist:
            continue
        collected = []
        for plugin_name, plugin in named:
            collected.extend((plugin_name, value) for value in _contributed(plugin_name, plugin, kind, registry))
        for plugin_name, value in collected:
            problem = kind.check(value)
            if problem:
                registry.problem(plugin_name, f"plugin '{plugin_name}': {problem}; {kind.noun} skipped", problem)
                continue
            collision = _add(registry, kind, plugin_name, value)
            if collision is not None:  # recorded, so that `planlint plugins` can still list both
                registry.collisions.append(collision)
                registry.refused.setdefault(plugin_name, []).append((kind.table, kind.key(value)))
    registry.rules = dict(sorted(registry.rules.items()))
    registry.loaded_plugins = named
    broken = [name for name in BUILTINS if name in registry.failed]
    if broken:  # planlint's own rules or checklist did not load: no run may pass on what is left
        error = RegistryError(f"planlint's own '{broken[0]}' bundle failed to load ({registry.failed[broken[0]]}): "
                              "the installation is broken; reinstall planlint")
        error.registry = registry
        raise error
    if registry.collisions:
        error = RegistryError(registry.collisions[0])
        error.registry = registry
        raise error
    from planlint import accelerators

    accelerators.use_plugin_accelerators(registry.accelerators)
    return registry


def _order(plugin_name: str) -> tuple:
    """The built-in bundles first (rules, then checklist), then the others by name."""
    builtin = list(BUILTINS)
    return (builtin.index(plugin_name), "") if plugin_name in builtin else (len(builtin), plugin_name)


@record(frozen=True)
class _Kind:
    """One kind of contribution: its hook, how it is checked and where it is kept."""

    hook: str
    noun: str  # "rule", ...: in warnings
    what: str  # what the hook must return, in warnings
    key: Any  # value -> its unique key
    check: Any  # value -> a problem, or None
    table: str  # Registry attribute
    owners: str  # Registry attribute
    builtin: Any = None  # () -> the built-in keys a plugin must not reuse


def _contributed(plugin_name: str, plugin, kind: _Kind, registry: Registry) -> list:
    hook = getattr(plugin, kind.hook, None)
    if hook is None:
        return []
    value, error, written = contain.call(hook, LOAD_TIMEOUT)
    if written:
        registry.warnings.append(f"plugin '{plugin_name}': {kind.hook}() wrote to {written}; not shown")
    if error is not None:
        reason = f"{kind.hook}() {_failed(error)}"
        registry.problem(plugin_name, f"plugin '{plugin_name}': {reason}; its {kind.noun}s skipped", reason)
        return []
    if value is None:
        return []
    if kind.hook == "planlint_formats":
        if isinstance(value, dict) and all(isinstance(k, str) for k in value):
            return list(value.items())
    elif isinstance(value, (list, tuple)):
        return list(value)
    reason = f"{kind.hook}() returned {type(value).__name__}, not {kind.what}"
    registry.problem(plugin_name, f"plugin '{plugin_name}': {reason}; its {kind.noun}s skipped", reason)
    return []


def _add(registry: Registry, kind: _Kind, plugin_name: str, value) -> str | None:
    """Register ``value``; or, when its key is taken, the message saying by whom (nothing added)."""
    key = kind.key(value)
    table, owners = getattr(registry, kind.table), getattr(registry, kind.owners)
    if key in table or (kind.builtin is not None and plugin_name not in BUILTINS and key in kind.builtin()):
        return _collision(registry, kind, key, owners.get(key), plugin_name, table.get(key), value)
    if kind.hook == "planlint_formats":
        value = _contained_format(plugin_name, key, value[1])
    elif kind.hook == "planlint_rules":
        _contain_documentation(value, f"rule {key} ({value.name}, plugin '{plugin_name}')")
    elif kind.hook == "planlint_checklist_items":
        _contain_documentation(value, f"item {key} (plugin '{plugin_name}')")
    table[key] = value
    owners[key] = plugin_name
    return None


def _collision(registry: Registry, kind: _Kind, key: str, first: str | None, second: str, taken, value) -> str:
    """The message for plugin ``second`` claiming ``key``, which plugin ``first`` (None: planlint's
    own catalogue) already has: both owners, the distributions that installed them and what to
    uninstall."""
    if first is None:
        return (f"{kind.noun} {key} of plugin '{second}'{_from(registry, second, ' ')} has the name of a built-in "
                f"{kind.noun}; {_remedy(registry, [second], 'rename it')}")
    if kind.hook == "planlint_rules":  # name both rules: the code alone does not say which is which
        owners = [f"plugin '{plugin}' ({rule.name}{_from(registry, plugin, ', ')})"
                  for plugin, rule in ((first, taken), (second, value))]
        change = "renumber"
    else:
        owners = [f"plugin '{plugin}'{_from(registry, plugin, ' ')}" for plugin in (first, second)]
        change = "rename it"
    return f"{kind.noun} {key} is claimed by both {owners[0]} and {owners[1]}; {_remedy(registry, [first, second], change)}"


def _from(registry: Registry, plugin: str, joiner: str) -> str:
    """Where a third-party ``plugin`` came from, for a message: ``, from planlint-acme 1.0``
    (``joiner`` ', ') or `` (from planlint-acme 1.0)`` (``joiner`` ' '); empty for planlint's own
    bundles and for a plugin whose distribution is unknown."""
    found = None if plugin in BUILTINS else distribution_of(registry, plugin)
    if found is None:
        return ""
    text = "from " + " ".join(_label(part) for part in found if part)
    return f", {text}" if joiner == ", " else f" ({text})"


def _remedy(registry: Registry, plugins: list[str], change: str) -> str:
    """What to do about a collision: uninstall a distribution that is not planlint itself."""
    names = []
    for plugin in plugins:
        found = None if plugin in BUILTINS else distribution_of(registry, plugin)
        if found is not None and found[0] not in names:
            names.append(found[0])
    if len(names) == 1:
        return f"uninstall {_label(names[0])} (pip uninstall {_label(names[0])}) or ask its author to {change}"
    if names:
        return f"uninstall one of {' and '.join(_label(name) for name in names)}, or ask an author to {change}"
    return f"uninstall {'one' if len(plugins) > 1 else 'the plugin'} or ask its author to {change}"


def distribution_of(registry: Registry, plugin: str) -> tuple[str, str | None] | None:
    """(distribution name, version) of the distribution that installed ``plugin``; planlint's
    own for its bundles; None when unknown (a plugin registered without a distribution)."""
    if plugin in BUILTINS:
        from planlint import __version__

        return "planlint", __version__
    normalized = registry.distributions.get(plugin)
    if not normalized:
        return None
    from importlib import metadata

    try:
        dist = metadata.distribution(normalized)
        return dist.metadata["Name"] or normalized.replace("_", "-"), dist.version
    except Exception:  # noqa: BLE001 - metadata that cannot be read: the name is still known
        return normalized.replace("_", "-"), None


def _contain_documentation(klass, who: str) -> None:
    """Make a plugin class's own ``documentation()`` (a rule's or a checklist item's page, read
    by ``planlint explain`` and the SARIF report) run contained: one that raises, exits, hangs
    or returns no ``str`` raises :class:`planlint.contain.PluginFailure` naming it."""
    method = getattr(klass, "documentation", None)
    if issubclass(klass, Rule):
        base = Rule
    else:
        from planlint.checklist import ChecklistItem

        base = ChecklistItem
    if method is None or getattr(method, "_contained", False) or \
            getattr(method, "__func__", None) is base.documentation.__func__:
        return
    bound = method

    def documentation(cls):
        text, error, _written = contain.call(bound, LOAD_TIMEOUT)
        if error is not None:
            raise contain.PluginFailure(f"{who}: documentation() {_stopped_or(error, LOAD_TIMEOUT)}")
        if not isinstance(text, str):
            raise contain.PluginFailure(f"{who}: documentation() returned {type(text).__name__}, not str")
        return text

    documentation._contained = True
    klass.documentation = classmethod(documentation)


def _stopped_or(error: BaseException, seconds: float) -> str:
    """``took longer than 10 s and was stopped``, or what the plugin code raised or did."""
    if isinstance(error, contain.Timeout):
        return f"took longer than {seconds:g} s and was stopped"
    return contain.failure(error)


FORMAT_TIMEOUT = 60.0  # seconds for a plugin format to render a run's report


def _as_formatter(name: str, value):
    """A plugin's format as a :class:`planlint.report.Formatter`: a Formatter subclass or
    instance as it is, a function ``render(results, stream)`` (the older form) wrapped."""
    from planlint.report import Formatter, FunctionFormat

    if isinstance(value, type) and issubclass(value, Formatter):
        value = value()
    if isinstance(value, Formatter):
        value.name = value.name or name
        return value
    return FunctionFormat(name, value)


def _contained_format(plugin: str, name: str, value):
    """A plugin's format, contained: it renders into a buffer, which is written to the stream
    only when it returns, so that a format that raises, exits or hangs leaves no half report;
    it raises :class:`planlint.contain.PluginFailure` naming it instead. What it prints
    (rather than writing to the stream) is dropped, with a warning."""
    import io

    from planlint.report import Formatter

    who = f"format {name} (plugin '{plugin}')"
    inner = _as_formatter(name, value)

    class Contained(Formatter):
        statistics = bool(getattr(inner, "statistics", False))

        def render(self, context) -> None:
            buffer = io.StringIO()
            _value, error, written = contain.call(lambda: inner.render(context.writing_to(buffer)), FORMAT_TIMEOUT)
            if written:
                try:
                    sys.stderr.write(f"planlint: warning: {who} wrote to {written}; only what it writes to the "
                                     "stream it is given is the report, so this was not shown\n")
                except (OSError, ValueError):
                    pass
            if error is not None:
                raise contain.PluginFailure(f"{who} {_stopped_or(error, FORMAT_TIMEOUT)}; no report was written")
            context.stream.write(buffer.getvalue())

    contained = Contained()
    contained.name = name
    contained.wrapped = inner
    return contained


def _check_rule(rule) -> str | None:
    if not (isinstance(rule, type) and issubclass(rule, Rule)):
        return f"{rule!r} is not a planlint.rule.Rule subclass"
    for attribute in ("code", "name", "summary"):
        if not isinstance(getattr(rule, attribute, None), str):
            return f"{rule.__name__} has no {attribute}"
    if not _CODE.match(rule.code):
        return f"{rule.__name__} has code {rule.code!r}; codes are letters then digits, like ABC101"
    if not _NAME.match(rule.name):
        return f"{rule.__name__} has name {rule.name!r}; names are kebab-case, like chinchilla-ratio"
    from planlint.findings import Severity
    from planlint.rule import Option

    if type(getattr(rule, "severity", None)) is not Severity:
        return f"{rule.__name__} has severity {getattr(rule, 'severity', None)!r}, not a planlint.findings.Severity"
    options = getattr(rule, "options", None)
    if not isinstance(options, dict) or not all(
            isinstance(name, str) and name.isidentifier() and isinstance(option, Option)
            for name, option in options.items()):
        return f"{rule.__name__} has options that are not a dict of names to planlint.rule.Option"
    sources = getattr(rule, "sources", None)
    if not isinstance(sources, (tuple, list)) or not all(isinstance(source, str) for source in sources):
        return f"{rule.__name__} has sources that are not a tuple of str"
    return None


def _check_item(item) -> str | None:
    from planlint.checklist import ChecklistItem

    if not (isinstance(item, type) and issubclass(item, ChecklistItem)):
        return f"{item!r} is not a planlint.checklist.ChecklistItem subclass"
    for attribute in ("id", "title"):
        if not isinstance(getattr(item, attribute, None), str):
            return f"{item.__name__} has no {attribute}"
    if not _NAME.match(item.id):
        return f"{item.__name__} has id {item.id!r}; ids are kebab-case, like compute-budget"
    return None


def _check_accelerator(accelerator) -> str | None:
    import math

    from planlint.accelerators import Accelerator

    if not isinstance(accelerator, Accelerator):
        return f"{accelerator!r} is not a planlint.accelerators.Accelerator"
    if not isinstance(accelerator.name, str) or not re.match(_ACCELERATOR, accelerator.name):
        return f"accelerator {accelerator.name!r} needs a lower-case name like h100-sxm"
    for attribute in ("peak_tflops", "memory_gb", "bandwidth_gbps"):
        number = getattr(accelerator, attribute)
        if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number) or number <= 0:
            return f"accelerator {accelerator.name} has {attribute} {number!r}; it must be a positive number"
    return None


def _check_format(pair) -> str | None:
    name, render = pair
    if not _NAME.match(name):
        return f"format {name!r} needs a kebab-case name like acme-csv"
    from planlint.report import Formatter

    if isinstance(render, Formatter) or (isinstance(render, type) and issubclass(render, Formatter)):
        return None
    if isinstance(render, type) or not callable(render):
        return (f"format {name} is {render!r}, not a planlint.report.Formatter (nor a function "
                "render(results, stream))")
    return None


def _check_adapter(adapter) -> str | None:
    from planlint.adapters import Adapter

    if not (isinstance(adapter, type) and issubclass(adapter, Adapter)):
        return f"{adapter!r} is not a planlint.adapters.Adapter subclass"
    name = getattr(adapter, "name", None)
    if not isinstance(name, str) or not _NAME.match(name):
        return f"{adapter.__name__} has name {name!r}; names are kebab-case, like megatron"
    if not isinstance(getattr(adapter, "label", None), str):
        return f"{adapter.__name__} has no label"
    suffixes = getattr(adapter, "suffixes", ())
    if not (isinstance(suffixes, tuple) and all(isinstance(x, str) and x.startswith(".") for x in suffixes)):
        return f"{adapter.__name__} has suffixes {suffixes!r}; give a tuple like ('.yaml', '.yml')"
    return None


def _builtin_adapters():
    from planlint.adapters.builtin import BUILTIN_NAMES

    return BUILTIN_NAMES


def _builtin_accelerators():
    from planlint.accelerators import BUILTIN as catalogue

    return catalogue


def _builtin_formats():
    from planlint.report import ALIASES, FORMATS

    return (*FORMATS, *ALIASES)


_ACCELERATOR = r"^[a-z0-9][a-z0-9._-]*$"  # compiled on first use (re's cache): most runs never need it
_KINDS = (
    _Kind("planlint_rules", "rule", "a list of Rule subclasses", lambda r: r.code, _check_rule, "rules", "owner"),
    _Kind("planlint_checklist_items", "checklist item", "a list of ChecklistItem subclasses", lambda i: i.id,
          _check_item, "checklist", "checklist_owner"),
    _Kind("planlint_accelerators", "accelerator", "a list of Accelerator", lambda a: a.name, _check_accelerator,
          "accelerators", "accelerator_owner", _builtin_accelerators),
    _Kind("planlint_formats", "format", "a dict of name -> Formatter", lambda pair: pair[0], _check_format,
          "formats", "format_owner", _builtin_formats),
)
# The adapters are collected on first use (Registry.load_adapters): most runs read no launch config.
_ADAPTERS = _Kind("planlint_adapters", "adapter", "a list of Adapter subclasses", lambda a: a.name, _check_adapter,
                  "adapters", "adapter_owner", _builtin_adapters)


_REGISTRY: Registry | None = None


_AUTOLOAD: bool | None = None  # set by --no-plugins; None: ask PLANLINT_NO_PLUGINS


def disable_autoload() -> None:
    """Register only planlint's own bundles in this process (``--no-plugins``)."""
    global _AUTOLOAD
    _AUTOLOAD = False


def registry(checklist: bool = True) -> Registry:
    """The process-wide registry (plugins are loaded once, not per file). ``checklist=False``
    is for a command that reads no checklist: its items are not collected, unless they were
    already; a later call that needs them builds the registry again, with them."""
    global _REGISTRY
    if _REGISTRY is None or (checklist and not _REGISTRY.checklist_loaded):
        autoload = _AUTOLOAD if _AUTOLOAD is not None else not autoload_disabled()
        _REGISTRY = build_registry(autoload, checklist)
    return _REGISTRY


def unmet(registry: Registry, required) -> str | None:
    """Why one of the ``required`` plugins (entry-point names, as ``planlint plugins`` lists them,
    or distribution names) is not loaded in full, or None when every one is."""
    for wanted in required:
        key = _normalize(wanted)
        if key in BUILTINS or key == "planlint":
            continue
        label = _label(wanted)
        if not registry.autoload:
            return (f"plugin '{label}' is required, but third-party plugins are off (--no-plugins or "
                    f"{NO_PLUGINS_ENV})")
        names = [name for name in registry.distributions if _normalize(name) == key] or \
                [name for name, dist in registry.distributions.items() if dist == key]
        if not names:
            return f"plugin '{label}' is required but not installed (`planlint plugins` lists what is)"
        for name in names:
            if name in registry.failed:
                return f"plugin '{label}' is required but did not load in full: {registry.failed[name]}"
            if name not in registry.plugins:
                return f"plugin '{label}' is required but was not loaded (another plugin has its name)"
    return None


def describe(registry: Registry) -> list[dict[str, Any]]:
    """One row per loaded plugin: its name, the module it was loaded from, the distribution
    that installed it and that distribution's version, and what it contributes (a key another
    plugin claimed first included: see ``registry.collisions``)."""
    registry.load_adapters()
    rows = []
    for name, module in registry.plugins.items():
        distribution, version = distribution_of(registry, name) or (None, None)
        rows.append({"name": name, "module": module, "distribution": distribution, "version": version,
                     **registry.contributions(name)})
    return rows
