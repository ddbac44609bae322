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

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from planlint.config import Config
from planlint.contain import Captured, Timeout, failure, must_propagate, note, shown
from planlint.contain import deadline as _deadline
from planlint.discover import Target, is_plan, is_plan_file, read_found
from planlint.findings import NOT_CHECKED, Finding, Severity, Span
from planlint.limits import Limits, hint
from planlint.load import Document, load_bytes
from planlint.plugins import Registry
from planlint.records import record

if TYPE_CHECKING:
    from planlint.model import Plan


@record
class FileResult:
    """One file's outcome: its findings and what each stage made of it."""

    name: str
    findings: list[Finding] = field(default_factory=list)  # every stage's, after configuration
    doc: Document | None = None  # stage 1's output (source lines for reports)
    plan: Plan | None = None  # stage 3's: None when the plan could not be checked
    numbers: Any = None  # stage 4's: planlint.numbers.PlanNumbers, with ``plan``
    link: Any = None  # planlint.link.Link: the launch config the plan names, as read
    error: str | None = None  # the file could not be read at all (exit 2)
    rules_run: tuple[str, ...] = ()  # codes of the rules that ran, after configuration
    fail_on: Severity = Severity.WARNING  # this plan's threshold for exit code 1

    def failed(self) -> bool:
        return any(f.severity >= self.fail_on for f in self.findings)

    def slim(self) -> FileResult:
        """Keep only what a findings report reads, for runs over many plans: the source lines
        the findings point at (``doc.lines`` keeps its length; other lines read as empty), not
        the text, the parsed data, the positions, the typed plan or its numbers. ``check``
        slims each result as it comes; ``estimate`` and ``checklist`` need the plan and keep it."""
        if self.doc is not None:
            wanted = {finding.span.line - 1 for finding in self.findings}
            self.doc = ReportedSource(self.doc.name, SourceLines(self.doc.lines, wanted))
        self.plan = self.numbers = self.link = None
        return self


class ReportedSource:
    """A slimmed ``Document``: its name and the lines the findings point at. Reads as a
    document that kept no text, data or positions."""

    __slots__ = ("name", "lines")
    text = ""
    data = None
    usable = False
    spans: Mapping = MappingProxyType({})

    def __init__(self, name: str, lines: SourceLines):
        self.name = name
        self.lines = lines


class SourceLines(Sequence):
    """Some lines of a file, by 0-based index, the others empty: a slimmed ``Document.lines``."""

    def __init__(self, lines: Sequence[str], wanted):
        self._count = len(lines)
        self._kept = {index: lines[index] for index in wanted if 0 <= index < self._count}

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError("line index out of range")
        return self._kept.get(index, "")


@record
class Checked:
    """Stages 2 to 5 on one loaded document."""

    findings: list[Finding]  # the schema's, the model's and the rules' (the load stage's are the document's)
    plan: Plan | None = None
    numbers: Any = None
    link: Any = None  # planlint.link.Link: the launch config the plan names, read
    stage: str = "reading the file"  # what is running, for a time limit's PL004


