"""Hugging Face ``config.json``: the model's shape, as transformers builds it.

A config.json says the architecture (``architectures``, ``model_type``) and its sizes; a key it
leaves out takes the default of that architecture's config class, and whether the feed-forward
is gated and the embeddings tied depend on the architecture as much as on the keys. The
families below restate those classes (transformers' models/*/configuration_*.py and the
modeling code that reads them, 2025-26). A config.json says nothing of training: tokens,
batch, context length (``max_position_embeddings`` is the longest context the model takes, not
what it was trained at) and hardware are the plan's.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any, Optional

from planlint.adapters import Adapter, LaunchConfig, read_yaml
from planlint.adapters.megatron import UNPLACED, moe_layers_field
from planlint.adapters.reading import ConfigReader, count, open_config, show
from planlint.records import record

DOCUMENTATION = """\
Reads a Hugging Face config.json (the shape only):
- architectures / model_type pick the architecture; its config class gives the defaults of
  keys the file leaves out, and whether the feed-forward is gated (SwiGLU for Llama, Mistral,
  Mixtral, Qwen2/3, DeepSeek-V2/V3, OLMoE; GeGLU for Gemma; plain for GPT-2 and GPT-NeoX) and the
  embeddings tied (tie_word_embeddings, whose default differs: True for GPT-2 and Gemma)
- num_hidden_layers, hidden_size, num_attention_heads, num_key_value_heads, head_dim,
  intermediate_size, vocab_size (GPT-2: n_layer, n_embd, n_head, n_inner)
- experts: num_local_experts / num_experts / n_routed_experts, num_experts_per_tok,
  moe_intermediate_size, n_shared_experts or shared_expert_intermediate_size,
  first_k_dense_replace, decoder_sparse_step, mlp_only_layers; latent attention: kv_lora_rank,
  q_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim
Left to the plan: everything about training (tokens, data, batch, context length, precision,
hardware).
"""

CANNOT_SAY = ("data.train_tokens", "data.unique_tokens", "data.mix", "model.context_length",
              "training.global_batch_tokens", "training.steps", "compute.accelerators", "compute.accelerator")


@record(frozen=True)
class Family:
    """What transformers does with one architecture's config.json."""

    config_class: str
    gated: bool  # the MLP multiplies two projections (SwiGLU, GeGLU)
    defaults: dict = field(default_factory=dict)  # the config class's defaults for the keys read
    kind: str = "dense"  # dense, mixtral, deepseek, qwen_moe, olmoe
    names: dict = field(default_factory=dict)  # this family's key for a canonical key (GPT-2's n_embd)


def _llama_like(config_class: str, **defaults) -> Family:
    return Family(config_class, True, defaults)


