"""A GitHub Actions job summary: the findings of a run and the plans' checklists, as Markdown
for ``$GITHUB_STEP_SUMMARY``. The action runs it after ``planlint check --format json`` and
``planlint checklist --format markdown``, reading their outputs::

    python -m planlint.report.job_summary FINDINGS.json CHECKLIST.md >> "$GITHUB_STEP_SUMMARY"

Everything from plans and file names is escaped (``markdown_text``, ``markdown_code``): a plan
cannot add a heading, a link, an image, raw HTML, a table or an @mention to the summary. The
checklist's Markdown is escaped by its own renderer and copied as it is.

GitHub caps what a step may show (cited in :data:`ANNOTATIONS_PER_STEP` and
:data:`SUMMARY_BYTES`): the annotations a step makes are cut at ten of each kind, so the
summary says how many findings the pull request does not show, and lists them; a summary over
1 MiB is not shown at all, so the list and the checklists stop at :data:`BUDGET` bytes, with a
line saying how many were left out and where to find them.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from planlint.findings import NOT_CHECKED
from planlint.report.escape import markdown_code, markdown_text

# "10 warning annotations, 10 error annotations, and 10 notice annotations per step; 50
# annotations per job" (actions/toolkit, docs/problem-matchers.md, "Limitations").
ANNOTATIONS_PER_STEP = 10
ANNOTATIONS_PER_JOB = 50
# "each step is restricted to a maximum size of 1MiB" of job summary; more is not uploaded
# (GitHub Docs, "Workflow commands for GitHub Actions", "Step isolation and limits").
SUMMARY_BYTES = 1 << 20
BUDGET = SUMMARY_BYTES - (64 << 10)  # room for the lines that say what was left out
_KINDS = {"error": "error", "warning": "warning", "info": "notice"}  # as the `github` format annotates


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def render_summary(findings, checklist: str, stream, budget: int = BUDGET) -> None:
    """Write the summary of ``findings`` (the list ``--format json`` writes) and ``checklist``
    (``planlint checklist --format markdown``'s output) to ``stream``, within ``budget`` bytes
    (the lines saying what was left out come on top)."""
    parts: list[str] = ["## planlint\n\n"]
    readable = isinstance(findings, list) and all(isinstance(f, dict) for f in findings)
    if not readable:  # never "no findings": nothing is known about them
        parts.append("The findings could not be summarized: the report is not a list of findings (an `args` option "
                     "such as `--statistics` changes it). The step's log has them.\n\n")
        findings = []
    severities = Counter(str(f.get("severity")) for f in findings)
    files = {str(f.get("file")) for f in findings}
    unchecked = sorted({str(f.get("file")) for f in findings if f.get("code") in NOT_CHECKED})
    if findings:
        counted = ", ".join(f"{severities[s]:,} {s}{'s' if s != 'info' and severities[s] != 1 else ''}"
                            for s in ("error", "warning", "info") if severities[s])
        parts.append(f"**{len(findings):,} finding{'' if len(findings) == 1 else 's'}** ({counted}) in "
                     f"{len(files):,} file{'' if len(files) == 1 else 's'}.\n\n")
    elif readable:
        parts.append("No findings.\n\n")
    if unchecked:
        listed = ", ".join(markdown_code(name) for name in unchecked[:20])
        more = f" and {len(unchecked) - 20:,} more" if len(unchecked) > 20 else ""
        parts.append(f"**{len(unchecked):,} file{' was' if len(unchecked) == 1 else 's were'} not checked** "
                     f"(PL000-PL004): {listed}{more}.\n\n")
    hidden = sum(max(0, severities[s] - ANNOTATIONS_PER_STEP) for s in _KINDS)
    if hidden:
        parts.append(f"GitHub annotates at most {ANNOTATIONS_PER_STEP} errors, {ANNOTATIONS_PER_STEP} warnings and "
                     f"{ANNOTATIONS_PER_STEP} notices per step ({ANNOTATIONS_PER_JOB} per job), so at least "
                     f"{hidden:,} of these findings are not annotated on the pull request. All of them are listed "
                     "below, and in the SARIF file when the action's `sarif-file` is set (code scanning shows "
                     "every result).\n\n")
    if findings:
        by_rule = Counter((str(f.get("code")), str(f.get("rule"))) for f in findings)
        parts.append("| code | rule | findings |\n|------|------|---------:|\n")
        parts += [f"| {markdown_text(code)} | {markdown_text(rule)} | {count:,} |\n"
                  for (code, rule), count in sorted(by_rule.items())]
        parts.append("\n### Findings\n\n")
    head = "".join(parts)
    stream.write(head)
    used = _size(head)
    listed = 0
    for finding in findings:
        line = _finding_line(finding)
        if used + _size(line) > budget:
            break
        stream.write(line)
        used += _size(line)
        listed += 1
    if listed < len(findings):
        stream.write(f"\n{len(findings) - listed:,} more finding{'' if len(findings) - listed == 1 else 's'} not "
                     f"listed: a job summary is shown only up to {SUMMARY_BYTES >> 20} MiB. The step's log has "
                     "them all, and so does the SARIF file when `sarif-file` is set.\n")
        return
    if checklist.strip():
        stream.write("\n")
        _checklists(checklist, stream, budget - used)


def _finding_line(finding: dict) -> str:
    where = f"{finding.get('file')}:{finding.get('line')}:{finding.get('column')}"
    fix = finding.get("fix")
    text = (f"- {markdown_code(where)} **{markdown_text(finding.get('code'))}** {markdown_text(finding.get('severity'))}:"
            f" {markdown_text(finding.get('message'))} ({markdown_text(finding.get('rule'))})")
    return text + (f"; fix: {markdown_text(fix)}\n" if fix else "\n")


def _checklists(text: str, stream, budget: int) -> None:
    """The checklists, one plan's whole block at a time, while they fit in ``budget`` bytes."""
    blocks, current = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("### Checklist: ") and current:
            blocks.append("".join(current))
            current = []
        current.append(line)
    if current:
        blocks.append("".join(current))
    used = 0
    for shown, block in enumerate(blocks):
        if used + _size(block) > budget:
            left = len(blocks) - shown
            stream.write(f"\nThe checklists of {left:,} more plan{'' if left == 1 else 's'} are not shown: a job "
                         f"summary is shown only up to {SUMMARY_BYTES >> 20} MiB. `planlint checklist` lists them.\n")
            return
        stream.write(block)
        used += _size(block)


def main(argv: list[str] | None = None) -> int:
    """``python -m planlint.report.job_summary FINDINGS.json [CHECKLIST.md]``: the summary on
    standard output. A file that cannot be read is said in the summary, never a traceback."""
    args = sys.argv[1:] if argv is None else argv
    if not 1 <= len(args) <= 2:
        sys.stderr.write("usage: python -m planlint.report.job_summary FINDINGS.json [CHECKLIST.md]\n")
        return 2
    try:
        with open(args[0], encoding="utf-8") as handle:
            findings = json.load(handle)
    except (OSError, ValueError) as exc:
        findings = None
        sys.stderr.write(f"planlint: warning: the findings could not be read: {type(exc).__name__}\n")
    checklist = ""
    if len(args) == 2:
        try:
            with open(args[1], encoding="utf-8") as handle:
                checklist = handle.read()
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"planlint: warning: the checklist could not be read: {type(exc).__name__}\n")
    render_summary(findings, checklist, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
