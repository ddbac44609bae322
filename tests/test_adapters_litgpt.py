"""LitGPT pretrain YAML: named configs, model_config, the tokens pretrain.py runs, hostile text."""

import pytest
from adapter_support import counted, errors, read, shared_config, values, within

from planlint.adapters.litgpt import MODELS, LitgptAdapter

ADAPTER = LitgptAdapter()


def litgpt_num_parameters(d, layers, heads, groups, intermediate, vocab, mlp="LLaMAMLP", bias=False,
                          norm="RMSNorm", tied=False, experts=0, head_size=None):
    """litgpt.utils.num_parameters(GPT(config)), restated from litgpt/model.py: wte, per Block
    norm_1, attn.qkv (d x (heads + 2 x groups) x head_size), attn.proj, norm_2 and the MLP
    (GptNeoxMLP: fc, proj; LLaMAMLP: fc_1, fc_2, proj; LLaMAMoE: gate and n_expert LLaMAMLPs),
    biases where config.bias, then ln_f and lm_head (tied: the embedding once)."""
    hs = head_size or d // heads
    norm_weights = d * (2 if norm == "LayerNorm" else 1)
    qkv = d * (heads + 2 * groups) * hs + ((heads + 2 * groups) * hs if bias else 0)
    proj = heads * hs * d + (d if bias else 0)
    if mlp == "GptNeoxMLP":
        ffn = 2 * d * intermediate + ((intermediate + d) if bias else 0)
    else:
        ffn = 3 * d * intermediate + ((2 * intermediate + d) if bias else 0)
    if experts:
        ffn = d * experts + experts * ffn
    block = 2 * norm_weights + qkv + proj + ffn
    return vocab * d * (1 if tied else 2) + layers * block + norm_weights


PYTHIA = """\
model_name: pythia-160m
out_dir: out/pretrain/pythia-160m
precision: 16-mixed
data: TinyStories
train:
  global_batch_size: 1024
  micro_batch_size: 8
  lr_warmup_steps: 1500
  max_tokens: 300000000000
  max_seq_length: 2048
optimizer:
  class_path: torch.optim.AdamW
  init_args:
    lr: 6e-4
devices: 8
num_nodes: 2
"""


def test_pythia_160m_on_two_nodes_of_eight():
    config = ADAPTER.read("pythia.yaml", PYTHIA)
    got = values(config)
    # 16 devices: (3e11 // 16) // (8 x 2048) = 1,144,409 iterations of 16,384 tokens on each device
    assert got["data.train_tokens"] == 1_144_409 * 16_384 * 16 == 299_999_952_896
    # (1024 // 16) // 8 = 8 accumulation steps of 8 sequences on 16 devices
    assert got["training.global_batch_tokens"] == 8 * 8 * 16 * 2048
    assert (got["model.ffn_dim"], got["model.ffn_gated"], got["model.vocab_size"]) == (3072, False, 50304)
    assert (got["compute.zero_stage"], got["training.precision"], got["training.peak_lr"]) == (3, "fp16", 6e-4)
    assert (got["training.warmup_steps"], got["training.schedule"], got["model.tied_embeddings"]) == (
        1500, "cosine", False)
    assert "data.mix" not in got  # TinyStories: one source
    assert got["compute.accelerators"] == 16 and "compute.accelerators" not in config.cannot_say
    assert config.problems == []


def test_pythia_160m_params_match_litgpts_count():
    theirs = litgpt_num_parameters(768, 12, 12, 12, 3072, 50304, mlp="GptNeoxMLP", bias=True, norm="LayerNorm")
    assert theirs == 162_322_944  # EleutherAI's published pythia-160m count
    ours, _ = counted(ADAPTER.read("pythia.yaml", PYTHIA))
    assert within(ours, theirs)  # planlint leaves out biases and norms (1.4%)


MODEL_CONFIG = """\
model_config:
  name: custom-1b
  block_size: 4096
  n_layer: 16
  n_embd: 2048
  n_head: 32
  n_query_groups: 8
  vocab_size: 128000
  padded_vocab_size: 128256
  bias: false
  norm_class_name: RMSNorm
  mlp_class_name: LLaMAMLP
  intermediate_size: 8192
train:
  global_batch_size: 512
  micro_batch_size: 4
  max_tokens: 1000000000000
  tie_embeddings: true
devices: auto
"""


def test_model_config_with_devices_auto_needs_the_accelerators():
    config = ADAPTER.read("custom.yaml", MODEL_CONFIG)
    got = values(config, {"compute.accelerators": 64})
    # no max_seq_length: block_size 4096; (1e12 // 64) // (4 x 4096) = 953,674 iterations x 16,384 x 64
    assert got["model.context_length"] == 4096
    assert got["data.train_tokens"] == 953_674 * 16_384 * 64 == 999_999_668_224
    assert got["training.global_batch_tokens"] == 2 * 4 * 64 * 4096  # (512 // 64) // 4 = 2 accumulation steps
    assert config.fields["data.train_tokens"].needs == ("compute.accelerators",)
    assert "compute.accelerators" in config.cannot_say  # devices: auto
    assert (got["model.kv_heads"], got["model.vocab_size"], got["model.tied_embeddings"]) == (8, 128256, True)
    assert got["training.warmup_steps"] == 2000  # pretrain.py's default lr_warmup_steps
    ours, _ = counted(config)
    theirs = litgpt_num_parameters(2048, 16, 32, 8, 8192, 128256, tied=True)
    assert within(ours, theirs)  # Llama 3.2 1B's shape: Meta's published 1.24B


