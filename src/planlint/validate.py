"""Stage 2: check the plain data against the published JSON Schema (PL002).

Every schema error of a file is reported in one run, each at the key or value it concerns,
in words a person understands. Quantities carry the keyword ``x-quantity`` in the schema:
planlint's validator parses them exactly as the spec says (editors and other validators
ignore the keyword and fall back on the schema's approximate patterns).

Most plans are valid, and importing and running jsonschema costs more than the rest of a
one-plan run. So the schema is also compiled here, once per process, into a plain-Python
check that answers one question: does the plan produce no PL002 finding at all? When it
says yes, jsonschema is never imported; when it says "maybe not", jsonschema validates the
plan and produces the findings exactly as before. The compiled check is conservative: a
keyword it does not know makes it answer "maybe not", so it can slow a run down but never
hide a finding (``tests/test_startup.py`` holds the two to the same verdicts).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Any, Callable, Iterator

from planlint.findings import HEADLINE_LIMIT, FindingList, PathT, Span, dotted
from planlint.load import Document
from planlint.quantities import PARSERS, QuantityError

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "a string",
    "boolean": "true or false",
    "number": "a number",
    "integer": "a whole number",
    "null": "nothing",
}


def plan_schema() -> dict:
    """schemas/plan.schema.json, read from its Python copy (planlint.plan_schema): no json to
    import on a check. Shared: callers do not change it."""
    from planlint.plan_schema import SCHEMA

    return SCHEMA


@lru_cache(maxsize=1)
def _validator():
    """Compiled once per process: the 2020-12 validator plus the ``x-quantity`` keyword."""
    from jsonschema import Draft202012Validator, validators

    cls = validators.extend(Draft202012Validator, {"x-quantity": _check_quantity})
    return cls(plan_schema())


def _check_quantity(validator, kind: str, instance: Any, schema: dict) -> Iterator:
    problem = _quantity_problem(kind, instance, schema)
    if problem is not None:
        from jsonschema import ValidationError

        yield ValidationError(problem)


def _quantity_problem(kind: str, instance: Any, schema: dict) -> str | None:
    """What is wrong with a quantity, in the words of its PL002 finding; None when nothing."""
    try:
        value = PARSERS[kind](instance)
    except QuantityError as exc:
        return str(exc)
    if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        return f"{_shown(instance, value)} must be more than {_bound(schema['exclusiveMinimum'])}"
    if "minimum" in schema and value < schema["minimum"]:
        reason = "" if schema["minimum"] <= 1 else ": no real run is smaller (check the unit suffix)"
        flipped = _sign_typo(value, schema)
        if flipped is not None:
            reason = f": no real run is smaller; did you mean {flipped}?"
        return f"{_shown(instance, value)} must be at least {_bound(schema['minimum'])}{reason}"
    if "maximum" in schema and value > schema["maximum"]:
        from planlint import units

        if kind in ("fraction", "share") and schema["maximum"] == 1 and 2 <= value <= 100 and not isinstance(instance, str):
            # 45 for 45%: the number a person means when they write a percentage without its sign
            return f"{_shown(instance, value)} is above 1; did you mean {value:g}%?"

        return (
            f"{_shown(instance, value)} is above {units.count(schema['maximum'])}, more than any plan "
            "means: check the unit suffix"
        )
    return None


def _sign_typo(value: float, schema: dict) -> str | None:
    """``1.3e9`` when ``value`` is 1.3e-9 and 1.3e9 is within the field's bounds, else None."""
    if not 0 < value < 1 or schema["minimum"] <= 1:
        return None
    mantissa, exponent = f"{value:.6e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    flipped = float(f"{mantissa}e{-int(exponent)}")
    if flipped < schema["minimum"] or flipped > schema.get("maximum", math.inf):
        return None
    return f"{mantissa}e{-int(exponent)}"


def _bound(limit: float) -> str:
    from planlint import units

    if limit >= 1e12:
        return units.sci(limit)
    return units.count(limit) if limit >= 1000 else f"{limit:g}"


