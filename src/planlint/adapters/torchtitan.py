"""torchtitan job configs (TOML), in both key layouts torchtitan has used.

The 2024 layout (``train_configs/llama3_8b.toml`` of August 2024) keeps the batch and the
parallel degrees under ``[training]`` (``batch_size``, ``data_parallel_degree``,
``tensor_parallel_degree``, ``warmup_steps``) and pipeline parallelism under
``[experimental]``; the 2025-26 layout (``torchtitan/config/job_config.py``) has
``[training] local_batch_size`` / ``global_batch_size``, ``[parallelism]`` degrees and
``[lr_scheduler]``. The model is named, not shaped: ``[model] name`` + ``flavor`` pick an
entry of torchtitan's model-args tables, which :data:`FLAVORS` restates.
"""

from __future__ import annotations

import re
from typing import Any, Callable

from planlint.adapters import Adapter, LaunchConfig, Located, read_toml
from planlint.adapters.reading import ConfigReader, count, open_config, positive
from planlint.records import record


def llama_ffn_dim(dim: int, multiple_of: int, ffn_dim_multiplier: float | None, hidden: int | None = None) -> int:
    """torchtitan's SwiGLU width (models/llama3/model/model.py, FeedForward): start from
    4 x dim, take two thirds (a gated block of the same weights as a 4d one; Shazeer 2020),
    scale by ffn_dim_multiplier, and round up to a multiple of multiple_of. Llama 3 8B:
    int(2 x 16384 / 3) = 10922, int(1.3 x 10922) = 14198, rounded up to 1024s: 14336."""
    width = int(2 * (4 * dim if hidden is None else hidden) / 3)
    if ffn_dim_multiplier is not None:
        width = int(ffn_dim_multiplier * width)
    return multiple_of * ((width + multiple_of - 1) // multiple_of)


def llama4_expert_dim(dim: int, multiple_of: int, ffn_dim_multiplier: float | None, top_k: int,
                      shared: int) -> int:
    """torchtitan's Llama 4 expert width (models/llama4/model/model.py, TransformerBlock with
    auto_scale_hidden_dim): the dense width before rounding, divided by the experts a token
    uses (top_k + shared), then rounded up to multiple_of. 17bx16e: 16383 / 2 = 8191 -> 8192."""
    width = int(2 * 4 * dim / 3)
    if ffn_dim_multiplier is not None:
        width = int(ffn_dim_multiplier * width)
    width = int(width / (top_k + shared))
    return width + (-width % multiple_of)


@record(frozen=True)
class Flavor:
    """One entry of a torchtitan model-args table, as the plan's shape fields."""

    layers: int
    d_model: int
    heads: int
    kv_heads: int | None
    vocab_size: int
    ffn_dim: int | None  # the dense layers' width (None: every layer has experts)
    how_ffn: str = ""
    head_dim: int | None = None
    tied: bool = False
    experts: int = 0
    experts_per_token: int = 0
    shared_experts: int = 0
    expert_ffn_dim: int = 0
    first_dense: int = 0
    moe_every: int = 1
    mla: dict | None = None


def _llama3(dim, layers, heads, kv_heads, multiplier, multiple_of, vocab=128256):
    ffn = llama_ffn_dim(dim, multiple_of, multiplier)
    return Flavor(layers, dim, heads, kv_heads, vocab, ffn,
                  f"int(2 x 4 x {dim} / 3) x ffn_dim_multiplier {multiplier}, rounded up to multiple_of {multiple_of}")


def _llama4(experts, moe_every):
    # models/llama4/__init__.py: dim 5120, 48 layers, 40 heads, 8 KV heads, ffn_dim_multiplier 1.2,
    # multiple_of 2048; MoEArgs defaults top_k 1 and one shared expert; vocab 202048 (model/args.py).
    dim, multiple_of, multiplier = 5120, 2048, 1.2
    return Flavor(48, dim, 40, 8, 202048, llama_ffn_dim(dim, multiple_of, multiplier),
                  "int(2 x 4 x 5120 / 3) x 1.2, rounded up to 2048s", experts=experts, experts_per_token=1,
                  shared_experts=1, expert_ffn_dim=llama4_expert_dim(dim, multiple_of, multiplier, 1, 1),
                  moe_every=moe_every)


def _qwen3(dim, layers, heads, kv_heads, hidden, tied=False, experts=0, top_k=0, expert_ffn=0):
    return Flavor(layers, dim, heads, kv_heads, 151936, None if experts else hidden, head_dim=128, tied=tied,
                  experts=experts, experts_per_token=top_k, expert_ffn_dim=expert_ffn)


def _deepseek(dim, layers, heads, vocab, inter, moe_inter, dense, experts, shared, top_k, q_lora_rank):
    mla = {"kv_lora_rank": 512, "rope_head_dim": 64, "v_head_dim": 128}
    if q_lora_rank:
        mla["q_lora_rank"] = q_lora_rank
    return Flavor(layers, dim, heads, None, vocab, inter, head_dim=128, experts=experts, experts_per_token=top_k,
                  shared_experts=shared, expert_ffn_dim=moe_inter, first_dense=dense, mla=mla)


# torchtitan's model-args tables at the commit of the 2025-26 TOML configs (238fa995, February
# 2026): torchtitan/models/{llama3,llama4,qwen3,deepseek_v3}/__init__.py, with the defaults of
# each model/args.py. The 2024 layout's llama3 flavors (torchtitan/models/llama/__init__.py at
# 1a303b3c) have the same shapes; their vocab_size came from the Llama 3 tokenizer (128,000
# BPE ranks + 256 special tokens = 128,256), the value the later tables write down.
FLAVORS: dict[str, dict[str, Flavor]] = {
    "llama3": {
        "8B": _llama3(4096, 32, 32, 8, 1.3, 1024),
        "70B": _llama3(8192, 80, 64, 8, 1.3, 4096),
        "405B": _llama3(16384, 126, 128, 8, 1.2, 4096),
    },
    "llama2": {  # 2024 layout only (Llama 2's SentencePiece vocabulary: 32,000)
        "7B": _llama3(4096, 32, 32, None, None, 256, vocab=32000),
        "13B": _llama3(5120, 40, 40, None, None, 256, vocab=32000),
        "70B": _llama3(8192, 80, 64, 8, 1.3, 4096, vocab=32000),
    },
    "llama4": {
        "17bx16e": _llama4(16, 1),
        "17bx16e_irope": _llama4(16, 1),
        "17bx128e": _llama4(128, 2),
        "17bx128e_irope": _llama4(128, 2),
    },
    "qwen3": {
        "0.6B": _qwen3(1024, 28, 16, 8, 3072, tied=True),
        "1.7B": _qwen3(2048, 28, 16, 8, 6144, tied=True),
        "4B": _qwen3(2560, 36, 32, 8, 9728, tied=True),
        "8B": _qwen3(4096, 36, 32, 8, 12288),
        "14B": _qwen3(5120, 40, 40, 8, 17408),
        "32B": _qwen3(5120, 64, 64, 8, 25600),
        "30B-A3B": _qwen3(2048, 48, 32, 4, 6144, experts=128, top_k=8, expert_ffn=768),
        "235B-A22B": _qwen3(4096, 94, 64, 4, 12288, experts=128, top_k=8, expert_ffn=1536),
    },
    "deepseek_v3": {
        "16B": _deepseek(2048, 27, 16, 102400, 10944, 1408, 1, 64, 2, 6, 0),
        "236B": _deepseek(5120, 60, 128, 102400, 12288, 1536, 1, 160, 2, 6, 1536),
        "671B": _deepseek(7168, 61, 128, 129280, 18432, 2048, 3, 256, 1, 8, 1536),
    },
}

# Defaults of the keys read (torchtitan/config/job_config.py at 238fa995; the 2024 layout's
# torchtitan/config_manager.py at 1a303b3c has the same values under its own names).
DEFAULT_LOCAL_BATCH = 8
DEFAULT_SEQ_LEN = 2048
DEFAULT_STEPS = 10000
DEFAULT_LR = 8e-4
DEFAULT_WARMUP = 200

SCHEDULES = {"linear": "linear", "cosine": "cosine"}  # torchtitan decay_type -> plan schedule
PRECISIONS = {"bfloat16": "bf16", "float32": "fp32"}


def toml_spelling(located: Located) -> Callable[[str], str]:
    """How a TOML file spells a dotted key: ``[training] seq_len``, and a table ``[training]``."""

    def spell(dotted: str) -> str:
        if isinstance(located.get(dotted), dict):
            return f"[{dotted}]"
        table, _, key = dotted.rpartition(".")
        return f"[{table}] {key}" if table else key

    return spell


class TorchtitanAdapter(Adapter):
    name = "torchtitan"
    label = "torchtitan job config (TOML)"
    suffixes = (".toml",)
    documentation = """\
Reads a torchtitan job config, in the 2024 key layout ([training] batch_size,
data_parallel_degree, warmup_steps; [experimental] pipeline_parallel_degree) and the
2025-26 one ([training] local_batch_size, global_batch_size; [parallelism]; [lr_scheduler]).

model shape     [model] name + flavor, from torchtitan's model-args tables (llama3 8B/70B/405B,
                llama2 7B/13B/70B, llama4 17bx16e/17bx128e, qwen3 0.6B-32B and 30B-A3B/235B-A22B,
                deepseek_v3 16B/236B/671B); the SwiGLU width from ffn_dim_multiplier and
                multiple_of as torchtitan computes it
context_length  [training] seq_len
train_tokens    [training] steps x global batch x seq_len; the global batch is global_batch_size,
                or local_batch_size (batch_size) x the data-parallel degree, which for -1
                (all remaining GPUs) needs compute.accelerators
global batch    training.global_batch_tokens, the same product without steps
steps, lr       [training] steps, [optimizer] lr
warmup          [lr_scheduler] warmup_steps ([training] warmup_steps in 2024)
schedule        [lr_scheduler] decay_type, wsd when decay_ratio is set (2024: linear)
parallelism     tensor_parallel_degree, pipeline_parallel_degree, FSDP sharding (ZeRO-3, or
                ZeRO-2 without resharding after forward), local_batch_size as the micro-batch
recompute       [activation_checkpoint] mode (selective by op, or full)
precision       fp8 with a float8 converter ([model] converters, or [float8]
                enable_float8_linear in 2024), else [training] mixed_precision_param
Left to the plan: the accelerator count (the launcher's world size), unique tokens and the
data mix (torchtitan names one dataset), and torch.compile (no plan field: speed only)."""

    def detect(self, path: str, text: str) -> float:
        has_model = re.search(r"^\s*\[model\]", text, re.M) is not None
        has_flavor = re.search(r"^\s*flavor\s*=", text, re.M) is not None
        has_training = re.search(r"^\s*\[training\]", text, re.M) is not None
        if has_model and has_flavor and has_training:
            return 0.95
        if has_flavor and has_training:
            return 0.8
        if has_model and has_training and re.search(r"^\s*\[(parallelism|activation_checkpoint)\]", text, re.M):
            return 0.7
        return 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, _CANNOT_SAY, parse=read_toml, spell=toml_spelling)
        if reader is None:
            return config
        legacy = _is_2024_layout(reader)
        _shape(reader, legacy)
        _training(reader, legacy)
        return reader.config


