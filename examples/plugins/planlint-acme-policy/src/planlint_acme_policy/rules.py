"""ACME's two rules. A rule's docstring is what `planlint explain CODE` prints."""

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule


class PinnedRevisions(Rule):
    """ACME101 pinned-revisions: every data source carries a revision.

    ACME reproduces every run it ships. That needs the exact data: each source in `data.mix`
    must name its dataset revision or content hash (`revision:`), and a plan without a mix
    cannot say what it trains on.

    Fix: add `revision: <hash>` to each source.
    """

    code = "ACME101"
    name = "pinned-revisions"
    severity = Severity.ERROR
    summary = "A data source without a dataset revision, or a plan without a data mix."
    sources = ("ACME reproducibility policy: every shipped run can be retrained from its exact data",)

    def check(self, plan, ctx):
        if not plan.data.mix:
            yield ctx.finding(("data",), "no data.mix: ACME policy needs every source listed with its revision",
                              "list the sources under data.mix, each with share and revision")
            return
        for index, entry in enumerate(plan.data.mix):
            if not entry.revision:
                yield ctx.finding(("data", "mix", index, "source"),
                                  f"data source '{entry.source}' has no revision; ACME policy pins every source",
                                  "add `revision:` with the dataset revision or content hash", target="value")


class GpuHourCap(Rule):
    """ACME102 gpu-hour-cap: the pre-training budget stays under ACME's GPU-hour cap.

    A plan over the cap (option `max_gpu_hours`, default 50,000) needs the budget committee.
    The hours are `compute.gpu_hours` when the plan declares them, else what its compute costs
    on its accelerator: FLOPs / (3600 x peak x MFU), as `planlint estimate` computes them.
    """

    code = "ACME102"
    name = "gpu-hour-cap"
    severity = Severity.WARNING
    summary = "The plan's GPU-hours exceed ACME's cap."
    options = {"max_gpu_hours": Option(50_000.0, "The most accelerator-hours a plan may use without sign-off.",
                                       minimum=0, quantity="count")}  # 20000, 20k and 2e4 all work
    sources = ("ACME compute budget policy: runs over 50,000 GPU-hours go to the budget committee",)

    def check(self, plan, ctx):
        cap = ctx.options["max_gpu_hours"]
        if plan.compute is not None and plan.compute.gpu_hours is not None:
            hours, path, how = plan.compute.gpu_hours, ("compute", "gpu_hours"), "compute.gpu_hours"
        else:
            numbers = ctx.numbers  # the plan's numbers, as `planlint estimate` shows them
            hours, path, how = numbers["gpu_hours"], ("compute",), numbers.notes["gpu_hours"]
            if hours is None:
                return
        if hours > cap:
            yield ctx.finding(path, f"{units.number(hours)} GPU-h ({how}) is over ACME's cap of {units.number(cap)}",
                              "cut the budget, or get the budget committee's sign-off and record it",
                              gpu_hours=hours, cap=cap)