def _shown(instance: Any, value: float) -> str:
    from planlint import units

    if isinstance(instance, str):
        return repr(units.clip(instance, 20))
    if isinstance(instance, int) and not isinstance(instance, bool) and abs(instance) < 1e15:
        return f"{instance:,}"  # 999,999 rather than 1000K next to a bound of 1M
    return units.count(value, 6)


# -- the compiled check ------------------------------------------------------------------
#
# Each schema node becomes a function ``ok(instance) -> bool`` that mirrors jsonschema's
# Draft 2020-12 keywords and planlint's filter: below a node with ``x-quantity`` only the
# quantity parser counts (``_under_quantity`` drops every other error there). ``ok`` may
# answer False for a plan that is valid (jsonschema then decides), never True for one that
# is not.

Check = Callable[[Any], bool]
_ANNOTATIONS = {"$schema", "$id", "$comment", "title", "description", "examples", "default", "$defs",
                "deprecated", "readOnly", "writeOnly"}
_OBJECT_KEYWORDS = {"type", "properties", "patternProperties", "additionalProperties", "required"}


def _never(instance: Any) -> bool:
    return False


def _always(instance: Any) -> bool:
    return True


def _is_number(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool)


_TYPE_TESTS: dict[str, Check] = {
    "object": lambda x: isinstance(x, dict),
    "array": lambda x: isinstance(x, list),
    "string": lambda x: isinstance(x, str),
    "boolean": lambda x: isinstance(x, bool),
    "null": lambda x: x is None,
    "number": _is_number,
    # Draft 6 and later: 3.0 is an integer
    "integer": lambda x: (isinstance(x, int) and not isinstance(x, bool)) or (isinstance(x, float) and x.is_integer()),
}


