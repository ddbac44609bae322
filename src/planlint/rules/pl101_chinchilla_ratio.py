"""PL101 chinchilla-ratio: training tokens per (active) parameter against the ~20:1 baseline,
in both directions: too few tokens for the size, or over-training the plan does not account for.

Documentation: rules/PL101.md.
"""

from __future__ import annotations

from planlint import units
from planlint.estimate import CHINCHILLA_TOKENS_PER_PARAM
from planlint.findings import Severity
from planlint.rule import Option, Rule

PATH = ("data", "train_tokens")
# "More experts -> higher tokens-to-param ratio": at a fixed compute, the compute-optimal
# mixture has fewer active parameters and more tokens than the dense model (Ludziejewski et
# al. 2025, Finding 1 and Table 1), so a mixture under the dense baseline per active
# parameter is under its own optimum too.
MOE_SOURCE = "Ludziejewski et al. 2025"


class TokensPerParam(Rule):
    code = "PL101"
    name = "chinchilla-ratio"
    aliases = ("undertrained-ratio",)
    severity = Severity.WARNING
    summary = ("Training tokens per (active) parameter far from the ~20:1 Chinchilla baseline: too few, or "
               "over-training the plan does not account for.")
    points_at = "`data.train_tokens`"
    options = {
        "warn_below": Option(10.0, "Tokens per active parameter below which the plan is a warning."),
        "error_below": Option(4.0, "Tokens per active parameter below which the plan is an error."),
        "overtrained_above": Option(
            100.0, "Tokens per active parameter above which over-training is noted (info; a warning when the "
            "plan says `sizing: compute-optimal`; nothing once it says `sizing: inference-optimal` and "
            "declares serving.lifetime_tokens)."),
        "baseline": Option(CHINCHILLA_TOKENS_PER_PARAM,
                           "The compute-optimal tokens per parameter quoted in messages and fixes."),
    }
    sources = (
        "Hoffmann et al. 2022, *Training Compute-Optimal Large Language Models*, arXiv:2203.15556, Table 3 and "
        "Eq. 4.",
        "Besiroglu, Erdil, Barnett, You 2024, *Chinchilla Scaling: A replication attempt*, arXiv:2404.10102.",
        "Sardana et al. 2023, *Beyond Chinchilla-Optimal: Accounting for Inference in Language Model Scaling "
        "Laws*, arXiv:2401.00448.",
        "Ludziejewski et al. 2025, *Joint MoE Scaling Laws: Mixture of Experts Can Be Memory Efficient*, "
        "arXiv:2502.05172, Eq. 1, Table 1, Table 3 (a 35.91, α −0.1889, δ −0.2285, γ 0.0098, b 35.98, β −0.1775, "
        "ω 0.5529, ζ −0.0259, E_start 2.0732, E_max 290.4521, c 1.3637) and Finding 1.",
        "Krajewski et al. 2024, *Scaling Laws for Fine-Grained Mixture of Experts*, arXiv:2402.07871, Eq. 9, "
        "Tables 1 and 2.",
    )

    def check(self, plan, ctx):
        opts, numbers = ctx.options, ctx.numbers
        params, tokens, active = plan.model.params, plan.data.train_tokens, numbers.active
        moe = plan.model.is_moe
        ratio = tokens / active  # per active parameter: what a token's compute buys
        baseline = opts["baseline"]
        facts = {"tokens_per_param": tokens / params, "baseline": baseline}
        if moe:
            facts["tokens_per_active_param"] = ratio
        shown = _ratios(plan, numbers)

        # no warning on a ratio the fit's own uncertainty allows at this compute (its 80% band)
        band = numbers["optimal_ratio_range"]
        warn_below = min(opts["warn_below"], band[0]) if band else opts["warn_below"]
        if band:
            facts["optimal_ratio_range"] = band
        if ratio < warn_below:
            severity = Severity.ERROR if ratio < opts["error_below"] else Severity.WARNING
            message = f"{shown}, under the ~{baseline:g}:1 Chinchilla baseline"
            details = _moe_details(plan, numbers)
            if moe:
                details.append(f"a mixture's compute-optimal tokens per active parameter are at least a dense "
                               f"model's ({MOE_SOURCE})")
            details.append(_waste(numbers, facts))
            size = "active params" if moe else "params"
            fix = (f"train on >= {units.count(baseline * active)} tokens ({baseline:g}:1 for {units.count(active)} "
                   f"{size}), or shrink to {units.count(tokens / baseline)} {size} ({baseline:g}:1 for "
                   f"{units.count(tokens)} tokens)")
            yield ctx.finding(PATH, message, fix, severity, details=details, **facts)
            return

        if ratio <= opts["overtrained_above"]:
            return
        lifetime = plan.serving.lifetime_tokens if plan.serving else None
        if plan.sizing == "inference-optimal" and lifetime is not None:
            return  # the plan says why, and PL404 checks the size against the serving volume
        times = ratio / baseline
        per = "tokens per active param" if moe else "tokens/param"
        message = f"{units.ratio(ratio)} {per}, {units.ratio(times)}x the ~{baseline:g}:1 compute-optimal baseline"
        details = (_moe_details(plan, numbers) if moe else
                   [f"{units.count(tokens)} tokens for {units.count(params)} params"])
        if plan.sizing == "compute-optimal":
            message = (f"{units.ratio(ratio)} {per} is {units.ratio(times)}x the ~{baseline:g}:1 baseline, "
                       "yet sizing: compute-optimal")
            details.append(_waste(numbers, facts))
            fix = (f"{numbers.same_compute.suggest()}, or declare `sizing: inference-optimal` and "
                   "serving.lifetime_tokens if over-training is deliberate")
            yield ctx.finding(PATH, message, fix, Severity.WARNING, details=details, **facts)
            return
        details.append("over-training buys a smaller model to serve at the price of training compute (Sardana "
                       "et al. 2023)")
        details.append(_waste(numbers, facts))
        if plan.sizing == "inference-optimal":
            fix = "declare serving.lifetime_tokens, the tokens the model will serve, so that PL404 weighs the size"
        else:
            fix = ("if it is deliberate, declare `sizing: inference-optimal` and serving.lifetime_tokens (the tokens "
                   "the model will serve, which PL404 weighs the size against)")
        yield ctx.finding(PATH, message, fix, Severity.INFO, details=details, **facts)


