"""Stage 4: every number about a plan, computed once, for every rule, checklist item and command.

A rule never computes its own FLOPs, hours or memory: it reads them here, so ``check``,
``estimate``, ``checklist`` and ``report`` cannot disagree about one plan. Each number has a
stable key (``estimate --format json`` prints them) and a note saying what it assumed or
which input it lacks: nothing here invents a default silently.

What the numbers assume beyond the plan (the loss fit, the serving efficiencies, the share of
memory a runtime can use, the tokens-per-parameter baseline) is an :class:`Assumptions`,
built from the configured rule options, so ``estimate`` prices a plan as the rules judge it.
The formulas themselves live in :mod:`planlint.estimate`, each with its source.
"""

from __future__ import annotations

import math
from dataclasses import field, replace
from typing import Any

from planlint import estimate as est
from planlint import units
from planlint.records import record

# ---------------------------------------------------------------------------------------
# What the numbers assume
# ---------------------------------------------------------------------------------------

# Shares of the datasheet figures a decode step achieves: the HBM and FLOPs efficiencies of
# llm-analysis's Llama 2 inference example (its own default, 1.0, is an ideal roofline).
BANDWIDTH_EFFICIENCY = 0.9
COMPUTE_EFFICIENCY = 0.7


@record(frozen=True)
class Assumptions:
    """Inputs of the numbers that are not in the plan, with the rule option each one comes from."""

    fit: Any = est.BESIROGLU_2024  # a LossFit, or the 20 tokens/param rule
    baseline: float = est.CHINCHILLA_TOKENS_PER_PARAM  # PL101 baseline
    bandwidth_efficiency: float = BANDWIDTH_EFFICIENCY  # PL401
    compute_efficiency: float = COMPUTE_EFFICIENCY  # PL401
    usable_memory_fraction: float = est.USABLE_MEMORY_FRACTION  # PL402

    # assumption -> (rule code, option name): where a configuration sets it
    FROM_OPTIONS = {
        "baseline": ("PL101", "baseline"),
        "bandwidth_efficiency": ("PL401", "bandwidth_efficiency"),
        "compute_efficiency": ("PL401", "compute_efficiency"),
        "usable_memory_fraction": ("PL402", "usable_memory_fraction"),
    }

    @classmethod
    def from_options(cls, options: dict[str, dict[str, Any]] | None, fit=None) -> Assumptions:
        options = options or {}
        values: dict[str, Any] = {}
        for name, (code, option) in cls.FROM_OPTIONS.items():
            if option in options.get(code, {}):
                values[name] = options[code][option]
        if fit is not None:
            values["fit"] = fit
        return cls(**values)


# ---------------------------------------------------------------------------------------
# FLOPs conventions
# ---------------------------------------------------------------------------------------


@record(frozen=True)
class Convention:
    """A FLOPs convention: how training compute is counted from the plan."""

    key: str
    label: str  # as outputs name it
    needs: tuple[str, ...]  # model fields beyond params


CONVENTIONS = {
    c.key: c for c in (
        Convention("6nd", "6ND", ()),
        Convention("6nd+causal-attention", "6ND + causal attention", ("layers", "heads", "context_length")),
        Convention("palm-mfu", "PaLM MFU count", ("layers", "heads", "context_length")),
        Convention("hoffmann-exact", "Hoffmann exact count", ("layers", "d_model", "heads", "vocab_size",
                                                               "context_length")),
    )
}
DEFAULT_CONVENTION = "6nd"


# ---------------------------------------------------------------------------------------
# The shape, with its defaults said
# ---------------------------------------------------------------------------------------


@record(frozen=True)
class ResolvedShape:
    """The model's shape as counted, with the defaults assumed for what it omits."""

    shape: est.Shape
    assumed: tuple[str, ...]  # defaults the plan did not state, as outputs say them
    experts_declared: bool


def resolve_shape(model) -> ResolvedShape | None:
    """The declared shape with its defaults filled in and named; None without layers and d_model."""
    if not (model.layers and model.d_model):
        return None
    assumed = []
    heads = model.heads
    if heads is None:  # one d_model-wide head: Q, K, V and O are d x d, whatever kv_heads says
        heads, kv_heads, head_dim = 1, 1, float(model.d_model)
    else:
        head_dim = float(model.head_dim) if model.head_dim else model.d_model / heads
        kv_heads = model.kv_heads if model.kv_heads is not None else heads
    ffn = model.ffn_dim
    if ffn is None:
        ffn = 4 * model.d_model
        assumed.append("feed-forward 4 x d_model")
    experts = model.experts or 0
    moe_layers = 0
    top_k = shared = expert_ffn = 0
    if experts:
        top_k = min(model.experts_per_token or 1, experts)  # PL104 reports more per token than there are
        if model.experts_per_token is None:
            assumed.append("1 expert per token")
        shared = model.shared_experts or 0
        expert_ffn = model.expert_ffn_dim or ffn
        if model.expert_ffn_dim is None:
            assumed.append("experts as wide as ffn_dim")
        moe_layers = moe_layer_count(model.layers, model.moe_layers)
    mla = None
    if model.mla is not None:
        mla = est.MLA(model.mla.kv_lora_rank, model.mla.rope_head_dim, model.mla.q_lora_rank,
                      model.mla.v_head_dim)
    shape = est.Shape(model.layers, model.d_model, heads, kv_heads, head_dim, model.vocab_size or 0, ffn,
                      bool(model.ffn_gated), bool(model.tied_embeddings), experts, top_k, shared, expert_ffn,
                      moe_layers, mla)
    return ResolvedShape(shape, tuple(assumed), bool(experts))


def shape_counts(model_data: dict) -> tuple[float, float] | None:
    """(total, active) parameters of a shape given as plan data (a launch config's, say), by the
    same count as a plan's ``shape_params``; None when the data is no countable shape."""
    from planlint.model import ModelSpec, section

    try:
        model = section(ModelSpec, {**model_data, "params": model_data.get("params") or 1})
    except Exception:
        return None
    resolved = resolve_shape(model)
    if resolved is None:
        return None
    return resolved.shape.total_params(), resolved.shape.active_params()


