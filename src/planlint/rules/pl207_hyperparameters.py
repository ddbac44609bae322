"""PL207 hyperparameters: a batch size or peak learning rate far from DeepSeek LLM's compute fits.

Documentation: rules/PL207.md.
"""

from __future__ import annotations

from planlint import estimate as est
from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class Hyperparameters(Rule):
    code = "PL207"
    name = "hyperparameters"
    severity = Severity.WARNING
    summary = ("The global batch size or peak learning rate is far from what DeepSeek LLM's compute fits give "
               "for the plan's compute.")
    points_at = "`training.global_batch_tokens` or `training.peak_lr`, whichever is off"
    options = {
        "batch_factor": Option(4.0, "How many times off the fitted batch size a plan may be."),
        "lr_factor": Option(3.0, "How many times off the fitted peak learning rate a plan may be."),
        "extrapolation_limit": Option(
            100.0, "How many times past the fits' largest budget (2e19 FLOPs) a plan is still warned; beyond it the "
                   "finding is a note, since published runs there train far from the extrapolated fits."),
    }
    sources = (
        "Bi et al. 2024, *DeepSeek LLM: Scaling Open-Source Language Models with Longtermism*, arXiv:2401.02954, "
        "§3.1, Eqs. 1 and 2, Table 2.",
        "Llama Team 2024, *The Llama 3 Herd of Models*, arXiv:2407.21783, §3.4.1 (batch sizes and learning rate "
        "of the 405B run).",
    )

    def check(self, plan, ctx):
        training, numbers, opts = plan.training, ctx.numbers, ctx.options
        if training is None or (training.global_batch_tokens is None and training.peak_lr is None):
            return
        flops = numbers["hyperparameter_flops"]
        beyond = flops > est.HYPERPARAMETER_FIT_FLOPS[1] * opts["extrapolation_limit"]
        severity = Severity.INFO if beyond else Severity.WARNING
        at = f"C = M D = {units.sci(flops)} FLOPs"
        if beyond:
            at += f", {units.number(flops / est.HYPERPARAMETER_FIT_FLOPS[1])}x past the budgets they were fitted on"
        checks = (("global_batch_tokens", training.global_batch_tokens, numbers["optimal_batch_tokens"], "batch_factor",
                   "global batch", lambda x: f"{units.count(x)} tokens", "B_opt = 0.2920 C^0.3271"),
                  ("peak_lr", training.peak_lr, numbers["optimal_peak_lr"], "lr_factor", "peak learning rate",
                   lambda x: units.sci(x, 2), "eta_opt = 0.3118 C^-0.125"))
        for key, declared, fitted, option, what, show, law in checks:
            if declared is None:
                continue
            ratio = declared / fitted
            factor = opts[option]
            if 1 / factor <= ratio <= factor:
                continue
            how = f"{units.ratio(ratio)}x" if ratio >= 1 else f"1/{units.ratio(1 / ratio)} of"
            yield ctx.finding(
                ("training", key),
                f"the {what} {show(declared)} is {how} the fitted optimum, {show(fitted)}",
                f"use a {what} near {show(fitted)} (within {factor:g}x), or record why this run departs from it",
                severity, declared=declared, fitted=fitted, ratio=ratio, flops=flops,
                details=[f"DeepSeek LLM's fit {law} at {at} (Bi et al. 2024)"])
