"""GPT-NeoX configs (YAML, usually written as JSON with comments).

The keys mean what gpt-neox's NeoXArgs says (megatron/neox_arguments/neox_args.py and
deepspeed_args.py; calculate_derived in arguments.py), with dashes and underscores alike
(from_ymls replaces "-" by "_"). A run reads several files at once (a model config and a
local setup), and a key set twice across them is an error, so what this file sets is final;
what it does not set may come from another file: the shape's defaults are applied (NeoX's,
below), training settings are left to the plan.

The feed-forward width changed meaning with gpt-neox PR #1212 (intermediate_size) and the
configs' migration in PR #1309 (November 2024): ParallelMLP (megatron/model/transformer.py)
takes ``intermediate_size`` (or ``expansion_factor`` x hidden, or 4 x hidden), and for a gated
activation keeps two thirds of it, split in two: each branch is int(intermediate_size x 2/3) // 2
wide, rounded up to mlp_multiple_of. A SwiGLU of width w is written ``intermediate_size: 3w``
(configs/llama2/7B.yml: 32768 for Llama 2's 11,008); configs not migrated write w itself.
"""

from __future__ import annotations

import math
from typing import Any, Optional

from planlint import units
from planlint.adapters import Adapter, LaunchConfig, Located
from planlint.adapters.megatron import UNPLACED, layer_pattern, moe_layers_field
from planlint.adapters.reading import ConfigReader, count, open_config

DOCUMENTATION = """\
Reads a GPT-NeoX config (keys with dashes or underscores):
- shape: num_layers, hidden_size, num_attention_heads, num_kv_heads, intermediate_size (or
  expansion_factor) with activation and mlp_multiple_of (a gated branch is
  int(intermediate_size x 2/3) // 2 wide, since PR #1309), no_weight_tying (tied by default),
  seq_length; experts: moe_num_experts, moe_top_k, moe_expert_interval
- training: train_iters x the global batch (train_batch_size, or
  train_micro_batch_size_per_gpu x gradient_accumulation_steps x data-parallel size, computed
  once the plan gives compute.accelerators) x seq_length; optimizer.params.lr, warmup (a
  fraction of the decay iterations), lr_decay_style
- data mix: train_data_paths with train_data_weights, normalized; or one data_path
- compute: model_parallel_size, pipe_parallel_size, zero_optimization.stage,
  checkpoint_activations, attention_config (flash), precision (precision, fp16, bf16)
Left to the plan: the vocabulary (padded from the tokenizer's), the unique tokens, the
accelerators, and the training settings another config file of the run sets.
"""

CANNOT_SAY = ("data.unique_tokens", "compute.accelerator", "model.vocab_size", "compute.accelerators")
GATED = ("geglu", "reglu", "swiglu", "bilinear", "glu")  # megatron/model/activations.py, get_activation
NEOX_KEYS = ("pipe_parallel_size", "train_micro_batch_size_per_gpu", "no_weight_tying", "gpt_j_residual",
             "attention_config", "pos_emb")


def _spelling(located: Located):
    """NeoX's key for a canonical (underscored) name: as the file writes it, dashes or not."""
    data = located.data if isinstance(located.data, dict) else {}
    spelled = {}
    for key in data:
        if isinstance(key, str):
            spelled.setdefault(key.replace("-", "_"), []).append(key)

    def spell(dotted: str) -> str:
        head, _, rest = dotted.partition(".")
        actual = spelled.get(head, [head])[-1]  # from_ymls keeps the last of two spellings
        return actual + ("." + rest if rest else "")

    return spell


class NeoxAdapter(Adapter):
    name = "neox"
    label = "GPT-NeoX config"
    suffixes = (".yml", ".yaml")
    documentation = DOCUMENTATION

    def detect(self, path: str, text: str) -> float:
        sample = text[:200_000].replace("-", "_")
        if "num_layers" not in sample and "hidden_size" not in sample:
            return 0.0
        marks = sum(1 for key in NEOX_KEYS if f'"{key}"' in sample or f"\n{key}:" in "\n" + sample)
        return 0.9 if marks >= 2 else (0.6 if marks else 0.0)

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, CANNOT_SAY, spell=_spelling)
        if reader is None:
            return config
        spelled: dict[str, list] = {}
        for key in reader.located.data:
            if isinstance(key, str):
                spelled.setdefault(key.replace("-", "_"), []).append(key)
        for keys in spelled.values():
            if len(keys) > 1:
                reader.problem(f"{' and '.join(keys)} are one key to GPT-NeoX, which keeps the last ({keys[-1]})",
                               keys[0], f"keep only {keys[-1]}")
        r = _Neox(reader)
        if not (r.has("num_layers") or r.has("hidden_size")):
            reader.problem("no num_layers or hidden_size: this is not a GPT-NeoX model config", "",
                           "name the config that sets the model", "error")
            return config
        _shape(r)
        _training(r)
        _data(r)
        _compute(r)
        return config


