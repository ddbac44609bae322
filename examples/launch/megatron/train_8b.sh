#!/bin/bash
# Pre-training launch for an 8B dense model with Megatron-LM: 64 nodes x 8 H100s.
# planlint reads this script without running it (examples/launch/megatron/llama3-8b.yaml names it).
set -euo pipefail

GPUS_PER_NODE=8
NNODES=64
SEQ_LENGTH=8192
GLOBAL_BATCH=512      # sequences per step: 4.19M tokens
TRAIN_ITERS=476837    # 2.0T tokens

MODEL_ARGS=(
    --num-layers 32
    --hidden-size 4096
    --ffn-hidden-size 14336
    --num-attention-heads 32
    --group-query-attention
    --num-query-groups 8
    --swiglu
    --untie-embeddings-and-output-weights
    --normalization RMSNorm
    --position-embedding-type rope
    --seq-length "$SEQ_LENGTH"
    --max-position-embeddings "$SEQ_LENGTH"
    --vocab-size 128256
)
TRAINING_ARGS=(
    --micro-batch-size 1
    --global-batch-size "$GLOBAL_BATCH"
    --train-iters "$TRAIN_ITERS"
    --lr 3e-4
    --min-lr 3e-5
    --lr-warmup-iters 2000
    --lr-decay-style cosine
    --bf16
    --use-flash-attn
)
PARALLEL_ARGS=(
    --tensor-model-parallel-size 2
    --pipeline-model-parallel-size 1
    --use-distributed-optimizer
)
DATA_ARGS=(
    --data-path 0.8 /data/web/web_text_document 0.15 /data/code/code_text_document 0.05 /data/math/math_text_document
    --tokenizer-type HuggingFaceTokenizer
)

torchrun --nproc_per_node "$GPUS_PER_NODE" --nnodes "$NNODES" pretrain_gpt.py \
    "${MODEL_ARGS[@]}" "${TRAINING_ARGS[@]}" "${PARALLEL_ARGS[@]}" "${DATA_ARGS[@]}"
