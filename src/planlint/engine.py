"""One file through the pipeline: load -> validate -> model -> rules, never raising.

Each stage adds findings to the file's result; a stage that cannot run (the YAML did not
parse, the plan broke the schema) stops the file there, and the other files go on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import Any

from planlint.config import Config
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
    rules_run: tuple[str, ...] = ()  # codes of the rules that ran, after configuration
    fail_on: Severity = Severity.WARNING  # this plan's threshold for exit code 1

    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.findings)


def lint_document(doc: Document, registry: Registry, rule_options: dict[str, dict[str, Any]] | None = None,
                  enabled=None) -> None:
    """Validate ``doc`` and run the plan rules (those ``enabled(code)`` allows, default all) on it;
    findings go to ``doc.findings``."""
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
        if enabled is not None and not enabled(rule_class.code):
            continue
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


DEFAULT_TIMEOUT = 10.0  # seconds per file; a plan takes milliseconds, so only a hang reaches it


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that a rule's ``except Exception`` cannot eat it."""


@contextlib.contextmanager
def _deadline(seconds: float | None):
    """Interrupt the block after ``seconds`` where the platform allows it (POSIX, main thread)."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _Timeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def lint_bytes(raw: bytes, name: str, registry: Registry, rule_options=None, limits: Limits = Limits(),
               size: int | None = None, config: Config | None = None,
               timeout: float | None = DEFAULT_TIMEOUT) -> FileResult:
    """Lint one file's bytes under ``config`` (default: every rule, default options).
    ``rule_options`` (by code) override the configuration's options, for tests. A file that
    takes longer than ``timeout`` seconds is stopped and reported (PL004)."""
    config = config if config is not None else Config()
    options = {code: dict(values) for code, values in config.options.items()}
    for code, values in (rule_options or {}).items():
        options.setdefault(code, {}).update(values)

    enabled = config.enabler(name)

    doc = None
    try:
        with _deadline(timeout):
            doc = load_bytes(raw, name, limits, size)
            lint_document(doc, registry, options, enabled)
    except _Timeout:
        if doc is None:
            doc = Document(name=name)
        doc.add("PL004", "input-limit", f"checking the plan took longer than {timeout:g} s and was stopped; "
                "findings reported before the stop are kept", doc.locate((), "value"),
                fix="look for a plugin rule that hangs, or raise --timeout if the plan is legitimately huge")
    doc.close()
    findings = _configure(doc, registry, config, enabled, name)
    findings.sort(key=Finding.sort_key)
    ran = tuple(code for code in registry.rules if enabled(code))
    return FileResult(name=name, findings=findings, doc=doc, rules_run=ran, fail_on=config.fail_on)


def _configure(doc: Document, registry: Registry, config: Config, enabled, name: str) -> list[Finding]:
    """Suppression comments, then rule selection and severity overrides, over a file's findings."""
    findings = doc.findings
    if "planlint" in doc.text:  # cheap test before parsing comments
        from planlint.suppress import apply

        findings = apply(findings, doc.lines, registry, config.require_reason, enabled, name)
    kept = []
    for finding in findings:
        if not enabled(finding.code):
            continue
        level = config.severity.get(finding.code)
        if level is not None and level != finding.severity:
            finding.facts.setdefault("default_severity", str(finding.severity))
            finding.severity = level
        kept.append(finding)
    return kept


def lint_target(target: Target, registry: Registry, rule_options=None, limits: Limits | None = None,
                stdin_name: str = "-", config: Config | None = None, resolver=None,
                timeout: float | None = DEFAULT_TIMEOUT) -> FileResult | None:
    """None when a file found in a folder is not a plan. ``resolver`` (a config.Resolver) picks
    each plan's configuration, whose limits and timeout then apply; a configuration error
    propagates as config.ConfigError."""
    name = stdin_name if target.path == "-" else target.path
    if resolver is not None:
        config = resolver.for_plan(name)
        limits = limits or config.load_limits()
        timeout = config.timeout
    limits = limits or Limits()
    try:
        if target.path == "-":
            raw, size = sys.stdin.buffer.read(limits.max_file_bytes + 1), None
        else:
            with open(target.path, "rb") as handle:
                raw = handle.read(limits.max_file_bytes + 1)
                size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        return FileResult(name=name, error=f"{name}: {exc.strerror or exc}")
    if target.path != "-" and not target.explicit and not looks_like_plan(raw):
        return None
    return lint_bytes(raw, name, registry, rule_options, limits, size, config, timeout)


def worst(results: list[FileResult]) -> Severity | None:
    severities = [f.severity for r in results for f in r.findings]
    return max(severities) if severities else None
