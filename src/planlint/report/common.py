"""What the CI formats (sarif, github, junit, gitlab) share: report paths, fingerprints,
rule lists and the severity threshold.

A fingerprint identifies a finding across commits, so that a CI system can tell a new
finding from one it has seen before. It is the SHA-256 of the file's report path, the rule
code, the finding's JSON pointer and an occurrence counter (the n-th finding with that same
file, code and pointer, in report order). It never uses the line number: adding or removing
lines elsewhere in the file leaves it unchanged. Findings with an empty pointer (a YAML
syntax error, a file-level problem) are told apart by the counter alone.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath

FINGERPRINT_VERSION = "planlint/v1"


def report_path(name: str) -> str:
    """The file name as CI systems want it: forward slashes, no leading ``./``."""
    if os.sep == "\\":
        name = name.replace("\\", "/")
    if name in ("", "-"):
        return name
    return posixpath.normpath(name)


def finding_file(result, finding) -> str:
    return finding.file or result.name


def read_failure(result):
    """A file that could not be read (``result.error``) as the finding the formats report:
    PL001 at its first line, so that every report shows it as a failure of its own."""
    from planlint.findings import Finding, Severity

    reason = result.error
    prefix = f"{result.name}: "
    if reason.startswith(prefix):
        reason = reason[len(prefix):]
    return Finding(code="PL001", rule="yaml-syntax", severity=Severity.ERROR,
                   message=f"the file could not be read, so it was not checked: {reason}",
                   fix="make the path a readable plan file, or leave it out of the run", file=result.name,
                   facts={"unreadable": True})


def reported(result) -> list:
    """The findings a format reports for ``result``: its own, or its read failure."""
    if getattr(result, "error", None):
        return [read_failure(result)]
    return result.findings


def fingerprint(path: str, code: str, pointer: str, occurrence: int) -> str:
    key = json.dumps([FINGERPRINT_VERSION, path, code, pointer, occurrence], ensure_ascii=True)
    return hashlib.sha256(key.encode("ascii")).hexdigest()


def fingerprinted(results):
    """Yield ``(result, finding, fingerprint)`` for every finding of every file, and for each
    file that could not be read (see :func:`read_failure`)."""
    seen: dict[tuple[str, str, str], int] = {}
    for result in results:
        for finding in reported(result):
            path = report_path(finding_file(result, finding))
            key = (path, finding.code, finding.pointer)
            occurrence = seen.get(key, 0)
            seen[key] = occurrence + 1
            yield result, finding, fingerprint(path, finding.code, finding.pointer, occurrence)


def rules_run(result, registry) -> list[str]:
    """The codes of the rules that ran on ``result``'s file, plus any code it reported."""
    codes = set(getattr(result, "rules_run", ()) or registry.rules)
    codes.update(f.code for f in result.findings)
    return sorted(codes)


def threshold(fail_on):
    """``--fail-on`` as a Severity (a Severity, its name, or None for the default, warning)."""
    from planlint.findings import Severity

    if fail_on is None:
        return Severity.WARNING
    if isinstance(fail_on, Severity):
        return fail_on
    return Severity.parse(str(fail_on))


def with_fix(finding, separator: str = "\n") -> str:
    """The headline, then each detail line, then the fix when there is one, ``separator`` between."""
    parts = [finding.message, *getattr(finding, "details", ())]
    if finding.fix:
        parts.append(f"fix: {finding.fix}")
    return separator.join(parts)