_CANNOT_SAY = ("compute.accelerators", "data.unique_tokens", "data.mix")


def _is_2024_layout(reader: ConfigReader) -> bool:
    return (reader.has("training.batch_size") or reader.has("training.data_parallel_degree")
            or reader.has("experimental") or reader.has("training.warmup_steps")
            or reader.has("float8.enable_float8_linear"))


def _shape(reader: ConfigReader, legacy: bool) -> None:
    name = reader.text("model.name", "llama" if legacy else "llama3")
    flavor_name = reader.text("model.flavor", "debugmodel")
    table = FLAVORS.get(name or "")
    where = "model.flavor" if reader.has("model.flavor") else "model"
    if table is None:
        reader.problem(f"torchtitan model {name!r} is not one planlint knows (knows: {', '.join(FLAVORS)}); its "
                       "shape is left to the plan", "model.name" if reader.has("model.name") else "model",
                       "declare model.layers, d_model, heads and ffn_dim in the plan", "info")
        return
    flavor = table.get(flavor_name or "")
    if flavor is None:
        reader.problem(f"torchtitan flavor {flavor_name!r} of {name} is not one planlint knows (knows: "
                       f"{', '.join(table)}); its shape is left to the plan", where,
                       "declare model.layers, d_model, heads and ffn_dim in the plan", "info")
        return
    keys = [where] + (["model.name"] if reader.has("model.name") else [])
    how = f"torchtitan's {name} flavor {flavor_name}"
    put = reader.put
    put("model.layers", flavor.layers, keys, how)
    put("model.d_model", flavor.d_model, keys, how)
    put("model.heads", flavor.heads, keys, how)
    put("model.kv_heads", flavor.kv_heads if flavor.kv_heads is not None else flavor.heads, keys, how)
    if flavor.head_dim is not None:
        put("model.head_dim", flavor.head_dim, keys, how)
    put("model.vocab_size", flavor.vocab_size, keys, how)
    put("model.tied_embeddings", flavor.tied, keys, how)
    put("model.ffn_gated", True, keys, f"{how}: SwiGLU feed-forward blocks")
    if flavor.ffn_dim is not None:
        put("model.ffn_dim", flavor.ffn_dim, keys, f"{how}: {flavor.how_ffn}" if flavor.how_ffn else how)
    if flavor.experts:
        put("model.experts", flavor.experts, keys, how)
        put("model.experts_per_token", flavor.experts_per_token, keys, how)
        put("model.shared_experts", flavor.shared_experts, keys, how)
        put("model.expert_ffn_dim", flavor.expert_ffn_dim, keys, how)
        put("model.moe_layers", {"first_dense": flavor.first_dense, "every": flavor.moe_every}, keys, how)
    if flavor.mla is not None:
        put("model.mla", dict(flavor.mla), keys, how)


