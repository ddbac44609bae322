"""nanotron training configs (YAML), read as nanotron's config dataclasses define them
(src/nanotron/config/config.py, models_config.py, parallelism_config.py at 2411b022)."""

from __future__ import annotations

import posixpath
import re
from typing import Any

from planlint.adapters import Adapter, LaunchConfig, Problem
from planlint.adapters.reading import ConfigReader, count, open_config, positive, show

MC = "model.model_config"
# LlamaConfig / Qwen2Config / MoEConfig defaults (models_config.py)
MODEL_DEFAULTS = {"hidden_size": 4096, "intermediate_size": 11008, "num_hidden_layers": 32, "num_attention_heads": 32,
                  "max_position_embeddings": 2048, "vocab_size": 32000, "tie_word_embeddings": False}
MOE_DEFAULTS = {"num_experts": 8, "top_k": 2, "moe_intermediate_size": 1408, "shared_expert_intermediate_size": 5632,
                "enable_shared_expert": False}
SCHEDULES = {"cosine": "cosine", "linear": "linear"}
DTYPES = {"bfloat16": "bf16", "float16": "fp16", "float32": "fp32"}


class NanotronAdapter(Adapter):
    name = "nanotron"
    label = "nanotron training config (YAML)"
    suffixes = (".yaml", ".yml")
    documentation = """\
Reads a nanotron training config.

model shape     model.model_config: hidden_size, intermediate_size, num_hidden_layers,
                num_attention_heads, num_key_value_heads (default: num_attention_heads),
                tie_word_embeddings; SwiGLU blocks; vocab_size padded to a multiple of
                model.make_vocab_size_divisible_by x tp (helpers._vocab_size_with_padding);
                moe_config: num_experts, top_k, moe_intermediate_size (each expert), the shared
                expert (enable_shared_expert, shared_expert_intermediate_size, counted in expert
                widths), layers ([-1]: every layer)
context_length  tokens.sequence_length
accelerators    parallelism dp x tp x pp x context_parallel_size (nanotron's world size)
train_tokens    tokens.train_steps x micro_batch_size x batch_accumulation_per_replica x dp
                x sequence_length (config.global_batch_size_in_tokens)
lr, warmup      optimizer.learning_rate_scheduler: learning_rate, lr_warmup_steps,
                lr_decay_style; wsd when lr_decay_starting_step leaves a stable phase
parallelism     parallelism.tp, pp; optimizer.zero_stage; tokens.micro_batch_size
recompute       parallelism.recompute_layer (true: full)
precision       model.dtype
data mix        data_stages[].data.dataset: dataset_folder with dataset_weights, each stage
                weighted by the steps it runs (start_training_step to the next stage's)
Left to the plan: unique tokens."""

    def detect(self, path: str, text: str) -> float:
        keys = sum(1 for pattern in (r"^tokens:\s*$", r"^parallelism:\s*$", r"^\s+model_config:\s*$",
                                     r"^\s+batch_accumulation_per_replica:", r"^data_stages:", r"^\s+train_steps:")
                   if re.search(pattern, text, re.M))
        return 0.95 if keys >= 4 else 0.6 if keys >= 3 else 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, _CANNOT_SAY)
        if reader is None:
            return config
        for index, problem in enumerate(reader.config.problems):
            if problem.message.startswith("duplicate key"):
                reader.config.problems[index] = Problem(
                    f"{problem.message}; nanotron reads its config with PyYAML, so planlint derives from that last "
                    "value", problem.line, problem.column, "remove the first of the two keys, or make it the value "
                    "you mean", problem.severity)
        tp = _shape(reader)
        _training(reader, tp)
        _mix(reader)
        return reader.config


_CANNOT_SAY = ("data.unique_tokens",)


