"""PL301 missing-alignment-budget: a model for users with no post-training budget.

Documentation: rules/PL301.md.
"""

from __future__ import annotations

from planlint.findings import Severity
from planlint.rule import Rule


class MissingAlignmentBudget(Rule):
    code = "PL301"
    name = "missing-alignment-budget"
    severity = Severity.WARNING
    summary = "A model meant for users (goal: assistant, or no goal) has no alignment stage or budget."
    sources = (
        "Ouyang et al. 2022, Training language models to follow instructions with human feedback, arXiv:2203.02155",
        "Touvron et al. 2023, Llama 2: Open Foundation and Fine-Tuned Chat Models, arXiv:2307.09288",
    )

    def check(self, plan, ctx):
        if plan.goal in ("base", "research"):
            return
        alignment = plan.alignment
        if alignment is not None and (alignment.stages or (alignment.gpu_hours or 0) > 0):
            return  # zero hours and no stage is no budget
        if plan.goal == "assistant":
            path = ("goal",)
            message = "goal: assistant, but the plan reserves no post-training"
        else:
            path = ()
            message = "no goal declared, so the plan is read as an assistant, and it reserves no post-training"
        message += (": a pre-trained model, compute-optimal or not, follows instructions only after "
                    "supervised fine-tuning and preference tuning (InstructGPT; Llama 2-Chat used SFT then RLHF)")
        fix = "add `alignment: {stages: [{kind: sft}, {kind: preference}], gpu_hours: ...}` with the hours reserved"
        if plan.goal is None:
            fix += ", or declare `goal: base` or `goal: research` if no one will chat with the model"
        yield ctx.finding(path, message, fix)