ADAPTERS = (NeoxAdapter,)


class _Neox:
    """Reads by NeoX's canonical names through the file's own spelling."""

    def __init__(self, reader: ConfigReader):
        self.reader = reader
        self.spell = reader.spell

    def key(self, canonical: str) -> str:
        return self.spell(canonical)

    def has(self, canonical: str) -> bool:
        return self.reader.has(self.key(canonical))

    def raw(self, canonical: str, default: Any = None) -> Any:
        return self.reader.raw(self.key(canonical), default)

    def size(self, canonical: str, default: Any = None) -> Any:
        return self.reader.size(self.key(canonical), default)

    def number(self, canonical: str, default: Any = None, minimum: Optional[float] = None) -> Any:
        return self.reader.number(self.key(canonical), default, minimum=minimum)

    def flag(self, canonical: str, default: Any = None) -> Any:
        return self.reader.flag(self.key(canonical), default)

    def text(self, canonical: str, default: Any = None) -> Any:
        return self.reader.text(self.key(canonical), default)

    def put(self, name: str, value: Any, canonicals: list, how: str = "") -> None:
        self.reader.put(name, value, [self.key(c) for c in canonicals], how)

    def problem(self, message: str, canonical: str, fix: str, severity: str = "warning",
                details: tuple[str, ...] = ()) -> None:
        self.reader.problem(message, self.key(canonical) if canonical else "", fix, severity, details)


def _shape(r: _Neox) -> None:
    layers = r.size("num_layers")
    hidden = r.size("hidden_size")
    heads = r.size("num_attention_heads")
    r.put("model.layers", layers, ["num_layers"])
    r.put("model.d_model", hidden, ["hidden_size"])
    r.put("model.heads", heads, ["num_attention_heads"])
    if r.raw("num_kv_heads") is not None:
        r.put("model.kv_heads", r.size("num_kv_heads"), ["num_kv_heads"])
    elif heads:
        r.put("model.kv_heads", heads, ["num_kv_heads"],
              "no num_kv_heads: multi-head attention")
    activation = r.text("activation", "gelu")
    gated = activation in GATED
    r.put("model.ffn_gated", gated, ["activation"],
          "" if r.has("activation") else "no activation: NeoX's default gelu (unless another file of the run sets it)")
    untied = r.flag("no_weight_tying", False)
    if untied is not None:
        r.put("model.tied_embeddings", not untied, ["no_weight_tying"],
              "" if r.has("no_weight_tying") else "no no_weight_tying: NeoX ties the embeddings by default")
    r.put("model.context_length", r.size("seq_length"), ["seq_length"])
    experts = r.number("moe_num_experts", 1, minimum=0)
    if experts and experts > 1:
        _experts(r, layers, hidden, gated, int(experts))
    elif hidden:
        _mlp(r, hidden, gated)
    multiple = r.size("make_vocab_size_divisible_by", 128)
    parallel = r.size("model_parallel_size", 1) or 1
    if multiple:
        tokenizer = r.text("tokenizer_type")
        padding = (f"GPT-NeoX pads it to a multiple of {multiple * parallel} (make_vocab_size_divisible_by "
                   f"{multiple} x model_parallel_size {parallel})" if multiple * parallel > 1 else
                   "GPT-NeoX does not pad it (make_vocab_size_divisible_by 1)")
        named = f" ({units.clip(tokenizer, 40)})" if tokenizer else ""
        r.problem(f"the vocabulary comes from the tokenizer{named}, which planlint does not open",
                  "tokenizer_type" if tokenizer else "",
                  "state model.vocab_size in the plan" + (f", padded to a multiple of {multiple * parallel}"
                                                          if multiple * parallel > 1 else ""), "info", (padding,))


