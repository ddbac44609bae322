"""NeMo 1.0 Megatron GPT configs: interpolations within the file, the batch ramp, data_prefix
weights; parameters against Megatron-core's own count (NeMo builds the model through it)."""

import pytest
from adapter_support import HOSTILE_TEXTS, check_hostile, errors, read, shared_config, values, within
from test_adapters_megatron import megatron_counts, planlint_counts, ramp_consumed

from planlint.adapters.nemo import NemoAdapter

ADAPTER = NemoAdapter()


def problems(config):
    return [(p.severity, p.line, p.column, p.message) for p in config.problems]


# Llama 2 70B (Touvron et al. 2023) as a NeMo 1.0 config, its sizes written once and referred to.
LLAMA2_70B = """\
trainer:
  devices: 8
  num_nodes: 64
  precision: bf16-mixed
  max_steps: 500000
model:
  micro_batch_size: 1
  global_batch_size: 1024
  rampup_batch_size: [256, 128, 4000000]
  tensor_model_parallel_size: 8
  pipeline_model_parallel_size: 4
  encoder_seq_length: 4096
  max_position_embeddings: ${.encoder_seq_length}
  num_layers: 80
  hidden_size: 8192
  ffn_hidden_size: 28672
  num_attention_heads: 64
  num_query_groups: 8
  activation: fast-swiglu
  share_embeddings_and_output_weights: false
  make_vocab_size_divisible_by: 128
  tokenizer:
    library: sentencepiece
    model: ${oc.env:TOKENIZER_DIR}/tokenizer.model
  activations_checkpoint_granularity: selective
  data:
    seq_length: ${model.encoder_seq_length}
    data_prefix:
      train: [0.75, /data/web_text_document, 0.25, /data/books_text_document]
      validation: [/data/val_text_document]
      test: [/data/test_text_document]
  optim:
    name: distributed_fused_adam
    lr: 1.5e-4
    sched:
      name: CosineAnnealing
      warmup_ratio: 0.004
      min_lr: 1.5e-5
"""


def test_llama2_70b_config():
    config = ADAPTER.read("llama2_70b.yaml", LLAMA2_70B)
    assert problems(config) == [
        ("info", 22, 3, "the vocabulary comes from the tokenizer (sentencepiece), which planlint does not open")]
    assert config.problems[-1].details == (
        "NeMo pads it to a multiple of 1024 (make_vocab_size_divisible_by 128 x tensor parallelism 8)",)
    ramp = (256, 128, 4_000_000, 1024)  # the Megatron-core calculator NeMo uses, stepped one by one
    got = values(config)
    assert got["data.train_tokens"] == ramp_consumed(500_000, *ramp) * 4096
    assert {k: v for k, v in got.items() if k != "data.train_tokens"} == {
        "model.layers": 80, "model.d_model": 8192, "model.heads": 64, "model.kv_heads": 8, "model.ffn_gated": True,
        "model.ffn_dim": 28672, "model.tied_embeddings": False, "model.context_length": 4096,
        "training.steps": 500_000, "training.global_batch_tokens": 1024 * 4096, "training.peak_lr": 1.5e-4,
        "training.schedule": "cosine", "training.warmup_steps": 2000,  # int(0.004 x 500,000)
        "data.mix": [{"source": "/data/web_text_document", "share": 0.75},
                     {"source": "/data/books_text_document", "share": 0.25}],
        "compute.accelerators": 512, "compute.tensor_parallel": 8, "compute.pipeline_parallel": 4,
        "compute.micro_batch_size": 1, "compute.zero_stage": 1, "compute.recompute": "selective",
        "training.precision": "bf16"}
    assert config.cannot_say == ("data.unique_tokens", "compute.accelerator", "model.vocab_size")
    assert [(s.line, s.column, s.key) for s in config.fields["data.train_tokens"].sources] == [
        (5, 3, "trainer.max_steps"), (8, 3, "model.global_batch_size"), (9, 3, "model.rampup_batch_size"),
        (27, 5, "model.data.seq_length")]
    # Llama 2's 32,000 tokens padded to a multiple of 1,024: 32,768; Megatron-core counts 68.99B (the
    # published 68.98B has the unpadded vocabulary); planlint within 3%
    total, _ = megatron_counts(layers=80, hidden=8192, heads=64, groups=8, ffn=28672, swiglu=True, untied=True,
                               vocab=32768)
    assert within(planlint_counts(config, vocab_size=32768)[0], total)


