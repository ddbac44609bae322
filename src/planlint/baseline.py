"""Baselines: adopt planlint on many existing plans, and hold new findings to the bar.

``planlint check --write-baseline FILE`` records today's findings; ``--baseline FILE`` then
reports only findings that are not in it. A finding is keyed on its file (relative to the
baseline's folder), its code and the JSON pointer of the key it concerns, not on its line:
edits elsewhere in the plan move lines but keep the key. Several findings with the same key
are counted, so a second one is still new.

A finding that means the plan could not be checked (``planlint.findings.NOT_CHECKED``) is
never recorded and never hidden: a baseline that lists one does not silence it.

The file is JSON that planlint wrote, but it is read as hostile input: anything that is not
a baseline (broken or deeply nested JSON, a huge number, a wrong type) is a
:class:`BaselineError` with a one-line message, never a traceback.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from planlint.findings import NOT_CHECKED

FORMAT_VERSION = 1
# No plan holds more findings of one code at one key than this; a larger count is not one
# planlint wrote.
MAX_COUNT = 1_000_000


class BaselineError(Exception):
    """The baseline file cannot be read; the message names it."""


def _file_key(name: str, folder: Path) -> str:
    if name in ("", "-"):
        return name
    try:
        return Path(os.path.relpath(os.path.abspath(name), folder)).as_posix()
    except ValueError:  # another drive on Windows
        return Path(name).as_posix()


def _keys(results, folder: Path) -> tuple[Counter, list]:
    """The findings' keys, counted, and the findings no baseline may hold (NOT_CHECKED)."""
    counts: Counter = Counter()
    refused = []
    for result in results:
        for finding in result.findings:
            if finding.code in NOT_CHECKED:
                refused.append((result, finding))
            else:
                counts[(_file_key(result.name, folder), finding.code, finding.pointer)] += 1
    return counts, refused


def write(path: str, results) -> tuple[int, list]:
    """Record the findings of ``results``. Returns how many were recorded, and the
    ``(result, finding)`` pairs left out because they mean a plan could not be checked."""
    target = Path(path)
    counts, refused = _keys(results, target.resolve().parent)
    entries = [{"file": f, "code": c, "pointer": p, "count": n} for (f, c, p), n in sorted(counts.items())]
    from planlint.report.escape import json_text

    text = json_text({"planlint_baseline": FORMAT_VERSION, "findings": entries})
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    return sum(counts.values()), refused


def _load(path: str):
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # an editor's byte-order mark is fine
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise BaselineError(f"{path}: not a planlint baseline (not UTF-8 text: {exc.reason} at byte "
                            f"{exc.start})") from None
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not a planlint baseline (invalid JSON: {exc})") from None
    except RecursionError:
        raise BaselineError(f"{path}: not a planlint baseline (JSON nested too deeply)") from None
    except ValueError as exc:  # NaN or Infinity, or an integer past Python's digit limit
        from planlint.limits import unreadable_value

        raise BaselineError(f"{path}: not a planlint baseline ({unreadable_value(exc)})") from None


def _no_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _entry(entry, where: str) -> tuple[tuple[str, str, str], int]:
    if not isinstance(entry, dict):
        raise BaselineError(f"{where} must be an object with file, code and pointer, not {type(entry).__name__}")
    key = []
    for name in ("file", "code", "pointer"):
        value = entry.get(name)
        if not isinstance(value, str):
            shown = "missing" if name not in entry else f"{type(value).__name__}, not a string"
            raise BaselineError(f"{where}.{name}: {shown}")
        key.append(value)
    count = entry.get("count", 1)
    if type(count) is not int or not 1 <= count <= MAX_COUNT:
        if type(count) is int:
            shown = str(count) if count < 1 else "a larger number"
        else:
            shown = {bool: "true or false", float: "a number with a fraction or an exponent"}.get(
                type(count), type(count).__name__)
        raise BaselineError(f"{where}.count must be a whole number from 1 to {MAX_COUNT:,}, not {shown}")
    return (key[0], key[1], key[2]), count


def read(path: str) -> tuple[Counter, list[str]]:
    """The baseline's counts by (file, code, pointer), and the codes of its entries that a
    baseline cannot hide, one per entry (those entries are left out of the counts)."""
    data = _load(path)
    if not isinstance(data, dict) or data.get("planlint_baseline") != FORMAT_VERSION:
        raise BaselineError(f"{path}: not a planlint baseline (no \"planlint_baseline\": {FORMAT_VERSION})")
    findings = data.get("findings", [])
    if not isinstance(findings, list):
        raise BaselineError(f"{path}: findings must be a list, not {type(findings).__name__}")
    counts: Counter = Counter()
    ignored = []
    for index, entry in enumerate(findings):
        key, count = _entry(entry, f"{path}: findings[{index}]")
        if key[1] in NOT_CHECKED:
            ignored.append(key[1])
            continue
        counts[key] += count
    return counts, ignored


def subtract(results, path: str) -> tuple[int, int, list[str]]:
    """Drop the findings the baseline at ``path`` holds, in place. Returns (findings hidden,
    baseline entries that matched nothing: fixed since, the codes of the entries ignored
    because they mean a plan could not be checked)."""
    remaining, ignored = read(path)
    folder = Path(path).resolve().parent
    hidden = 0
    for result in results:
        kept = []
        for finding in result.findings:
            key = (_file_key(result.name, folder), finding.code, finding.pointer)
            if finding.code not in NOT_CHECKED and remaining[key] > 0:
                remaining[key] -= 1
                hidden += 1
            else:
                kept.append(finding)
        result.findings = kept
    return hidden, sum(remaining.values()), ignored
