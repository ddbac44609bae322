"""The Megatron-LM adapter on launch scripts and argument files written for these tests from
Megatron-LM's argument definitions (megatron/training/arguments.py) and the shapes of published
models; parameters checked against Megatron-LM's own count, train tokens against Megatron-LM's
own batch arithmetic, both restated below."""

from __future__ import annotations

import textwrap

import pytest
from adapter_support import HOSTILE_TEXTS, check_hostile

from planlint import model, numbers
from planlint.adapters import FIELDS, plan_data
from planlint.adapters.megatron import BatchSchedule, MegatronAdapter, iterations_for_samples, samples_in

ADAPTER = MegatronAdapter()
SHARED: dict = {}  # ../shared/configs holds no Megatron-LM scripts: the ones below are written for these tests


def read(text: str, path: str = "train.sh"):
    return ADAPTER.read(path, textwrap.dedent(text))


def values(config) -> dict:
    return {name: derived.value for name, derived in config.fields.items()}


def problems(config) -> list[tuple]:
    return [(p.severity, p.line, p.column, p.message) for p in config.problems]


def planlint_counts(config, **extra_model) -> tuple[float, float]:
    """planlint's count of the derived shape, as the rules see it."""
    data = plan_data(config)
    plan = model.build({"planlint": 1, "name": "launch", "model": {**data["model"], "params": 1, **extra_model},
                        "data": {"train_tokens": 1}})
    out = numbers.compute(plan)
    return out["shape_params"], out["shape_active_params"]


def megatron_counts(*, layers, hidden, heads, vocab, ffn, swiglu, untied, kv_channels=None, groups=None,
                    experts=None, moe_ffn=None, topk=2, shared_ffn=0, moe_pattern=None, mla=None):
    """Total and active parameters as Megatron-LM itself counts them: compute_weight_and_optimizer_memory
    in megatron/training/theoretical_memory_usage.py, restated term by term (RMSNorm, no biases)."""
    norm = 1
    kv_channels = kv_channels or hidden // heads
    groups = groups or heads
    glu = 3 / 2 if swiglu else 1
    if mla:
        head, rope, v, kv_rank, q_rank = mla["qk_head_dim"], mla["rope"], mla["v_head_dim"], mla["kv_rank"], \
            mla.get("q_rank")
        q_term = hidden * heads * (head + rope) if q_rank is None else q_rank * (hidden + heads * (head + rope) + norm)
        attention = q_term + kv_rank * (hidden + heads * (head + v) + norm) + hidden * rope + heads * v * hidden
    else:
        attention = 2 * hidden * hidden * ((1 + groups / heads) * (kv_channels * heads / hidden))
    pattern = moe_pattern if moe_pattern is not None else ([1] * layers if experts else [0] * layers)
    moe_layers, dense_layers = sum(pattern), layers - sum(pattern)
    dense_mlp = 2 * hidden * ffn * glu
    shared = 2 * hidden * shared_ffn * glu
    routed = 2 * hidden * (moe_ffn or 0) * (experts or 0) * glu
    active_routed = 2 * hidden * (moe_ffn or 0) * topk * glu if experts else 0
    layernorm = 2 * hidden * norm
    router = hidden * experts if experts else 0
    dense_layer = attention + dense_mlp + layernorm
    moe_layer = attention + shared + routed + layernorm + router
    active_moe_layer = attention + shared + active_routed + layernorm + router
    embedding = hidden * vocab * (2 if untied else 1)
    total = dense_layer * dense_layers + moe_layer * moe_layers + norm * hidden + embedding
    active = dense_layer * dense_layers + active_moe_layer * moe_layers + norm * hidden + embedding
    return total, active


