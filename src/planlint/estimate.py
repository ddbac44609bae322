"""Pure estimation functions the rules share: no I/O, no printing, every formula cited.

Conventions: N is parameters (embeddings included, as in Chinchilla), D is training tokens,
C is training FLOPs. "6ND" uses active parameters for a mixture of experts.
"""

from __future__ import annotations

import math

from planlint.records import record

# ---------------------------------------------------------------------------------------
# Training compute
# ---------------------------------------------------------------------------------------


def training_flops(active_params: float, tokens: float) -> float:
    """C = 6ND: 2N FLOPs per token forward, twice that backward (Kaplan et al. 2020, §2.1).
    Exact counts are 0.99-1.10x of 6ND (Hoffmann et al. 2022, Table A4)."""
    return 6.0 * active_params * tokens


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


# Activations stored per layer, in units of s b h bytes (Korthikanti et al. 2022, §4 and Table 2,
# 16-bit activations, a GPT layer with a 4h feed-forward): 34 for the layer's tensors, plus
# 5 a s / h for the attention scores, softmax and its dropout mask, which FlashAttention never
# writes to memory and selective recomputation recomputes; with full recomputation only the
# layer's input (2 s b h) is kept. Tensor parallelism with sequence parallelism divides all of
# it by t.
RECOMPUTE_MODES = ("none", "selective", "full")


def activation_bytes(layers: int, d_model: int, heads: int, context: int, micro_batch: int = 1,
                     recompute: str = "none", flash_attention: bool = False, tensor_parallel: int = 1) -> float:
    """Activation memory kept for the backward pass on one accelerator: per layer
    s b h (34 + 5 a s / h) without recomputation, s b h 34 with FlashAttention or selective
    recomputation, 2 s b h with full recomputation; all over t under tensor and sequence
    parallelism (Korthikanti et al. 2022, Eq. 1 and Table 2)."""
    s, b, h, a = context, micro_batch, d_model, heads
    if recompute == "full":
        per_layer = 2.0
    elif recompute == "selective" or flash_attention:
        per_layer = 34.0
    else:
        per_layer = 34.0 + 5.0 * a * s / h
    return layers * s * b * h * per_layer / max(tensor_parallel, 1)


# ---------------------------------------------------------------------------------------
# Parameters from the shape
# ---------------------------------------------------------------------------------------


@record(frozen=True)
class MLA:
    """Multi-head latent attention (DeepSeek-AI 2024, DeepSeek-V2, §2.1): keys and values are
    rebuilt per head from one compressed latent of ``kv_rank`` values, plus a ``rope_dim``-wide
    key shared by all heads that carries the rotary position; queries go through a
    ``q_rank`` latent when it is set."""

    kv_rank: int
    rope_dim: int
    q_rank: int | None = None
    v_head_dim: float | None = None  # default: the shape's head_dim


