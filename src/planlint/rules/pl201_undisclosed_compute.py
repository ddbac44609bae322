"""PL201 undisclosed-compute: no compute budget declared.

Documentation: rules/PL201.md.
"""

from __future__ import annotations

from planlint import units
from planlint.estimate import training_flops
from planlint.findings import Severity
from planlint.rule import Rule


class UndisclosedCompute(Rule):
    code = "PL201"
    name = "undisclosed-compute"
    severity = Severity.WARNING
    summary = "The plan declares no compute budget (neither compute.flops nor compute.gpu_hours)."
    sources = ("Kaplan et al. 2020, Scaling Laws for Neural Language Models, arXiv:2001.08361, §2.1 (C = 6ND)",)

    def check(self, plan, ctx):
        compute = plan.compute
        if compute is not None and (compute.flops is not None or compute.gpu_hours is not None):
            return
        needed = training_flops(plan.model.active, plan.data.train_tokens)
        if compute is None:
            path, message = (), "no compute section: the plan declares no compute budget"
        else:
            path, message = ("compute",), "compute declares neither flops nor gpu_hours"
        message += (f", so a reviewer cannot see whether its {units.sci(needed)} FLOPs (6 x "
                    f"{units.count(plan.model.active)} params x {units.count(plan.data.train_tokens)} tokens) "
                    "are paid for")
        if compute is None:
            fix = f"add `compute: {{flops: {units.sci(needed)}}}`"
        else:
            fix = f"add `flops: {units.sci(needed)}` under compute"
        accelerator = plan.accelerator(compute.accelerator if compute else None)
        if accelerator is not None and compute.mfu is not None:
            hours = needed / (accelerator.peak_flops * compute.mfu * 3600)
            fix += f" or `gpu_hours: {hours:.0f}` ({accelerator.name} at {units.pct(compute.mfu)} MFU)"
        else:
            fix += " or the accelerator-hours you have (`gpu_hours`)"
        yield ctx.finding(path, message, fix, train_flops=needed)
