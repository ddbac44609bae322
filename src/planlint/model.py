"""Stage 3: the typed plan the rules read.

Built only from data that passed the schema, so construction cannot fail on user input;
quantities arrive as numbers (``"1.3B"`` -> ``1.3e9``). Field names, required fields and
enumerations mirror ``schemas/plan.schema.json``; ``tests/test_schema_model_sync.py``
fails when the two drift apart.

Each section is a frozen dataclass whose fields are annotated with the parser of their
quantity (``Count``, ``Share``, ...). pydantic reads the same classes (``TypeAdapter``:
unknown keys forbidden, ``x-`` keys dropped, each quantity through its parser), but
importing pydantic costs a one-plan run more than everything else it does, so the plan
is validated once, against the schema, and ``build`` fills the dataclasses directly from
the schema-checked data, converting each field as its annotation says. The result is the
object pydantic makes (``tests/test_startup.py`` compares them); anything the direct fill
does not expect is handed to pydantic, which then validates and reports as before.
"""

import dataclasses
import typing
from typing import Annotated, Any, Callable, Literal, Optional

from planlint.quantities import parse_count, parse_fraction, parse_integer, parse_share, parse_usd
from planlint.records import record


class Parsed:
    """``Annotated`` metadata: the parser that turns a plan's text into the field's value.
    pydantic runs it before checking the type, as it would a ``BeforeValidator``."""

    __slots__ = ("parse",)

    def __init__(self, parse: Callable[[Any], Any]):
        self.parse = parse

    def __get_pydantic_core_schema__(self, source, handler):
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.parse, handler(source))


Count = Annotated[float, Parsed(parse_count)]
Whole = Annotated[int, Parsed(parse_integer)]
Share = Annotated[float, Parsed(parse_share)]
Usd = Annotated[float, Parsed(parse_usd)]
Fraction = Annotated[float, Parsed(parse_fraction)]


def _drop_extension_keys(data):
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    return data


class _Section:
    """A frozen, keyword-only dataclass (every subclass is made one). Unknown keys are an
    error, except ``x-`` keys, which belong to users and plugins."""

    __pydantic_config__ = {"extra": "forbid"}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        record(frozen=True, kw_only=True)(cls)

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(_drop_extension_keys, handler(source))


class MoeLayers(_Section):
    """model.moe_layers: which layers are mixture-of-experts layers."""

    first_dense: Optional[Whole] = None
    every: Optional[Whole] = None


class Mla(_Section):
    """model.mla: multi-head latent attention's compressed dimensions."""

    kv_lora_rank: Whole
    rope_head_dim: Whole
    q_lora_rank: Optional[Whole] = None
    v_head_dim: Optional[Whole] = None


class ModelSpec(_Section):
    """model: the size and, where the plan states it, the shape of the network."""

    params: Count
    active_params: Optional[Count] = None
    layers: Optional[Whole] = None
    d_model: Optional[Whole] = None
    heads: Optional[Whole] = None
    kv_heads: Optional[Whole] = None
    head_dim: Optional[Whole] = None
    vocab_size: Optional[Whole] = None
    context_length: Optional[Whole] = None
    ffn_dim: Optional[Whole] = None
    ffn_gated: Optional[bool] = None
    tied_embeddings: Optional[bool] = None
    experts: Optional[Whole] = None
    experts_per_token: Optional[Whole] = None
    shared_experts: Optional[Whole] = None
    expert_ffn_dim: Optional[Whole] = None
    moe_layers: Optional[MoeLayers] = None
    mla: Optional[Mla] = None

    @property
    def active(self) -> float:
        """Parameters active per token (the spec's default: all of them)."""
        return self.active_params if self.active_params is not None else self.params

    @property
    def is_moe(self) -> bool:
        """A mixture of experts: experts are declared, or fewer parameters are active than there are."""
        return bool(self.experts) or (self.active_params is not None and self.active_params < self.params)

    @property
    def kv_head_count(self) -> Optional[int]:
        return self.kv_heads if self.kv_heads is not None else self.heads


class MixEntry(_Section):
    """One source of data.mix: its share and what it holds."""

    source: str
    share: Share
    unique_tokens: Optional[Count] = None
    synthetic: Optional[bool] = None
    revision: Optional[str] = None
    kind: Optional[Literal["web", "code", "math", "books", "academic", "encyclopedia", "conversation", "multilingual",
                           "synthetic", "other"]] = None
    language: Optional[str] = None


