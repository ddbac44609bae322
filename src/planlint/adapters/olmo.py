"""OLMo training configs (YAML, allenai/OLMo ``configs/``), read as ``olmo/config.py``'s
TrainConfig defines them."""

from __future__ import annotations

import math
import re
from typing import Any

from planlint.adapters import Adapter, LaunchConfig
from planlint.adapters.reading import ConfigReader, count, open_config, positive, show

# TrainConfig / ModelConfig / SchedulerConfig / OptimizerConfig defaults (olmo/config.py).
DEFAULTS = {
    "model.d_model": 768, "model.n_heads": 12, "model.n_layers": 12, "model.mlp_ratio": 4,
    "model.max_sequence_length": 1024, "model.vocab_size": 50257, "model.embedding_size": 50304,
    "global_train_batch_size": 512, "device_train_microbatch_size": 16, "max_duration": 10000,
    "optimizer.learning_rate": 1.0e-4, "scheduler.t_warmup": 100,
}
# olmo/model.py, Activation.output_multiplier: SwiGLU halves the fused projection's width.
GATED = {"swiglu": True, "gelu": False, "relu": False}
SCHEDULES = {"cosine_with_warmup": "cosine", "linear_with_warmup": "linear",
             "inverse_sqrt_with_warmup": "inverse-sqrt", "constant": "constant", "constant_with_warmup": "constant"}
PRECISIONS = {"amp_bf16": "bf16", "amp_fp16": "fp16", "fp32": "fp32"}
# torch FSDP ShardingStrategy -> ZeRO stage (FULL_SHARD shards parameters too; SHARD_GRAD_OP
# gradients and optimizer states; the hybrid ones do the same within a node).
SHARDING = {"FULL_SHARD": 3, "HYBRID_SHARD": 3, "SHARD_GRAD_OP": 2, "_HYBRID_SHARD_ZERO2": 2, "NO_SHARD": 0}
RECOMPUTE = {"whole_layer": "full", "fine_grained": "selective"}


class OlmoAdapter(Adapter):
    name = "olmo"
    label = "OLMo training config (YAML)"
    suffixes = (".yaml", ".yml")
    documentation = """\
Reads an allenai/OLMo training config (olmo/config.py's TrainConfig).

model shape     model.d_model, n_layers, n_heads, n_kv_heads (or multi_query_attention);
                the feed-forward width from mlp_hidden_size, else mlp_ratio x d_model, which
                is the FUSED width of a SwiGLU block: ffn_dim is half of it for
                activation_type swiglu (OLMo's output_multiplier 0.5), all of it for gelu/relu
vocab           model.embedding_size (the padded embedding; OLMo's default 50304), else vocab_size
tied            model.weight_tying (default true)
context_length  model.max_sequence_length
train_tokens    max_duration: steps ("739_328" or "2e5") x global_train_batch_size x
                max_sequence_length; tokens ("4e12T"): the ceil(tokens / batch tokens) steps OLMo
                runs, times the batch tokens; epochs ("1ep") need the dataset's size and are
                left to the plan
global batch    global_train_batch_size (sequences) x max_sequence_length
lr, warmup      optimizer.learning_rate; scheduler.t_warmup (in steps, or in tokens when
                scheduler.units is tokens); scheduler.name
parallelism     device_train_microbatch_size; fsdp.sharding_strategy (FULL_SHARD: ZeRO-3,
                SHARD_GRAD_OP: 2, NO_SHARD: 0), distributed_strategy ddp: 0
recompute       activation_checkpointing (whole_layer: full, fine_grained: selective)
precision       precision (amp_bf16, amp_fp16, fp32); model.flash_attention
Left to the plan: the accelerator count, unique tokens, and the data mix (data.paths lists
files, not shares). ${...} references within the file are resolved."""

    def detect(self, path: str, text: str) -> float:
        model = re.search(r"^model:\s*$", text, re.M) is not None
        olmo_keys = sum(1 for key in ("d_model", "n_layers", "n_heads", "mlp_ratio", "mlp_hidden_size",
                                      "weight_tying", "max_sequence_length")
                        if re.search(rf"^\s+{key}:", text, re.M))
        top = sum(1 for key in ("max_duration", "global_train_batch_size", "device_train_microbatch_size")
                  if re.search(rf"^{key}:", text, re.M))
        if model and olmo_keys >= 3 and top >= 1:
            return 0.95
        if model and olmo_keys >= 3:
            return 0.6
        return 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, _CANNOT_SAY)
        if reader is None:
            return config
        _shape(reader)
        _training(reader)
        return reader.config


