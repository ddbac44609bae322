"""Stage 3: the typed plan the rules read.

Built only from data that passed the schema, so construction cannot fail on user input;
quantities arrive as numbers (``"1.3B"`` -> ``1.3e9``). Field names, required fields and
enumerations mirror ``schemas/plan.schema.json``; ``tests/test_schema_model_sync.py``
fails when the two drift apart.
"""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

from planlint.quantities import parse_count, parse_fraction, parse_integer, parse_share, parse_usd

Count = Annotated[float, BeforeValidator(parse_count)]
Whole = Annotated[int, BeforeValidator(parse_integer)]
Share = Annotated[float, BeforeValidator(parse_share)]
Usd = Annotated[float, BeforeValidator(parse_usd)]
Fraction = Annotated[float, BeforeValidator(parse_fraction)]


class _Section(BaseModel):
    """Unknown keys are an error, except ``x-`` keys, which belong to users and plugins."""

    model_config = ConfigDict(extra="forbid", frozen=True)

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


class Evaluation(_Section):
    metrics: Optional[list[str]] = None


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
    custom_accelerators: Optional[dict[str, CustomAccelerator]] = None

    def accelerator(self, name: Optional[str]):
        """The catalogue entry (or custom declaration) for an accelerator name, or None."""
        if name is None:
            return None
        from planlint.accelerators import lookup

        return lookup(name, self.custom_accelerators)


def build(data: dict) -> Plan:
    return Plan.model_validate(data)