@record(frozen=True)
class Shape:
    """A decoder-only transformer as the plan declares it, with every default resolved.

    ``experts`` is the number of routed experts in each MoE layer, ``top_k`` how many of them a
    token uses, ``shared_experts`` the experts every token uses (DeepSeekMoE), and
    ``moe_layers`` how many of the ``layers`` have experts in place of the dense feed-forward.
    """

    layers: int
    d_model: int
    heads: int
    kv_heads: int
    head_dim: float
    vocab: int = 0  # 0: embeddings not counted
    ffn_dim: int = 0  # of the dense layers
    gated: bool = False
    tied: bool = False
    experts: int = 0
    top_k: int = 0
    shared_experts: int = 0
    expert_ffn_dim: int = 0
    moe_layers: int = 0
    mla: MLA | None = None

    @property
    def dense_layers(self) -> int:
        return self.layers - self.moe_layers

    @property
    def qk_head_dim(self) -> float:
        """Width of one query or key head, the rotary part of MLA included."""
        return self.head_dim + (self.mla.rope_dim if self.mla else 0)

    @property
    def v_head_dim(self) -> float:
        if self.mla is not None and self.mla.v_head_dim:
            return self.mla.v_head_dim
        return self.head_dim

    def attention_params(self) -> float:
        """One layer's attention weights, biases and norms left out (under 0.1%).

        Standard and grouped-query attention: Q and O are d x heads x head_dim, K and V
        d x kv_heads x head_dim (Ainslie et al. 2023). MLA: the query path (d x q_rank, then
        q_rank x heads x (head_dim + rope_dim); or d x heads x (head_dim + rope_dim) without
        a query latent), the shared down-projection d x (kv_rank + rope_dim), the up-projections
        kv_rank x heads x (head_dim + v_head_dim), and O, heads x v_head_dim x d."""
        d, h = self.d_model, self.heads
        if self.mla is None:
            return 2 * d * h * self.head_dim + 2 * d * self.kv_heads * self.head_dim
        m = self.mla
        q_width = h * self.qk_head_dim
        query = (d * m.q_rank + m.q_rank * q_width) if m.q_rank else d * q_width
        keys_values = d * (m.kv_rank + m.rope_dim) + m.kv_rank * h * (self.head_dim + self.v_head_dim)
        return query + keys_values + h * self.v_head_dim * d

    def ffn_params(self, width: int) -> float:
        """One feed-forward block (or expert) of hidden ``width``: 2 d f, or 3 d f gated (Shazeer 2020)."""
        return (3 if self.gated else 2) * self.d_model * width

    def embedding_params(self) -> float:
        return self.vocab * self.d_model * (1 if self.tied else 2)

    def router_params(self) -> float:
        return self.d_model * self.experts

    def expert_params(self) -> float:
        """One expert of one MoE layer."""
        return self.ffn_params(self.expert_ffn_dim)

    def total_params(self) -> float:
        """Every weight: embeddings, attention, dense feed-forward layers, and in each MoE layer
        every routed and shared expert and the router."""
        moe = (self.experts + self.shared_experts) * self.expert_params() + self.router_params()
        return (self.layers * self.attention_params() + self.dense_layers * self.ffn_params(self.ffn_dim)
                + self.moe_layers * moe + self.embedding_params())

    def active_params(self) -> float:
        """The weights one token uses: all but the routed experts it is not sent to (it uses
        ``top_k`` of them and every shared expert; the router runs for every token). Embeddings
        are counted, as Mixtral's 12.9B and DeepSeek-V2's 21B active parameters count them."""
        moe = (self.top_k + self.shared_experts) * self.expert_params() + self.router_params()
        return (self.layers * self.attention_params() + self.dense_layers * self.ffn_params(self.ffn_dim)
                + self.moe_layers * moe + self.embedding_params())

    def kv_values_per_token(self) -> float:
        """Values cached per token over all layers: K and V of every KV head (2 x kv_heads x
        head_dim), or MLA's latent and rotary key (kv_rank + rope_dim; DeepSeek-V2, Table 1)."""
        if self.mla is not None:
            return self.layers * (self.mla.kv_rank + self.mla.rope_dim)
        return self.layers * 2 * self.kv_heads * self.head_dim


def params_from_shape(layers: int, d_model: int, heads: int | None = None, kv_heads: int | None = None,
                      vocab_size: int | None = None, ffn_dim: int | None = None, ffn_gated: bool = False,
                      tied_embeddings: bool = False) -> float:
    """Weights of a dense decoder-only transformer (``Shape.total_params``): f = 4d by default
    (Kaplan et al. 2020: N = 12 L d^2 without embeddings)."""
    heads = heads or 1
    head_dim = d_model / heads
    shape = Shape(layers, d_model, heads, kv_heads or heads, head_dim, vocab_size or 0, ffn_dim or 4 * d_model,
                  ffn_gated, tied_embeddings)
    return shape.total_params()


# ---------------------------------------------------------------------------------------
# FLOPs per training token, by convention
# ---------------------------------------------------------------------------------------


def attention_score_flops(shape: Shape, context: int, causal: bool) -> float:
    """Forward and backward FLOPs per token of the attention scores and their weighted sum,
    which 6N leaves out: forward 2 T x heads x (qk_head_dim + v_head_dim) per layer (QK^T and
    AV, one multiply-add each), times 3 with the backward pass. PaLM counts the full T x T
    matrices: 12 L H Q T (Chowdhery et al. 2022, App. B); a causal kernel computes only the
    half under the diagonal (Dao 2023, FlashAttention-2, counts causal attention at half)."""
    full = 3.0 * 2.0 * context * shape.heads * (shape.qk_head_dim + shape.v_head_dim) * shape.layers
    return full / 2.0 if causal else full


