"""Configuration: which rules run, at what severity, with which thresholds.

Settings come from, lowest precedence first:

1. planlint's defaults (every rule selected, each rule's own option defaults, fail-on warning);
2. the nearest configuration file, found by walking up from each plan's folder: in each folder
   ``.planlint.yaml`` is read if present, else ``pyproject.toml`` if it has a ``[tool.planlint]``
   table; the first folder that has either wins (files in parent folders are not merged);
   ``--config FILE`` names one file for every plan instead, ``--isolated`` ignores them all;
3. the command line (``--select``, ``--ignore``, ``--extend-select``, ``--fail-on``).

Keys (the same in both files; ``schemas/config.schema.json`` publishes them)::

    select: [ALL]                 # codes, prefixes or names of the rules that run (default: ALL,
                                  # every installed rule, plugins' included)
    extend-select: [ACME1]        # added to select, e.g. a plugin's rules
    ignore: [PL206]               # codes or prefixes that do not run; wins over select
    per-file-ignores:             # glob (relative to the configuration's folder) -> codes
      "experiments/*.yaml": [PL101]
    severity: {PL102: error}      # report every finding of a rule at this level
    options:                      # rule thresholds, by code (see `planlint explain CODE`)
      PL101: {warn_below: 8}
    fail-on: warning              # exit 1 at this severity or above
    require-reason: true          # suppression comments must say why (`-- reason`)
    limits: {timeout: 10}         # safety bounds per plan: max-file-bytes, max-depth,
                                  # max-nodes, max-findings, timeout (seconds)
    require-plugins: [acme]       # plugins (entry-point or distribution names) that must load

A problem in a configuration file (unknown key, unknown rule code, an option of the wrong
type) is a :class:`ConfigError`, which the command line reports with the file and key and
exit code 2.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import field
from typing import Any

from planlint.findings import NOT_CHECKED, Severity
from planlint.limits import LIMITS, unreadable_value  # the safety bounds per plan (PL004), defined once there
from planlint.records import record
from planlint.resources import read_text
from planlint.rule import OptionError

DEDICATED = ".planlint.yaml"
PYPROJECT = "pyproject.toml"
# Codes that mean planlint could not check the file: never deselected, downgraded or suppressed.
ALWAYS_ON = NOT_CHECKED
KEYS = ("select", "extend-select", "ignore", "per-file-ignores", "severity", "options", "fail-on",
        "require-reason", "limits", "require-plugins", "fit", "fits")
# The largest value each bound may be raised to. A bound is a safety net, so it stays one:
# 1 GiB of YAML, nesting a thousand times deeper than the default, ten million values, a
# million findings, a day per plan. Past these the numbers stop meaning anything (and some
# stop fitting the C types the operating system takes: a read size, a timer).
LIMIT_MAXIMA = {"max-file-bytes": 1 << 30, "max-depth": 64_000, "max-nodes": 10_000_000,
                "max-findings": 1_000_000, "timeout": 86_400}
DEFAULT, COMMAND_LINE = "default", "command line"


class ConfigError(Exception):
    """A configuration file or option planlint cannot use; the message names file and key."""


@record
class Config:
    """The settings that apply to one plan: the rules selected, severities, options and limits."""

    select: tuple[str, ...] = ("",)  # "" is ALL: every installed rule, plugins' included
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    require_reason: bool = False
    limits: dict[str, float] = field(default_factory=lambda: {k: v[0] for k, v in LIMITS.items()})
    require_plugins: tuple[str, ...] = ()  # names of plugins that must have loaded in full
    fit: str | None = None  # the loss fit chosen by name (None: the plan's own, else the default)
    fits: dict[str, Any] = field(default_factory=dict)  # loss fits the configuration defines, by name
    path: str | None = None  # the file it was read from
    # where each setting came from, by dotted key ("ignore", "options.PL101.warn_below")
    sources: dict[str, str] = field(default_factory=dict)

    @property
    def root(self) -> str:
        """The folder that per-file-ignores globs are relative to."""
        return (os.path.dirname(self.path) or ".") if self.path is not None else os.getcwd()

    def source(self, key: str) -> str:
        return self.sources.get(key, DEFAULT)

    def selects(self, code: str) -> bool:
        """Whether the rule ``code`` runs at all (before per-file ignores)."""
        if code in ALWAYS_ON:
            return True
        chosen = _matches(code, self.select) or _matches(code, self.extend_select)
        return chosen and not _matches(code, self.ignore)

    def ignored_for(self, filename: str) -> tuple[str, ...]:
        """Codes and prefixes that per-file-ignores switch off for ``filename``."""
        if not self.per_file_ignores or filename in ("", "-"):
            return ()
        from pathlib import Path  # only for per-file-ignores: pathlib costs every run a few milliseconds

        try:
            relative = Path(os.path.abspath(filename)).relative_to(Path(self.root).resolve()).as_posix()
        except ValueError:
            relative = Path(filename).as_posix()
        base = relative.rsplit("/", 1)[-1]
        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            target = relative if "/" in pattern else base
            if fnmatch.fnmatchcase(target, pattern):
                out.extend(codes)
        return tuple(out)

    def enabled_for(self, code: str, filename: str) -> bool:
        if code in ALWAYS_ON:
            return True
        return self.selects(code) and not _matches(code, self.ignored_for(filename))

    def enabler(self, filename: str):
        """``enabled_for(code, filename)`` as a function of the code, remembering each answer:
        a plan asks it for every rule and every finding."""
        ignored = self.ignored_for(filename)
        # shared by every plan with the same selection: most plans of a run have the same
        key = (tuple(self.select), tuple(self.extend_select), tuple(self.ignore), ignored)
        answers = _ENABLED.get(key)
        if answers is None:
            answers = _ENABLED[key] = {}

        def enabled(code: str) -> bool:
            answer = answers.get(code)
            if answer is None:
                answer = answers[code] = code in ALWAYS_ON or (self.selects(code) and not _matches(code, ignored))
            return answer

        return enabled

    @property
    def loss_fit(self):
        """The estimate.LossFit the configuration chose, or None to leave it to the plan."""
        if self.fit is None:
            return None
        if self.fit in self.fits:
            return self.fits[self.fit]
        from planlint.estimate import FITS

        return FITS[self.fit]

    def load_limits(self):
        from planlint.limits import Limits

        return Limits.from_settings(self.limits)

    @property
    def timeout(self) -> float | None:
        return self.limits["timeout"] or None


_ENABLED: dict[tuple, dict[str, bool]] = {}  # Config.enabler's answers, by selection


def _matches(code: str, selectors) -> bool:
    return any(code.startswith(selector) for selector in selectors)


# --- reading -------------------------------------------------------------------------------

def find_config_file(start: str) -> str | None:
    """The nearest ``.planlint.yaml`` or ``pyproject.toml`` with ``[tool.planlint]``, walking up."""
    start = os.fspath(start)
    folder = os.path.realpath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    for candidate in _folder_and_parents(folder):
        dedicated = os.path.join(candidate, DEDICATED)
        if os.path.isfile(dedicated):
            return dedicated
        if os.path.lexists(dedicated):  # a folder or a device by that name is not "no configuration"
            kind = file_kind(dedicated)
            raise ConfigError(f"{dedicated}: {'a broken link' if kind == 'missing' else kind}, not a "
                              "configuration file; planlint reads the nearest one, so this one cannot be skipped")
        pyproject = os.path.join(candidate, PYPROJECT)
        if os.path.isfile(pyproject) and _has_tool_table(pyproject):
            return pyproject
    return None


def _folder_and_parents(folder: str):
    """``folder`` (absolute) and each folder above it, up to the root."""
    while True:
        yield folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return
        folder = parent


def _has_tool_table(pyproject: str) -> bool:
    # a cheap text test first: most pyproject.toml files have no [tool.planlint] at all
    try:
        text = read_text(pyproject, errors="replace")
    except OSError:
        return False
    return "tool.planlint" in text and "planlint" in _read_pyproject(pyproject, text)


def _read_pyproject(path: str, text: str | None = None) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise ConfigError(f"{path}: reading [tool.planlint] needs Python 3.11 or the tomli package "
                              f"(pip install tomli), or use {DEDICATED}") from None
    try:
        if text is None:
            text = read_text(path)
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except (RecursionError, ValueError) as exc:
        raise ConfigError(f"{path}: not a usable TOML file: {_unparsable(exc)}") from None
    return data.get("tool", {}) if isinstance(data.get("tool"), dict) else {}


def _unparsable(exc: Exception) -> str:
    if isinstance(exc, RecursionError):
        return "it nests too deeply (a configuration nests three levels)"
    return f"a value cannot be read ({unreadable_value(exc)})"  # e.g. an integer of 5,000 digits


def file_kind(path: str) -> str | None:
    """None for a regular file, else what the path is (for a message): "a folder", "a FIFO"..."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "missing"
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "not a regular file"


