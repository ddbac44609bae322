"""PL206 budget-underused: the plan uses under half its declared compute.

Documentation: rules/PL206.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class BudgetUnderused(Rule):
    code = "PL206"
    name = "budget-underused"
    severity = Severity.INFO
    summary = "The plan needs under half the compute it declares: a larger or longer run fits."
    points_at = "`compute.flops`, or `compute.gpu_hours` when the plan gives no flops"
    options = {"below": Option(0.5, "Share of the declared compute under which the plan is noted.")}
    sources = (
        "Hoffmann et al. 2022, *Training Compute-Optimal Large Language Models*, arXiv:2203.15556, Eq. 4 (the "
        "compute-optimal split).",
        "Besiroglu, Erdil, Barnett, You 2024, *Chinchilla Scaling: A replication attempt*, arXiv:2404.10102 (the "
        "fitted constants).",
        "Kaplan et al. 2020, *Scaling Laws for Neural Language Models*, arXiv:2001.08361, §2.1 (C ≈ 6ND).",
    )

    def check(self, plan, ctx):
        numbers = ctx.numbers
        budget, used = numbers["budget_flops"], numbers["budget_used"]
        if not budget or used >= ctx.options["below"]:
            return
        path = ("compute", "flops") if plan.compute.flops is not None else ("compute", "gpu_hours")
        yield ctx.finding(
            path,
            f"the plan needs {units.pct(used)} of the {units.sci(budget)} FLOPs it declares",
            f"{numbers.full_budget.suggest()}; or lower the budget to free the rest",
            details=[f"it needs {units.sci(numbers['needed_flops'])} FLOPs ({numbers.convention.label})",
                     f"the budget comes from {numbers.notes['budget_flops']}"],
            used_share=used, budget_flops=budget)