def _mlp(r: _Neox, hidden: int, gated: bool) -> None:
    """ParallelMLP's widths: linear1 (both branches when gated) and linear2's input, which is
    the plan's ffn_dim (one branch)."""
    multiple = r.size("mlp_multiple_of", 1) or 1
    if r.raw("intermediate_size") is not None:
        width, sources, source_how = r.size("intermediate_size"), ["intermediate_size"], "intermediate_size"
    elif r.raw("expansion_factor") is not None:
        factor = r.number("expansion_factor", None, minimum=0)
        width = int(factor * hidden) if factor else None
        sources, source_how = ["expansion_factor", "hidden_size"], f"expansion_factor {factor:g} x {count(hidden)}"
    else:
        width, sources, source_how = 4 * hidden, ["hidden_size"], f"4 x hidden_size {count(hidden)} (NeoX's default)"
    if not width:
        return
    fused = width
    branch = width
    if gated:
        fused = int(width * 2 / 3)
        branch = fused // 2
    fused = 2 * multiple * ((fused + 2 * multiple - 1) // (2 * multiple))
    branch = multiple * ((branch + multiple - 1) // multiple)
    if gated:
        how = (f"{source_how}: NeoX keeps two thirds, int({count(width)} x 2/3) = {count(int(width * 2 / 3))}, in two "
               f"branches of {count(branch)}")
        how += f" (rounded up to mlp_multiple_of {multiple})" if multiple > 1 else ""
        r.put("model.ffn_dim", branch, sources, how)
        if fused // 2 != branch:
            r.problem(f"the gate and up projections are {count(fused)} wide (two halves of {count(fused // 2)}) but "
                      f"the down projection takes {count(branch)}: GPT-NeoX's MLP fails on its first step", sources[0],
                      "set intermediate_size to 3 x the branch width you want, or set mlp_multiple_of")
        if branch < 2 * hidden and "intermediate_size" in sources:
            r.problem(f"intermediate_size {count(width)} with a gated activation builds branches of {count(branch)} "
                      f"({branch / hidden:.2f} x hidden_size): since gpt-neox PR #1309 intermediate_size is 3 x the "
                      f"branch width, so a {count(width)}-wide SwiGLU is intermediate_size {count(3 * width)}",
                      "intermediate_size",
                      f"write intermediate_size: {3 * width} if each branch is {count(width)} wide")
    else:
        r.put("model.ffn_dim", branch, sources, source_how if branch == width else
              f"{source_how}, rounded up to mlp_multiple_of {multiple}")


def _experts(r: _Neox, layers: Optional[int], hidden: Optional[int], gated: bool, experts: int) -> None:
    """Dropless MoE (megatron/model/moe_mlp.py): each expert is intermediate_size wide as written
    (gated experts have three matrices of it); without intermediate_size, 4 x hidden (int(8 x hidden / 3)
    when gated) rounded up to 256. Layer i has experts when i % moe_expert_interval == 0."""
    r.put("model.experts", experts, ["moe_num_experts"])
    top_k = r.size("moe_top_k", 1)
    r.put("model.experts_per_token", top_k, ["moe_top_k"],
          "" if r.has("moe_top_k") else "no moe_top_k: NeoX's default of 1")
    if r.raw("intermediate_size") is not None:
        width, how = r.size("intermediate_size"), "intermediate_size, per expert"
    elif hidden:
        base = int(2 * hidden * 4 / 3) if gated else 4 * hidden
        width = 256 * ((base + 255) // 256)
        how = f"no intermediate_size: {'int(8 x hidden / 3)' if gated else '4 x hidden'} rounded up to 256"
    else:
        return
    r.put("model.expert_ffn_dim", width, ["intermediate_size" if r.has("intermediate_size") else "hidden_size"], how)
    r.put("model.ffn_dim", width, ["intermediate_size" if r.has("intermediate_size") else "hidden_size"], how)
    interval = r.size("moe_expert_interval", 1)
    if layers and interval and interval > 1:
        moe_layers, faithful = moe_layers_field(layer_pattern(str(interval), layers))
        if moe_layers is not None:
            r.put("model.moe_layers", moe_layers, ["moe_expert_interval"],
                  f"experts in every {interval}th layer from layer 0" + ("" if faithful else UNPLACED))


def _training(r: _Neox) -> None:
    seq = r.size("seq_length")
    iters = r.size("train_iters")
    if r.has("train_epochs") and r.raw("train_epochs") is not None and iters is None:
        r.problem("train_epochs sizes the run by a dataset the config does not describe: the tokens are left to the "
                  "plan", "train_epochs", "set train_iters, or state data.train_tokens in the plan", "info")
    r.put("training.steps", iters, ["train_iters"])
    batch = r.size("train_batch_size") if r.raw("train_batch_size") is not None else None
    micro = r.size("train_micro_batch_size_per_gpu") if r.raw("train_micro_batch_size_per_gpu") is not None else None
    accumulation = r.size("gradient_accumulation_steps", 1) if r.raw("gradient_accumulation_steps", 1) is not None \
        else 1
    r.put("compute.micro_batch_size", micro, ["train_micro_batch_size_per_gpu"])
    if batch is not None:
        sources = ["train_batch_size"]
        if seq:
            r.put("training.global_batch_tokens", batch * seq, sources + ["seq_length"],
                  f"train_batch_size {count(batch)} x {count(seq)} tokens")
            if iters:
                r.put("data.train_tokens", iters * batch * seq, ["train_iters"] + sources + ["seq_length"],
                      f"{count(iters)} steps x train_batch_size {count(batch)} x {count(seq)} tokens")
    elif micro is not None and accumulation:
        tensor = r.size("model_parallel_size", 1) or 1
        pipe = max(r.size("pipe_parallel_size", 0) or 0, 1)  # arguments.py: 0 means no pipeline, one stage
        per_replica = micro * accumulation

        def global_batch(inputs: dict) -> Optional[int]:
            # calculate_derived: data-parallel size = GPUs / pipe stages / model-parallel size
            accelerators = inputs.get("compute.accelerators")
            if not accelerators or accelerators % (tensor * pipe):
                return None
            return per_replica * (accelerators // (tensor * pipe))

        how = (f"train_micro_batch_size_per_gpu {micro} x gradient_accumulation_steps {accumulation} x data-parallel "
               f"size (accelerators / (model_parallel_size {tensor} x pipe stages {pipe}))")
        sources = ["train_micro_batch_size_per_gpu"] + (["gradient_accumulation_steps"]
                                                        if r.has("gradient_accumulation_steps") else [])
        if seq:
            r.reader.put_needing("training.global_batch_tokens", ("compute.accelerators",),
                                 lambda inputs: None if global_batch(inputs) is None else global_batch(inputs) * seq,
                                 [r.key(s) for s in sources + ["seq_length"]], f"{how} x {count(seq)} tokens")
            if iters:
                r.reader.put_needing("data.train_tokens", ("compute.accelerators",),
                                     lambda inputs: None if global_batch(inputs) is None else
                                     iters * global_batch(inputs) * seq,
                                     [r.key(s) for s in ["train_iters"] + sources + ["seq_length"]],
                                     f"{count(iters)} steps x {how} x {count(seq)} tokens")
    optimizer = r.raw("optimizer")
    if isinstance(optimizer, dict) and isinstance(optimizer.get("params"), dict) and "lr" in optimizer["params"]:
        r.put("training.peak_lr", r.reader.number(r.key("optimizer") + ".params.lr", None, minimum=0),
              ["optimizer.params.lr"])
    if r.has("lr_decay_style"):
        r.put("training.schedule", r.text("lr_decay_style"), ["lr_decay_style"])
    if r.has("warmup") and iters:
        fraction = r.number("warmup", None, minimum=0)
        decay = r.size("lr_decay_iters") if r.raw("lr_decay_iters") is not None else None
        if decay is None and r.raw("lr_decay_fraction") is not None:
            decay = math.floor(iters * (r.number("lr_decay_fraction", 1, minimum=0) or 0))
        decay = max(1, decay if decay is not None else iters)
        if fraction is not None:
            # training.py, get_learning_rate_scheduler: warmup_iter = warmup x num_iters
            warmup = fraction * decay
            steps = math.ceil(warmup - 1e-9)
            r.put("training.warmup_steps", steps, ["warmup"] + (["lr_decay_iters"] if r.has("lr_decay_iters") else []),
                  f"warmup {fraction:g} x {count(decay)} decay iterations" +
                  ("" if float(warmup).is_integer() else f" = {warmup:g}, reached at step {steps}"))


def _data(r: _Neox) -> None:
    paths = r.raw("train_data_paths")
    if isinstance(paths, list) and paths:
        if r.flag("weight_by_num_documents", False):
            r.problem("weight_by_num_documents weights the datasets by their document counts, which the config cannot "
                      "say", "weight_by_num_documents", "state data.mix in the plan", "info")
            return
        weights = r.raw("train_data_weights")
        if weights is None:
            weights = [1.0] * len(paths)  # data_utils: no weights is equal weights
        numbers = isinstance(weights, list) and all(isinstance(w, (int, float)) and not isinstance(w, bool) and w >= 0
                                                     for w in weights)
        if not numbers or len(weights) != len(paths) or sum(weights) <= 0:
            r.problem("train_data_weights is not one non-negative weight per path of train_data_paths",
                      "train_data_weights" if r.has("train_data_weights") else "train_data_paths",
                      "give one weight per path")
            return
        total = sum(weights)
        r.put("data.mix", [{"source": str(p), "share": w / total} for p, w in zip(paths, weights)],
              ["train_data_paths"] + (["train_data_weights"] if r.has("train_data_weights") else []),
              f"train_data_weights normalized by their sum {total:g} "
              "(data_utils.get_normalized_weights_and_num_samples)")
    elif isinstance(r.raw("data_path"), str):
        r.put("data.mix", [{"source": r.raw("data_path"), "share": 1.0}], ["data_path"], "data_path: one dataset")


def _compute(r: _Neox) -> None:
    if r.has("model_parallel_size"):
        r.put("compute.tensor_parallel", max(r.size("model_parallel_size", 1) or 1, 1), ["model_parallel_size"])
    if r.has("pipe_parallel_size"):
        stages = r.number("pipe_parallel_size", None, minimum=0)
        if stages is not None:
            r.put("compute.pipeline_parallel", max(int(stages), 1), ["pipe_parallel_size"],
                  "pipe_parallel_size 0: no pipeline, one stage" if stages == 0 else "")
    zero = r.raw("zero_optimization")
    if isinstance(zero, dict) and "stage" in zero:
        stage = r.reader.number(r.key("zero_optimization") + ".stage", None, whole=True, minimum=0)
        if stage is not None and stage <= 3:
            r.put("compute.zero_stage", stage, ["zero_optimization.stage"])
    if r.has("checkpoint_activations"):
        full = r.flag("checkpoint_activations")
        if full is not None:
            r.put("compute.recompute", "full" if full else "none", ["checkpoint_activations"],
                  "checkpoint_activations recomputes every layer" if full else "")
    attention = r.raw("attention_config")
    kinds = _attention_kinds(attention)
    if kinds:
        r.put("compute.flash_attention", kinds == {"flash"}, ["attention_config"],
              "attention_config: flash in every layer" if kinds == {"flash"} else
              f"attention_config: {', '.join(sorted(kinds))}")
    precision = _precision(r)
    if precision:
        r.put("training.precision", precision[0], [precision[1]])


def _attention_kinds(config: Any) -> set:
    """The attention types of attention_config ([[["flash"], 32]]: a list of [types, repeat])."""
    kinds = set()
    if not isinstance(config, list):
        return kinds
    for entry in config:
        if isinstance(entry, list) and entry and isinstance(entry[0], list):
            kinds.update(str(k) for k in entry[0])
        else:
            return set()
    return kinds


def _precision(r: _Neox) -> Optional[tuple[str, str]]:
    """calculate_derived: precision, else the DeepSpeed fp16 / bf16 sections' enabled."""
    if r.raw("precision") is not None:
        text = r.text("precision")
        return {"fp16": ("fp16", "precision"), "bfloat16": ("bf16", "precision"),
                "fp32": ("fp32", "precision")}.get(text)
    for key, name in (("fp16", "fp16"), ("bf16", "bf16")):
        section = r.raw(key)
        if isinstance(section, dict) and section.get("enabled") is True:
            return name, key
    return None
