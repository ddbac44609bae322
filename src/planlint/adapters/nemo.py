"""NeMo 1.0 (Megatron GPT) training configs: ``megatron_gpt_config.yaml`` and the NeMo launcher's
``conf/training/*/*.yaml``.

The keys mean what NeMo's MegatronGPTModel reads (nemo/collections/nlp/models/language_modeling/
megatron_base_model.py and megatron_gpt_model.py): the model's keys go to Megatron-core's
TransformerConfig by name (build_transformer_config), so an absent key takes Megatron-core's
default; the batch, the ramp-up and the vocabulary padding are Megatron-LM's (the same
calculator and padding, see :mod:`planlint.adapters.megatron`). ``${...}`` interpolations are
resolved within the file (the launcher's files refer to their own keys as ``${training.model...}``,
the launcher mounting them under ``training``).
"""

from __future__ import annotations

from typing import Any, Optional

from planlint import units
from planlint.adapters import Adapter, LaunchConfig
from planlint.adapters.megatron import (MAX_SCHEDULE, UNPLACED, BatchSchedule, blend_mix, layer_pattern,
                                        moe_layers_field, samples_in)
from planlint.adapters.reading import ConfigReader, count, open_config

DOCUMENTATION = """\
Reads a NeMo 1.0 Megatron GPT config (megatron_gpt_config.yaml, or a NeMo launcher training config):
- shape: model.num_layers, hidden_size, ffn_hidden_size, num_attention_heads, num_query_groups,
  kv_channels, activation (*glu is gated), share_embeddings_and_output_weights (default true),
  encoder_seq_length; experts: num_moe_experts, moe_router_topk (default 2), moe_ffn_hidden_size,
  moe_shared_expert_intermediate_size, moe_layer_freq; multi_latent_attention with its ranks
- training: trainer.max_steps x model.global_batch_size (with model.rampup_batch_size integrated)
  x model.data.seq_length; model.optim.lr and sched (name, warmup_steps or warmup_ratio)
- data mix: model.data.data_prefix weights (a list of weight, path; or its train split)
- compute: trainer.devices x trainer.num_nodes, tensor/pipeline_model_parallel_size,
  micro_batch_size, the distributed optimizer (ZeRO-1) or fsdp, activations_checkpoint_granularity,
  use_flash_attention, trainer.precision and model.fp8
Left to the plan: the vocabulary (NeMo takes it from the tokenizer, then pads it), the unique tokens.
"""

CANNOT_SAY = ("data.unique_tokens", "compute.accelerator")
SCHEDULES = {"CosineAnnealing": "cosine", "WarmupAnnealing": "linear", "PolynomialDecayAnnealing": "polynomial",
             "PolynomialHoldDecayAnnealing": "polynomial", "InverseSquareRootAnnealing": "inverse-square-root",
             "SquareRootAnnealing": "square-root", "NoamAnnealing": "noam", "WarmupHoldPolicy": "constant",
             "ConstantLR": "constant"}


class NemoAdapter(Adapter):
    name = "nemo"
    label = "NeMo Megatron GPT config"
    suffixes = (".yaml", ".yml")
    documentation = DOCUMENTATION

    def detect(self, path: str, text: str) -> float:
        sample = text[:200_000]
        if "\ntrainer:" not in "\n" + sample or "\nmodel:" not in "\n" + sample:
            return 0.0
        marks = sum(1 for key in ("encoder_seq_length:", "tensor_model_parallel_size:", "mcore_gpt:",
                                  "megatron_amp_O2:", "make_vocab_size_divisible_by:") if key in sample)
        return 0.9 if marks >= 2 else (0.5 if marks else 0.0)

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, CANNOT_SAY)
        if reader is None:
            return config
        reader.interpolator.root_aliases = ("training",)  # the launcher mounts these files under training
        if not isinstance(reader.raw("model", None), dict):
            reader.problem("no model section: this is not a NeMo Megatron GPT config", "", "name the training config",
                           "error")
            return config
        _shape(reader)
        _training(reader)
        _data(reader)
        _compute(reader)
        return config


ADAPTERS = (NemoAdapter,)


