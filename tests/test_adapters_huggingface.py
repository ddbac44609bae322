"""Hugging Face config.json: per-architecture defaults, gating and tying, experts and latent
attention; parameters against transformers' own count of the modules those configs build."""

import json

import pytest
from adapter_support import HOSTILE_TEXTS, check_hostile, counted, errors, read, shared_config, values, within

from planlint.adapters.huggingface import CANNOT_SAY, HuggingFaceAdapter

ADAPTER = HuggingFaceAdapter()


def hf_decoder_count(*, vocab, hidden, layers, heads, kv_heads, ffn, tied, head_dim=None, gated=True,
                     experts=0, expert_ffn=0, shared_ffn=0, moe_layers=None, biases=False, qkv_bias=False):
    """sum(p.numel() for p in model.parameters()) of transformers' Llama-style decoders
    (modeling_llama, mistral, mixtral, qwen2_moe): embed_tokens, per layer q/k/v/o_proj, the MLP's
    gate/up/down_proj (or up and down for GPT-style MLPs), two RMSNorm weights, in MoE layers a
    router (hidden x experts), the experts and a shared expert with its 1-wide gate; the final
    norm; lm_head unless tied. ``biases`` adds GPT-2's and GPT-NeoX's biases and LayerNorm biases,
    ``qkv_bias`` Qwen2's biases of the q, k and v projections."""
    head_dim = head_dim or hidden // heads
    attention = hidden * heads * head_dim * 2 + 2 * hidden * kv_heads * head_dim
    mlp = lambda width: (3 if gated else 2) * hidden * width  # noqa: E731
    norms = 2 * hidden * (2 if biases else 1)
    bias = (heads * head_dim + 2 * kv_heads * head_dim + hidden + ffn + hidden) if biases else 0
    bias += (heads * head_dim + 2 * kv_heads * head_dim) if qkv_bias else 0
    moe = layers if moe_layers is None else moe_layers
    moe = moe if experts else 0
    dense_layer = attention + mlp(ffn) + norms + bias
    moe_layer = attention + norms + bias + hidden * experts + experts * mlp(expert_ffn) + (
        mlp(shared_ffn) + hidden if shared_ffn else 0)
    final_norm = hidden * (2 if biases else 1)
    return vocab * hidden * (1 if tied else 2) + (layers - moe) * dense_layer + moe * moe_layer + final_norm


def config_json(**keys) -> str:
    return json.dumps(keys, indent=2)


def test_llama_3_8b():
    text = config_json(architectures=["LlamaForCausalLM"], model_type="llama", hidden_size=4096,
                       intermediate_size=14336, num_attention_heads=32, num_hidden_layers=32, num_key_value_heads=8,
                       vocab_size=128256, max_position_embeddings=8192, rope_theta=500000.0, hidden_act="silu",
                       rms_norm_eps=1e-05, tie_word_embeddings=False, torch_dtype="bfloat16")
    config = ADAPTER.read("config.json", text)
    assert config.problems == []
    assert values(config) == {
        "model.layers": 32, "model.d_model": 4096, "model.heads": 32, "model.vocab_size": 128256,
        "model.tied_embeddings": False, "model.ffn_gated": True, "model.kv_heads": 8, "model.ffn_dim": 14336}
    assert config.cannot_say == CANNOT_SAY  # a config.json says nothing of training, nor of its context length
    # transformers counts 8,030,261,248 parameters for Meta-Llama-3-8B (the model card's 8.03B)
    assert hf_decoder_count(vocab=128256, hidden=4096, layers=32, heads=32, kv_heads=8, ffn=14336,
                            tied=False) == 8_030_261_248
    assert within(counted(config)[0], 8_030_261_248)
    where = {name: [(s.line, s.column, s.key) for s in d.sources] for name, d in config.fields.items()}
    assert where["model.kv_heads"] == [(10, 3, "num_key_value_heads")]
    assert where["model.ffn_gated"] == [(2, 3, "architectures")]


