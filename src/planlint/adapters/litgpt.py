"""LitGPT pretraining configs (``litgpt pretrain --config file.yaml``; config_hub/pretrain/*.yaml),
read as litgpt/pretrain.py's ``setup`` arguments and litgpt/args.py's TrainArgs define them."""

from __future__ import annotations

import re
from typing import Any

from planlint.adapters import Adapter, LaunchConfig
from planlint.adapters.reading import ABSENT, ConfigReader, count, open_config, positive, show

# litgpt/config.py, Config: the defaults every named config starts from.
CONFIG_DEFAULTS: dict[str, Any] = {
    "block_size": 4096, "n_layer": 16, "n_embd": 4096, "vocab_size": 50254, "padding_multiple": 512,
    "padded_vocab_size": None, "n_head": 32, "head_size": None, "n_query_groups": None, "intermediate_size": None,
    "moe_intermediate_size": None, "mlp_class_name": "GptNeoxMLP", "n_expert": 0, "n_expert_per_token": 0,
    "n_shared_expert": None, "first_k_dense_replace": None, "latent_attention": None,
}
_LLAMA = {"parallel_residual": False, "bias": False, "norm_class_name": "RMSNorm", "mlp_class_name": "LLaMAMLP",
          "rotary_percentage": 1.0}
_LLAMA3 = dict(_LLAMA, vocab_size=128000, padded_vocab_size=128256)


