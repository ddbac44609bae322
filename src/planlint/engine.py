"""One file through the pipeline: load -> validate -> model -> rules, never raising.

Each stage adds findings to the file's result; a stage that cannot run (the YAML did not
parse, the plan broke the schema) stops the file there, and the other files go on.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from typing import Any

from planlint.discover import Target, looks_like_plan
from planlint.findings import Finding, Severity
from planlint.load import Document, Limits, load_bytes
from planlint.plugins import Registry


@dataclass
class FileResult:
    name: str
    findings: list[Finding] = field(default_factory=list)
    doc: Document | None = None  # for source lines in reports
    error: str | None = None  # the file could not be read at all (exit 2)


def lint_document(doc: Document, registry: Registry, rule_options: dict[str, dict[str, Any]] | None = None) -> None:
    """Validate ``doc`` and run every plan rule on it; findings go to ``doc.findings``."""
    if not doc.usable:
        return
    from planlint.validate import validate

    if not validate(doc):
        return
    from planlint.model import build

    try:
        plan = build(doc.data)
    except Exception as exc:  # the schema and the model disagree: say so, do not crash
        doc.add("PL000", "internal-error", f"the plan passed the schema but not the typed model: {exc}",
                doc.locate((), "value"), fix="report this to the planlint maintainers with the plan")
        return
    from planlint.rule import RuleContext

    rule_options = rule_options or {}
    for rule_class in registry.plan_rules:
        rule = rule_class()
        ctx = RuleContext(rule, doc, rule_options.get(rule.code))
        try:
            for finding in rule.check(plan, ctx):
                if not isinstance(finding, Finding):
                    raise TypeError(f"check() yielded {type(finding).__name__}, not a Finding")
                doc.findings.append(finding)
        except Exception as exc:
            plugin = registry.owner.get(rule.code, "?")
            doc.add("PL000", "internal-error",
                    f"rule {rule.code} ({rule.name}, plugin '{plugin}') raised {type(exc).__name__}: {exc}",
                    doc.locate((), "value"),
                    fix="the other rules ran; report this to the plugin's maintainers with the plan")


def lint_bytes(raw: bytes, name: str, registry: Registry, rule_options=None, limits: Limits = Limits(),
               size: int | None = None) -> FileResult:
    doc = load_bytes(raw, name, limits, size)
    lint_document(doc, registry, rule_options)
    doc.findings.sort(key=Finding.sort_key)
    return FileResult(name=name, findings=doc.findings, doc=doc)


def lint_target(target: Target, registry: Registry, rule_options=None, limits: Limits = Limits(),
                stdin_name: str = "-") -> FileResult | None:
    """None when a file found in a folder is not a plan."""
    try:
        if target.path == "-":
            raw, size = sys.stdin.buffer.read(limits.max_file_bytes + 1), None
            return lint_bytes(raw, stdin_name, registry, rule_options, limits, size)
        with open(target.path, "rb") as handle:
            raw = handle.read(limits.max_file_bytes + 1)
            size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        return FileResult(name=target.path, error=f"{target.path}: {exc.strerror or exc}")
    if not target.explicit and not looks_like_plan(raw):
        return None
    return lint_bytes(raw, target.path, registry, rule_options, limits, size)


def worst(results: list[FileResult]) -> Severity | None:
    severities = [f.severity for r in results for f in r.findings]
    return max(severities) if severities else None
