"""PL104 params-shape-mismatch: declared params against the count the declared shape implies.

Documentation: rules/PL104.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class ParamsShapeMismatch(Rule):
    code = "PL104"
    name = "params-shape-mismatch"
    severity = Severity.WARNING
    summary = "model.params (or active_params) differs from the count its declared shape implies by more than 25%."
    points_at = ("`model.params` (or `model.active_params`) against the shape's count; the value of "
                 "`model.experts_per_token` when it exceeds `model.experts`")
    options = {"tolerance": Option(0.25, "Largest relative difference allowed between declared and counted params.")}
    sources = (
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, Eq. 2.1 (N ≈ 12 · "
        "layers · d² for an ungated 4d feed-forward).",
        "Ainslie et al. 2023, *GQA: Training Generalized Multi-Query Transformer Models from Multi-Head "
        "Checkpoints*, arXiv:2305.13245 (grouped key and value heads).",
        "Shazeer 2020, *GLU Variants Improve Transformer*, arXiv:2002.05202 (gated feed-forward).",
        "Brown et al. 2020, *Language Models are Few-Shot Learners*, arXiv:2005.14165 (GPT-3 175B).",
        "Touvron et al. 2023a, *LLaMA: Open and Efficient Foundation Language Models*, arXiv:2302.13971, Table 2 "
        "(LLaMA sizes and shapes).",
        "Touvron et al. 2023b, *Llama 2: Open Foundation and Fine-Tuned Chat Models*, arXiv:2307.09288 (Llama 2 "
        "70B, grouped-query attention).",
        "Gemma Team 2024, *Gemma: Open Models Based on Gemini Research and Technology*, arXiv:2403.08295, Tables "
        "1 and 2.",
        "Jiang et al. 2024, *Mixtral of Experts*, arXiv:2401.04088, Table 1 (46.7B total, 12.9B active).",
        "DeepSeek-AI 2024, *DeepSeek-V2: A Strong, Economical, and Efficient Mixture-of-Experts Language Model*, "
        "arXiv:2405.04434, §2.1 (MLA) and §3.1.2 (236B total, 21B active).",
    )

    def check(self, plan, ctx):
        model, numbers = plan.model, ctx.numbers
        resolved = numbers.shape
        if resolved is None:
            return
        if model.is_moe and not resolved.experts_declared:
            return  # the shape without its experts cannot count a mixture's parameters
        if model.experts and model.experts_per_token and model.experts_per_token > model.experts:
            yield ctx.finding(("model", "experts_per_token"),
                              f"model.experts_per_token is {model.experts_per_token} but a MoE layer has only "
                              f"{model.experts} routed experts",
                              f"set experts_per_token to at most {model.experts}, or correct experts", target="value",
                              details=["a token cannot use more experts than there are"],
                              experts=model.experts, experts_per_token=model.experts_per_token)
        tolerance = ctx.options["tolerance"]
        counted = numbers["shape_params"]
        pairs = [(("model", "params"), "model.params", model.params, counted)]
        if resolved.experts_declared and model.active_params is not None:
            pairs.append((("model", "active_params"), "model.active_params", model.active_params,
                          numbers["shape_active_params"]))
        for path, key, declared, count in pairs:
            off = declared / count - 1.0
            if abs(off) <= tolerance:
                continue
            message = (f"{key} is {units.count(declared)} but the declared shape counts {units.count(count)} "
                       f"({'+' if off > 0 else ''}{units.pct(off)})")
            missing = _undeclared(model)
            if missing:
                fix = (f"declare {', '.join(missing)} as the model has them, or correct {key} or the shape "
                       f"(the shape as declared counts {units.count(count)})")
            else:
                fix = f"correct {key} or the shape: as declared the shape counts {units.count(count)}"
            yield ctx.finding(path, message, fix, details=[f"the shape: {_parts(model, resolved)}"],
                              counted_params=counted,
                              counted_active_params=numbers["shape_active_params"], relative_difference=off)


def _parts(model, resolved) -> str:
    shape = resolved.shape
    parts = [f"{shape.layers} layers x d_model {shape.d_model}"]
    if model.mla is not None:
        parts.append(f"latent attention (kv_lora_rank {shape.mla.kv_rank}, rope {shape.mla.rope_dim})")
    elif model.heads:
        width = shape.heads * shape.head_dim
        heads = f"{shape.heads} heads of {units.number(shape.head_dim)}"
        if width != shape.d_model:
            heads += f" ({units.number(width)} wide)"
        if shape.kv_heads != shape.heads:
            heads += f", {shape.kv_heads} for K and V"
        parts.append(heads)
    elif model.kv_heads:
        parts.append("no heads: K and V counted d_model wide, kv_heads unused")
    ffn = f"{'gated ' if shape.gated else ''}feed-forward {shape.ffn_dim}"
    if model.ffn_dim is None:
        ffn += " (4 x d_model, assumed)"
    if resolved.experts_declared:
        ffn = (f"{shape.dense_layers} dense layers with {ffn}, {shape.moe_layers} with {shape.experts} experts of "
               f"{shape.expert_ffn_dim} ({shape.top_k} per token" +
               (f", {shape.shared_experts} shared" if shape.shared_experts else "") + ")")
    parts.append(ffn)
    if shape.vocab:
        parts.append(f"vocabulary {shape.vocab:,}" + (" (tied)" if shape.tied else ""))
    else:
        parts.append("no vocab_size: embeddings not counted")
    return ", ".join(parts)


def _undeclared(model) -> list[str]:
    """Shape fields whose defaults the count assumed (kv_heads defaults to heads, plain
    multi-head attention: asked for only without heads)."""
    missing = [name for name in ("heads", "ffn_dim", "ffn_gated", "vocab_size") if getattr(model, name) is None]
    if model.heads is None and model.kv_heads is None:
        missing.insert(1, "kv_heads")
    if model.experts and model.experts_per_token is None:
        missing.append("experts_per_token")
    if model.experts and model.expert_ffn_dim is None:
        missing.append("expert_ffn_dim")
    return missing