def hoffmann_exact_flops_per_token(shape: Shape, context: int) -> float:
    """Training FLOPs per token counted as Hoffmann et al. 2022, App. F do: per layer the K, Q
    and V projections, the full T x T logits, the softmax (3 H T), the reduction and the output
    projection, and the feed-forward block; the backward pass is twice the forward. App. F's
    text also lists the embeddings and the final logits, but its Table A4 (exact / 6ND =
    1.03, 1.10, 1.08, 1.04, 1.03, 0.99) comes out only without them, as the authors' own count
    did; this follows the table. Grouped-query attention, gated feed-forwards and experts (those
    a token uses, and the router) are counted as the weights they multiply."""
    t = context
    projections = 2.0 * shape.attention_params()
    logits = 2.0 * t * shape.heads * shape.qk_head_dim
    softmax = 3.0 * shape.heads * t
    reduction = 2.0 * t * shape.heads * shape.v_head_dim
    attention = projections + logits + softmax + reduction
    dense = 2.0 * shape.ffn_params(shape.ffn_dim)
    moe = 2.0 * ((shape.top_k + shape.shared_experts) * shape.expert_params() + shape.router_params())
    forward = shape.layers * attention + shape.dense_layers * dense + shape.moe_layers * moe
    return 3.0 * forward


# ---------------------------------------------------------------------------------------
# Parametric loss fits L(N, D) = E + A / N^alpha + B / D^beta
# ---------------------------------------------------------------------------------------


@record(frozen=True)
class LossFit:
    """A fitted loss law L(N, D) = E + A / N^alpha + B / D^beta, with its source."""

    key: str
    label: str
    E: float
    A: float
    B: float
    alpha: float
    beta: float
    source: str = ""  # where the constants come from, for provenance in every output
    data: str = ""  # what the loss is measured on: nats per token of this data and tokenizer
    params_range: tuple[float, float] | None = None  # the models the fit was made on
    tokens_range: tuple[float, float] | None = None
    # covariance of (ln A, ln B, ln E, alpha, beta) across the fit's bootstrap, for bands
    covariance: tuple[tuple[float, ...], ...] | None = None

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


# Hoffmann et al. 2022's runs: "over 400 language models ranging from 70 million to over 16 billion
# parameters on 5 to 500 billion tokens" (abstract); the losses are nats per token on MassiveText
# with a 32,000-token SentencePiece vocabulary.
HOFFMANN_RUNS = dict(params_range=(70e6, 16e9), tokens_range=(5e9, 500e9),
                     data="MassiveText, SentencePiece 32K tokenizer")
# Besiroglu, Erdil, Barnett, You 2024, "Chinchilla Scaling: A replication attempt",
# arXiv:2404.10102: the refit of Hoffmann's Approach 3 on the 240 points of Fig. 4, with the
# covariance of its 4,000-resample bootstrap (epoch-research/analyzing-chinchilla,
# data_analysis.ipynb: computed there as cov_matrix; its SEs 0.258, 0.421, 0.014, 0.015, 0.021 in
# log-space and 95% intervals A 285-744, B 1042-5810, E 1.769-1.871, alpha 0.317-0.373,
# beta 0.331-0.415 are the published ones).
# The point estimates are the paper's published (rounded) values; the unrounded MLE of the
# notebook, (ln A, ln B, ln E, alpha, beta) = (6.17795598, 7.64273236, 0.59711196, 0.34781303,
# 0.36585412), differs from them in the fourth digit.
BESIROGLU_2024 = LossFit(
    "besiroglu2024", "Besiroglu et al. 2024 refit", E=1.8172, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658,
    source="Besiroglu et al. 2024, arXiv:2404.10102 (E 1.8172, A 482.01, B 2085.43, alpha 0.3478, beta 0.3658)",
    covariance=((6.6655051888e-02, -2.7821039527e-02, 2.1341131052e-03, 3.9733585218e-03, -1.3935599660e-03),
                (-2.7821039527e-02, 1.7736960968e-01, 3.6029576377e-03, -1.7270472977e-03, 8.6742642847e-03),
                (2.1341131052e-03, 3.6029576377e-03, 1.9886822770e-04, 1.2605148113e-04, 1.7551786576e-04),
                (3.9733585218e-03, -1.7270472977e-03, 1.2605148113e-04, 2.3717718240e-04, -8.6562993421e-05),
                (-1.3935599660e-03, 8.6742642847e-03, 1.7551786576e-04, -8.6562993421e-05, 4.2448874181e-04)),
    **HOFFMANN_RUNS)