# The config classes' defaults (transformers' configuration_*.py): only the keys read here.
# kv_heads None means "as many as the attention heads" (the classes' __post_init__).
FAMILIES: dict[str, Family] = {
    "LlamaForCausalLM": _llama_like("LlamaConfig", vocab_size=32000, hidden_size=4096, intermediate_size=11008,
                                    num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=None,
                                    tie_word_embeddings=False),
    "MistralForCausalLM": _llama_like("MistralConfig", vocab_size=32000, hidden_size=4096, intermediate_size=14336,
                                      num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=8,
                                      tie_word_embeddings=False),
    "Qwen2ForCausalLM": _llama_like("Qwen2Config", vocab_size=151936, hidden_size=4096, intermediate_size=22016,
                                    num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32,
                                    tie_word_embeddings=False),
    "Qwen3ForCausalLM": _llama_like("Qwen3Config", vocab_size=151936, hidden_size=4096, intermediate_size=22016,
                                    num_hidden_layers=32, num_attention_heads=32, num_key_value_heads=32, head_dim=128,
                                    tie_word_embeddings=False),
    # GemmaConfig: GeGLU (gelu_pytorch_tanh on the gate), head_dim 256 whatever hidden / heads is
    "GemmaForCausalLM": _llama_like("GemmaConfig", vocab_size=256000, hidden_size=3072, intermediate_size=24576,
                                    num_hidden_layers=28, num_attention_heads=16, num_key_value_heads=16,
                                    head_dim=256, tie_word_embeddings=True),
    "MixtralForCausalLM": Family("MixtralConfig", True, dict(
        vocab_size=32000, hidden_size=4096, intermediate_size=14336, num_hidden_layers=32, num_attention_heads=32,
        num_key_value_heads=8, tie_word_embeddings=False, num_local_experts=8, num_experts_per_tok=2), "mixtral"),
    "DeepseekV2ForCausalLM": Family("DeepseekV2Config", True, dict(
        vocab_size=32000, hidden_size=4096, intermediate_size=11008, num_hidden_layers=32, num_attention_heads=32,
        tie_word_embeddings=False, n_routed_experts=64, n_shared_experts=2, num_experts_per_tok=None,
        moe_intermediate_size=1407, first_k_dense_replace=0, kv_lora_rank=512, q_lora_rank=1536,
        qk_nope_head_dim=128, qk_rope_head_dim=64, v_head_dim=128), "deepseek"),
    "DeepseekV3ForCausalLM": Family("DeepseekV3Config", True, dict(
        vocab_size=129280, hidden_size=7168, intermediate_size=18432, num_hidden_layers=61, num_attention_heads=128,
        tie_word_embeddings=False, n_routed_experts=256, n_shared_experts=1, num_experts_per_tok=8,
        moe_intermediate_size=2048, first_k_dense_replace=3, kv_lora_rank=512, q_lora_rank=1536,
        qk_nope_head_dim=128, qk_rope_head_dim=64, v_head_dim=128), "deepseek"),
    "Qwen2MoeForCausalLM": Family("Qwen2MoeConfig", True, dict(
        vocab_size=151936, hidden_size=2048, intermediate_size=5632, num_hidden_layers=24, num_attention_heads=16,
        num_key_value_heads=16, tie_word_embeddings=False, num_experts=60, num_experts_per_tok=4,
        moe_intermediate_size=1408, shared_expert_intermediate_size=5632, decoder_sparse_step=1), "qwen_moe"),
    "Qwen3MoeForCausalLM": Family("Qwen3MoeConfig", True, dict(
        vocab_size=151936, hidden_size=2048, intermediate_size=6144, num_hidden_layers=24, num_attention_heads=32,
        num_key_value_heads=4, tie_word_embeddings=False, num_experts=128, num_experts_per_tok=8,
        moe_intermediate_size=768, shared_expert_intermediate_size=0, decoder_sparse_step=1), "qwen_moe"),
    "OlmoeForCausalLM": Family("OlmoeConfig", True, dict(
        vocab_size=50304, hidden_size=2048, intermediate_size=2048, num_hidden_layers=16, num_attention_heads=16,
        num_key_value_heads=None, tie_word_embeddings=False, num_experts=64, num_experts_per_tok=8), "olmoe"),
    # GPT2Config: n_inner None is 4 x n_embd; tie_word_embeddings is PretrainedConfig's default, True
    "GPT2LMHeadModel": Family("GPT2Config", False, dict(
        vocab_size=50257, n_embd=768, n_layer=12, n_head=12, n_inner=None, tie_word_embeddings=True), "dense",
        {"hidden_size": "n_embd", "num_hidden_layers": "n_layer", "num_attention_heads": "n_head",
         "intermediate_size": "n_inner"}),
    "GPTNeoXForCausalLM": Family("GPTNeoXConfig", False, dict(
        vocab_size=50432, hidden_size=6144, intermediate_size=24576, num_hidden_layers=44, num_attention_heads=64,
        tie_word_embeddings=False)),
}
MODEL_TYPES = {"llama": "LlamaForCausalLM", "mistral": "MistralForCausalLM", "qwen2": "Qwen2ForCausalLM",
               "qwen3": "Qwen3ForCausalLM", "gemma": "GemmaForCausalLM", "mixtral": "MixtralForCausalLM",
               "deepseek_v2": "DeepseekV2ForCausalLM", "deepseek_v3": "DeepseekV3ForCausalLM",
               "qwen2_moe": "Qwen2MoeForCausalLM", "qwen3_moe": "Qwen3MoeForCausalLM", "olmoe": "OlmoeForCausalLM",
               "gpt2": "GPT2LMHeadModel", "gpt_neox": "GPTNeoXForCausalLM"}
