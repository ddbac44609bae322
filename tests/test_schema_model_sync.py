"""The published schema and the typed model the rules read must describe the same format."""

import typing

from planlint.model import Plan, _Section, fields_of
from planlint.validate import plan_schema


def _model_of(annotation):
    """The section inside Optional[...], list[...] or dict[str, ...], if any."""
    for arg in typing.get_args(annotation) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    if isinstance(annotation, type) and issubclass(annotation, _Section):
        return annotation
    return None


def _literals(annotation):
    if typing.get_origin(annotation) is typing.Literal:
        return set(typing.get_args(annotation))
    for arg in typing.get_args(annotation) or ():
        found = _literals(arg)
        if found:
            return found
    return None


def _compare(schema: dict, model: type, where: str, problems: list):
    if "properties" not in schema and isinstance(schema.get("additionalProperties"), dict):
        schema = schema["additionalProperties"]
    props = schema.get("properties", {})
    fields = fields_of(model)
    if set(props) != set(fields):
        problems.append(f"{where}: schema {sorted(set(props) - set(fields))} vs model {sorted(set(fields) - set(props))}")
    required = set(schema.get("required", []))
    model_required = {name for name, (_, is_required) in fields.items() if is_required}
    if required != model_required:
        problems.append(f"{where}: required {sorted(required)} vs model {sorted(model_required)}")
    for name in set(props) & set(fields):
        prop, annotation = props[name], fields[name][0]
        if not prop.get("description"):
            problems.append(f"{where}.{name}: no description in the schema")
        if "enum" in prop and set(prop["enum"]) != _literals(annotation):
            problems.append(f"{where}.{name}: enum {prop['enum']} vs {_literals(annotation)}")
        sub = prop.get("items", prop)
        submodel = _model_of(annotation)
        if submodel is not None:
            _compare(sub, submodel, f"{where}.{name}", problems)


def test_schema_and_model_agree():
    problems = []
    _compare(plan_schema(), Plan, "plan", problems)
    assert problems == []


def test_every_quantity_field_names_its_kind():
    """Fields with a quantity $ref carry x-quantity, so planlint parses them exactly."""
    missing = []

    def walk(node, where):
        if isinstance(node, dict):
            if str(node.get("$ref", "")).startswith("#/$defs/") and "x-quantity" not in node:
                missing.append(where)
            for key, value in node.items():
                if key != "$defs":
                    walk(value, f"{where}/{key}")

    walk(plan_schema(), "")
    assert missing == []


def test_schema_is_valid_2020_12():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(plan_schema())