_CANNOT_SAY = ("compute.accelerators", "data.unique_tokens", "data.mix")


def _num(reader: ConfigReader, key: str) -> Any:
    return reader.size(key, DEFAULTS.get(key))


def _shape(reader: ConfigReader) -> None:
    put = reader.put
    d_model, layers, heads = (_num(reader, k) for k in ("model.d_model", "model.n_layers", "model.n_heads"))
    put("model.d_model", d_model if positive(d_model) else None, ["model.d_model"])
    put("model.layers", layers if positive(layers) else None, ["model.n_layers"])
    put("model.heads", heads if positive(heads) else None, ["model.n_heads"])
    _kv_heads(reader, heads)

    activation = reader.text("model.activation_type", "swiglu")
    gated = GATED.get(activation or "")
    if gated is None:
        reader.problem(f"model.activation_type {show(activation)} is not one OLMo knows (swiglu, gelu, relu)",
                       "model.activation_type", "set model.activation_type to swiglu, gelu or relu")
    else:
        put("model.ffn_gated", gated, ["model.activation_type"] if reader.has("model.activation_type") else ["model"],
            "" if reader.has("model.activation_type") else "OLMo's default activation_type: swiglu")
    hidden = reader.size("model.mlp_hidden_size", None)
    if hidden is not None:
        keys, how = ["model.mlp_hidden_size"], "mlp_hidden_size"
    else:
        ratio = _num(reader, "model.mlp_ratio")
        hidden = ratio * d_model if positive(ratio) and positive(d_model) else None
        keys, how = ["model.mlp_ratio", "model.d_model"], f"mlp_ratio {ratio} x d_model {count(d_model or 0)}"
    if positive(hidden) and gated is not None:
        if gated:
            if hidden % 2:
                reader.problem(f"the SwiGLU projection width {count(hidden)} is odd: OLMo asserts it splits in two",
                               keys[0], "make the feed-forward width even")
            else:
                put("model.ffn_dim", hidden // 2, keys + ["model.activation_type"],
                    f"{how} = {count(hidden)}, the fused SwiGLU width: half of it per branch")
        else:
            put("model.ffn_dim", hidden, keys, how)

    vocab = _num(reader, "model.vocab_size")
    if reader.has("model.embedding_size") and reader.raw("model.embedding_size") is None:
        embedding, keys, how = vocab, ["model.vocab_size"], "embedding_size null: the vocabulary as is"
    else:
        embedding = _num(reader, "model.embedding_size")
        keys = ["model.embedding_size"] if reader.has("model.embedding_size") else ["model.vocab_size"]
        how = "" if reader.has("model.embedding_size") else "OLMo's default embedding_size: 50,304"
    if positive(embedding) and positive(vocab) and embedding < vocab:
        reader.problem(f"model.embedding_size {count(embedding)} is smaller than vocab_size {count(vocab)}: OLMo "
                       "refuses it", keys[0], f"set model.embedding_size to at least {count(vocab)}")
    elif positive(embedding):
        put("model.vocab_size", embedding, keys, how)
    tied = reader.flag("model.weight_tying", True)
    put("model.tied_embeddings", tied, ["model.weight_tying"] if reader.has("model.weight_tying") else ["model"],
        "" if reader.has("model.weight_tying") else "OLMo's default weight_tying: true")
    context = _num(reader, "model.max_sequence_length")
    put("model.context_length", context if positive(context) else None, ["model.max_sequence_length"])
    flash = reader.flag("model.flash_attention", False)
    put("compute.flash_attention", flash, ["model.flash_attention"] if reader.has("model.flash_attention")
        else ["model"])


