"""The report's Markdown summary, for GitHub's job summary (``$GITHUB_STEP_SUMMARY``) and
merge-request comments: one table of the plans, their findings, and a link to the page.

Names, messages and evidence go through ``planlint.report.escape.markdown_text`` and file
names through ``markdown_code``, so a plan cannot forge a link, an image, a heading, a table
cell or a mention; the link to the page is the one ``--link`` gave, checked to be a plain
http(s) address.
"""

from __future__ import annotations

import re

from planlint import units
from planlint.page.html import COMPARED, compared_value
from planlint.page.model import Report
from planlint.report.escape import markdown_code, markdown_text

# what --link accepts: an http(s) address with nothing in it that could end the Markdown link
LINK = re.compile(r"https?://[^\s<>()\[\]\"'`\\]+", re.I)


def valid_link(url: str) -> bool:
    return LINK.fullmatch(url) is not None


def render(report: Report, link: str | None = None) -> str:
    plans = len(report.sections)
    out = [f"### planlint report: {plans} plan{'' if plans == 1 else 's'}", ""]
    charts = report.chart_count
    if link:
        out.append(f"[Open the report]({link}): {charts} chart{'' if charts == 1 else 's'}, the estimate and the "
                   "checklist of each plan.")
    else:
        out.append(f"The report has {charts} chart{'' if charts == 1 else 's'}, the estimate and the checklist of "
                   "each plan.")
    out.extend(["", f"Fit: {markdown_text(report.fit_label)}; losses are predicted (nats/token), not measured.", ""])
    out.append("| plan | file | params | tokens | " + " | ".join(h for h, _ in COMPARED) + " | findings |")
    out.append("|" + "---|" * (len(COMPARED) + 5))
    for section in report.sections:
        plan = section.numbers.plan
        params = units.count(plan.model.params) + (f" ({units.count(section.numbers.active)} active)"
                                                   if plan.model.is_moe else "")
        cells = " | ".join(markdown_text(compared_value(section.numbers, key)) for _, key in COMPARED)
        out.append(f"| {markdown_text(section.entry.name)} | {markdown_code(section.result.name)} | {params} | "
                   f"{units.count(plan.data.train_tokens)} | {cells} | {markdown_text(section.verdict())} |")
    for section in report.sections:
        findings = section.result.findings
        if not findings:
            continue
        out.extend(["", f"#### {markdown_text(section.entry.name)} ({markdown_code(section.result.name)})", ""])
        for finding in findings:
            where = f"{finding.file or section.result.name}:{finding.line}:{finding.column}"
            out.append(f"- **{finding.severity}** {markdown_code(finding.code)} {markdown_code(where)}: "
                       f"{markdown_text(finding.message)}")
    problems = report.not_checked + report.unreadable
    if problems:
        out.extend(["", "#### Not in this report", ""])
        out.extend(f"- {markdown_text(message)}" for message in problems)
    return "\n".join(out) + "\n"