def test_defaults_per_architecture():
    # Gemma leaves head_dim and tie_word_embeddings to GemmaConfig: 256-wide heads, tied (GeGLU)
    gemma = ADAPTER.read("config.json", config_json(architectures=["GemmaForCausalLM"], hidden_size=3072,
                                                    intermediate_size=24576, num_hidden_layers=28,
                                                    num_attention_heads=16, num_key_value_heads=16,
                                                    vocab_size=256000))
    got = values(gemma)
    assert (got["model.head_dim"], got["model.tied_embeddings"], got["model.ffn_gated"]) == (256, True, True)
    assert [d.how for n, d in gemma.fields.items() if n == "model.head_dim"] == [
        "no head_dim in config.json: GemmaConfig's default 256"]
    # transformers: 8,537,680,896 for gemma-7b (the model card's 8.54B)
    assert hf_decoder_count(vocab=256000, hidden=3072, layers=28, heads=16, kv_heads=16, ffn=24576, tied=True,
                            head_dim=256) == 8_537_680_896
    assert within(counted(gemma)[0], 8_537_680_896)
    # GPT-2 names its keys n_embd, n_layer, n_head; n_inner null is 4 x n_embd; PretrainedConfig ties
    gpt2 = ADAPTER.read("config.json", config_json(architectures=["GPT2LMHeadModel"], model_type="gpt2", n_embd=768,
                                                   n_layer=12, n_head=12, n_inner=None, n_positions=1024,
                                                   vocab_size=50257, activation_function="gelu_new"))
    assert values(gpt2) == {"model.layers": 12, "model.d_model": 768, "model.heads": 12, "model.vocab_size": 50257,
                            "model.tied_embeddings": True, "model.ffn_gated": False, "model.kv_heads": 12,
                            "model.ffn_dim": 3072}
    # GPT-2 small: 124,439,808 with its biases and 1,024 learned positions, which planlint's shape leaves out
    assert hf_decoder_count(vocab=50257, hidden=768, layers=12, heads=12, kv_heads=12, ffn=3072, tied=True,
                            gated=False, biases=True) + 1024 * 768 == 124_439_808
    assert within(counted(gpt2)[0], 124_439_808)
    # a Llama config.json that leaves every size out gets LlamaConfig's
    bare = ADAPTER.read("config.json", config_json(model_type="llama", hidden_size=2048))
    assert values(bare) == {"model.layers": 32, "model.d_model": 2048, "model.heads": 32, "model.vocab_size": 32000,
                            "model.tied_embeddings": False, "model.ffn_gated": True, "model.kv_heads": 32,
                            "model.ffn_dim": 11008}


def test_deepseek_v3_latent_attention_and_experts():
    text = config_json(architectures=["DeepseekV3ForCausalLM"], model_type="deepseek_v3", hidden_size=7168,
                       intermediate_size=18432, moe_intermediate_size=2048, num_hidden_layers=61,
                       num_attention_heads=128, num_key_value_heads=128, n_shared_experts=1, n_routed_experts=256,
                       num_experts_per_tok=8, first_k_dense_replace=3, moe_layer_freq=1, kv_lora_rank=512,
                       q_lora_rank=1536, qk_rope_head_dim=64, v_head_dim=128, qk_nope_head_dim=128,
                       vocab_size=129280, tie_word_embeddings=False)
    config = ADAPTER.read("config.json", text)
    assert config.problems == []
    got = values(config)
    assert {k: got[k] for k in ("model.mla", "model.head_dim", "model.experts", "model.experts_per_token",
                                "model.shared_experts", "model.expert_ffn_dim", "model.moe_layers",
                                "model.ffn_dim")} == {
        "model.mla": {"kv_lora_rank": 512, "rope_head_dim": 64, "v_head_dim": 128, "q_lora_rank": 1536},
        "model.head_dim": 128, "model.experts": 256, "model.experts_per_token": 8, "model.shared_experts": 1,
        "model.expert_ffn_dim": 2048, "model.moe_layers": {"first_dense": 3}, "model.ffn_dim": 18432}
    assert "model.kv_heads" not in got
    # DeepSeek-V3's 671B total and 37B active (the technical report, without its multi-token module)
    total, active = counted(config)
    assert within(total, 671e9) and within(active, 37e9, 0.05)


def test_qwen_moe_shared_expert_and_sparse_steps():
    text = config_json(architectures=["Qwen2MoeForCausalLM"], hidden_size=2048, intermediate_size=5632,
                       moe_intermediate_size=1408, shared_expert_intermediate_size=5632, num_experts=60,
                       num_experts_per_tok=4, num_hidden_layers=24, num_attention_heads=16, num_key_value_heads=16,
                       decoder_sparse_step=1, mlp_only_layers=[], vocab_size=151936, tie_word_embeddings=False)
    config = ADAPTER.read("config.json", text)
    got = values(config)
    # the shared expert is 5,632 wide: 4 experts of 1,408
    assert (got["model.shared_experts"], got["model.expert_ffn_dim"], got["model.experts"]) == (4, 1408, 60)
    assert "model.moe_layers" not in got  # every layer
    # Qwen1.5-MoE-A2.7B: transformers counts 14,315,784,192 parameters
    expected = hf_decoder_count(vocab=151936, hidden=2048, layers=24, heads=16, kv_heads=16, ffn=5632, tied=False,
                                experts=60, expert_ffn=1408, shared_ffn=5632, qkv_bias=True)
    assert expected == 14_315_784_192 and within(counted(config)[0], expected)
    # experts where (i + 1) % decoder_sparse_step == 0 and i is not in mlp_only_layers
    def moe_layers(step, dense):
        changed = text.replace('"decoder_sparse_step": 1', f'"decoder_sparse_step": {step}')
        config = ADAPTER.read("config.json", changed.replace('"mlp_only_layers": []', f'"mlp_only_layers": {dense}'))
        return config.fields["model.moe_layers"].value, config.fields["model.moe_layers"].how

    assert moe_layers(2, []) == ({"every": 2},
                                 "12 of 24 layers have experts (decoder_sparse_step 2, mlp_only_layers [])")
    assert moe_layers(1, [0, 1]) == ({"first_dense": 2},
                                     "22 of 24 layers have experts (decoder_sparse_step 1, mlp_only_layers [0, 1])")
    # layers 5, 7, ..., 23: four dense layers, then every second one
    assert moe_layers(2, [1, 3]) == ({"first_dense": 4, "every": 2},
                                     "10 of 24 layers have experts (decoder_sparse_step 2, mlp_only_layers [1, 3])")
    # one dense layer in the middle is no pattern planlint states: the count is kept, as first_dense
    assert moe_layers(1, [5]) == ({"first_dense": 1}, "23 of 24 layers have experts (decoder_sparse_step 1, "
                                  "mlp_only_layers [5]); planlint's moe_layers cannot place them, so the count is "
                                  "given as first_dense")