def _kv_heads(reader: ConfigReader, heads: Any) -> None:
    """ModelConfig.effective_n_kv_heads: n_kv_heads, else 1 with multi_query_attention, else n_heads."""
    kv = reader.size("model.n_kv_heads", None)
    mqa = reader.flag("model.multi_query_attention", None)
    if kv is not None and mqa is not None and kv != (1 if mqa else heads):
        reader.problem("model.n_kv_heads and multi_query_attention disagree: OLMo refuses both at once",
                       "model.n_kv_heads", "remove multi_query_attention")
        return
    if kv is not None:
        reader.put("model.kv_heads", kv, ["model.n_kv_heads"])
    elif mqa:
        reader.put("model.kv_heads", 1, ["model.multi_query_attention"], "multi-query attention: one KV head")
    elif positive(heads):
        reader.put("model.kv_heads", heads, ["model.n_heads"], "n_kv_heads unset: one KV head per head")


def _training(reader: ConfigReader) -> None:
    put = reader.put
    batch = _num(reader, "global_train_batch_size")
    seq = _num(reader, "model.max_sequence_length")
    micro = _num(reader, "device_train_microbatch_size")
    put("compute.micro_batch_size", micro if positive(micro) else None, ["device_train_microbatch_size"])
    batch_tokens = batch * seq if positive(batch) and positive(seq) else None
    batch_keys = ["global_train_batch_size", "model.max_sequence_length"]
    batch_how = f"global_train_batch_size {count(batch or 0)} x max_sequence_length {count(seq or 0)}"
    put("training.global_batch_tokens", batch_tokens, batch_keys, batch_how)
    _duration(reader, batch_tokens, batch_keys, batch_how)

    lr = reader.number("optimizer.learning_rate", DEFAULTS["optimizer.learning_rate"])
    put("training.peak_lr", lr if positive(lr) else None, ["optimizer.learning_rate"])
    _warmup(reader, batch_tokens, batch_how)
    name = reader.text("scheduler.name", "cosine_with_warmup")
    schedule = SCHEDULES.get(name or "")
    key = "scheduler.name" if reader.has("scheduler.name") else "scheduler"
    if schedule is not None:
        put("training.schedule", schedule, [key], f"OLMo scheduler {name}")
    elif name is not None:
        reader.problem(f"scheduler {show(name)} has no plan equivalent", key, "declare training.schedule in the plan",
                       "info")

    precision = reader.text("precision", None)
    if precision in PRECISIONS:
        put("training.precision", PRECISIONS[precision], ["precision"])
    elif precision is not None:
        reader.problem(f"precision {show(precision)} is not one OLMo knows (amp_bf16, amp_fp16, fp32)", "precision",
                       "set precision to amp_bf16, amp_fp16 or fp32")
    _sharding(reader)
    _recompute(reader)


def _duration(reader: ConfigReader, batch_tokens: Any, batch_keys: list[str], batch_how: str) -> Any:
    """max_duration as olmo/train.py's Trainer.max_steps reads it: an int or a plain number is
    steps; "...T" is tokens (a float first, so "4e12T" works), run as ceil(tokens / batch
    tokens) steps; "...ep" is epochs of the dataset."""
    key = "max_duration"
    value = reader.raw(key, DEFAULTS[key])
    if value is None:
        return None
    text = str(value).strip() if not isinstance(value, bool) else ""
    steps = None
    if isinstance(value, int) and not isinstance(value, bool):
        steps = value
    elif text.endswith("ep"):
        reader.problem(f"max_duration {show(value)} counts epochs of the dataset, whose size in tokens this config "
                       "cannot say", key, "declare data.train_tokens in the plan", "info")
        return None
    elif text.endswith("T"):
        tokens = _float(text[:-1])
        if tokens is None or tokens <= 0:
            return _bad_duration(reader, value)
        tokens = int(tokens)
        if not positive(batch_tokens):
            return None
        steps = math.ceil(tokens / batch_tokens)
        reader.put("training.steps", steps, [key, *batch_keys], f"ceil({count(tokens)} tokens / {count(batch_tokens)}"
                                                                 " per batch)")
        reader.put("data.train_tokens", steps * batch_tokens, [key, *batch_keys],
                   f"max_duration {text}: OLMo runs ceil({count(tokens)} / {count(batch_tokens)}) = {count(steps)} "
                   f"steps of {batch_how}")
        return steps
    else:
        number = _float(text)
        if number is None or number <= 0:
            return _bad_duration(reader, value)
        steps = int(number)
    if steps <= 0:
        return _bad_duration(reader, value)
    reader.put("training.steps", steps, [key])
    if positive(batch_tokens):
        reader.put("data.train_tokens", steps * batch_tokens, [key, *batch_keys],
                   f"max_duration {count(steps)} steps x {batch_how}")
    return steps