# Hoffmann et al. 2022, Approach 3, with the unrounded constants of the paper's TeX source
# (E = exp(0.5267228), A = exp(6.0073404), B = exp(6.0179186)).
HOFFMANN_2022 = LossFit("hoffmann2022", "Hoffmann et al. 2022 (unrounded)", E=math.exp(0.5267228),
                        A=math.exp(6.0073404), B=math.exp(6.0179186), alpha=0.33917084, beta=0.2849083,
                        source="Hoffmann et al. 2022, arXiv:2203.15556, App. D.2, unrounded in the TeX source",
                        **HOFFMANN_RUNS)
# Muennighoff et al. 2023, App. B, Eq. 20: the Chinchilla form refitted on C4 (54 runs), with which
# the paper computes its data-constrained law: a 6.255414, b 7.3049974, e 0.6254804,
# alpha = beta = 0.3526596.
MUENNIGHOFF_C4 = LossFit("muennighoff2023", "Muennighoff et al. 2023 C4 fit", E=math.exp(0.6254804),
                         A=math.exp(6.255414), B=math.exp(7.3049974), alpha=0.3526596, beta=0.3526596,
                         source="Muennighoff et al. 2023, arXiv:2305.16264, App. B, Eq. 20",
                         data="C4, GPT-2 tokenizer", params_range=(7e6, 9e9), tokens_range=(100e6, 900e9))

@record(frozen=True)
class JointMoeFit:
    """Ludziejewski et al. 2025, "Joint MoE Scaling Laws" (arXiv:2502.05172), Eq. 1 with the
    Table 3 constants: L(N_act, D, E) = a E'^delta N_act^(alpha + gamma ln E')
    + b E'^omega D^(beta + zeta ln E') + c, where E' is the number of experts E transformed by
    Eq. 4 and N_act counts the active parameters, embeddings included (App. A.1). Fitted on
    top-1 (Switch) mixtures of 1 to 32 experts, 79M to 2.7B active parameters, 0.5B to 80B
    tokens of FineWeb-Edu with the GPT-2 tokenizer: up to about 5e20 FLOPs (App. E)."""

    key: str = "ludziejewski2025"
    label: str = "Ludziejewski et al. 2025 joint MoE law"
    a: float = 35.91
    alpha: float = -0.1889
    delta: float = -0.2285
    gamma: float = 0.0098
    b: float = 35.98
    beta: float = -0.1775
    omega: float = 0.5529
    zeta: float = -0.0259
    e_start: float = 2.0732
    e_max: float = 290.4521
    c: float = 1.3637
    max_experts: int = 32  # the fit's range of E
    max_flops: float = 5.3e20  # its largest run: 6 x 1.1B x 80B

    def transformed(self, experts: float) -> float:
        """E' of Eq. 4: 1/E' = 1 / (E - 1 + (1/E_start - 1/E_max)^-1) + 1/E_max (E'(1) = E_start)."""
        return 1.0 / (1.0 / (experts - 1.0 + 1.0 / (1.0 / self.e_start - 1.0 / self.e_max)) + 1.0 / self.e_max)

    def at(self, experts: float) -> LossFit:
        """The law at a fixed number of experts, in Chinchilla's form (the paper's Table 4)."""
        e = self.transformed(experts)
        log_e = math.log(e)
        return LossFit(f"{self.key}-e{experts:g}", f"{self.label} at {experts:g} experts", E=self.c,
                       A=self.a * e**self.delta, B=self.b * e**self.omega,
                       alpha=-(self.alpha + self.gamma * log_e), beta=-(self.beta + self.zeta * log_e))


LUDZIEJEWSKI_2025 = JointMoeFit()

# The ~20 tokens/parameter baseline: Hoffmann et al. 2022, Table 3 (Approach 1) gives 20-22
# tokens per parameter at every scale; Besiroglu et al. 2024's refit gives 16-23.
CHINCHILLA_TOKENS_PER_PARAM = 20.0


