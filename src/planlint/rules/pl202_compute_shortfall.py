"""PL202 compute-shortfall: the declared budget is less than the plan needs.

Documentation: rules/PL202.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.findings import Severity
from planlint.numbers import counted as _counted
from planlint.rule import Option, Rule


class ComputeShortfall(Rule):
    code = "PL202"
    name = "compute-shortfall"
    severity = Severity.ERROR
    summary = ("The declared FLOPs, or GPU-hours at the declared MFU, fall short of what the plan needs, counted by "
               "the plan's FLOPs convention (default 6ND).")
    points_at = ("`compute.flops` or `compute.gpu_hours`, whichever falls short; `compute.flops_convention` when "
                 "the shape it counts from is incomplete")
    options = {"tolerance": Option(0.05, "Shortfall ignored, as published budgets round their params and tokens "
                                         "(Chinchilla's 70B x 1.4T is 2% over its 5.76e23 FLOPs).")}
    sources = (
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, §2.1 (C ≈ 6ND).",
        "Hoffmann et al. 2022, *Training Compute-Optimal Large Language Models*, arXiv:2203.15556, App. F and "
        "Table A4 (exact FLOPs against 6ND; the table comes out without the embeddings and logits App. F lists, "
        "which `hoffmann-exact` follows).",
        "Chowdhery et al. 2022, *PaLM: Scaling Language Modeling with Pathways*, arXiv:2204.02311, App. B (the "
        "attention term, 12 L H Q T).",
        "Brown et al. 2020, *Language Models are Few-Shot Learners*, arXiv:2005.14165, Table D.1 (GPT-3 175B: "
        "3.14e23 FLOPs).",
        "Llama Team 2024, *The Llama 3 Herd of Models*, arXiv:2407.21783, §1 (405B: 3.8e25 FLOPs, 15.6T tokens).",
        "Dao 2023, *FlashAttention-2*, arXiv:2307.08691 (causal attention counted at half the FLOPs).",
    )

    def check(self, plan, ctx):
        compute, numbers = plan.compute, ctx.numbers
        if compute is None:
            return
        convention = numbers.convention
        if numbers.convention_missing and compute.flops_convention:
            lacking = ", ".join(f"model.{f}" for f in numbers.convention_missing)
            yield ctx.finding(
                ("compute", "flops_convention"),
                f"compute.flops_convention is {convention.key}, but the shape it counts is missing: 6ND used",
                f"declare {lacking}, or set `flops_convention: 6nd`", Severity.WARNING,
                details=[f"{convention.key} counts FLOPs from the shape; the plan does not declare {lacking}, so the "
                         "budget is compared under 6ND instead"],
                missing=list(
                    numbers.convention_missing))
        needed = numbers["needed_flops"]
        counted = f"{units.sci(needed)} FLOPs = {_counted(numbers)}"
        slack = 1.0 + ctx.options["tolerance"]
        if compute.flops is not None and needed > compute.flops * slack:
            short = needed - compute.flops
            yield ctx.finding(
                ("compute", "flops"),
                f"the plan needs {units.sci(needed)} FLOPs but declares {units.sci(compute.flops)}: short by "
                f"{units.pct(short / needed)}",
                f"raise compute.flops to >= {units.sci(units.ceil_sig(needed))}, or cut train_tokens to "
                f"{units.count(plan.data.train_tokens * compute.flops / needed)}",
                details=[counted, f"short by {units.sci(short)} FLOPs"],
                needed_flops=needed, declared_flops=compute.flops, flops_convention=convention.key)
        if compute.gpu_hours is None or compute.mfu is None or numbers.accelerator is None:
            return  # without a declared MFU, GPU-hours are judged by the MFU they imply (PL203)
        hours = numbers["gpu_hours"]
        if hours > compute.gpu_hours * slack:
            accelerator = numbers.accelerator
            yield ctx.finding(
                ("compute", "gpu_hours"),
                f"the plan takes {units.number(hours)} GPU-hours but declares {units.number(compute.gpu_hours)}: "
                f"short by {units.pct(1 - compute.gpu_hours / hours)}",
                f"raise compute.gpu_hours to >= {math.ceil(hours):,}, or cut train_tokens to "
                f"{units.count(plan.data.train_tokens * compute.gpu_hours / hours)}",
                details=[f"at the declared {units.pct(compute.mfu)} MFU on {accelerator.name} "
                         f"({accelerator.peak_tflops:g} TFLOP/s dense)", counted],
                needed_gpu_hours=hours, declared_gpu_hours=compute.gpu_hours, flops_convention=convention.key)
