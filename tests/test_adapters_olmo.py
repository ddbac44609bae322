"""OLMo YAML: the fused SwiGLU width, max_duration's three forms, and the published configs."""

import pytest
from adapter_support import HOSTILE_TEXTS, counted, errors, read, shared_config, values, within

from planlint.adapters.olmo import OlmoAdapter

ADAPTER = OlmoAdapter()


def olmo_num_params(d, layers, heads, kv_heads, hidden, embedding, tied, swiglu=True, norm_weights=0,
                    qk_norm=False):
    """olmo/model.py OLMo.num_params(): the wte embedding (embedding_size x d_model), ff_out
    when untied, and per block att_proj (d x (d + 2 x kv x head)), attn_out, ff_proj (d x the
    fused hidden size), ff_out (hidden x output_multiplier x d), the ``norm_weights`` affine
    vectors of d (and q/k norms when attention_layer_norm), plus ln_f's."""
    head = d // heads
    block = d * (d + 2 * kv_heads * head) + d * d + d * hidden + int(hidden * (0.5 if swiglu else 1)) * d
    block += norm_weights * d + ((d + kv_heads * head) if qk_norm else 0)
    return embedding * d * (1 if tied else 2) + layers * block + norm_weights // 2 * d


OLMO_7B = """\
run_name: OLMo-7B
model:
  d_model: 4096
  n_heads: 32
  n_layers: 32
  mlp_hidden_size: 22016
  weight_tying: false
  rope: true
  flash_attention: true
  activation_type: swiglu
  max_sequence_length: 2048
  vocab_size: 50280
  embedding_size: 50304
optimizer:
  name: adamw
  learning_rate: 3.0e-4
scheduler:
  name: linear_with_warmup
  t_warmup: 5000
max_duration: 2e12T
global_train_batch_size: 2160
device_train_microbatch_size: 2
precision: amp_bf16
fsdp:
  sharding_strategy: FULL_SHARD
activation_checkpointing: whole_layer
"""


def test_olmo_7b_from_the_papers_config():
    config = ADAPTER.read("OLMo-7B.yaml", OLMO_7B)
    got = values(config)
    # mlp_hidden_size 22016 is the fused SwiGLU width: 11008 per branch
    assert (got["model.ffn_dim"], got["model.ffn_gated"], got["model.vocab_size"]) == (11008, True, 50304)
    # 2e12 tokens in batches of 2160 x 2048 = 4,423,680 tokens: OLMo runs ceil(452,112.27) = 452,113 steps
    assert got["training.steps"] == 452_113
    assert got["data.train_tokens"] == 452_113 * 2160 * 2048 == 2_000_003_235_840
    assert got["training.global_batch_tokens"] == 2160 * 2048
    assert (got["training.schedule"], got["training.warmup_steps"], got["training.peak_lr"]) == ("linear", 5000, 3e-4)
    assert (got["compute.zero_stage"], got["compute.recompute"], got["training.precision"]) == (3, "full", "bf16")
    assert (got["compute.flash_attention"], got["compute.micro_batch_size"]) == (True, 2)
    assert config.fields["model.ffn_dim"].how == ("mlp_hidden_size = 22,016, the fused SwiGLU width: half of it per "
                                                  "branch")
    assert config.problems == []


def test_olmo_7b_params_within_3_percent_of_olmos_count():
    theirs = olmo_num_params(4096, 32, 32, 32, 22016, 50304, tied=False)
    assert theirs == 6_888_095_744  # OLMo-7B's published 6.89B
    ours, active = counted(ADAPTER.read("OLMo-7B.yaml", OLMO_7B))
    assert ours == active == theirs  # no norm weights (non-affine layer norm), so the counts agree exactly
    assert within(ours, theirs)


def test_gelu_gqa_steps_and_token_warmup():
    text = ("model:\n  d_model: 1024\n  n_heads: 16\n  n_kv_heads: 4\n  n_layers: 8\n  mlp_ratio: 4\n"
            "  activation_type: gelu\n  max_sequence_length: 1024\n  embedding_size: null\n  vocab_size: 32000\n"
            "scheduler:\n  units: tokens\n  t_warmup: 1e9\nmax_duration: 1e5\nglobal_train_batch_size: 256\n"
            "distributed_strategy: ddp\n")
    got = values(ADAPTER.read("small.yaml", text))
    assert (got["model.ffn_dim"], got["model.ffn_gated"], got["model.kv_heads"]) == (4096, False, 4)
    assert got["model.vocab_size"] == 32000  # embedding_size null: the vocabulary unpadded
    assert got["data.train_tokens"] == 100_000 * 256 * 1024  # "1e5" is steps: int(float("1e5"))
    assert got["training.warmup_steps"] == 3815  # 1e9 tokens / 262,144 per batch = 3814.7, rounded
    assert got["compute.zero_stage"] == 0
    # OLMo's defaults: weight_tying true, flash_attention false, no activation checkpointing
    assert (got["model.tied_embeddings"], got["compute.flash_attention"], got["compute.recompute"]) == (
        True, False, "none")


