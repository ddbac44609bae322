"""GPT-NeoX configs: dashes and underscores, the intermediate_size convention of PR #1309 (and
the configs it did not migrate), a global batch that needs the accelerator count; parameters
against GPT-NeoX's own count of the modules it builds."""

import pytest
from adapter_support import HOSTILE_TEXTS, check_hostile, counted, errors, read, shared_config, values, within
from test_adapters_megatron import planlint_counts

from planlint.adapters.neox import NeoxAdapter

ADAPTER = NeoxAdapter()


def problems(config):
    return [(p.severity, p.line, p.column, p.message) for p in config.problems]


def neox_count(*, vocab, hidden, layers, ffn, heads, kv_heads=None, gated=False, tied=False, biases=True):
    """sum(p.numel()) of GPT-NeoX's GPT2ModelPipe as get_total_params counts it (and as transformers
    counts GPTNeoXForCausalLM): the embedding; per layer the fused QKV projection, the output
    dense layer, two LayerNorms (weight and bias) and the MLP (linear1 of ffn, or of two branches
    when gated, and linear2), with their biases; the final LayerNorm; the output layer unless tied."""
    head_dim = hidden // heads
    kv_heads = kv_heads or heads
    qkv = hidden * (heads + 2 * kv_heads) * head_dim + (heads + 2 * kv_heads) * head_dim * biases
    dense = hidden * hidden + hidden * biases
    norms = 2 * 2 * hidden if biases else 2 * hidden
    up = hidden * ffn * (2 if gated else 1) + ffn * (2 if gated else 1) * biases
    down = ffn * hidden + hidden * biases
    final = 2 * hidden if biases else hidden
    return vocab * hidden * (1 if tied else 2) + layers * (qkv + dense + norms + up + down) + final


# A 1.3B model in GPT-NeoX's own style: JSON with comments, keys with dashes.
NEOX_1_3B = """\
# GPT-NeoX 1.3B on 32 GPUs (model parallel 2), Pile data in three parts
{
  "pipe-parallel-size": 1,
  "model-parallel-size": 2,

  "num-layers": 24,
  "hidden-size": 2048,
  "num-attention-heads": 16,
  "seq-length": 2048,
  "max-position-embeddings": 2048,
  "pos-emb": "rotary",
  "no-weight-tying": true,
  "attention-config": [[["flash"], 24]],

  "optimizer": {"type": "Adam", "params": {"lr": 0.0002, "betas": [0.9, 0.95]}},
  "zero_optimization": {"stage": 2},
  "train_batch_size": 512,
  "train_micro_batch_size_per_gpu": 8,
  "train-iters": 320000,
  "lr-decay-iters": 320000,
  "lr-decay-style": "cosine",
  "warmup": 0.01,
  "checkpoint-activations": false,
  "bf16": {"enabled": true},

  "train-data-paths": ["data/pile_a", "data/pile_b", "data/pile_c"],
  "train-data-weights": [2, 1, 1],
  "tokenizer-type": "HFTokenizer",
}
"""