def _named(entries: dict[str, dict[str, Any]], suffixes: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """LitGPT's ``name{}`` entries, expanded with each suffix as config.py's loops do."""
    return {name.format(suffix): entry for name, entry in entries.items() for suffix in suffixes}


# The named configs of litgpt/config.py (v0.5.13) for the families pretraining configs name:
# each the keyword arguments LitGPT passes to Config, the defaults above filling the rest.
MODELS: dict[str, dict[str, Any]] = {
    # EleutherAI Pythia (GPT-NeoX blocks: biases, parallel residual, 4 x n_embd MLP)
    **{
        "pythia-14m": dict(block_size=512, n_layer=6, n_embd=128, n_head=4, padding_multiple=128),
        "pythia-31m": dict(block_size=1024, n_layer=6, n_embd=256, n_head=8, padding_multiple=128),
        "pythia-70m": dict(block_size=2048, n_layer=6, n_embd=512, n_head=8, padding_multiple=128),
        "pythia-160m": dict(block_size=2048, n_layer=12, n_embd=768, n_head=12, padding_multiple=128),
        "pythia-410m": dict(block_size=2048, n_layer=24, n_embd=1024, n_head=16, padding_multiple=128),
        "pythia-1b": dict(block_size=2048, n_embd=2048, n_head=8, padding_multiple=128),
        "pythia-1.4b": dict(block_size=2048, n_layer=24, n_embd=2048, n_head=16, padding_multiple=128),
        "pythia-2.8b": dict(block_size=2048, n_layer=32, n_embd=2560, padding_multiple=128),
        "pythia-6.9b": dict(block_size=2048, n_layer=32, padding_multiple=256),
        "pythia-12b": dict(block_size=2048, n_layer=36, n_embd=5120, n_head=40),
    },
    # Meta Llama 2 (and -chat)
    **_named({
        "Llama-2-7b{}-hf": dict(_LLAMA, vocab_size=32000, padding_multiple=64, n_layer=32, intermediate_size=11008),
        "Llama-2-13b{}-hf": dict(_LLAMA, vocab_size=32000, padding_multiple=64, n_layer=40, n_head=40, n_embd=5120,
                                 intermediate_size=13824),
        "Llama-2-70b{}-hf": dict(_LLAMA, vocab_size=32000, padding_multiple=64, n_layer=80, n_head=64, n_embd=8192,
                                 n_query_groups=8, intermediate_size=28672),
    }, ("", "-chat")),
    # Meta Llama 3, 3.1 and 3.2 (and -Instruct)
    **_named({
        "Llama-3-8B{}": dict(_LLAMA3, block_size=8192, n_layer=32, n_head=32, n_query_groups=8,
                             intermediate_size=14336),
        "Llama-3.1-8B{}": dict(_LLAMA3, block_size=131072, n_layer=32, n_head=32, n_query_groups=8,
                               intermediate_size=14336),
        "Llama-3-70B{}": dict(_LLAMA3, block_size=8192, n_layer=80, n_head=64, n_embd=8192, n_query_groups=8,
                              intermediate_size=28672),
        "Llama-3.1-70B{}": dict(_LLAMA3, block_size=131072, n_layer=80, n_head=64, n_embd=8192, n_query_groups=8,
                                intermediate_size=28672),
        "Llama-3.1-405B{}": dict(_LLAMA3, block_size=131072, n_layer=126, n_head=128, n_embd=16384,
                                 n_query_groups=8, intermediate_size=53248),
        "Llama-3.2-1B{}": dict(_LLAMA3, block_size=131072, n_layer=16, n_embd=2048, n_head=32, n_query_groups=8,
                               intermediate_size=8192),
        "Llama-3.2-3B{}": dict(_LLAMA3, block_size=131072, n_layer=28, n_embd=3072, n_head=24, n_query_groups=8,
                               intermediate_size=8192),
    }, ("", "-Instruct")),
    # TinyLlama and MicroLlama
    **_named({
        "tiny-llama-1.1b{}": dict(_LLAMA, block_size=2048, vocab_size=32000, padding_multiple=64, n_layer=22,
                                  n_head=32, n_embd=2048, intermediate_size=5632, n_query_groups=4),
    }, ("", "-chat")),
    "micro-llama-300M": dict(_LLAMA, block_size=2048, vocab_size=32000, padding_multiple=64, n_layer=12, n_head=16,
                             n_embd=1024, intermediate_size=5632, n_query_groups=4),
    # Mistral and Mixtral (and Instruct-)
    **_named({
        "Mistral-7B-{}v0.1": dict(_LLAMA, padded_vocab_size=32000, block_size=4096, n_layer=32, n_query_groups=8,
                                  intermediate_size=14336),
        "Mixtral-8x7B-{}v0.1": dict(_LLAMA, padded_vocab_size=32000, block_size=32768, n_layer=32, n_query_groups=8,
                                    mlp_class_name="LLaMAMoE", intermediate_size=14336, n_expert=8,
                                    n_expert_per_token=2),
    }, ("", "Instruct-")),
}
for _extra in ("pythia-70m", "pythia-160m", "pythia-410m", "pythia-1b", "pythia-1.4b", "pythia-2.8b", "pythia-6.9b",
               "pythia-12b"):
    MODELS[_extra + "-deduped"] = MODELS[_extra]  # config.py: the deduped copies have the same shape

GATED_MLPS = {"LLaMAMLP", "GemmaMLP", "LLaMAMoE"}
MLPS = GATED_MLPS | {"GptNeoxMLP"}
PRECISIONS = {"bf16-mixed": "bf16", "bf16-true": "bf16", "16-mixed": "fp16", "16-true": "fp16", "32-true": "fp32",
              "32": "fp32", "bf16": "bf16", "16": "fp16"}
# litgpt/data/tinyllama.py, TinyLlama.train_dataloader: SlimPajama and Starcoder "with these proportions"
TINYLLAMA_MIX = (("slimpajama", 0.693584), ("starcoder", 0.306416))
# litgpt/pretrain.py, setup(): TrainArgs' pretraining defaults
TRAIN_DEFAULTS = {"global_batch_size": 512, "micro_batch_size": 4, "max_tokens": int(3e12), "lr_warmup_steps": 2000}


def find_multiple(n: int, k: int) -> int:
    """The least multiple of k at or above n (litgpt/config.py, find_multiple)."""
    return n if n % k == 0 else n + k - n % k


class LitgptAdapter(Adapter):
    name = "litgpt"
    label = "LitGPT pretraining config (YAML)"
    suffixes = (".yaml", ".yml")
    documentation = """\
Reads a LitGPT pretraining config (the arguments of `litgpt pretrain`).

model shape     model_name, from LitGPT's named configs (pythia-*, Llama-2-*, Llama-3/3.1/3.2-*,
                tiny-llama-1.1b, micro-llama-300M, Mistral-7B, Mixtral-8x7B), or model_config
                (a whole Config: LitGPT's defaults fill what it leaves out): n_layer, n_embd,
                n_head, n_query_groups, head_size, intermediate_size, mlp_class_name (LLaMAMLP,
                GemmaMLP, LLaMAMoE are gated), padded_vocab_size (else vocab_size rounded up to
                padding_multiple), n_expert, n_expert_per_token, moe_intermediate_size
tied            train.tie_embeddings (LitGPT ties nothing unless it is set)
context_length  train.max_seq_length, else the model's block_size
train_tokens    train.max_tokens as litgpt/pretrain.py runs it: (max_tokens // world size) //
                (micro_batch_size x max_seq_length) iterations of micro_batch_size x
                max_seq_length tokens on every device; the world size is devices x num_nodes,
                or compute.accelerators when devices is auto
global batch    the global_batch_size LitGPT reaches: (global_batch_size // world size) //
                micro_batch_size accumulation steps of micro_batch_size on every device
lr, warmup      optimizer.init_args.lr; train.lr_warmup_steps; cosine decay (pretrain.get_lr)
parallelism     train.micro_batch_size; FSDP HYBRID_SHARD (ZeRO-3) on more than one device
precision       precision (bf16-mixed, bf16-true, 16-mixed, 32-true)
data mix        data: TinyLlama (SlimPajama 69.3584%, Starcoder 30.6416%)
Left to the plan: the accelerator count when devices is auto, unique tokens, other data mixes."""

    def detect(self, path: str, text: str) -> float:
        has_model = re.search(r"^(model_name|model_config):", text, re.M) is not None
        has_train = re.search(r"^train:\s*$", text, re.M) is not None
        litgpt_keys = sum(1 for key in ("max_tokens", "micro_batch_size", "global_batch_size", "lr_warmup_steps",
                                        "max_seq_length", "tie_embeddings")
                          if re.search(rf"^\s+{key}:", text, re.M))
        if has_model and has_train and litgpt_keys >= 2:
            return 0.95
        if has_model and has_train:
            return 0.6
        return 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, _CANNOT_SAY)
        if reader is None:
            return config
        block_size = _shape(reader)
        _training(reader, block_size)
        return reader.config