@record(frozen=True)
class TokensPerParamRule:
    """The plain rule of thumb: D = 20 N, so N = sqrt(C / 120) under C = 6ND. It has no loss
    function, so it predicts no loss and prices no waste."""

    key: str = "rule-20"
    label: str = "20 tokens/param rule"
    ratio: float = CHINCHILLA_TOKENS_PER_PARAM
    source: str = "Hoffmann et al. 2022, arXiv:2203.15556, Table 3 (Approach 1: 20-22 tokens per parameter)"

    def optimal_split(self, flops: float) -> tuple[float, float]:
        params = math.sqrt(flops / (6.0 * self.ratio))
        return params, self.ratio * params


RULE_OF_20 = TokensPerParamRule()
FITS = {fit.key: fit for fit in (BESIROGLU_2024, HOFFMANN_2022, MUENNIGHOFF_C4, RULE_OF_20)}


# ---------------------------------------------------------------------------------------
# The fit's own uncertainty
# ---------------------------------------------------------------------------------------

Z_80 = 1.2815516  # the 10th and 90th percentiles of a normal: the fit's 80% band
Z_95 = 1.9599640


def _with(fit: LossFit, params: tuple[float, ...]) -> LossFit:
    ln_a, ln_b, ln_e, alpha, beta = params
    return LossFit(fit.key, fit.label, E=math.exp(ln_e), A=math.exp(ln_a), B=math.exp(ln_b), alpha=alpha, beta=beta)


def band(fit, quantity, z: float = Z_80, log: bool = True) -> tuple[float, float] | None:
    """The range of ``quantity(fit)`` that the fit's own uncertainty allows, by the delta method
    over the covariance of (ln A, ln B, ln E, alpha, beta) (in log space for a positive
    quantity): its 80% band by default. None for a fit without a covariance. For the
    Besiroglu et al. 2024 refit this reproduces the multivariate-normal propagation of the
    authors' notebook (cell 64): at 5.88e23 FLOPs the compute-optimal size 56-96B (theirs
    55.6-95.7B) and 10.7-31.3 tokens per parameter (10.7-31.7)."""
    cov = getattr(fit, "covariance", None)
    if cov is None:
        return None
    point = (math.log(fit.A), math.log(fit.B), math.log(fit.E), fit.alpha, fit.beta)

    def value(params) -> float:
        found = quantity(_with(fit, params))
        return math.log(found) if log else found

    gradient = []
    for index in range(5):
        step = 1e-5 * max(1.0, abs(point[index]))
        up = list(point)
        down = list(point)
        up[index] += step
        down[index] -= step
        gradient.append((value(up) - value(down)) / (2 * step))
    variance = sum(gradient[i] * cov[i][j] * gradient[j] for i in range(5) for j in range(5))
    centre, spread = value(point), z * math.sqrt(max(variance, 0.0))
    if log:
        return math.exp(centre - spread), math.exp(centre + spread)
    return centre - spread, centre + spread


def outside_fit(fit, params: float, tokens: float) -> list[str]:
    """Where a plan lies beyond the models a fit was made on: there its loss is an extrapolation."""
    out = []
    low, high = getattr(fit, "params_range", None) or (None, None)
    if high is not None and params > high:
        out.append(f"{_n(params)} params past the fit's {_n(high)}")
    elif low is not None and params < low:
        out.append(f"{_n(params)} params below the fit's {_n(low)}")
    low, high = getattr(fit, "tokens_range", None) or (None, None)
    if high is not None and tokens > high:
        out.append(f"{_n(tokens)} tokens past the fit's {_n(high)}")
    elif low is not None and tokens < low:
        out.append(f"{_n(tokens)} tokens below the fit's {_n(low)}")
    return out


def _n(x: float) -> str:
    from planlint.units import count

    return count(x)


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

    log_n, _ = _golden_min(total, math.log(n_min) + 1e-9, math.log(n_min) + 12.0, tolerance=1e-10)
    params = math.exp(log_n)
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


# R_N*: how fast excess parameters lose their value once the data repeats (App. A). Since
# R_D* > R_N*, "excess parameters decay faster", so repeated data is spent on epochs faster than
# on parameters (Muennighoff et al. 2023, §5).
R_N_STAR = 5.309743


def unique_params(fit, unique_tokens: float) -> float:
    """U_N: the compute-optimal parameters for ``unique_tokens`` seen once, by ``fit``:
    G (G U)^(beta/alpha) (Muennighoff et al. 2023, App. A, Eq. 15; 0.051 U for their C4 fit)."""
    return fit.G * (fit.G * unique_tokens) ** (fit.beta / fit.alpha)


