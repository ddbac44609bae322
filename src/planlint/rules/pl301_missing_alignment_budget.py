"""PL301 missing-alignment-budget: a model for users with no post-training budget.

Documentation: rules/PL301.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Rule

# Published post-training compute as a share of pre-training compute:
# InstructGPT 175B, SFT 4.9 + PPO-ptx 60 petaflop/s-days against GPT-3's 3,640 (Ouyang et al.
# 2022, §5.1): 1.8%. DeepSeek-V3, 5K post-training against 2,664K pre-training H800-hours
# (DeepSeek-AI 2024, Table 1): 0.19%.
INSTRUCTGPT_SHARE = (4.9 + 60) / 3640
DEEPSEEK_V3_SHARE = 5e3 / 2664e3


class MissingAlignmentBudget(Rule):
    code = "PL301"
    name = "missing-alignment-budget"
    severity = Severity.WARNING
    summary = "A model meant for users (goal: assistant, or no goal) has no alignment stage or budget."
    points_at = "`goal`, or the first key of the plan when it declares no goal"
    sources = (
        "Ouyang et al. 2022, *Training language models to follow instructions with human feedback*, "
        "arXiv:2203.02155.",
        "Touvron et al. 2023, *Llama 2: Open Foundation and Fine-Tuned Chat Models*, arXiv:2307.09288.",
        "DeepSeek-AI 2024, *DeepSeek-V3 Technical Report*, arXiv:2412.19437, Table 1 (training costs in H800 "
        "GPU-hours).",
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
        details = ["a pre-trained model, compute-optimal or not, follows instructions only after supervised "
                   "fine-tuning and preference tuning (InstructGPT; Llama 2-Chat used SFT then RLHF)"]
        fix = "add `alignment: {stages: [{kind: sft}, {kind: preference}], gpu_hours: ...}` with the hours reserved"
        hours = plan.compute.gpu_hours if plan.compute else None
        if hours:
            fix += (f"; published runs spent {units.pct(DEEPSEEK_V3_SHARE)} (DeepSeek-V3) to "
                    f"{units.pct(INSTRUCTGPT_SHARE)} (InstructGPT) of pre-training compute on it, "
                    f"{units.number(hours * DEEPSEEK_V3_SHARE)} to {units.number(hours * INSTRUCTGPT_SHARE)} "
                    "of this plan's GPU-hours")
        if plan.goal is None:
            fix += ", or declare `goal: base` or `goal: research` if no one will chat with the model"
        yield ctx.finding(path, message, fix, details=details)