_CANNOT_SAY = ("compute.accelerators", "data.unique_tokens")


def _shape(reader: ConfigReader) -> Any:
    """The model's shape; returns its block_size (the default max_seq_length)."""
    model_config = reader.raw("model_config", None)
    if isinstance(model_config, dict) and model_config:
        config = dict(CONFIG_DEFAULTS)
        for key in model_config:
            if isinstance(key, str) and key in CONFIG_DEFAULTS:
                value = reader.raw(f"model_config.{key}")
                config[key] = value
        how = "model_config (LitGPT's Config defaults for the rest)"
        keys = {key: f"model_config.{key}" if key in model_config else "model_config" for key in config}
    else:
        if model_config not in (None, {}, ABSENT):
            reader.problem(f"model_config is {show(model_config)}, not a mapping of Config fields", "model_config",
                           "write model_config as a mapping (n_layer: ..., n_embd: ...) or remove it")
        name = reader.text("model_name", None)
        if name is None:
            reader.problem("neither model_name nor model_config is set: LitGPT cannot build a model", "model_name"
                           if reader.has("model_name") else "train", "set model_name or model_config")
            return None
        entry = MODELS.get(name)
        if entry is None:
            reader.problem(f"LitGPT model_name {name!r} is not one planlint knows; its shape is left to the plan",
                           "model_name", "declare model.layers, d_model, heads and ffn_dim in the plan", "info")
            return None
        config = dict(CONFIG_DEFAULTS, **{k: v for k, v in entry.items() if k in CONFIG_DEFAULTS})
        how = f"LitGPT's {name} config"
        keys = {key: "model_name" for key in config}
    return _put_shape(reader, config, keys, how)


