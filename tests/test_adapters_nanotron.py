"""nanotron YAML: the world size from the parallel degrees, MoE defaults, staged data weights,
the duplicate key of the Qwen MoE example, and hostile text."""

import pytest
from adapter_support import counted, errors, read, shared_config, values, within

from planlint.adapters.nanotron import NanotronAdapter

ADAPTER = NanotronAdapter()


def nanotron_params(d, layers, heads, kv, intermediate, vocab, tied, experts=0, expert_width=0, shared_width=0):
    """The parameters of nanotron's Qwen2/Llama model (src/nanotron/models/qwen.py): the token
    embedding, per decoder layer input_layernorm, qkv_proj (d x (heads + 2 kv) x head_dim),
    o_proj, post_attention_layernorm, and gate_up_proj + down_proj, or for an MoE layer the
    router (d x experts), the GroupedMLP experts (d x 2W and W x d each) and the shared expert
    (an MLP of shared_width and its d x 1 gate); the final norm; lm_head unless tied."""
    head = d // heads
    attention = d * (heads + 2 * kv) * head + heads * head * d
    if experts:
        mlp = d * experts + experts * 3 * d * expert_width + (3 * d * shared_width + d if shared_width else 0)
    else:
        mlp = 3 * d * intermediate
    return vocab * d * (1 if tied else 2) + layers * (attention + mlp + 2 * d) + d


TINY_LLAMA = """\
checkpoints:
  checkpoint_interval: 1000
  checkpoints_path: checkpoints
data_stages:
- name: Stable Training Stage
  start_training_step: 1
  data:
    dataset:
      dataset_folder:
      - /data/web
      - /data/code
      dataset_weights: [0.8, 0.2]
    seed: 42
- name: Annealing Phase
  start_training_step: 8001
  data:
    dataset:
      dataset_folder:
      - /data/web
      - /data/math/
      dataset_weights: [0.5, 0.5]
model:
  dtype: bfloat16
  make_vocab_size_divisible_by: 64
  model_config:
    hidden_size: 2048
    intermediate_size: 8192
    is_llama_config: true
    max_position_embeddings: 2048
    num_attention_heads: 32
    num_hidden_layers: 24
    num_key_value_heads: 8
    tie_word_embeddings: false
    vocab_size: 49153
optimizer:
  learning_rate_scheduler:
    learning_rate: 0.0003
    lr_decay_starting_step: null
    lr_decay_style: cosine
    lr_warmup_steps: 500
    lr_warmup_style: linear
  zero_stage: 1
parallelism:
  dp: 16
  pp: 2
  tp: 4
  recompute_layer: true
tokens:
  batch_accumulation_per_replica: 4
  micro_batch_size: 2
  sequence_length: 2048
  train_steps: 10000
"""


def test_llama_config_with_stages():
    config = ADAPTER.read("tiny_llama.yaml", TINY_LLAMA)
    got = values(config)
    # config.global_batch_size: micro 2 x accumulation 4 x dp 16 = 128 sequences of 2048
    assert got["training.global_batch_tokens"] == 128 * 2048
    assert got["data.train_tokens"] == 10_000 * 128 * 2048 == 2_621_440_000
    assert got["compute.accelerators"] == 16 * 4 * 2  # dp x tp x pp: nanotron's world size
    # 49153 padded to a multiple of 64 x tp 4 = 256: 49408
    assert got["model.vocab_size"] == 49408
    # stage 1 runs steps 1-8000 (0.8 of training), stage 2 steps 8001-10000 (0.2)
    assert got["data.mix"] == [{"source": "web", "share": pytest.approx(0.8 * 0.8 + 0.2 * 0.5)},
                               {"source": "code", "share": pytest.approx(0.8 * 0.2)},
                               {"source": "math", "share": pytest.approx(0.2 * 0.5)}]
    assert (got["compute.zero_stage"], got["compute.recompute"], got["compute.pipeline_parallel"]) == (1, "full", 2)
    assert (got["training.schedule"], got["training.warmup_steps"], got["training.peak_lr"]) == ("cosine", 500, 3e-4)
    assert config.problems == []
    ours, _ = counted(config)
    assert within(ours, nanotron_params(2048, 24, 32, 8, 8192, 49408, tied=False))


MOE = """\
model:
  model_config:
    hidden_size: 1024
    intermediate_size: 4096
    num_attention_heads: 16
    num_hidden_layers: 16
    num_key_value_heads: 4
    vocab_size: 32000
    is_qwen2_config: true
    moe_config:
      num_experts: 32
      top_k: 4
      moe_intermediate_size: 512
      enable_shared_expert: true
      shared_expert_intermediate_size: 1024
      layers: [1, 3, 5, 7, 9, 11, 13, 15]
parallelism: {dp: 8, tp: 1, pp: 1}
tokens: {micro_batch_size: 4, batch_accumulation_per_replica: 2, sequence_length: 4096, train_steps: 1000}
"""


