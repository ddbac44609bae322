"""Levanter YAML: model types and their defaults, batch schedules, warmup fractions, the mixture."""

import pytest
from adapter_support import counted, errors, read, shared_config, values, within

from planlint.adapters.levanter import LevanterAdapter

ADAPTER = LevanterAdapter()


def levanter_llama_params(hidden, intermediate, layers, heads, kv, vocab, tied=False):
    """LlamaConfig.total_trainable_params (src/levanter/models/llama.py), restated."""
    head = hidden // heads
    attention = hidden * head * heads * 2 + 2 * hidden * head * kv
    layer = attention + 3 * hidden * intermediate + 2 * hidden
    return layers * layer + hidden + vocab * hidden + (0 if tied else vocab * hidden)


def levanter_mixtral_params(hidden, intermediate, layers, heads, kv, experts, shared, vocab):
    """MixtralConfig.total_trainable_params (src/levanter/models/mixtral.py), restated."""
    head = hidden // heads
    attention = hidden * head * heads * 2 + 2 * hidden * head * kv
    moe = hidden * experts + 3 * (experts + shared) * hidden * intermediate
    return layers * (attention + moe + 2 * hidden) + hidden + 2 * vocab * hidden


LLAMA = """\
data:
  tokenizer: meta-llama/Llama-2-7b-hf
  configs:
    owt:
      train_urls: ["gs://bucket/openwebtext/train.{1..128}.jsonl.gz"]
    pile:
      train_urls: ["gs://bucket/pile/train.{00..29}.jsonl.zst"]
  train_weights:
    owt: 3
    pile: 1
model:
  type: llama
  seq_len: 4096
  hidden_dim: 4096
  intermediate_dim: 11008
  num_layers: 32
  num_heads: 32
  num_kv_heads: 32
trainer:
  mp: p=f32,c=bfloat16
  train_batch_size:
    - start: 0
      value: 256
    - start: 1000
      value: 1024
  num_train_steps: 5000
  per_device_parallelism: 4
  model_axis_size: 2
optimizer:
  learning_rate: 3e-4
  warmup: 0.02
  decay: 0.2
  lr_schedule: linear
"""


def test_llama_with_a_batch_schedule_and_a_mixture():
    config = ADAPTER.read("llama2.yaml", LLAMA)
    got = values(config)
    # 1,000 steps of 256 sequences, then 4,000 of 1,024, each of 4,096 tokens
    assert got["data.train_tokens"] == (1000 * 256 + 4000 * 1024) * 4096 == 17_825_792_000
    assert "training.global_batch_tokens" not in got  # it changes over training
    # warmup 0.02 x 5000 = 100; decay 0.2 x 5000 = 1000 leaves a stable phase: warmup-stable-decay
    assert (got["training.warmup_steps"], got["training.schedule"]) == (100, "wsd")
    assert got["data.mix"] == [{"source": "owt", "share": 0.75}, {"source": "pile", "share": 0.25}]
    assert (got["compute.tensor_parallel"], got["compute.zero_stage"], got["training.precision"]) == (2, 3, "bf16")
    assert (got["model.vocab_size"], got["model.ffn_gated"], got["compute.recompute"]) == (32000, True, "full")
    assert config.problems == []
    ours, _ = counted(config)
    assert within(ours, levanter_llama_params(4096, 11008, 32, 32, 32, 32000))  # Llama 2 7B: 6.74B


def test_gpt2_defaults_are_tied_and_ungated():
    config = ADAPTER.read("gpt2.yaml", "data:\n  tokenizer: gpt2\nmodel:\n  type: gpt2\ntrainer:\n"
                                       "  num_train_steps: 100\n  train_batch_size: 512\n")
    got = values(config)
    assert (got["model.d_model"], got["model.layers"], got["model.ffn_dim"]) == (768, 12, 3072)
    assert (got["model.ffn_gated"], got["model.tied_embeddings"], got["model.vocab_size"]) == (False, True, 50257)
    assert got["data.train_tokens"] == 100 * 512 * 1024  # Gpt2Config's seq_len 1024
    ours, _ = counted(config)
    assert within(ours, 124_439_808)  # OpenAI's GPT-2 small (with position embeddings and biases)