def test_a_dashed_config():
    config = ADAPTER.read("1-3B.yml", NEOX_1_3B)
    assert problems(config) == [
        ("info", 28, 3, "the vocabulary comes from the tokenizer (HFTokenizer), which planlint does not open")]
    assert config.problems[-1].details == (
        "GPT-NeoX pads it to a multiple of 256 (make_vocab_size_divisible_by 128 x model_parallel_size 2)",)
    assert values(config) == {
        "model.layers": 24, "model.d_model": 2048, "model.heads": 16, "model.kv_heads": 16, "model.ffn_gated": False,
        "model.tied_embeddings": False, "model.context_length": 2048, "model.ffn_dim": 8192,
        "training.steps": 320_000, "compute.micro_batch_size": 8,
        "training.global_batch_tokens": 512 * 2048, "data.train_tokens": 320_000 * 512 * 2048,
        "training.peak_lr": 0.0002, "training.schedule": "cosine", "training.warmup_steps": 3200,
        "data.mix": [{"source": "data/pile_a", "share": 0.5}, {"source": "data/pile_b", "share": 0.25},
                     {"source": "data/pile_c", "share": 0.25}],
        "compute.tensor_parallel": 2, "compute.pipeline_parallel": 1, "compute.zero_stage": 2,
        "compute.recompute": "none", "compute.flash_attention": True, "training.precision": "bf16"}
    where = [(s.line, s.column, s.key) for s in config.fields["model.layers"].sources]
    assert where == [(6, 3, "num-layers")]
    # GPT-NeoX counts 1,415,172,096 with the padded 50,432-token vocabulary (Pythia-1.4B, this shape
    # with 50,304 tokens, is 1,414,647,808); planlint within 3%
    expected = neox_count(vocab=50432, hidden=2048, layers=24, ffn=8192, heads=16)
    assert expected == 1_415_172_096
    assert neox_count(vocab=50304, hidden=2048, layers=24, ffn=8192, heads=16) == 1_414_647_808
    assert within(planlint_counts(config, vocab_size=50432)[0], expected)


def test_the_global_batch_needs_the_accelerators():
    config = ADAPTER.read("x.yml", """\
{"num_layers": 2, "hidden_size": 64, "num_attention_heads": 2, "seq_length": 128,
 "model_parallel_size": 2, "pipe_parallel_size": 2, "train_micro_batch_size_per_gpu": 4,
 "gradient_accumulation_steps": 8, "train_iters": 1000}
""")
    tokens = config.fields["data.train_tokens"]
    assert tokens.needs == ("compute.accelerators",)
    # calculate_derived: data-parallel size 64 / (2 pipe stages x 2) = 16; 4 x 8 x 16 = 512 sequences
    assert tokens.complete({"compute.accelerators": 64}) == 1000 * 512 * 128
    assert tokens.complete({"compute.accelerators": 6}) is None  # not a whole number of replicas


def test_both_spellings_of_one_key():
    config = ADAPTER.read("x.yml", '{"num-layers": 12, "hidden_size": 768, "num_layers": 24}\n')
    assert problems(config)[0] == ("warning", 1, 2, "num-layers and num_layers are one key to GPT-NeoX, which keeps "
                                                    "the last (num_layers)")
    assert values(config)["model.layers"] == 24


def test_swiglu_widths_after_pr_1309():
    def read_ffn(intermediate, multiple=None):
        extra = f', "mlp_multiple_of": {multiple}' if multiple else ""
        config = ADAPTER.read("x.yml", '{"num_layers": 32, "hidden_size": 4096, "num_attention_heads": 32, '
                                       f'"activation": "swiglu", "intermediate_size": {intermediate}{extra}}}')
        return config.fields["model.ffn_dim"].value, [p.message for p in config.problems if p.severity == "warning"]

    # Llama 2 7B: 32768 -> int(32768 x 2/3) = 21845, halves of 10922, rounded up to 256s: 11008
    assert read_ffn(32768, 256) == (11008, [])
    # Llama 2 70B's migrated 86016: 57344 in two branches of 28672
    assert read_ffn(86016) == (28672, [])
    # the width itself, as before PR #1309: a third of it per branch, and an odd split that does not run
    width, warnings = read_ffn(14336)
    assert width == 4778
    assert warnings == [
        "the gate and up projections are 9,558 wide (two halves of 4,779) but the down projection takes 4,778: "
        "GPT-NeoX's MLP fails on its first step",
        "intermediate_size 14,336 with a gated activation builds branches of 4,778 (1.17 x hidden_size): since "
        "gpt-neox PR #1309 intermediate_size is 3 x the branch width, so a 14,336-wide SwiGLU is intermediate_size "
        "43,008"]