_BY_LOWER = {name.lower(): name for name in FAMILIES}
SHAPE_KEYS = ("hidden_size", "num_hidden_layers", "num_attention_heads", "n_embd", "n_layer", "n_head")


class _Shape:
    """One config.json being read, through its family's key names and defaults."""

    def __init__(self, reader: ConfigReader, family: Optional[Family], anchor: str):
        self.reader = reader
        self.family = family
        self.anchor = anchor  # the key a default is located at (architectures or model_type)

    def key(self, canonical: str) -> str:
        return self.family.names.get(canonical, canonical) if self.family else canonical

    def get(self, canonical: str, minimum: int = 1) -> tuple[Any, list, str]:
        """(value, sources, how): the file's value, or the config class's default."""
        key = self.key(canonical)
        if self.reader.has(key):
            value = self.reader.raw(key)
            if value is None:
                return None, [key], ""
            return self.reader.number(key, whole=True, minimum=minimum), [key], ""
        if self.family is None or key not in self.family.defaults:
            return None, [], ""
        default = self.family.defaults[key]
        how = f"no {key} in config.json: {self.family.config_class}'s default"
        return default, [self.anchor], how + (f" {count(default)}" if isinstance(default, int) else "")

    def put(self, name: str, canonical: str, minimum: int = 1) -> Any:
        value, sources, how = self.get(canonical, minimum)
        if value is not None:
            self.reader.put(name, value, sources, how)
        return value


class HuggingFaceAdapter(Adapter):
    name = "huggingface"
    label = "Hugging Face config.json"
    suffixes = (".json",)
    documentation = DOCUMENTATION

    def detect(self, path: str, text: str) -> float:
        if not path.endswith(".json") or text.lstrip()[:1] != "{":
            return 0.0
        sample = text[:100_000]
        shaped = any(f'"{key}"' in sample for key in SHAPE_KEYS)
        named = '"architectures"' in sample or '"model_type"' in sample
        if shaped and named:
            return 0.95 if path.endswith("config.json") else 0.85
        return 0.3 if shaped else 0.0

    def read(self, path: str, text: str) -> LaunchConfig:
        reader, config = open_config(self.name, path, text, CANNOT_SAY, parse=read_yaml)
        if reader is None:
            return config
        if not any(reader.has(key) for key in SHAPE_KEYS):
            reader.problem("no hidden_size, num_hidden_layers or num_attention_heads: this is not a model's "
                           "config.json", "", "name the model's config.json", "error")
            return config
        family, anchor = _family(reader)
        shape = _Shape(reader, family, anchor)
        layers = shape.put("model.layers", "num_hidden_layers")
        hidden = shape.put("model.d_model", "hidden_size")
        heads = shape.put("model.heads", "num_attention_heads")
        _vocab_and_tying(reader, shape, family)
        if family is None:
            _generic(reader, shape, heads)
            return config
        reader.put("model.ffn_gated", family.gated, [anchor],
                   f"{anchor_value(reader, anchor)}: {'a gated' if family.gated else 'an ungated'} feed-forward")
        if family.kind == "deepseek":
            _deepseek(reader, shape, layers)
            return config
        _attention(reader, shape, heads, hidden)
        ffn, ffn_sources, ffn_how = shape.get("intermediate_size")
        if ffn is None and family.names.get("intermediate_size") == "n_inner" and hidden:
            ffn, ffn_sources, ffn_how = 4 * hidden, [shape.key("hidden_size")], "n_inner null: GPT-2's 4 x n_embd"
        if family.kind == "dense":
            reader.put("model.ffn_dim", ffn, ffn_sources, ffn_how)
        elif family.kind in ("mixtral", "olmoe"):
            _every_layer_experts(reader, shape, family, ffn, ffn_sources, ffn_how)
        elif family.kind == "qwen_moe":
            _qwen_moe(reader, shape, layers, ffn, ffn_sources, ffn_how)
        return config


