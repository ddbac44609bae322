"""PL403 missing-distillation: a smaller served model with no distillation stage planned.

Documentation: rules/PL403.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Rule


class MissingDistillation(Rule):
    code = "PL403"
    name = "missing-distillation"
    severity = Severity.WARNING
    summary = "The served model is smaller than the trained one, and no distillation stage is planned."
    points_at = "`serving.params`"
    sources = (
        "Hinton, Vinyals, Dean 2015, *Distilling the Knowledge in a Neural Network*, arXiv:1503.02531.",
    )

    def check(self, plan, ctx):
        serving = plan.serving
        if serving is None or serving.params is None or serving.params >= plan.model.params:
            return
        stages = plan.alignment.stages if plan.alignment and plan.alignment.stages else []
        if any(stage.kind == "distillation" for stage in stages):
            return
        yield ctx.finding(
            ("serving", "params"),
            f"serves {units.count(serving.params)} params but trains {units.count(plan.model.params)}, and no "
            "alignment stage makes the smaller model",
            "add an alignment stage `{kind: distillation}` with its tokens and GPU-hours, or train the served "
            "size directly")