SHARED = {
    # the GPT-NeoX-20B paper's run: 96 GPUs over pipe 4 x model 2 = 12 data-parallel replicas of
    # 4 x 32 sequences: 1,536 x 2,048 tokens a step, 150,000 steps; HFTokenizer's 50,277 tokens
    # padded to 256s: 50,432; GPT-NeoX counts 20,554,567,680 (the paper's 20.55B)
    "20B.yml": dict(layers=44, d_model=6144, ffn=24576, kv_heads=64, gated=False, accelerators=96,
                    tokens=150_000 * 1536 * 2048, vocab=50432, neox=20_554_567_680, warnings=[],
                    planlint=20_551_041_024),
    # post-PR #1309: 32768 for Llama 2's 11,008 (mlp_multiple_of 256); no training settings: another
    # file of the run gives them. Llama 2 7B: 6,738,415,616 in transformers (RMSNorm, no biases)
    "llama2-7B.yml": dict(layers=32, d_model=4096, ffn=11008, kv_heads=32, gated=True, accelerators=None, tokens=None,
                          vocab=32000, neox=6_738_415_616, warnings=[], planlint=6_738_149_376),
    # not migrated by PR #1309: 14,336 is Mistral 7B's branch width, which NeoX reads as 3 x 4,778
    # (and whose odd split does not run); planlint reports what NeoX would build, 3.48B, not Mistral's 7.24B
    "mistral-7B.yml": dict(layers=32, d_model=4096, ffn=4778, kv_heads=8, gated=True, accelerators=None, tokens=None,
                           vocab=32000, neox=None, warnings=2, planlint=3_483_107_328),
    # Pythia 160M: 32 x dp; at 32 GPUs, 1,024 x 2,048 tokens a step x 143,000 steps (the Pythia suite's
    # 299.9B); GPT-NeoX counts 162,322,944 with the 50,304-token vocabulary
    "pythia-160M.yml": dict(layers=12, d_model=768, ffn=3072, kv_heads=12, gated=False, accelerators=32,
                            tokens=143_000 * 1024 * 2048, vocab=50304, neox=162_322_944, warnings=[],
                            planlint=162_201_600),
    # Pythia 6.9B: 8 x 2 x dp over model parallel 2; at 128 GPUs, 1,024 sequences; 6,857,302,016
    "pythia-6-9B.yml": dict(layers=32, d_model=4096, ffn=16384, kv_heads=32, gated=False, accelerators=128,
                            tokens=143_000 * 1024 * 2048, vocab=50432, neox=6_857_302_016, warnings=[],
                            planlint=6_855_589_888),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("neox", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == []
    warnings = [p.message for p in config.problems if p.severity == "warning"]
    assert (len(warnings) if isinstance(expected["warnings"], int) else warnings) == expected["warnings"]
    assert ADAPTER.detect(str(path), path.read_text()) == 0.9
    got = values(config, {"compute.accelerators": expected["accelerators"]})
    assert (got["model.layers"], got["model.d_model"], got["model.ffn_dim"], got["model.kv_heads"],
            got["model.ffn_gated"]) == (expected["layers"], expected["d_model"], expected["ffn"], expected["kv_heads"],
                                        expected["gated"])
    assert got.get("data.train_tokens") == expected["tokens"]
    total, active = planlint_counts(config, vocab_size=expected["vocab"])
    assert total == active == expected["planlint"]  # a dense model: every parameter is active
    if expected["neox"]:
        assert within(total, expected["neox"])
    assert counted(config)[0] < total  # without the vocabulary, the embeddings are not counted


def test_the_published_counts_restated():
    assert neox_count(vocab=50432, hidden=6144, layers=44, ffn=24576, heads=64) == 20_554_567_680
    assert neox_count(vocab=50304, hidden=768, layers=12, ffn=3072, heads=12) == 162_322_944
    assert neox_count(vocab=50432, hidden=4096, layers=32, ffn=16384, heads=32) == 6_857_302_016
    assert neox_count(vocab=32000, hidden=4096, layers=32, ffn=11008, heads=32, gated=True, biases=False) == \
        6_738_415_616


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_hostile_text(kind):
    check_hostile(ADAPTER, HOSTILE_TEXTS[kind], "config.yml")