def _shape(r: ConfigReader) -> None:
    layers = r.size("model.num_layers")
    hidden = r.size("model.hidden_size")
    heads = r.size("model.num_attention_heads")
    r.put("model.layers", layers, ["model.num_layers"])
    r.put("model.d_model", hidden, ["model.hidden_size"])
    r.put("model.heads", heads, ["model.num_attention_heads"])
    mla = r.flag("model.multi_latent_attention", False)
    groups = r.size("model.num_query_groups")
    if not mla and heads:
        if groups:
            r.put("model.kv_heads", groups, ["model.num_query_groups"])
        elif r.raw("model.num_query_groups", None) is None:
            r.put("model.kv_heads", heads, ["model.num_query_groups"], "num_query_groups null: multi-head attention")
    if r.raw("model.kv_channels", None) is not None and not mla:
        r.put("model.head_dim", r.size("model.kv_channels"), ["model.kv_channels"])
    activation = r.text("model.activation", "gelu")
    if activation is not None:
        gated = activation.endswith("glu")  # megatron_base_model: gated_linear_unit = activation.endswith('glu')
        r.put("model.ffn_gated", gated, ["model.activation"],
              f"activation {activation}" + ("" if r.has("model.activation") else ": NeMo's default"))
    ffn = r.size("model.ffn_hidden_size")
    r.put("model.ffn_dim", ffn, ["model.ffn_hidden_size"])
    if not r.has("model.ffn_hidden_size"):
        r.problem("no model.ffn_hidden_size: NeMo needs it", "model", "give model.ffn_hidden_size")
    shared = r.flag("model.share_embeddings_and_output_weights", True)
    if shared is not None:
        r.put("model.tied_embeddings", shared, ["model.share_embeddings_and_output_weights"],
              "" if r.has("model.share_embeddings_and_output_weights") else
              "no share_embeddings_and_output_weights: NeMo ties them by default")
    seq = r.size("model.encoder_seq_length")
    r.put("model.context_length", seq, ["model.encoder_seq_length"])
    data_seq = r.size("model.data.seq_length")
    if seq and data_seq and seq != data_seq:
        r.problem(f"model.data.seq_length {count(data_seq)} differs from model.encoder_seq_length {count(seq)}: NeMo "
                  "trains on sequences of model.data.seq_length", "model.data.seq_length",
                  "make them equal, or state model.context_length in the plan")
    _vocab(r)
    if mla:
        _mla(r)
    _experts(r, layers, ffn)


def _vocab(r: ConfigReader) -> None:
    divisible = r.size("model.make_vocab_size_divisible_by", 128)
    tensor_parallel = r.size("model.tensor_model_parallel_size", 1) or 1
    if divisible is None:
        return
    library = r.text("model.tokenizer.library")
    kind = r.text("model.tokenizer.type")
    named = units.clip(" ".join(str(v)[:60] for v in (library, kind) if v), 40)
    r.problem(f"the vocabulary comes from the tokenizer{f' ({named})' if named else ''}, which planlint does not open",
              "model.tokenizer" if r.has("model.tokenizer") else "model",
              f"state model.vocab_size in the plan, padded to a multiple of {divisible * tensor_parallel}", "info",
              (f"NeMo pads it to a multiple of {divisible * tensor_parallel} (make_vocab_size_divisible_by "
               f"{divisible} x tensor parallelism {tensor_parallel})",))
    r.config.cannot_say = r.config.cannot_say + ("model.vocab_size",)