def _same(a: Any, b: Any) -> bool:
    """JSON equality as jsonschema's ``enum`` and ``const`` see it (True is not 1)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        return _json_same(a, b)
    return a == b


def _json_same(a: Any, b: Any) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return False


def _contains_quantity(node: Any) -> bool:
    if isinstance(node, dict):
        return "x-quantity" in node or any(_contains_quantity(v) for v in node.values())
    if isinstance(node, list):
        return any(_contains_quantity(v) for v in node)
    return False


class _Compiler:
    def __init__(self, root: dict):
        self.root = root
        self.refs: dict[tuple[str, bool], Check] = {}
        # Inside anyOf a branch fails on any error, even one validate() would drop below a
        # quantity; the compiled check does not model that and leaves such plans to jsonschema.
        self.in_any_of = False

    def ref(self, ref: str) -> Check:
        if not isinstance(ref, str) or not ref.startswith("#/$defs/") or "~" in ref or "%" in ref:
            return _never
        name = ref[len("#/$defs/"):]
        target = self.root.get("$defs", {}).get(name)
        if target is None or "/" in name:
            return _never
        key = (ref, self.in_any_of)
        if key not in self.refs:
            slot: list[Check] = [_never]
            self.refs[key] = lambda x: slot[0](x)  # a recursive $ref resolves through the slot
            slot[0] = self.node(target)
        return self.refs[key]

    def node(self, schema: Any) -> Check:
        if schema is True:
            return _always
        if not isinstance(schema, dict):
            return _never  # false, or something that is not a schema
        if "x-quantity" in schema:
            kind = schema["x-quantity"]
            nested = {k: v for k, v in schema.items() if k != "x-quantity"}
            if kind not in PARSERS or _contains_quantity(nested) or self.in_any_of:
                return _never
            return lambda x: _quantity_problem(kind, x, schema) is None
        if schema.get("type") == "object" and set(schema) - _ANNOTATIONS <= _OBJECT_KEYWORDS:
            return self.object(schema)
        checks: list[Check] = []
        for keyword, value in schema.items():
            if keyword in _ANNOTATIONS:
                continue
            check = self.keyword(keyword, value, schema)
            if check is None:
                return _never  # a keyword this compiler does not know: let jsonschema decide
            if check is not _always:
                checks.append(check)
        if not checks:
            return _always
        if len(checks) == 1:
            return checks[0]
        return lambda x: all(check(x) for check in checks)

    def object(self, schema: dict) -> Check:
        """The usual section of a plan, in one pass over its keys: ``type: object`` with
        ``properties``, ``patternProperties``, ``additionalProperties`` and ``required``."""
        properties = schema.get("properties", {})
        patterns = schema.get("patternProperties", {})
        additional = schema.get("additionalProperties", True)
        required = schema.get("required", [])
        if not (isinstance(properties, dict) and isinstance(patterns, dict) and isinstance(required, list)):
            return _never
        props = {name: self.node(sub) for name, sub in properties.items()}
        pats = [(pattern, self.node(sub)) for pattern, sub in patterns.items()]  # re's cache compiles them
        checked_pats = [(pattern, check) for pattern, check in pats if check is not _always]
        extra = self.node(additional)
        names = tuple(required)

        def ok(x: Any) -> bool:
            if not isinstance(x, dict):
                return False
            for name in names:
                if name not in x:
                    return False
            for key, value in x.items():
                if not isinstance(key, str):
                    return False
                check = props.get(key)
                if check is not None:
                    if not check(value):
                        return False
                    if not checked_pats:
                        continue
                    for pattern, sub in checked_pats:
                        if re.search(pattern, key) and not sub(value):
                            return False
                    continue
                matched = False
                for pattern, sub in pats:
                    if re.search(pattern, key):
                        matched = True
                        if not sub(value):
                            return False
                if not matched and not extra(value):
                    return False
            return True

        return ok

    def keyword(self, keyword: str, value: Any, schema: dict) -> Check | None:
        if keyword == "type":
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or any(n not in _TYPE_TESTS for n in names):
                return None
            tests = [_TYPE_TESTS[n] for n in names]
            return tests[0] if len(tests) == 1 else (lambda x: any(t(x) for t in tests))
        if keyword == "properties":
            if not isinstance(value, dict):
                return None
            subs = {name: self.node(sub) for name, sub in value.items()}
            return lambda x: not isinstance(x, dict) or all(check(x[k]) for k, check in subs.items() if k in x)
        if keyword == "patternProperties":
            if not isinstance(value, dict):
                return None
            pats = [(re.compile(p), self.node(sub)) for p, sub in value.items()]
            pats = [(p, check) for p, check in pats if check is not _always]
            if not pats:
                return _always
            return lambda x: not isinstance(x, dict) or all(
                check(v) for k, v in x.items() for p, check in pats if p.search(k))
        if keyword == "additionalProperties":
            known = set(schema.get("properties", {}))
            joined = "|".join(schema.get("patternProperties", {}))
            pattern = re.compile(joined) if joined else None

            def extras(x: dict):
                return (k for k in x if k not in known and not (pattern is not None and pattern.search(k)))

            if value is False:
                return lambda x: not isinstance(x, dict) or next(extras(x), None) is None
            sub = self.node(value)
            if sub is _always:
                return _always
            return lambda x: not isinstance(x, dict) or all(sub(x[k]) for k in extras(x))
        if keyword == "required":
            if not isinstance(value, list):
                return None
            names = tuple(value)
            return lambda x: not isinstance(x, dict) or all(n in x for n in names)
        if keyword == "items":
            sub = self.node(value)
            if "prefixItems" in schema:
                return None
            return lambda x: not isinstance(x, list) or all(sub(item) for item in x)
        if keyword == "anyOf":
            if not isinstance(value, list) or not value:
                return None
            outer, self.in_any_of = self.in_any_of, True
            try:
                subs = [self.node(sub) for sub in value]
            finally:
                self.in_any_of = outer
            return lambda x: any(check(x) for check in subs)
        if keyword == "$ref":
            return self.ref(value)
        if keyword == "enum":
            if not isinstance(value, list):
                return None
            options = list(value)
            return lambda x: any(_same(x, option) for option in options)
        if keyword == "const":
            return lambda x: _same(x, value)
        if keyword == "minLength":
            return lambda x: not isinstance(x, str) or len(x) >= value
        if keyword == "pattern":
            return lambda x: not isinstance(x, str) or re.search(value, x) is not None  # compiled on first use
        if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            if not _is_number(value):
                return None
            compare = {
                "minimum": lambda x: x >= value,
                "maximum": lambda x: x <= value,
                "exclusiveMinimum": lambda x: x > value,
                "exclusiveMaximum": lambda x: x < value,
            }[keyword]
            return lambda x: not _is_number(x) or compare(x)
        return None


@lru_cache(maxsize=1)
def _quick_check() -> Check:
    """The compiled check of the whole plan: True when the plan gets no PL002 from the schema."""
    return _Compiler(plan_schema()).node(plan_schema())


def schema_errors(data: Any, bound: int | None = None) -> tuple[list, bool]:
    """The schema errors ``validate`` reports from, and whether more were left unread: none
    when the compiled check passes the plan (jsonschema is then not even imported), else
    jsonschema's, read lazily and no further than ``bound`` errors. Past the bound the plan's
    missing top-level keys are still among them: they matter more than the thousandth typo."""
    if _quick_check()(data):
        return [], False
    validator = _validator()
    errors = []
    for error in validator.iter_errors(data):
        if bound is not None and len(errors) >= bound:
            break
        errors.append(error)
    else:
        return errors, False
    if isinstance(data, dict) and not any(e.validator == "required" and not e.absolute_path for e in errors):
        schema = plan_schema()
        top = {"required": schema["required"],  # with the descriptions the messages quote
               "properties": {key: {"description": node.get("description", "")}
                              for key, node in schema["properties"].items()}}
        errors.extend(type(validator)(top).iter_errors(data))
    return errors, True


def loss_fit_problems(spec: Any) -> str | None:
    """What is wrong with a loss fit a configuration defines, by the schema of a plan's
    ``loss_fit`` (one definition for both), or None."""
    from jsonschema import validators

    schema = {"$defs": plan_schema()["$defs"], **plan_schema()["properties"]["loss_fit"]}
    cls = validators.extend(validators.validator_for(plan_schema()), {"x-quantity": _check_quantity})
    errors = sorted(cls(schema).iter_errors(spec), key=lambda e: list(map(str, e.absolute_path)))
    if not errors:
        return None
    first = errors[0]
    if first.validator == "additionalProperties":
        keys = [k for k in schema["properties"] if k != "name"]
        unknown = sorted(str(k) for k in first.instance if k not in schema["properties"] and not str(k).startswith("x-"))
        return f"unknown key {', '.join(map(repr, unknown))} (a fit has {', '.join(keys)})"
    where = ".".join(map(str, first.absolute_path))
    return f"{where}: {first.message}" if where else first.message


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
    if isinstance(value, str):  # plan text, quoted in a headline: cut to fit
        from planlint import units

        return repr(units.clip(value, 30))
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


HINTED_KEYS = 100  # keys reported (missing ones first) up to which an unknown one gets a did-you-mean
_LONGEST_GUESSED = 200  # a longer word is like no key of the schema (difflib's time grows with it)


def _nearest(word: str, choices) -> str | None:
    import difflib

    if len(word) > _LONGEST_GUESSED:
        return None
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _spelled_key(key: str) -> str:
    """A key from the plan as a message quotes it: invisible and control characters spelled out
    (``param\\u200bs``), so that it cannot pass for the key it is mistaken for."""
    from planlint.report.escape import hidden_spelled

    return hidden_spelled(key)


def validate(doc: Document) -> tuple[bool, FindingList]:
    """Stage 2: whether the loaded plan matches the schema, and its PL002 findings (bounded,
    with the load stage's, by the document's ``max-findings`` limit)."""
    out = FindingList(doc.name, doc.findings.limit - len(doc.findings))
    data = doc.data
    if data is None:
        out.add("PL002", "schema", "the file is empty: a plan is a YAML mapping",
                Span(1, 1, 1, 1), fix="start from `planlint: 1`, `name`, `model.params` and `data.train_tokens`")
        return False, out
    if not isinstance(data, dict):
        out.add("PL002", "schema", f"a plan is a YAML mapping at the top level, found {_type_of(data)}",
                doc.locate((), "value"), fix="write the plan as `key: value` lines starting with `planlint: 1`")
        return False, out
    # a value can break several keywords (a quantity's pattern and its parse), one finding each
    errors, unread = schema_errors(data, 4 * out.limit + 8)
    reported: set = set()  # (path, key): jsonschema repeats `required` once per missing key
    # Missing keys first: past the findings bound they matter more than the thousandth typo.
    for error in sorted(errors, key=lambda error: error.validator != "required"):
        if error.validator != "x-quantity" and _under_quantity(error):
            continue  # the quantity parser is authoritative; the schema's patterns are for editors
        _report(out, doc, error, tuple(error.absolute_path), reported)
    _check_accelerators(out, doc, data)
    out.more = unread  # errors past those read: ``dropped`` is then a lower bound
    if unread and not out.dropped:
        out.skip(doc.locate((), "value"))
    if not out and not out.dropped:
        return True, out
    # A value the loader already reported (a tag that does not fit it, an int too large to
    # print) stays as its text, which the schema then refuses too: one finding is enough.
    loaded = {f.span for f in doc.findings if f.code == "PL002"}
    if loaded:
        out[:] = [f for f in out if f.span not in loaded]
    return False, out


def _report(out: FindingList, doc: Document, error, path: PathT, reported: set) -> None:
    kind = error.validator
    where = dotted(path)
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        for key in error.instance:
            if key in known or key.startswith("x-") or (path, key) in reported:
                continue
            reported.add((path, key))
            if out.full:  # the did-you-mean costs more than the rest: skip it past the bound
                out.skip(None if out.dropped else doc.locate(path + (key,), "key"))
                continue
            hinted = len(reported) <= HINTED_KEYS
            guess = _nearest(key, known) if hinted else None
            inside = f" in {where}" if path else ""
            message = f"unknown key '{_spelled_key(key)}'{inside}"
            if guess:
                message += f"; did you mean '{guess}'?"
                fix = f"rename it to '{guess}', or prefix it with x- to keep it as a note"
            else:
                fix = f"use one of: {', '.join(known)}; or prefix it with x- to keep it as a note"
            out.add("PL002", "schema", message, doc.locate(path + (key,), "key"), fix=fix, path=path + (key,))
        return
    if kind == "required":
        known = error.schema.get("properties", {})
        # a misspelt key is one finding, not two: its "did you mean" names the key that is missing
        # (looked for only among as many unknown keys as get a hint, so that a huge mapping stays cheap)
        unknown = [key for key in error.instance if isinstance(key, str) and key not in known and not key.startswith("x-")]
        misspelt = {_nearest(key, known) for key in unknown} if len(unknown) <= HINTED_KEYS else set()
        for key in error.validator_value:
            if key in error.instance or key in misspelt or (path, key) in reported:
                continue
            reported.add((path, key))
            about = error.schema.get("properties", {}).get(key, {}).get("description", "")
            owner = f"{where} is" if path else "the plan is"
            message = f"{owner} missing the required key '{key}'"
            if about:
                message += f" ({about.split('. ')[0].rstrip('.')})"
            out.add("PL002", "schema", message, doc.locate(path, "key"), fix=f"add '{key}:'", path=path)
        return
    if kind == "x-quantity":
        out.add("PL002", "schema", f"{where}: {error.message}", doc.locate(path, "value"), path=path,
                fix=_fix_for(path, _QUANTITY_FORMS.get(error.schema.get("x-quantity"), "a number")))
        return
    if kind == "enum":
        options = [str(o) for o in error.validator_value]
        guess = _nearest(str(error.instance), options)
        message = f"{where}: {_type_of(error.instance)} is not one of {', '.join(options)}"
        details = ()
        if len(message) + 30 > HEADLINE_LIMIT:  # with its did-you-mean: the list is a detail
            message = f"{where}: {_type_of(error.instance)} is not one of its {len(options)} values"
            details = (f"{where} is one of {', '.join(options)}",)
        if guess:
            message += f"; did you mean '{guess}'?"
        out.add("PL002", "schema", message, doc.locate(path, "value"), path=path,
                fix=_fix_for(path, "one of " + ", ".join(options)), details=details)
        return
    if kind == "const" and path == ("planlint",):
        out.add("PL002", "schema",
                f"planlint: {_type_of(error.instance)} is not a format version this planlint reads (it reads 1)",
                doc.locate(path, "value"), path=path, fix="write `planlint: 1`")
        return
    if kind == "type":
        wanted = error.validator_value
        wanted = [wanted] if isinstance(wanted, str) else wanted
        words = " or ".join(_TYPE_WORDS.get(w, w) for w in wanted)
        out.add("PL002", "schema", f"{where} must be {words}, found {_type_of(error.instance)}",
                doc.locate(path, "value"), path=path, fix=_fix_for(path, words))
        return
    if kind == "minLength":
        out.add("PL002", "schema", f"{where} must not be empty", doc.locate(path, "value"), path=path,
                fix=_fix_for(path, "a non-empty value"))
        return
    out.add("PL002", "schema", f"{where}: {error.message}", doc.locate(path, "value"), path=path,
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


@lru_cache(maxsize=4)
def _catalogue_keys(names: tuple[str, ...]) -> dict[str, str]:
    """The catalogue's names by the form they share with names that read alike."""
    from planlint.names import name_key

    return {name_key(name): name for name in names}


