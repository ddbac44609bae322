"""PL204 deadline-overrun: the estimated wall-clock days exceed compute.deadline_days.

Documentation: rules/PL204.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.forecast import training_compute, working_mfu
from planlint.findings import Severity
from planlint.rule import Rule


class DeadlineOverrun(Rule):
    code = "PL204"
    name = "deadline-overrun"
    severity = Severity.WARNING
    summary = "Training takes longer than compute.deadline_days on the declared accelerators."
    sources = ("wall-clock = 6ND / (accelerators x peak x MFU), the scaling reference §6.5",)

    def check(self, plan, ctx):
        compute = plan.compute
        if compute is None or compute.deadline_days is None or not compute.accelerators:
            return
        accelerator = plan.accelerator(compute.accelerator)
        mfu, how = working_mfu(plan)
        if accelerator is not None and mfu is not None:
            needed, _ = training_compute(plan)
            days = needed / (compute.accelerators * accelerator.peak_flops * mfu * 86400)
            basis = f"{units.sci(needed)} FLOPs on {compute.accelerators:,} {accelerator.name} at {units.pct(mfu)} MFU"
        elif compute.gpu_hours is not None:
            days = compute.gpu_hours / compute.accelerators / 24
            basis = f"{units.number(compute.gpu_hours)} GPU-hours on {compute.accelerators:,} accelerators"
        else:
            return
        if days <= compute.deadline_days:
            return
        needed_accelerators = math.ceil(compute.accelerators * days / compute.deadline_days)
        yield ctx.finding(
            ("compute", "deadline_days"),
            f"training takes ~{units.number(days)} days ({basis}), past the {units.number(compute.deadline_days)}-day "
            "deadline",
            f"use >= {needed_accelerators:,} accelerators, or move the deadline to {math.ceil(days)} days",
            days=days)