ADAPTERS = (HuggingFaceAdapter,)


def anchor_value(reader: ConfigReader, anchor: str) -> str:
    value = reader.raw(anchor)
    if isinstance(value, list) and value:
        value = value[0]
    return f"{anchor} {value}"


def _family(reader: ConfigReader) -> tuple[Optional[Family], str]:
    architectures = reader.raw("architectures")
    names = [a for a in architectures if isinstance(a, str)] if isinstance(architectures, list) else []
    for name in names:
        canonical = _BY_LOWER.get(name.lower())  # an early LLaMA conversion wrote LLaMAForCausalLM
        if canonical:
            return FAMILIES[canonical], "architectures"
    model_type = reader.text("model_type")
    if model_type in MODEL_TYPES:
        return FAMILIES[MODEL_TYPES[model_type]], "model_type"
    shown = ", ".join(show(name) for name in names[:3]) or (f"model_type {show(model_type)}" if model_type else
                                 "the architecture of a config.json without architectures or model_type")
    reader.problem(f"planlint does not know {shown}: whether its feed-forward is gated and its embeddings tied is "
                   "left to the plan", "architectures" if names else ("model_type" if model_type else ""),
                   "state model.ffn_gated and model.tied_embeddings in the plan", "info")
    return None, "architectures" if names else "model_type"


def _vocab_and_tying(reader: ConfigReader, shape: _Shape, family: Optional[Family]) -> None:
    shape.put("model.vocab_size", "vocab_size")
    if reader.has("tie_word_embeddings"):
        reader.put("model.tied_embeddings", reader.flag("tie_word_embeddings"), ["tie_word_embeddings"])
    elif family is not None:
        tied = family.defaults["tie_word_embeddings"]
        reader.put("model.tied_embeddings", tied, [shape.anchor],
                   f"no tie_word_embeddings in config.json: {family.config_class}'s default, {str(tied).lower()}")


def _attention(reader: ConfigReader, shape: _Shape, heads: Optional[int], hidden: Optional[int]) -> None:
    kv_heads, sources, how = shape.get("num_key_value_heads")
    if kv_heads is None and heads and not reader.has("num_key_value_heads") and shape.family is not None \
            and "num_key_value_heads" in shape.family.defaults:
        kv_heads, sources, how = heads, [shape.anchor], (
            f"no num_key_value_heads in config.json: {shape.family.config_class} uses one per attention head")
    elif kv_heads is None and heads and reader.has("num_key_value_heads") and reader.raw("num_key_value_heads") is None:
        kv_heads, how = heads, "num_key_value_heads null: one per attention head"
    elif kv_heads is None and heads and shape.family is not None and "num_key_value_heads" not in shape.family.defaults:
        kv_heads, sources, how = heads, [shape.anchor], f"{shape.family.config_class}: multi-head attention"
    reader.put("model.kv_heads", kv_heads, sources, how)
    head_dim, sources, how = shape.get("head_dim")
    if head_dim is not None:
        reader.put("model.head_dim", head_dim, sources, how)


def _generic(reader: ConfigReader, shape: _Shape, heads: Optional[int]) -> None:
    if reader.has("num_key_value_heads"):
        shape.put("model.kv_heads", "num_key_value_heads")
    if reader.has("head_dim"):
        shape.put("model.head_dim", "head_dim")
    if reader.has("intermediate_size"):
        shape.put("model.ffn_dim", "intermediate_size")


def _every_layer_experts(reader, shape: _Shape, family: Family, ffn, ffn_sources, ffn_how) -> None:
    """Mixtral and OLMoE: every layer's MLP is a set of experts as wide as intermediate_size."""
    expert_key = "num_local_experts" if family.kind == "mixtral" else "num_experts"
    experts = shape.put("model.experts", expert_key)
    shape.put("model.experts_per_token", "num_experts_per_tok")
    if experts and ffn is not None:
        reader.put("model.expert_ffn_dim", ffn, ffn_sources, ffn_how)
        reader.put("model.ffn_dim", ffn, ffn_sources, ffn_how)


