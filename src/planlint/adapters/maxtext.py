"""MaxText configs (YAML): a run config, the ``base_config`` chain it extends, and the model
file its ``model_name`` picks, merged as MaxText's pyconfig.py merges them.

pyconfig.py (google/maxtext at e64f6813, October 2024) reads the run config, then each
``base_config`` it names (relative to the file, else MaxText's own ``configs/``), a child's
keys overriding its parent's; then ``configs/models/<model_name>.yml`` (next to the run
config, else MaxText's own), whose keys override both. ``user_init`` then derives the shape
from the ``base_*`` keys and ``global_parameter_scale`` and the batch from the device count.
Files are looked for beside the config and in its ancestors' ``configs/`` folders; when one
is not found, the copy of MaxText's own that planlint restates below is used, and that is
said.
"""

from __future__ import annotations

import math
import os
import re
from typing import Any

from planlint.adapters import Adapter, LaunchConfig, Located, Problem, Source, read_yaml
from planlint.adapters.reading import ConfigReader, count, positive, show

# MaxText/configs/base.yml at e64f6813: the defaults of the keys read here. A file with no
# base_config (a model file on its own) gets only the shape's defaults.
SHAPE_DEFAULTS: dict[str, Any] = {
    "global_parameter_scale": 1, "head_dim": 128, "mlp_activations": ["silu", "linear"],
    "logits_via_embedding": False, "decoder_block": "llama2", "num_experts": 1, "num_experts_per_tok": 1,
}
BASE_DEFAULTS: dict[str, Any] = {
    **SHAPE_DEFAULTS, "model_name": "default", "base_emb_dim": 2048, "base_num_query_heads": 16,
    "base_num_kv_heads": 16, "base_mlp_dim": 7168, "base_num_decoder_layers": 16,
    "vocab_size": 32000, "per_device_batch_size": 12.0,
    "steps": 150_001, "learning_rate": 3.0e-5, "warmup_steps_fraction": 0.1, "learning_rate_schedule_steps": -1,
    "max_target_length": 2048, "gradient_accumulation_steps": 1, "dtype": "bfloat16", "quantization": "",
    "remat_policy": "full", "attention": "autoselected",
    "ici_data_parallelism": 1, "ici_fsdp_parallelism": -1, "ici_fsdp_transpose_parallelism": 1,
    "ici_sequence_parallelism": 1, "ici_tensor_parallelism": 1, "ici_pipeline_parallelism": 1,
    "ici_expert_parallelism": 1, "ici_autoregressive_parallelism": 1,
    "dcn_data_parallelism": -1, "dcn_fsdp_parallelism": 1, "dcn_fsdp_transpose_parallelism": 1,
    "dcn_sequence_parallelism": 1, "dcn_tensor_parallelism": 1, "dcn_pipeline_parallelism": 1,
    "dcn_expert_parallelism": 1, "dcn_autoregressive_parallelism": 1,
}


def _model(emb, heads, kv, mlp, layers, head_dim, vocab, block, activations=("silu", "linear"), tied=False,
           experts=1, per_token=1, **extra):
    return dict(base_emb_dim=emb, base_num_query_heads=heads, base_num_kv_heads=kv, base_mlp_dim=mlp,
                base_num_decoder_layers=layers, head_dim=head_dim, vocab_size=vocab, decoder_block=block,
                mlp_activations=list(activations), logits_via_embedding=tied, num_experts=experts,
                num_experts_per_tok=per_token, **extra)


