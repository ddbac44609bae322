"""``--statistics``: how many findings each rule reported, worst rules first."""

from __future__ import annotations

from collections import Counter

from planlint.findings import Severity
from planlint.report.escape import visible, write_json


def count(results) -> list[dict]:
    by_code: dict[str, Counter] = {}
    names: dict[str, str] = {}
    for result in results:
        for finding in result.findings:
            by_code.setdefault(finding.code, Counter())[finding.severity] += 1
            names[finding.code] = finding.rule
    rows = []
    for code, levels in by_code.items():
        rows.append({"code": code, "rule": names[code], "count": sum(levels.values()),
                     "severities": {str(s): levels[s] for s in sorted(levels, reverse=True)}})
    rows.sort(key=lambda r: (-max(Severity.parse(s) for s in r["severities"]), -r["count"], r["code"]))
    return rows


def render_statistics(results, stream, fmt: str = "text") -> None:
    rows = count(results)
    if fmt == "json":
        write_json(rows, stream)
        return
    for row in rows:
        levels = ", ".join(f"{n} {s}{'' if n == 1 or s == 'info' else 's'}" for s, n in row["severities"].items())
        stream.write(f"{row['count']:>5}  {visible(row['code']):<8} {visible(row['rule']):<26} {levels}\n")
