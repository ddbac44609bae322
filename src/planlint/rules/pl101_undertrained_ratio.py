"""PL101 undertrained-ratio: training tokens per parameter against the ~20:1 baseline.

Documentation: rules/PL101.md.
"""

from __future__ import annotations

from planlint import units
from planlint.estimate import BESIROGLU_2024, CHINCHILLA_TOKENS_PER_PARAM, training_flops
from planlint.findings import Severity
from planlint.rule import Option, Rule

PATH = ("data", "train_tokens")


class UndertrainedRatio(Rule):
    code = "PL101"
    name = "undertrained-ratio"
    severity = Severity.WARNING
    summary = "Too few training tokens per parameter against the ~20:1 Chinchilla baseline."
    options = {
        "warn_below": Option(10.0, "Tokens per parameter below which the plan is a warning."),
        "error_below": Option(4.0, "Tokens per parameter below which the plan is an error."),
        "overtrained_above": Option(
            100.0, "Tokens per parameter above which over-training is noted (info; a warning "
            "when the plan says `sizing: compute-optimal`)."),
        "baseline": Option(CHINCHILLA_TOKENS_PER_PARAM,
                           "The compute-optimal tokens per parameter quoted in messages and fixes."),
    }
    sources = (
        "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556, Table 3",
        "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt, arXiv:2404.10102",
        "Sardana et al. 2023, Beyond Chinchilla-Optimal, arXiv:2401.00448",
    )

    def check(self, plan, ctx):
        opts = ctx.options
        params, tokens = plan.model.params, plan.data.train_tokens
        ratio = tokens / params
        baseline = opts["baseline"]
        moe = plan.model.is_moe
        facts = {"tokens_per_param": ratio, "baseline": baseline}
        if moe:
            facts["tokens_per_active_param"] = tokens / plan.model.active

        if ratio < opts["warn_below"]:
            severity = Severity.ERROR if ratio < opts["error_below"] else Severity.WARNING
            message = (f"{units.ratio(ratio)} tokens/param ({units.count(tokens)} tokens for "
                       f"{units.count(params)} params) against the ~{baseline:g}:1 Chinchilla baseline")
            message += _active_note(plan) + _waste_note(plan, facts)
            fix = (f"train on >= {units.count(baseline * params)} tokens, or shrink to "
                   f"{units.count(tokens / baseline)} params for {units.count(tokens)} tokens")
            yield ctx.finding(PATH, message, fix, severity, **facts)
            return

        if ratio > opts["overtrained_above"]:
            times = ratio / baseline
            message = (f"{units.ratio(ratio)} tokens/param is {times:.0f}x the ~{baseline:g}:1 "
                       f"compute-optimal baseline{_active_note(plan)}")
            if plan.sizing == "compute-optimal":
                message += " although the plan says sizing: compute-optimal" + _waste_note(plan, facts)
                fix = _grow_fix(plan) + ", or declare `sizing: inference-optimal` if over-training is deliberate"
                yield ctx.finding(PATH, message, fix, Severity.WARNING, **facts)
                return
            message += ": deliberate over-training buys a smaller model to serve at the price of " \
                       "training compute (Sardana et al. 2023)" + _waste_note(plan, facts)
            if plan.sizing == "inference-optimal" and plan.serving and plan.serving.lifetime_tokens:
                fix = "none needed: the serving volume is declared, and PL404 checks the size against it"
            elif plan.sizing == "inference-optimal":
                fix = "none needed if the serving volume pays for it; set serving.lifetime_tokens to record it"
            else:
                fix = "declare `sizing: inference-optimal` to record that over-training is deliberate"
            yield ctx.finding(PATH, message, fix, Severity.INFO, **facts)


def _active_note(plan) -> str:
    if not plan.model.is_moe:
        return ""
    active = plan.model.active
    return (f"; {units.ratio(plan.data.train_tokens / active)} tokens per active parameter "
            f"({units.count(active)} active)")


def _waste_note(plan, facts: dict) -> str:
    """The compute a compute-optimal split would save for the same predicted loss."""
    if plan.model.is_moe:
        return "; the dense-model loss fit does not price a mixture of experts"
    params, tokens = plan.model.params, plan.data.train_tokens
    fit = BESIROGLU_2024
    flops = training_flops(params, tokens)
    needed = fit.flops_for_loss(fit.loss(params, tokens))
    waste = max(0.0, 1.0 - needed / flops)
    same_params, same_tokens = fit.optimal_split(needed)
    facts.update(train_flops=flops, compute_waste=waste, same_loss_params=same_params,
                 same_loss_tokens=same_tokens, same_loss_flops=needed, loss_fit=fit.key)
    return (f"; a compute-optimal split reaches the same predicted loss with {units.pct(waste)} less than its "
            f"{units.sci(flops)} FLOPs: {units.count(same_params)} params on {units.count(same_tokens)} tokens "
            f"(Besiroglu et al. 2024 fit)")


def _grow_fix(plan) -> str:
    flops = training_flops(plan.model.params, plan.data.train_tokens)
    best_params, best_tokens = BESIROGLU_2024.optimal_split(flops)
    return (f"for the same {units.sci(flops)} FLOPs train {units.count(best_params)} params on "
            f"{units.count(best_tokens)} tokens")
