"""Pure estimation functions the rules share: no I/O, no printing, every formula cited.

Conventions: N is parameters (embeddings included, as in Chinchilla), D is training tokens,
C is training FLOPs. "6ND" uses active parameters for a mixture of experts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# ---------------------------------------------------------------------------------------
# Training compute
# ---------------------------------------------------------------------------------------


def training_flops(active_params: float, tokens: float) -> float:
    """C = 6ND: 2N FLOPs per token forward, twice that backward (Kaplan et al. 2020, §2.1).
    Exact counts are 0.99-1.10x of 6ND (Hoffmann et al. 2022, Table A4)."""
    return 6.0 * active_params * tokens


def attention_flops(layers: int, d_model: int, context: int, tokens: float) -> float:
    """The attention term 6ND leaves out: 12 x L x H x Q x T per token, with H x Q = d_model and
    T the sequence length (Chowdhery et al. 2022, PaLM, App. B; it is how PaLM counts MFU)."""
    return 12.0 * layers * d_model * context * tokens


def gpu_hours_for(flops: float, peak_flops: float, mfu: float) -> float:
    """Accelerator-hours = C / (3600 x peak x MFU) (the reference's §6.5)."""
    return flops / (3600.0 * peak_flops * mfu)


def implied_mfu(flops: float, gpu_hours: float, peak_flops: float) -> float:
    """The MFU at which ``gpu_hours`` deliver ``flops``: C / (GPU-h x 3600 x peak)."""
    return flops / (gpu_hours * 3600.0 * peak_flops)


# ---------------------------------------------------------------------------------------
# Training memory
# ---------------------------------------------------------------------------------------

# Mixed-precision Adam: fp16 weights and gradients (2 + 2 bytes) plus fp32 weights, momentum
# and variance (4 + 4 + 4): "16 Psi bytes" (Rajbhandari et al. 2019, ZeRO, §3.1).
MODEL_STATE_BYTES_PER_PARAM = 16.0


def model_state_bytes(params: float, zero_stage: int = 0, devices: int = 1) -> float:
    """Per-accelerator model states under ZeRO data parallelism over ``devices``
    (Rajbhandari et al. 2019, Fig. 1): stage 1 shards the 12 bytes of optimizer state,
    stage 2 also the 2 of gradients, stage 3 also the 2 of weights."""
    n = max(devices, 1)
    if zero_stage == 0:
        per_param = 16.0
    elif zero_stage == 1:
        per_param = 4.0 + 12.0 / n
    elif zero_stage == 2:
        per_param = 2.0 + 14.0 / n
    elif zero_stage == 3:
        per_param = 16.0 / n
    else:
        raise ValueError(f"ZeRO stages are 0 to 3, not {zero_stage}")
    return per_param * params


def activation_bytes(layers: int, d_model: int, heads: int, context: int, micro_batch: int = 1) -> float:
    """Activations kept for the backward pass in 16-bit, without recomputation or tensor
    parallelism: s b h (34 + 5 a s / h) bytes per layer (Korthikanti et al. 2022, Eq. 1)."""
    s, b, h, a = context, micro_batch, d_model, heads
    return layers * s * b * h * (34.0 + 5.0 * a * s / h)


# ---------------------------------------------------------------------------------------
# Parameters from the shape
# ---------------------------------------------------------------------------------------


def params_from_shape(layers: int, d_model: int, heads: int | None = None, kv_heads: int | None = None,
                      vocab_size: int | None = None, ffn_dim: int | None = None, ffn_gated: bool = False,
                      tied_embeddings: bool = False) -> float:
    """Weights of a decoder-only transformer, biases and norms left out (under 0.1%):
    attention Q and O (2 d^2) plus K and V (2 d x kv_heads x d_head, grouped-query attention);
    feed-forward 2 d f, or 3 d f when gated (SwiGLU; Shazeer 2020), f = 4d by default
    (Kaplan et al. 2020: N = 12 L d^2); embeddings V d, twice unless tied."""
    # K and V are d_model wide unless grouped: kv_heads x d_head, which needs the head count
    kv_width = d_model if not (heads and kv_heads) else kv_heads * d_model / heads
    attention = 2 * d_model * d_model + 2 * d_model * kv_width
    ffn = ffn_dim or 4 * d_model
    feed_forward = (3 if ffn_gated else 2) * d_model * ffn
    embeddings = (vocab_size or 0) * d_model * (1 if tied_embeddings else 2)
    return layers * (attention + feed_forward) + embeddings


# ---------------------------------------------------------------------------------------
# Parametric loss fits L(N, D) = E + A / N^alpha + B / D^beta
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LossFit:
    key: str
    label: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float

    def loss(self, params: float, tokens: float) -> float:
        """Predicted final pre-training loss (nats/token) of N params trained on D tokens."""
        return self.E + self.A / params**self.alpha + self.B / tokens**self.beta

    @property
    def G(self) -> float:
        """G = (alpha A / (beta B))^(1 / (alpha + beta)) (Hoffmann et al. 2022, Eq. 4)."""
        return (self.alpha * self.A / (self.beta * self.B)) ** (1.0 / (self.alpha + self.beta))

    @property
    def a(self) -> float:
        return self.beta / (self.alpha + self.beta)

    @property
    def b(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    def optimal_split(self, flops: float) -> tuple[float, float]:
        """Compute-optimal (N, D) for C under C = 6ND: N = G (C/6)^a, D = G^-1 (C/6)^b
        (Hoffmann et al. 2022, Eq. 4)."""
        half = flops / 6.0
        return self.G * half**self.a, half**self.b / self.G

    def optimal_loss(self, flops: float) -> float:
        params, tokens = self.optimal_split(flops)
        return self.loss(params, tokens)

    def flops_for_loss(self, loss: float) -> float:
        """The least compute whose compute-optimal model reaches ``loss`` (inf if loss <= E).

        On the frontier alpha A N^-alpha = beta B D^-beta, so L - E = B (1 + beta/alpha) D^-beta
        with D = G^-1 (C/6)^b; solving for C gives the closed form below.
        """
        gap = loss - self.E
        if gap <= 0:
            return math.inf
        scale = self.B * (1.0 + self.beta / self.alpha) * self.G**self.beta
        return 6.0 * (gap / scale) ** (-1.0 / (self.b * self.beta))

    def compute_waste(self, params: float, tokens: float) -> float:
        """Share of the plan's 6ND compute that a compute-optimal split would not need to reach
        the same predicted loss: 1 - C*(L(N, D)) / 6ND. Zero on the frontier."""
        spent = training_flops(params, tokens)
        needed = self.flops_for_loss(self.loss(params, tokens))
        return max(0.0, 1.0 - needed / spent)


# Besiroglu, Erdil, Barnett, You 2024, "Chinchilla Scaling: A replication attempt",
# arXiv:2404.10102: the refit of Hoffmann's Approach 3 (point estimates).
BESIROGLU_2024 = LossFit("besiroglu2024", "Besiroglu et al. 2024 refit", E=1.8172, A=482.01, B=2085.43,
                         alpha=0.3478, beta=0.3658)
# Hoffmann et al. 2022, Approach 3, with the unrounded constants of the paper's TeX source
# (E = exp(0.5267228), A = exp(6.0073404), B = exp(6.0179186)).
HOFFMANN_2022 = LossFit("hoffmann2022", "Hoffmann et al. 2022 (unrounded)", E=math.exp(0.5267228),
                        A=math.exp(6.0073404), B=math.exp(6.0179186), alpha=0.33917084, beta=0.2849083)

# The ~20 tokens/parameter baseline: Hoffmann et al. 2022, Table 3 (Approach 1) gives 20-22
# tokens per parameter at every scale; Besiroglu et al. 2024's refit gives 16-23.
CHINCHILLA_TOKENS_PER_PARAM = 20.0


@dataclass(frozen=True)
class TokensPerParamRule:
    """The plain rule of thumb: D = 20 N, so N = sqrt(C / 120) under C = 6ND. It has no loss
    function, so it predicts no loss and prices no waste."""

    key: str = "rule-20"
    label: str = "20 tokens/param rule"
    ratio: float = CHINCHILLA_TOKENS_PER_PARAM

    def optimal_split(self, flops: float) -> tuple[float, float]:
        params = math.sqrt(flops / (6.0 * self.ratio))
        return params, self.ratio * params


RULE_OF_20 = TokensPerParamRule()
FITS = {fit.key: fit for fit in (BESIROGLU_2024, HOFFMANN_2022, RULE_OF_20)}


def inference_optimal(fit: LossFit, loss: float, inference_tokens: float) -> tuple[float, float] | None:
    """(N, D) reaching ``loss`` with the least training plus inference compute,
    6ND + 2N x inference_tokens (Sardana et al. 2023, "Beyond Chinchilla-Optimal", §2).

    On the loss contour D(N) = (B / (L - E - A/N^alpha))^(1/beta); the total is convex in
    log N on (N_min, inf), so a golden-section search finds the minimum. None if the loss is
    out of the fit's reach (at or below E).
    """
    gap = loss - fit.E
    if gap <= 0:
        return None
    n_min = (fit.A / gap) ** (1.0 / fit.alpha)  # below this no amount of data reaches the loss

    def tokens(params: float) -> float:
        return (fit.B / (gap - fit.A / params**fit.alpha)) ** (1.0 / fit.beta)

    def total(log_n: float) -> float:
        params = math.exp(log_n)
        return 6.0 * params * tokens(params) + 2.0 * params * inference_tokens

    low, high = math.log(n_min) + 1e-9, math.log(n_min) + 12.0
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = total(a), total(b)
    for _ in range(200):
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = total(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = total(b)
        if high - low < 1e-10:
            break
    params = math.exp((low + high) / 2.0)
    return params, tokens(params)


# ---------------------------------------------------------------------------------------
# Repeated data (Muennighoff et al. 2023, "Scaling Data-Constrained Language Models")
# ---------------------------------------------------------------------------------------

# R_D*: the "half-life" of repeated data, fitted in App. A.
R_D_STAR = 15.387756


def effective_tokens(train_tokens: float, unique_tokens: float, r_star: float = R_D_STAR) -> float:
    """D' = U + U R* (1 - exp(-R / R*)), U = min(unique, train), R = D / U - 1 (Eq. 5)."""
    used = min(unique_tokens, train_tokens)
    repeats = train_tokens / used - 1.0
    return used + used * r_star * (1.0 - math.exp(-repeats / r_star))


def epochs(train_tokens: float, unique_tokens: float) -> float:
    return train_tokens / unique_tokens


# ---------------------------------------------------------------------------------------
# Serving: a roofline model of decoding
# ---------------------------------------------------------------------------------------

BYTES_PER_PARAM = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}


def kv_cache_bytes(layers: int, kv_heads: int, head_dim: float, context: int, batch: int,
                   bytes_per_value: float = 2.0) -> float:
    """K and V for every layer, KV head and position: 2 x bytes x layers x kv_heads x d_head,
    per token (kipply, "Transformer Inference Arithmetic"; vLLM's PagedAttention)."""
    return 2.0 * bytes_per_value * layers * kv_heads * head_dim * context * batch


@dataclass(frozen=True)
class DecodeEstimate:
    weight_bytes: float
    kv_bytes: float
    memory_time_s: float
    compute_time_s: float
    tokens_per_second: float
    usd_per_million_tokens: float | None

    @property
    def step_time_s(self) -> float:
        return max(self.memory_time_s, self.compute_time_s)

    @property
    def bound(self) -> str:
        return "memory" if self.memory_time_s >= self.compute_time_s else "compute"


def decode_roofline(active_params: float, served_params: float, bytes_per_param: float, batch: int,
                    accelerators: int, peak_flops: float, bandwidth: float, kv_bytes: float = 0.0,
                    bandwidth_efficiency: float = 1.0, compute_efficiency: float = 1.0,
                    usd_per_hour: float | None = None) -> DecodeEstimate:
    """One decode step reads every weight and the batch's KV cache once and does 2N FLOPs per
    sequence: step = max(bytes / bandwidth, 2 N batch / peak) (kipply; Kaplan et al. 2020
    §2.1 for 2N). Tensor parallelism over ``accelerators`` adds their bandwidth and FLOP/s.
    Cost per million tokens = accelerators x $/h / (tokens/s x 3600) x 1e6."""
    weight_bytes = served_params * bytes_per_param
    memory_time = (weight_bytes + kv_bytes) / (bandwidth * bandwidth_efficiency * accelerators)
    compute_time = 2.0 * active_params * batch / (peak_flops * compute_efficiency * accelerators)
    tokens_per_second = batch / max(memory_time, compute_time)
    cost = None
    if usd_per_hour is not None:
        cost = accelerators * usd_per_hour / (tokens_per_second * 3600.0) * 1e6
    return DecodeEstimate(weight_bytes, kv_bytes, memory_time, compute_time, tokens_per_second, cost)


# ---------------------------------------------------------------------------------------
# Plan-level serving estimate (shared by PL401 serve-cost-overrun and PL402 serve-memory)
# ---------------------------------------------------------------------------------------

# Usable share of accelerator memory: runtimes reserve the rest (vLLM's default
# gpu_memory_utilization is 0.9).
USABLE_MEMORY_FRACTION = 0.9


@dataclass(frozen=True)
class ServingEstimate:
    accelerator: object  # planlint.accelerators.Accelerator
    accelerators: int
    precision: str
    batch: int
    context: int | None
    served_params: float
    active_params: float
    kv_counted: bool
    decode: DecodeEstimate
    memory_bytes: float  # usable memory of the replica
    assumed: tuple[str, ...]  # defaults the plan did not state

    @property
    def needed_bytes(self) -> float:
        return self.decode.weight_bytes + self.decode.kv_bytes

    @property
    def fits(self) -> bool:
        return self.needed_bytes <= self.memory_bytes


def serving_estimate(plan, bandwidth_efficiency: float = 1.0, compute_efficiency: float = 1.0,
                     batch: int | None = None, precision: str | None = None,
                     usable_memory_fraction: float = USABLE_MEMORY_FRACTION) -> ServingEstimate | None:
    """The decode roofline for the plan's serving section; None without a known accelerator.

    ``batch`` and ``precision`` override the plan's, to price alternatives for a fix.
    """
    serving = plan.serving
    if serving is None:
        return None
    accelerator = plan.accelerator(serving.accelerator)
    if accelerator is None:
        return None
    assumed = []
    model = plan.model
    same_model = serving.params is None or serving.params == model.params
    served = model.params if serving.params is None else serving.params
    active = model.active if same_model else served
    if precision is None:
        precision = serving.precision or "bf16"
        if serving.precision is None:
            assumed.append("bf16 weights")
    if batch is None:
        batch = serving.batch_size or 1
        if serving.batch_size is None:
            assumed.append("batch 1")
    count = serving.accelerators or 1
    context = serving.context_length or model.context_length
    kv = 0.0
    kv_counted = False
    if same_model and model.layers and model.d_model and model.heads and context:
        kv_value_bytes = 4.0 if precision == "fp32" else 2.0  # the KV cache stays in 16-bit
        kv = kv_cache_bytes(model.layers, model.kv_head_count, model.d_model / model.heads, context, batch,
                            kv_value_bytes)
        kv_counted = True
    decode = decode_roofline(active, served, BYTES_PER_PARAM[precision], batch, count, accelerator.peak_flops,
                             accelerator.bandwidth_bytes, kv, bandwidth_efficiency, compute_efficiency,
                             serving.usd_per_gpu_hour)
    return ServingEstimate(accelerator, count, precision, batch, context, served, active, kv_counted, decode,
                           accelerator.memory_bytes * count * usable_memory_fraction, tuple(assumed))