def check_document(doc: Document, registry: Registry, options: dict[str, dict[str, Any]] | None = None,
                   enabled=None, progress: Checked | None = None, fit=None, limits: Limits | None = None) -> Checked:
    """Read the launch config ``doc`` names (if any) into it, validate it, type it, compute its
    numbers and run the plan rules that ``enabled(code)`` allows (default all). ``fit`` is the
    loss fit the configuration or command line chose (None: the plan's own, else the default).
    ``progress``, when given, is filled as the stages go, so that a caller that interrupts the
    work keeps what was found before."""
    out = progress if progress is not None else Checked([])
    if not doc.usable:
        _summarize_dropped(doc, None, out.findings)
        return out
    linked = None  # the launch config this plan names, read into it
    if isinstance(doc.data, dict) and "launch" in doc.data:
        from planlint.link import attach

        out.stage = "reading the launch config the plan names"
        linked, link_findings = attach(doc, registry, (limits or Limits()).max_file_bytes)
        out.link = linked
        out.findings.extend(link_findings)
    out.stage = "checking it against the schema"
    from planlint.validate import validate

    valid, schema_findings = validate(doc)
    if linked is not None:
        from planlint.link import note_origins

        note_origins(schema_findings, out.link)
    out.findings.extend(schema_findings)
    _summarize_dropped(doc, schema_findings, out.findings)
    if not valid:
        return out
    out.stage = "building the typed plan"
    from planlint.model import build

    try:
        plan = build(doc.data)
    except Exception as exc:  # the schema and the model disagree: say so, do not crash
        out.findings.append(_internal(doc, f"the plan passed the schema but not the typed model: {exc}",
                                      "report this to the planlint maintainers with the plan"))
        return out
    from planlint.numbers import compute

    options = options or {}
    out.stage = "computing the plan's numbers"
    try:
        numbers = compute(plan, options, fit)
    except Exception as exc:
        out.findings.append(_internal(doc, f"computing the plan's numbers raised {type(exc).__name__}: {exc}",
                                      "report this to the planlint maintainers with the plan"))
        return out
    out.plan, out.numbers = plan, numbers
    out.stage = "running the rules"
    found = run_rules(plan, numbers, doc, registry, options, enabled, linked)
    if linked is not None:
        from planlint.link import note_origins

        note_origins(found, linked)
    out.findings.extend(found)
    return out


def run_rules(plan, numbers, doc: Document, registry: Registry, options: dict[str, dict[str, Any]],
              enabled=None, launch=None) -> list[Finding]:
    """Stage 5: the plan rules' findings, checked at the boundary. A rule that raises (or calls
    ``sys.exit``) is a PL000 naming it and its plugin; so are the findings it yields that are
    not well-formed findings of its own (they are not shown), and one past the findings bound
    is a PL004. What a rule writes to standard output or error is kept off the report and noted
    (``planlint.contain``). The other rules always run."""
    from planlint.rule import RuleContext

    found: list[Finding] = []
    limit = doc.findings.limit
    with Captured() as captured:
        for rule_class in registry.plan_rules:
            code = rule_class.code
            if enabled is not None and not enabled(code):
                continue
            who = f"rule {code} ({rule_class.name}, plugin '{registry.owner.get(code, '?')}')"
            kept, malformed = 0, []
            try:
                rule = rule_class()
                ctx = RuleContext(rule, doc, options.get(code), numbers)
                ctx.launch = launch
                yielded = iter(rule.check(plan, ctx) or ())
                for finding in yielded:
                    checked = _well_formed(finding, rule_class, doc)
                    if isinstance(checked, str):
                        malformed.append(checked)
                        continue
                    if kept == limit:
                        found.append(Finding(
                            code="PL004", rule="input-limit", severity=Severity.ERROR,
                            message=f"{who} reported more than {limit:,} findings on this plan; the rest are not "
                                    "shown", fix=f"report this to the plugin's maintainers with the plan "
                                                 f"({hint('max_findings')})",
                            span=doc.locate((), "value"), file=doc.name))
                        break
                    found.append(checked)
                    kept += 1
                close = getattr(yielded, "close", None)
                if close is not None:  # a generator left early finishes here, contained, not when collected
                    close()
            except BaseException as exc:  # SystemExit too: a plugin must not end the run, or turn it green
                if must_propagate(exc):
                    if isinstance(exc, Timeout) and not exc.args:
                        exc.args = (who, code, registry.owner.get(code, "?"))
                    raise
                found.append(_internal(doc, f"{who} {failure(exc)}",
                                       "the other rules ran; report this to the plugin's maintainers with the plan",
                                       rule=code, plugin=registry.owner.get(code, "?"), **_traceback_facts(exc)))
            if malformed:
                count = len(malformed)
                found.append(_internal(
                    doc, f"{who} yielded {count} malformed finding{'' if count == 1 else 's'}, not shown (the "
                         f"first: {malformed[0]})", "the other findings are shown; report this to the plugin's "
                                                    "maintainers with the plan",
                    rule=code, plugin=registry.owner.get(code, "?"), malformed=count))
            written = captured.take()
            if written:
                note(registry.owner.get(code, "?"), code,
                     f"{who} wrote to {written}; planlint keeps its output streams for the report, so this "
                     "was not shown")
    return found


