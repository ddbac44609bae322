"""``--format gitlab``: a GitLab Code Quality report (a JSON array of Code Climate issues),
for the ``artifacts:reports:codequality`` of a GitLab CI job.

Each finding is one issue: ``description`` (the message, its details, then "fix: ...",
joined by "; "), ``check_name``
(the rule code), ``fingerprint`` (SHA-256 of file, code, JSON pointer and an occurrence
counter, stable when unrelated lines move; see ``planlint.report.common``), ``severity``
and ``location`` (``path`` with forward slashes, ``lines.begin``/``lines.end``). Severities
map as error -> "major", warning -> "minor", info -> "info"; a finding that means the plan
could not be checked (``planlint.findings.NOT_CHECKED``) is "critical", and a file that
could not be read at all is a PL001 issue at line 1 that is a "blocker".
"""

from __future__ import annotations

from planlint.findings import NOT_CHECKED
from planlint.report import Formatter
from planlint.report.common import fingerprinted, report_path, with_fix
from planlint.report.escape import write_json

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}
NOT_CHECKED_SEVERITY = "critical"
UNREADABLE_SEVERITY = "blocker"


def _severity(result, finding) -> str:
    if getattr(result, "error", None):
        return UNREADABLE_SEVERITY
    if finding.code in NOT_CHECKED:
        return NOT_CHECKED_SEVERITY
    return SEVERITIES[str(finding.severity)]


def issues(results) -> list[dict]:
    out = []
    for result, finding, fingerprint in fingerprinted(results):
        out.append({
            "type": "issue",
            "description": with_fix(finding, "; "),
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": _severity(result, finding),
            "location": {
                "path": report_path(finding.file or result.name),
                "lines": {"begin": finding.span.line, "end": max(finding.span.end_line, finding.span.line)},
            },
        })
    return out


def render_gitlab(results, stream) -> None:
    write_json(issues(results), stream)


class GitlabFormat(Formatter):
    name = "gitlab"

    def render(self, context) -> None:
        render_gitlab(context.results, context.stream)