def _whole(reader: ConfigReader, config: dict, name: str, keys: dict) -> Any:
    value = config.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        reader.problem(f"{name} is {show(value)}, not a positive whole number", keys[name],
                       f"write {name} as a positive whole number")
        return None
    return value


def _put_shape(reader: ConfigReader, config: dict, keys: dict, how: str) -> Any:
    put = reader.put
    layers, d_model, heads = (_whole(reader, config, k, keys) for k in ("n_layer", "n_embd", "n_head"))
    put("model.layers", layers, [keys["n_layer"]], how)
    put("model.d_model", d_model, [keys["n_embd"]], how)
    put("model.heads", heads, [keys["n_head"]], how)
    groups = _whole(reader, config, "n_query_groups", keys)
    if heads is not None:
        put("model.kv_heads", groups if groups is not None else heads, [keys["n_query_groups"]], how)
    head_size = _whole(reader, config, "head_size", keys)
    if head_size is not None and d_model is not None and heads is not None and head_size * heads != d_model:
        put("model.head_dim", head_size, [keys["head_size"]], how)
    mlp = config.get("mlp_class_name")
    if not isinstance(mlp, str) or mlp not in MLPS:
        reader.problem(f"mlp_class_name {show(mlp)} is not a LitGPT MLP ({', '.join(sorted(MLPS))})",
                       keys["mlp_class_name"], "set mlp_class_name to one of LitGPT's MLP classes")
        return _whole(reader, config, "block_size", keys)
    gated = mlp in GATED_MLPS
    put("model.ffn_gated", gated, [keys["mlp_class_name"]], f"{how}: {mlp}")
    intermediate = _whole(reader, config, "intermediate_size", keys)
    if intermediate is None and d_model is not None:
        if mlp == "LLaMAMLP":
            reader.problem("LLaMAMLP needs intermediate_size: LitGPT refuses the config without it",
                           keys["intermediate_size"], "set intermediate_size")
        else:
            put("model.ffn_dim", 4 * d_model, [keys["n_embd"]], "intermediate_size unset: 4 x n_embd")
    elif intermediate is not None:
        put("model.ffn_dim", intermediate, [keys["intermediate_size"]], how)
    if mlp == "LLaMAMoE":
        experts = _whole(reader, config, "n_expert", keys)
        put("model.experts", experts, [keys["n_expert"]], how)
        put("model.experts_per_token", _whole(reader, config, "n_expert_per_token", keys),
            [keys["n_expert_per_token"]], how)
        expert_width = _whole(reader, config, "moe_intermediate_size", keys) or intermediate
        put("model.expert_ffn_dim", expert_width, [keys["moe_intermediate_size"]], how)
        put("model.shared_experts", _whole(reader, config, "n_shared_expert", keys) or 0, [keys["n_shared_expert"]],
            how)
        first_dense = _whole(reader, config, "first_k_dense_replace", keys) or 0
        put("model.moe_layers", {"first_dense": first_dense, "every": 1}, [keys["first_k_dense_replace"]], how)
    _vocab(reader, config, keys, how)
    if config.get("latent_attention"):
        reader.problem("latent_attention is not read: declare model.mla in the plan", keys["latent_attention"],
                       "declare model.mla in the plan", "info")
    return _whole(reader, config, "block_size", keys)


