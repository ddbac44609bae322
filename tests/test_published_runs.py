"""Today's runs, pinned to their published figures: mixtures of experts, long contexts, wide
heads and large vocabularies. Every expected number below is the paper's own (or arithmetic on
it, shown), never planlint's output copied back."""

from __future__ import annotations

import json

import pytest

from planlint import estimate as est
from planlint.model import build
from planlint.numbers import compute
from planlint.testing import findings

# Mixtral 8x7B (Jiang et al. 2024, Table 1; the released config): 46.7B total, 12.9B active.
MIXTRAL = {"params": "46.7B", "layers": 32, "d_model": 4096, "heads": 32, "kv_heads": 8, "ffn_dim": 14336,
           "ffn_gated": True, "vocab_size": 32000, "experts": 8, "experts_per_token": 2, "context_length": 32768}
# DeepSeek-V2 (DeepSeek-AI 2024, §3.1.2; config_236B.json): 236B total, 21B active.
DEEPSEEK_V2 = {"params": "236B", "layers": 60, "d_model": 5120, "heads": 128, "head_dim": 128,
               "mla": {"kv_lora_rank": 512, "q_lora_rank": 1536, "rope_head_dim": 64, "v_head_dim": 128},
               "ffn_dim": 12288, "ffn_gated": True, "experts": 160, "experts_per_token": 6, "shared_experts": 2,
               "expert_ffn_dim": 1536, "moe_layers": {"first_dense": 1}, "vocab_size": 102400, "context_length": 4096}
# DeepSeek-V3 (DeepSeek-AI 2024, §4.2; config_671B.json): 671B total (the MTP module is not in it), 37B active.
DEEPSEEK_V3 = {"params": "671B", "layers": 61, "d_model": 7168, "heads": 128, "head_dim": 128,
               "mla": {"kv_lora_rank": 512, "q_lora_rank": 1536, "rope_head_dim": 64, "v_head_dim": 128},
               "ffn_dim": 18432, "ffn_gated": True, "experts": 256, "experts_per_token": 8, "shared_experts": 1,
               "expert_ffn_dim": 2048, "moe_layers": {"first_dense": 3}, "vocab_size": 129280, "context_length": 4096}
# Gemma 7B (Gemma Team 2024, Tables 1 and 2): 786,825,216 embedding + 7,751,248,896 non-embedding.
GEMMA_7B = {"params": "8.54B", "layers": 28, "d_model": 3072, "heads": 16, "head_dim": 256, "ffn_dim": 24576,
            "ffn_gated": True, "vocab_size": 256128, "tied_embeddings": True, "context_length": 8192}
# Chinchilla 70B (Hoffmann et al. 2022, Table 4: 80 layers, 64 heads of 128, d_model 8,192, feed-forward
# 4 x d_model; vocabulary 32,000, Table A8; 2,048 context): 1.4T tokens on Gopher's 5.76e23 FLOPs.
CHINCHILLA = {"params": "70B", "layers": 80, "d_model": 8192, "heads": 64, "ffn_dim": 32768, "vocab_size": 32000,
              "context_length": 2048}
# Llama 3.1 405B (Llama Team 2024, §1 and Table 4; meta-llama/llama-models): 3.8e25 FLOPs on 15.6T tokens at 8K.
LLAMA_405B = {"params": "405B", "layers": 126, "d_model": 16384, "heads": 128, "kv_heads": 8, "ffn_dim": 53248,
              "ffn_gated": True, "vocab_size": 128256, "context_length": 8192}
# Llama 3 8B (meta-llama/llama3 MODEL_CARD: 15T+ tokens at 8,192 context, 1.3M H100-80GB hours).
LLAMA3_8B = {"params": "8B", "layers": 32, "d_model": 4096, "heads": 32, "kv_heads": 8, "ffn_dim": 14336,
             "ffn_gated": True, "vocab_size": 128256, "context_length": 8192}


def plan(model: dict, tokens: str = "1T", **sections) -> str:
    return json.dumps({"planlint": 1, "name": "p", "goal": "base", "model": model,
                       "data": {"train_tokens": tokens}, **sections})


def numbers(text: str):
    return compute(build(json.loads(text)))


def codes(text: str) -> list[str]:
    return [f.code for f in findings(text)]


# -- parameter counts --------------------------------------------------------------------------------


@pytest.mark.parametrize("model, total, active", [
    (MIXTRAL, 46.7e9, 12.9e9),
    (DEEPSEEK_V2, 236e9, 21e9),
    (DEEPSEEK_V3, 671e9, 37e9),
])
def test_expert_counts_within_5_percent_of_the_published(model, total, active):
    found = numbers(plan(model))
    assert found["shape_params"] == pytest.approx(total, rel=0.05)
    assert found["shape_active_params"] == pytest.approx(active, rel=0.05)


