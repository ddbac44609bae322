"""Stage 3: the typed plan the rules read.

Built only from data that passed the schema, so construction cannot fail on user input;
quantities arrive as numbers (``"1.3B"`` -> ``1.3e9``). Field names, required fields and
enumerations mirror ``schemas/plan.schema.json``; ``tests/test_schema_model_sync.py``
fails when the two drift apart.

The plan is validated once, against the schema. Building pydantic's validators for these
classes takes longer than linting a plan, so it is deferred (``defer_build``) and ``build``
fills the classes directly from the schema-checked data (``model_construct``), converting
each field as its annotation says: the result is the same object ``Plan.model_validate``
makes (``tests/test_startup.py`` compares them). Anything the direct fill does not expect is
handed to ``model_validate``, which builds the validators then and reports as before.
"""

from __future__ import annotations

import typing
from typing import Annotated, Any, Callable, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from planlint.quantities import parse_count, parse_fraction, parse_integer, parse_share, parse_usd

Count = Annotated[float, BeforeValidator(parse_count)]
Whole = Annotated[int, BeforeValidator(parse_integer)]
Share = Annotated[float, BeforeValidator(parse_share)]
Usd = Annotated[float, BeforeValidator(parse_usd)]
Fraction = Annotated[float, BeforeValidator(parse_fraction)]


