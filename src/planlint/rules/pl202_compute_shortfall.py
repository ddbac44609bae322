"""PL202 compute-shortfall: the declared budget is less than the plan needs.

Documentation: rules/PL202.md.
"""

from __future__ import annotations

from planlint import units
from planlint.forecast import training_compute
from planlint.findings import Severity
from planlint.rule import Option, Rule


class ComputeShortfall(Rule):
    code = "PL202"
    name = "compute-shortfall"
    severity = Severity.ERROR
    summary = "The declared FLOPs, or GPU-hours at the declared MFU, fall short of what the plan needs."
    options = {"tolerance": Option(0.05, "Shortfall ignored as within 6ND's own error (exact counts are "
                                         "0.99-1.10x of 6ND, Hoffmann et al. 2022, Table A4).")}
    sources = ("Kaplan et al. 2020, arXiv:2001.08361, §2.1", "Hoffmann et al. 2022, arXiv:2203.15556, Table A4")

    def check(self, plan, ctx):
        compute = plan.compute
        if compute is None:
            return
        needed, how = training_compute(plan)
        slack = 1.0 + ctx.options["tolerance"]
        if compute.flops is not None and needed > compute.flops * slack:
            short = needed - compute.flops
            yield ctx.finding(
                ("compute", "flops"),
                f"the plan needs {units.sci(needed)} FLOPs ({how}) but declares {units.sci(compute.flops)}: "
                f"short by {units.sci(short)} ({units.pct(short / needed)})",
                f"raise compute.flops to >= {units.sci(needed)}, or cut train_tokens to "
                f"{units.count(plan.data.train_tokens * compute.flops / needed)}",
                needed_flops=needed, declared_flops=compute.flops)
        accelerator = plan.accelerator(compute.accelerator)
        if compute.gpu_hours is None or compute.mfu is None or accelerator is None:
            return  # without a declared MFU, GPU-hours are judged by the MFU they imply (PL203)
        hours = needed / (3600 * accelerator.peak_flops * compute.mfu)
        if hours > compute.gpu_hours * slack:
            yield ctx.finding(
                ("compute", "gpu_hours"),
                f"at the declared {units.pct(compute.mfu)} MFU on {accelerator.name} "
                f"({accelerator.peak_tflops:g} TFLOP/s dense) the plan's {units.sci(needed)} FLOPs take "
                f"{units.number(hours)} GPU-hours, but it declares {units.number(compute.gpu_hours)}: short by "
                f"{units.pct(1 - compute.gpu_hours / hours)}",
                f"raise compute.gpu_hours to >= {units.number(hours)}, or cut train_tokens to "
                f"{units.count(plan.data.train_tokens * compute.gpu_hours / hours)}",
                needed_gpu_hours=hours, declared_gpu_hours=compute.gpu_hours)