# MaxText/configs/models/*.yml at e64f6813 (the model names pyconfig.validate_model_name takes).
MODELS: dict[str, dict[str, Any]] = {
    "llama2-7b": _model(4096, 32, 32, 11008, 32, 128, 32000, "llama2"),
    "llama2-13b": _model(5120, 40, 40, 13824, 40, 128, 32000, "llama2"),
    "llama2-70b": _model(8192, 64, 8, 28672, 80, 128, 32000, "llama2"),
    "llama3-8b": _model(4096, 32, 8, 14336, 32, 128, 128256, "llama2"),
    "llama3-70b": _model(8192, 64, 8, 28672, 80, 128, 128256, "llama2"),
    "llama3.1-8b": _model(4096, 32, 8, 14336, 32, 128, 128256, "llama2"),
    "llama3.1-70b": _model(8192, 64, 8, 28672, 80, 128, 128256, "llama2"),
    "llama3.1-405b": _model(16384, 128, 8, 53248, 126, 128, 128256, "llama2"),
    "mistral-7b": _model(4096, 32, 8, 14336, 32, 128, 32000, "mistral"),
    "mixtral-8x7b": _model(4096, 32, 8, 14336, 32, 128, 32000, "mistral", experts=8, per_token=2),
    "mixtral-8x22b": _model(6144, 48, 8, 16384, 56, 128, 32768, "mistral", experts=8, per_token=2),
    "gemma-2b": _model(2048, 8, 1, 16384, 18, 256, 256128, "gemma", ("gelu", "linear"), tied=True),
    "gemma-7b": _model(3072, 16, 16, 24576, 28, 256, 256128, "gemma", ("gelu", "linear"), tied=True),
    "gemma2-2b": _model(2304, 8, 4, 9216, 13, 256, 256128, "gemma2", ("gelu", "linear"), tied=True),
    "gemma2-9b": _model(3584, 16, 8, 14336, 21, 256, 256128, "gemma2", ("gelu", "linear"), tied=True),
    "gemma2-27b": _model(4608, 32, 16, 36864, 23, 128, 256128, "gemma2", ("gelu", "linear"), tied=True),
    "gpt3-175b": _model(12288, 96, 96, 49152, 96, 128, 50304, "gpt3", ("gelu",), tied=True),
    "gpt3-22b": _model(6144, 24, 24, 24576, 48, 256, 32768, "gpt3", ("gelu",), tied=True, max_target_length=1024),
    "gpt3-6b": _model(3072, 12, 12, 12288, 48, 256, 32768, "gpt3", ("gelu",), tied=True, max_target_length=1024),
    "gpt3-52k": _model(16, 2, 2, 64, 1, 8, 1024, "gpt3", ("gelu",), tied=True),
}
# decoder blocks that hold two transformer layers each: MaxText's gemma2 layer is a local and
# a global attention layer, each with its own MLP (models/gemma2-*.yml: "half of the real
# number of layers because we merge [local_attention, global_attention] into one layer")
LAYERS_PER_BLOCK = {"gemma2": 2}
REMAT = {"full": "full", "minimal": "selective", "minimal_flash": "selective", "save_dot_except_mlpwi": "selective",
         "save_dot_except_mlp": "selective", "save_qkv_proj": "selective", "qkv_proj_offloaded": "selective",
         "minimal_offloaded": "selective", "save_out_proj": "selective"}
PRECISIONS = {"bfloat16": "bf16", "float32": "fp32", "float16": "fp16"}
AXES = ("fsdp", "data", "fsdp_transpose", "sequence", "tensor", "pipeline", "expert", "autoregressive")
RUN_KEYS = ("steps", "per_device_batch_size", "learning_rate", "max_target_length")
MAX_CHAIN = 16  # base_config files followed before giving up (a cycle)
MAX_CONFIG_BYTES = 1_048_576


def individual_scales(scale: int) -> tuple[int, int, int, int]:
    """pyconfig.get_individual_scales: a power-of-two global_parameter_scale doubles, in turn,
    the heads and MLP width, the embedding width, and the layers; 8x is one doubling of each.
    Returns the exponents (emb, heads, mlp, layers)."""
    log2 = int(math.floor(math.log2(scale)))
    base, rem = divmod(log2, 3)
    heads = base + int(rem > 0)
    emb = base + int(rem > 1)
    return emb, heads, heads, base


class _ChainLocated(Located):
    """The merged keys of a config chain; each top-level key keeps the file that set it."""

    def __init__(self, path: str, data: dict, origins: dict[str, Located]):
        super().__init__(path, data, {})
        self.origins = origins

    def source(self, dotted: str) -> Source:
        top = dotted.split(".", 1)[0]
        origin = self.origins.get(top)
        if origin is None:
            return Source(self.path, 1, 1, dotted)
        return origin.source(dotted)