def test_moe_with_every_other_layer_and_a_shared_expert():
    config = ADAPTER.read("moe.yaml", MOE)
    got = values(config)
    assert (got["model.experts"], got["model.experts_per_token"], got["model.expert_ffn_dim"]) == (32, 4, 512)
    assert got["model.shared_experts"] == 2  # one shared MLP of 1024 = two experts of 512
    assert got["model.moe_layers"] == {"first_dense": 0, "every": 2}  # layers 1, 3, ..., 15
    ours, active = counted(config)
    dense_layers = nanotron_params(1024, 8, 16, 4, 4096, 32000, tied=False)
    moe_layers = nanotron_params(1024, 8, 16, 4, 0, 0, tied=False, experts=32, expert_width=512,
                                 shared_width=1024) - 1024
    assert within(ours, dense_layers + moe_layers)


# -- the published configs -------------------------------------------------------------------------

SHARED = {
    # SmolLM2-1.7B: 24 x 2048, 32 heads, ffn 8192, vocab 49152 tied; 5,240,000 steps x 4 x 1 x dp 256
    # x 2048 (the published 11T tokens); nanotron's count 1,711,376,384 (HuggingFace's published)
    "config_smollm2_1B.yaml": dict(params=1_711_276_032, active=1_711_276_032,
                                   tokens=5_240_000 * 4 * 1 * 256 * 2048, accelerators=256,
                                   theirs=nanotron_params(2048, 24, 32, 32, 8192, 49152, tied=True), mix=0),
    # SmolLM3-3B: 36 x 2048, 16 heads, 4 KV heads, ffn 11008, vocab 128256 tied; dp 192 x tp 2;
    # 4,720,000 x 3 x 1 x 192 x 4096; 41 weighted folders
    "smollm3_stage1_8T.yaml": dict(params=3_074_949_120, active=3_074_949_120,
                                   tokens=4_720_000 * 3 * 1 * 192 * 4096, accelerators=384,
                                   theirs=nanotron_params(2048, 36, 16, 4, 11008, 128256, tied=True), mix=41),
    # the duplicate moe_config: PyYAML keeps the second, {num_experts 8, top_k 1, a shared expert};
    # moe_intermediate_size and shared_expert_intermediate_size take nanotron's defaults 1408 and 5632
    # (= 4 experts); 32,000 x 3 x 1 x dp 2 x 4096
    "config_qwen_with_moe.yaml": dict(params=None, active=None, tokens=32_000 * 3 * 1 * 2 * 4096, accelerators=2,
                                      theirs=nanotron_params(256, 12, 4, 4, 768, 128256, tied=True, experts=8,
                                                             expert_width=1408, shared_width=5632), mix=0),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("nanotron", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == []
    assert ADAPTER.detect(str(path), path.read_text()) == 0.95
    params, active = counted(config)
    if expected["params"] is not None:
        assert (params, active) == (expected["params"], expected["active"])
    assert within(params, expected["theirs"])
    got = values(config)
    assert got["data.train_tokens"] == expected["tokens"]
    assert got["compute.accelerators"] == expected["accelerators"]
    assert len(got.get("data.mix", [])) == expected["mix"]


def test_qwen_moe_duplicate_key_is_reported_and_the_last_value_used():
    config = read(ADAPTER, shared_config("nanotron", "config_qwen_with_moe.yaml"))
    assert [(p.line, p.column, p.severity, p.message) for p in config.problems] == [
        (83, 5, "warning", "duplicate key 'moe_config' in model.model_config (first at line 66); nanotron reads "
                           "its config with PyYAML, so planlint derives from that last value")]
    got = values(config)
    assert (got["model.experts"], got["model.experts_per_token"], got["model.shared_experts"]) == (8, 1, 4)
    assert got["model.expert_ffn_dim"] == 1408
    params, active = counted(config)
    # 12 layers: attention 4 x 256^2, router 256 x 8, experts 8 x 3 x 256 x 1408, shared 4 such; vocab
    # 128,256 x 256 once (tied)
    attention, expert = 4 * 256 * 256, 3 * 256 * 1408
    assert params == 12 * (attention + 256 * 8 + 12 * expert) + 128256 * 256 == 191_717_376
    assert active == 12 * (attention + 256 * 8 + 5 * expert) + 128256 * 256 == 100_884_480




def test_bad_values_are_problems_at_their_keys():
    text = ("model:\n  model_config:\n    hidden_size: 1.5e3\n    num_hidden_layers: 1e308\n"
            "    moe_config: [8]\ntokens:\n  train_steps: 1e999\n  micro_batch_size: 0\n")
    config = ADAPTER.read("h.yaml", text)
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (5, 5, "moe_config is [8], not a mapping"),
        (8, 3, "tokens.micro_batch_size is 0, below 1"),
        (7, 3, "tokens.train_steps is '1e999', not a whole number"),
    ]
    got = values(config)
    assert (got["model.d_model"], got["model.layers"]) == (1500, int(1e308))  # what the config says, as written
    assert "data.train_tokens" not in got
