"""One file through the pipeline, never raising. Each stage has an explicit output:

1. ``load``      bytes -> ``Document`` (text, plain data, positions; PL001, PL003, PL004)
2. ``validate``  Document -> the schema's verdict and PL002 findings
3. ``model``     data -> ``Plan``, the typed plan (only for a plan the schema accepts)
4. ``numbers``   Plan -> ``PlanNumbers``, every number about the plan, computed once
5. rules         Plan + PlanNumbers -> findings
6. configuration suppression comments, selection and severities over all the findings

``FileResult`` carries each output to the commands: ``check`` reports the findings, and
``estimate``, ``checklist`` and ``report`` read the plan and its numbers from the same
result, under the same configuration and limits. A stage that cannot run (the YAML did not
parse, the plan broke the schema) stops the file there, and the other files go on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from planlint.config import Config
from planlint.discover import Target, looks_like_plan
from planlint.findings import Finding, Severity, Span
from planlint.limits import Limits, hint
from planlint.load import Document, load_bytes
from planlint.plugins import Registry

if TYPE_CHECKING:
    from planlint.model import Plan


@dataclass
class FileResult:
    name: str
    findings: list[Finding] = field(default_factory=list)  # every stage's, after configuration
    doc: Document | None = None  # stage 1's output (source lines for reports)
    plan: Plan | None = None  # stage 3's: None when the plan could not be checked
    numbers: Any = None  # stage 4's: planlint.numbers.PlanNumbers, with ``plan``
    error: str | None = None  # the file could not be read at all (exit 2)
    rules_run: tuple[str, ...] = ()  # codes of the rules that ran, after configuration
    fail_on: Severity = Severity.WARNING  # this plan's threshold for exit code 1

    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.findings)


@dataclass
class Checked:
    """Stages 2 to 5 on one loaded document."""

    findings: list[Finding]  # the schema's, the model's and the rules' (the load stage's are the document's)
    plan: Plan | None = None
    numbers: Any = None


def check_document(doc: Document, registry: Registry, options: dict[str, dict[str, Any]] | None = None,
                   enabled=None, progress: Checked | None = None) -> Checked:
    """Validate ``doc``, type it, compute its numbers and run the plan rules that ``enabled(code)``
    allows (default all). ``progress``, when given, is filled as the stages go, so that a caller
    that interrupts the work keeps what was found before."""
    out = progress if progress is not None else Checked([])
    if not doc.usable:
        _summarize_dropped(doc, None, out.findings)
        return out
    from planlint.validate import validate

    valid, schema_findings = validate(doc)
    out.findings.extend(schema_findings)
    _summarize_dropped(doc, schema_findings, out.findings)
    if not valid:
        return out
    from planlint.model import build

    try:
        plan = build(doc.data)
    except Exception as exc:  # the schema and the model disagree: say so, do not crash
        out.findings.append(_internal(doc, f"the plan passed the schema but not the typed model: {exc}",
                                      "report this to the planlint maintainers with the plan"))
        return out
    from planlint.numbers import compute

    options = options or {}
    try:
        numbers = compute(plan, options)
    except Exception as exc:
        out.findings.append(_internal(doc, f"computing the plan's numbers raised {type(exc).__name__}: {exc}",
                                      "report this to the planlint maintainers with the plan"))
        return out
    out.plan, out.numbers = plan, numbers
    out.findings.extend(run_rules(plan, numbers, doc, registry, options, enabled))
    return out


def run_rules(plan, numbers, doc: Document, registry: Registry, options: dict[str, dict[str, Any]],
              enabled=None) -> list[Finding]:
    """Stage 5: the plan rules' findings. A rule that raises is a PL000 naming it; the others run."""
    from planlint.rule import RuleContext

    found: list[Finding] = []
    for rule_class in registry.plan_rules:
        if enabled is not None and not enabled(rule_class.code):
            continue
        rule = rule_class()
        ctx = RuleContext(rule, doc, options.get(rule.code), numbers)
        try:
            for finding in rule.check(plan, ctx):
                if not isinstance(finding, Finding):
                    raise TypeError(f"check() yielded {type(finding).__name__}, not a Finding")
                found.append(finding)
        except Exception as exc:
            plugin = registry.owner.get(rule.code, "?")
            found.append(_internal(doc, f"rule {rule.code} ({rule.name}, plugin '{plugin}') raised "
                                        f"{type(exc).__name__}: {exc}",
                                   "the other rules ran; report this to the plugin's maintainers with the plan"))
    return found


def _internal(doc: Document, message: str, fix: str) -> Finding:
    return Finding(code="PL000", rule="internal-error", severity=Severity.ERROR, message=message, fix=fix,
                   span=doc.locate((), "value"), file=doc.name)


def _summarize_dropped(doc: Document, schema_findings, into: list[Finding]) -> None:
    """One PL004 for the load and schema findings past the ``max-findings`` bound, at the first."""
    later = schema_findings.dropped if schema_findings is not None else 0
    dropped = doc.findings.dropped + later
    if not dropped:
        return
    first = doc.findings.first_dropped or (later and schema_findings.first_dropped) or Span(1, 1, 1, 1)
    into.append(Finding(
        code="PL004", rule="input-limit", severity=Severity.ERROR,
        message=f"{dropped:,} more findings not shown: the file has more than {doc.findings.limit:,}, and a "
                "plan with a few mistakes has a handful",
        fix=f"fix the findings shown and check again ({hint('max_findings')})", span=first, file=doc.name))


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
    checked = Checked([])
    try:
        with _deadline(timeout):
            doc = load_bytes(raw, name, limits, size)
            check_document(doc, registry, options, enabled, progress=checked)
    except _Timeout:
        if doc is None:
            doc = Document(name=name)
        checked.plan = checked.numbers = None  # the rules did not finish: the plan is not checked
        checked.findings.append(Finding(
            code="PL004", rule="input-limit", severity=Severity.ERROR,
            message=f"checking the plan took longer than {timeout:g} s and was stopped; findings reported "
                    "before the stop are kept",
            fix="look for a plugin rule that hangs, or raise --timeout if the plan is legitimately huge "
                f"({hint('timeout')})",
            span=doc.locate((), "value"), file=name))
    findings = _configure(doc, [*doc.findings, *checked.findings], registry, config, enabled)
    findings.sort(key=Finding.sort_key)
    ran = tuple(code for code in registry.rules if enabled(code))
    return FileResult(name=name, findings=findings, doc=doc, plan=checked.plan, numbers=checked.numbers,
                      rules_run=ran, fail_on=config.fail_on)


def _configure(doc: Document, findings: list[Finding], registry: Registry, config: Config, enabled) -> list[Finding]:
    """Suppression comments, then rule selection and severity overrides, over a file's findings."""
    if "planlint" in doc.text:  # cheap test before parsing comments
        from planlint.suppress import apply

        findings = apply(findings, doc.lines, registry, config.require_reason, enabled, doc.name)
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
