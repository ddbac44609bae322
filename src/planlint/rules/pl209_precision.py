"""PL209 training-precision: FP8 training on an accelerator without FP8 tensor cores, or an MFU
measured against the FP8 peak of a run that does not train in FP8.

Documentation: rules/PL209.md.
"""

from __future__ import annotations

from planlint.findings import Severity
from planlint.rule import Rule


class TrainingPrecision(Rule):
    code = "PL209"
    name = "training-precision"
    severity = Severity.ERROR
    summary = "FP8 training on an accelerator without FP8 tensor cores, or an MFU against a peak the run does not use."
    points_at = "`compute.precision`, or `compute.mfu_peak` for an MFU against a peak the run does not use"
    sources = (
        "DeepSeek-AI 2024, *DeepSeek-V3 Technical Report*, arXiv:2412.19437, §3.3 (FP8 mixed-precision training).",
        "torchtitan, `torchtitan/components/metrics.py` and `benchmarks/llama3_h100_202412_torchtitan.md` (no "
        "MFU with Float8).",
        "NVIDIA H100, H200, B200, L4 and L40S datasheets; AMD MI300X data sheet, footnote MI300-18 (FP8 peaks).",
    )

    def check(self, plan, ctx):
        compute, numbers = plan.compute, ctx.numbers
        if compute is None or numbers.accelerator is None:
            return
        accelerator = numbers.accelerator
        if compute.precision == "fp8" and not accelerator.fp8_tflops:
            yield ctx.finding(
                ("compute", "precision"),
                f"compute.precision is fp8, but {accelerator.name} has no FP8 tensor cores",
                "train in bf16, or on an accelerator with FP8 (h100-sxm, h200, b200, mi300x, ...)",
                accelerator=accelerator.name,
                details=[f"{accelerator.name} is the {accelerator.label}: its matmuls run at the "
                         f"{accelerator.peak_tflops:g} TFLOP/s 16-bit peak at best"])
        if compute.mfu_peak == "fp8" and compute.precision != "fp8":
            yield ctx.finding(
                ("compute", "mfu_peak"),
                "compute.mfu_peak is fp8, but the run does not train in FP8: its MFU reads as half what it is",
                "set mfu_peak: bf16, or declare compute.precision: fp8", Severity.WARNING,
                details=["compute.precision is not fp8, so the matmuls run at the 16-bit peak; an MFU measured "
                         "against the FP8 peak, twice as high, reads as half what it is"])