def _training(reader: ConfigReader, legacy: bool) -> None:
    number, size = reader.number, reader.size
    seq_len = size("training.seq_len", DEFAULT_SEQ_LEN)
    steps = size("training.steps", DEFAULT_STEPS)
    local_key = "training.batch_size" if legacy else "training.local_batch_size"
    local = size(local_key, DEFAULT_LOCAL_BATCH)
    put = reader.put
    if positive(seq_len):
        put("model.context_length", seq_len, ["training.seq_len"])
    if positive(steps):
        put("training.steps", steps, ["training.steps"])
    tp_key = "training.tensor_parallel_degree" if legacy else "parallelism.tensor_parallel_degree"
    pp_key = "experimental.pipeline_parallel_degree" if legacy else "parallelism.pipeline_parallel_degree"
    tp = size(tp_key, 1)
    pp = size(pp_key, 1)
    if positive(tp):
        put("compute.tensor_parallel", tp, [tp_key])
    if positive(pp):
        put("compute.pipeline_parallel", pp, [pp_key])
    _micro_batch(reader, legacy, local, local_key, pp)

    data_parallel = _data_parallel(reader, legacy, tp, pp)
    if data_parallel is not None and data_parallel.world is not None:
        put("compute.accelerators", data_parallel.world, data_parallel.keys,
            "the product of the parallel degrees: torchtitan's world size")
    _batch_and_tokens(reader, legacy, data_parallel, local, local_key, seq_len, steps)
    _sharding(reader, legacy, data_parallel, pp)

    lr = number("optimizer.lr", DEFAULT_LR)
    if positive(lr):
        put("training.peak_lr", lr, ["optimizer.lr"])
    warmup_key = "training.warmup_steps" if legacy else "lr_scheduler.warmup_steps"
    warmup = number(warmup_key, DEFAULT_WARMUP, whole=True, minimum=0)
    if warmup is not None and warmup >= 0:
        put("training.warmup_steps", warmup, [warmup_key])
    _schedule(reader, legacy)
    _recompute(reader)
    _precision(reader, legacy)