def test_epochs_are_left_to_the_plan():
    config = ADAPTER.read("ep.yaml", "model:\n  d_model: 512\n  n_layers: 2\n  n_heads: 8\nmax_duration: 2ep\n")
    assert "data.train_tokens" not in config.fields and "training.steps" not in config.fields
    assert [(p.line, p.column, p.severity, p.message, p.fix) for p in config.problems] == [
        (5, 1, "info", "max_duration '2ep' counts epochs of the dataset, whose size in tokens this config cannot say",
         "declare data.train_tokens in the plan")]


def test_interpolated_keys_resolve_and_environment_ones_are_problems():
    text = ("model:\n  d_model: 2048\n  n_heads: ${model.n_layers}\n  n_layers: 16\n  max_sequence_length: "
            "${oc.env:SEQ,4096}\ndevice_train_microbatch_size: 8\ndevice_eval_batch_size: "
            "${device_train_microbatch_size}\n")
    config = ADAPTER.read("i.yaml", text)
    assert values(config)["model.heads"] == 16
    assert "model.context_length" not in config.fields
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (5, 3, "model.max_sequence_length depends on the environment variable SEQ (its default in the config: "
               "4096), which this file cannot say")]
    assert config.problems[0].details == ("model.max_sequence_length = '${oc.env:SEQ,4096}'",)


# -- the published configs -------------------------------------------------------------------------

SHARED = {
    # mlp_ratio 8 x 2048 = 16384 fused -> 8192 per branch; tied; 739,328 steps x 2048 x 2048 (the
    # config's "3.1T tokens"); OLMo's own count 1,176,764,416 (no affine norms)
    "OLMo-1B.yaml": dict(params=1_176_764_416, tokens=739_328 * 2048 * 2048, theirs=olmo_num_params(
        2048, 16, 16, 16, 16384, 50304, tied=True), ffn=8192, vocab=50304, tied=True, warmup=2000, zero=3),
    # untied, rms norms with affine weights (attn, ff, q/k norms); "4e12T" in batches of 512 x 4096:
    # ceil(4e12 / 2,097,152) = 1,907,349 steps; t_warmup 8,388,608,000 tokens = 4000 steps
    "OLMo2-1B-stage1.yaml": dict(params=1_484_783_616, tokens=1_907_349 * 512 * 4096, theirs=olmo_num_params(
        2048, 16, 16, 16, 16384, 100352, tied=False, norm_weights=2, qk_norm=True), ffn=8192, vocab=100352,
        tied=False, warmup=4000, zero=2),
    # mlp_hidden_size 22016 -> 11008; max_duration 1ep: the tokens are the dataset's, left to the plan;
    # OLMo 2 7B's published 7.30B
    "OLMo2-7B-stage1.yaml": dict(params=7_298_088_960, tokens=None, theirs=olmo_num_params(
        4096, 32, 32, 32, 22016, 100352, tied=False, norm_weights=2, qk_norm=True), ffn=11008, vocab=100352,
        tied=False, warmup=2000, zero=3),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("olmo", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == []
    assert ADAPTER.detect(str(path), path.read_text()) == 0.95
    params, active = counted(config)
    assert params == active == expected["params"]
    assert within(params, expected["theirs"])
    got = values(config)
    assert got.get("data.train_tokens") == expected["tokens"]
    assert (got["model.ffn_dim"], got["model.vocab_size"], got["model.tied_embeddings"]) == (
        expected["ffn"], expected["vocab"], expected["tied"])
    assert (got["training.warmup_steps"], got["compute.zero_stage"]) == (expected["warmup"], expected["zero"])
    expected_problems = 1 if expected["tokens"] is None else 0
    assert len(config.problems) == expected_problems




def test_wrong_types_are_problems_at_their_keys():
    config = ADAPTER.read("w.yaml", HOSTILE_TEXTS["wrong types"])
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (2, 3, "model.d_model is {'a': 1}, not a whole number"),
        (3, 3, "model.n_layers is True, not a whole number"),
        (4, 3, "model.n_heads is -3, below 1"),
        (5, 3, "model.mlp_ratio is 'abc', not a whole number"),
        (7, 1, "global_train_batch_size is 1.5, not a whole number"),
        (6, 1, "max_duration [1] is not a duration OLMo reads (steps: 10000; tokens: 2e12T; epochs: 1ep)"),
    ]
    assert not {"model.d_model", "model.layers", "model.heads", "model.ffn_dim", "data.train_tokens"} & set(
        config.fields)