class MaxtextAdapter(Adapter):
    name = "maxtext"
    label = "MaxText config (YAML: run config, base.yml, models/<model_name>.yml)"
    suffixes = (".yml", ".yaml")
    documentation = """\
Reads a MaxText run config with the base_config chain it extends and the
models/<model_name>.yml it names (looked for beside the config and in its ancestors'
configs/ folders; MaxText's own base.yml and model files, as of October 2024, otherwise).

model shape     base_emb_dim, base_num_query_heads, base_num_kv_heads, base_mlp_dim,
                base_num_decoder_layers scaled by global_parameter_scale as pyconfig.py does
                (a power of two: heads and mlp_dim, then emb_dim, then layers double in turn);
                head_dim; vocab_size; mlp_activations (two, e.g. ["silu","linear"]: gated);
                logits_via_embedding (tied); num_experts, num_experts_per_tok; gemma2 blocks
                count as two layers (a local and a global attention layer)
context_length  max_target_length
train_tokens    steps x int(accelerators x per_device_batch_size) x gradient_accumulation_steps
                x max_target_length: needs compute.accelerators (MaxText counts jax.devices())
lr, warmup      learning_rate; int(learning_rate_schedule_steps x warmup_steps_fraction);
                linear warmup then cosine decay (max_utils.create_learning_rate_schedule)
parallelism     ici_/dcn_tensor_parallelism, ici_/dcn_pipeline_parallelism; FSDP
                (ici_/dcn_fsdp_parallelism) as ZeRO-3; per_device_batch_size
recompute       remat_policy (full; minimal, save_* and *_offloaded: selective)
precision       quantization fp8, else dtype
Left to the plan: the accelerator count, unique tokens and the data mix."""

    def detect(self, path: str, text: str) -> float:
        if re.search(r"^base_config:", text, re.M) and re.search(r"^(model_name|per_device_batch_size):", text, re.M):
            return 0.95
        maxtext_keys = sum(1 for key in ("base_emb_dim", "base_num_query_heads", "base_mlp_dim",
                                         "base_num_decoder_layers", "per_device_batch_size", "global_parameter_scale",
                                         "logits_via_embedding", "mlp_activations", "max_target_length")
                           if re.search(rf"^{key}:", text, re.M))
        if maxtext_keys >= 3:
            return 0.9
        return 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        located, problems = read_yaml(path, text)
        if located is None:
            return LaunchConfig(self.name, path, problems=problems, cannot_say=_CANNOT_SAY)
        merged, notes = _merge_chain(path, located)
        reader = ConfigReader(self.name, path, merged, problems + notes, _CANNOT_SAY)
        _shape(reader)
        if "base_config" in located.data or any(key in located.data for key in RUN_KEYS):
            _training(reader)  # a model file on its own says nothing of the run
        return reader.config


_CANNOT_SAY = ("compute.accelerators", "data.unique_tokens", "data.mix")


# -- the chain -------------------------------------------------------------------------------------