def _vocab(reader: ConfigReader, config: dict, keys: dict, how: str) -> None:
    padded = _whole(reader, config, "padded_vocab_size", keys)
    if padded is not None:
        reader.put("model.vocab_size", padded, [keys["padded_vocab_size"]], how)
        return
    vocab, multiple = (_whole(reader, config, k, keys) for k in ("vocab_size", "padding_multiple"))
    if vocab is None or multiple is None:
        return
    reader.put("model.vocab_size", find_multiple(vocab, multiple), [keys["vocab_size"], keys["padding_multiple"]],
               f"{how}: vocab_size {count(vocab)} rounded up to a multiple of padding_multiple {count(multiple)}")


def _world_size(reader: ConfigReader) -> tuple[int | None, list[str]]:
    """devices x num_nodes when devices is a number; None when it is "auto" (every GPU there is)."""
    devices = reader.raw("devices", "auto")
    nodes = reader.size("num_nodes", 1)
    keys = ["devices", "num_nodes"]
    if devices in ("auto", -1, "-1") or nodes is None:
        return None, keys
    number = reader.size("devices", None)
    if not positive(number) or not positive(nodes):
        return None, keys
    return number * nodes, keys


def _training(reader: ConfigReader, block_size: Any) -> None:
    put = reader.put
    seq_key = "train.max_seq_length"
    seq = reader.size(seq_key, None)
    if seq is None:
        seq, seq_key = block_size, "model_config.block_size" if reader.has("model_config.block_size") else "model_name"
    if positive(seq):
        put("model.context_length", seq, [seq_key])
    tied = reader.flag("train.tie_embeddings", None)
    put("model.tied_embeddings", bool(tied), ["train.tie_embeddings"] if reader.has("train.tie_embeddings")
        else ["train"], "" if tied is not None else "LitGPT's default: untied")
    micro = reader.size("train.micro_batch_size", TRAIN_DEFAULTS["micro_batch_size"])
    batch = reader.size("train.global_batch_size", TRAIN_DEFAULTS["global_batch_size"])
    max_tokens = reader.size("train.max_tokens", TRAIN_DEFAULTS["max_tokens"])
    if positive(micro):
        put("compute.micro_batch_size", micro, ["train.micro_batch_size"])
    # pretrain.validate_args: max_tokens is required and epochs unsupported
    if reader.has("train.max_tokens") and reader.raw("train.max_tokens") is None:
        reader.problem("train.max_tokens is null: litgpt pretrain requires it", "train.max_tokens",
                       "set train.max_tokens to the tokens to train on")
    if reader.raw("train.epochs", None) is not None:
        reader.problem("train.epochs is set: litgpt pretrain does not support it and stops", "train.epochs",
                       "remove train.epochs and set train.max_tokens")
    world, world_keys = _world_size(reader)
    if world is not None:
        put("compute.accelerators", world, world_keys, "devices x num_nodes")
    if positive(micro) and positive(seq):
        _tokens(reader, world, world_keys, micro, batch, max_tokens, seq, seq_key)
    _sharding(reader, world, world_keys)

    lr = reader.number("optimizer.init_args.lr", None)
    if positive(lr):
        put("training.peak_lr", lr, ["optimizer.init_args.lr"])
    warmup = reader.number("train.lr_warmup_steps", TRAIN_DEFAULTS["lr_warmup_steps"], whole=True, minimum=0)
    if warmup is not None and warmup >= 0 and not reader.raw("train.lr_warmup_fraction", None):
        put("training.warmup_steps", warmup, ["train.lr_warmup_steps"])
    put("training.schedule", "cosine", ["train"], "litgpt/pretrain.py get_lr: linear warmup, then cosine decay")
    put("compute.recompute", "none", ["train"], "litgpt pretrain sets no activation checkpointing")
    precision = reader.text("precision", None)
    if precision in PRECISIONS:
        put("training.precision", PRECISIONS[precision], ["precision"])
    elif precision is not None:
        reader.problem(f"precision {show(precision)} is not one LitGPT takes (bf16-mixed, bf16-true, 32-true, ...)",
                       "precision", "set precision to bf16-mixed, bf16-true or 32-true")
    _mix(reader)


