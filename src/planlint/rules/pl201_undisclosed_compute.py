"""PL201 undisclosed-compute: no compute budget declared.

Documentation: rules/PL201.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.findings import Severity
from planlint.numbers import counted as _counted
from planlint.rule import Rule


class UndisclosedCompute(Rule):
    code = "PL201"
    name = "undisclosed-compute"
    severity = Severity.WARNING
    summary = "The plan declares no compute budget (neither compute.flops nor compute.gpu_hours)."
    points_at = "`compute`, or the first key of the plan when there is no compute section"
    sources = (
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, §2.1 (C = 6ND).",
    )

    def check(self, plan, ctx):
        compute, numbers = plan.compute, ctx.numbers
        if compute is not None and (compute.flops is not None or compute.gpu_hours is not None):
            return
        needed = numbers["needed_flops"]
        # rounded up, so that the budget suggested is never short of what PL202 asks for
        suggested = units.sci(units.ceil_sig(needed))
        if compute is None:
            path, message = (), f"no compute section: no budget for the plan's {units.sci(needed)} FLOPs"
        else:
            path, message = ("compute",), f"compute declares neither flops nor gpu_hours for {units.sci(needed)} FLOPs"
        details = [f"{units.sci(needed)} FLOPs = {_counted(numbers)}",
                   "without a budget a reviewer cannot see whether they are paid for"]
        fix = f"add `compute: {{flops: {suggested}}}`" if compute is None else f"add `flops: {suggested}` under compute"
        if numbers.accelerator is not None and compute.mfu is not None:
            hours = math.ceil(numbers.gpu_hours_for(needed))
            fix += f" or `gpu_hours: {hours}` ({numbers.accelerator.name} at {units.pct(compute.mfu)} MFU)"
        else:
            fix += " or the accelerator-hours you have (`gpu_hours`)"
        yield ctx.finding(path, message, fix, details=details, train_flops=numbers["train_flops"], needed_flops=needed, flops_convention=numbers.convention.key)
