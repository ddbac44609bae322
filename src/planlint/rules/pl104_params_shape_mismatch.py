"""PL104 params-shape-mismatch: declared params against the count the declared shape implies.

Documentation: rules/PL104.md.
"""

from __future__ import annotations

from planlint import units
from planlint.estimate import params_from_shape
from planlint.findings import Severity
from planlint.rule import Option, Rule


class ParamsShapeMismatch(Rule):
    code = "PL104"
    name = "params-shape-mismatch"
    severity = Severity.WARNING
    summary = "model.params differs from the count its declared shape implies by more than 25%."
    options = {"tolerance": Option(0.25, "Largest relative difference allowed between declared and counted params.")}
    sources = (
        "Kaplan et al. 2020, arXiv:2001.08361, Eq. 2.1 (N = 12 L d^2 for an ungated 4d feed-forward)",
        "Ainslie et al. 2023, GQA, arXiv:2305.13245 (grouped key/value heads)",
        "Shazeer 2020, GLU Variants Improve Transformer, arXiv:2002.05202 (gated feed-forward)",
    )

    def check(self, plan, ctx):
        model = plan.model
        if not (model.layers and model.d_model):
            return
        counted = params_from_shape(model.layers, model.d_model, model.heads, model.kv_heads, model.vocab_size,
                                    model.ffn_dim, bool(model.ffn_gated), bool(model.tied_embeddings))
        off = model.params / counted - 1.0
        if abs(off) <= ctx.options["tolerance"]:
            return
        ffn = model.ffn_dim or 4 * model.d_model
        parts = [f"{model.layers} layers x d_model {model.d_model}",
                 f"{'gated ' if model.ffn_gated else ''}feed-forward {ffn}"
                 + ("" if model.ffn_dim else " (4 x d_model, assumed)")]
        if model.kv_heads and model.heads and model.kv_heads != model.heads:
            parts.append(f"{model.kv_heads} of {model.heads} heads for K and V")
        elif model.kv_heads and not model.heads:
            parts.append("no heads: K and V counted d_model wide, kv_heads unused")
        parts.append(f"vocabulary {model.vocab_size:,}" if model.vocab_size else "no vocab_size: embeddings not counted")
        message = (f"model.params is {units.count(model.params)} but the declared shape counts "
                   f"{units.count(counted)} ({'+' if off > 0 else ''}{units.pct(off)}): {', '.join(parts)}")
        # kv_heads defaults to heads (plain multi-head attention): ask for it only without heads
        missing = [name for name in ("heads", "ffn_dim", "ffn_gated", "vocab_size") if getattr(model, name) is None]
        if model.heads is None and model.kv_heads is None:
            missing.insert(1, "kv_heads")
        if missing:
            fix = (f"declare {', '.join(missing)} as the model has them, or correct params or the shape "
                   f"(the shape as declared counts {units.count(counted)})")
        else:
            fix = f"correct params or the shape: as declared the shape counts {units.count(counted)}"
        yield ctx.finding(("model", "params"), message, fix, counted_params=counted, relative_difference=off)