def test_mixtral_counts_to_the_parameter():
    # 32 x (41,943,040 attention + 8 x 176,160,768 experts + 32,768 router) + 2 x 131,072,000 embeddings;
    # the published 46.7B and 12.9B round these (norms, 270K, are left out)
    found = numbers(plan(MIXTRAL))
    assert found["shape_params"] == 32 * (41_943_040 + 8 * 176_160_768 + 32_768) + 2 * 131_072_000
    assert found["shape_active_params"] == 32 * (41_943_040 + 2 * 176_160_768 + 32_768) + 2 * 131_072_000


def test_gemma_7b_counts_with_heads_wider_than_d_model_over_heads():
    # Table 2: 786,825,216 + 7,751,248,896, norms (2 x 3,072 a layer, and a final one) included there
    found = numbers(plan(GEMMA_7B))
    norms = 28 * 2 * 3072 + 3072
    assert found["shape_params"] == 786_825_216 + 7_751_248_896 - norms
    # with head_dim left to d_model / heads (192) the attention is 352M short (research: 28 x 4 x 3072 x (4096 - 3072))
    narrow = numbers(plan({k: v for k, v in GEMMA_7B.items() if k != "head_dim"}))
    assert found["shape_params"] - narrow["shape_params"] == 28 * 4 * 3072 * (4096 - 3072)


@pytest.mark.parametrize("model", [MIXTRAL, DEEPSEEK_V2, GEMMA_7B, LLAMA_405B])
def test_published_shapes_raise_no_pl104(model):
    assert "PL104" not in codes(plan(model))


def test_declared_active_params_without_experts_is_not_told_its_shape_is_off():
    # Mixtral's shape without its experts counts one feed-forward a layer, 7.2B: 6.5x under 46.7B
    shape = {k: v for k, v in MIXTRAL.items() if k not in ("experts", "experts_per_token")}
    assert "PL104" not in codes(plan({**shape, "active_params": "12.9B"}))


def test_a_mixture_with_the_wrong_active_count_is_told():
    found = [f for f in findings(plan({**MIXTRAL, "active_params": "30B"})) if f.code == "PL104"]
    assert [(f.path, round(f.facts["relative_difference"], 2)) for f in found] == [(("model", "active_params"), 1.33)]


# -- FLOPs by a named convention ------------------------------------------------------------------


def test_chinchillas_own_budget_is_not_short_with_its_shape_declared():
    text = plan(CHINCHILLA, "1.4T", compute={"flops": "5.76e23"})
    assert "PL202" not in codes(text)
    found = numbers(text)
    assert found["train_flops"] == pytest.approx(6 * 70e9 * 1.4e12)  # 5.88e23, 2% over 5.76e23
    # PaLM's full attention term, 12 L H Q T D = 2.25e22, which the published budget leaves out too
    assert 2 * found["attention_flops"] == pytest.approx(12 * 80 * 64 * 128 * 2048 * 1.4e12)


def test_llama_405b_budget_is_6nd_at_8k_and_not_short():
    text = plan(LLAMA_405B, "15.6T", compute={"flops": "3.8e25"})
    assert "PL202" not in codes(text)
    # the shape's own count: 6 x 405.85B x 15.6T = 3.799e25, the published 3.8e25 within 0.1%
    assert 6 * numbers(text)["shape_params"] * 15.6e12 == pytest.approx(3.8e25, rel=0.001)


def test_the_budget_is_judged_in_the_convention_it_is_stated_in():
    # stated as PaLM's MFU count, 3.8e25 is 8% short of 6ND + 12 L H Q T (4.11e25)
    text = plan(LLAMA_405B, "15.6T", compute={"flops": "3.8e25", "flops_convention": "palm-mfu"})
    found = numbers(text)
    assert found["train_flops"] == pytest.approx(6 * 405e9 * 15.6e12 + 12 * 126 * 128 * 128 * 8192 * 15.6e12)
    assert [f.code for f in findings(text) if f.code == "PL202"] == ["PL202"]


def test_llama3_8b_at_8k_on_its_published_gpu_hours_is_not_short():
    # 6ND = 7.2e23 on 1.3M H100-hours: 15.6% MFU (6ND), low but published; with PaLM's attention term
    # the same hours would be 26% more work (research: 21% share of the total)
    text = plan(LLAMA3_8B, "15T", compute={"gpu_hours": "1.3M", "accelerator": "h100-sxm"})
    assert not {"PL202", "PL203"} & set(codes(text))
    assert numbers(text)["implied_mfu"] == pytest.approx(6 * 8e9 * 15e12 / (1.3e6 * 3600 * 989e12))