def test_unknown_architecture_leaves_gating_to_the_plan():
    config = ADAPTER.read("config.json", config_json(architectures=["FalconForCausalLM"], hidden_size=4544,
                                                     num_hidden_layers=32, num_attention_heads=71, vocab_size=65024))
    assert [(p.severity, p.line, p.column, p.message) for p in config.problems] == [
        ("info", 2, 3, "planlint does not know 'FalconForCausalLM': whether its feed-forward is gated and its "
                       "embeddings tied is left to the plan")]
    assert values(config) == {"model.layers": 32, "model.d_model": 4544, "model.heads": 71, "model.vocab_size": 65024}


SHARED = {
    # an early conversion's LLaMAForCausalLM; no tie_word_embeddings or num_key_value_heads: LlamaConfig's
    # untied embeddings and one key/value head per head. transformers: 65,285,660,672 (LLaMA's 65.2B)
    "llama-65b-hf.config.json": dict(
        values={"model.layers": 80, "model.d_model": 8192, "model.heads": 64, "model.vocab_size": 32000,
                "model.tied_embeddings": False, "model.ffn_gated": True, "model.kv_heads": 64,
                "model.ffn_dim": 22016},
        transformers=(65_285_660_672, 65_285_660_672), planlint=(65_284_341_760, 65_284_341_760)),
    # transformers: 46,702,792,704 parameters, 12,879,925,248 active (Mixtral's 46.7B and 12.9B)
    "Mixtral-8x7B-v0.1.config.json": dict(
        values={"model.layers": 32, "model.d_model": 4096, "model.heads": 32, "model.vocab_size": 32000,
                "model.tied_embeddings": False, "model.ffn_gated": True, "model.kv_heads": 8, "model.experts": 8,
                "model.experts_per_token": 2, "model.expert_ffn_dim": 14336, "model.ffn_dim": 14336},
        transformers=(46_702_792_704, 12_879_925_248), planlint=(46_702_526_464, 12_879_659_008)),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("hf", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == [] and config.problems == []
    assert ADAPTER.detect(str(path), path.read_text()) == 0.95
    assert values(config) == expected["values"]
    total, active = counted(config)  # planlint's count leaves out the norms
    assert (total, active) == expected["planlint"]
    assert within(total, expected["transformers"][0]) and within(active, expected["transformers"][1])


def test_the_published_counts_restated():
    assert hf_decoder_count(vocab=32000, hidden=8192, layers=80, heads=64, kv_heads=64, ffn=22016,
                            tied=False) == 65_285_660_672
    mixtral = dict(vocab=32000, hidden=4096, layers=32, heads=32, kv_heads=8, ffn=14336, tied=False, experts=8,
                   expert_ffn=14336)
    assert hf_decoder_count(**mixtral) == 46_702_792_704
    # active: 2 of the 8 experts in each of 32 layers
    assert hf_decoder_count(**mixtral) - 32 * 6 * 3 * 4096 * 14336 == 12_879_925_248


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_hostile_text(kind):
    check_hostile(ADAPTER, HOSTILE_TEXTS[kind], "config.json")


@pytest.mark.parametrize("text, message", [
    ('{"architectures": ["LlamaForCausalLM"], "hidden_size": "big", "num_hidden_layers": -2}',
     ["num_hidden_layers is -2, below 1", "hidden_size is 'big', not a whole number"]),
    ('{"model_type": "llama"}',
     ["no hidden_size, num_hidden_layers or num_attention_heads: this is not a model's config.json"]),
    ('{"hidden_size": 1, "hidden_size": 2, "architectures": "x"', None),
])
def test_bad_values_are_problems(text, message):
    config = ADAPTER.read("config.json", text)
    if message is None:
        assert [p.severity for p in config.problems] == ["warning", "error"]  # a duplicate key, then cut off
        assert config.fields == {}
    else:
        assert [p.message for p in config.problems] == message