class StageShare(_Section):
    """One source of a data stage's mix."""

    source: str
    share: Share


class DataStage(_Section):
    """One pre-training stage of data.stages."""

    tokens: Count
    name: Optional[str] = None
    kind: Optional[Literal["main", "anneal", "long-context", "other"]] = None
    context_length: Optional[Whole] = None
    mix: Optional[list[StageShare]] = None


class DataSpec(_Section):
    """data: the training tokens, the unique data and the mix."""

    train_tokens: Count
    unique_tokens: Optional[Count] = None
    deduplicated: Optional[bool] = None
    filtered: Optional[bool] = None
    decontaminated: Optional[bool] = None
    mix: Optional[list[MixEntry]] = None
    stages: Optional[list[DataStage]] = None


class Compute(_Section):
    """compute: the budget, the accelerators and the expected utilization."""

    flops: Optional[Count] = None
    gpu_hours: Optional[Count] = None
    accelerator: Optional[str] = None
    accelerators: Optional[Whole] = None
    zero_stage: Optional[Whole] = None
    tensor_parallel: Optional[Whole] = None
    pipeline_parallel: Optional[Whole] = None
    micro_batch_size: Optional[Whole] = None
    recompute: Optional[Literal["none", "selective", "full"]] = None
    flash_attention: Optional[bool] = None
    mfu: Optional[Fraction] = None
    flops_convention: Optional[Literal["6nd", "6nd+causal-attention", "palm-mfu", "hoffmann-exact"]] = None
    precision: Optional[Literal["bf16", "fp16", "fp8", "fp32"]] = None
    mfu_peak: Optional[Literal["bf16", "fp8"]] = None
    usd_per_gpu_hour: Optional[Usd] = None
    deadline_days: Optional[Count] = None


class Stage(_Section):
    """One stage of alignment.stages."""

    kind: Literal["sft", "preference", "rl", "distillation", "other"]
    tokens: Optional[Count] = None
    gpu_hours: Optional[Count] = None


class Alignment(_Section):
    """alignment: the post-training reserved for the model."""

    stages: Optional[list[Stage]] = None
    gpu_hours: Optional[Count] = None


class Serving(_Section):
    """serving: how and how much the model will be served."""

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
    """evaluation.loss_tracking: how often the loss is checked, and what a knee in it triggers."""

    every_tokens: Optional[Count] = None
    on_knee: Optional[Literal["stop", "lower-lr"]] = None
    rule: Optional[str] = None


class Evaluation(_Section):
    """evaluation: the metrics tracked, the loss tracking and the benchmarks."""

    metrics: Optional[list[str]] = None
    smooth_metrics: Optional[list[str]] = None
    task_metrics: Optional[list[str]] = None
    loss_tracking: Optional[LossTracking] = None
    benchmarks: Optional[list[str]] = None


class Rationale(_Section):
    """rationale: the alternatives to pre-training considered, and the data advantage."""

    alternatives_considered: Optional[list[Literal["fine-tuning", "retrieval", "prompting", "distillation",
                                                   "other"]]] = None
    data_advantage: Optional[str] = None


class CustomAccelerator(_Section):
    """One accelerator of custom_accelerators, declared by the plan."""

    peak_tflops: Count
    memory_gb: Count
    memory_bandwidth_gbps: Count
    fp8_tflops: Optional[Count] = None
    source: Optional[str] = None


class PlanLossFit(_Section):
    """loss_fit: a loss fit the plan defines, its constants and their source."""

    name: str
    E: Count
    A: Count
    B: Count
    alpha: Count
    beta: Count
    source: str
    data: Optional[str] = None
    max_params: Optional[Count] = None
    max_tokens: Optional[Count] = None


class Distillation(_Section):
    """distillation: the teacher a smaller model learns from."""

    teacher_params: Count
    teacher_tokens: Optional[Count] = None
    teacher_exists: Optional[bool] = None
    students: Optional[Whole] = None


class Training(_Section):
    """training: the batch size, learning rate, warmup and schedule."""

    global_batch_tokens: Optional[Count] = None
    peak_lr: Optional[Count] = None
    warmup_tokens: Optional[Count] = None
    schedule: Optional[Literal["cosine", "linear", "wsd", "constant", "multi-step", "inverse-sqrt", "other"]] = None