def test_hoffmann_exact_reproduces_table_a4_within_5_percent():
    # Table A4: parameters, layers, d_model, ffw_size, heads, k/q size, exact FLOPs / 6ND (seq 2048, vocab 32,000)
    rows = [(73e6, 10, 640, 2560, 10, 64, 1.03), (305e6, 20, 1024, 4096, 16, 64, 1.10),
            (552e6, 24, 1280, 5120, 10, 128, 1.08), (1.1e9, 26, 1792, 7168, 14, 128, 1.04),
            (1.6e9, 28, 2048, 8192, 16, 128, 1.03), (6.8e9, 40, 3584, 14336, 28, 128, 0.99)]
    for params, layers, d_model, ffn, heads, head_dim, ratio in rows:
        shape = est.Shape(layers, d_model, heads, heads, head_dim, 32000, ffn)
        assert est.hoffmann_exact_flops_per_token(shape, 2048) / (6 * params) == pytest.approx(ratio, rel=0.05)


def test_a_convention_without_its_shape_falls_back_to_6nd_and_says_so():
    text = plan({"params": "7B"}, "2T", compute={"flops": "8.4e22", "flops_convention": "hoffmann-exact"})
    found = [f for f in findings(text) if f.code == "PL202"]
    assert [(f.severity.name, f.path) for f in found] == [("WARNING", ("compute", "flops_convention"))]
    assert "model.layers, model.d_model, model.heads, model.vocab_size, model.context_length" in found[0].details[0]


# -- mixtures of experts: compute, optimum, serving, memory ---------------------------------------


def test_the_optimum_of_a_mixture_is_at_the_compute_it_spends():
    text = plan({**DEEPSEEK_V2, "active_params": "21B"}, "8.1T")
    found = numbers(text)
    spent = 6 * 21e9 * 8.1e12  # 1.02e24, not 6 x 236B x 8.1T = 1.15e25
    assert found["train_flops"] == pytest.approx(spent)
    assert (found["optimal_params"], found["optimal_tokens"]) == pytest.approx(est.BESIROGLU_2024.optimal_split(spent))
    assert found["optimal_params"] < 100e9  # ~97B; at 11x the compute it would be ~335B


def test_a_mixture_is_never_warned_on_its_ratio_per_total_param():
    # DeepSeek-V2: 34 per total, 386 per active; Mixtral on 300B: 6.4 per total, 23 per active
    for model, tokens in ((DEEPSEEK_V2, "8.1T"), (MIXTRAL, "300B")):
        severities = {str(f.severity) for f in findings(plan({**model}, tokens)) if f.code == "PL101"}
        assert severities <= {"info"}


def test_active_params_come_from_the_experts_when_not_declared():
    found = numbers(plan(MIXTRAL, "300B"))
    assert found["active_params"] == pytest.approx(46.7e9 * found["shape_active_params"] / found["shape_params"])
    assert found["train_flops"] == pytest.approx(6 * found["active_params"] * 300e9)


def test_joint_moe_law_reproduces_its_table_1_within_2_percent():
    # Ludziejewski et al. 2025, Table 1: budget, experts, N_act, D
    for flops, experts, active, tokens in ((1e20, 1, 1.7e9, 9.7e9), (1e20, 32, 669e6, 24.9e9),
                                           (1e21, 8, 3.8e9, 44.3e9), (1e22, 1, 18.8e9, 88.6e9),
                                           (1e22, 32, 12.2e9, 136.9e9)):
        n, d = est.LUDZIEJEWSKI_2025.at(experts).optimal_split(flops)
        assert (n, d) == (pytest.approx(active, rel=0.02), pytest.approx(tokens, rel=0.02))


def test_joint_moe_law_table_4_exponents():
    # Table 4: E = 8 gives m 21.8330, mu -0.1676, n 119.9126, nu -0.2338
    fit = est.LUDZIEJEWSKI_2025.at(8)
    assert (fit.A, fit.alpha, fit.B, fit.beta) == (pytest.approx(21.833, rel=0.003), pytest.approx(0.1676, abs=1e-4),
                                                   pytest.approx(119.9126, rel=0.003), pytest.approx(0.2338, abs=1e-4))


@pytest.mark.parametrize("experts, top_k, batch, touched", [
    (8, 2, 4, 5.469), (8, 2, 16, 7.920), (160, 6, 16, 73.198), (256, 8, 64, 222.442)])
def test_experts_a_decode_batch_touches(experts, top_k, batch, touched):
    # E (1 - (1 - k/E)^B), exact under uniform routing (checked by simulation in the research notes)
    assert est.distinct_experts(experts, top_k, batch) == pytest.approx(touched, abs=1e-3)