def _mla(r: ConfigReader) -> None:
    """multi_latent_attention: NeMo builds Megatron-core's MLATransformerConfig from the model
    keys, whose defaults are q_lora_rank 512, kv_lora_rank 512, qk_head_dim 128,
    qk_pos_emb_head_dim 64, v_head_dim 128 (megatron/core/transformer/transformer_config.py)."""
    defaults = {"q_lora_rank": 512, "kv_lora_rank": 512, "qk_head_dim": 128, "qk_pos_emb_head_dim": 64,
                "v_head_dim": 128}
    got = {}
    for key, default in defaults.items():
        if r.has(f"model.{key}") and r.raw(f"model.{key}") is None:
            got[key] = None  # null: no query latent
            continue
        got[key] = r.size(f"model.{key}", default)
        if got[key] is None and key != "q_lora_rank":
            return
    mla = {"kv_lora_rank": got["kv_lora_rank"], "rope_head_dim": got["qk_pos_emb_head_dim"],
           "v_head_dim": got["v_head_dim"]}
    if got["q_lora_rank"]:
        mla["q_lora_rank"] = got["q_lora_rank"]
    defaulted = [f"{k} {v}" for k, v in defaults.items() if not r.has(f"model.{k}")]
    r.put("model.mla", mla, ["model.multi_latent_attention"] + [f"model.{k}" for k in defaults if r.has(f"model.{k}")],
          f"Megatron-core's defaults: {', '.join(defaulted)}" if defaulted else "")
    r.put("model.head_dim", got["qk_head_dim"], ["model.qk_head_dim"])


def _experts(r: ConfigReader, layers: Optional[int], ffn: Optional[int]) -> None:
    experts = r.number("model.num_moe_experts", None, whole=True, minimum=0)
    if not experts or experts < 2:
        return
    r.put("model.experts", experts, ["model.num_moe_experts"])
    top_k = r.size("model.moe_router_topk", 2)  # megatron_gpt_model: cfg.get('moe_router_topk', 2)
    r.put("model.experts_per_token", top_k, ["model.moe_router_topk"],
          "" if r.has("model.moe_router_topk") else "no moe_router_topk: NeMo's default of 2")
    width = r.size("model.moe_ffn_hidden_size") if r.raw("model.moe_ffn_hidden_size", None) is not None else ffn
    r.put("model.expert_ffn_dim", width, ["model.moe_ffn_hidden_size" if r.has("model.moe_ffn_hidden_size") else
                                          "model.ffn_hidden_size"],
          "" if r.has("model.moe_ffn_hidden_size") else "no moe_ffn_hidden_size: each expert is ffn_hidden_size wide")
    shared = r.size("model.moe_shared_expert_intermediate_size") if \
        r.raw("model.moe_shared_expert_intermediate_size", None) is not None else None
    if shared and width:
        if shared % width == 0:
            r.put("model.shared_experts", shared // width, ["model.moe_shared_expert_intermediate_size"],
                  f"{count(shared)} of shared-expert width / {count(width)} per expert")
        else:
            r.problem(f"moe_shared_expert_intermediate_size {count(shared)} is not a whole number of "
                      f"{count(width)}-wide experts, which planlint's shape counts in",
                      "model.moe_shared_expert_intermediate_size",
                      "state model.params and model.active_params in the plan", "info")
    frequency = r.raw("model.moe_layer_freq", None)
    if layers and frequency is not None:
        pattern = layer_pattern(str(frequency), layers) if not isinstance(frequency, list) else \
            [int(bool(v)) for v in frequency]
        if pattern is None or len(pattern) != layers:
            r.problem(f"moe_layer_freq {frequency!s:.60} does not give one entry per layer ({layers})",
                      "model.moe_layer_freq", "give an interval, or one 0/1 per layer")
            return
        moe_layers, faithful = moe_layers_field(pattern)
        if moe_layers is not None:
            r.put("model.moe_layers", moe_layers, ["model.moe_layer_freq"],
                  f"{sum(pattern)} of {layers} layers have experts" + ("" if faithful else UNPLACED))


def _schedule(r: ConfigReader) -> Optional[BatchSchedule]:
    final = r.size("model.global_batch_size")
    if final is None:
        return None
    ramp = r.raw("model.rampup_batch_size", None)
    if ramp is None:
        return BatchSchedule(final)
    values = ramp if isinstance(ramp, list) else None
    if values is None or len(values) != 3 or not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        r.problem("model.rampup_batch_size is not [start batch, increment, ramp samples]", "model.rampup_batch_size",
                  "write it as a list of three whole numbers, or null")
        return None
    start, increment, samples = values
    if start <= 0 or increment <= 0 or samples <= 0 or final <= start or (final - start) % increment:
        r.problem(f"model.rampup_batch_size {values} does not ramp to global_batch_size {count(final)} in whole "
                  "increments: Megatron-core refuses it", "model.rampup_batch_size",
                  "make (global batch - start) a positive multiple of the increment")
        return None
    if (final - start) // increment > MAX_SCHEDULE:
        r.problem(f"model.rampup_batch_size {values} passes through more than {MAX_SCHEDULE:,} batch sizes, which "
                  "planlint does not integrate", "model.rampup_batch_size", "state data.train_tokens in the plan",
                  "info")
        return None
    return BatchSchedule(final, ramp=(start, increment, samples))