def _read_file(path: str) -> tuple[Located | None, str]:
    """A config of the chain, or why it could not be read."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or type(exc).__name__})"
    if len(raw) > MAX_CONFIG_BYTES:
        return None, f"is larger than {MAX_CONFIG_BYTES:,} bytes"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "is not UTF-8 text"
    found, problems = read_yaml(path, text)
    if found is None:
        first = problems[0].message if problems else "is not a mapping"
        return None, f"is not a readable config ({first})"
    return found, ""


def _candidates(config_dir: str, name: str, model: bool) -> list[str]:
    """Where pyconfig looks for a base_config or a model file, beside the config and then in
    MaxText's configs/ (here: any ancestor's configs/ or the ancestor itself)."""
    relative = os.path.join("models", f"{name}.yml") if model else name
    out = [os.path.join(config_dir, relative)]
    if model:
        out.append(os.path.join(config_dir, f"{name}.yml"))  # a folder of flattened MaxText configs
    directory = os.path.abspath(config_dir)
    for _ in range(8):
        parent = os.path.dirname(directory)
        for folder in (os.path.join(parent, "configs"), parent):
            out.append(os.path.join(folder, relative))
        if parent == directory:
            break
        directory = parent
    return list(dict.fromkeys(out))


def _merge_chain(path: str, located: Located) -> tuple[_ChainLocated, list[Problem]]:
    notes: list[Problem] = []
    config_dir = os.path.dirname(path) or "."
    chain = [located]
    current, current_dir = located, config_dir
    seen = {os.path.abspath(path)}
    while isinstance(current.data.get("base_config"), str) and len(chain) < MAX_CHAIN:
        name = current.data["base_config"]
        where = current.source("base_config")
        if not name.endswith((".yml", ".yaml")):  # read nothing but configs the chain names
            notes.append(Problem(f"base_config {show(name)} is not a YAML file: planlint does not read it", where.line,
                                 where.column, "name the base config's .yml file", "warning"))
            break
        found_path = next((p for p in ([name] if os.path.isabs(name) else _candidates(current_dir, name, False))
                           if os.path.isfile(p)), None)
        if found_path is None or os.path.abspath(found_path) in seen:
            why = "refers back to a file of the chain" if found_path else "was not found beside the config"
            notes.append(Problem(f"base_config {show(name)} {why}: MaxText's own base.yml defaults (October 2024) "
                                 "stand in for it", where.line, where.column,
                                 "put the base config beside this file, or check the numbers planlint derives", "info"))
            break
        parent, why = _read_file(found_path)
        if parent is None:
            notes.append(Problem(f"base_config {show(name)} ({found_path}) {why}", where.line, where.column,
                                 "fix the base config", "warning"))
            break
        seen.add(os.path.abspath(found_path))
        chain.append(parent)
        current, current_dir = parent, os.path.dirname(found_path)
    data: dict[str, Any] = {}
    origins: dict[str, Located] = {}
    for link in reversed(chain):  # the run config's keys last: a child overrides its parent
        for key, value in link.data.items():
            data[key] = value
            origins[key] = link
    for key, value in (BASE_DEFAULTS if "base_config" in located.data else SHAPE_DEFAULTS).items():
        data.setdefault(key, value)
    _merge_model(data, origins, located, config_dir, notes)
    return _ChainLocated(path, data, origins), notes


def _merge_model(data: dict, origins: dict, located: Located, config_dir: str, notes: list[Problem]) -> None:
    """pyconfig.update_model_vars: the model file's keys override the run config's."""
    name = data.get("model_name")
    if not isinstance(name, str) or name == "default":
        return
    naming = origins.get("model_name", located)
    where = naming.source("model_name")
    found_path = next((p for p in _candidates(config_dir, name, True) if os.path.isfile(p)), None)
    model = None
    if found_path is not None:
        model, why = _read_file(found_path)
        if model is None:
            notes.append(Problem(f"the model file {found_path} {why}", where.line, where.column, "fix the model file"))
    if model is not None:
        for key, value in model.data.items():
            data[key] = value
            origins[key] = model
        return
    if name not in MODELS:
        notes.append(Problem(f"model_name {show(name)} is not a MaxText model planlint knows, and models/{name}.yml "
                             "is not beside the config: its shape is left to the plan", where.line, where.column,
                             f"put models/{name}.yml beside the config, or declare the shape in the plan", "info"))
        return
    notes.append(Problem(f"models/{name}.yml is not beside the config: MaxText's own (October 2024) is used",
                         where.line, where.column, f"put models/{name}.yml beside the config to use your own", "info"))
    for key, value in MODELS[name].items():
        data[key] = value
        origins[key] = naming


# -- the fields ------------------------------------------------------------------------------------


def _shape(reader: ConfigReader) -> None:
    put = reader.put
    scale = reader.number("global_parameter_scale", 1)
    if not positive(scale) or 2 ** math.floor(math.log2(scale)) != scale:
        reader.problem(f"global_parameter_scale {show(scale)} is not a power of two: MaxText refuses it",
                       "global_parameter_scale", "set global_parameter_scale to 1, 2, 4, 8, ...")
        return
    emb_s, heads_s, mlp_s, layers_s = individual_scales(int(scale))
    scaled = f" x 2^{{}} (global_parameter_scale {count(scale)})" if scale != 1 else ""

    def base(key: str, exponent: int) -> tuple[Any, str]:
        value = reader.size(key, None)
        if not positive(value):
            return None, ""
        return value * 2 ** exponent, (scaled.format(exponent) if scaled else "")

    for ignored in ("emb_dim", "num_query_heads", "num_kv_heads", "mlp_dim", "num_decoder_layers"):
        if reader.has(ignored):
            reader.problem(f"{ignored} is computed by MaxText from base_{ignored} (and global_parameter_scale): the "
                           "value written here is overwritten", ignored, f"set base_{ignored} instead", "warning")
    emb, emb_how = base("base_emb_dim", emb_s)
    heads, heads_how = base("base_num_query_heads", heads_s)
    kv, kv_how = base("base_num_kv_heads", heads_s)
    mlp, mlp_how = base("base_mlp_dim", mlp_s)
    blocks, layers_how = base("base_num_decoder_layers", layers_s)
    block = reader.text("decoder_block", "llama2")
    per_block = LAYERS_PER_BLOCK.get(block or "", 1)
    put("model.d_model", emb, ["base_emb_dim", "global_parameter_scale"] if scaled else ["base_emb_dim"],
        f"base_emb_dim{emb_how}" if emb_how else "")
    put("model.heads", heads, ["base_num_query_heads"], f"base_num_query_heads{heads_how}" if heads_how else "")
    put("model.kv_heads", kv, ["base_num_kv_heads"], f"base_num_kv_heads{kv_how}" if kv_how else "")
    if blocks is not None:
        how = f"base_num_decoder_layers{layers_how}" if layers_how else ""
        if per_block > 1:
            how = (f"{how or 'base_num_decoder_layers'} x {per_block}: a {block} block is a local and a global "
                   "attention layer")
        put("model.layers", blocks * per_block, ["base_num_decoder_layers", "decoder_block"] if per_block > 1
            else ["base_num_decoder_layers"], how)
    head_dim = reader.size("head_dim", None)
    if positive(head_dim) and positive(emb) and positive(heads) and head_dim * heads != emb:
        put("model.head_dim", head_dim, ["head_dim"])
    activations = reader.raw("mlp_activations", None)
    if isinstance(activations, list) and activations:
        put("model.ffn_gated", len(activations) > 1, ["mlp_activations"],
            f"mlp_activations {activations}: " + ("gated, one branch through each" if len(activations) > 1
                                                  else "one activation, not gated"))
    elif activations is not None:
        reader.problem(f"mlp_activations is {show(activations)}, not a list of activations", "mlp_activations",
                       'write mlp_activations as a list, e.g. ["silu", "linear"]')
    put("model.ffn_dim", mlp, ["base_mlp_dim"], f"base_mlp_dim{mlp_how}" if mlp_how else "")
    vocab = reader.size("vocab_size", None)
    put("model.vocab_size", vocab if positive(vocab) else None, ["vocab_size"])
    tied = reader.flag("logits_via_embedding", False)
    put("model.tied_embeddings", tied, ["logits_via_embedding"])
    experts = reader.size("num_experts", 1)
    if positive(experts) and experts > 1:
        per_token = reader.size("num_experts_per_tok", 1)
        put("model.experts", experts, ["num_experts"])
        put("model.experts_per_token", per_token if positive(per_token) else None, ["num_experts_per_tok"])
        put("model.expert_ffn_dim", mlp, ["base_mlp_dim"], "each expert is an MLP of mlp_dim")
        put("model.shared_experts", 0, ["num_experts"])
        put("model.moe_layers", {"first_dense": 0, "every": 1}, ["num_experts", "decoder_block"],
            "every decoder layer's MLP is a mixture of experts")


def _training(reader: ConfigReader) -> None:
    put = reader.put
    seq = reader.size("max_target_length", None)
    put("model.context_length", seq if positive(seq) else None, ["max_target_length"])
    schedule_steps = reader.number("learning_rate_schedule_steps", -1, whole=True)
    steps = reader.number("steps", None, whole=True)
    steps_key = "steps"
    if steps == -1:  # pyconfig.user_init: steps -1 takes learning_rate_schedule_steps
        steps, steps_key = schedule_steps, "learning_rate_schedule_steps"
    if schedule_steps == -1:
        schedule_steps = steps
    if positive(steps):
        put("training.steps", steps, [steps_key])
    per_device = reader.number("per_device_batch_size", None)
    accumulation = reader.size("gradient_accumulation_steps", 1)
    if positive(per_device) and float(per_device).is_integer():
        put("compute.micro_batch_size", int(per_device), ["per_device_batch_size"])
    _parallelism(reader)
    if positive(per_device) and positive(accumulation) and positive(seq):
        _tokens(reader, steps, steps_key, per_device, accumulation, seq)
    lr = reader.number("learning_rate", None)
    put("training.peak_lr", lr if positive(lr) else None, ["learning_rate"])
    fraction = reader.number("warmup_steps_fraction", None)
    if fraction is not None and 0 <= fraction <= 1 and positive(schedule_steps):
        put("training.warmup_steps", int(schedule_steps * fraction), ["warmup_steps_fraction"],
            f"int(learning_rate_schedule_steps {count(schedule_steps)} x warmup_steps_fraction {fraction:g})")
    put("training.schedule", "cosine", ["learning_rate"], "max_utils.create_learning_rate_schedule: linear warmup, "
        "then cosine decay")
    remat = reader.text("remat_policy", "full")
    if remat in REMAT:
        put("compute.recompute", REMAT[remat], ["remat_policy"], f"remat_policy {remat}")
    elif remat is not None:
        reader.problem(f"remat_policy {show(remat)} has no plan equivalent", "remat_policy",
                       "declare compute.recompute in the plan", "info")
    quantization = (reader.text("quantization", "") or "").lower()
    if "fp8" in quantization:
        put("training.precision", "fp8", ["quantization"], f"quantization {quantization}")
    else:
        dtype = reader.text("dtype", "bfloat16")
        if dtype in PRECISIONS:
            put("training.precision", PRECISIONS[dtype], ["dtype"], f"activations in {dtype}")


def _tokens(reader: ConfigReader, steps: Any, steps_key: str, per_device: float, accumulation: int,
            seq: int) -> None:
    """pyconfig.calculate_global_batch_sizes: int(devices x per_device_batch_size) sequences a
    micro-step, gradient_accumulation_steps micro-steps a step."""
    keys = ["per_device_batch_size", "gradient_accumulation_steps", "max_target_length"]
    what = (f"int(compute.accelerators x per_device_batch_size {per_device:g}) x gradient_accumulation_steps "
            f"{count(accumulation)} x max_target_length {count(seq)}")

    def batch_tokens(inputs: dict[str, Any]) -> Any:
        devices = inputs["compute.accelerators"]
        if not positive(devices):
            return None
        return int(devices * per_device) * accumulation * seq

    mesh = reader.config.fields.get("compute.accelerators")
    if mesh is not None:  # the mesh fixes the device count
        devices = {"compute.accelerators": mesh.value}
        keys = keys + [source for source in mesh.sources if source not in keys]
        what = what.replace("compute.accelerators", f"{count(mesh.value)} devices")
        reader.put("training.global_batch_tokens", batch_tokens(devices), keys, what)
        if positive(steps):
            reader.put("data.train_tokens", steps * batch_tokens(devices), [steps_key, *keys],
                       f"{steps_key} {count(steps)} x {what}")
        return
    reader.put_needing("training.global_batch_tokens", ("compute.accelerators",), batch_tokens, keys, what)
    if positive(steps):
        reader.put_needing("data.train_tokens", ("compute.accelerators",),
                           lambda inputs: None if batch_tokens(inputs) is None else steps * batch_tokens(inputs),
                           [steps_key, *keys], f"{steps_key} {count(steps)} x {what}")


def _axis(reader: ConfigReader, axis: str) -> Any:
    ici = reader.number(f"ici_{axis}_parallelism", 1, whole=True)
    dcn = reader.number(f"dcn_{axis}_parallelism", 1, whole=True)
    return ici, dcn


def _parallelism(reader: ConfigReader) -> None:
    for axis, name in (("tensor", "compute.tensor_parallel"), ("pipeline", "compute.pipeline_parallel")):
        ici, dcn = _axis(reader, axis)
        if positive(ici) and positive(dcn):
            reader.put(name, ici * dcn, [f"ici_{axis}_parallelism", f"dcn_{axis}_parallelism"],
                       f"ici {count(ici)} x dcn {count(dcn)}" if dcn != 1 else "")
    degrees = [value for axis in AXES for value in _axis(reader, axis)]
    if all(positive(value) for value in degrees):  # no axis left to fill (-1): the mesh is the device count
        devices = 1
        for value in degrees:
            devices *= value
        reader.put("compute.accelerators", devices, [f"{level}_{axis}_parallelism" for axis in AXES
                                                     for level in ("ici", "dcn")],
                   "the product of every ici_ and dcn_ parallelism axis: the devices MaxText's mesh needs")
    ici, dcn = _axis(reader, "fsdp")
    keys = ["ici_fsdp_parallelism", "dcn_fsdp_parallelism"]
    how = "MaxText's fsdp mesh axis shards parameters, gradients and optimizer states"
    if (positive(ici) and ici > 1) or (positive(dcn) and dcn > 1):
        reader.put("compute.zero_stage", 3, keys, how)
    elif ici == 1 and dcn == 1:
        reader.put("compute.zero_stage", 0, keys, "no fsdp axis")
    elif ici == -1 or dcn == -1:
        fixed = 1
        for axis in AXES[1:]:
            for value in _axis(reader, axis):
                if positive(value):
                    fixed *= value
        for value in (ici, dcn):
            if positive(value):
                fixed *= value

        def stage(inputs: dict[str, Any]) -> Any:
            devices = inputs["compute.accelerators"]
            return None if not positive(devices) else (3 if devices > fixed else 0)

        reader.put_needing("compute.zero_stage", ("compute.accelerators",), stage, keys,
                           f"{how}; -1 gives it the devices the other axes ({count(fixed)}) leave")


ADAPTERS = (MaxtextAdapter,)