@pytest.mark.parametrize("batch", [1, 4, 64])
def test_serving_a_mixture_holds_every_expert_and_reads_the_ones_a_batch_touches(batch):
    serving = {"accelerator": "h100-sxm", "accelerators": 2, "batch_size": batch, "precision": "bf16"}
    estimate = numbers(plan({**MIXTRAL, "active_params": "12.9B"}, serving=serving)).serving
    assert estimate.decode.weight_bytes == pytest.approx(2 * 46.7e9)  # all 8 experts sit in memory
    touched = 8 * (1 - (1 - 2 / 8) ** batch)  # 2, 5.47, 8.0 experts a layer
    assert estimate.experts_touched == pytest.approx(touched)
    untouched = 32 * (8 - touched) * 176_160_768
    # never less than what one token reads: its 12.9B active parameters
    assert estimate.weight_bytes_read == pytest.approx(2 * max(46.7e9 - untouched, 12.9e9))
    # and the compute per step is 2 x active params per sequence (Kaplan et al. 2020)
    assert estimate.decode.compute_time_s == pytest.approx(2 * 12.9e9 * batch / (989e12 * 0.7 * 2))


def test_training_memory_counts_every_expert():
    text = plan({**MIXTRAL, "active_params": "12.9B"}, compute={"accelerator": "h100-sxm", "accelerators": 8})
    assert numbers(text)["memory_per_accelerator_bytes"] == 16 * 46.7e9


# -- attention shapes: KV cache -----------------------------------------------------------------------


def test_mla_caches_its_latent_and_rotary_key():
    # DeepSeek-V2, §2.1.4 and Table 1: (d_c + d_h^R) l = (512 + 64) x 60 = 34,560 elements per token
    serving = {"accelerator": "h100-sxm", "accelerators": 8, "batch_size": 1, "context_length": 1}
    found = numbers(plan({**DEEPSEEK_V2, "active_params": "21B"}, serving=serving))
    assert found["serve_kv_bytes_per_token"] == 34_560 * 2  # bf16


def test_kv_cache_uses_head_dim_where_it_is_not_d_model_over_heads():
    # Gemma 7B: 2 x 28 layers x 16 KV heads x 256 x 2 bytes = 458,752 bytes per token
    serving = {"accelerator": "h100-sxm", "batch_size": 1}
    assert numbers(plan(GEMMA_7B, serving=serving))["serve_kv_bytes_per_token"] == 2 * 28 * 16 * 256 * 2


def test_kv_cache_of_grouped_query_attention():
    # Mistral 7B (Jiang et al. 2023, Table 1): 32 layers, 8 KV heads of 128: 131,072 bytes per token
    model = {"params": "7.24B", "layers": 32, "d_model": 4096, "heads": 32, "kv_heads": 8, "context_length": 8192}
    assert numbers(plan(model, serving={"accelerator": "a10g"}))["serve_kv_bytes_per_token"] == 131_072


# -- activation memory -------------------------------------------------------------------------------

SEVEN_B = {"params": "6.7B", "layers": 32, "d_model": 4096, "heads": 32, "context_length": 4096}


@pytest.mark.parametrize("settings, per_layer", [
    ({"flash_attention": False}, 34 + 5 * 32 * 4096 / 4096),  # Korthikanti et al. 2022: s b h (34 + 5 a s / h)
    ({}, 34),  # FlashAttention, the default: no s^2 attention scores stored
    ({"recompute": "selective", "flash_attention": False}, 34),
    ({"recompute": "full"}, 2),  # only each layer's input
])
def test_activation_memory_of_a_7b_model_at_4k(settings, per_layer):
    compute_ = {"accelerator": "a100-80gb", "accelerators": 8, **settings}
    found = numbers(plan(SEVEN_B, compute=compute_))
    assert found["activation_bytes"] == pytest.approx(32 * 4096 * 4096 * per_layer)


def test_the_default_is_not_the_104_gb_of_stored_attention_scores():
    found = numbers(plan(SEVEN_B, compute={"accelerator": "a100-80gb"}))
    assert found["activation_bytes"] == pytest.approx(18.3e9, rel=0.01)  # 32 x 4096 x 4096 x 34
    assert "FlashAttention, assumed" in found.notes["activation_bytes"]


# -- defaults said next to the numbers ---------------------------------------------------------------


def test_assumed_shape_defaults_are_said():
    found = numbers(plan({"params": "1B", "layers": 24, "d_model": 2048, "heads": 16, "context_length": 2048},
                         serving={"accelerator": "a10g"}))
    assert "assumed feed-forward 4 x d_model" in found.notes["shape_params"]
    assert "every sequence at the full 2,048-token context" in found.notes["serve_tokens_per_second"]
    assert "decode only, no prefill" in found.notes["serve_tokens_per_second"]