def _tokens(reader: ConfigReader, world: int | None, world_keys: list[str], micro: int, batch: Any,
            max_tokens: Any, seq: int, seq_key: str) -> None:
    per_iteration = micro * seq

    def seen(world_size: int) -> int:
        # pretrain.fit: max_iters = (max_tokens // world_size) // tokens_per_iter, on every device
        return (max_tokens // world_size) // per_iteration * per_iteration * world_size

    def global_batch(world_size: int) -> int | None:
        # args.TrainArgs.gradient_accumulation_iters: (global_batch_size // world) // micro_batch_size
        accumulation = (batch // world_size) // micro
        return accumulation * micro * world_size * seq if accumulation > 0 else None

    how_world = count(world) if world is not None else "compute.accelerators"
    if positive(max_tokens):
        keys = ["train.max_tokens", "train.micro_batch_size", seq_key, *world_keys]
        how = (f"(max_tokens {count(max_tokens)} // {how_world}) // (micro_batch_size {count(micro)} x "
               f"max_seq_length {count(seq)}) iterations x {count(per_iteration)} tokens x {how_world}")
        _put_for_world(reader, "data.train_tokens", world, seen, keys, how)
    if positive(batch):
        keys = ["train.global_batch_size", "train.micro_batch_size", seq_key, *world_keys]
        how = (f"(global_batch_size {count(batch)} // {how_world}) // micro_batch_size {count(micro)} x "
               f"{count(micro)} x {how_world} x max_seq_length {count(seq)}")
        _put_for_world(reader, "training.global_batch_tokens", world, global_batch, keys, how)


def _put_for_world(reader: ConfigReader, name: str, world: int | None, function, keys: list[str], how: str) -> None:
    """The value for the config's world size, or one that needs compute.accelerators (devices: auto)."""
    if world is not None:
        reader.put(name, function(world), keys, how)
    else:
        reader.put_needing(name, ("compute.accelerators",), lambda inputs: _with_world(inputs, function), keys, how)


def _with_world(inputs: dict[str, Any], function) -> Any:
    world = inputs.get("compute.accelerators")
    return function(int(world)) if positive(world) and float(world).is_integer() else None


def _sharding(reader: ConfigReader, world: int | None, world_keys: list[str]) -> None:
    # pretrain.setup: FSDPStrategy(sharding_strategy="HYBRID_SHARD") when devices x num_nodes > 1
    how = "FSDP HYBRID_SHARD on more than one device (litgpt/pretrain.py)"
    if world is not None:
        reader.put("compute.zero_stage", 3 if world > 1 else 0, world_keys, how)
        return
    reader.put_needing("compute.zero_stage", ("compute.accelerators",),
                       lambda inputs: _with_world(inputs, lambda w: 3 if w > 1 else 0), world_keys, how)


def _mix(reader: ConfigReader) -> None:
    data = reader.raw("data", None)
    name, use_starcoder, key = None, True, "data"
    if isinstance(data, str):
        name = data
    elif isinstance(data, dict):
        path = reader.text("data.class_path", "") or ""
        name = path.rsplit(".", 1)[-1] or None
        flag = reader.flag("data.init_args.use_starcoder", True)
        use_starcoder = True if flag is None else flag
    if name == "TinyLlama" and use_starcoder:
        reader.put("data.mix", [{"source": source, "share": share} for source, share in TINYLLAMA_MIX], [key],
                   "litgpt/data/tinyllama.py: SlimPajama and Starcoder mixed 0.693584 : 0.306416")


ADAPTERS = (LitgptAdapter,)
