"""``--format gitlab``: a GitLab Code Quality report (a JSON array of Code Climate issues),
for the ``artifacts:reports:codequality`` of a GitLab CI job.

Each finding is one issue: ``description`` (the message, then "fix: ..."), ``check_name``
(the rule code), ``fingerprint`` (SHA-256 of file, code, JSON pointer and an occurrence
counter, stable when unrelated lines move; see ``planlint.report.common``), ``severity``
and ``location`` (``path`` with forward slashes, ``lines.begin``/``lines.end``). Severities
map as error -> "major", warning -> "minor", info -> "info". Files that could not be read
are left out (``planlint check`` reports them on standard error and exits 2).
"""

from __future__ import annotations

import json

from planlint.report.common import clean_strings, fingerprinted, report_path, with_fix

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def issues(results) -> list[dict]:
    out = []
    for result, finding, fingerprint in fingerprinted(results):
        out.append({
            "type": "issue",
            "description": with_fix(finding, "; "),
            "check_name": finding.code,
            "fingerprint": fingerprint,
            "severity": SEVERITIES[str(finding.severity)],
            "location": {
                "path": report_path(finding.file or result.name),
                "lines": {"begin": finding.span.line, "end": max(finding.span.end_line, finding.span.line)},
            },
        })
    return clean_strings(out)


def render_gitlab(results, stream) -> None:
    json.dump(issues(results), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
