"""OmegaConf-style interpolation inside one config document, without OmegaConf.

NeMo, OLMo and other Hydra/OmegaConf configs write values as references to other keys
(``${model.hidden_size}``, relative ``${.hidden_size}`` and ``${..seq_length}``), as resolver
calls (``${multiply:4, ${.hidden_size}}``, ``${oc.env:DATA_DIR,/data}``), or as strings that
embed them (``${base_dir}/results``). An adapter asks for a key's value and gets it with
every reference that the document itself can answer resolved; what the document cannot
answer (an environment variable, a key that is not there, an unknown resolver, a cycle)
comes back unresolved with the reason, for the adapter to report at the key's position.

The grammar follows OmegaConf's (``docs/source/custom_resolvers.rst`` and
``usage.rst#variable-interpolation``): ``${path}`` where a path is dotted keys, list indices
as ``.0`` or ``[0]``, and leading dots for relative references; ``${name:arg, ...}`` for a
resolver, arguments separated by commas, each a nested interpolation, a quoted string, or
plain text read as a number, boolean or null when it looks like one; ``\\${`` is a literal.
Environment variables are never read: a config is checked as written, wherever it is linted.
"""

from __future__ import annotations

import math
import re
from typing import Any, Callable

from planlint.records import record

# The resolvers NeMo registers for its configs (nemo/core/config/hydra_runner.py:
# ``multiply: x * y``, ``sum: x + y``), and the ceiling and floor divisions of the NeMo
# launcher's configs. An adapter passes more through ``resolvers``.
BUILTIN_RESOLVERS: dict[str, Callable[..., Any]] = {
    "multiply": lambda x, y: x * y,
    "sum": lambda x, y: x + y,
    "divide_ceil": lambda x, y: math.ceil(x / y),
    "divide_floor": lambda x, y: math.floor(x / y),
}
# Resolvers that read the machine the job runs on: a config linted elsewhere cannot know them.
ENVIRONMENT_RESOLVERS = {"oc.env": "the environment variable", "env": "the environment variable"}

MAX_DEPTH = 32  # references followed through one another before giving up
MAX_TEXT = 10_000  # characters of one interpolated string that are parsed


class Unresolved(Exception):
    """Why a value cannot be resolved from the document alone."""


@record(frozen=True)
class Resolution:
    """A key's value with its interpolations resolved (``resolved``), or the reason it could
    not be (``reason``: "the environment variable DATA_DIR"). ``references`` are the dotted
    paths the value was read through, in order."""

    value: Any
    resolved: bool
    reason: str = ""
    references: tuple[str, ...] = ()


@record(frozen=True)
class _Ref:
    path: str


@record(frozen=True)
class _Call:
    name: str
    args: tuple  # each a template: a tuple of str and _Ref/_Call parts