def _shape(reader: ConfigReader) -> Any:
    put = reader.put

    def value(field: str) -> Any:
        return reader.size(f"{MC}.{field}", MODEL_DEFAULTS.get(field))

    def key(field: str) -> str:
        return f"{MC}.{field}" if reader.has(f"{MC}.{field}") else MC

    hidden, layers, heads = value("hidden_size"), value("num_hidden_layers"), value("num_attention_heads")
    put("model.d_model", hidden if positive(hidden) else None, [key("hidden_size")])
    put("model.layers", layers if positive(layers) else None, [key("num_hidden_layers")])
    put("model.heads", heads if positive(heads) else None, [key("num_attention_heads")])
    kv = reader.size(f"{MC}.num_key_value_heads", None)
    if positive(kv):
        put("model.kv_heads", kv, [key("num_key_value_heads")])
    elif positive(heads):
        put("model.kv_heads", heads, [key("num_attention_heads")], "num_key_value_heads unset: num_attention_heads")
    put("model.ffn_gated", True, [key("hidden_act")], "nanotron's Llama and Qwen2 MLPs are gated (gate and up)")
    intermediate = value("intermediate_size")
    put("model.ffn_dim", intermediate if positive(intermediate) else None, [key("intermediate_size")])
    tied = reader.flag(f"{MC}.tie_word_embeddings", MODEL_DEFAULTS["tie_word_embeddings"])
    put("model.tied_embeddings", tied, [key("tie_word_embeddings")])

    tp = reader.size("parallelism.tp", 1)
    tp = tp if positive(tp) else 1
    vocab = value("vocab_size")
    divisible = reader.size("model.make_vocab_size_divisible_by", 1)
    if positive(vocab) and positive(divisible):
        multiple = divisible * tp
        padded = -(-vocab // multiple) * multiple
        put("model.vocab_size", padded, [key("vocab_size"), "model.make_vocab_size_divisible_by", "parallelism.tp"],
            "" if padded == vocab else f"vocab_size {count(vocab)} padded to a multiple of "
            f"make_vocab_size_divisible_by {count(divisible)} x tp {count(tp)}")
    _moe(reader, hidden, layers)
    return tp


def _moe(reader: ConfigReader, hidden: Any, layers: Any) -> None:
    moe_key = f"{MC}.moe_config"
    moe = reader.raw(moe_key, None)
    if moe is None:
        return
    if not isinstance(moe, dict):
        reader.problem(f"moe_config is {show(moe)}, not a mapping", moe_key, "write moe_config as a mapping or null")
        return

    def value(field: str) -> Any:
        return reader.size(f"{moe_key}.{field}", MOE_DEFAULTS.get(field))

    def key(field: str) -> str:
        return f"{moe_key}.{field}" if reader.has(f"{moe_key}.{field}") else moe_key

    def how(field: str) -> str:
        return "" if reader.has(f"{moe_key}.{field}") else f"nanotron's default {field}: {MOE_DEFAULTS[field]:,}"

    experts, top_k, width = value("num_experts"), value("top_k"), value("moe_intermediate_size")
    put = reader.put
    put("model.experts", experts if positive(experts) else None, [key("num_experts")], how("num_experts"))
    put("model.experts_per_token", top_k if positive(top_k) else None, [key("top_k")], how("top_k"))
    put("model.expert_ffn_dim", width if positive(width) else None, [key("moe_intermediate_size")],
        how("moe_intermediate_size"))
    shared = reader.flag(f"{moe_key}.enable_shared_expert", False)
    if shared and positive(width):
        shared_width = value("shared_expert_intermediate_size")
        if positive(shared_width) and shared_width % width == 0:
            put("model.shared_experts", shared_width // width,
                [key("enable_shared_expert"), key("shared_expert_intermediate_size")],
                f"one shared expert of shared_expert_intermediate_size {count(shared_width)} = "
                f"{count(shared_width // width)} experts of {count(width)}"
                + ("" if reader.has(f"{moe_key}.shared_expert_intermediate_size") else " (nanotron's default width)"))
        elif positive(shared_width):
            reader.problem(f"the shared expert's width {count(shared_width)} is not a whole number of expert widths "
                           f"({count(width)}): the plan counts shared experts in expert widths",
                           key("shared_expert_intermediate_size"), "declare model.shared_experts in the plan", "info")
    else:
        put("model.shared_experts", 0, [key("enable_shared_expert")], "no shared expert")
    _moe_layers(reader, moe_key, layers)


def _moe_layers(reader: ConfigReader, moe_key: str, layers: Any) -> None:
    """MoEConfig.layers: [-1] (the default) is every layer; else the indices of the MoE layers."""
    indices = reader.raw(f"{moe_key}.layers", [-1])
    key = f"{moe_key}.layers" if reader.has(f"{moe_key}.layers") else moe_key
    if indices == [-1]:
        reader.put("model.moe_layers", {"first_dense": 0, "every": 1}, [key], "layers [-1]: every layer")
        return
    if not (isinstance(indices, list) and all(isinstance(i, int) and not isinstance(i, bool) for i in indices)
            and positive(layers)):
        reader.problem(f"moe_config.layers {show(indices)} is not a list of layer indices", key,
                       "write moe_config.layers as layer indices, or [-1] for every layer")
        return
    chosen = sorted(set(i for i in indices if 0 <= i < layers))
    pattern = _pattern(chosen, layers)
    if pattern is not None:
        first, every = pattern
        reader.put("model.moe_layers", {"first_dense": first, "every": every}, [key],
                   f"moe_config.layers {chosen[:4]}{'...' if len(chosen) > 4 else ''}")
        return
    reader.problem(f"moe_config.layers {show(indices)} is no pattern of 'first k dense, then every n-th'", key,
                   "declare model.moe_layers in the plan", "info")


def _pattern(chosen: list[int], layers: int) -> tuple[int, int] | None:
    """(first_dense, every) when the MoE layers are every n-th after the first k dense ones, as
    the plan's moe_layers counts them: layers first_dense + every - 1, + every, ... to the end."""
    if not chosen:
        return None
    every = chosen[1] - chosen[0] if len(chosen) > 1 else 1
    first = chosen[0] - (every - 1)
    if every < 1 or first < 0 or chosen[-1] + every < layers:
        return None
    if any(b - a != every for a, b in zip(chosen, chosen[1:])):
        return None
    return (first, every) if len(chosen) == (layers - first) // every else None


def _training(reader: ConfigReader, tp: int) -> None:
    put = reader.put
    seq = reader.size("tokens.sequence_length", None)
    put("model.context_length", seq if positive(seq) else None, ["tokens.sequence_length"])
    micro = reader.size("tokens.micro_batch_size", None)
    accumulation = reader.size("tokens.batch_accumulation_per_replica", None)
    steps = reader.size("tokens.train_steps", None)
    dp = reader.size("parallelism.dp", 1)
    pp = reader.size("parallelism.pp", 1)
    cp = reader.size("parallelism.context_parallel_size", 1)
    put("compute.micro_batch_size", micro if positive(micro) else None, ["tokens.micro_batch_size"])
    put("compute.tensor_parallel", tp, ["parallelism.tp"])
    put("compute.pipeline_parallel", pp if positive(pp) else None, ["parallelism.pp"])
    if all(positive(v) for v in (dp, pp, cp)):
        put("compute.accelerators", dp * tp * pp * cp,
            ["parallelism.dp", "parallelism.tp", "parallelism.pp", "parallelism.context_parallel_size"],
            f"dp {count(dp)} x tp {count(tp)} x pp {count(pp)} x cp {count(cp)}: nanotron's world size")
    if all(positive(v) for v in (micro, accumulation, dp, seq)):
        batch = micro * accumulation * dp
        keys = ["tokens.micro_batch_size", "tokens.batch_accumulation_per_replica", "parallelism.dp",
                "tokens.sequence_length"]
        what = (f"micro_batch_size {count(micro)} x batch_accumulation_per_replica {count(accumulation)} x dp "
                f"{count(dp)} x sequence_length {count(seq)}")
        put("training.global_batch_tokens", batch * seq, keys, what)
        if positive(steps):
            put("training.steps", steps, ["tokens.train_steps"])
            put("data.train_tokens", steps * batch * seq, ["tokens.train_steps", *keys],
                f"train_steps {count(steps)} x {what}")
    zero = reader.number("optimizer.zero_stage", None, whole=True)
    put("compute.zero_stage", zero if zero is not None and 0 <= zero <= 3 else None, ["optimizer.zero_stage"])
    recompute = reader.flag("parallelism.recompute_layer", False)
    put("compute.recompute", "full" if recompute else "none", ["parallelism.recompute_layer"]
        if reader.has("parallelism.recompute_layer") else ["parallelism"])
    dtype = reader.text("model.dtype", None)
    if dtype in DTYPES:
        put("training.precision", DTYPES[dtype], ["model.dtype"])
    _schedule(reader, steps)


def _schedule(reader: ConfigReader, steps: Any) -> None:
    base = "optimizer.learning_rate_scheduler"
    lr = reader.number(f"{base}.learning_rate", None)
    reader.put("training.peak_lr", lr if positive(lr) else None, [f"{base}.learning_rate"])
    warmup = reader.number(f"{base}.lr_warmup_steps", 0, whole=True, minimum=0)
    if warmup is not None and warmup >= 0:
        reader.put("training.warmup_steps", warmup, [f"{base}.lr_warmup_steps"] if reader.has(f"{base}.lr_warmup_steps")
                   else [base])
    style = reader.text(f"{base}.lr_decay_style", None)
    start = reader.number(f"{base}.lr_decay_starting_step", None, whole=True)
    style_key = f"{base}.lr_decay_style"
    if style is None:
        return
    # LRSchedulerArgs: decay starts at lr_decay_starting_step (default: the end of warmup)
    if start is not None and warmup is not None and start > warmup + 1 and style != "constant":
        reader.put("training.schedule", "wsd", [f"{base}.lr_decay_starting_step", style_key],
                   f"warmup to step {count(warmup)}, stable until step {count(start)}, then {style} decay")
        return
    schedule = SCHEDULES.get(style)
    if schedule is not None:
        reader.put("training.schedule", schedule, [style_key])
    else:
        reader.problem(f"lr_decay_style {show(style)} has no plan equivalent", style_key,
                       "declare training.schedule in the plan", "info")


def _mix(reader: ConfigReader) -> None:
    stages = reader.raw("data_stages", None)
    steps = reader.size("tokens.train_steps", None)
    if not isinstance(stages, list) or not stages or not positive(steps):
        return
    spans = []
    for index, stage in enumerate(stages):
        start = reader.size(f"data_stages.{index}.start_training_step", 1)
        spans.append(start if positive(start) else 1)
    order = sorted(range(len(stages)), key=lambda i: spans[i])
    totals: dict[str, float] = {}
    for position, index in enumerate(order):
        end = spans[order[position + 1]] if position + 1 < len(order) else steps + 1
        length = max(0, min(end, steps + 1) - spans[index])
        if not length:
            continue
        shares = _stage_shares(reader, index)
        if shares is None:
            return
        for name, share in shares.items():
            totals[name] = totals.get(name, 0.0) + share * length / steps
    if len(totals) > 1 and abs(sum(totals.values()) - 1.0) < 1e-6:
        how = "dataset_weights normalized" + (", each stage by the steps it runs" if len(stages) > 1 else "")
        reader.put("data.mix", [{"source": name, "share": share} for name, share in totals.items()],
                   ["data_stages"], how)


def _stage_shares(reader: ConfigReader, index: int) -> dict[str, float] | None:
    base = f"data_stages.{index}.data.dataset"
    folders = reader.raw(f"{base}.dataset_folder", None)
    weights = reader.raw(f"{base}.dataset_weights", None)
    if isinstance(folders, str):
        return {_source_name(folders): 1.0}
    if not isinstance(folders, list) or not folders:
        return None
    if weights is None:
        if len(folders) == 1:
            return {_source_name(str(folders[0])): 1.0}
        return None  # nanotron's own weighting of unweighted folders is by their size, which the config cannot say
    if not isinstance(weights, list) or len(weights) != len(folders):
        reader.problem(f"data_stages[{index}] has {len(folders)} dataset_folder entries and "
                       f"{len(weights) if isinstance(weights, list) else 'no list of'} dataset_weights",
                       f"{base}.dataset_weights", "give one weight per dataset folder")
        return None
    numbers = []
    for position, weight in enumerate(weights):
        number = reader.number(f"{base}.dataset_weights.{position}", None)
        if number is None or number < 0:
            return None
        numbers.append(number)
    total = sum(numbers)
    if total <= 0:
        return None
    shares: dict[str, float] = {}
    for folder, number in zip(folders, numbers):
        name = _source_name(str(folder))
        shares[name] = shares.get(name, 0.0) + number / total
    return shares


def _source_name(folder: str) -> str:
    """A dataset folder's last path part: s3://bucket/tokenized/fineweb-edu/ -> fineweb-edu."""
    name = posixpath.basename(folder.rstrip("/")) or folder
    return name


ADAPTERS = (NanotronAdapter,)