def data_constrained_loss(fit, params: float, tokens: float, unique_tokens: float) -> float:
    """The loss of N params on D tokens drawn from U unique ones, with Muennighoff et al.'s
    effective data and parameters in ``fit``'s law: L = E + A / N'^alpha + B / D'^beta, where
    D' = U_D + U_D R_D* (1 - e^(-R_D/R_D*)), R_D = D / U_D - 1, and N' likewise from U_N
    (the compute-optimal size for U_D) with R_N = N / U_N - 1 and R_N* (Eqs. 5, 6 and 14)."""
    used = min(unique_tokens, tokens)
    data = effective_tokens(tokens, used)
    base = min(params, unique_params(fit, used))
    repeats = max(params / base - 1.0, 0.0)
    model = base + base * R_N_STAR * (1.0 - math.exp(-repeats / R_N_STAR))
    return fit.E + fit.A / model ** fit.alpha + fit.B / data ** fit.beta


def _golden_min(function, low: float, high: float, tolerance: float = 1e-7) -> tuple[float, float]:
    """The minimum of a unimodal ``function`` on [low, high]: (x, f(x))."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = high - ratio * (high - low), low + ratio * (high - low)
    fa, fb = function(a), function(b)
    while high - low > tolerance:
        if fa < fb:
            high, b, fb = b, a, fa
            a = high - ratio * (high - low)
            fa = function(a)
        else:
            low, a, fa = a, b, fb
            b = low + ratio * (high - low)
            fb = function(b)
    x = (low + high) / 2.0
    return x, function(x)


def data_constrained_split(fit, flops: float, unique_tokens: float) -> tuple[float, float, float]:
    """The (N, D, loss) that minimises the data-constrained loss at C = 6ND with U unique tokens:
    the paper's efficient frontier (Eq. 4), found by a search along the IsoFLOP curve as the
    authors' code does, continuously rather than on their 3x grid (for Galactica, 106B unique
    tokens at 3.24e23 FLOPs, 38.2B params on 1.42T tokens, where the grid stops at 40B on 1.35T)."""
    def loss_at(log_params: float) -> float:
        params = math.exp(log_params)
        return data_constrained_loss(fit, params, flops / (6.0 * params), unique_tokens)

    centre = math.log(fit.optimal_split(flops)[0])
    log_params, loss = _golden_min(loss_at, centre - 9.0, centre + 9.0)
    params = math.exp(log_params)
    return params, flops / (6.0 * params), loss


def data_constrained_flops_for_loss(fit, loss: float, unique_tokens: float, upper: float) -> float:
    """The least compute whose data-constrained optimum, with the same U unique tokens, reaches
    ``loss``, in log C between ``upper`` (the compute that reaches it as planned) and e^-30 of
    it. The optimum falls smoothly with C, so once the answer is bracketed (by halving C from
    upper, doubling the step) the Illinois form of regula falsi finds it in a few searches
    along the IsoFLOP curve, about ten in all where a bisection took 60 (each search is 40
    evaluations of the loss). The root stays bracketed, so it converges wherever the
    bisection did, to the same C within 1e-12 (tests/test_estimate.py holds it to that)."""
    def gap(log_flops: float) -> float:
        return data_constrained_split(fit, math.exp(log_flops), unique_tokens)[2] - loss

    high, bottom = math.log(upper), math.log(upper) - 30.0
    gap_high = gap(high)
    if gap_high > 0.0:  # not reached even at upper: the bisection stayed there
        return upper
    step = 0.5  # the answer is usually within a factor of a few of upper: bracket it there first
    while True:
        low = max(high - step, bottom)
        gap_low = gap(low)
        if gap_low > 0.0:
            break
        if low == bottom:  # reached with almost nothing: the bisection went to the bottom
            return math.exp(bottom)
        high, gap_high, step = low, gap_low, step * 2.0
    side = 0
    for _ in range(200):
        if high - low <= 1e-12:
            break
        middle = high - gap_high * (high - low) / (gap_high - gap_low)
        if not low < middle < high:  # rounding at the ends: bisect instead
            middle = (low + high) / 2.0
        gap_middle = gap(middle)
        if gap_middle <= 0.0:  # reached: the answer is at or below middle
            high, gap_high = middle, gap_middle
            if side == -1:
                gap_low /= 2.0  # Illinois: the end that stayed put counts half
            side = -1
        else:
            low, gap_low = middle, gap_middle
            if side == 1:
                gap_high /= 2.0
            side = 1
    return math.exp(high)


# ---------------------------------------------------------------------------------------
# Batch size and learning rate (Bi et al. 2024, DeepSeek LLM, arXiv:2401.02954, §3.1)
# ---------------------------------------------------------------------------------------

# Fitted on budgets of 1e17 to 2e19 FLOPs; the near-optimal settings (within 0.25% of the best
# generalization error) "fall within a broad band" around them (§3.1, Fig. 3).
HYPERPARAMETER_FIT_FLOPS = (1e17, 2e19)


def deepseek_flops_per_token(layers: int, d_model: int, context: int) -> float:
    """M, non-embedding FLOPs per token, attention included: 72 n_layer d_model^2 +
    12 n_layer d_model l_seq (Eq. 2); C = M D."""
    return 72.0 * layers * d_model**2 + 12.0 * layers * d_model * context


def optimal_batch_tokens(flops: float) -> float:
    """B_opt = 0.2920 C^0.3271 tokens (Eq. 1); DeepSeek LLM 7B's 2,304 x 4,096 sits within 3% of it."""
    return 0.2920 * flops**0.3271


