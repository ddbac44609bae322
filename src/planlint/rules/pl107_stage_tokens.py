"""PL107 stage-tokens: pre-training stages whose tokens do not add up to train_tokens, or a stage mix
whose shares do not add up to 100%.

Documentation: rules/PL107.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class StageTokens(Rule):
    code = "PL107"
    name = "stage-tokens"
    severity = Severity.ERROR
    summary = "The stages' tokens do not add up to data.train_tokens, or a stage's mix does not add up to 100%."
    points_at = ("`data.stages` for a token total that differs from `data.train_tokens`; a stage's `mix` for its "
                 "shares")
    sources = (
        "Llama Team 2024, *The Llama 3 Herd of Models*, arXiv:2407.21783, §3.4 (pre-training, long-context and "
        "annealing stages).",
        "OLMo Team 2024, *2 OLMo 2 Furious*, arXiv:2501.00656 (stage 1 and mid-training).",
    )
    options = {"tolerance": Option(0.005, "How far the sums may be from train_tokens or 100% (0.005 is half a "
                                          "percent).")}

    def check(self, plan, ctx):
        stages = plan.data.stages
        if not stages:
            return
        tolerance = ctx.options["tolerance"]
        total, tokens = sum(stage.tokens for stage in stages), plan.data.train_tokens
        if abs(total / tokens - 1.0) > tolerance:
            yield ctx.finding(
                ("data", "stages"),
                f"the {len(stages)} stages train on {units.count(total)} tokens, but data.train_tokens is "
                f"{units.count(tokens)}",
                f"set data.train_tokens to {units.count(total)}, or correct the stages' tokens",
                details=["every number about the plan (compute, epochs, loss) counts train_tokens"],
                stages_total=total, train_tokens=tokens)
        for index, stage in enumerate(stages):
            if not stage.mix:
                continue
            shares = sum(entry.share for entry in stage.mix)
            if abs(shares - 1.0) > tolerance:
                yield ctx.finding(
                    ("data", "stages", index, "mix"),
                    f"the mix of stage {units.quoted(stage.name) if stage.name else index + 1} adds up to "
                    f"{units.pct(shares, 4)}, not 100%",
                    "correct the shares so that they add up to 100%", shares_total=shares)