def read_file(path: str) -> dict:
    """The raw settings mapping of a configuration file."""
    name = os.path.basename(path)
    if name == PYPROJECT or os.path.splitext(name)[1] == ".toml":
        tool = _read_pyproject(path)
        table = tool.get("planlint", {})
        where = "[tool.planlint]"
    else:
        import yaml

        try:
            table = yaml.safe_load(read_text(path))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read it: {exc}") from None
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}") from None
        except (RecursionError, ValueError) as exc:
            raise ConfigError(f"{path}: not a usable YAML file: {_unparsable(exc)}") from None
        where = "the top level"
        if table is None:
            table = {}
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {where} must be a mapping of settings")
    return table


def from_file(path: str, registry) -> Config:
    return build(read_file(path), registry, origin=str(path), path=path)


def build(table: dict, registry, origin: str, path: str | None = None, base: Config | None = None) -> Config:
    """Check ``table`` (settings from ``origin``) and lay it over ``base`` (the defaults)."""
    config = _copy(base) if base is not None else Config()
    config.path = path if path is not None else config.path
    for key, value in table.items():
        if key not in KEYS:
            from difflib import get_close_matches

            close = get_close_matches(str(key).replace("_", "-"), KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known keys: {', '.join(KEYS)}"
            raise ConfigError(f"{origin}: unknown key '{key}'{hint}")
        where = f"{origin}: {key}"
        if key in ("select", "extend-select", "ignore"):
            codes = _selectors(value, where, registry)
            if key == "ignore":
                _refuse_always_on(codes, where)
            setattr(config, key.replace("-", "_"), codes)
            config.sources[key] = origin
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must map globs to lists of codes")
            globs = {}
            for pattern, codes in value.items():
                selectors = _selectors(codes, f"{where}.{pattern}", registry)
                _refuse_always_on(selectors, f"{where}.{pattern}")
                globs[str(pattern)] = selectors
            config.per_file_ignores = globs
            config.sources[key] = origin
        elif key == "severity":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must map rule codes to error, warning or info")
            for code, level in value.items():
                code = _known_code(code, f"{where}.{code}", registry)
                severity = _severity(level, f"{where}.{code}")
                if code in NOT_CHECKED and severity < Severity.ERROR:
                    raise ConfigError(f"{where}.{code}: {code} cannot be downgraded to {severity}: it means the "
                                      "plan could not be checked, so it is always an error")
                config.severity[code] = severity
                config.sources[f"severity.{code}"] = origin
        elif key == "options":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must map rule codes to their options")
            for code, options in value.items():
                code = _known_code(code, f"{where}.{code}", registry)
                rule = registry.rules[code]
                if not isinstance(options, dict):
                    raise ConfigError(f"{where}.{code} must be a mapping of option names to values")
                merged = dict(config.options.get(code, {}))
                for name, setting in options.items():
                    merged[name] = _option(rule, name, setting, f"{where}.{code}.{name}")
                    config.sources[f"options.{code}.{name}"] = origin
                config.options[code] = merged
        elif key == "fail-on":
            config.fail_on = _severity(value, where)
            config.sources[key] = origin
        elif key == "limits":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must map {', '.join(LIMITS)} to numbers")
            for name, setting in value.items():
                if name not in LIMITS:
                    raise ConfigError(f"{where}: no limit '{name}' (limits: {', '.join(LIMITS)})")
                config.limits[name] = _limit(name, setting, f"{where}.{name}")
                config.sources[f"limits.{name}"] = origin
        elif key == "require-plugins":
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise ConfigError(f"{where} must be a list of plugin names, like [acme]")
            from planlint.plugins import unmet

            problem = unmet(registry, value)  # a broken install must not pass the policy silently
            if problem:
                raise ConfigError(f"{where}: {problem}")
            config.require_plugins = tuple(v.strip() for v in value)
            config.sources[key] = origin
        elif key == "fits":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must map fit names to their constants (E, A, B, alpha, beta, source)")
            for name, spec in value.items():
                config.fits[str(name)] = _loss_fit(name, spec, f"{where}.{name}")
                config.sources[f"fits.{name}"] = origin
        elif key == "require-reason":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false, not {value!r}")
            config.require_reason = value
            config.sources[key] = origin
    if "fit" in table:  # after the loop: a table may define the fit it chooses
        config.fit = _fit_name(table["fit"], f"{origin}: fit", config)
        config.sources["fit"] = origin
    return config


def _fit_name(value, where: str, config: Config) -> str:
    from planlint.estimate import FITS

    known = [*FITS, *config.fits]
    if isinstance(value, str) and value in known:
        return value
    from difflib import get_close_matches

    close = get_close_matches(str(value), known, n=1) if isinstance(value, str) else []
    hint = f"; did you mean '{close[0]}'?" if close else ""
    raise ConfigError(f"{where}: no loss fit {_quoted(value)}{hint} (fits: {', '.join(known)}; define your own "
                      "under 'fits')")


def _loss_fit(name, spec, where: str):
    """A configuration's own loss fit, checked by the same schema as a plan's ``loss_fit``."""
    from planlint.estimate import FITS

    if not isinstance(name, str) or name in FITS:
        taken = f"'{name}' is a built-in fit" if name in FITS else "a fit's name must be a string"
        raise ConfigError(f"{where}: {taken}; choose another name")
    if not isinstance(spec, dict):
        raise ConfigError(f"{where} must be a mapping of E, A, B, alpha, beta and source")
    if "name" in spec:
        raise ConfigError(f"{where}: a fit's name is its key ('{name}'); remove 'name'")
    from planlint.validate import loss_fit_problems

    problem = loss_fit_problems({"name": name, **spec})
    if problem:
        raise ConfigError(f"{where}: {problem}")
    from planlint.model import PlanLossFit, section
    from planlint.numbers import plan_fit

    return plan_fit(section(PlanLossFit, {"name": name, **spec}))


def _quoted(value) -> str:
    """A setting as a message quotes it, short whatever it is (a 4,000-digit number, a long string)."""
    try:
        text = repr(value)
    except ValueError:  # an integer with more digits than Python converts
        return "a number with thousands of digits"
    return text if len(text) <= 40 else f"{text[:20]}... ({len(text):,} characters)"


def _limit(name: str, setting, where: str):
    default = LIMITS[name][0]
    whole = isinstance(default, int)
    low, high = (0, LIMIT_MAXIMA[name]) if name == "timeout" else (1, LIMIT_MAXIMA[name])
    number = isinstance(setting, (int, float)) and not isinstance(setting, bool)
    if not number or (whole and not isinstance(setting, int)) or not low <= setting <= high:
        kind = "a whole number" if whole else "a number of seconds"
        raise ConfigError(f"{where} must be {kind} from {low:,} to {high:,}, not {_quoted(setting)} "
                          f"(default {default!r})")
    return setting


def _copy(config: Config) -> Config:
    return Config(config.select, config.extend_select, config.ignore, dict(config.per_file_ignores),
                  dict(config.severity), {k: dict(v) for k, v in config.options.items()}, config.fail_on,
                  config.require_reason, dict(config.limits), config.require_plugins, config.fit,
                  dict(config.fits), config.path, dict(config.sources))


def _selectors(value, where: str, registry) -> tuple[str, ...]:
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of rule codes or prefixes, like [PL101, PL2]")
    out = []
    for raw in value:
        selector = raw.strip()
        if not selector:
            continue
        rule = registry.find(selector)
        if rule is not None:  # a code, or a rule's name
            out.append(rule.code)
        elif selector.upper() == "ALL":
            out.append("")
        elif any(code.startswith(selector.upper()) for code in registry.rules) and selector[:1].isalpha():
            out.append(selector.upper())
        else:
            raise ConfigError(f"{where}: no rule or prefix {selector!r}{why_unknown(selector, registry)}")
    return tuple(out)


def why_unknown(selector: str, registry) -> str:
    """Why no loaded rule answers to ``selector``, for its message: a prefix no loaded rule has
    (ACME101 when the plugin with the ACME rules is not installed), else the nearest code or name."""
    import re

    match = re.fullmatch(r"([A-Za-z]+)[0-9]*", selector)
    prefixes = {re.match(r"[A-Z]*", code).group() for code in registry.rules}
    if match and match.group(1).upper() not in prefixes:
        return (f": no installed plugin provides {match.group(1).upper()} rules; install the plugin that does in "
                "this environment (`planlint plugins` lists the plugins loaded)")
    if match:  # a code: only a digit too many is a guess worth making (PL1011 for PL101)
        close = [code for code in registry.rules if selector.upper().startswith(code) and len(selector) == len(code) + 1]
    else:
        from difflib import get_close_matches

        close = get_close_matches(selector, [rule.name for rule in registry.rules.values()], n=1, cutoff=0.8)
    return f"; did you mean {close[0]}? (`planlint rules` lists them)" if close else "; `planlint rules` lists them"


def _refuse_always_on(selectors, where: str) -> None:
    for selector in selectors:
        if selector in ALWAYS_ON:
            raise ConfigError(f"{where}: {selector} cannot be ignored: it means the plan could not be checked")


def _known_code(code, where: str, registry) -> str:
    rule = registry.find(str(code))
    if rule is None:
        raise ConfigError(f"{where}: no rule {code!r}{why_unknown(str(code), registry)}")
    return rule.code


def _severity(value, where: str) -> Severity:
    try:
        return Severity.parse(str(value)) if isinstance(value, str) else Severity.parse("")
    except ValueError:
        raise ConfigError(f"{where} must be error, warning or info, not {value!r}") from None


def _option(rule, name: str, value, where: str):
    if name not in rule.options:
        known = ", ".join(rule.options) or "none"
        raise ConfigError(f"{where}: {rule.code} has no option '{name}' (its options: {known})")
    option = rule.options[name]
    try:
        return option.convert(value)
    except OptionError as exc:
        wrong = exc.value if exc.at else value
        raise ConfigError(f"{where}{exc.at} must be {exc.expected}, not {_quoted(wrong)} "
                          f"(default {option.default!r})") from None


# --- resolving per plan ---------------------------------------------------------------------

_UNSET = object()


class Resolver:
    """The configuration for each plan, reading each configuration file once per run."""

    framework: str | None = None  # --framework: files named on the command line are launch configs of it
    launch_inputs: dict | None = None  # --accelerators: what a launch config checked alone cannot say

    def __init__(self, registry, *, config_file: str | None = None, isolated: bool = False,
                 overrides: dict | None = None):
        self.registry = registry
        self.isolated = isolated
        self.overrides = overrides or {}
        self._explicit = None
        self._by_file: dict[str | None, Config] = {}
        self._by_folder: dict[str, str | None] = {}
        self._by_name: dict[str, str | None] = {}  # the folder as named, before resolving
        if config_file is not None:
            path = os.fspath(config_file)
            kind = file_kind(path)
            if kind == "missing":
                raise ConfigError(f"{config_file}: no such configuration file")
            if kind is not None:
                raise ConfigError(f"{config_file}: {kind}, not a configuration file (name a .planlint.yaml or "
                                  "pyproject.toml; --isolated uses no configuration at all)")
            self._explicit = path

    def files(self) -> list[str]:
        """The configuration files read so far."""
        return [path for path in self._by_file if path is not None]

    def for_plan(self, filename: str) -> Config:
        if self.isolated:
            path = None
        elif self._explicit is not None:
            path = self._explicit
        else:
            start = filename if filename not in ("", "-") else os.getcwd()
            named = start if os.path.isdir(start) else os.path.dirname(start) or "."
            path = self._by_name.get(named, _UNSET)
            if path is _UNSET:  # resolving a path costs more than linting a plan: once a folder
                folder = os.path.realpath(named)
                if folder not in self._by_folder:
                    self._by_folder[folder] = find_config_file(folder)
                path = self._by_name[named] = self._by_folder[folder]
        if path not in self._by_file:
            base = from_file(path, self.registry) if path is not None else Config()
            if self.overrides:
                base = build(self.overrides, self.registry, origin=COMMAND_LINE, base=base)
            self._by_file[path] = base
        return self._by_file[path]


def describe(config: Config, registry, filename: str | None = None) -> list[tuple[str, Any, str]]:
    """(dotted key, effective value, where it came from) for ``planlint config``; with a
    ``filename``, rules that per-file-ignores switch off for it show as off."""
    rows: list[tuple[str, Any, str]] = [
        ("select", _shown(config.select), config.source("select")),
        ("extend-select", _shown(config.extend_select), config.source("extend-select")),
        ("ignore", _shown(config.ignore), config.source("ignore")),
        ("per-file-ignores", {k: list(v) for k, v in config.per_file_ignores.items()},
         config.source("per-file-ignores")),
        ("fail-on", str(config.fail_on), config.source("fail-on")),
        ("require-reason", config.require_reason, config.source("require-reason")),
        ("require-plugins", list(config.require_plugins), config.source("require-plugins")),
        ("fit", config.fit if config.fit is not None else "the plan's loss_fit, else besiroglu2024",
         config.source("fit")),
    ]
    rows += [(f"fits.{name}", f"E {fit.E:g}, A {fit.A:g}, B {fit.B:g}, alpha {fit.alpha:g}, beta {fit.beta:g} "
              f"({fit.source})", config.source(f"fits.{name}")) for name, fit in config.fits.items()]
    rows += [(f"limits.{name}", config.limits[name], config.source(f"limits.{name}")) for name in LIMITS]
    for code, rule in registry.rules.items():
        enabled = config.selects(code)
        source = "always on" if code in ALWAYS_ON else _selection_source(config, code)
        if enabled and filename is not None and not config.enabled_for(code, filename):
            enabled, source = False, f"{config.source('per-file-ignores')} (per-file-ignores)"
        rows.append((f"rules.{code}", "on" if enabled else "off", source))
        if code in config.severity:
            rows.append((f"severity.{code}", str(config.severity[code]), config.source(f"severity.{code}")))
        for name, option in rule.options.items():
            value = config.options.get(code, {}).get(name, option.default)
            rows.append((f"options.{code}.{name}", value, config.source(f"options.{code}.{name}")))
    return rows


def _shown(selectors) -> list[str]:
    return [selector or "ALL" for selector in selectors]


def _selection_source(config: Config, code: str) -> str:
    if _matches(code, config.ignore):
        return config.source("ignore")
    if _matches(code, config.extend_select) and not _matches(code, config.select):
        return config.source("extend-select")
    return config.source("select")


def json_schema(registry) -> dict:
    """The JSON Schema of the configuration (``schemas/config.schema.json``), with each built-in
    rule's options, their types, defaults and meanings, so that editors can complete them."""
    selectors = {"type": "array", "items": {"type": "string", "pattern": "^([A-Za-z]{1,5}[0-9]{0,4}|[a-z][a-z0-9-]*)$"},
                 "description": "Rule codes (PL101), code prefixes (PL1) or rule names (chinchilla-ratio)."}
    options = {}
    for code, rule in registry.rules.items():
        if not rule.options:
            continue
        options[code] = {
            "type": "object", "additionalProperties": False,
            "description": f"{code} {rule.name}: {rule.summary}",
            "properties": {name: option_schema(option) for name, option in rule.options.items()},
        }
    code_pattern = "^[A-Z]{2,5}[0-9]{3,4}$"
    always_on = f"{', '.join(NOT_CHECKED[:-1])} and {NOT_CHECKED[-1]}"
    level = {"enum": ["error", "warning", "info"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "planlint configuration",
        "description": f"Settings for planlint, in {DEDICATED} or in [tool.planlint] of {PYPROJECT}. "
                       "Generated by scripts/update_config_schema.py from the rules' declared options.",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "select": {**selectors, "description": "Rules that run (default: all). " + selectors["description"]},
            "extend-select": {**selectors, "description": "Rules that run in addition to select."},
            "ignore": {**selectors, "description": f"Rules that do not run; wins over select. {always_on} "
                                                   "always run: they mean the plan could not be checked."},
            "per-file-ignores": {"type": "object", "description": "Glob (relative to the configuration's "
                                 "folder; without '/' it matches the file name) -> rules that do not run there.",
                                 "additionalProperties": selectors},
            "severity": {"type": "object", "description": "Report every finding of a rule at this level "
                         f"({always_on} stay errors).",
                         "propertyNames": {"pattern": code_pattern}, "additionalProperties": level},
            "options": {"type": "object", "description": "Rule thresholds, by rule code (`planlint explain "
                        "CODE` documents them).", "properties": options,
                        "propertyNames": {"pattern": code_pattern}, "additionalProperties": {"type": "object"}},
            "fail-on": {**level, "default": "warning",
                        "description": "Exit 1 when a finding is at this severity or above."},
            "require-reason": {"type": "boolean", "default": False,
                               "description": "Suppression comments must give a reason after `--` (PL006)."},
            "require-plugins": {"type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
                                "description": "Plugins that must be installed and load without a problem (names "
                                               "as `planlint plugins` lists them, or distribution names); "
                                               "otherwise every run stops with exit code 2."},
            "fit": {"type": "string", "description": "The loss fit every plan is priced with (the compute-optimal "
                    "split, predicted loss and waste): besiroglu2024, hoffmann2022, muennighoff2023, rule-20, or a "
                    "name under fits. Default: the plan's own loss_fit, else besiroglu2024. `--fit` overrides it.",
                    "examples": ["besiroglu2024", "hoffmann2022"]},
            "fits": {"type": "object", "description": "Loss fits of your own, by name, selectable with fit or "
                     "--fit: L = E + A/N^alpha + B/D^beta fitted on your data and tokenizer, with its source.",
                     "propertyNames": {"pattern": "^[a-z0-9][a-z0-9._-]*$"},
                     "additionalProperties": _fit_schema()},
            "limits": {"type": "object", "additionalProperties": False,
                       "description": "Safety bounds per plan; a plan past one is reported as PL004.",
                       "properties": {name: {"type": "integer" if isinstance(default, int) else "number",
                                             "minimum": 0 if name == "timeout" else 1,
                                             "maximum": LIMIT_MAXIMA[name], "default": default,
                                             "description": text}
                                      for name, (default, text) in LIMITS.items()}},
        },
    }


_JSON_TYPES = {bool: "boolean", float: "number", int: "integer", str: "string"}
# the plan's quantity syntax, as a string an editor can check (planlint.quantities)
_QUANTITY_PATTERNS = {
    "count": r"^\s*(\d(_?\d)*(\.\d(_?\d)*)?|\.\d(_?\d)*)([eE][+-]?\d+)?\s?[kKMBT]?\s*$",
    "share": r"^\s*\d+(\.\d+)?\s*%?\s*$",
    "fraction": r"^\s*\d+(\.\d+)?\s*%?\s*$",
    "usd": r"^\s*\$?\s*\d[\d,]*(\.\d+)?\s*$",
}


def option_schema(option) -> dict:
    """The JSON Schema of one rule option (a ``planlint.rule.Option``): its type, element type,
    choices and range, with its default and meaning."""
    element: dict = {"type": _JSON_TYPES[option.element]}
    if option.choices is not None:
        element["enum"] = list(option.choices)
    if option.minimum is not None:
        element["minimum"] = option.minimum
    if option.maximum is not None:
        element["maximum"] = option.maximum
    if option.quantity is not None:
        element = {"anyOf": [element, {"type": "string", "pattern": _QUANTITY_PATTERNS[option.quantity]}]}
    schema = {"type": "array", "items": element} if option.kind in (list, tuple) else element
    default = list(option.default) if option.kind is tuple else option.default
    return {**schema, "default": default, "description": option.help}


def _fit_schema() -> dict:
    """A configuration's fit has the fields of a plan's ``loss_fit`` (its name is the key)."""
    from planlint.validate import plan_schema

    schema = plan_schema()
    fit = dict(schema["properties"]["loss_fit"])
    fit["properties"] = {k: _inline(v, schema["$defs"]) for k, v in fit["properties"].items() if k != "name"}
    fit["required"] = [k for k in fit["required"] if k != "name"]
    fit.pop("description", None)
    return fit


def _inline(node: dict, defs: dict) -> dict:
    """A property with the plan schema's ``$ref`` replaced by what it refers to."""
    node = dict(node)
    ref = node.pop("$ref", None)
    if ref is not None:
        node = {**defs[ref.rsplit("/", 1)[-1]], **node}
    node.pop("x-quantity", None)
    return node
