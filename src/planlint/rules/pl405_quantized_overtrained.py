"""PL405 quantized-overtrained: a heavily over-trained model served at 4 bits or fewer.

Documentation: rules/PL405.md.
"""

from __future__ import annotations

from planlint import units
from planlint.estimate import BYTES_PER_PARAM
from planlint.findings import Severity
from planlint.rule import Option, Rule


class QuantizedOvertrained(Rule):
    code = "PL405"
    name = "quantized-overtrained"
    severity = Severity.WARNING
    summary = "A model trained far beyond 20 tokens per parameter is served at 4 bits or fewer."
    points_at = "`serving.precision`"
    options = {"tokens_per_param_above": Option(
        100.0, "Tokens per (active) parameter above which 4-bit serving is warned (5x the ~20:1 baseline).")}
    sources = (
        "Kumar et al. 2024, *Scaling Laws for Precision*, arXiv:2411.04330, §3.1 (Finding 1) and App. K.",
    )

    def check(self, plan, ctx):
        serving, numbers = plan.serving, ctx.numbers
        if serving is None or serving.precision is None or BYTES_PER_PARAM[serving.precision] > 0.5:
            return
        if serving.params is not None and serving.params != plan.model.params:
            return  # a distilled model is served, not the over-trained one
        ratio = plan.data.train_tokens / numbers.active
        if ratio <= ctx.options["tokens_per_param_above"]:
            return
        yield ctx.finding(
            ("serving", "precision"),
            f"trained on {units.ratio(ratio)} tokens per parameter and served in {serving.precision}: over-trained "
            "models quantize worse",
            "serve in int8 or fp8; or measure the int4 model's loss and accuracy against the 16-bit one before "
            "committing to it (and suppress this with the result as the reason)",
            tokens_per_param=ratio,
            details=["\"overtrained language models are more sensitive to post-training quantization\", and past a "
                     "point more pre-training data makes the quantized model worse (Kumar et al. 2024, Finding 1)"])
