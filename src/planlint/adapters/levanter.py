"""Levanter training configs (YAML, stanford-crfm/levanter ``config/``), read as levanter's
draccus dataclasses define them: ``model`` (a registered LmConfig by ``type``), ``trainer``
(TrainerConfig), ``optimizer`` (OptimizerConfig) and ``data`` (one source, or a mixture)."""

from __future__ import annotations

import re
from typing import Any

from planlint.adapters import Adapter, LaunchConfig
from planlint.adapters.reading import ConfigReader, as_number, count, open_config, positive, show

# The model types levanter registers (src/levanter/models/*.py at 9263f81e) with the defaults
# of the fields read here. Llama-family blocks are SwiGLU; GPT-2's MLP is mlp_scale x hidden,
# not gated, and its output layer is the token embedding.
MODEL_DEFAULTS: dict[str, dict[str, Any]] = {
    "llama": dict(seq_len=2048, hidden_dim=4096, intermediate_dim=11008, num_layers=32, num_heads=32,
                  num_kv_heads=32, tie_word_embeddings=False),
    "mistral": dict(seq_len=8192, hidden_dim=4096, intermediate_dim=14336, num_layers=32, num_heads=32,
                    num_kv_heads=8, tie_word_embeddings=False),
    "mixtral": dict(seq_len=8192, hidden_dim=4096, intermediate_dim=14336, num_layers=32, num_heads=32,
                    num_kv_heads=8, tie_word_embeddings=False, n_routed_experts=8, num_experts_per_tok=2,
                    n_shared_experts=0),
    "olmo2": dict(seq_len=4096, hidden_dim=4096, intermediate_dim=11008, num_layers=32, num_heads=32,
                  num_kv_heads=32, tie_word_embeddings=False),
    "gpt2": dict(seq_len=1024, hidden_dim=768, num_layers=12, num_heads=12, mlp_scale=4),
}
GATED_TYPES = {"llama", "mistral", "mixtral", "olmo2"}
# Levanter sizes the vocabulary from the tokenizer (len(tokenizer)); these are the tokenizers
# whose size their models' own configs state (Llama 2 and Mistral: 32,000; GPT-2: 50,257).
TOKENIZER_VOCAB = {
    "NousResearch/Llama-2-7b-hf": 32000, "meta-llama/Llama-2-7b-hf": 32000, "meta-llama/Llama-2-13b-hf": 32000,
    "meta-llama/Llama-2-70b-hf": 32000, "mistralai/Mistral-7B-v0.1": 32000, "mistralai/Mixtral-8x7B-v0.1": 32000,
    "gpt2": 50257, "openai-community/gpt2": 50257,
}
# TrainerConfig and OptimizerConfig defaults (src/levanter/trainer.py, src/levanter/optim/config.py)
TRAINER_DEFAULTS = {"train_batch_size": 512, "num_train_steps": 400_000, "per_device_parallelism": -1,
                    "model_axis_size": 1}
OPTIMIZER_DEFAULTS = {"learning_rate": 6e-4, "warmup": 0.01, "lr_schedule": "cosine"}
SCHEDULES = {"cosine": "cosine", "linear": "linear", "constant": "constant", "inv_sqrt": "inverse-sqrt"}
DTYPES = {"bfloat16": "bf16", "bf16": "bf16", "float16": "fp16", "f16": "fp16", "half": "fp16", "float32": "fp32",
          "f32": "fp32", "full": "fp32", "float": "fp32"}


