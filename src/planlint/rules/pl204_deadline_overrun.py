"""PL204 deadline-overrun: the estimated wall-clock days exceed compute.deadline_days.

Documentation: rules/PL204.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.findings import Severity
from planlint.rule import Rule


class DeadlineOverrun(Rule):
    code = "PL204"
    name = "deadline-overrun"
    severity = Severity.WARNING
    summary = "Training takes longer than compute.deadline_days on the declared accelerators."
    points_at = "`compute.deadline_days`"
    sources = (
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, §2.1 (C ≈ 6ND).",
        "Chowdhery et al. 2022, *PaLM: Scaling Language Modeling with Pathways*, arXiv:2204.02311, App. B (the "
        "attention term and MFU).",
        "Touvron et al. 2023a, *LLaMA: Open and Efficient Foundation Language Models*, arXiv:2302.13971, §2.4 "
        "and Table 15 (LLaMA-65B: 2,048 A100-80GB, about 21 days, 1,022,362 GPU-hours).",
    )

    def check(self, plan, ctx):
        compute, numbers = plan.compute, ctx.numbers
        if compute is None or compute.deadline_days is None or not compute.accelerators:
            return
        days = numbers["wall_clock_days"]
        if days is None or days <= compute.deadline_days:
            return
        if numbers["gpu_hours"] is not None:
            basis = (f"{units.sci(numbers['needed_flops'])} {numbers.convention.label} FLOPs on {compute.accelerators:,} "
                     f"{numbers.accelerator.name} at {units.pct(numbers['mfu'])} MFU")
        else:
            basis = f"{units.number(compute.gpu_hours)} GPU-hours on {compute.accelerators:,} accelerators"
        needed_accelerators = math.ceil(compute.accelerators * days / compute.deadline_days)
        yield ctx.finding(
            ("compute", "deadline_days"),
            f"training takes ~{units.duration(days * 24)}, past the deadline of "
            f"{units.duration(compute.deadline_days * 24)}",
            f"use >= {needed_accelerators:,} accelerators, or move the deadline to {math.ceil(days)} days",
            details=[basis], days=days)