def moe_layer_count(layers: int, spec) -> int:
    """How many layers have experts: every layer by default; ``first_dense`` dense layers first,
    then every ``every``-th layer of the rest (every: 2 is GShard's every other layer)."""
    first_dense = (spec.first_dense or 0) if spec is not None else 0
    every = (spec.every or 1) if spec is not None else 1
    rest = max(layers - first_dense, 0)
    return rest // every


# ---------------------------------------------------------------------------------------
# Splits: each size planlint suggests, with the question it answers
# ---------------------------------------------------------------------------------------


@record(frozen=True)
class Split:
    """A model size and token count that answers one question about the plan; ``describe``
    gives the words every output uses for it, so a size never appears without its question."""

    kind: str  # "same-compute", "same-loss", "full-budget"
    params: float
    tokens: float
    flops: float
    fit_label: str
    active: bool = False  # params are the active parameters of a mixture of experts

    QUESTIONS = {
        "same-compute": "same compute",  # the best split of the compute the plan spends
        "same-loss": "same loss",  # the least compute that reaches the plan's predicted loss
        "full-budget": "full budget",  # the best split of all the compute the plan declares
        "data-constrained": "same compute and unique data",  # the best split when the data repeats
    }

    @property
    def question(self) -> str:
        return self.QUESTIONS[self.kind]

    @property
    def size(self) -> str:
        return f"{units.count(self.params)} {'active ' if self.active else ''}params on {units.count(self.tokens)} tokens"

    @property
    def why(self) -> str:
        if self.kind == "same-loss":
            return f"{units.sci(self.flops)} FLOPs, {self.fit_label}"
        return f"compute-optimal for {units.sci(self.flops)} FLOPs, {self.fit_label}"

    def describe(self) -> str:
        """``same loss: 15.4B params on 305B tokens (2.81e22 FLOPs, Besiroglu et al. 2024 refit)``"""
        return f"{self.question}: {self.size} ({self.why})"

    def suggest(self) -> str:
        """For a fix: ``train 18.5B params on 363B tokens (same compute: compute-optimal for ...)``"""
        return f"train {self.size} ({self.question}: {self.why})"


def ratio_sizes(baseline: float, params: float, tokens: float) -> str:
    """The sizes the tokens-per-parameter baseline gives, in the words every output uses."""
    return (f"{baseline:g}:1: {units.count(tokens / baseline)} params for these tokens, or "
            f"{units.count(baseline * params)} tokens for this size")


# ---------------------------------------------------------------------------------------
# Serving
# ---------------------------------------------------------------------------------------


@record(frozen=True)
class ServingEstimate:
    """What serving the model takes on one replica: memory, decode time and cost."""

    accelerator: Any  # planlint.accelerators.Accelerator
    accelerators: int
    precision: str
    batch: int
    context: int | None
    served_params: float
    active_params: float
    kv_counted: bool
    decode: est.DecodeEstimate
    memory_bytes: float  # usable memory of the replica
    assumed: tuple[str, ...]  # defaults the plan did not state
    weight_bytes_read: float  # per decode step: all weights, or the experts a batch touches
    experts_touched: float | None  # per MoE layer and step, for a mixture of experts

    @property
    def needed_bytes(self) -> float:
        return self.decode.weight_bytes + self.decode.kv_bytes

    @property
    def fits(self) -> bool:
        return self.needed_bytes <= self.memory_bytes


# ---------------------------------------------------------------------------------------
# The numbers
# ---------------------------------------------------------------------------------------

# Always present in `planlint estimate --format json` (null when the plan lacks an input).
STABLE_KEYS = (
    "active_params", "flops_convention", "train_flops", "needed_flops", "teacher_inference_flops",
    "teacher_training_flops", "train_flops_6nd", "attention_flops", "tokens_per_param",
    "tokens_per_active_param", "epochs", "effective_unique_tokens", "optimal_params", "optimal_tokens",
    "same_loss_params", "same_loss_tokens", "same_loss_flops", "predicted_loss", "optimal_loss", "compute_waste",
    "mfu", "gpu_hours", "wall_clock_days", "train_usd", "implied_mfu", "budget_flops", "budget_used",
    "shape_params", "shape_active_params", "memory_per_accelerator_bytes", "activation_bytes",
    "serve_tokens_per_second", "serve_usd_per_million_tokens", "serve_memory_bytes", "serve_kv_bytes_per_token",
    "inference_optimal_params", "inference_optimal_tokens", "inference_optimal_saving", "mix_repetition",
    "moe_optimal_active_params", "moe_optimal_tokens", "hyperparameter_flops", "optimal_batch_tokens",
    "optimal_peak_lr", "data_constrained_params", "data_constrained_tokens",
    "data_constrained_epochs", "optimal_params_range", "optimal_ratio_range", "predicted_loss_range",
    "extrapolated",
)


@record(frozen=True)
class SourceRepetition:
    """How often one source of the mix is repeated (Muennighoff et al. 2023)."""

    index: int
    source: str
    share: float
    tokens: float  # drawn from the source: share x train_tokens
    unique_tokens: float
    epochs: float
    effective_tokens: float  # D', what the repeats are worth in fresh tokens