class LevanterAdapter(Adapter):
    name = "levanter"
    label = "Levanter training config (YAML)"
    suffixes = (".yaml", ".yml")
    documentation = """\
Reads a Levanter training config (draccus: model, trainer, optimizer, data).

model shape     model.type (llama, mistral, mixtral, olmo2, gpt2) with that type's defaults;
                hidden_dim, intermediate_dim (gpt2: mlp_scale x hidden_dim), num_layers,
                num_heads, num_kv_heads, head_dim, tie_word_embeddings (gpt2: always tied);
                mixtral: n_routed_experts, num_experts_per_tok, n_shared_experts
vocab           from data.tokenizer, for the tokenizers whose size planlint knows (Llama 2,
                Mistral, GPT-2); otherwise left to the plan
context_length  model.seq_len
train_tokens    trainer.num_train_steps x trainer.train_batch_size (global, in sequences; a
                batch schedule [{start, value}] is summed segment by segment) x seq_len
lr, warmup      optimizer.learning_rate; optimizer.warmup (a fraction of the steps when at most
                1, else steps); lr_schedule, wsd when optimizer.decay leaves a stable phase
parallelism     trainer.per_device_parallelism (else train_batch_size over the data axis: needs
                compute.accelerators); trainer.model_axis_size as tensor parallelism; FSDP
                over trainer.fsdp_axis as ZeRO-3
recompute       model.gradient_checkpointing (true: full)
precision       trainer.mp's compute dtype (compute=bfloat16 or c=bfloat16)
data mix        data.configs with data.train_weights, normalized over the weights above zero
Left to the plan: the accelerator count, unique tokens, the vocabulary of other tokenizers."""

    def detect(self, path: str, text: str) -> float:
        trainer = re.search(r"^trainer:\s*$", text, re.M) is not None
        levanter_keys = sum(1 for key in ("num_train_steps", "train_batch_size", "per_device_parallelism",
                                          "fsdp_axis", "batch_axis", "tensor_parallel_axes", "hidden_dim",
                                          "intermediate_dim", "train_weights", "train_urls")
                            if re.search(rf"^\s+{key}:", text, re.M))
        if trainer and levanter_keys >= 3:
            return 0.9
        if trainer and levanter_keys >= 1:
            return 0.5
        return 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, _CANNOT_SAY)
        if reader is None:
            return config
        seq = _shape(reader)
        _training(reader, seq)
        _mix(reader)
        return reader.config


_CANNOT_SAY = ("compute.accelerators", "data.unique_tokens")


def _shape(reader: ConfigReader) -> Any:
    put = reader.put
    kind = reader.text("model.type", "gpt2")  # LmConfig's default choice is gpt2
    defaults = MODEL_DEFAULTS.get(kind or "")
    type_key = "model.type" if reader.has("model.type") else "model"
    if defaults is None:
        reader.problem(f"levanter model type {show(kind)} is not one planlint knows ({', '.join(MODEL_DEFAULTS)}); "
                       "its shape is left to the plan", type_key, "declare the model's shape in the plan", "info")
        return reader.size("model.seq_len", None)

    def value(field: str) -> Any:
        return reader.size(f"model.{field}", defaults.get(field))

    def keys(field: str) -> list[str]:
        return [f"model.{field}"] if reader.has(f"model.{field}") else [type_key]

    def how(field: str) -> str:
        return "" if reader.has(f"model.{field}") else f"levanter's {kind} default"

    hidden, layers, heads = value("hidden_dim"), value("num_layers"), value("num_heads")
    for field, name, number in (("hidden_dim", "model.d_model", hidden), ("num_layers", "model.layers", layers),
                                ("num_heads", "model.heads", heads)):
        if positive(number):
            put(name, number, keys(field), how(field))
    if kind == "gpt2":
        scale = value("mlp_scale")
        put("model.kv_heads", heads if positive(heads) else None, keys("num_heads"), "GPT-2: one KV head per head")
        put("model.ffn_gated", False, [type_key], "GPT-2's MLP is not gated")
        if positive(scale) and positive(hidden):
            put("model.ffn_dim", scale * hidden, keys("mlp_scale") + keys("hidden_dim"),
                f"mlp_scale {count(scale)} x hidden_dim {count(hidden)}")
        put("model.tied_embeddings", True, [type_key], "GPT-2's output layer is the token embedding")
    else:
        kv = value("num_kv_heads")
        put("model.kv_heads", kv if positive(kv) else None, keys("num_kv_heads"), how("num_kv_heads"))
        put("model.ffn_gated", True, [type_key], f"{kind}: SwiGLU feed-forward blocks")
        intermediate = value("intermediate_dim")
        put("model.ffn_dim", intermediate if positive(intermediate) else None, keys("intermediate_dim"),
            how("intermediate_dim"))
        tied = reader.flag("model.tie_word_embeddings", defaults["tie_word_embeddings"])
        put("model.tied_embeddings", tied, keys("tie_word_embeddings"), how("tie_word_embeddings"))
        head_dim = reader.size("model.head_dim", None)
        if positive(head_dim) and positive(hidden) and positive(heads) and head_dim * heads != hidden:
            put("model.head_dim", head_dim, ["model.head_dim"])
        if kind == "mixtral":
            experts, per_token, shared = value("n_routed_experts"), value("num_experts_per_tok"), \
                value("n_shared_experts")
            put("model.experts", experts if positive(experts) else None, keys("n_routed_experts"),
                how("n_routed_experts"))
            put("model.experts_per_token", per_token if positive(per_token) else None, keys("num_experts_per_tok"),
                how("num_experts_per_tok"))
            put("model.shared_experts", shared if shared is not None and shared >= 0 else None,
                keys("n_shared_experts"), how("n_shared_experts"))
            put("model.expert_ffn_dim", intermediate if positive(intermediate) else None, keys("intermediate_dim"),
                "each expert (and shared expert) is an MLP of intermediate_dim")
            put("model.moe_layers", {"first_dense": 0, "every": 1}, [type_key], "every layer's MLP has experts")
    _vocab(reader)
    seq = value("seq_len")
    put("model.context_length", seq if positive(seq) else None, keys("seq_len"), how("seq_len"))
    return seq