def _training(r: ConfigReader) -> None:
    seq_key = "model.data.seq_length" if r.has("model.data.seq_length") else "model.encoder_seq_length"
    seq = r.size(seq_key)
    steps = r.number("trainer.max_steps", None, whole=True)
    if steps is not None and steps < 0:
        r.problem(f"trainer.max_steps is {steps}: the training length is trainer.max_epochs over a dataset the config "
                  "does not size, so the tokens are left to the plan", "trainer.max_steps",
                  "set trainer.max_steps, or state data.train_tokens in the plan", "info")
        steps = None
    elif steps == 0:
        steps = None
    schedule = _schedule(r)
    r.put("training.steps", steps, ["trainer.max_steps"])
    batch_keys = ["model.global_batch_size"] + (["model.rampup_batch_size"] if schedule and schedule.ramp else [])
    if schedule is not None and steps and seq:
        consumed = samples_in(schedule, steps)
        how = (f"{count(steps)} steps x global batch {count(schedule.final)} x {count(seq)} tokens" if schedule.constant
               else f"{count(steps)} steps through the batch ramp-up (to {count(schedule.final)}) consume "
                    f"{count(consumed)} sequences x {count(seq)} tokens")
        r.put("data.train_tokens", consumed * seq, ["trainer.max_steps"] + batch_keys + [seq_key], how)
    if schedule is not None and seq:
        r.put("training.global_batch_tokens", schedule.final * seq, batch_keys + [seq_key],
              f"global batch {count(schedule.final)} x {count(seq)} tokens")
    r.put("training.peak_lr", r.number("model.optim.lr", None, minimum=0), ["model.optim.lr"])
    name = r.text("model.optim.sched.name")
    if name is not None:
        r.put("training.schedule", SCHEDULES.get(name, name.lower()), ["model.optim.sched.name"],
              f"{name}" if name in SCHEDULES else "")
    if r.raw("model.optim.sched.warmup_steps", None) is not None:
        warmup = r.number("model.optim.sched.warmup_steps", None, whole=True, minimum=0)
        r.put("training.warmup_steps", warmup, ["model.optim.sched.warmup_steps"])
    elif r.raw("model.optim.sched.warmup_ratio", None) is not None and steps:
        ratio = r.number("model.optim.sched.warmup_ratio", None, minimum=0)
        decay_steps = r.size("model.optim.sched.max_steps", steps)
        if ratio is not None and decay_steps:
            # NeMo's schedulers (nemo/core/optim/lr_scheduler.py): int(warmup_ratio x max_steps)
            r.put("training.warmup_steps", int(ratio * decay_steps),
                  ["model.optim.sched.warmup_ratio", "trainer.max_steps"],
                  f"warmup_ratio {ratio:g} x {count(decay_steps)} steps")


def _data(r: ConfigReader) -> None:
    if not r.has("model.data.data_prefix"):
        return
    prefix = r.raw("model.data.data_prefix")
    key = "model.data.data_prefix"
    if isinstance(prefix, dict):
        if "train" not in prefix:
            r.problem("model.data.data_prefix has no train split", key, "give data_prefix.train")
            return
        prefix, key = prefix["train"], key + ".train"
    if prefix in (None, "???") or prefix == []:
        r.problem(f"{key} is {'missing (???)' if prefix == '???' else 'empty'}: the data mix is left to the plan", key,
                  "give the weights and paths of the data, or state data.mix in the plan", "info")
        return
    if isinstance(prefix, str):
        prefix = [prefix]
    if not isinstance(prefix, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                                               for v in prefix):
        r.problem(f"{key} is not a list of weights and paths", key, "write it as [weight, path, weight, path, ...]")
        return
    mix, text, severity = blend_mix([str(v) for v in prefix])
    if mix is None:
        r.problem(f"{key} {text}", key, "state data.mix in the plan" if severity == "info" else
                  "give each dataset a positive weight", severity)
    else:
        r.put("data.mix", mix, [key], text)