@record
class PlanNumbers:
    """Every number about one plan (``values``, by stable key) and what each assumed (``notes``)."""

    plan: Any
    assumptions: Assumptions
    values: dict[str, Any] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    shape: ResolvedShape | None = None
    convention: Convention = CONVENTIONS[DEFAULT_CONVENTION]
    convention_missing: tuple[str, ...] = ()  # shape fields the declared convention needs and lacks
    segments: list = field(default_factory=list)  # (tokens, context) of each pre-training stage
    accelerator: Any = None
    same_compute: Split | None = None
    same_loss: Split | None = None
    full_budget: Split | None = None
    moe_same_compute: Split | None = None  # the joint MoE law's split, where it applies
    data_constrained: Split | None = None  # the best split of the compute with the plan's unique data
    serving: ServingEstimate | None = None
    mix: list[SourceRepetition] = field(default_factory=list)

    def __getitem__(self, key: str):
        return self.values.get(key)

    @property
    def fit(self):
        return self.assumptions.fit

    @property
    def has_loss(self) -> bool:
        return isinstance(self.fit, est.LossFit) and not self.plan.model.is_moe

    # -- shared what-ifs, so that a fix is priced exactly as the finding ----------------------

    @property
    def active(self) -> float:
        """Parameters active per token: declared, else counted from the experts of the shape."""
        return self.values["active_params"]

    def flops_for(self, active: float, tokens: float) -> float:
        """Training FLOPs of another active size or token count under the plan's convention and
        shape (its stages scaled to the new token count)."""
        scale = tokens / self.plan.data.train_tokens
        segments = [(part * scale, context) for part, context in self.segments]
        return training_flops(self.plan, self.convention, self.shape, active, segments, self.active)

    @property
    def peak_flops(self) -> float | None:
        """The peak compute.mfu is measured against: the dense BF16 peak, or the FP8 one when
        compute.mfu_peak says so (and the accelerator has one)."""
        if self.accelerator is None:
            return None
        if self.plan.compute.mfu_peak == "fp8" and self.accelerator.fp8_flops:
            return self.accelerator.fp8_flops
        return self.accelerator.peak_flops

    @property
    def peak_label(self) -> str:
        if self.accelerator is None:
            return ""
        fp8 = self.plan.compute.mfu_peak == "fp8" and self.accelerator.fp8_flops
        tflops = self.accelerator.fp8_tflops if fp8 else self.accelerator.peak_tflops
        return f"{tflops:g} TFLOP/s {'FP8' if fp8 else 'BF16'} dense"

    def gpu_hours_for(self, flops: float, mfu: float | None = None) -> float | None:
        mfu = mfu if mfu is not None else self.values.get("mfu")
        if self.accelerator is None or not mfu:
            return None
        return est.gpu_hours_for(flops, self.peak_flops, mfu)

    def model_state_bytes(self, stage: int) -> float | None:
        """Mixed-precision Adam states per accelerator at ZeRO ``stage`` (all parameters: every
        expert of a mixture is trained), after tensor and pipeline parallelism."""
        compute = self.plan.compute
        if compute is None:
            return None
        tp, pp = compute.tensor_parallel or 1, compute.pipeline_parallel or 1
        data_parallel = max((compute.accelerators or 1) // (tp * pp), 1)
        return est.model_state_bytes(self.plan.model.params / (tp * pp), stage, data_parallel)

    def serving_at(self, batch: int | None = None, precision: str | None = None,
                   usable_memory_fraction: float | None = None) -> ServingEstimate | None:
        """The serving estimate at another batch or precision (for fixes), with the same assumptions."""
        return serving_estimate(self.plan, self.shape, self.assumptions, batch, precision, usable_memory_fraction)


def training_flops(plan, convention: Convention, resolved: ResolvedShape | None, active: float,
                   segments: list[tuple[float, int | None]], plan_active: float) -> float:
    """Training FLOPs of ``active`` parameters on ``segments`` (tokens and context length of each
    pre-training stage) under ``convention`` (6ND when the shape the convention needs is not
    declared): a long-context stage carries its own attention cost. The exact count is the
    shape's, scaled by ``active`` over the plan's own ``plan_active`` parameters when pricing
    another size."""
    total = 0.0
    for tokens, context in segments:
        six_nd = est.training_flops(active, tokens)
        if convention.key == "6nd" or resolved is None or not context or _missing(plan.model, convention):
            total += six_nd
        elif convention.key == "hoffmann-exact":
            total += est.hoffmann_exact_flops_per_token(resolved.shape, context) * tokens * (active / plan_active)
        else:
            causal = convention.key == "6nd+causal-attention"
            total += six_nd + est.attention_score_flops(resolved.shape, context, causal) * tokens
    return total


def source_tokens(plan) -> dict[str, float]:
    """Tokens drawn from each source of the mix over the whole run: a stage with its own mix
    draws its tokens by that mix, the others by data.mix (so repeats count across stages)."""
    data = plan.data
    drawn: dict[str, float] = {}
    stages = data.stages or [None]
    for stage in stages:
        stage_tokens = data.train_tokens if stage is None else stage.tokens
        shares = stage.mix if stage is not None and stage.mix else (data.mix or [])
        for entry in shares:
            drawn[entry.source] = drawn.get(entry.source, 0.0) + entry.share * stage_tokens
    return drawn


def stage_segments(plan) -> list[tuple[float, int | None]]:
    """(tokens, context length) of each pre-training stage; one segment without stages."""
    data, context = plan.data, plan.model.context_length
    if not data.stages:
        return [(data.train_tokens, context)]
    return [(stage.tokens, stage.context_length or context) for stage in data.stages]


def _missing(model, convention: Convention) -> tuple[str, ...]:
    return tuple(f for f in convention.needs if getattr(model, f) is None)


def compute(plan, options: dict[str, dict[str, Any]] | None = None, fit=None) -> PlanNumbers:
    """The plan's numbers under the configured rule options, with ``fit`` when the command line or
    the configuration chooses one, else the plan's own ``loss_fit``, else the default."""
    if fit is None and plan.loss_fit is not None:
        fit = plan_fit(plan.loss_fit)
    return _compute(plan, Assumptions.from_options(options, fit))


def plan_fit(spec) -> est.LossFit:
    """A loss fit the plan (or a configuration) declares, with its provenance."""
    return est.LossFit(spec.name, f"the {spec.name} fit", E=spec.E, A=spec.A, B=spec.B, alpha=spec.alpha,
                       beta=spec.beta, source=spec.source, data=spec.data or "",
                       params_range=(0.0, spec.max_params) if spec.max_params else None,
                       tokens_range=(0.0, spec.max_tokens) if spec.max_tokens else None)


def _compute(plan, assumptions: Assumptions) -> PlanNumbers:
    out = PlanNumbers(plan, assumptions)
    v, notes = out.values, out.notes
    model, data, compute_ = plan.model, plan.data, plan.compute
    params, tokens = model.params, data.train_tokens
    fit = assumptions.fit

    # -- shape ------------------------------------------------------------------------------
    out.shape = resolve_shape(model)
    if out.shape is not None:
        v["shape_params"] = out.shape.shape.total_params()
        v["shape_active_params"] = out.shape.shape.active_params()
        notes["shape_params"] = _shape_note(model, out.shape)
    else:
        v["shape_params"] = v["shape_active_params"] = None
        notes["shape_params"] = "declare model.layers and d_model"
    if model.active_params is not None:
        active, notes["active_params"] = model.active_params, "model.active_params"
    elif out.shape is not None and out.shape.experts_declared:
        # the share of the declared total that one token uses, as the shape counts it
        active = params * v["shape_active_params"] / v["shape_params"]
        notes["active_params"] = (f"{units.pct(v['shape_active_params'] / v['shape_params'])} of model.params, the "
                                  "share of the shape's weights one token uses")
    else:
        active, notes["active_params"] = params, "model.params (a dense model)"
    v["active_params"] = active

    # -- training compute -------------------------------------------------------------------
    key = (compute_.flops_convention if compute_ is not None and compute_.flops_convention else DEFAULT_CONVENTION)
    out.convention = CONVENTIONS[key]
    out.convention_missing = _missing(model, out.convention)
    v["flops_convention"] = out.convention.key
    out.segments = stage_segments(plan)
    v["train_flops_6nd"] = est.training_flops(active, tokens)
    v["train_flops"] = training_flops(plan, out.convention, out.shape, active, out.segments, active)
    notes["train_flops"] = _flops_note(plan, out)
    contexts = [context for _, context in out.segments if context]
    if out.shape is not None and model.heads and contexts:
        shape = out.shape.shape
        v["attention_flops"] = sum(est.attention_score_flops(shape, context, True) * part
                                   for part, context in out.segments if context)
        shown = (f"{contexts[0]:,} context" if len(set(contexts)) == 1 else
                 f"{' then '.join(f'{c:,}' for c in contexts)} context over the stages")
        notes["attention_flops"] = (
            f"not in 6ND: 3 x {model.layers} layers x {model.heads} heads x ({units.number(shape.qk_head_dim)} + "
            f"{units.number(shape.v_head_dim)}) head dims x {shown} per token, the causal half of PaLM's 12 L H Q T "
            "(Chowdhery et al. 2022, App. B)")
    else:
        v["attention_flops"] = None
        notes["attention_flops"] = "declare model.layers, heads and context_length"

    v["tokens_per_param"] = tokens / params
    notes["tokens_per_param"] = (f"{units.count(tokens)} / {units.count(params)}; ~{assumptions.baseline:g} is "
                                 "compute-optimal for a dense model (Hoffmann et al. 2022)")
    if model.is_moe:
        v["tokens_per_active_param"] = tokens / active
        notes["tokens_per_active_param"] = f"{units.count(tokens)} / {units.count(active)} active"
    else:
        v["tokens_per_active_param"] = None
        notes["tokens_per_active_param"] = "a dense model: every parameter is active"

    drawn_by_source = source_tokens(plan)
    for index, entry in enumerate(data.mix or []):
        drawn = drawn_by_source.get(entry.source, 0.0)
        if entry.unique_tokens is None or drawn <= 0:
            continue
        out.mix.append(SourceRepetition(index, entry.source, drawn / tokens, drawn, entry.unique_tokens,
                                        drawn / entry.unique_tokens, est.effective_tokens(drawn, entry.unique_tokens)))
    v["mix_repetition"] = [{"source": r.source, "tokens": r.tokens, "unique_tokens": r.unique_tokens,
                            "epochs": r.epochs, "effective_tokens": r.effective_tokens} for r in out.mix]
    if data.unique_tokens is not None:
        v["epochs"] = tokens / data.unique_tokens
        v["effective_unique_tokens"] = est.effective_tokens(tokens, data.unique_tokens)
        notes["epochs"] = f"{units.count(tokens)} over {units.count(data.unique_tokens)} unique tokens"
        notes["effective_unique_tokens"] = f"D' with R_D* = {est.R_D_STAR:.2f} (Muennighoff et al. 2023)"
    else:
        v["epochs"] = v["effective_unique_tokens"] = None
        notes["epochs"] = notes["effective_unique_tokens"] = "declare data.unique_tokens"

    # -- the compute-optimal split and the loss, at the compute actually spent (6 x active x D)
    spent = v["train_flops_6nd"]
    best_params, best_tokens = fit.optimal_split(spent)
    out.same_compute = Split("same-compute", best_params, best_tokens, spent, fit.label)
    v["optimal_params"], v["optimal_tokens"] = best_params, best_tokens
    notes["optimal_params"] = (f"{out.same_compute.why}: the 6ND the plan spends"
                               + ("; the split of a dense model" if model.is_moe else ""))
    _bands(out, spent)
    _moe_split(out, spent)
    repeated = data.unique_tokens is not None and tokens > data.unique_tokens
    if out.has_loss:
        units_note = f"nats/token on {fit.data}" if getattr(fit, "data", "") else "nats/token"
        beyond = est.outside_fit(fit, params, tokens)
        extrapolated = f"; an extrapolation: {', '.join(beyond)}" if beyond else ""
        v["extrapolated"] = beyond or None
        if repeated:
            loss = est.data_constrained_loss(fit, params, tokens, data.unique_tokens)
            dc_params, dc_tokens, dc_loss = est.data_constrained_split(fit, spent, data.unique_tokens)
            out.data_constrained = Split("data-constrained", dc_params, dc_tokens, spent, fit.label)
            v["data_constrained_params"], v["data_constrained_tokens"] = dc_params, dc_tokens
            v["data_constrained_epochs"] = dc_tokens / data.unique_tokens
            notes["data_constrained_params"] = (
                f"{out.data_constrained.why}, with {units.count(data.unique_tokens)} unique tokens: "
                f"{v['data_constrained_epochs']:.1f} epochs (Muennighoff et al. 2023, Eq. 14 and its efficient "
                "frontier)")
            needed = est.data_constrained_flops_for_loss(fit, loss, data.unique_tokens, spent)
            same_params, same_tokens, _ = est.data_constrained_split(fit, needed, data.unique_tokens)
            optimal_loss = dc_loss
            how = (f"{fit.label} with Muennighoff et al. 2023's effective data and parameters D' and N' "
                   f"(R_D* {est.R_D_STAR:.2f}, R_N* {est.R_N_STAR:.2f}) for {v['epochs']:.2f} epochs")
        else:
            loss = fit.loss(params, tokens)
            needed = fit.flops_for_loss(loss)
            same_params, same_tokens = fit.optimal_split(needed)
            optimal_loss = fit.loss(best_params, best_tokens)
            how = f"{fit.label}: E + A/N^alpha + B/D^beta"
            notes["data_constrained_params"] = ("no repeated data" if data.unique_tokens is not None
                                                else "declare data.unique_tokens")
        out.same_loss = Split("same-loss", same_params, same_tokens, needed, fit.label)
        v["predicted_loss"] = loss
        v["optimal_loss"] = optimal_loss
        v["compute_waste"] = max(0.0, 1.0 - needed / spent)
        v["same_loss_params"], v["same_loss_tokens"], v["same_loss_flops"] = same_params, same_tokens, needed
        loss_band = est.band(fit, lambda f: f.loss(params, tokens), est.Z_95, log=False) if not repeated else None
        if loss_band is not None:
            v["predicted_loss_range"] = list(loss_band)
        declared = "" if fit.key in est.FITS else f"; fit from {fit.source}"
        notes["predicted_loss"] = (f"{how}, {units_note}{declared}"
                                   + (f"; 95% range {loss_band[0]:.3f}-{loss_band[1]:.3f}" if loss_band else "")
                                   + extrapolated)
        notes["compute_waste"] = ("share of 6ND a compute-optimal split would not need for the same loss"
                                  + (", with the same unique data" if repeated else "") + extrapolated)
        notes["same_loss_params"] = f"reach the predicted loss with {out.same_loss.why}" + (
            ", the same unique data repeated" if repeated else "")
    else:
        for k in ("predicted_loss", "optimal_loss", "compute_waste", "same_loss_params", "same_loss_tokens",
                  "same_loss_flops"):
            v[k] = None
        why = "the dense-model fit does not price a mixture of experts" if model.is_moe else \
            f"{fit.label} has no loss function"
        notes["predicted_loss"] = notes["compute_waste"] = notes["same_loss_params"] = why
        notes["data_constrained_params"] = why

    _hyperparameters(out)

    # -- what the budget must cover: the training, and a distillation teacher's share ------------
    flops = _needed(out)

    # -- time and money -----------------------------------------------------------------------
    accelerator = plan.accelerator(compute_.accelerator) if compute_ else None
    out.accelerator = accelerator
    mfu, mfu_note = _working_mfu(out, accelerator, flops)
    v["mfu"], notes["mfu"] = mfu, mfu_note
    if accelerator is not None and mfu is not None:
        hours = est.gpu_hours_for(flops, out.peak_flops, mfu)
        v["gpu_hours"] = hours
        notes["gpu_hours"] = (f"{out.convention.label} FLOPs on {accelerator.name} at {out.peak_label} x "
                              f"{units.pct(mfu)} MFU")
        if compute_.accelerators:
            v["wall_clock_days"] = hours / compute_.accelerators / 24
            notes["wall_clock_days"] = f"{compute_.accelerators:,} accelerators"
        else:
            v["wall_clock_days"], notes["wall_clock_days"] = None, "declare compute.accelerators"
        if compute_.usd_per_gpu_hour is not None:
            v["train_usd"] = hours * compute_.usd_per_gpu_hour
            notes["train_usd"] = f"{units.usd(compute_.usd_per_gpu_hour)} per accelerator-hour"
        else:
            v["train_usd"], notes["train_usd"] = None, "declare compute.usd_per_gpu_hour"
    else:
        lack = "declare compute.accelerator" if accelerator is None else mfu_note
        v["gpu_hours"] = v["wall_clock_days"] = v["train_usd"] = None
        notes["gpu_hours"] = notes["wall_clock_days"] = notes["train_usd"] = lack

    if compute_ is not None and compute_.gpu_hours is not None and accelerator is not None:
        v["implied_mfu"] = est.implied_mfu(flops, compute_.gpu_hours, out.peak_flops)
        notes["implied_mfu"] = (f"{units.sci(flops)} {out.convention.label} FLOPs in "
                                f"{units.number(compute_.gpu_hours)} {accelerator.name} hours, against {out.peak_label}")
    else:
        v["implied_mfu"] = None
        lacking = [f"compute.{k}" for k, ok in (("gpu_hours", compute_ is not None and compute_.gpu_hours is not None),
                                                 ("accelerator", accelerator is not None)) if not ok]
        notes["implied_mfu"] = f"declare {' and '.join(lacking)}"

    budget, budget_note = _declared_budget(out, accelerator)
    v["budget_flops"], notes["budget_flops"] = budget, budget_note
    v["budget_used"] = flops / budget if budget else None
    if budget:
        label = fit.label + (", for a dense model" if model.is_moe else "")
        out.full_budget = Split("full-budget", *fit.optimal_split(budget), budget, label)
    if v["wall_clock_days"] is None and compute_ is not None and compute_.gpu_hours is not None \
            and compute_.accelerators:
        # without an MFU the declared hours still give the time they take on the declared accelerators
        v["wall_clock_days"] = compute_.gpu_hours / compute_.accelerators / 24
        notes["wall_clock_days"] = (f"compute.gpu_hours ({units.number(compute_.gpu_hours)}) over "
                                    f"{compute_.accelerators:,} accelerators")

    # -- memory -------------------------------------------------------------------------------
    if accelerator is not None:
        tp, pp = compute_.tensor_parallel or 1, compute_.pipeline_parallel or 1
        data_parallel = max((compute_.accelerators or 1) // (tp * pp), 1)
        v["memory_per_accelerator_bytes"] = out.model_state_bytes(0)
        split = f", split {tp * pp} ways by tensor and pipeline parallelism" if tp * pp > 1 else ""
        if compute_.accelerators:
            v["memory_by_zero_stage_bytes"] = {str(stage): out.model_state_bytes(stage) for stage in range(4)}
            sharding = f", ZeRO over {data_parallel:,} data-parallel rank{'s' if data_parallel > 1 else ''}"
        else:
            v["memory_by_zero_stage_bytes"] = None
            sharding = "; declare compute.accelerators for ZeRO sharding"
        notes["memory_per_accelerator_bytes"] = (
            f"16 bytes/param for mixed-precision Adam over all {units.count(params)} params{split}{sharding} "
            "(Rajbhandari et al. 2019)")
        if model.layers and model.d_model and model.heads and model.context_length:
            recompute = compute_.recompute or "none"
            flash = compute_.flash_attention if compute_.flash_attention is not None else True
            micro = compute_.micro_batch_size or 1
            longest = max([model.context_length] + [c for _, c in out.segments if c])  # the stage that needs most
            v["activation_bytes"] = est.activation_bytes(model.layers, model.d_model, model.heads, longest, micro,
                                                         recompute, flash, tp)
            if recompute == "full":
                how = "s b h x 2 per layer (full recomputation)"
            elif recompute == "selective":
                how = "s b h x 34 per layer (selective recomputation)"
            elif flash:
                how = "s b h x 34 per layer (FlashAttention" + (", assumed)" if compute_.flash_attention is None else ")")
            else:
                how = "s b h (34 + 5 a s / h) per layer (attention scores stored)"
            micro_text = f"micro-batch {micro}" + (" (assumed)" if not compute_.micro_batch_size else "")
            notes["activation_bytes"] = (f"{how} x {model.layers} layers, {micro_text} of {longest:,} "
                                         f"tokens{f', over tensor parallel {tp}' if tp > 1 else ''} (Korthikanti et "
                                         "al. 2022, §4-5)")
        else:
            v["activation_bytes"] = None
            notes["activation_bytes"] = "declare model.layers, d_model, heads and context_length"
    else:
        v["memory_per_accelerator_bytes"] = v["activation_bytes"] = None
        notes["memory_per_accelerator_bytes"] = notes["activation_bytes"] = "declare compute.accelerator"

    # -- serving ------------------------------------------------------------------------------
    out.serving = serving_estimate(plan, out.shape, assumptions)
    serving = out.serving
    if serving is not None:
        v["serve_tokens_per_second"] = serving.decode.tokens_per_second
        v["serve_usd_per_million_tokens"] = serving.decode.usd_per_million_tokens
        v["serve_memory_bytes"] = serving.needed_bytes
        v["serve_kv_bytes_per_token"] = (serving.decode.kv_bytes / (serving.batch * serving.context)
                                         if serving.kv_counted else None)
        notes["serve_tokens_per_second"] = describe_serving(serving, assumptions, short=True)
        if serving.decode.usd_per_million_tokens is None:
            notes["serve_usd_per_million_tokens"] = "declare serving.usd_per_gpu_hour"
        else:
            # a replica the model does not fit in serves at no cost: said first, beside the figure
            notes["serve_usd_per_million_tokens"] = (
                ("" if serving.fits else "the model does not fit this replica (PL402), so no replica serves at this "
                 "cost; ") + f"{serving.accelerators} x {units.usd(plan.serving.usd_per_gpu_hour)} per "
                "accelerator-hour over the decode throughput")
    else:
        v["serve_tokens_per_second"] = v["serve_usd_per_million_tokens"] = v["serve_memory_bytes"] = None
        v["serve_kv_bytes_per_token"] = None
        notes["serve_tokens_per_second"] = notes["serve_usd_per_million_tokens"] = "declare serving.accelerator"

    # -- the inference-aware size -------------------------------------------------------------
    lifetime = plan.serving.lifetime_tokens if plan.serving else None
    v["inference_optimal_params"] = v["inference_optimal_tokens"] = None
    if lifetime is None:
        notes["inference_optimal_params"] = "declare serving.lifetime_tokens"
    elif not out.has_loss:
        notes["inference_optimal_params"] = notes["predicted_loss"]
    else:
        found = est.inference_optimal(fit, v["predicted_loss"], lifetime)
        if found is not None:
            best_n, best_d = found
            v["inference_optimal_params"], v["inference_optimal_tokens"] = best_n, best_d

            def lifetime_flops(n: float, d: float) -> float:
                return est.training_flops(n, d) + 2.0 * n * lifetime

            v["inference_optimal_saving"] = 1.0 - lifetime_flops(best_n, best_d) / lifetime_flops(params, tokens)
            notes["inference_optimal_params"] = (f"least 6ND + 2N x {units.count(lifetime)} served tokens at the "
                                                 "plan's predicted loss (Sardana et al. 2023)")
        else:
            notes["inference_optimal_params"] = "the plan's predicted loss is out of the fit's reach"
    for key in STABLE_KEYS:
        v.setdefault(key, None)
    return out


def _bands(out: PlanNumbers, spent: float) -> None:
    """The 80% bands of the compute-optimal size and tokens per parameter at the compute spent,
    from the fit's own uncertainty (Besiroglu et al. 2024's bootstrap), where the fit has one."""
    fit, v = out.fit, out.values
    v["optimal_params_range"] = v["optimal_ratio_range"] = None
    if not isinstance(fit, est.LossFit) or fit.covariance is None:
        return
    size = est.band(fit, lambda f: f.optimal_split(spent)[0])
    ratio = est.band(fit, lambda f: f.optimal_split(spent)[1] / f.optimal_split(spent)[0])
    v["optimal_params_range"], v["optimal_ratio_range"] = list(size), list(ratio)
    out.notes["optimal_params"] += (f"; 80% range {units.count(size[0])}-{units.count(size[1])} params, "
                                    f"{units.ratio(ratio[0])}-{units.ratio(ratio[1])} tokens/param (the fit's "
                                    "bootstrap)")


def _moe_split(out: PlanNumbers, spent: float) -> None:
    """The compute-optimal active size and tokens of a mixture with the plan's number of experts,
    by the joint MoE law, within the range of experts it was fitted on."""
    v, notes, law = out.values, out.notes, est.LUDZIEJEWSKI_2025
    v["moe_optimal_active_params"] = v["moe_optimal_tokens"] = None
    if not out.plan.model.is_moe:
        notes["moe_optimal_active_params"] = "a dense model"
        return
    experts = out.shape.shape.experts if out.shape is not None else 0
    if not experts:
        notes["moe_optimal_active_params"] = "declare model.experts (and the shape) for the joint MoE law"
        return
    if experts > law.max_experts:
        notes["moe_optimal_active_params"] = (f"{law.label} is fitted on 1 to {law.max_experts} experts, not "
                                              f"{experts}")
        return
    fitted = law.at(experts)
    best_active, best_tokens = fitted.optimal_split(spent)
    out.moe_same_compute = Split("same-compute", best_active, best_tokens, spent, law.label, active=True)
    v["moe_optimal_active_params"], v["moe_optimal_tokens"] = best_active, best_tokens
    beyond = (f"; {units.sci(spent)} FLOPs is past the {units.sci(law.max_flops)} of its largest run: an "
              "extrapolation") if spent > law.max_flops else ""
    notes["moe_optimal_active_params"] = (f"{out.moe_same_compute.describe()} with {experts} experts; fitted on top-1 "
                                          f"mixtures (FineWeb-Edu, GPT-2 tokenizer){beyond}")


def _shape_note(model, resolved: ResolvedShape) -> str:
    shape = resolved.shape
    parts = [f"{shape.layers} layers x d_model {shape.d_model}"]
    if resolved.experts_declared:
        parts.append(f"{shape.moe_layers} MoE layers of {shape.experts} experts ({shape.top_k} per token"
                     f"{f', {shape.shared_experts} shared' if shape.shared_experts else ''}) of width "
                     f"{shape.expert_ffn_dim}")
    if not shape.vocab:
        parts.append("no vocab_size: embeddings not counted")
    if resolved.assumed:
        parts.append("assumed " + ", ".join(resolved.assumed))
    return "; ".join(parts)


def _flops_note(plan, out: PlanNumbers) -> str:
    """What the training FLOPs count, with no parentheses of its own (messages put it in some)."""
    model, tokens = plan.model, plan.data.train_tokens
    size = f"{units.count(out.active)} active params" if model.is_moe else f"{units.count(model.params)} params"
    base = f"6 x {size} x {units.count(tokens)} tokens, Kaplan et al. 2020"
    convention = out.convention
    if convention.key == "6nd":
        return f"6ND: {base}"
    if out.convention_missing or out.shape is None:
        lacking = ", ".join(f"model.{f}" for f in out.convention_missing) or "model.layers and d_model"
        return f"6ND: {base}; compute.flops_convention {convention.key} needs {lacking}"
    if convention.key == "hoffmann-exact":
        return (f"{convention.label}: projections, T x T logits and softmax and the feed-forward at "
                f"{model.context_length:,} context, backward twice the forward, Hoffmann et al. 2022, App. F")
    if convention.key == "6nd+causal-attention":
        return f"{convention.label}: {base}, + the causal half of the T x T scores at {model.context_length:,} context"
    return (f"{convention.label}: {base}, + full attention 12 L H Q T per token at {model.context_length:,} "
            "context, Chowdhery et al. 2022, App. B")


def _hyperparameters(out: PlanNumbers) -> None:
    """DeepSeek LLM's compute fits for the batch size and peak learning rate, at C = M D."""
    plan, v, notes = out.plan, out.values, out.notes
    model, tokens = plan.model, plan.data.train_tokens
    if model.layers and model.d_model and model.context_length:
        per_token = est.deepseek_flops_per_token(model.layers, model.d_model, model.context_length)
        how = (f"M = 72 x {model.layers} layers x {model.d_model}^2 + 12 x {model.layers} x {model.d_model} x "
               f"{model.context_length:,} (Eq. 2)")
    else:
        per_token = 6.0 * out.active
        how = "M = 6 x active params, without the shape (Eq. 2 needs layers, d_model, context_length)"
    flops = per_token * tokens
    v["hyperparameter_flops"] = flops
    v["optimal_batch_tokens"] = est.optimal_batch_tokens(flops)
    v["optimal_peak_lr"] = est.optimal_peak_lr(flops)
    low, high = est.HYPERPARAMETER_FIT_FLOPS
    beyond = (f"; fitted on {units.sci(low)}-{units.sci(high)} FLOPs: an extrapolation at {units.sci(flops)}"
              if flops > high * 10 or flops < low / 10 else "")
    notes["optimal_batch_tokens"] = (f"B_opt = 0.2920 C^0.3271 at C = M D = {units.sci(flops)}, {how} (Bi et al. "
                                     f"2024, Eq. 1){beyond}")
    notes["optimal_peak_lr"] = f"eta_opt = 0.3118 C^-0.125 at the same C (Bi et al. 2024, Eq. 1){beyond}"


def _needed(out: PlanNumbers) -> float:
    """The compute the budget must cover: the training FLOPs, plus, when the model is distilled,
    the teacher's logits on every distillation token (2 N_T per token) and, unless the teacher
    already exists, its pre-training (6 N_T D_T) shared by the students it serves (Busbridge et
    al. 2025, Eq. 9 and Table 2)."""
    plan, v, notes = out.plan, out.values, out.notes
    flops = v["train_flops"]
    v["teacher_inference_flops"] = v["teacher_training_flops"] = None
    distillation = plan.distillation
    if distillation is None:
        v["needed_flops"], notes["needed_flops"] = flops, "the training FLOPs"
        return flops
    teacher = distillation.teacher_params
    tokens = plan.data.train_tokens
    inference = 2.0 * teacher * tokens
    teacher_tokens = distillation.teacher_tokens
    said = ""
    if teacher_tokens is None:
        teacher_tokens = est.CHINCHILLA_TOKENS_PER_PARAM * teacher
        said = f" (teacher assumed compute-optimal: {units.count(teacher_tokens)} tokens)"
    students = distillation.students or 1
    training = 0.0 if distillation.teacher_exists else est.training_flops(teacher, teacher_tokens) / students
    v["teacher_inference_flops"], v["teacher_training_flops"] = inference, training
    needed = flops + inference + training
    v["needed_flops"] = needed
    share = (f" + its pre-training {units.sci(training)}"
             + (f" shared by {students} students" if students > 1 else "") + said) if training else \
        " (the teacher exists: its pre-training is not this plan's)"
    notes["needed_flops"] = (f"{units.sci(flops)} training + {units.sci(inference)} of teacher logits (2 x "
                             f"{units.count(teacher)} x {units.count(tokens)}){share} (Busbridge et al. 2025, Eq. 9)")
    return needed


def _working_mfu(out: PlanNumbers, accelerator, flops: float) -> tuple[float | None, str]:
    """The MFU to turn FLOPs into time: declared, else implied by the declared budget pair
    (compute.flops over compute.gpu_hours at the accelerator's peak)."""
    compute_ = out.plan.compute
    if compute_ is None:
        return None, "no compute section"
    if compute_.mfu is not None:
        return compute_.mfu, f"declared compute.mfu ({out.convention.label}, against {out.peak_label or 'the peak'})"
    if compute_.flops is not None and compute_.gpu_hours is not None and accelerator is not None:
        mfu = est.implied_mfu(compute_.flops, compute_.gpu_hours, out.peak_flops)
        return mfu, f"{units.pct(mfu)} MFU implied by compute.flops over compute.gpu_hours"
    return None, "declare compute.mfu"


def _declared_budget(out: PlanNumbers, accelerator) -> tuple[float | None, str]:
    """The compute the plan declares: compute.flops, else gpu_hours x peak x declared MFU."""
    compute_ = out.plan.compute
    if compute_ is None:
        return None, "no compute section"
    if compute_.flops is not None:
        return compute_.flops, "compute.flops"
    if compute_.gpu_hours is not None and accelerator is not None and compute_.mfu is not None:
        return (compute_.gpu_hours * 3600 * out.peak_flops * compute_.mfu,
                f"compute.gpu_hours x {accelerator.name} {out.peak_label} x {compute_.mfu:g} MFU")
    return None, "declare compute.flops, or gpu_hours with accelerator and mfu"


def serving_estimate(plan, resolved: ResolvedShape | None, assumptions: Assumptions, batch: int | None = None,
                     precision: str | None = None,
                     usable_memory_fraction: float | None = None) -> ServingEstimate | None:
    """The decode roofline for the plan's serving section; None without a known accelerator.

    The served weights count every expert of a mixture (they all sit in memory); one decode
    step reads the non-expert weights and, in each MoE layer, the experts the batch touches
    (``estimate.distinct_experts``), and does 2 x active params FLOPs per sequence. The KV
    cache follows the attention shape: grouped-query heads, head_dim, or MLA's latent.
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
    active = _active_of(model, resolved) if same_model else served
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
    bytes_per_param = est.BYTES_PER_PARAM[precision]
    kv = 0.0
    kv_counted = False
    shape = resolved.shape if resolved is not None else None
    if same_model and shape is not None and model.heads and context:
        kv_value_bytes = 4.0 if precision == "fp32" else 2.0  # the KV cache stays in 16-bit
        kv = shape.kv_values_per_token() * kv_value_bytes * context * batch
        kv_counted = True
        if serving.context_length is None:
            assumed.append(f"every sequence at the full {context:,}-token context")
    weights_read = served
    touched = None
    if same_model and shape is not None and shape.experts and shape.moe_layers:
        touched = est.distinct_experts(shape.experts, shape.top_k, batch)
        untouched = shape.moe_layers * (shape.experts - touched) * shape.expert_params()
        weights_read = max(served - untouched, active)
    decode = est.decode_roofline(active, served, bytes_per_param, batch, count, accelerator.peak_flops,
                                 accelerator.bandwidth_bytes, kv, assumptions.bandwidth_efficiency,
                                 assumptions.compute_efficiency, serving.usd_per_gpu_hour,
                                 read_params=weights_read)
    fraction = assumptions.usable_memory_fraction if usable_memory_fraction is None else usable_memory_fraction
    return ServingEstimate(accelerator, count, precision, batch, context, served, active, kv_counted, decode,
                           accelerator.memory_bytes * count * fraction, tuple(assumed), weights_read * bytes_per_param,
                           touched)


def _active_of(model, resolved: ResolvedShape | None) -> float:
    if model.active_params is not None:
        return model.active_params
    if resolved is not None and resolved.experts_declared:
        shape = resolved.shape
        return model.params * shape.active_params() / shape.total_params()
    return model.params


def describe_serving(estimate: ServingEstimate, assumptions: Assumptions, short: bool = False) -> str:
    """The assumptions behind a serving estimate, in the words of every output; ``short`` for a
    table's note (the numbers are in the table's other rows)."""
    decode = estimate.decode
    acc = estimate.accelerator
    if short:
        text = (f"decode roofline, {estimate.precision} at batch {estimate.batch} on {estimate.accelerators}x "
                f"{acc.name}, {units.pct(assumptions.bandwidth_efficiency)} of bandwidth")
        if estimate.experts_touched is not None:
            text += f", ~{units.number(estimate.experts_touched)} experts per layer read per step"
        if not estimate.kv_counted:
            text += ", no KV cache counted without the shape"
        text += "; decode only, no prefill"
        if estimate.assumed:
            text += f"; assumed {', '.join(estimate.assumed)}"
        return text
    replica = f"{estimate.accelerators}x {acc.name}" if estimate.accelerators > 1 else acc.name
    kv = (f" and {units.bytes_(decode.kv_bytes)} of KV cache ({estimate.context:,}-token context)"
          if estimate.kv_counted else "")
    reads = f"{units.bytes_(estimate.weight_bytes_read)} of weights"
    if estimate.experts_touched is not None:
        reads += f" (the ~{units.number(estimate.experts_touched)} experts per layer a batch of {estimate.batch} touches)"
    text = (f"decode roofline, {estimate.precision} {units.count(estimate.served_params)} params at batch "
            f"{estimate.batch} on {replica}: {units.number(decode.tokens_per_second)} tokens/s, {decode.bound}-bound "
            f"(each step reads {reads}{kv} at {units.pct(assumptions.bandwidth_efficiency)} of "
            f"{units.number(acc.bandwidth_gbps)} GB/s); decode only, no prefill")
    if not estimate.kv_counted:
        text += "; KV cache not counted (declare model.layers, d_model, heads and a context length)"
    if estimate.assumed:
        text += f"; assumed {', '.join(estimate.assumed)}"
    return text


def counted(numbers: PlanNumbers) -> str:
    """How the compute a budget must cover was counted, in the words of every output."""
    if numbers.plan.distillation is None:
        return numbers.notes["train_flops"]
    return f"{numbers.notes['train_flops']}; {numbers.notes['needed_flops']}"


def finite(x: float | None) -> bool:
    return x is not None and math.isfinite(x)