def ramp_batch(consumed, start, increment, ramp_samples, final):
    """RampupBatchsizeNumMicroBatchesCalculator.update (megatron/core/num_microbatches_calculator.py,
    before April 2026), restated."""
    if consumed > ramp_samples:
        return final
    per_increment = ramp_samples / ((final - start) // increment)
    return start + int(consumed / per_increment) * increment


def ramp_consumed(steps, *ramp):
    """Samples consumed by ``steps`` training iterations, one by one as the training loop runs them."""
    consumed = 0
    for _ in range(steps):
        consumed += ramp_batch(consumed, *ramp)
    return consumed


def ramp_steps_until(samples, *ramp):
    consumed = steps = 0
    while consumed < samples:
        consumed += ramp_batch(consumed, *ramp)
        steps += 1
    return steps


LLAMA3_8B = """\
    #!/usr/bin/env bash
    # Llama 3 8B (Meta 2024) pre-trained on 16 nodes of 8 GPUs: 15T tokens at 8K context.
    set -euo pipefail

    NODES=16
    GPUS=8
    SEQ=${SEQ:-8192}
    GBS=1024
    TOKENS_B=15000                      # billions of tokens, as samples below
    TRAIN_SAMPLES=$(( TOKENS_B * 1000000000 / SEQ ))

    read -r -a PARALLEL <<< "--tensor-model-parallel-size 4 --pipeline-model-parallel-size 1"

    MODEL=(
        --num-layers 32 --hidden-size 4096
        --ffn-hidden-size 14336 --swiglu
        --num-attention-heads 32
        --group-query-attention --num-query-groups 8   # 8 key/value heads
        --seq-length "$SEQ" --max-position-embeddings "$SEQ"
        --untie-embeddings-and-output-weights
        --normalization RMSNorm --position-embedding-type rope
        --tokenizer-type NullTokenizer --vocab-size 128256
    )
    TRAIN=(
      --micro-batch-size 1 --global-batch-size $GBS
      --train-samples $TRAIN_SAMPLES
      --lr 3e-4 --lr-warmup-samples 2048000 --lr-decay-style cosine
      --bf16 --use-distributed-optimizer --recompute-activations --use-flash-attn
    )
    DATA="0.6 /data/web_text_document 0.3 /data/code_text_document 0.1 /data/math_text_document"

    torchrun --nproc_per_node $GPUS --nnodes $NODES pretrain_gpt.py \\
        "${MODEL[@]}" "${PARALLEL[@]}" \\
        "${TRAIN[@]}" \\
        --data-path $DATA --split 99,1,0
    """


def test_llama3_8b_script():
    config = read(LLAMA3_8B)
    assert problems(config) == []
    samples = 15000 * 10 ** 9 // 8192  # $(( TOKENS_B * 1000000000 / SEQ )) = 1,831,054,687
    steps = samples // 1024  # update_train_iters: train_samples // global batch = 1,788,139
    assert values(config) == {
        "model.layers": 32, "model.d_model": 4096, "model.heads": 32, "model.kv_heads": 8, "model.ffn_gated": True,
        "model.ffn_dim": 14336, "model.tied_embeddings": False,
        "model.vocab_size": 128512,  # 128,256 padded to a multiple of 128 x TP 4 = 512: 251 x 512
        "model.context_length": 8192,
        # 14,999,997,120,512 tokens: the partial batch dropped
        "training.steps": steps, "data.train_tokens": steps * 1024 * 8192,
        "training.global_batch_tokens": 1024 * 8192,
        "training.warmup_steps": 2000,  # 2,048,000 warmup samples / 1,024
        "training.peak_lr": 3e-4, "training.schedule": "cosine",
        "data.mix": [{"source": "/data/web_text_document", "share": pytest.approx(0.6)},
                     {"source": "/data/code_text_document", "share": pytest.approx(0.3)},
                     {"source": "/data/math_text_document", "share": pytest.approx(0.1)}],
        "compute.tensor_parallel": 4, "compute.pipeline_parallel": 1, "compute.micro_batch_size": 1,
        "compute.zero_stage": 1, "compute.recompute": "selective", "compute.flash_attention": True,
        "training.precision": "bf16", "compute.accelerators": 128,
    }
    assert config.cannot_say == ("data.unique_tokens", "compute.accelerator")
    assert set(config.fields) <= set(FIELDS)
    # where each value was written: --num-layers 32 on line 15, SEQ's default on line 7, the
    # vocabulary from --vocab-size (line 22) and the tensor parallelism read from a here-string (line 12)
    where = {name: [(s.line, s.column, s.key) for s in d.sources] for name, d in config.fields.items()}
    assert where["model.layers"] == [(15, 18, "--num-layers")]
    assert where["model.context_length"] == [(7, 12, "SEQ"), (19, 5, "--seq-length")]
    assert where["model.vocab_size"] == [(22, 49, "--vocab-size"), (12, 55, "--tensor-model-parallel-size")]
    assert where["compute.accelerators"] == [(6, 6, "GPUS"), (5, 7, "NODES")]
    # Megatron-LM's own count of this shape (theoretical_memory_usage.py): 8.03B; planlint's is within 3%
    expected, _ = megatron_counts(layers=32, hidden=4096, heads=32, groups=8, ffn=14336, swiglu=True, untied=True,
                                  vocab=128512)
    counted, active = planlint_counts(config)
    assert counted == active
    assert abs(counted / expected - 1) < 0.03
    assert round(expected / 1e9, 2) == 8.03


MIXTRAL = """\
    #!/bin/bash
    # Mixtral 8x7B (Jiang et al. 2024): 32 layers of 8 SwiGLU experts, 2 per token, on a SLURM
    # allocation whose node count the scheduler sets.
    NNODES=${SLURM_NNODES:-4}
    GPUS_PER_NODE=8
    SEQ_LEN=4096

    MODEL_ARGS="--num-layers 32 --hidden-size 4096 --ffn-hidden-size 14336 --num-attention-heads 32 \\
      --group-query-attention --num-query-groups 8 --swiglu --untie-embeddings-and-output-weights \\
      --normalization RMSNorm --seq-length $SEQ_LEN --max-position-embeddings 32768"
    MOE_ARGS="--num-experts 8 --moe-router-topk 2 --moe-router-load-balancing-type aux_loss"

    run() {
        torchrun --nnodes "$NNODES" --nproc-per-node "$GPUS_PER_NODE" pretrain_gpt.py $MODEL_ARGS $MOE_ARGS "$@"
    }

    run --tokenizer-type Llama2Tokenizer --tokenizer-model /models/mixtral/tokenizer.model \\
        --micro-batch-size 1 --global-batch-size 1024 --rampup-batch-size 128 128 2000000 \\
        --train-iters 250000 --lr 1e-4 --lr-warmup-iters 2000 --lr-decay-style cosine \\
        --tensor-model-parallel-size 2 --pipeline-model-parallel-size 4 --expert-model-parallel-size 8 \\
        --use-distributed-optimizer --recompute-granularity full --recompute-method uniform --bf16 \\
        --data-path 0.5 /data/en_text_document 0.3 /data/code_text_document 0.2 /data/multilingual_text_document
    """


def test_mixtral_script_with_a_batch_ramp():
    config = read(MIXTRAL)
    assert problems(config) == [
        ("info", 17, 5, "the vocabulary comes from --tokenizer-type Llama2Tokenizer, which planlint does not open"),
        ("info", 18, 51, "Megatron-LM deprecated --rampup-batch-size in April 2026 and ignores it from then on; "
                         "planlint integrates the ramp as the releases that read it run it"),
    ]
    ramp = (128, 128, 2_000_000, 1024)
    consumed = ramp_consumed(250_000, *ramp)  # 252,072,576 sequences, stepped one by one
    got = values(config)
    assert got["data.train_tokens"] == consumed * 4096 == 1_032_489_271_296
    assert got["training.steps"] == 250_000
    assert got["training.global_batch_tokens"] == 1024 * 4096
    # the warmup is 2,000 x 1,024 samples, which the ramp's smaller batches take 5,836 steps to reach
    assert got["training.warmup_steps"] == ramp_steps_until(2000 * 1024, *ramp) == 5836
    assert {k: got[k] for k in ("model.experts", "model.experts_per_token", "model.expert_ffn_dim",
                                "compute.recompute", "compute.zero_stage", "compute.pipeline_parallel")} == {
        "model.experts": 8, "model.experts_per_token": 2, "model.expert_ffn_dim": 14336, "compute.recompute": "full",
        "compute.zero_stage": 1, "compute.pipeline_parallel": 4}
    # the node count is ${SLURM_NNODES:-4}: the scheduler's, so the accelerators are left to the plan
    assert "compute.accelerators" not in config.fields
    assert config.cannot_say == ("data.unique_tokens", "compute.accelerator", "model.vocab_size",
                                 "compute.accelerators")
    # the plan gives the 32,000-token vocabulary (a multiple of 256 already); Megatron-LM counts
    # 46.7B parameters, 12.9B active (Mixtral's published sizes), and so does planlint within 3%
    total, active = megatron_counts(layers=32, hidden=4096, heads=32, groups=8, ffn=14336, swiglu=True, untied=True,
                                    vocab=32000, experts=8, moe_ffn=14336, topk=2)
    counted, counted_active = planlint_counts(config, vocab_size=32000)
    assert (round(total / 1e9, 1), round(active / 1e9, 1)) == (46.7, 12.9)
    assert abs(counted / total - 1) < 0.03 and abs(counted_active / active - 1) < 0.03


GPT3_ARGS = """\
    # GPT-3 175B (Brown et al. 2020, Table 2.1) as Megatron-LM flags: 300B tokens with the batch
    # ramped from 16 to 1,536 sequences over the first 5,859,375 samples (12B tokens).
    --num-layers 96 --hidden-size 12288 --num-attention-heads 96
    --seq-length 2048 --max-position-embeddings 2048
    --micro-batch-size 1 --global-batch-size 1536 --rampup-batch-size 16 16 5859375
    --train-samples 146484375
    --lr 6.0e-5 --min-lr 6.0e-6 --lr-warmup-samples 183105 --lr-decay-style cosine
    --tensor-model-parallel-size 8 --pipeline-model-parallel-size 16
    --tokenizer-type GPT2BPETokenizer --vocab-file gpt2-vocab.json --merge-file gpt2-merges.txt
    --fp16
    """


def test_gpt3_argument_file_with_samples_and_a_ramp():
    config = read(GPT3_ARGS, "gpt3_175b.args")
    ramp = (16, 16, 5_859_375, 1536)
    # update_train_iters (training.py): step while at most the ramp's and the training samples are
    # consumed, then whole global batches of the rest
    iterations, consumed = 0, 0
    while consumed <= 5_859_375 and consumed <= 146_484_375:
        consumed += ramp_batch(consumed, *ramp)
        iterations += 1
    iterations += (146_484_375 - consumed) // 1536
    got = values(config)
    assert got["training.steps"] == iterations == 111_354
    assert got["data.train_tokens"] == ramp_consumed(iterations, *ramp) * 2048 == 299_997_790_208
    assert got["training.warmup_steps"] == ramp_steps_until(183_105, *ramp) == 7028
    assert got["training.precision"] == "fp16" and got["model.tied_embeddings"] is True
    assert got["model.ffn_dim"] == 4 * 12288 and got["model.ffn_gated"] is False
    assert "model.vocab_size" not in got
    assert problems(config)[0] == (
        "info", 9, 1, "the vocabulary comes from --tokenizer-type GPT2BPETokenizer, which planlint does not open")
    vocab = [p for p in config.problems if p.message.startswith("the vocabulary")][0]
    assert vocab.details == ("Megatron-LM pads it to a multiple of 1024 (128 x tensor parallelism 8)",)
    # with the plan's padded GPT-2 vocabulary (50,257 -> 51,200), Megatron-LM counts 174.6B
    total, _ = megatron_counts(layers=96, hidden=12288, heads=96, ffn=4 * 12288, swiglu=False, untied=False,
                               vocab=51200)
    counted, _ = planlint_counts(config, vocab_size=51200)
    assert round(total / 1e9, 1) == 174.6 and abs(counted / total - 1) < 0.03


DEEPSEEK_V2_LITE = """\
    #!/bin/bash
    # DeepSeek-V2-Lite (DeepSeek-AI 2024): 27 layers, multi-head latent attention without a query
    # latent, 64 routed experts (6 per token) and 2 shared ones in every layer but the first.
    MLA=(--multi-latent-attention --kv-lora-rank 512 --qk-head-dim 128 --qk-pos-emb-head-dim 64 --v-head-dim 128)
    MOE=(--num-experts 64 --moe-router-topk 6 --moe-ffn-hidden-size 1408
         --moe-shared-expert-intermediate-size 2816 --moe-layer-freq "([0]*1+[1]*26)")
    python -m torch.distributed.run --nproc_per_node=8 pretrain_gpt.py \\
      --num-layers 27 --hidden-size 2048 --num-attention-heads 16 --ffn-hidden-size 10944 --swiglu \\
      --untie-embeddings-and-output-weights --tokenizer-type NullTokenizer --vocab-size 102400 \\
      "${MLA[@]}" "${MOE[@]}" \\
      --seq-length 4096 --max-position-embeddings 4096 --micro-batch-size 2 --global-batch-size 4608 \\
      --train-iters 300000 \\
      --lr 4.2e-4 --lr-warmup-iters 2000 --bf16
    """


def test_deepseek_v2_lite_script():
    config = read(DEEPSEEK_V2_LITE)
    assert problems(config) == []
    got = values(config)
    assert {k: got[k] for k in ("model.mla", "model.head_dim", "model.experts", "model.experts_per_token",
                                "model.shared_experts", "model.expert_ffn_dim", "model.moe_layers",
                                "compute.accelerators")} == {
        "model.mla": {"kv_lora_rank": 512, "rope_head_dim": 64, "v_head_dim": 128}, "model.head_dim": 128,
        "model.experts": 64, "model.experts_per_token": 6, "model.shared_experts": 2,  # 2,816 / 1,408
        "model.expert_ffn_dim": 1408, "model.moe_layers": {"first_dense": 1}, "compute.accelerators": 8}
    assert "model.kv_heads" not in got  # latent attention has no key/value heads to count
    assert got["data.train_tokens"] == 300_000 * 4608 * 4096
    # Megatron-LM counts 15.71B parameters (the paper: 15.7B), 2.66B of them active; planlint within 3%
    total, active = megatron_counts(layers=27, hidden=2048, heads=16, ffn=10944, swiglu=True, untied=True,
                                    vocab=102400, experts=64, moe_ffn=1408, topk=6, shared_ffn=2816,
                                    moe_pattern=[0] + [1] * 26,
                                    mla={"qk_head_dim": 128, "rope": 64, "v_head_dim": 128, "kv_rank": 512})
    counted, counted_active = planlint_counts(config)
    assert round(total / 1e9, 1) == 15.7
    assert abs(counted / total - 1) < 0.03 and abs(counted_active / active - 1) < 0.03


def test_step_batch_size_schedule():
    config = read("""\
        pretrain_gpt.py --num-layers 24 --hidden-size 2048 --num-attention-heads 16 --seq-length 4096 \\
          --max-position-embeddings 4096 \\
          --micro-batch-size 4 --step-batch-size-schedule "0:256 50B:512 100B:1024" --train-samples 61035156 \\
          --lr 3e-4 --bf16
        """)
    assert problems(config)[1:] == []
    # StepBatchsizeNumMicroBatchesCalculator: thresholds in tokens // 4,096 = samples; update_train_iters
    # steps while fewer than --train-samples are consumed, the last batch whole
    thresholds = [(0, 256), (50 * 10 ** 9 // 4096, 512), (100 * 10 ** 9 // 4096, 1024)]
    consumed = steps = 0
    while consumed < 61_035_156:
        consumed += max(b for t, b in thresholds if consumed >= t)
        steps += 1
    got = values(config)
    assert (got["training.steps"], got["data.train_tokens"]) == (steps, consumed * 4096) == (107_289, 250_001_489_920)
    assert got["training.global_batch_tokens"] == 1024 * 4096


def test_the_schedule_arithmetic_matches_a_step_by_step_run():
    """The segment-by-segment integration against Megatron-LM's calculator stepped one by one."""
    for start, increment, ramp_samples, final in [(16, 16, 5_859_375, 1536), (32, 32, 1000, 96), (1, 3, 7, 13),
                                                  (8, 8, 64, 64), (100, 100, 999_983, 5000)]:
        schedule = BatchSchedule(final, ramp=(start, increment, ramp_samples))
        for steps in (0, 1, 2, 5, 17, 100, 1234, 40_000):
            assert samples_in(schedule, steps) == ramp_consumed(steps, start, increment, ramp_samples, final)
        for train_samples in (1, 50, 999, 5_000, 123_457, 6_000_000):
            iterations, consumed = 0, 0
            while consumed <= ramp_samples and consumed <= train_samples:
                consumed += ramp_batch(consumed, start, increment, ramp_samples, final)
                iterations += 1
            if train_samples > consumed:
                iterations += (train_samples - consumed) // final
            assert iterations_for_samples(schedule, train_samples) == iterations


def test_a_global_batch_that_depends_on_the_accelerators():
    config = read("""\
        torchrun pretrain_gpt.py --num-layers 12 --hidden-size 768 --num-attention-heads 12 --seq-length 1024 \\
            --micro-batch-size 8 --tensor-model-parallel-size 2 --train-iters 10000 --lr 6e-4
        """)
    tokens = config.fields["data.train_tokens"]
    assert tokens.value is None and tokens.needs == ("compute.accelerators",)
    # 64 accelerators over TP 2: 32 data-parallel ranks x micro-batch 8 = 256 sequences a step
    assert tokens.complete({"compute.accelerators": 64}) == 10_000 * 256 * 1024
    assert tokens.complete({"compute.accelerators": 63}) is None  # not a whole number of replicas
    assert plan_data(config, {"compute.accelerators": 64})["training"]["global_batch_tokens"] == 256 * 1024
    assert "training" not in plan_data(config) or "global_batch_tokens" not in plan_data(config)["training"]


def test_traps_are_reported_where_they_are():
    config = read("""\
        #!/bin/bash
        TRAIN=(--micro-batch-size 1 --global-batch-size 512
               --step-batch-size-schedule "0:128 10B:512")
        torchrun --nproc_per_node 8 pretrain_gpt.py \\
            --num-layer 24 --hidden-size 1024 --num-attention-heads 16 \\
            --num-query-groups 4 --seq-length 2048 --train-iters 1000 \\
            ${TRAIN[@]} --lr $LR --data-path 0.3 a 0.7
        """)
    assert problems(config) == [
        ("warning", 3, 42, "'10B:512' is not a flag and follows --step-batch-size-schedule, which takes one value: "
                           "Megatron-LM stops with 'unrecognized arguments'"),
        ("warning", 5, 5, "--num-layer is not a Megatron-LM flag (did you mean --num-layers?): Megatron-LM stops with "
                          "'unrecognized arguments'"),
        ("warning", 6, 5, "--num-query-groups has no effect without --group-query-attention: Megatron-LM builds "
                          "multi-head attention, one key/value head per query head"),
        ("info", 4, 29, "the vocabulary comes from a tokenizer file, which planlint does not open"),
        ("warning", 4, 29, "no --max-position-embeddings: Megatron-LM requires it (arguments.py, validate_args)"),
        ("warning", 2, 29, "Megatron-LM refuses --global-batch-size together with --step-batch-size-schedule "
                           "(arguments.py: 'Cannot specify both')"),
        ("warning", 7, 22, "--lr depends on the environment variable LR, which the script does not assign"),
        ("info", 7, 26, "--data-path lists 3 datasets without weights: Megatron-core weights them by their size, "
                        "which the config cannot say"),
    ]
    assert values(config)["model.kv_heads"] == 16
    assert "model.layers" not in config.fields


def test_values_megatron_refuses():
    config = read("pretrain_gpt.py --num-layers 2 --hidden-size 64 --num-attention-heads 2 --seq-length 128 "
                  "--max-position-embeddings 64 --recompute-granularity ful --lr-decay-style Cosine\n")
    assert problems(config)[:2] == [
        ("warning", 1, 143, "--recompute-granularity 'ful' is not one of full, selective: Megatron-LM refuses it"),
        ("warning", 1, 164, "--lr-decay-style 'Cosine' is not one of constant, linear, cosine, inverse-square-root, "
                            "WSD: Megatron-LM refuses it"),
    ]
    assert ("warning", 1, 116, "--max-position-embeddings 64 is below --seq-length 128: Megatron-LM refuses it") in \
        problems(config)
    assert "compute.recompute" not in config.fields and "training.schedule" not in config.fields


def test_launch_inside_an_undecidable_branch():
    config = read("""\
        if [ -d /checkpoints/latest ]; then
          torchrun pretrain_gpt.py --num-layers 2 --hidden-size 64 --num-attention-heads 2 --micro-batch-size 1 \\
              --global-batch-size 8 --train-iters 10 --seq-length 128 --vocab-size 1000
        fi
        """)
    assert problems(config)[0] == (
        "info", 2, 3, "the command that launches training may not run: it is inside the 'if' at line 1, whose test "
                      "planlint cannot decide")
    assert values(config)["data.train_tokens"] == 10 * 8 * 128
    assert values(config)["model.vocab_size"] == 1024  # 1,000 padded to a multiple of 128


def test_defaults_megatron_applies():
    config = read("pretrain_gpt.py --num-layers 2 --hidden-size 4096 --num-attention-heads 32 --swiglu "
                  "--micro-batch-size 1 --global-batch-size 8 --train-iters 10 --seq-length 128\n")
    got = values(config)
    # arguments.py, validate_args: the SwiGLU width int(4h x 2/3 / 64) x 64; tied embeddings; no warmup,
    # a linear decay, fp32, no sharding and no recomputation unless asked
    assert got["model.ffn_dim"] == 10880 and got["model.tied_embeddings"] is True
    assert (got["training.warmup_steps"], got["training.schedule"], got["training.precision"]) == (0, "linear", "fp32")
    assert (got["compute.zero_stage"], got["compute.recompute"], got["compute.tensor_parallel"]) == (0, "none", 1)
    assert "compute.flash_attention" not in got  # --attention-backend auto: Transformer Engine picks


@pytest.mark.parametrize("text", [
    "", "\x00\x01\x02", "#!/bin/bash\necho hello\n", "torchrun pretrain_gpt.py --num-layers \"32\n",
    "pretrain_gpt.py --num-layers 10 --moe-layer-freq '" + "(" * 500 + "'\n",
    "pretrain_gpt.py --num-layers x --hidden-size 1e999 --lr nan --train-iters -5 --seq-length 0\n",
    "pretrain_gpt.py --num-experts 8 --moe-layer-freq 0 --num-layers 4 --rampup-batch-size 1 0 5 "
    "--global-batch-size 4 --micro-batch-size 1 --train-iters 2 --seq-length 8\n",
    "pretrain_gpt.py " + "--num-layers 1 " * 5000 + "\n",
])
def test_hostile_inputs_never_raise(text):
    config = ADAPTER.read("hostile.sh", text)
    lines = text.split("\n")
    for problem in config.problems:
        assert 1 <= problem.line <= len(lines) and problem.severity in ("error", "warning", "info")
    assert set(config.fields) <= set(FIELDS)


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
def test_hostile_text_of_other_formats(kind):
    check_hostile(ADAPTER, HOSTILE_TEXTS[kind], "train.sh")


def test_detect():
    assert ADAPTER.detect("train.sh", textwrap.dedent(LLAMA3_8B)) == 0.95
    assert ADAPTER.detect("gpt3.args", textwrap.dedent(GPT3_ARGS)) == 0.8
    assert ADAPTER.detect("notes.txt", "the quick brown fox\n") == 0.0
    assert ADAPTER.detect("train.sh", "\x00binary") == 0.0