_FACT_DEPTH = 8


def _plain(value, depth: int = 0) -> bool:
    """Whether ``value`` is data every report format can write: None, booleans, 64-bit-sized
    integers, finite floats, strings, and lists and string-keyed mappings of them."""
    import math

    if value is None or isinstance(value, (bool, str)):
        return True
    if isinstance(value, int):
        return value.bit_length() <= 128
    if isinstance(value, float):
        return math.isfinite(value)
    if depth >= _FACT_DEPTH:
        return False
    if isinstance(value, (list, tuple)):
        return all(_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(isinstance(key, str) and _plain(item, depth + 1) for key, item in value.items())
    return False


def _described(value) -> str:
    """A value from a plugin, for a message: short, escaped, and never its own ``repr``."""
    return shown(value) if isinstance(value, str) else f"a {type(value).__name__}"


def _well_formed(finding, rule_class, doc: Document) -> Finding | str:
    """``finding`` rebuilt as a plain Finding of ``doc``, its span clamped to the file; or what
    is wrong with it."""
    if not isinstance(finding, Finding):
        return f"{_described(finding)}, not a planlint.findings.Finding"
    code, name = rule_class.code, rule_class.name
    if finding.code != code:
        return f"code {_described(finding.code)}, not the rule's own {code}"
    if finding.rule != name:
        return f"rule name {_described(finding.rule)}, not the rule's own {name}"
    if type(finding.severity) is not Severity:
        return f"severity {_described(finding.severity)}, not a planlint.findings.Severity"
    if not isinstance(finding.message, str) or not finding.message.strip():
        return f"message {_described(finding.message)}, not a non-empty str"
    if not isinstance(finding.fix, str):
        return f"fix {_described(finding.fix)}, not a str"
    details = getattr(finding, "details", ())
    if not isinstance(details, (tuple, list)) or not all(isinstance(line, str) for line in details):
        return f"details {_described(details)}, not a tuple of str"
    path = finding.path
    if not isinstance(path, (tuple, list)) or not all(
            isinstance(part, str) or (isinstance(part, int) and not isinstance(part, bool)) for part in path):
        return "a path that is not a tuple of keys (str) and indices (int)"
    if not isinstance(finding.facts, dict) or not _plain(finding.facts):
        return "facts that are not plain data (str keys; numbers, strings, lists and mappings of them)"
    span = finding.span
    if not isinstance(span, Span) or not all(
            type(getattr(span, part, None)) is int for part in ("line", "column", "end_line", "end_column")):
        return "a span that is not a planlint.findings.Span of four int"
    return Finding(code=code, rule=name, severity=finding.severity, message=finding.message, fix=finding.fix,
                   path=tuple(path), span=_clamped(span, doc), file=doc.name, facts=dict(finding.facts),
                   details=tuple(line for line in details if line))


def _clamped(span: Span, doc: Document) -> Span:
    """``span`` moved inside the file: a line that exists, a column on it (one past its end at most)."""
    lines = doc.lines
    last = max(len(lines), 1)

    def width(line: int) -> int:
        return len(lines[line - 1]) + 1 if lines else 1

    line = min(max(span.line, 1), last)
    column = min(max(span.column, 1), width(line))
    end_line = min(max(span.end_line, line), last)
    end_column = min(max(span.end_column, 1), width(end_line))
    if end_line == line:
        end_column = max(end_column, column)
    if (line, column, end_line, end_column) == (span.line, span.column, span.end_line, span.end_column):
        return span
    return Span(line, column, end_line, end_column)


def _internal(doc: Document, message: str, fix: str, **facts) -> Finding:
    return Finding(code="PL000", rule="internal-error", severity=Severity.ERROR, message=message, fix=fix,
                   span=doc.locate((), "value"), file=doc.name, facts=facts)


def _traceback_facts(exc: BaseException) -> dict:
    """``{"traceback": ...}``, the exception's traceback as Python prints it, when the traceback
    switch is on (:func:`planlint.contain.tracebacks_shown`), else nothing."""
    from planlint.contain import traceback_text, tracebacks_shown

    return {"traceback": traceback_text(exc)} if tracebacks_shown() else {}


def _summarize_dropped(doc: Document, schema_findings, into: list[Finding]) -> None:
    """One PL004 for the load and schema findings past the ``max-findings`` bound, at the first."""
    later = schema_findings.dropped if schema_findings is not None else 0
    dropped = doc.findings.dropped + later
    if not dropped:
        return
    first = doc.findings.first_dropped or (later and schema_findings.first_dropped) or Span(1, 1, 1, 1)
    least = "at least " if schema_findings is not None and schema_findings.more else ""  # not all were read
    into.append(Finding(
        code="PL004", rule="input-limit", severity=Severity.ERROR,
        message=f"{least}{dropped:,} more findings not shown: the file has more than {doc.findings.limit:,}, and "
                "a plan with a few mistakes has a handful",
        fix=f"fix the findings shown and check again ({hint('max_findings')})", span=first, file=doc.name))


DEFAULT_TIMEOUT = 10.0  # seconds per file; a plan takes milliseconds, so only a hang reaches it


def lint_bytes(raw: bytes, name: str, registry: Registry, rule_options=None, limits: Limits = Limits(),
               size: int | None = None, config: Config | None = None,
               timeout: float | None = DEFAULT_TIMEOUT, adapter=None, inputs=None) -> FileResult:
    """Lint one file's bytes under ``config`` (default: every rule, default options).
    ``rule_options`` (by code) override the configuration's options, for tests. A file that
    takes longer than ``timeout`` seconds is stopped and reported (PL004). With ``adapter``
    (planlint.adapters.Adapter) the file is a launch config, checked as the plan it describes,
    with ``inputs`` (plan fields by launch-config name) for what it cannot say."""
    config = config if config is not None else Config()
    options = {code: dict(values) for code, values in config.options.items()}
    for code, values in (rule_options or {}).items():
        options.setdefault(code, {}).update(values)

    enabled = config.enabler(name)

    doc = None
    checked = Checked([])
    try:
        with _deadline(timeout):
            if adapter is None:
                doc = load_bytes(raw, name, limits, size)
            else:
                from planlint.link import config_document

                doc, checked.link = config_document(raw, name, adapter, limits, inputs)
            check_document(doc, registry, options, enabled, progress=checked, fit=config.loss_fit, limits=limits)
            if adapter is not None and checked.link is not None:
                from planlint.link import about_the_config

                checked.findings = [f for f in checked.findings if about_the_config(f, checked.link)]
    except Timeout as stopped:
        if doc is None:
            doc = Document(name=name)
        checked.plan = checked.numbers = None  # the rules did not finish: the plan is not checked
        checked.findings.append(_stopped(doc, name, timeout, checked.stage, stopped))
    # a plan, or a launch config in YAML, has real YAML comments; a script or TOML is read line by line
    as_yaml = adapter is None or name.lower().endswith((".yaml", ".yml"))
    findings = _configure(doc, [*doc.findings, *checked.findings], registry, config, enabled, as_yaml)
    findings.sort(key=Finding.sort_key)
    ran = tuple(code for code in registry.rules if enabled(code))
    ran = _RAN.setdefault(ran, ran)  # one tuple for every plan with the same rules, not one each
    return FileResult(name=name, findings=findings, doc=doc, plan=checked.plan, numbers=checked.numbers,
                      link=checked.link, rules_run=ran, fail_on=config.fail_on)


_RAN: dict[tuple[str, ...], tuple[str, ...]] = {}


def _stopped(doc: Document, name: str, timeout: float | None, stage: str, stopped: Timeout) -> Finding:
    """The PL004 for a plan stopped by the time limit: the rule that was running (and its
    plugin), or the stage; with the traceback switch on, the frames it was stopped in."""
    from planlint.contain import frames, tracebacks_shown

    facts: dict[str, Any] = {"timeout_seconds": timeout, "stage": stage}
    if stopped.args:
        who, code, plugin = (*stopped.args, None, None)[:3]
        where = f"in {who}"
        if code:
            facts.update(rule=code, plugin=plugin)
        fix = (f"report this to the maintainers of plugin '{plugin}' with the plan" if plugin not in (None, "builtin")
               else "report this to the planlint maintainers with the plan")
        fix += f", or raise --timeout if the plan is legitimately huge ({hint('timeout')})"
    else:
        where = f"while {stage}"
        fix = f"raise --timeout if the plan is legitimately huge ({hint('timeout')})"
    details = ["findings reported before the stop are kept"]
    if tracebacks_shown():
        details.append(f"traceback: {frames(stopped)}")
    return Finding(
        code="PL004", rule="input-limit", severity=Severity.ERROR,
        message=f"checking the plan took longer than {timeout:g} s and was stopped {where}",
        fix=fix, span=doc.locate((), "value"), file=name, facts=facts, details=tuple(details))


def _configure(doc: Document, findings: list[Finding], registry: Registry, config: Config, enabled,
               as_yaml: bool = True) -> list[Finding]:
    """Suppression comments, then rule selection and severity overrides, over a file's findings.
    ``as_yaml``: the file is YAML, whose real comments alone count (not a launch script or TOML)."""
    from planlint.suppress import apply, might_suppress

    if might_suppress(doc.text):  # cheap test before reading comments
        # where the rules did not all run (the plan was not checked), no suppression is unused
        checked = not any(f.code in NOT_CHECKED for f in findings)
        findings = apply(findings, doc.lines, registry, config.require_reason,
                         lambda code: checked and enabled(code), doc.name, doc.text if as_yaml else None)
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
            raw, size = sys.stdin.buffer.read(limits.max_file_bytes + 1), _stdin_size()
        elif target.explicit:
            with open(target.path, "rb") as handle:
                raw = handle.read(limits.max_file_bytes + 1)
                size = os.fstat(handle.fileno()).st_size
        else:
            found = read_found(target.path, limits.max_file_bytes + 1)
            if found is None:  # no longer a regular file: never opened blocking
                return None
            raw, size = found
    except OSError as exc:
        return FileResult(name=name, error=f"{name}: {exc.strerror or exc}")
    if target.path != "-" and not target.explicit and not is_plan_file(target.path, raw):
        return None
    adapter = None
    framework = getattr(resolver, "framework", None)
    if target.explicit and (framework is not None or not is_plan(raw)):
        from planlint.link import recognise  # a launch config named on the command line

        adapter = recognise(raw, name, registry, framework)
    return lint_bytes(raw, name, registry, rule_options, limits, size, config, timeout, adapter,
                      getattr(resolver, "launch_inputs", None))


def _stdin_size() -> int:
    """The size of standard input when it is a file redirected in; ``UNKNOWN_SIZE`` for a pipe
    or a terminal, which is read no further than the size bound."""
    import stat

    from planlint.load import UNKNOWN_SIZE

    try:
        info = os.fstat(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):  # no file descriptor (a test's stand-in)
        return UNKNOWN_SIZE
    return info.st_size if stat.S_ISREG(info.st_mode) else UNKNOWN_SIZE


def worst(results: list[FileResult]) -> Severity | None:
    severities = [f.severity for r in results for f in r.findings]
    return max(severities) if severities else None