MOE = """\
trainer: {devices: [0, 1, 2, 3, 4, 5, 6, 7], num_nodes: 4, precision: 16, max_steps: 10000}
model:
  micro_batch_size: 2
  global_batch_size: ${multiply:${.micro_batch_size}, 256}
  encoder_seq_length: 2048
  num_layers: 24
  hidden_size: 2048
  ffn_hidden_size: 5632
  num_attention_heads: 16
  num_query_groups: null
  activation: swiglu
  num_moe_experts: 16
  moe_ffn_hidden_size: 1408
  moe_shared_expert_intermediate_size: 2816
  moe_layer_freq: 2
  tokenizer: {library: megatron, type: GPT2BPETokenizer}
  fsdp: true
  fsdp_sharding_strategy: grad
  data:
    data_prefix: [/data/only_text_document]
  optim: {name: fused_adam, lr: 4e-4, sched: {name: WarmupAnnealing, warmup_steps: 100}}
"""


def test_a_mixture_of_experts_with_a_resolver():
    config = ADAPTER.read("moe.yaml", MOE)
    got = values(config)
    assert got["training.global_batch_tokens"] == 512 * 2048  # ${multiply:2, 256}
    assert got["compute.accelerators"] == 8 * 4  # eight device indices on each of 4 nodes
    assert got["data.train_tokens"] == 10_000 * 512 * 2048
    assert {k: got[k] for k in ("model.experts", "model.experts_per_token", "model.expert_ffn_dim",
                                "model.shared_experts", "model.moe_layers", "model.kv_heads", "compute.zero_stage",
                                "training.precision", "training.schedule", "data.mix", "training.peak_lr")} == {
        "model.experts": 16, "model.experts_per_token": 2,  # NeMo's moe_router_topk default
        "model.expert_ffn_dim": 1408, "model.shared_experts": 2, "model.moe_layers": {"every": 2},
        "model.kv_heads": 16, "compute.zero_stage": 2, "training.precision": "fp16", "training.schedule": "linear",
        "data.mix": [{"source": "/data/only_text_document", "share": 1.0}], "training.peak_lr": 4e-4}
    # Megatron-core's count (moe_layer_freq 2: layers 0, 2, ..., 22 have experts), vocabulary 50,304
    pattern = [1 if i % 2 == 0 else 0 for i in range(24)]
    total, active = megatron_counts(layers=24, hidden=2048, heads=16, ffn=5632, swiglu=True, untied=False,
                                    vocab=50304, experts=16, moe_ffn=1408, topk=2, shared_ffn=2816,
                                    moe_pattern=pattern)
    ours, ours_active = planlint_counts(config, vocab_size=50304)
    assert within(ours, total) and within(ours_active, active)


def test_latent_attention_takes_megatron_cores_defaults():
    text = MOE.replace("  num_query_groups: null\n", "  multi_latent_attention: true\n  q_lora_rank: null\n"
                                                     "  kv_lora_rank: 512\n  qk_pos_emb_head_dim: 64\n")
    config = ADAPTER.read("mla.yaml", text)
    got = values(config)
    # MLATransformerConfig's qk_head_dim 128 and v_head_dim 128 where the file is silent; no query latent
    assert (got["model.mla"], got["model.head_dim"]) == ({"kv_lora_rank": 512, "rope_head_dim": 64, "v_head_dim": 128},
                                                         128)
    assert config.fields["model.mla"].how == "Megatron-core's defaults: qk_head_dim 128, v_head_dim 128"
    assert "model.kv_heads" not in got


def test_what_the_file_cannot_say():
    config = ADAPTER.read("x.yaml", """\
trainer: {devices: -1, num_nodes: 1, max_steps: -1, max_epochs: 3}
model:
  global_batch_size: 64
  encoder_seq_length: 1024
  num_layers: ${oc.env:LAYERS,12}
  hidden_size: 768
  num_attention_heads: 12
  ffn_hidden_size: 3072
  data:
    data_prefix: ???
    seq_length: 2048
""")
    assert problems(config) == [
        ("warning", 5, 3, "model.num_layers depends on the environment variable LAYERS (its default in the config: "
                          "12), which this file cannot say"),
        ("warning", 11, 5, "model.data.seq_length 2,048 differs from model.encoder_seq_length 1,024: NeMo trains on "
                           "sequences of model.data.seq_length"),
        ("info", 2, 1, "the vocabulary comes from the tokenizer, which planlint does not open"),
        ("info", 1, 38, "trainer.max_steps is -1: the training length is trainer.max_epochs over a dataset the config "
                       "does not size, so the tokens are left to the plan"),
        ("info", 10, 5, "model.data.data_prefix is missing (???): the data mix is left to the plan"),
        ("info", 1, 11, "trainer.devices is -1 and num_nodes 1: the accelerators are left to the plan"),
    ]
    assert "model.layers" not in config.fields and "data.train_tokens" not in config.fields