def _ratios(plan, numbers) -> str:
    """The headline's number: tokens per (active) parameter, with the counts it divides."""
    tokens, params = plan.data.train_tokens, plan.model.params
    if not plan.model.is_moe:
        return f"{units.ratio(tokens / params)} tokens/param ({units.count(tokens)} tokens for {units.count(params)} params)"
    active = numbers.active
    return (f"{units.ratio(tokens / active)} tokens per active param ({units.count(tokens)} for "
            f"{units.count(active)} active)")


def _moe_details(plan, numbers) -> list[str]:
    if not plan.model.is_moe:
        return []
    tokens, params = plan.data.train_tokens, plan.model.params
    return [f"{units.count(tokens)} tokens for {units.count(numbers.active)} active of {units.count(params)} params: "
            f"{units.ratio(tokens / params)} tokens per total param"]


def _waste(numbers, facts: dict) -> str:
    """The compute a compute-optimal split would save for the same predicted loss."""
    if numbers.same_loss is None:
        return ""
    waste = numbers["compute_waste"]
    facts.update(train_flops=numbers["train_flops_6nd"], compute_waste=waste,
                 same_loss_params=numbers.same_loss.params, same_loss_tokens=numbers.same_loss.tokens,
                 same_loss_flops=numbers.same_loss.flops, loss_fit=numbers.fit.key)
    return (f"{numbers.same_loss.describe()}, {units.pct(waste)} less than its "
            f"{units.sci(numbers['train_flops_6nd'])} (6ND)")