def _micro_batch(reader: ConfigReader, legacy: bool, local: Any, local_key: str, pp: Any) -> None:
    """The sequences one forward pass holds: the local batch, or with pipeline parallelism its
    microbatch (2025: pipeline_parallel_microbatch_size, default 1; 2024: the local batch over
    pipeline_parallel_microbatches, default the pipeline degree)."""
    if not positive(local):
        return
    if not (positive(pp) and pp > 1):
        reader.put("compute.micro_batch_size", local, [local_key], "sequences per GPU per step")
        return
    if not legacy:
        key = "parallelism.pipeline_parallel_microbatch_size"
        micro = reader.size(key, 1)
        reader.put("compute.micro_batch_size", micro, [key if reader.has(key) else "parallelism"],
                   "" if reader.has(key) else "torchtitan's default pipeline microbatch: 1 sequence")
        return
    key = "experimental.pipeline_parallel_microbatches"
    count_of = reader.size(key, None)
    microbatches = count_of if count_of is not None else pp
    if local % microbatches == 0:
        reader.put("compute.micro_batch_size", local // microbatches, [local_key, key if reader.has(key)
                                                                        else "experimental.pipeline_parallel_degree"],
                   f"batch_size {count(local)} over {count(microbatches)} pipeline microbatches")


@record(frozen=True)
class DataParallel:
    """The data-parallel degree: ``degree`` when the config fixes it, else the degrees the
    rest of the world size is divided by (torchtitan's ParallelDims: dp_shard = -1 takes
    world_size // (dp_replicate x cp x tp x pp))."""

    degree: int | None
    keys: tuple[str, ...]
    replicate: int = 1  # multiplies the leftover degree
    others: int = 1  # the degrees the world size is divided by
    world: int | None = None  # the GPUs, when every degree is fixed

    def of(self, accelerators: Any) -> int | None:
        if self.degree is not None:
            return self.degree
        if not positive(accelerators) or accelerators % self.others:
            return None  # torchtitan refuses a world size its degrees do not divide
        return self.replicate * (int(accelerators) // self.others)

    def formula(self) -> str:
        leftover = "compute.accelerators" if self.others == 1 else f"compute.accelerators / {self.others}"
        return leftover if self.replicate == 1 else f"{self.replicate} x {leftover}"


def _data_parallel(reader: ConfigReader, legacy: bool, tp: Any, pp: Any) -> DataParallel | None:
    tp = tp if positive(tp) else 1
    pp = pp if positive(pp) else 1
    if legacy:
        key = "training.data_parallel_degree"
        degree = reader.number(key, -1, whole=True)
        if degree is None:
            return None
        if degree == -1:
            return DataParallel(None, (key, "training.tensor_parallel_degree", "experimental.pipeline_parallel_degree"),
                                1, tp * pp)
        if degree < 1:
            return _bad_degree(reader, key, degree)
        return DataParallel(degree, (key, "training.tensor_parallel_degree", "experimental.pipeline_parallel_degree"),
                            world=degree * tp * pp)
    shard_key, replicate_key = "parallelism.data_parallel_shard_degree", "parallelism.data_parallel_replicate_degree"
    shard = reader.number(shard_key, -1, whole=True)
    replicate = reader.size(replicate_key, 1)
    cp = reader.size("parallelism.context_parallel_degree", 1)
    if shard is None or replicate is None or cp is None:
        return None
    if replicate < 1:
        return _bad_degree(reader, replicate_key, replicate)
    if shard == -1:
        return DataParallel(None, (shard_key, replicate_key, "parallelism.tensor_parallel_degree",
                                   "parallelism.pipeline_parallel_degree", "parallelism.context_parallel_degree"),
                            replicate, replicate * max(cp, 1) * tp * pp)
    if shard < 1:
        return _bad_degree(reader, shard_key, shard)
    return DataParallel(replicate * shard, (shard_key, replicate_key, "parallelism.tensor_parallel_degree",
                                            "parallelism.pipeline_parallel_degree",
                                            "parallelism.context_parallel_degree"),
                        world=replicate * shard * cp * tp * pp)


def _bad_degree(reader: ConfigReader, key: str, degree: int) -> None:
    reader.problem(f"{reader.spell(key)} is {degree}: torchtitan takes a degree of 1 or more (or -1 for the data-"
                   "parallel shard degree)", key, f"set {reader.spell(key)} to a positive degree", "warning")
    return None


def _batch_and_tokens(reader: ConfigReader, legacy: bool, dp: DataParallel | None, local: Any, local_key: str,
                      seq_len: Any, steps: Any) -> None:
    if not (positive(seq_len) and positive(steps)):
        return
    global_batch = None if legacy else reader.number("training.global_batch_size", -1, whole=True)
    if global_batch is not None and global_batch > 0:
        keys = ["training.global_batch_size", "training.seq_len"]
        reader.put("training.global_batch_tokens", global_batch * seq_len, keys,
                   f"global_batch_size {count(global_batch)} x seq_len {count(seq_len)}")
        reader.put("data.train_tokens", steps * global_batch * seq_len, ["training.steps"] + keys,
                   f"steps {count(steps)} x global_batch_size {count(global_batch)} x seq_len {count(seq_len)}")
        return
    if dp is None or not positive(local) or (not legacy and global_batch is None):
        return  # a value the config gets wrong was reported where it was read
    keys = [local_key, *dp.keys, "training.seq_len"]
    local_name = reader.spell(local_key).split()[-1]
    if dp.degree is not None:
        batch = local * dp.degree
        what = f"{local_name} {count(local)} x data-parallel degree {count(dp.degree)}"
        reader.put("training.global_batch_tokens", batch * seq_len, keys, f"{what} x seq_len {count(seq_len)}")
        reader.put("data.train_tokens", steps * batch * seq_len, ["training.steps", *keys],
                   f"steps {count(steps)} x {what} x seq_len {count(seq_len)}")
        return
    what = f"{local_name} {count(local)} x data-parallel degree ({dp.formula()})"

    def batch_tokens(inputs: dict[str, Any]) -> int | None:
        degree = dp.of(inputs["compute.accelerators"])
        return None if degree is None else local * degree * seq_len

    def train_tokens(inputs: dict[str, Any]) -> int | None:
        batch = batch_tokens(inputs)
        return None if batch is None else steps * batch

    reader.put_needing("training.global_batch_tokens", ("compute.accelerators",), batch_tokens, keys,
                       f"{what} x seq_len {count(seq_len)}")
    reader.put_needing("data.train_tokens", ("compute.accelerators",), train_tokens, ["training.steps", *keys],
                       f"steps {count(steps)} x {what} x seq_len {count(seq_len)}")


def _sharding(reader: ConfigReader, legacy: bool, dp: DataParallel | None, pp: Any) -> None:
    """FSDP2's fully_shard over the data-parallel shard ranks: ZeRO-3 when parameters are
    resharded after the forward pass, ZeRO-2 when they are kept (torchtitan's
    fsdp_reshard_after_forward "default" keeps them with pipeline parallelism); DDP
    (data_parallel_replicate_degree alone, or the 2024 data_parallel_type = "ddp") is 0."""
    if dp is None:
        return
    if legacy:
        kind = reader.text("training.data_parallel_type", "fsdp")
        sharded_stage = 3 if kind == "fsdp" else 0
        keys = ["training.data_parallel_degree"] + (["training.data_parallel_type"]
                                                     if reader.has("training.data_parallel_type") else [])
        shard = dp
    else:
        policy = reader.text("parallelism.fsdp_reshard_after_forward", "default")
        resharded = policy == "always" or (policy == "default" and not (positive(pp) and pp > 1))
        sharded_stage = 3 if resharded else 2
        keys = ["parallelism.data_parallel_shard_degree"] + (["parallelism.fsdp_reshard_after_forward"]
                                                             if reader.has("parallelism.fsdp_reshard_after_forward")
                                                             else [])
        shard_degree = reader.number("parallelism.data_parallel_shard_degree", -1, whole=True)
        # the shard degree alone: the leftover ranks when it is -1, without the replicas
        shard = DataParallel(None, dp.keys, 1, dp.others) if shard_degree == -1 else DataParallel(shard_degree, ())
    if shard.degree is not None:
        reader.put("compute.zero_stage", sharded_stage if shard.degree > 1 else 0, keys,
                   f"FSDP over {count(shard.degree)} ranks" if shard.degree > 1 else "no sharded data parallelism")
        return

    def stage(inputs: dict[str, Any]) -> int | None:
        degree = shard.of(inputs["compute.accelerators"])
        return None if degree is None else (sharded_stage if degree > 1 else 0)

    reader.put_needing("compute.zero_stage", ("compute.accelerators",), stage, keys,
                       f"FSDP over the data-parallel shard ranks ({shard.formula()}) when there are more than one")


def _schedule(reader: ConfigReader, legacy: bool) -> None:
    if legacy:
        reader.put("training.schedule", "linear", ["training.warmup_steps" if reader.has("training.warmup_steps")
                                                   else "training"],
                   "torchtitan's 2024 schedule: linear warmup, then linear decay")
        return
    decay_type = reader.text("lr_scheduler.decay_type", "linear")
    key = "lr_scheduler.decay_type" if reader.has("lr_scheduler.decay_type") else "lr_scheduler"
    if reader.has("lr_scheduler.decay_ratio") and reader.raw("lr_scheduler.decay_ratio") is not None:
        reader.put("training.schedule", "wsd", ["lr_scheduler.decay_ratio", key],
                   f"warmup, stable, then {decay_type} decay over the last decay_ratio of the steps")
        return
    schedule = SCHEDULES.get(decay_type or "")
    if schedule is None:
        if decay_type is not None:
            reader.problem(f"lr_scheduler decay_type {decay_type!r} has no plan equivalent", key,
                           "declare training.schedule in the plan", "info")
        return
    reader.put("training.schedule", schedule, [key], f"warmup, then {decay_type} decay")


def _recompute(reader: ConfigReader) -> None:
    mode = reader.text("activation_checkpoint.mode", "selective")
    key = "activation_checkpoint.mode" if reader.has("activation_checkpoint.mode") else "activation_checkpoint"
    if mode in ("none", "full"):
        reader.put("compute.recompute", mode, [key])
        return
    if mode != "selective":
        if mode is not None:
            reader.problem(f"activation_checkpoint mode {mode!r} has no plan equivalent", key,
                           "declare compute.recompute in the plan", "info")
        return
    option = reader.text("activation_checkpoint.selective_ac_option", "2")
    option_key = "activation_checkpoint.selective_ac_option"
    if option == "op":
        reader.put("compute.recompute", "selective", [key, option_key],
                   "selective by op: matmul outputs kept, the rest recomputed")
    elif option == "1":
        reader.put("compute.recompute", "full", [key, option_key], "selective_ac_option 1: every layer recomputed")
    elif reader.has("activation_checkpoint"):  # torchtitan's default, every 2nd layer, goes unsaid
        reader.problem(f"selective activation checkpointing of every {option} layers has no plan equivalent "
                       "(it recomputes whole layers, not the selective set)",
                       option_key if reader.has(option_key) else key, "declare compute.recompute in the plan", "info")


def _precision(reader: ConfigReader, legacy: bool) -> None:
    if legacy:
        if reader.flag("float8.enable_float8_linear", False):
            reader.put("training.precision", "fp8", ["float8.enable_float8_linear"])
            return
    else:
        converters = reader.raw("model.converters", [])
        if isinstance(converters, str):
            converters = [part.strip() for part in converters.split(",")]
        if isinstance(converters, list):
            names = [str(c) for c in converters]
            mx_recipe = reader.text("quantize.linear.mx.recipe_name", "mxfp8_cublas") or ""
            mx = any(c == "mx" or c.endswith(".mx") for c in names)
            if any("float8" in c for c in names) or (mx and "fp8" in mx_recipe):
                reader.put("training.precision", "fp8", ["model.converters"], "a float8 model converter")
                return
    if not legacy and reader.text("training.dtype", "float32") == "bfloat16":
        reader.put("training.precision", "bf16", ["training.dtype"], "parameters, gradients and optimizer in bf16")
        return
    param = reader.text("training.mixed_precision_param", "bfloat16")
    precision = PRECISIONS.get(param or "")
    if precision is not None:
        key = "training.mixed_precision_param" if reader.has("training.mixed_precision_param") else "training"
        reader.put("training.precision", precision, [key], f"mixed precision, parameters in {param}")


ADAPTERS = (TorchtitanAdapter,)

