"""Stage 2: check the plain data against the published JSON Schema (PL002).

Every schema error of a file is reported in one run, each at the key or value it concerns,
in words a person understands. Quantities carry the keyword ``x-quantity`` in the schema:
planlint's validator parses them exactly as the spec says (editors and other validators
ignore the keyword and fall back on the schema's approximate patterns).
"""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from typing import Any, Iterator

from planlint.findings import PathT, Span, dotted
from planlint.load import Document
from planlint.quantities import PARSERS, QuantityError
from planlint.resources import schema_path

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "boolean": "true or false",
    "number": "a number",
    "integer": "a whole number",
    "null": "nothing",
}


@lru_cache(maxsize=1)
def plan_schema() -> dict:
    with open(schema_path(), encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def _validator():
    """Compiled once per process: the 2020-12 validator plus the ``x-quantity`` keyword."""
    from jsonschema import Draft202012Validator, validators

    cls = validators.extend(Draft202012Validator, {"x-quantity": _check_quantity})
    return cls(plan_schema())


def _check_quantity(validator, kind: str, instance: Any, schema: dict) -> Iterator:
    from jsonschema import ValidationError

    try:
        value = PARSERS[kind](instance)
    except QuantityError as exc:
        yield ValidationError(str(exc))
        return
    from planlint import units

    shown = repr(instance) if isinstance(instance, str) else units.count(value)
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        yield ValidationError(f"{shown} must be more than {schema['exclusiveMinimum']:g}")
    elif "minimum" in schema and value < schema["minimum"]:
        yield ValidationError(f"{shown} must be at least {schema['minimum']:g}")
    elif "maximum" in schema and value > schema["maximum"]:
        yield ValidationError(
            f"{shown} is above {units.count(schema['maximum'])}, more than any plan means here: "
            "check the unit suffix (1.3B is 1.3e9)"
        )


def _under_quantity(error) -> bool:
    """Whether the error comes from inside a field that carries ``x-quantity``."""
    node: Any = plan_schema()
    for part in error.absolute_schema_path:
        if isinstance(node, dict) and "x-quantity" in node:
            return True
        if part == "$ref" and isinstance(node, dict):
            node = plan_schema()["$defs"][node["$ref"].rsplit("/", 1)[-1]]
            continue
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            return False
    return isinstance(node, dict) and "x-quantity" in node


def _type_of(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _schema_at(path: PathT) -> dict:
    """The schema of the node at ``path`` (for descriptions and known keys)."""
    node = plan_schema()
    for part in path:
        if isinstance(part, int):
            node = node.get("items", {})
        elif part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict):
            node = node["additionalProperties"]
        else:
            return {}
    return node


def _nearest(word: str, choices) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def validate(doc: Document) -> bool:
    """Add PL002 findings to ``doc``; True when the plan matches the schema."""
    data = doc.data
    if data is None:
        doc.add("PL002", "schema", "the file is empty: a plan is a YAML mapping",
                Span(1, 1, 1, 1), fix="start from `planlint: 1`, `name`, `model.params` and `data.train_tokens`")
        return False
    if not isinstance(data, dict):
        doc.add("PL002", "schema", f"a plan is a YAML mapping at the top level, found {_type_of(data)}",
                doc.locate((), "value"), fix="write the plan as `key: value` lines starting with `planlint: 1`")
        return False
    before = len(doc.findings)
    errors = list(_validator().iter_errors(data))
    reported: set = set()  # (path, key): jsonschema repeats `required` once per missing key
    for error in errors:
        if error.validator != "x-quantity" and _under_quantity(error):
            continue  # the quantity parser is authoritative; the schema's patterns are for editors
        _report(doc, error, tuple(error.absolute_path), reported)
    _check_accelerators(doc, data)
    return len(doc.findings) == before


def _report(doc: Document, error, path: PathT, reported: set) -> None:
    kind = error.validator
    where = dotted(path)
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        for key in error.instance:
            if key in known or key.startswith("x-") or (path, key) in reported:
                continue
            reported.add((path, key))
            guess = _nearest(key, known)
            inside = f" in {where}" if path else ""
            message = f"unknown key '{key}'{inside}"
            if guess:
                message += f"; did you mean '{guess}'?"
                fix = f"rename it to '{guess}', or prefix it with x- to keep it as a note"
            else:
                fix = f"use one of: {', '.join(known)}; or prefix it with x- to keep it as a note"
            doc.add("PL002", "schema", message, doc.locate(path + (key,), "key"), fix=fix, path=path + (key,))
        return
    if kind == "required":
        for key in error.validator_value:
            if key in error.instance or (path, key) in reported:
                continue
            reported.add((path, key))
            about = error.schema.get("properties", {}).get(key, {}).get("description", "")
            owner = f"{where} is" if path else "the plan is"
            message = f"{owner} missing the required key '{key}'"
            if about:
                message += f" ({about.split('. ')[0].rstrip('.')})"
            doc.add("PL002", "schema", message, doc.locate(path, "key"), fix=f"add '{key}:'", path=path)
        return
    if kind == "x-quantity":
        doc.add("PL002", "schema", f"{where}: {error.message}", doc.locate(path, "value"), path=path,
                fix=_fix_for(path, _QUANTITY_FORMS.get(error.schema.get("x-quantity"), "a number")))
        return
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        guess = _nearest(str(error.instance), options)
        message = f"{where}: {_type_of(error.instance)} is not one of {', '.join(options)}"
        if guess:
            message += f"; did you mean '{guess}'?"
        doc.add("PL002", "schema", message, doc.locate(path, "value"), path=path,
                fix=_fix_for(path, "one of " + ", ".join(options)))
        return
    if kind == "const" and path == ("planlint",):
        doc.add("PL002", "schema",
                f"planlint: {_type_of(error.instance)} is not a format version this planlint reads (it reads 1)",
                doc.locate(path, "value"), path=path, fix="write `planlint: 1`")
        return
    if kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        doc.add("PL002", "schema", f"{where} must be {words}, found {_type_of(error.instance)}",
                doc.locate(path, "value"), path=path, fix=_fix_for(path, words))
        return
    if kind == "minLength":
        doc.add("PL002", "schema", f"{where} must not be empty", doc.locate(path, "value"), path=path,
                fix=_fix_for(path, "a non-empty value"))
        return
    doc.add("PL002", "schema", f"{where}: {error.message}", doc.locate(path, "value"), path=path,
            fix=_fix_for(path, "a valid value"))


_QUANTITY_FORMS = {
    "count": "a count such as 1.3B, 1.3e9 or 1_300_000_000",
    "integer": "a whole number such as 24 or 50k",
    "share": "a share such as 55% or 0.55",
    "usd": "an amount in US dollars such as 1.80 or \"$1.80\"",
    "fraction": "a fraction such as 0.40 or 40%",
}


def _fix_for(path: PathT, wanted: str) -> str:
    """'write a count such as 1.3B (model.params: total parameters, ...)'."""
    about = _schema_at(path).get("description", "").split(". ")[0].rstrip(".")
    field = dotted(path)
    return f"write {wanted}" + (f" ({field}: {about[0].lower() + about[1:]})" if about else "")


def _check_accelerators(doc: Document, data: dict) -> None:
    """Accelerator names must be in the catalogue or declared under custom_accelerators."""
    from planlint.accelerators import CATALOGUE

    custom = data.get("custom_accelerators")
    custom = custom if isinstance(custom, dict) else {}
    for section in ("compute", "serving"):
        block = data.get(section)
        if not isinstance(block, dict) or not isinstance(block.get("accelerator"), str):
            continue
        name = block["accelerator"]
        if name in CATALOGUE or name in custom:
            continue
        known = list(CATALOGUE) + list(custom)
        guesses = [k for k in known if k.startswith(name.lower())][:3] or [_nearest(name.lower(), known)]
        message = f"{section}.accelerator: unknown accelerator '{name}'"
        if guesses[0]:
            message += f"; did you mean {' or '.join(repr(g) for g in guesses)}?"
        message += f" Known: {', '.join(known)}"
        doc.add(
            "PL002", "schema", message, doc.locate((section, "accelerator"), "value"),
            path=(section, "accelerator"),
            fix=(
                "use a catalogue name, or declare the chip under custom_accelerators with its dense "
                f"peak_tflops, memory_gb and memory_bandwidth_gbps (`{name}: {{peak_tflops: 400, "
                "memory_gb: 96, memory_bandwidth_gbps: 2800}`)"
            ),
        )
