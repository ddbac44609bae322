"""ACME's training-plan policy, as a planlint plugin.

planlint finds this module through the entry point in pyproject.toml and calls the hooks
below. Each hook imports what it returns, so loading the plugin costs nothing until planlint
asks for its rules, items or accelerators.
"""

from planlint.hooks import hookimpl


@hookimpl
def planlint_rules():
    from planlint_acme_policy.rules import GpuHourCap, PinnedRevisions

    return [PinnedRevisions, GpuHourCap]


@hookimpl
def planlint_checklist_items():
    from planlint_acme_policy.checklist import BudgetOwner

    return [BudgetOwner]


@hookimpl
def planlint_accelerators():
    from planlint.accelerators import Accelerator

    # The chip ACME's new cluster runs on: dense BF16 peak, HBM capacity and bandwidth.
    return [Accelerator("mi325x", "AMD Instinct MI325X", 1307.4, 256, 6000, "AMD Instinct MI325X data sheet",
                        fp8_tflops=2614.9)]
