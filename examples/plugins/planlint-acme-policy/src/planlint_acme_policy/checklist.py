"""ACME's checklist item: someone owns the budget. It reads an `x-` key, which the format
leaves free for users and plugins."""

from planlint.checklist import ChecklistItem


class BudgetOwner(ChecklistItem):
    """Done when the plan names the person who signs off its budget (`x-acme-owner`)."""

    id = "acme-budget-owner"
    title = "A budget owner is named for sign-off (x-acme-owner)."

    def evaluate(self, plan, ctx):
        if ctx.has(("x-acme-owner",)):
            return ctx.done("the budget has an owner", ctx.evidence(("x-acme-owner",)))
        return ctx.missing("no x-acme-owner", fix="add `x-acme-owner: name@acme.example` at the top of the plan")