def test_mixtral_moe_within_3_percent():
    config = ADAPTER.read("m.yaml", "model_name: Mixtral-8x7B-v0.1\ntrain:\n  max_seq_length: 4096\n")
    ours, active = counted(config)
    theirs = litgpt_num_parameters(4096, 32, 32, 8, 14336, 32000, mlp="LLaMAMoE", experts=8)
    assert within(ours, theirs)  # Mistral's published 46.7B
    assert within(active, 12.9e9)  # and 12.9B active


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_named_config_counts_within_3_percent_of_litgpt(name):
    entry = MODELS[name]
    config = ADAPTER.read("n.yaml", f"model_name: {name}\n")
    d = entry.get("n_embd", 4096)
    heads = entry.get("n_head", 32)
    mlp = entry.get("mlp_class_name", "GptNeoxMLP")
    vocab = entry.get("padded_vocab_size") or -(-entry.get("vocab_size", 50254) // entry.get(
        "padding_multiple", 512)) * entry.get("padding_multiple", 512)
    theirs = litgpt_num_parameters(d, entry.get("n_layer", 16), heads, entry.get("n_query_groups") or heads,
                                   entry.get("intermediate_size") or 4 * d, vocab, mlp=mlp, bias=entry.get("bias", True),
                                   norm=entry.get("norm_class_name", "LayerNorm"), experts=entry.get("n_expert", 0))
    assert within(counted(config)[0], theirs)


def test_unknown_model_name_is_left_to_the_plan():
    config = ADAPTER.read("u.yaml", "model_name: my-model\ntrain:\n  max_tokens: 1000\n")
    assert [(p.line, p.column, p.severity, p.message) for p in config.problems] == [
        (1, 1, "info", "LitGPT model_name 'my-model' is not one planlint knows; its shape is left to the plan")]
    assert "model.layers" not in config.fields


# -- the published configs -------------------------------------------------------------------------

SHARED = {
    # tiny-llama-1.1b: 22 layers of 2048, 4 query groups, LLaMAMLP 5632, 32000 vocab, untied;
    # LitGPT's own count 1,100,048,384 (TinyLlama's published 1.1B). Tokens on 64 devices:
    # (3e12 // 64) // (4 x 2048) = 5,722,045 iterations x 8,192 x 64
    "tinyllama.yaml": dict(params=1_099_956_224, tokens=5_722_045 * 8192 * 64, theirs=litgpt_num_parameters(
        2048, 22, 32, 4, 5632, 32000), mix=[("slimpajama", 0.693584), ("starcoder", 0.306416)], tied=False),
    # micro-llama-300M: (3e12 // 64) // (12 x 2048) = 1,907,348 iterations x 24,576 x 64
    "microllama.yaml": dict(params=304_611_328, tokens=1_907_348 * 24576 * 64, theirs=litgpt_num_parameters(
        1024, 12, 16, 4, 5632, 32000), mix=None, tied=False),
    # stories15M from model_config: 6 layers of 288, LLaMAMLP 768, tied (train.tie_embeddings);
    # (9.7e9 // 64) // (128 x 256) = 4,625 iterations x 32,768 x 64
    "tinystories.yaml": dict(params=15_187_968, tokens=4_625 * 32768 * 64, theirs=litgpt_num_parameters(
        288, 6, 6, 6, 768, 32000, tied=True), mix=None, tied=True),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("litgpt", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == [] and config.problems == []
    assert ADAPTER.detect(str(path), path.read_text()) == 0.95
    params, active = counted(config)
    assert params == active == expected["params"]
    assert within(params, expected["theirs"])
    got = values(config, {"compute.accelerators": 64})
    assert got["data.train_tokens"] == expected["tokens"]
    assert got["model.tied_embeddings"] is expected["tied"]
    mix = got.get("data.mix")
    assert (None if mix is None else [(m["source"], m["share"]) for m in mix]) == expected["mix"]


def test_tinyllama_litgpt_count_is_the_published_one():
    assert litgpt_num_parameters(2048, 22, 32, 4, 5632, 32000) == 1_100_048_384




def test_bad_values_are_problems_at_their_keys():
    text = ("model_config:\n  n_layer: 0\n  n_embd: big\n  mlp_class_name: MysteryMLP\ntrain:\n  micro_batch_size: -1\n"
            "precision: 8-bit\n")
    config = ADAPTER.read("bad.yaml", text)
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (2, 3, "n_layer is 0, not a positive whole number"),
        (3, 3, "n_embd is 'big', not a positive whole number"),
        (4, 3, "mlp_class_name 'MysteryMLP' is not a LitGPT MLP (GemmaMLP, GptNeoxMLP, LLaMAMLP, LLaMAMoE)"),
        (6, 3, "train.micro_batch_size is -1, below 1"),
        (7, 1, "precision '8-bit' is not one LitGPT takes (bf16-mixed, bf16-true, 32-true, ...)"),
    ]


def test_what_pretrain_refuses_is_a_problem():
    config = ADAPTER.read("r.yaml", "model_name: pythia-70m\ntrain:\n  max_tokens:\n  epochs: 2\n")
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (3, 3, "train.max_tokens is null: litgpt pretrain requires it"),
        (4, 3, "train.epochs is set: litgpt pretrain does not support it and stops"),
    ]
    assert "data.train_tokens" not in config.fields
