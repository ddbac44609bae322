"""torchtitan TOML: both key layouts, flavors, the data-parallel degree -1, and hostile text."""

import pytest
from adapter_support import HOSTILE_TEXTS, counted, errors, read, shared_config, values, within

from planlint.adapters.torchtitan import FLAVORS, TorchtitanAdapter

ADAPTER = TorchtitanAdapter()


def torchtitan_ffn(dim, multiple_of, multiplier, hidden=None):
    # torchtitan/models/llama3/model/model.py FeedForward.__init__, restated
    width = int(2 * (4 * dim if hidden is None else hidden) / 3)
    if multiplier is not None:
        width = int(multiplier * width)
    return multiple_of * ((width + multiple_of - 1) // multiple_of)


def torchtitan_dense_nparams(dim, layers, heads, kv_heads, ffn, vocab, head_dim=None, tied=False, qk_norm=False):
    """What torchtitan's get_dense_model_nparams_and_flops reports before its weight-tying
    subtraction: sum(p.numel() for p in model.parameters()) of models/llama3 (and qwen3)
    Transformer: tok_embeddings, per layer wq/wk/wv/wo, w1/w2/w3 and two RMSNorm weights
    (qwen3: q_norm and k_norm of head_dim), the final norm and the output projection."""
    head_dim = head_dim or dim // heads
    attention = dim * heads * head_dim * 2 + dim * kv_heads * head_dim * 2
    layer = attention + 3 * dim * ffn + 2 * dim + (2 * head_dim if qk_norm else 0)
    return vocab * dim * (1 if tied else 2) + layers * layer + dim


def torchtitan_moe_nparams(dim, layers, heads, vocab, attention, dense_ffn, dense_layers, experts, top_k, shared,
                           expert_ffn, norms_per_layer):
    """get_moe_model_nparams_and_flops: total, and dense + router + shared + experts x top_k /
    num_experts as active; ``attention`` is one layer's attention weights."""
    moe_layers = layers - dense_layers
    router = dim * experts
    expert_weights = experts * 3 * dim * expert_ffn
    shared_weights = 3 * dim * expert_ffn * shared
    dense = 2 * vocab * dim + layers * (attention + norms_per_layer) + dense_layers * 3 * dim * dense_ffn + dim
    total = dense + moe_layers * (router + expert_weights + shared_weights)
    active = dense + moe_layers * (router + shared_weights + expert_weights * top_k // experts)
    return total, active


LLAMA3_8B_2025 = """\
[job]
description = "Llama 3 8B, from torchtitan's docs"

[model]
name = "llama3"
flavor = "8B"
converters = ["quantize.linear.float8"]

[optimizer]
name = "AdamW"
lr = 3e-4

[lr_scheduler]
warmup_steps = 600
decay_ratio = 0.2
decay_type = "cosine"

[training]
local_batch_size = 2
seq_len = 8192
steps = 3000

[parallelism]
data_parallel_replicate_degree = 2
data_parallel_shard_degree = 8
tensor_parallel_degree = 2

[activation_checkpoint]
mode = "full"
"""


def test_2025_layout_llama3_8b_with_fixed_degrees():
    config = ADAPTER.read("llama3_8b.toml", LLAMA3_8B_2025)
    got = values(config)
    assert {k: got[k] for k in ("model.layers", "model.d_model", "model.heads", "model.kv_heads", "model.ffn_dim",
                                "model.vocab_size", "model.context_length")} == {
        "model.layers": 32, "model.d_model": 4096, "model.heads": 32, "model.kv_heads": 8,
        "model.ffn_dim": 14336,  # int(1.3 x int(2 x 16384 / 3)) = 14198 -> 14 x 1024
        "model.vocab_size": 128256, "model.context_length": 8192}
    # data parallel = replicate 2 x shard 8 = 16: 3000 steps x 2 x 16 sequences x 8192 tokens
    assert got["data.train_tokens"] == 3000 * 2 * 16 * 8192 == 786_432_000
    assert got["training.global_batch_tokens"] == 2 * 16 * 8192
    assert (got["compute.tensor_parallel"], got["compute.zero_stage"], got["compute.micro_batch_size"]) == (2, 3, 2)
    # every degree fixed: the world size is their product, replicate 2 x shard 8 x tp 2
    assert got["compute.accelerators"] == 32 and "compute.accelerators" not in config.cannot_say
    assert (got["training.peak_lr"], got["training.warmup_steps"], got["training.schedule"]) == (3e-4, 600, "wsd")
    assert (got["compute.recompute"], got["training.precision"]) == ("full", "fp8")
    tokens = config.fields["data.train_tokens"]
    assert tokens.how == "steps 3,000 x local_batch_size 2 x data-parallel degree 16 x seq_len 8,192"
    assert [(s.key, s.line, s.column) for s in tokens.sources][:3] == [
        ("[training] steps", 21, 1), ("[training] local_batch_size", 19, 1),
        ("[parallelism] data_parallel_shard_degree", 25, 1)]
    assert config.problems == []


def test_llama3_8b_params_within_3_percent_of_torchtitans_count():
    # torchtitan's own count of the 8B flavor (sum of numel): 8,030,261,248, Meta's published 8.03B
    theirs = torchtitan_dense_nparams(4096, 32, 32, 8, torchtitan_ffn(4096, 1024, 1.3), 128256)
    assert theirs == 8_030_261_248
    ours, active = counted(ADAPTER.read("llama3_8b.toml", LLAMA3_8B_2025))
    assert ours == active == 8_029_995_008  # planlint leaves out the 65 RMSNorm vectors (266,240 weights)
    assert within(ours, theirs)


LLAMA3_2024 = """\
[model]
name = "llama3"
flavor = "70B"
tokenizer_path = "./torchtitan/datasets/tokenizer/original/tokenizer.model"

[optimizer]
lr = 1.5e-4

[training]
batch_size = 4
seq_len = 8192
warmup_steps = 200
steps = 2500
data_parallel_degree = -1
tensor_parallel_degree = 8

[experimental]
pipeline_parallel_degree = 2

[float8]
enable_float8_linear = true
"""


def test_2024_layout_data_parallel_minus_one_needs_the_accelerators():
    config = ADAPTER.read("llama3_70b.toml", LLAMA3_2024)
    tokens = config.fields["data.train_tokens"]
    assert tokens.value is None and tokens.needs == ("compute.accelerators",)
    # 128 GPUs / (tp 8 x pp 2) = 8 data-parallel ranks: 2500 x 4 x 8 x 8192
    assert tokens.complete({"compute.accelerators": 128}) == 2500 * 4 * 8 * 8192 == 655_360_000
    assert tokens.complete({"compute.accelerators": 100}) is None  # 100 is no multiple of tp x pp: torchtitan stops
    assert tokens.how == ("steps 2,500 x batch_size 4 x data-parallel degree (compute.accelerators / 16) x seq_len "
                          "8,192")
    got = values(config, {"compute.accelerators": 128})
    assert (got["model.ffn_dim"], got["compute.pipeline_parallel"], got["training.precision"]) == (28672, 2, "fp8")
    assert got["compute.micro_batch_size"] == 2  # batch_size 4 over 2 pipeline microbatches (the pipeline degree)
    assert "compute.accelerators" not in got and "compute.accelerators" in config.cannot_say
    assert (got["training.schedule"], got["training.warmup_steps"], got["compute.zero_stage"]) == ("linear", 200, 3)
    theirs = torchtitan_dense_nparams(8192, 80, 64, 8, torchtitan_ffn(8192, 4096, 1.3), 128256)
    assert within(counted(config)[0], theirs)  # Meta's published 70.6B


DEEPSEEK_16B = """\
[model]
name = "deepseek_v3"
flavor = "16B"

[training]
local_batch_size = 8
global_batch_size = 1024
seq_len = 4096
steps = 20000

[parallelism]
data_parallel_shard_degree = -1
expert_parallel_degree = 8
"""


def test_deepseek_v3_16b_moe_and_global_batch():
    config = ADAPTER.read("deepseek_v3_16b.toml", DEEPSEEK_16B)
    got = values(config)
    assert got["data.train_tokens"] == 20000 * 1024 * 4096  # global_batch_size does not need the GPU count
    assert (got["model.experts"], got["model.experts_per_token"], got["model.shared_experts"]) == (64, 6, 2)
    assert (got["model.expert_ffn_dim"], got["model.ffn_dim"], got["model.moe_layers"]) == (
        1408, 10944, {"first_dense": 1, "every": 1})
    assert got["model.mla"] == {"kv_lora_rank": 512, "rope_head_dim": 64, "v_head_dim": 128}
    # torchtitan's MLA layer without a query latent: wq d x h x (nope + rope), wkv_a d x (512 + 64),
    # kv_norm 512, wkv_b 512 x h x (nope + v), wo h x v x d; two layer norms
    d, h = 2048, 16
    attention = d * h * 192 + d * 576 + 512 + 512 * h * 256 + h * 128 * d
    total, active = torchtitan_moe_nparams(d, 27, h, 102400, attention, 10944, 1, 64, 6, 2, 1408, 2 * d)
    ours, ours_active = counted(config)
    assert within(ours, total) and within(ours_active, active)  # published DeepSeek-V2-Lite: 15.7B, 2.4B active


@pytest.mark.parametrize("family,flavor", [(family, flavor) for family, table in FLAVORS.items() for flavor in table])
def test_every_flavor_counts_within_3_percent_of_torchtitan(family, flavor):
    """Each flavor of planlint's table against torchtitan's own count of that flavor, from the
    model args restated here (models/*/__init__.py at 238fa995)."""
    text = f'[model]\nname = "{family}"\nflavor = "{flavor}"\n[training]\nsteps = 10\n'
    ours, ours_active = counted(ADAPTER.read("t.toml", text))
    args = TORCHTITAN_ARGS[family][flavor]
    theirs, theirs_active = args() if callable(args) else (args, args)
    assert within(ours, theirs), (ours, theirs)
    assert within(ours_active, theirs_active), (ours_active, theirs_active)


def _llama4(experts, every):
    d, layers = 5120, 48
    expert = 5120 * 4 * 2 // 3  # 13653
    expert = int(int(1.2 * expert) / 2)
    expert += -expert % 2048  # 8192
    attention = 2 * d * 40 * 128 + 2 * d * 8 * 128
    total, active = torchtitan_moe_nparams(d, layers, 40, 202048, attention, torchtitan_ffn(d, 2048, 1.2),
                                           layers - layers // every, experts, 1, 1, expert, 2 * d)
    return total, active


def _qwen3_moe(dim, layers, heads, kv, experts, top_k, width):
    attention = 2 * dim * heads * 128 + 2 * dim * kv * 128 + 2 * 128
    return torchtitan_moe_nparams(dim, layers, heads, 151936, attention, 0, 0, experts, top_k, 0, width, 2 * dim)


def _deepseek(d, layers, heads, vocab, inter, moe_inter, dense, experts, shared, top_k, q_rank):
    query = d * q_rank + q_rank + q_rank * heads * 192 if q_rank else d * heads * 192
    attention = query + d * 576 + 512 + 512 * heads * 256 + heads * 128 * d
    return torchtitan_moe_nparams(d, layers, heads, vocab, attention, inter, dense, experts, top_k, shared, moe_inter,
                                  2 * d)


TORCHTITAN_ARGS = {
    "llama3": {
        "8B": torchtitan_dense_nparams(4096, 32, 32, 8, torchtitan_ffn(4096, 1024, 1.3), 128256),
        "70B": torchtitan_dense_nparams(8192, 80, 64, 8, torchtitan_ffn(8192, 4096, 1.3), 128256),
        "405B": torchtitan_dense_nparams(16384, 126, 128, 8, torchtitan_ffn(16384, 4096, 1.2), 128256),
    },
    "llama2": {
        "7B": torchtitan_dense_nparams(4096, 32, 32, 32, torchtitan_ffn(4096, 256, None), 32000),
        "13B": torchtitan_dense_nparams(5120, 40, 40, 40, torchtitan_ffn(5120, 256, None), 32000),
        "70B": torchtitan_dense_nparams(8192, 80, 64, 8, torchtitan_ffn(8192, 4096, 1.3), 32000),
    },
    "llama4": {
        "17bx16e": lambda: _llama4(16, 1), "17bx16e_irope": lambda: _llama4(16, 1),
        "17bx128e": lambda: _llama4(128, 2), "17bx128e_irope": lambda: _llama4(128, 2),
    },
    "qwen3": {
        # tied flavors: the embedding once (parameters() yields the shared matrix once)
        "0.6B": torchtitan_dense_nparams(1024, 28, 16, 8, 3072, 151936, 128, tied=True, qk_norm=True),
        "1.7B": torchtitan_dense_nparams(2048, 28, 16, 8, 6144, 151936, 128, tied=True, qk_norm=True),
        "4B": torchtitan_dense_nparams(2560, 36, 32, 8, 9728, 151936, 128, tied=True, qk_norm=True),
        "8B": torchtitan_dense_nparams(4096, 36, 32, 8, 12288, 151936, 128, qk_norm=True),
        "14B": torchtitan_dense_nparams(5120, 40, 40, 8, 17408, 151936, 128, qk_norm=True),
        "32B": torchtitan_dense_nparams(5120, 64, 64, 8, 25600, 151936, 128, qk_norm=True),
        "30B-A3B": lambda: _qwen3_moe(2048, 48, 32, 4, 128, 8, 768),
        "235B-A22B": lambda: _qwen3_moe(4096, 94, 64, 4, 128, 8, 1536),
    },
    "deepseek_v3": {
        "16B": lambda: _deepseek(2048, 27, 16, 102400, 10944, 1408, 1, 64, 2, 6, 0),
        "236B": lambda: _deepseek(5120, 60, 128, 102400, 12288, 1536, 1, 160, 2, 6, 1536),
        "671B": lambda: _deepseek(7168, 61, 128, 129280, 18432, 2048, 3, 256, 1, 8, 1536),
    },
}


def test_unknown_flavor_and_model_leave_the_shape_to_the_plan():
    config = ADAPTER.read("t.toml", '[model]\nname = "llama3"\nflavor = "9B"\n[training]\nsteps = 5\n')
    assert "model.layers" not in config.fields
    assert [(p.line, p.column, p.severity) for p in config.problems] == [(3, 1, "info")]
    assert config.problems[0].message == ("torchtitan flavor '9B' of llama3 is not one planlint knows (knows: 8B, "
                                          "70B, 405B); its shape is left to the plan")
    config = ADAPTER.read("t.toml", '[model]\nname = "gpt5"\nflavor = "8B"\n[training]\nsteps = 5\n')
    assert [(p.line, p.severity) for p in config.problems] == [(2, "info")]


# -- the published configs -------------------------------------------------------------------------

# torchtitan/models/*/train_configs at 238fa995 and train_configs/llama3_8b.toml of August 2024:
# expected values from torchtitan's semantics, the tokens for 64 GPUs (the configs' own "preset
# for 64 A100 GPUs").
SHARED = {
    # 1000 steps x local 1 x dp (64 / 1) x 8192
    "llama3_8b.toml": dict(params=8_029_995_008, active=8_029_995_008, layers=32, d_model=4096, ffn=14336,
                           tokens=1000 * 1 * 64 * 8192, recompute="selective", schedule="linear"),
    # the 2024 layout: batch_size 1 x data_parallel_degree -1 (64 / (tp 1 x pp 1))
    "llama3_8b_2024-08.toml": dict(params=8_029_995_008, active=8_029_995_008, layers=32, d_model=4096,
                                   ffn=14336, tokens=1000 * 1 * 64 * 8192, recompute="selective", schedule="linear"),
    # tp 8: dp = 64 / 8 = 8; 1000 x local 8 x 8 x 8192
    "llama3_70b.toml": dict(params=70_552_387_584, active=70_552_387_584, layers=80, d_model=8192, ffn=28672,
                            tokens=1000 * 8 * 8 * 8192, recompute="full", schedule="linear"),
    # 1000 x local 4 x dp 64 x 4096; decay_ratio 0.8 with cosine: wsd
    "deepseek_v3_16b.toml": dict(params=15_706_357_760, active=2_661_023_744, layers=27, d_model=2048, ffn=10944,
                                 tokens=1000 * 4 * 64 * 4096, recompute="selective", schedule="wsd"),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("torchtitan", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == [] and config.problems == []
    assert ADAPTER.detect(str(path), path.read_text()) == 0.95
    assert counted(config) == (expected["params"], expected["active"])
    got = values(config, {"compute.accelerators": 64})
    assert (got["model.layers"], got["model.d_model"], got["model.ffn_dim"]) == (
        expected["layers"], expected["d_model"], expected["ffn"])
    assert got["data.train_tokens"] == expected["tokens"]
    assert (got["compute.recompute"], got["training.schedule"], got["training.precision"]) == (
        expected["recompute"], expected["schedule"], "bf16")  # float8 tables without a converter: not fp8




def test_mistyped_values_are_problems_at_their_keys():
    config = ADAPTER.read("c.toml", HOSTILE_TEXTS["toml types"])
    assert [(p.line, p.column, p.severity, p.message) for p in config.problems] == [
        (2, 1, "info", "torchtitan model '3' is not one planlint knows (knows: llama3, llama2, llama4, qwen3, "
                       "deepseek_v3); its shape is left to the plan"),
        (6, 1, "warning", "[training] seq_len is -5, below 1"),
        (5, 1, "warning", "[training] steps is 'many', not a whole number"),
        (7, 1, "warning", "[training] local_batch_size is inf, not a whole number"),
        (9, 1, "warning", "[parallelism] data_parallel_shard_degree is 0: torchtitan takes a degree of 1 or more (or "
                          "-1 for the data-parallel shard degree)"),
    ]
    assert "data.train_tokens" not in config.fields  # no value from what could not be read


@pytest.mark.parametrize("kind", ["toml truncated", "toml deep", "unterminated quote", "binary"])
def test_text_that_is_not_toml_is_one_error(kind):
    config = ADAPTER.read("config.toml", HOSTILE_TEXTS[kind])
    assert [p.severity for p in config.problems] == ["error"]
    assert config.fields == {}