def _vocab(reader: ConfigReader) -> None:
    tokenizer = reader.text("data.tokenizer", None)
    if tokenizer in TOKENIZER_VOCAB:
        reader.put("model.vocab_size", TOKENIZER_VOCAB[tokenizer], ["data.tokenizer"],
                   f"levanter sizes the vocabulary from the tokenizer: {tokenizer} has {TOKENIZER_VOCAB[tokenizer]:,}")
        return
    reader.config.cannot_say = reader.config.cannot_say + ("model.vocab_size",)
    where = "data.tokenizer" if reader.has("data.tokenizer") else "data" if reader.has("data") else "model"
    named = f"the tokenizer ({show(tokenizer)}), whose size planlint does not know" if tokenizer else \
        "the tokenizer, which this config does not name"
    reader.problem(f"levanter sizes the vocabulary from {named}", where, "declare model.vocab_size in the plan", "info")


def _training(reader: ConfigReader, seq: Any) -> None:
    put = reader.put
    steps = reader.size("trainer.num_train_steps", TRAINER_DEFAULTS["num_train_steps"])
    if positive(steps):
        put("training.steps", steps, ["trainer.num_train_steps"])
    _batch(reader, steps, seq)
    model_axis = reader.size("trainer.model_axis_size", TRAINER_DEFAULTS["model_axis_size"])
    if positive(model_axis):
        put("compute.tensor_parallel", model_axis, ["trainer.model_axis_size"] if reader.has("trainer.model_axis_size")
            else ["trainer"], "" if reader.has("trainer.model_axis_size") else "levanter's default model_axis_size")
    fsdp_axis = reader.raw("trainer.fsdp_axis", "embed")
    put("compute.zero_stage", 3 if fsdp_axis else 0, ["trainer.fsdp_axis"] if reader.has("trainer.fsdp_axis")
        else ["trainer"], "parameters sharded over the data axis (fsdp_axis)" if fsdp_axis else "no fsdp_axis")

    lr = reader.number("optimizer.learning_rate", OPTIMIZER_DEFAULTS["learning_rate"])
    put("training.peak_lr", lr if positive(lr) else None, ["optimizer.learning_rate"])
    if positive(steps):
        _schedule(reader, steps)
    checkpointing = reader.raw("model.gradient_checkpointing", True)
    key = "model.gradient_checkpointing" if reader.has("model.gradient_checkpointing") else "model"
    if checkpointing is True:
        put("compute.recompute", "full", [key], "" if reader.has("model.gradient_checkpointing")
            else "levanter's default gradient_checkpointing: every layer")
    elif checkpointing is False:
        put("compute.recompute", "none", [key])
    elif checkpointing is not None:
        reader.problem(f"gradient_checkpointing policy {show(checkpointing)} has no plan equivalent", key,
                       "declare compute.recompute in the plan", "info")
    _precision(reader)