def has_interpolation(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


class Interpolator:
    """Resolves the interpolations of one document (plain data: dicts, lists, scalars).

    ``root_aliases`` are prefixes that name the document's own root: the NeMo launcher's
    training configs refer to their own keys as ``${training.model.hidden_size}`` because the
    launcher mounts the file under ``training``."""

    def __init__(self, data: Any, root_aliases: tuple[str, ...] = (),
                 resolvers: dict[str, Callable[..., Any]] | None = None):
        self.data = data
        self.root_aliases = root_aliases
        self.resolvers = dict(BUILTIN_RESOLVERS)
        self.resolvers.update(resolvers or {})

    def resolve(self, dotted: str) -> Resolution:
        """The value at ``dotted`` ("model.hidden_size"), interpolations resolved."""
        trail: list[str] = []
        try:
            value = self._value_at(_split(dotted), trail, depth=0)
        except Unresolved as why:
            return Resolution(None, False, str(why), tuple(trail))
        return Resolution(value, True, "", tuple(trail))

    def resolve_text(self, text: str, at: str) -> Resolution:
        """A string as if it were the value of the key ``at`` (for relative references)."""
        trail: list[str] = []
        try:
            value = self._evaluate(text, _split(at)[:-1], trail, depth=0)
        except Unresolved as why:
            return Resolution(None, False, str(why), tuple(trail))
        return Resolution(value, True, "", tuple(trail))

    # -- evaluation ---------------------------------------------------------------------------

    def _value_at(self, parts: tuple, trail: list[str], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise Unresolved(f"references nest deeper than {MAX_DEPTH} (a cycle?)")
        found, value = _lookup(self.data, parts)
        if not found:
            raise Unresolved(f"{_join(parts) or 'the root'} is not in the config")
        if has_interpolation(value):
            return self._evaluate(value, parts[:-1], trail, depth + 1)
        return value

    def _evaluate(self, text: str, container: tuple, trail: list[str], depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise Unresolved(f"references nest deeper than {MAX_DEPTH} (a cycle?)")
        template = parse(text)
        return self._template(template, container, trail, depth)

    def _template(self, template: tuple, container: tuple, trail: list[str], depth: int) -> Any:
        if len(template) == 1 and isinstance(template[0], _Quoted):
            return template[0]
        if len(template) == 1 and not isinstance(template[0], str):
            return self._node(template[0], container, trail, depth)  # keeps the referenced type
        pieces = []
        for part in template:
            value = part if isinstance(part, str) else self._node(part, container, trail, depth)
            if isinstance(value, (dict, list)):
                raise Unresolved("a mapping or list is interpolated into a string")
            pieces.append(_as_text(value))
        return "".join(pieces)

    def _node(self, node, container: tuple, trail: list[str], depth: int) -> Any:
        if isinstance(node, _Ref):
            parts = self._target(node.path, container)
            if node.path not in trail:
                trail.append(node.path)
            return self._value_at(parts, trail, depth + 1)
        if node.name in ENVIRONMENT_RESOLVERS:
            variable = _as_text(node.args[0][0]) if node.args and node.args[0] and isinstance(node.args[0][0], str) \
                else "?"
            default = ""
            if len(node.args) > 1:
                default = f" (its default in the config: {_show_template(node.args[1])})"
            raise Unresolved(f"{ENVIRONMENT_RESOLVERS[node.name]} {variable}{default}")
        function = self.resolvers.get(node.name)
        if function is None:
            raise Unresolved(f"the resolver '{node.name}', which planlint does not know")
        args = [_argument(self._template(arg, container, trail, depth)) for arg in node.args]
        try:
            return function(*args)
        except Exception as exc:  # a resolver given arguments it cannot take
            raise Unresolved(f"the resolver '{node.name}' cannot take {', '.join(map(_as_text, args))}: "
                             f"{type(exc).__name__}") from None

    def _target(self, path: str, container: tuple) -> tuple:
        if path.startswith("."):
            dots = len(path) - len(path.lstrip("."))
            base = container[:len(container) - (dots - 1)] if dots - 1 <= len(container) else None
            if base is None:
                raise Unresolved(f"${{{path}}} climbs above the config's root")
            return base + _split(path[dots:])
        parts = _split(path)
        for alias in self.root_aliases:
            alias_parts = _split(alias)
            if parts[:len(alias_parts)] == alias_parts and not _lookup(self.data, parts)[0]:
                return parts[len(alias_parts):]
        return parts


# -- parsing -------------------------------------------------------------------------------------


def parse(text: str) -> tuple:
    """A string as a template: literal text and the interpolations in it, in order. Raises
    Unresolved on text OmegaConf would not parse (an unclosed ``${``)."""
    if len(text) > MAX_TEXT:
        raise Unresolved(f"the value is longer than {MAX_TEXT:,} characters")
    parts, index = _parse_template(text, 0, stop="")
    if index != len(text):
        raise Unresolved(f"unexpected '{text[index]}' at character {index + 1}")
    return parts


def _parse_template(text: str, index: int, stop: str) -> tuple[tuple, int]:
    """Template parts up to one of the ``stop`` characters (at nesting level zero)."""
    parts: list = []
    literal: list[str] = []
    while index < len(text):
        char = text[index]
        if text.startswith("\\${", index):
            literal.append("${")
            index += 3
        elif text.startswith("${", index):
            if literal:
                parts.append("".join(literal))
                literal = []
            node, index = _parse_interpolation(text, index + 2)
            parts.append(node)
        elif char in stop:
            break
        else:
            literal.append(char)
            index += 1
    if literal:
        parts.append("".join(literal))
    return tuple(parts), index


def _parse_interpolation(text: str, index: int):
    """After ``${``: a reference or a resolver call, through its closing ``}``."""
    head = re.compile(r"\s*([A-Za-z_][\w.\-]*)\s*:").match(text, index)
    if head:  # a resolver: ${name:arg, arg}
        name, index = head.group(1), head.end()
        args = []
        while True:
            arg, index = _parse_argument(text, index)
            args.append(arg)
            if index >= len(text):
                raise Unresolved("an interpolation '${' is not closed")
            if text[index] == "}":
                return _Call(name, tuple(args)), index + 1
            index += 1  # the comma
    end = index
    depth = 0
    while end < len(text):
        if text.startswith("${", end):
            raise Unresolved("a reference built from another interpolation is not supported")
        if text[end] == "}" and depth == 0:
            break
        end += 1
    if end >= len(text):
        raise Unresolved("an interpolation '${' is not closed")
    path = text[index:end].strip()
    if not path:
        raise Unresolved("an empty interpolation '${}'")
    return _Ref(path), end + 1


def _parse_argument(text: str, index: int) -> tuple[tuple, int]:
    while index < len(text) and text[index] in " \t":
        index += 1
    if index < len(text) and text[index] in "'\"":
        quote = text[index]
        end = text.find(quote, index + 1)
        if end < 0:
            raise Unresolved("a quoted resolver argument is not closed")
        after = end + 1
        while after < len(text) and text[after] in " \t":
            after += 1
        return (_Quoted(text[index + 1:end]),), after
    parts, index = _parse_template(text, index, stop=",}")
    if parts and isinstance(parts[-1], str):
        stripped = parts[-1].rstrip()
        parts = parts[:-1] + ((stripped,) if stripped else ())
    return parts, index


class _Quoted(str):
    """A quoted resolver argument: always a string, never read as a number."""


def _argument(value: Any) -> Any:
    """A resolver argument as OmegaConf types it: unquoted text that looks like a number,
    a boolean or null is one."""
    if isinstance(value, _Quoted) or not isinstance(value, str):
        return str(value) if isinstance(value, _Quoted) else value
    text = value.strip()
    if re.fullmatch(r"[-+]?\d+", text):
        return int(text)
    if re.fullmatch(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", text):
        return float(text)
    lowered = text.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    if lowered == "null":
        return None
    return text


# -- paths -----------------------------------------------------------------------------------


def _split(dotted: str) -> tuple:
    """``model.layers[0].size`` or ``model.layers.0.size`` as key parts, indices as ints."""
    dotted = re.sub(r"\[(\d+)\]", r".\1", dotted)
    return tuple(int(p) if p.isdigit() else p for p in dotted.split(".") if p != "")


def _join(parts: tuple) -> str:
    return ".".join(str(p) for p in parts)


def _lookup(data: Any, parts: tuple) -> tuple[bool, Any]:
    node = data
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            return False, None
    return True, node


def _as_text(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return "True" if value else "False"
    return str(value)


def _show_template(template: tuple) -> str:
    out = []
    for part in template:
        if isinstance(part, str):
            out.append(part)
        elif isinstance(part, _Ref):
            out.append("${" + part.path + "}")
        else:
            out.append("${" + part.name + ":...}")
    return "".join(out) or "''"