def _check_custom_names(out: FindingList, doc: Document, custom: dict) -> None:
    """A plan cannot redefine a catalogue accelerator (plugins cannot either): its figures
    are the facts the plan is judged by. A name that differs from a catalogue name only by
    case, Unicode form, invisible characters or spaces reads as that name, so it is refused too."""
    from planlint.accelerators import CATALOGUE
    from planlint.names import name_key

    if not custom:
        return
    catalogue = _catalogue_keys(tuple(CATALOGUE))
    for name in custom:
        taken = catalogue.get(name_key(name))
        if taken is None:
            continue
        from planlint import units

        if taken == name:
            headline = f"custom_accelerators: '{taken}' is a catalogue accelerator; a plan cannot redefine it"
        else:
            headline = (f"custom_accelerators: {units.quoted(name, 20)} reads as the catalogue's "
                        f"{units.quoted(taken, 16)}; a plan cannot redefine it")
        out.add("PL002", "schema", headline, doc.locate(("custom_accelerators", name), "key"),
                path=("custom_accelerators", name),
                fix=f"use '{taken}' from the catalogue as it is, or give the chip a name of its own "
                    f"(`{taken}-custom`)",
                details=(f"the catalogue's '{taken}': {CATALOGUE[taken].label}",))


def _check_accelerators(out: FindingList, doc: Document, data: dict) -> None:
    """Accelerator names must be in the catalogue or declared under custom_accelerators."""
    from planlint import units
    from planlint.accelerators import CATALOGUE

    custom = data.get("custom_accelerators")
    custom = custom if isinstance(custom, dict) else {}
    _check_custom_names(out, doc, custom)
    for section in ("compute", "serving"):
        block = data.get(section)
        if not isinstance(block, dict) or not isinstance(block.get("accelerator"), str):
            continue
        name = block["accelerator"]
        if name in CATALOGUE or name in custom:
            continue
        known = list(CATALOGUE) + list(custom)
        guesses = [k for k in known if k.startswith(name.lower())][:3] or [_nearest(name.lower(), known)]
        message = f"{section}.accelerator: unknown accelerator {units.quoted(_spelled_key(name), 24)}"
        if guesses[0]:
            message += f"; did you mean {' or '.join(repr(g) for g in guesses)}?"
        out.add(
            "PL002", "schema", message, doc.locate((section, "accelerator"), "value"),
            path=(section, "accelerator"), details=(f"known: {', '.join(known)} (`planlint accelerators` lists them)",),
            fix=(
                "use a catalogue name, or declare the chip under custom_accelerators with its dense "
                f"peak_tflops, memory_gb and memory_bandwidth_gbps (`{name}: {{peak_tflops: 400, "
                "memory_gb: 96, memory_bandwidth_gbps: 2800}`)"
            ),
        )