def _qwen_moe(reader: ConfigReader, shape: _Shape, layers: Optional[int], ffn, ffn_sources, ffn_how) -> None:
    """Qwen2-MoE and Qwen3-MoE (modeling_qwen2_moe / qwen3_moe, DecoderLayer): layer i has experts
    unless it is in mlp_only_layers, when (i + 1) % decoder_sparse_step == 0; the dense layers'
    MLP is intermediate_size wide; Qwen2-MoE adds one shared expert of
    shared_expert_intermediate_size."""
    reader.put("model.ffn_dim", ffn, ffn_sources, ffn_how)
    experts = shape.put("model.experts", "num_experts", minimum=0)
    if not experts:
        return
    shape.put("model.experts_per_token", "num_experts_per_tok")
    width = shape.put("model.expert_ffn_dim", "moe_intermediate_size")
    shared, shared_sources, _ = shape.get("shared_expert_intermediate_size", minimum=0)
    if shared and width:
        if shared % width == 0:
            reader.put("model.shared_experts", shared // width, shared_sources,
                       f"one shared expert {count(shared)} wide: {shared // width} of {count(width)}")
        else:
            reader.problem(f"the shared expert ({count(shared)} wide) is not a whole number of {count(width)}-wide "
                           "experts, which planlint's shape counts in", "shared_expert_intermediate_size",
                           "state model.params and model.active_params in the plan", "info")
    step, step_sources, _ = shape.get("decoder_sparse_step")
    dense = reader.raw("mlp_only_layers", [])
    if not layers or step is None or not isinstance(dense, list):
        return
    pattern = [0 if i in dense else int((i + 1) % step == 0) for i in range(layers)]
    moe_layers, faithful = moe_layers_field(pattern)
    if moe_layers is not None:
        how = f"{sum(pattern)} of {layers} layers have experts (decoder_sparse_step {step}, mlp_only_layers {dense})"
        how += "" if faithful else UNPLACED
        reader.put("model.moe_layers", moe_layers, step_sources + (["mlp_only_layers"] if dense else []), how)


def _deepseek(reader: ConfigReader, shape: _Shape, layers: Optional[int]) -> None:
    """DeepSeek-V2 and V3 (modeling_deepseek_v2 / v3): multi-head latent attention; layers from
    first_k_dense_replace on have n_routed_experts experts of moe_intermediate_size and
    n_shared_experts shared ones; the first layers' MLP is intermediate_size wide."""
    shape.put("model.ffn_dim", "intermediate_size")
    mla = {}
    sources = []
    for key, name in (("kv_lora_rank", "kv_lora_rank"), ("qk_rope_head_dim", "rope_head_dim"),
                      ("v_head_dim", "v_head_dim")):
        value, found, _ = shape.get(key)
        if value is None:
            return
        mla[name] = value
        sources += found
    q_rank, found, _ = shape.get("q_lora_rank")
    if q_rank is not None:
        mla["q_lora_rank"] = q_rank
        sources += found
    reader.put("model.mla", mla, sources or [shape.anchor])
    shape.put("model.head_dim", "qk_nope_head_dim")
    experts, _, _ = shape.get("n_routed_experts", minimum=0)
    if not experts:
        return
    shape.put("model.experts", "n_routed_experts")
    shape.put("model.experts_per_token", "num_experts_per_tok")
    shape.put("model.shared_experts", "n_shared_experts", minimum=0)
    shape.put("model.expert_ffn_dim", "moe_intermediate_size")
    first_dense, found, how = shape.get("first_k_dense_replace", minimum=0)
    if first_dense:
        reader.put("model.moe_layers", {"first_dense": first_dense}, found, how)
    if reader.has("moe_layer_freq") and reader.raw("moe_layer_freq") not in (1, None):
        reader.problem("transformers' DeepSeek models put experts in every layer from first_k_dense_replace on, "
                       "whatever moe_layer_freq says", "moe_layer_freq",
                       "state model.moe_layers in the plan if the checkpoint differs", "info")