class _Section(BaseModel):
    """Unknown keys are an error, except ``x-`` keys, which belong to users and plugins."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_extension_keys(cls, data):
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
        return data


class ModelSpec(_Section):
    params: Count
    active_params: Optional[Count] = None
    layers: Optional[Whole] = None
    d_model: Optional[Whole] = None
    heads: Optional[Whole] = None
    kv_heads: Optional[Whole] = None
    vocab_size: Optional[Whole] = None
    context_length: Optional[Whole] = None
    ffn_dim: Optional[Whole] = None
    ffn_gated: Optional[bool] = None
    tied_embeddings: Optional[bool] = None

    @property
    def active(self) -> float:
        """Parameters active per token (the spec's default: all of them)."""
        return self.active_params if self.active_params is not None else self.params

    @property
    def is_moe(self) -> bool:
        return self.active_params is not None and self.active_params < self.params

    @property
    def kv_head_count(self) -> Optional[int]:
        return self.kv_heads if self.kv_heads is not None else self.heads


class MixEntry(_Section):
    source: str
    share: Share
    unique_tokens: Optional[Count] = None
    synthetic: Optional[bool] = None
    revision: Optional[str] = None


class DataSpec(_Section):
    train_tokens: Count
    unique_tokens: Optional[Count] = None
    deduplicated: Optional[bool] = None
    filtered: Optional[bool] = None
    decontaminated: Optional[bool] = None
    mix: Optional[list[MixEntry]] = None


class Compute(_Section):
    flops: Optional[Count] = None
    gpu_hours: Optional[Count] = None
    accelerator: Optional[str] = None
    accelerators: Optional[Whole] = None
    zero_stage: Optional[Whole] = None
    mfu: Optional[Fraction] = None
    usd_per_gpu_hour: Optional[Usd] = None
    deadline_days: Optional[Count] = None


class Stage(_Section):
    kind: Literal["sft", "preference", "rl", "distillation", "other"]
    tokens: Optional[Count] = None
    gpu_hours: Optional[Count] = None


class Alignment(_Section):
    stages: Optional[list[Stage]] = None
    gpu_hours: Optional[Count] = None


class Serving(_Section):
    params: Optional[Count] = None
    precision: Optional[Literal["fp32", "bf16", "fp16", "fp8", "int8", "int4"]] = None
    accelerator: Optional[str] = None
    accelerators: Optional[Whole] = None
    batch_size: Optional[Whole] = None
    context_length: Optional[Whole] = None
    usd_per_gpu_hour: Optional[Usd] = None
    max_usd_per_million_tokens: Optional[Usd] = None
    lifetime_tokens: Optional[Count] = None


class LossTracking(_Section):
    every_tokens: Optional[Count] = None
    on_knee: Optional[Literal["stop", "lower-lr"]] = None
    rule: Optional[str] = None


class Evaluation(_Section):
    metrics: Optional[list[str]] = None
    smooth_metrics: Optional[list[str]] = None
    task_metrics: Optional[list[str]] = None
    loss_tracking: Optional[LossTracking] = None


class Rationale(_Section):
    alternatives_considered: Optional[list[Literal["fine-tuning", "retrieval", "prompting", "distillation",
                                                   "other"]]] = None
    data_advantage: Optional[str] = None


class CustomAccelerator(_Section):
    peak_tflops: Count
    memory_gb: Count
    memory_bandwidth_gbps: Count
    source: Optional[str] = None


class Plan(_Section):
    planlint: Literal[1]
    name: str
    goal: Optional[Literal["base", "assistant", "research"]] = None
    sizing: Optional[Literal["compute-optimal", "inference-optimal"]] = None
    model: ModelSpec
    data: DataSpec
    compute: Optional[Compute] = None
    alignment: Optional[Alignment] = None
    serving: Optional[Serving] = None
    evaluation: Optional[Evaluation] = None
    rationale: Optional[Rationale] = None
    custom_accelerators: Optional[dict[str, CustomAccelerator]] = None

    def accelerator(self, name: Optional[str]):
        """The catalogue entry (or custom declaration) for an accelerator name, or None."""
        if name is None:
            return None
        from planlint.accelerators import lookup

        return lookup(name, self.custom_accelerators)


def build(data: dict) -> Plan:
    try:
        return _fill(Plan, data)
    except Exception:  # _Unexpected, or a parser that disagrees with the schema
        return Plan.model_validate(data)


class _Unexpected(Exception):
    """The data is not what the schema promises: let pydantic validate it and say why."""


def _fill(cls: type[_Section], data: Any) -> _Section:
    if not isinstance(data, dict):
        raise _Unexpected
    found = _FILLERS.get(cls)
    if found is None:
        found = _FILLERS[cls] = _fillers(cls)
    fields, required = found
    values = {}
    for key, value in data.items():
        if isinstance(key, str) and key.startswith("x-"):
            continue  # _drop_extension_keys
        filler = fields.get(key)
        if filler is None:
            raise _Unexpected  # an unknown key: extra="forbid"
        values[key] = filler(value)
    for name in required:
        if name not in values:
            raise _Unexpected
    maker = _MAKERS.get(cls)
    if maker is None:
        maker = _MAKERS[cls] = _maker(cls, values)
    return maker(values)


_FILLERS: dict[type, tuple[dict[str, Callable[[Any], Any]], tuple[str, ...]]] = {}
_MAKERS: dict[type, Callable[[dict], Any]] = {}


def _fillers(cls: type[_Section]) -> tuple[dict[str, Callable[[Any], Any]], tuple[str, ...]]:
    """Per field, the function that fills it; and the required fields."""
    fields = cls.model_fields
    return ({name: _filler(info.annotation, info.metadata) for name, info in fields.items()},
            tuple(name for name, info in fields.items() if info.is_required()))


def _maker(cls: type[_Section], sample: dict) -> Callable[[dict], Any]:
    """``model_construct`` for this class, five times faster: it sets the four attributes
    that ``model_construct`` sets. Used only if it makes exactly what ``model_construct``
    makes from ``sample``, else ``model_construct`` it is."""
    fields = cls.model_fields
    template = {}
    for name, info in fields.items():
        if info.is_required():
            template[name] = None  # always overwritten: _fill checked that it is there
        elif info.default_factory is None and isinstance(info.default, (type(None), bool, int, float, str)):
            template[name] = info.default
        else:
            return lambda values: cls.model_construct(**values)
    setattr_ = object.__setattr__

    def make(values: dict):
        instance = cls.__new__(cls)
        state = dict(template)
        state.update(values)
        setattr_(instance, "__dict__", state)
        setattr_(instance, "__pydantic_fields_set__", set(values))
        setattr_(instance, "__pydantic_extra__", None)
        setattr_(instance, "__pydantic_private__", None)
        return instance

    attributes = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")
    try:
        ours, theirs = make(dict(sample)), cls.model_construct(**sample)
        same = (not cls.__pydantic_post_init__ and not cls.__pydantic_root_model__
                and all(type(getattr(ours, a)) is type(getattr(theirs, a)) and getattr(ours, a) == getattr(theirs, a)
                        for a in attributes)
                and list(ours.__dict__) == list(theirs.__dict__))
    except Exception:
        same = False
    return make if same else (lambda values: cls.model_construct(**values))


def _filler(annotation: Any, metadata: list) -> Callable[[Any], Any]:
    """A function that turns schema-checked data into the field's value, as pydantic would."""
    befores = [m.func for m in metadata if isinstance(m, BeforeValidator)]
    if len(befores) != len(metadata):
        return _unexpected  # a constraint this filler does not apply
    inner = _convert(annotation)
    if not befores:
        return inner

    def fill(value):
        for before in reversed(befores):  # pydantic runs the last-declared before-validator first
            value = before(value)
        return inner(value)

    return fill


def _unexpected(value):
    raise _Unexpected


def _convert(annotation: Any) -> Callable[[Any], Any]:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        return _filler(args[0], list(annotation.__metadata__))
    if origin is typing.Union:
        others = [a for a in args if a is not type(None)]
        if len(others) != 1 or len(args) != 2:
            return _unexpected
        inner = _convert(others[0])
        return lambda value: None if value is None else inner(value)
    if origin is list:
        item = _convert(args[0])

        def items(value):
            if not isinstance(value, list):
                raise _Unexpected
            return [item(v) for v in value]

        return items
    if origin is dict:
        if args[0] is not str:
            return _unexpected
        item = _convert(args[1])

        def mapping(value):
            if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
                raise _Unexpected
            return {k: item(v) for k, v in value.items()}

        return mapping
    if origin is Literal:
        allowed = args

        def literal(value):
            for option in allowed:  # Literal[1] takes 1, not True or 1.0
                if type(value) is type(option) and value == option:
                    return value
            raise _Unexpected

        return literal
    if isinstance(annotation, type) and issubclass(annotation, _Section):
        return lambda value: _fill(annotation, value)
    if annotation is float:
        return _to_float
    if annotation is int:
        return _to_int
    if annotation is bool or annotation is str:
        expected = annotation

        def exact(value):
            if type(value) is not expected:
                raise _Unexpected
            return value

        return exact
    return _unexpected


def _to_float(value):
    if type(value) is float:
        return value
    if type(value) is int:
        return float(value)
    raise _Unexpected


def _to_int(value):
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise _Unexpected
