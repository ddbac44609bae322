"""``--format json``: one JSON array of findings, as the spec's "Machine-readable output" says.

Each finding has the spec's keys (file, line, column, code, rule, severity, message) plus
end_line, end_column, fix, pointer (RFC 6901, stable across edits elsewhere in the file)
and facts (the numbers behind the message).
"""

from __future__ import annotations

import json
import math


def _clean(value):
    """JSON has no NaN or infinity: write them as null rather than emit invalid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    return value


def finding_dict(finding) -> dict:
    return {
        "file": finding.file,
        "line": finding.span.line,
        "column": finding.span.column,
        "end_line": finding.span.end_line,
        "end_column": finding.span.end_column,
        "code": finding.code,
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "fix": finding.fix,
        "pointer": finding.pointer,
        "facts": _clean(finding.facts),
    }


def render_json(results, stream) -> None:
    findings = [finding_dict(f) for result in results for f in result.findings]
    json.dump(findings, stream, indent=2, ensure_ascii=False)
    stream.write("\n")