def _batch(reader: ConfigReader, steps: Any, seq: Any) -> None:
    batch = reader.raw("trainer.train_batch_size", TRAINER_DEFAULTS["train_batch_size"])
    key = "trainer.train_batch_size"
    if isinstance(batch, list):
        segments = _segments(reader, batch)
        if segments is None or not (positive(steps) and positive(seq)):
            return
        total, parts = 0, []
        for index, (start, value) in enumerate(segments):
            end = segments[index + 1][0] if index + 1 < len(segments) else steps
            length = max(0, min(end, steps) - start)
            total += length * value
            if length:
                parts.append(f"{count(length)} x {count(value)}")
        reader.put("data.train_tokens", total * seq, [key, "trainer.num_train_steps", "model.seq_len"],
                   f"batch schedule: ({' + '.join(parts)}) sequences x seq_len {count(seq)}")
        return
    number = as_number(batch)
    if number is None or not float(number).is_integer() or number <= 0:
        if batch is not None:
            reader.problem(f"trainer.train_batch_size is {show(batch)}, not a positive whole number or a schedule",
                           key, "write train_batch_size as a number of sequences")
        return
    batch = int(number)
    if positive(seq):
        reader.put("training.global_batch_tokens", batch * seq, [key, "model.seq_len"],
                   f"train_batch_size {count(batch)} x seq_len {count(seq)}")
        if positive(steps):
            reader.put("data.train_tokens", steps * batch * seq, ["trainer.num_train_steps", key, "model.seq_len"],
                       f"num_train_steps {count(steps)} x train_batch_size {count(batch)} x seq_len {count(seq)}")
    per_device = reader.number("trainer.per_device_parallelism", TRAINER_DEFAULTS["per_device_parallelism"],
                               whole=True)
    if positive(per_device):
        reader.put("compute.micro_batch_size", per_device, ["trainer.per_device_parallelism"])
    elif per_device == -1:
        model_axis = reader.size("trainer.model_axis_size", 1)
        model_axis = model_axis if positive(model_axis) else 1

        def micro(inputs: dict[str, Any]) -> Any:
            devices = inputs["compute.accelerators"]
            if not positive(devices) or devices % model_axis or (batch // (devices // model_axis)) < 1:
                return None
            return batch // (devices // model_axis)

        reader.put_needing("compute.micro_batch_size", ("compute.accelerators",), micro,
                           [key, "trainer.per_device_parallelism"],
                           f"per_device_parallelism -1: train_batch_size {count(batch)} // data-axis devices "
                           f"(compute.accelerators / model_axis_size {count(model_axis)})")


def _segments(reader: ConfigReader, schedule: list) -> list[tuple[int, int]] | None:
    """A levanter IntSchedule: [{start: step, value: batch}, ...], starting at step 0, sorted."""
    out = []
    for index, step in enumerate(schedule):
        start = as_number(step.get("start")) if isinstance(step, dict) else None
        value = as_number(step.get("value")) if isinstance(step, dict) else None
        if start is None or value is None or start < 0 or value <= 0:
            reader.problem(f"trainer.train_batch_size[{index}] is not a schedule step {{start, value}}",
                           f"trainer.train_batch_size.{index}", "write each step as {start: STEP, value: BATCH}")
            return None
        out.append((int(start), int(value)))
    if not out or out[0][0] != 0 or any(b[0] < a[0] for a, b in zip(out, out[1:])):
        reader.problem("the train_batch_size schedule must start at step 0 and be sorted (levanter refuses it)",
                       "trainer.train_batch_size", "start the schedule at step 0, in order")
        return None
    return out


def _steps_of(value: Any, steps: int) -> int | None:
    """optim/config.py _convert_frac_or_steps: at most 1.0 is a fraction of the steps, more is steps."""
    if value is None or value < 0 or (value > 1.0 and value % 1 != 0):
        return None
    return int(value * steps) if value <= 1.0 else int(value)


def _schedule(reader: ConfigReader, steps: int) -> None:
    cycle_length = reader.raw("optimizer.cycle_length", None)
    cycles = reader.raw("optimizer.cycles", None)
    if cycles is not None or (cycle_length is not None and cycle_length != steps):
        key = "optimizer.cycles" if cycles is not None else "optimizer.cycle_length"
        reader.problem("a cyclic learning-rate schedule (cycles or cycle_length): its warmup and decay repeat, "
                       "which the plan's fields do not describe", key,
                       "declare training.warmup_steps and training.schedule in the plan", "info")
        return
    warmup_value = reader.number("optimizer.warmup", OPTIMIZER_DEFAULTS["warmup"])
    warmup = _steps_of(warmup_value, steps)
    key = "optimizer.warmup" if reader.has("optimizer.warmup") else "optimizer"
    if warmup is not None:
        reader.put("training.warmup_steps", warmup, [key], f"warmup {warmup_value:g} x num_train_steps "
                   f"{count(steps)}" if warmup_value <= 1.0 else "")
    elif warmup_value is not None:
        reader.problem(f"optimizer.warmup {show(warmup_value)} is neither a fraction up to 1 nor whole steps",
                       "optimizer.warmup", "write warmup as a fraction of the steps or a whole number of steps")
    name = reader.text("optimizer.lr_schedule", OPTIMIZER_DEFAULTS["lr_schedule"])
    schedule_key = "optimizer.lr_schedule" if reader.has("optimizer.lr_schedule") else "optimizer"
    decay = _steps_of(reader.number("optimizer.decay", None), steps)
    if decay is not None and warmup is not None and steps - warmup - decay > 0 and name != "constant":
        reader.put("training.schedule", "wsd", ["optimizer.decay", schedule_key],
                   f"warmup, stable, then {name} decay over the last {count(decay)} steps")
        return
    schedule = SCHEDULES.get(name or "")
    if schedule is not None:
        reader.put("training.schedule", schedule, [schedule_key],
                   "" if reader.has("optimizer.lr_schedule") else "levanter's default lr_schedule")
    elif name is not None:
        reader.problem(f"lr_schedule {show(name)} has no plan equivalent", schedule_key,
                       "declare training.schedule in the plan", "info")


def _precision(reader: ConfigReader) -> None:
    """jmp policy strings: "compute=bfloat16,params=float32" or "p=f32,c=bfloat16"; one dtype for all."""
    policy = reader.text("trainer.mp", "f32")
    if policy is None:
        return
    compute = None
    for part in policy.split(","):
        name, _, dtype = part.partition("=")
        if not dtype:
            compute = name.strip()  # "f32": one dtype for params, compute and output
        elif name.strip() in ("c", "compute"):
            compute = dtype.strip()
    precision = DTYPES.get((compute or "").lower())
    key = "trainer.mp" if reader.has("trainer.mp") else "trainer"
    if precision is not None:
        reader.put("training.precision", precision, [key], f"mixed-precision policy {policy}: compute in {compute}")
    else:
        reader.problem(f"trainer.mp {show(policy)} names no compute dtype planlint knows", key,
                       "write trainer.mp as compute=bfloat16,params=float32", "info")


def _mix(reader: ConfigReader) -> None:
    weights = reader.raw("data.train_weights", None)
    if weights is None:
        return
    if isinstance(weights, list):
        reader.problem("data.train_weights changes over training (a schedule): the plan's mix is not derived from it",
                       "data.train_weights", "declare data.mix in the plan", "info")
        return
    if not isinstance(weights, dict):
        return
    shares = {}
    for name in weights:
        number = reader.number(f"data.train_weights.{name}", None)
        if number is None or number < 0:
            reader.problem(f"the weight of {show(name)} is not a number of zero or more", f"data.train_weights.{name}",
                           "write each train_weights entry as a number")
            return
        if number > 0:
            shares[str(name)] = number
    total = sum(shares.values())
    if not total:
        return
    reader.put("data.mix", [{"source": name, "share": weight / total} for name, weight in shares.items()],
               ["data.train_weights"], f"train_weights normalized by their sum {total:g}")


ADAPTERS = (LevanterAdapter,)