def _compute(r: ConfigReader) -> None:
    devices = r.raw("trainer.devices", None)
    if isinstance(devices, list) and devices and all(isinstance(d, int) and not isinstance(d, bool) for d in devices):
        devices = len(devices)  # Lightning: a list of device indices
    nodes = r.raw("trainer.num_nodes", 1)
    if isinstance(devices, int) and not isinstance(devices, bool) and devices > 0 and \
            isinstance(nodes, int) and not isinstance(nodes, bool) and nodes > 0:
        r.put("compute.accelerators", devices * nodes, ["trainer.devices", "trainer.num_nodes"],
              f"trainer.devices {devices} x trainer.num_nodes {nodes}")
    elif devices is not None:
        r.problem(f"trainer.devices is {devices!r:.40} and num_nodes {nodes!r:.40}: the accelerators are left to the "
                  "plan", "trainer.devices", "give trainer.devices and trainer.num_nodes as numbers", "info")
    for key, name in (("model.tensor_model_parallel_size", "compute.tensor_parallel"),
                      ("model.pipeline_model_parallel_size", "compute.pipeline_parallel")):
        r.put(name, r.size(key, 1), [key], "" if r.has(key) else "NeMo's default of 1")
    r.put("compute.micro_batch_size", r.size("model.micro_batch_size"), ["model.micro_batch_size"])
    optimizer = r.text("model.optim.name")
    if r.flag("model.fsdp", False):
        strategy = r.text("model.fsdp_sharding_strategy", "full")
        stage = {"full": 3, "hybrid": 3, "grad": 2}.get(strategy)
        if stage is not None:
            r.put("compute.zero_stage", stage, ["model.fsdp", "model.fsdp_sharding_strategy"],
                  f"fsdp with sharding strategy {strategy}")
    elif optimizer in ("distributed_fused_adam", "mcore_distributed_optim"):
        # NeMo's docs (features/parallelisms): the distributed optimizer shards the optimizer
        # states and the high-precision master parameters over data-parallel ranks: ZeRO-1
        r.put("compute.zero_stage", 1, ["model.optim.name"], f"{optimizer}: the optimizer states are sharded")
    elif optimizer is not None:
        r.put("compute.zero_stage", 0, ["model.optim.name"], f"{optimizer}: not sharded")
    granularity = r.raw("model.activations_checkpoint_granularity", None)
    if granularity in ("selective", "full"):
        r.put("compute.recompute", granularity, ["model.activations_checkpoint_granularity"])
    elif granularity is None:
        r.put("compute.recompute", "none", ["model.activations_checkpoint_granularity"],
              "activations_checkpoint_granularity null")
    if r.flag("model.use_flash_attention", False):
        r.put("compute.flash_attention", True, ["model.use_flash_attention"])
    precision = _precision(r)
    if precision is not None:
        r.put("training.precision", precision[0], [precision[1]], precision[2])


def _precision(r: ConfigReader) -> Optional[tuple[str, str, str]]:
    if r.flag("model.fp8", False) and r.flag("model.transformer_engine", False):
        return "fp8", "model.fp8", "fp8 with Transformer Engine"
    raw: Any = r.raw("trainer.precision", None)
    if raw is None:
        return None
    text = str(raw).lower()
    if text in ("bf16", "bf16-mixed", "bf16-true"):
        return "bf16", "trainer.precision", ""
    if text in ("16", "16-mixed", "fp16", "16-true"):
        return "fp16", "trainer.precision", ""
    if text in ("32", "32-true", "fp32"):
        return "fp32", "trainer.precision", ""
    r.problem(f"trainer.precision {raw!r:.40} is not one planlint knows", "trainer.precision",
              "write bf16, 16 or 32", "info")
    return None