class Launch(_Section):
    """launch: the launch config the plan is checked against."""

    config: str
    framework: Optional[str] = None


class Plan(_Section):
    """A whole plan: every section the format defines."""

    planlint: Literal[1]
    name: str
    goal: Optional[Literal["base", "assistant", "research"]] = None
    sizing: Optional[Literal["compute-optimal", "inference-optimal"]] = None
    launch: Optional[Launch] = None
    capabilities: Optional[list[Literal["code", "math", "reasoning", "multilingual", "long-context", "tool-use"]]] = None
    loss_fit: Optional[PlanLossFit] = None
    model: ModelSpec
    data: DataSpec
    compute: Optional[Compute] = None
    alignment: Optional[Alignment] = None
    serving: Optional[Serving] = None
    evaluation: Optional[Evaluation] = None
    rationale: Optional[Rationale] = None
    custom_accelerators: Optional[dict[str, CustomAccelerator]] = None
    distillation: Optional[Distillation] = None
    training: Optional[Training] = None

    def accelerator(self, name: Optional[str]):
        """The catalogue entry (or custom declaration) for an accelerator name, or None."""
        if name is None:
            return None
        from planlint.accelerators import lookup

        return lookup(name, self.custom_accelerators)


def build(data: dict) -> Plan:
    """The typed plan from schema-checked data (a pydantic ValidationError if it is not)."""
    try:
        return _fill(Plan, data)
    except Exception:  # _Unexpected, or a parser that disagrees with the schema
        return validate_with_pydantic(data)


def section(cls: type, data: dict):
    """One typed section (a configuration's loss fit) from schema-checked data, as ``build`` fills a plan."""
    try:
        return _fill(cls, data)
    except Exception:
        from pydantic import TypeAdapter

        return TypeAdapter(cls).validate_python(data)


_ADAPTER = None


def validate_with_pydantic(data: Any) -> Plan:
    """The typed plan as pydantic validates it: the reference the direct fill is held to."""
    global _ADAPTER
    if _ADAPTER is None:
        from pydantic import TypeAdapter

        _ADAPTER = TypeAdapter(Plan)
    return _ADAPTER.validate_python(data)


def fields_of(cls: type) -> dict[str, tuple[Any, bool]]:
    """Each field of a section: its annotation (with ``Annotated`` extras) and whether it is required."""
    hints = typing.get_type_hints(cls, include_extras=True)
    return {f.name: (hints[f.name], f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING)
            for f in dataclasses.fields(cls)}


# -- the direct fill -------------------------------------------------------------------------


class _Unexpected(Exception):
    """The data is not what the schema promises: let pydantic validate it and say why."""


_FILLERS: dict[type, tuple[dict[str, Callable[[Any], Any]], tuple[str, ...]]] = {}


def _fill(cls: type, data: Any):
    if not isinstance(data, dict):
        raise _Unexpected
    found = _FILLERS.get(cls)
    if found is None:
        fields = fields_of(cls)
        found = _FILLERS[cls] = ({name: _convert(annotation) for name, (annotation, _) in fields.items()},
                                 tuple(name for name, (_, required) in fields.items() if required))
    fillers, required = found
    values = {}
    for key, value in data.items():
        if isinstance(key, str) and key.startswith("x-"):
            continue  # _drop_extension_keys
        filler = fillers.get(key)
        if filler is None:
            raise _Unexpected  # an unknown key: extra="forbid"
        values[key] = filler(value)
    for name in required:
        if name not in values:
            raise _Unexpected
    return cls(**values)


def _unexpected(value):
    raise _Unexpected


def _convert(annotation: Any) -> Callable[[Any], Any]:
    """A function that turns schema-checked data into the field's value, as pydantic would."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is Annotated:
        inner = _convert(args[0])
        parsers = [m.parse for m in annotation.__metadata__ if isinstance(m, Parsed)]
        if len(parsers) != len(annotation.__metadata__):
            return _unexpected  # a constraint this filler does not apply
        if not parsers:
            return inner

        def parsed(value):
            for parse in reversed(parsers):  # pydantic runs the last-declared before-validator first
                value = parse(value)
            return inner(value)

        return parsed
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