SHARED = {
    # 75,000 steps x 2,048 x 2,048; ffn ${multiply:4, ${.hidden_size}}; GPT-2 BPE padded to 512s (TP 4): 50,688
    "gpt3_175b.yaml": dict(layers=96, d_model=12288, ffn=49152, heads=96, kv_heads=96, tokens=75_000 * 2048 * 2048,
                           accelerators=1024, vocab=50688, megatron=174_571_401_216, active=174_571_401_216,
                           planlint=(174_569_029_632, 174_569_029_632)),
    # 300,000 x 2,048 x 8,192; Llama 3's 128,256 tokens (a multiple of 128)
    "llama3_8b.yaml": dict(layers=32, d_model=4096, ffn=14336, heads=32, kv_heads=8, tokens=300_000 * 2048 * 8192,
                           accelerators=128, vocab=128256, megatron=8_030_261_248, active=8_030_261_248,
                           planlint=(8_029_995_008, 8_029_995_008)),
    # NeMo's base config: GPT-2 small, 100,000 x 8 x 512 (data.seq_length ${model.encoder_seq_length});
    # GPT-2 BPE padded to 128s: 50,304
    "megatron_gpt_config.yaml": dict(layers=12, d_model=768, ffn=3072, heads=12, kv_heads=12,
                                     tokens=100_000 * 8 * 512, accelerators=1, vocab=50304, megatron=123_587_328,
                                     active=123_587_328, planlint=(123_568_128, 123_568_128)),
    # 300,000 x 256 x 4,096; Mixtral's 32,000 tokens; 8 experts, 2 per token
    "mixtral_8x7b.yaml": dict(layers=32, d_model=4096, ffn=14336, heads=32, kv_heads=8, tokens=300_000 * 256 * 4096,
                              accelerators=64, vocab=32000, megatron=46_702_792_704, active=12_879_925_248,
                              planlint=(46_702_526_464, 12_879_659_008)),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("nemo", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == []
    assert ADAPTER.detect(str(path), path.read_text()) == 0.9
    got = values(config)
    assert (got["model.layers"], got["model.d_model"], got["model.ffn_dim"], got["model.heads"],
            got["model.kv_heads"]) == (expected["layers"], expected["d_model"], expected["ffn"], expected["heads"],
                                       expected["kv_heads"])
    assert got["data.train_tokens"] == expected["tokens"]
    assert got["compute.accelerators"] == expected["accelerators"]
    experts = got.get("model.experts")
    total, active = megatron_counts(layers=expected["layers"], hidden=expected["d_model"], heads=expected["heads"],
                                    groups=expected["kv_heads"], ffn=expected["ffn"], swiglu=got["model.ffn_gated"],
                                    untied=not got["model.tied_embeddings"], vocab=expected["vocab"], experts=experts,
                                    moe_ffn=got.get("model.expert_ffn_dim"), topk=got.get("model.experts_per_token", 2))
    assert (round(total), round(active)) == (expected["megatron"], expected["active"])
    ours, ours_active = planlint_counts(config, vocab_size=expected["vocab"])
    assert (ours, ours_active) == expected["planlint"]
    assert within(ours, total) and within(ours_active, active)


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_hostile_text(kind):
    check_hostile(ADAPTER, HOSTILE_TEXTS[kind], "config.yaml")


def test_detect_claims_nemo_configs_only():
    assert ADAPTER.detect("x.yaml", LLAMA2_70B) == 0.9
    assert ADAPTER.detect("x.yaml", "model:\n  d_model: 4096\ntrainer:\n  steps: 3\n") == 0.0
    assert ADAPTER.detect("x.yaml", "planlint: 1\nname: x\n") == 0.0