def optimal_peak_lr(flops: float) -> float:
    """eta_opt = 0.3118 C^-0.1250 (Eq. 1); DeepSeek LLM 7B's 4.2e-4 sits within 2% of it."""
    return 0.3118 * flops**-0.1250


# ---------------------------------------------------------------------------------------
# Serving: a roofline model of decoding
# ---------------------------------------------------------------------------------------

BYTES_PER_PARAM = {"fp32": 4.0, "bf16": 2.0, "fp16": 2.0, "fp8": 1.0, "int8": 1.0, "int4": 0.5}


def kv_cache_bytes(layers: int, kv_heads: int, head_dim: float, context: int, batch: int,
                   bytes_per_value: float = 2.0) -> float:
    """K and V for every layer, KV head and position: 2 x bytes x layers x kv_heads x d_head,
    per token (kipply, "Transformer Inference Arithmetic"; vLLM's PagedAttention)."""
    return 2.0 * bytes_per_value * layers * kv_heads * head_dim * context * batch


def distinct_experts(experts: int, top_k: int, tokens: int) -> float:
    """Expected number of a layer's ``experts`` that ``tokens`` tokens touch when each picks
    ``top_k`` of them, routing uniform and independent: E (1 - (1 - k/E)^B). One decode step
    reads only these experts' weights from memory."""
    if experts <= 0 or top_k <= 0:
        return 0.0
    return experts * (1.0 - (1.0 - min(top_k, experts) / experts) ** tokens)


@record(frozen=True)
class DecodeEstimate:
    """The roofline estimate of decoding: time per token, throughput and cost."""

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
                    usd_per_hour: float | None = None, read_params: float | None = None) -> DecodeEstimate:
    """One decode step reads the weights (``read_params``, default every served weight; fewer for
    a mixture of experts whose batch leaves experts untouched) and the batch's KV cache once,
    and does 2N FLOPs per sequence: step = max(bytes / bandwidth, 2 N batch / peak) (kipply;
    Kaplan et al. 2020 §2.1 for 2N). Tensor parallelism over ``accelerators`` adds their
    bandwidth and FLOP/s. Cost per million tokens = accelerators x $/h / (tokens/s x 3600) x 1e6."""
    weight_bytes = served_params * bytes_per_param
    read_bytes = (served_params if read_params is None else read_params) * bytes_per_param
    memory_time = (read_bytes + kv_bytes) / (bandwidth * bandwidth_efficiency * accelerators)
    compute_time = 2.0 * active_params * batch / (peak_flops * compute_efficiency * accelerators)
    tokens_per_second = batch / max(memory_time, compute_time)
    cost = None
    if usd_per_hour is not None:
        cost = accelerators * usd_per_hour / (tokens_per_second * 3600.0) * 1e6
    return DecodeEstimate(weight_bytes, kv_bytes, memory_time, compute_time, tokens_per_second, cost)


# Usable share of accelerator memory: runtimes reserve the rest (vLLM's default
# gpu_memory_utilization is 0.9).
USABLE_MEMORY_FRACTION = 0.9
