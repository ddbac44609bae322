"""What a report holds, before it is written as HTML, Markdown or chart files: for each plan
its findings, numbers, checklist and charts, the plans that could not be checked, and the
charts that compare the plans with each other."""

from __future__ import annotations

import re
from dataclasses import field

from planlint.findings import NOT_CHECKED, Severity
from planlint.page import series
from planlint.records import record
from planlint.report.escape import visible


@record
class Section:
    number: int  # 1-based, in the order the plans were read
    result: object  # planlint.engine.FileResult: findings, doc, plan
    entry: series.Entry  # the name and the numbers under the chosen fit
    checklist: object  # planlint.checklist.PlanChecklist
    thresholds: dict  # PL101's options for this plan, as configured
    charts: list[series.Chart] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)  # (chart key, why it is not drawn)

    @property
    def anchor(self) -> str:
        return f"plan-{self.number}"

    @property
    def numbers(self):
        return self.entry.numbers

    def prefix(self, chart: series.Chart) -> str:
        """The ids of this chart's SVG begin with this: unique in the page."""
        return f"c{self.number}-{chart.key}-"

    def file_name(self, chart: series.Chart, fmt: str) -> str:
        return f"{self.number:02d}-{slug(self.entry.name)}-{chart.key}.{fmt}"

    def verdict(self) -> str:
        """``3 findings (1 error, 2 warnings)``, saying when the plan was not wholly checked."""
        counts = {level: 0 for level in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
        for finding in self.result.findings:
            counts[finding.severity] += 1
        total = sum(counts.values())
        if not total:
            return "no findings"
        shown = ", ".join(f"{n} {level}{'s' if n != 1 and level is not Severity.INFO else ''}"
                          for level, n in counts.items() if n)
        unchecked = sorted({f.code for f in self.result.findings if f.code in NOT_CHECKED})
        tail = f"; not wholly checked ({', '.join(unchecked)})" if unchecked else ""
        return f"{total} finding{'' if total == 1 else 's'} ({shown}){tail}"


@record
class Report:
    sections: list[Section]
    fit_label: str
    version: str
    comparison: list[series.Chart] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)  # "PATH: not reported, the plan could not be checked ..."
    unreadable: list[str] = field(default_factory=list)

    @property
    def chart_count(self) -> int:
        return sum(len(s.charts) for s in self.sections) + len(self.comparison)

    @staticmethod
    def comparison_prefix(chart: series.Chart) -> str:
        return f"cmp-{chart.key}-"

    @staticmethod
    def comparison_file_name(chart: series.Chart, fmt: str) -> str:
        return f"comparison-{chart.key}.{fmt}"


def slug(name: str) -> str:
    """A plan name as a safe piece of a file name: lower-case letters, digits and dashes."""
    text = re.sub(r"[^a-z0-9]+", "-", visible(name).lower()).strip("-")
    return text[:48].rstrip("-") or "plan"


def build(results, registry, resolver, not_checked=(), unreadable=(), version: str = "") -> Report:
    """The report of ``results`` (planlint.engine.FileResult with a plan, as ``estimate`` and
    ``checklist`` read them): each plan's numbers as ``check`` computed them (under the fit the
    command line, the configuration or the plan chose), its checklist, and PL101's options as
    configured for it (the tokens-per-parameter chart's regions). Plans are drawn on common
    axes only when one fit prices them all: a frontier is a fit's."""
    from planlint.checklist import evaluate

    pl101 = registry.rules["PL101"].defaults() if "PL101" in registry.rules else {}
    sections, entries, thresholds = [], [], []
    for number, result in enumerate(results, 1):
        entry = series.Entry(result.plan.name, result.numbers)
        limits = {**pl101, **resolver.for_plan(result.name).options.get("PL101", {})}
        checklist = evaluate(result.plan, result.doc, registry, result.numbers)
        charts, missing = series.plan_charts(entry, limits)
        sections.append(Section(number, result, entry, checklist, limits, charts, missing))
        entries.append(entry)
        thresholds.append(limits)
    labels = list(dict.fromkeys(entry.numbers.fit.label for entry in entries))
    keys = {entry.numbers.fit.key for entry in entries}
    comparison = series.comparison_charts(entries, thresholds) if len(entries) > 1 and len(keys) == 1 else []
    fit_label = labels[0] if len(labels) == 1 else (
        f"{', '.join(labels)} (the plans choose different fits, so they share no frontier: --fit NAME prices "
        "them all with one)")
    return Report(sections, fit_label, version, comparison, list(not_checked), list(unreadable))
