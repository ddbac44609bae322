"""Reading typed values out of a located config, for adapters of mapping formats (YAML, TOML).

A :class:`ConfigReader` wraps one parsed document and the LaunchConfig being built from it:
``number("model.d_model")`` gives the value with its OmegaConf-style interpolations resolved
and its type checked, and whatever cannot be used (a string where a count belongs, a
reference to an environment variable) becomes a Problem at the key's position rather than a
value; ``put`` records a plan field with the config entries it came from.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterable

from planlint.adapters import FIELDS, Derived, LaunchConfig, Located, Problem, Source, read_yaml
from planlint.adapters.interpolate import Interpolator, has_interpolation

ABSENT = object()  # what a reader returns for a key the config does not have, when no default is given
_NUMBER = re.compile(r"[-+]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)([eE][-+]?\d+)?")
MAX_SHOWN = 60  # characters of a config value quoted in a message


def show(value: Any) -> str:
    """A config value as a message quotes it, cut to a readable length."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN - 3] + "..."


def count(value: float) -> str:
    """A number as a ``how`` writes it: 4,096; 2.2e-4; 1.3."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e18):
        return f"{int(value):,}"
    return f"{value:g}"


def as_number(value: Any) -> float | int | None:
    """A YAML or TOML value as a number: ints and floats, and the numeric strings YAML 1.1 leaves
    as text (``5e12``, ``1e-6``, ``4_000``); None for anything else (booleans included)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        text = value.strip().replace("_", "")
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        if re.fullmatch(r"[-+]?\d+", text):
            return int(text)
        return number
    return None


class ConfigReader:
    """Typed reads from one located document; the LaunchConfig under construction is ``config``."""

    def __init__(self, framework: str, path: str, located: Located, problems: Iterable[Problem] = (),
                 cannot_say: tuple[str, ...] = (), root_aliases: tuple[str, ...] = (),
                 spell: Callable[[str], str] | None = None):
        self.located = located
        self.config = LaunchConfig(framework, path, problems=list(problems), cannot_say=cannot_say)
        self.interpolator = Interpolator(located.data, root_aliases)
        self._spell = spell or (lambda dotted: dotted)
        self._reported: set[str] = set()

    # -- positions --------------------------------------------------------------------------------

    def source(self, dotted: str) -> Source:
        found = self.located.source(dotted)
        return Source(found.file, found.line, found.column, self._spell(dotted))

    def spell(self, dotted: str) -> str:
        return self._spell(dotted)

    def problem(self, message: str, dotted: str, fix: str, severity: str = "warning",
                details: tuple[str, ...] = ()) -> None:
        where = self.source(dotted)
        self.config.problems.append(Problem(message, where.line, where.column, fix, severity, details))

    # -- values -----------------------------------------------------------------------------------

    def has(self, dotted: str) -> bool:
        return self.located.has(dotted)

    def raw(self, dotted: str, default: Any = ABSENT) -> Any:
        """The value with its interpolations resolved; ``default`` when the key is absent; None
        (with a Problem) when the value refers to what this file cannot say."""
        if not self.located.has(dotted):
            return default
        value = self.located.get(dotted)
        if not has_interpolation(value):
            return value
        resolution = self.interpolator.resolve(dotted)
        if resolution.resolved:
            return resolution.value
        self._lost(dotted, f"{self.spell(dotted)} depends on {resolution.reason}, which this file cannot say",
                   f"write the value of {self.spell(dotted)} in the config", (f"{self.spell(dotted)} = {show(value)}",))
        return None

    def number(self, dotted: str, default: Any = None, whole: bool = False, minimum: float | None = None) -> Any:
        """A number at ``dotted``: ``default`` when the key is absent, None when it is null or
        cannot be read as a number, or is below ``minimum`` (the latter two with a Problem)."""
        value = self.raw(dotted, ABSENT)
        if value is ABSENT:
            return default
        if value is None:
            return None
        number = as_number(value)
        if number is None or (whole and not float(number).is_integer()):
            kind = "a whole number" if whole else "a number"
            self._lost(dotted, f"{self.spell(dotted)} is {show(value)}, not {kind}",
                       f"write {self.spell(dotted)} as {kind}")
            return None
        if minimum is not None and number < minimum:
            self._lost(dotted, f"{self.spell(dotted)} is {show(value)}, below {count(minimum)}",
                       f"set {self.spell(dotted)} to {count(minimum)} or more")
            return None
        return int(number) if whole else number

    def size(self, dotted: str, default: Any = None) -> Any:
        """A whole count of one or more (a width, a layer count, a batch, steps)."""
        return self.number(dotted, default, whole=True, minimum=1)

    def text(self, dotted: str, default: Any = None) -> Any:
        value = self.raw(dotted, ABSENT)
        if value is ABSENT:
            return default
        if value is None or isinstance(value, (dict, list)):
            return None
        return str(value) if not isinstance(value, bool) else ("true" if value else "false")

    def flag(self, dotted: str, default: Any = None) -> Any:
        """A boolean: YAML and TOML booleans, and the strings "true"/"false" that references give."""
        value = self.raw(dotted, ABSENT)
        if value is ABSENT:
            return default
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("true", "false"):
            return value.strip().lower() == "true"
        self._lost(dotted, f"{self.spell(dotted)} is {show(value)}, not true or false",
                   f"write {self.spell(dotted)} as true or false")
        return None

    def _lost(self, dotted: str, message: str, fix: str, details: tuple[str, ...] = ()) -> None:
        if dotted in self._reported:
            return
        self._reported.add(dotted)
        self.problem(message, dotted, fix, details=details)

    # -- fields -----------------------------------------------------------------------------------

    def _sources(self, keys: Iterable[str | Source]) -> tuple[Source, ...]:
        out = []
        for key in keys:
            source = key if isinstance(key, Source) else self.source(key)
            if source not in out:
                out.append(source)
        return tuple(out)

    def put(self, name: str, value: Any, keys: Iterable[str | Source], how: str = "") -> None:
        """The plan field ``name`` is ``value``, read from (or computed from) ``keys``."""
        if name not in FIELDS:
            raise KeyError(f"{name} is not a launch-config field")
        if value is None:
            return
        self.config.fields[name] = Derived(value, self._sources(keys), how)
        # a value this config does say is no longer one it cannot
        self.config.cannot_say = tuple(field for field in self.config.cannot_say if field != name)

    def put_needing(self, name: str, needs: tuple[str, ...], formula: Callable[[dict[str, Any]], Any],
                    keys: Iterable[str | Source], how: str) -> None:
        """The plan field ``name`` is computed by ``formula`` once the plan fields ``needs`` are known."""
        if name not in FIELDS or any(need not in FIELDS for need in needs):
            raise KeyError(f"{name} or one of {needs} is not a launch-config field")
        self.config.fields[name] = Derived(None, self._sources(keys), how, needs, formula)


def open_config(framework: str, path: str, text: str, cannot_say: tuple[str, ...] = (), parse=read_yaml,
                spell: Callable[[Located], Callable[[str], str]] | None = None,
                ) -> tuple[ConfigReader | None, LaunchConfig]:
    """Parse ``text`` (YAML by default) and start reading it: the reader and its LaunchConfig,
    or no reader and a LaunchConfig holding the parser's problems when the text cannot be read."""
    located, problems = parse(path, text)
    if located is None:
        return None, LaunchConfig(framework, path, problems=problems, cannot_say=cannot_say)
    reader = ConfigReader(framework, path, located, problems, cannot_say, spell=spell(located) if spell else None)
    return reader, reader.config


def positive(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0
