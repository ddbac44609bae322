"""PL404 inference-heavy: the model is much larger than the inference-aware optimum.

Documentation: rules/PL404.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class InferenceHeavy(Rule):
    code = "PL404"
    name = "inference-heavy"
    severity = Severity.INFO
    summary = "Given its lifetime serving volume, the model is over twice the inference-aware optimal size."
    points_at = "`serving.lifetime_tokens`"
    options = {"factor": Option(2.0, "How many times the inference-aware optimum the model may be.")}
    sources = (
        "Sardana et al. 2023, *Beyond Chinchilla-Optimal: Accounting for Inference in Language Model Scaling "
        "Laws*, arXiv:2401.00448 (the objective 6ND + 2N·T_inference at fixed loss).",
        "Besiroglu, Erdil, Barnett, You 2024, *Chinchilla Scaling: A replication attempt*, arXiv:2404.10102 (the "
        "loss fit).",
        "Hoffmann et al. 2022, *Training Compute-Optimal Large Language Models*, arXiv:2203.15556 (the "
        "parametric loss).",
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, §2.1 (2N FLOPs per "
        "generated token).",
    )

    def check(self, plan, ctx):
        serving, numbers = plan.serving, ctx.numbers
        if serving is None or serving.lifetime_tokens is None or plan.model.is_moe:
            return
        if serving.params is not None and serving.params != plan.model.params:
            return  # a distilled model is served: the trade-off is not the trained model's size
        best_params, best_tokens = numbers["inference_optimal_params"], numbers["inference_optimal_tokens"]
        if best_params is None:
            return
        params = plan.model.params
        if params <= ctx.options["factor"] * best_params:
            return
        served, saving = serving.lifetime_tokens, numbers["inference_optimal_saving"]
        yield ctx.finding(
            ("serving", "lifetime_tokens"),
            f"a {units.count(params)}-param model is {units.ratio(params / best_params)}x the inference-aware optimum "
            f"for {units.count(served)} served tokens",
            f"train {units.count(best_params)} params on {units.count(best_tokens)} tokens and declare "
            "`sizing: inference-optimal`",
            details=[f"{units.count(best_params)} params on {units.count(best_tokens)} tokens reach the same predicted "
                     f"loss ({numbers['predicted_loss']:.3f}, {numbers.fit.label}) with {units.pct(saving)} less "
                     "training plus inference compute (Sardana et al. 2023)"],
            inference_optimal_params=best_params, inference_optimal_tokens=best_tokens, compute_saving=saving)
