"""Baselines: adopt planlint on many existing plans, and hold new findings to the bar.

``planlint check --write-baseline FILE`` records today's findings; ``--baseline FILE`` then
reports only findings that are not in it. A finding is keyed on its file (relative to the
baseline's folder), its code and the JSON pointer of the key it concerns, not on its line:
edits elsewhere in the plan move lines but keep the key. Several findings with the same key
are counted, so a second one is still new.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

FORMAT_VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be read; the message names it."""


def _file_key(name: str, folder: Path) -> str:
    if name in ("", "-"):
        return name
    try:
        return Path(os.path.relpath(os.path.abspath(name), folder)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(name).as_posix()


def _keys(results, folder: Path) -> Counter:
    counts: Counter = Counter()
    for result in results:
        for finding in result.findings:
            counts[(_file_key(result.name, folder), finding.code, finding.pointer)] += 1
    return counts


def write(path: str, results) -> int:
    """Record the findings of ``results``; returns how many."""
    target = Path(path)
    counts = _keys(results, target.resolve().parent)
    entries = [{"file": f, "code": c, "pointer": p, "count": n} for (f, c, p), n in sorted(counts.items())]
    text = json.dumps({"planlint_baseline": FORMAT_VERSION, "findings": entries}, indent=2, ensure_ascii=False)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    return sum(counts.values())


def read(path: str) -> Counter:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BaselineError(f"{path}: not a planlint baseline (invalid JSON: {exc})") from None
    if not isinstance(data, dict) or data.get("planlint_baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a planlint baseline (no \"planlint_baseline\": {FORMAT_VERSION})")
    counts: Counter = Counter()
    for index, entry in enumerate(data.get("findings") or []):
        try:
            key = (str(entry["file"]), str(entry["code"]), str(entry["pointer"]))
            count = int(entry.get("count", 1))
        except (TypeError, KeyError, ValueError):
            raise BaselineError(f"{path}: findings[{index}] needs file, code and pointer") from None
        counts[key] += max(count, 0)
    return counts


def subtract(results, path: str) -> tuple[int, int]:
    """Drop the findings the baseline at ``path`` holds, in place.
    Returns (findings hidden, baseline entries that matched nothing: fixed since)."""
    remaining = read(path)
    folder = Path(path).resolve().parent
    hidden = 0
    for result in results:
        kept = []
        for finding in result.findings:
            key = (_file_key(result.name, folder), finding.code, finding.pointer)
            if remaining[key] > 0:
                remaining[key] -= 1
                hidden += 1
            else:
                kept.append(finding)
        result.findings = kept
    return hidden, sum(remaining.values())