def _float(text: str) -> float | None:
    try:
        number = float(text.strip().replace("_", ""))
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def _bad_duration(reader: ConfigReader, value: Any) -> None:
    reader.problem(f"max_duration {show(value)} is not a duration OLMo reads (steps: 10000; tokens: 2e12T; epochs: "
                   "1ep)", "max_duration", "write max_duration as steps, tokens ending in T, or epochs ending in ep")
    return None


def _warmup(reader: ConfigReader, batch_tokens: Any, batch_how: str) -> None:
    units = reader.text("scheduler.units", "steps")
    warmup = reader.number("scheduler.t_warmup", DEFAULTS["scheduler.t_warmup"])
    if warmup is None or warmup < 0:
        return
    keys = ["scheduler.t_warmup"] if reader.has("scheduler.t_warmup") else ["scheduler"]
    if units == "tokens":
        if not positive(batch_tokens):
            return
        steps = warmup / batch_tokens
        how = f"t_warmup {count(warmup)} tokens / {batch_how}"
        if not float(steps).is_integer():
            how += f" = {steps:.2f}, rounded"
        reader.put("training.warmup_steps", round(steps), keys + ["scheduler.units"], how)
    elif units == "steps":
        reader.put("training.warmup_steps", int(warmup), keys)
    else:
        reader.problem(f"scheduler.units {show(units)} is not steps or tokens", "scheduler.units",
                       "set scheduler.units to steps or tokens")


def _sharding(reader: ConfigReader) -> None:
    strategy = reader.text("distributed_strategy", "fsdp")
    if strategy in ("ddp", "single"):
        reader.put("compute.zero_stage", 0, ["distributed_strategy"], f"distributed_strategy {strategy}: no sharding")
        return
    if strategy != "fsdp":
        return
    sharding = reader.text("fsdp.sharding_strategy", "FULL_SHARD")
    stage = SHARDING.get(sharding or "")
    key = "fsdp.sharding_strategy" if reader.has("fsdp.sharding_strategy") else (
        "fsdp" if reader.has("fsdp") else "distributed_strategy")
    if stage is None:
        if sharding is not None:
            reader.problem(f"fsdp.sharding_strategy {show(sharding)} is not a torch FSDP strategy", key,
                           "set fsdp.sharding_strategy to FULL_SHARD, SHARD_GRAD_OP, HYBRID_SHARD or NO_SHARD")
        return
    reader.put("compute.zero_stage", stage, [key], f"FSDP {sharding}")


def _recompute(reader: ConfigReader) -> None:
    value = reader.raw("activation_checkpointing", None)
    if value is None or value is False:
        reader.put("compute.recompute", "none", ["activation_checkpointing"],
                   "" if reader.has("activation_checkpointing") else "no activation checkpointing (OLMo's default)")
        return
    strategy = "whole_layer" if value is True else str(value)  # TrainConfig.update_legacy_settings: true
    recompute = RECOMPUTE.get(strategy)
    if recompute is not None:
        reader.put("compute.recompute", recompute, ["activation_checkpointing"], f"activation_checkpointing {strategy}")
    else:
        reader.problem(f"activation_checkpointing {show(strategy)} recomputes a share of the layers, which has no "
                       "plan equivalent", "activation_checkpointing", "declare compute.recompute in the plan", "info")


ADAPTERS = (OlmoAdapter,)