def test_unknown_tokenizer_leaves_the_vocabulary_to_the_plan():
    config = ADAPTER.read("t.yaml", "data:\n  tokenizer: my-org/tok\nmodel:\n  type: llama\n")
    assert "model.vocab_size" not in config.fields and "model.vocab_size" in config.cannot_say
    assert [(p.line, p.column, p.severity, p.message) for p in config.problems] == [
        (2, 3, "info", "levanter sizes the vocabulary from the tokenizer ('my-org/tok'), whose size planlint does "
                       "not know")]


# -- the published configs -------------------------------------------------------------------------

SHARED = {
    # llama with intermediate 14336, 8 KV heads, the Llama 2 tokenizer (32,000); 10,000 x 1,024 x 4,096;
    # warmup 1,000 steps, decay 0.1 x 10,000 = 1,000: a stable phase, so wsd
    "llama2_7b.yaml": dict(params=7_241_465_856, active=7_241_465_856, tokens=10_000 * 1024 * 4096,
                           theirs=levanter_llama_params(4096, 14336, 32, 32, 8, 32000), schedule="wsd", problems=0),
    # mixtral with every default: 8 experts, top 2, seq_len 8192; 1,000 x 256 x 8,192
    "mixtral_8x7b.yaml": dict(params=46_702_526_464, active=12_879_659_008, tokens=1000 * 256 * 8192,
                              theirs=levanter_mixtral_params(4096, 14336, 32, 32, 8, 8, 0, 32000),
                              schedule="cosine", problems=0),
    # llama 7B shape (11008, 32 KV heads) at seq_len 2048; 750,000 x 2,048 x 2,048 ("3T / 4M");
    # the OLMo tokenizer's size is left to the plan, so embeddings are not counted
    "olmo_7b_repro.yaml": dict(params=6_476_005_376, active=6_476_005_376, tokens=750_000 * 2048 * 2048,
                               theirs=levanter_llama_params(4096, 11008, 32, 32, 32, 0), schedule="cosine",
                               problems=1),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("levanter", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == [] and len(config.problems) == expected["problems"]
    assert counted(config) == (expected["params"], expected["active"])
    assert within(expected["params"], expected["theirs"])
    got = values(config)
    assert got["data.train_tokens"] == expected["tokens"]
    assert got["training.schedule"] == expected["schedule"]


def test_olmo_repro_mixture_is_the_dolma_weights():
    config = read(ADAPTER, shared_config("levanter", "olmo_7b_repro.yaml"))
    mix = {m["source"]: m["share"] for m in values(config)["data.mix"]}
    assert len(mix) == 15  # the paloma sets weigh 0: evaluation only
    assert mix["dolma-cc"] == pytest.approx(597.75 / 1645.15)  # of the weights' sum, 1645.15
    assert sum(mix.values()) == pytest.approx(1.0)




def test_bad_schedule_and_weights_are_problems():
    text = ("model:\n  type: llama\ntrainer:\n  train_batch_size:\n    - {start: 5, value: 8}\n"
            "optimizer:\n  warmup: 2.5\ndata:\n  train_weights:\n    a: -1\n")
    config = ADAPTER.read("b.yaml", text)
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (8, 1, "levanter sizes the vocabulary from the tokenizer, which this config does not name"),
        (4, 3, "the train_batch_size schedule must start at step 0 and be sorted (levanter refuses it)"),
        (7, 3, "optimizer.warmup 2.5 is neither a fraction up to 1 nor whole steps"),
        (10, 5, "the weight of 'a' is not a number of zero or more"),
    ]
