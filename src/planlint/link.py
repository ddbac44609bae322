"""Stage 1b: the launch config a plan names (``launch: {config: scripts/train.sh}``).

The config is read by its framework's adapter (``planlint.adapters``), never run or imported.
What it says fills the plan where the plan is silent (each value then located at the plan's
``launch.config`` and named "from scripts/train.sh:14" in findings); where the plan says
something else, the pair is kept for PL501 (launch-drift), which reports it at both places.
A config that cannot be read or recognised is PL008: the plan was not checked against what
launches, so it is never green.

A plan's config must be a regular file inside the plan's repository (the nearest folder above
the plan that holds ``.git``, else the plan's own folder): a plan under review must not make
the gate read ``/proc/self/environ`` or a device.
"""

from __future__ import annotations

import copy
import math
import os
import stat
from dataclasses import field
from pathlib import Path
from typing import Any

from planlint import units
from planlint.findings import HEADLINE_LIMIT, Finding, PathT, Severity, Span, dotted
from planlint.records import record

# Where each launch-config field (planlint.adapters.FIELDS) goes in a plan: most keep their
# name; training.precision is compute.precision; steps are not a plan field (they are in the
# train tokens); warmup steps become warmup tokens with the batch.
PLAN_PATH: dict[str, PathT | None] = {
    "training.precision": ("compute", "precision"),
    "training.steps": None,
    "training.warmup_steps": None,
}
# How PL501 compares a plan's value with the config's: "exact" (a shape, a count of devices, a
# switch), or a relative tolerance named by the rule option it reads. Megatron-LM pads the
# vocabulary (to a multiple of 128 x tensor-parallel size), so a plan that states the
# tokenizer's size is within a percent of the padded one.
COMPARISON: dict[PathT, str] = {
    ("model", "params"): "tolerance",
    ("data", "train_tokens"): "tolerance",
    ("training", "global_batch_tokens"): "tolerance",
    ("training", "warmup_tokens"): "tolerance",
    ("training", "peak_lr"): "tolerance",
    ("model", "vocab_size"): "vocab_tolerance",
}
NOT_PLAN_FIELDS = ("data.mix",)  # a config names its data by path, a plan by source name: filled, not compared


def plan_path(name: str) -> PathT | None:
    if name in PLAN_PATH:
        return PLAN_PATH[name]
    return tuple(name.split("."))


@record
class Filled:
    """A plan value taken from the launch config."""

    path: PathT
    value: Any
    origin: str  # "scripts/train.sh:14 (--num-layers)"


@record
class Pair:
    """A value both the plan and its launch config give, for PL501."""

    path: PathT
    plan_value: Any
    config_value: Any
    origin: str
    source: Any  # planlint.adapters.Source: where the config says it
    how: str = ""


@record
class Link:
    """What a plan's launch config added to it."""

    config: str  # the config's path as shown (beside the plan's, as the plan names it)
    framework: str
    filled: list[Filled] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    launch: Any = None  # the planlint.adapters.LaunchConfig
    # the model as the config launches it (the plan's value where the config has none)
    config_model: dict = field(default_factory=dict)
    shape_origin: str = ""  # where the config gives its shape
    shape_source: Any = None  # its planlint.adapters.Source

    def origin_of(self, path: PathT) -> str | None:
        """Where a filled value (or the section holding it) came from."""
        path = tuple(path)
        for filled in self.filled:
            if path[: len(filled.path)] == filled.path:
                return filled.origin
        return None


# -- reading the config -------------------------------------------------------------------------


def repository_root(plan_file: str) -> Path:
    """The folder a plan's launch config must be inside: the nearest above the plan holding
    ``.git``, else the plan's own folder."""
    folder = Path(os.path.abspath(plan_file if plan_file not in ("", "-") else "plan.yaml")).parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


class Refused(Exception):
    """The config cannot be read; the message says why and the fix how to go on."""

    def __init__(self, message: str, fix: str, details: tuple[str, ...] = ()):
        super().__init__(message)
        self.fix = fix
        self.details = details


def read_config(plan_file: str, named: str, max_bytes: int) -> tuple[str, str]:
    """(the path as shown, the text) of the config a plan names, or Refused."""
    if not named.strip():
        raise Refused("launch.config is empty", "name the launch config, relative to the plan's folder")
    if os.path.isabs(named) or named.startswith("~"):
        raise Refused(f"launch.config {named!r} is an absolute path", "name it relative to the plan's folder, "
                      "so the plan and its config are checked together wherever the repository is")
    base = Path(os.path.abspath(plan_file)).parent if plan_file not in ("", "-") else Path.cwd()
    target = base / named
    shown = os.path.normpath(os.path.join(os.path.dirname(plan_file), named)) if plan_file not in ("", "-") else named
    root = repository_root(plan_file).resolve()
    try:
        real = target.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        raise Refused(f"launch.config {named!r}: no such file" + (f" ({shown})" if shown != named else ""),
                      "fix the path (relative to the plan's folder) or commit the config") from None
    if real != root and root not in real.parents:
        raise Refused(f"launch.config {units.quoted(named)} is outside the plan's repository",
                      "keep the launch config in the same repository as the plan",
                      (f"launch.config {named!r} resolves to {real}, outside {root}",))
    try:
        info = os.stat(real)
    except OSError as exc:
        raise Refused(f"launch.config {named!r}: {exc.strerror or exc}", "check the file's permissions") from None
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"launch.config {named!r} is not a regular file", "name the launch config file itself")
    if info.st_size > max_bytes:
        raise Refused(f"launch.config {named!r} is {info.st_size:,} bytes, over the {max_bytes:,}-byte limit",
                      "name the launch config itself, or raise limits.max-file-bytes")
    try:
        with open(real, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except OSError as exc:
        raise Refused(f"launch.config {named!r}: {exc.strerror or exc}", "check the file's permissions") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise Refused(f"launch.config {named!r} is not UTF-8 text (byte {exc.start:,})",
                      "name a launch script or a YAML, TOML or JSON config") from None
    return shown, text


def choose_adapter(registry, path: str, text: str, framework: str | None):
    """(adapter instance, None) or (None, (message, fix)): the named framework's adapter, or the
    one that recognises the file with confidence and no close rival."""
    adapters = registry.load_adapters()
    if framework is not None:
        chosen = adapters.get(framework)
        if chosen is None:
            from difflib import get_close_matches

            close = get_close_matches(framework, list(adapters), n=1)
            hint = f"did you mean '{close[0]}'? " if close else ""
            missing = "; ".join(registry.adapter_problems.values())
            return None, (f"no launch-config adapter '{framework}'" + (f" ({missing})" if missing else ""),
                          f"{hint}set launch.framework to one of {', '.join(adapters)} (`planlint plugins` lists "
                          "them), or install the plugin that reads it")
        return chosen(), None
    scored = []
    for name, adapter_class in adapters.items():
        adapter = adapter_class()
        try:
            score = float(adapter.detect(path, text))
        except Exception:  # a plugin's detect that raises does not claim the file
            continue
        if math.isfinite(score) and score > 0:
            scored.append((score, name, adapter))
    scored.sort(key=lambda item: -item[0])
    if not scored or scored[0][0] < DETECTED:
        return None, ("no launch-config adapter recognises this file",
                      f"set launch.framework (one of {', '.join(adapters)}) if it is one of theirs")
    if len(scored) > 1 and scored[0][0] - scored[1][0] < 0.05:
        return None, (f"this file reads as a {scored[0][1]} or a {scored[1][1]} config",
                      f"set launch.framework: {scored[0][1]} (or {scored[1][1]})")
    return scored[0][2], None


DETECTED = 0.5  # the least confidence with which an adapter's detect claims a file


def read_launch(registry, adapter, path: str, text: str):
    """The adapter's LaunchConfig, or (None, message) when a plugin's reader raises."""
    try:
        return adapter.read(path, text), None
    except Exception as exc:
        return None, f"the {adapter.name} adapter raised {type(exc).__name__} reading it: {exc}"


# -- merging into the plan ----------------------------------------------------------------------


def _origin(derived) -> str:
    if not derived.sources:
        return "the launch config"
    first = derived.sources[0]
    return f"{first.file}:{first.line} {first.key}"


def config_values(launch, inputs: dict[str, Any]) -> list[tuple[PathT, Any, Any]]:
    """(plan path, value, Derived) for every value the config gives in plan terms, computed with
    ``inputs`` (plan fields by name) where it needs them; warmup steps become tokens."""
    out = []
    for name, derived in launch.fields.items():
        path = plan_path(name)
        value = derived.complete(inputs)
        if path is None or value is None:
            continue
        out.append((path, value, derived))
    warmup = launch.fields.get("training.warmup_steps")
    batch = launch.value("training.global_batch_tokens", inputs) or inputs.get("training.global_batch_tokens")
    if warmup is not None and warmup.complete(inputs) is not None and batch:
        # a constant batch: warmup tokens = warmup steps x tokens per step
        out.append((("training", "warmup_tokens"), warmup.complete(inputs) * batch, warmup))
    return out


def waiting(launch, inputs: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field, Derived) for values the config gives only with an input the plan does not have."""
    return [(name, derived) for name, derived in launch.fields.items()
            if derived.formula is not None and derived.complete(inputs) is None]


def plan_inputs(data: dict) -> dict[str, Any]:
    """The plan's own values by launch-config field name, numbers parsed, for Derived formulas."""
    from planlint.adapters import FIELDS
    from planlint.quantities import PARSERS, QuantityError

    out: dict[str, Any] = {}
    for name in FIELDS:
        path = plan_path(name)
        if path is None:
            continue
        found, value = _get(data, path)
        if not found:
            continue
        if isinstance(value, str):
            try:
                value = PARSERS["count"](value)
            except (QuantityError, KeyError, ValueError):
                continue
        out[name] = value
    return out


def _get(data: Any, path: PathT) -> tuple[bool, Any]:
    node = data
    for part in path:
        if not isinstance(node, dict) or part not in node:
            return False, None
        node = node[part]
    return True, node


def merge(doc, link: Link, launch, launch_span) -> None:
    """Fill ``doc.data`` where the plan is silent; keep the pairs that both give."""
    from planlint.load import NodeSpans

    data = doc.data
    inputs = plan_inputs(data)
    merged = None
    plan_model = data.get("model") if isinstance(data.get("model"), dict) else {}
    link.config_model = {key: value for key, value in plan_model.items() if not str(key).startswith("x-")}
    for path, value, derived in config_values(launch, inputs):
        found, plan_value = _get(data, path)
        origin = _origin(derived)
        if path[0] == "model" and len(path) == 2:
            link.config_model[path[1]] = value
            if path[1] in ("layers", "d_model") and not link.shape_origin:
                link.shape_origin = origin
                link.shape_source = derived.sources[0] if derived.sources else None
        if found:
            if path in NOT_PLAN_FIELDS or ".".join(path) in NOT_PLAN_FIELDS:
                continue
            link.pairs.append(Pair(path, plan_value, value, origin, derived.sources[0] if derived.sources else None,
                                   derived.how))
            continue
        if merged is None:
            merged = copy.deepcopy(data)
        node = merged
        for part in path[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
                doc.spans.setdefault(_prefix(path, part), NodeSpans(launch_span, launch_span))
            elif not isinstance(child, dict):
                break  # the plan has something else there: the schema reports it
            node = child
        else:
            node[path[-1]] = value
            doc.spans[path] = NodeSpans(launch_span, launch_span)
            link.filled.append(Filled(path, value, origin))
    if merged is not None:
        doc.data = merged


def _prefix(path: PathT, part) -> PathT:
    return tuple(path[: path.index(part) + 1])


def attach(doc, registry, max_bytes: int) -> tuple[Link | None, list[Finding]]:
    """Read the launch config ``doc`` names and merge it in; the findings of reading it."""
    section = doc.data.get("launch") if isinstance(doc.data, dict) else None
    if not isinstance(section, dict) or not isinstance(section.get("config"), str):
        return None, []  # no launch config, or one the schema reports as malformed
    named = section["config"]
    framework = section.get("framework") if isinstance(section.get("framework"), str) else None
    where = doc.locate(("launch", "config"), "value")
    spans = doc.spans.get(("launch", "config"))
    launch_span = spans.value if spans is not None else where

    def refused(message: str, fix: str, details: tuple[str, ...] = ()) -> tuple[None, list[Finding]]:
        return None, [Finding("PL008", "launch-config", Severity.ERROR, message, fix, ("launch", "config"), where,
                              doc.name, details=details)]

    try:
        shown, text = read_config(doc.name, named, max_bytes)
    except Refused as exc:
        return refused(str(exc), exc.fix, exc.details)
    adapter, problem = choose_adapter(registry, shown, text, framework)
    if adapter is None:
        return refused(f"{shown}: {problem[0]}", problem[1])
    launch, crash = read_launch(registry, adapter, shown, text)
    if launch is None:
        return refused(f"{shown}: {crash}", "report this to the adapter's maintainers with the config")
    link = Link(shown, adapter.name, launch=launch)
    findings = problem_findings(launch, doc.name, where, ("launch", "config"))
    if any(f.code == "PL008" for f in findings):
        return link, findings
    merge(doc, link, launch, launch_span)
    inputs = plan_inputs(doc.data)
    for name, derived in waiting(launch, inputs):
        needs = ", ".join(n for n in derived.needs if inputs.get(n) is None)
        findings.append(Finding("PL502", "launch-config-reading", Severity.INFO,
                                f"{name} needs {needs}, which the plan does not state",
                                f"declare {needs} in the plan", ("launch", "config"), where, doc.name,
                                details=(f"{_origin(derived)} gives {name} only with {needs}",
                                         *((f"{name} = {derived.how}",) if derived.how else ()))))
    return link, findings


def problem_findings(launch, file: str, where: Span | None, path: PathT) -> list[Finding]:
    """The adapter's Problems as findings: errors are PL008 (the config was not read), the rest
    PL502 (a value the config holds was not read). ``where`` None: at the config's own lines."""
    out = []
    for problem in launch.problems:
        span = where if where is not None else Span(problem.line, problem.column, problem.line, problem.column + 1)
        # at the plan's launch.config: where in the config, first in the details
        at = (f"at {launch.path}:{problem.line}:{problem.column}",) if where is not None else ()
        message, rest = headline_split(problem.message)
        at += rest + tuple(getattr(problem, "details", ()))
        if problem.severity == "error":
            out.append(Finding("PL008", "launch-config", Severity.ERROR, message, problem.fix,
                               path, span, file, details=at))
        else:
            level = Severity.INFO if problem.severity == "info" else Severity.WARNING
            out.append(Finding("PL502", "launch-config-reading", level, message, problem.fix, path,
                               span, file, details=at))
    return out


def headline_split(message: str) -> tuple[str, tuple[str, ...]]:
    """An adapter's message as a headline and details: one past ``HEADLINE_LIMIT`` is cut at its
    last clause break ('; ' or ': ', outside brackets and quotes) that leaves a headline within
    the limit, the rest becoming a detail; without one, a closing parenthesis becomes the detail
    when that is enough; else the message stays whole."""
    if len(message) <= HEADLINE_LIMIT:
        return message, ()
    depth, quoted, best = 0, False, None
    for index, char in enumerate(message[:HEADLINE_LIMIT + 1]):
        if char == "'" and (index == 0 or not message[index - 1].isalnum()) or char == "'" and quoted:
            quoted = not quoted
        elif char in "([{" and not quoted:
            depth += 1
        elif char in ")]}" and not quoted:
            depth = max(depth - 1, 0)
        elif char in ";:" and not depth and not quoted and message[index + 1:index + 2] == " " and index > 0:
            best = index
    if best is not None:
        return message[:best], (message[best + 2:],)
    opening = message.rfind(" (")
    if message.endswith(")") and 0 < opening <= HEADLINE_LIMIT and message.count("(", opening) == 1:
        return message[:opening], (message[opening + 2:-1],)
    return message, ()


def note_origins(findings: list[Finding], link: Link) -> None:
    """Name where a value came from in the findings about values the config filled in."""
    for finding in findings:
        origin = link.origin_of(finding.path) if finding.path else None
        if origin is not None and not any("from " + origin in text for text in (finding.message, *finding.details)):
            finding.details = (*finding.details, f"{dotted(finding.path)} comes from {origin}")
            finding.facts.setdefault("from_launch_config", origin)


# -- a launch config checked on its own ---------------------------------------------------------


def recognise(raw: bytes, name: str, registry, framework: str | None):
    """The adapter for a file named on the command line that is not a plan, or None (it is then
    checked as a plan, and its findings say why it is not one)."""
    from planlint.discover import is_plan

    if is_plan(raw):
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    adapter, _problem = choose_adapter(registry, name, text, framework)
    return adapter


def config_document(raw: bytes, name: str, adapter, limits, inputs: dict | None = None) -> tuple[Any, Link | None]:
    """A launch config as the plan it describes: its values at the config's own lines, a name
    from the file, the parameter count from its shape. What it cannot say (unique tokens, the
    accelerator, the budget) stays unsaid: rules that need it do not run, PL502 says which
    values wait for an input, and `planlint import` writes a plan to fill them in."""
    from planlint.load import Document, NodeSpans
    from planlint.numbers import shape_counts

    doc = Document(name=name, max_findings=limits.max_findings)
    try:
        doc.text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        doc.findings.add("PL008", "launch-config", f"the launch config is not UTF-8 text (byte {exc.start:,})",
                         (1, 1, 1, 2), "name a launch script or a YAML, TOML or JSON config")
        return doc, None
    launch, crash = read_launch(None, adapter, name, doc.text)
    if launch is None:
        doc.findings.add("PL008", "launch-config", crash, (1, 1, 1, 2),
                         "report this to the adapter's maintainers with the config")
        return doc, None
    link = Link(name, adapter.name, launch=launch)
    for finding in problem_findings(launch, name, None, ()):
        doc.findings.append(finding)
    if any(f.code == "PL008" for f in doc.findings):
        return doc, link
    inputs = dict(inputs or {})
    stem = os.path.splitext(os.path.basename(name))[0] or "launch-config"
    # a launch config is a pre-training run: its post-training is no concern of the file (PL301)
    data: dict[str, Any] = {"planlint": 1, "name": stem, "goal": "base"}
    doc.spans[()] = NodeSpans(None, Span(1, 1, 1, 1))
    for field_name, value in inputs.items():  # from the command line, where the config is silent
        path = plan_path(field_name)
        if path is not None and launch.value(field_name) is None:
            data.setdefault(path[0], {})[path[1]] = value
    for path, value, derived in config_values(launch, inputs):
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
        if derived.sources:
            source = derived.sources[0]
            span = Span(source.line, source.column, source.line, source.column + _word(doc.lines, source))
            doc.spans.setdefault(path[:1], NodeSpans(span, span))
            doc.spans[path] = NodeSpans(span, span)
        link.filled.append(Filled(path, value, _origin(derived)))
    model = data.setdefault("model", {})
    if "params" not in model:
        counts = shape_counts(model)
        if counts is not None:
            model["params"] = counts[0]
            if counts[1] != counts[0]:
                model.setdefault("active_params", counts[1])
    for name_, derived in waiting(launch, inputs):
        source = derived.sources[0] if derived.sources else None
        span = (source.line, source.column, source.line, source.column + 1) if source else (1, 1, 1, 2)
        doc.findings.add("PL502", "launch-config-reading",
                         f"{name_} needs {', '.join(derived.needs)}, which the config does not state"
                         + (f" ({derived.how})" if derived.how else ""), span,
                         f"write a plan for this config (`planlint import {name}`) and declare "
                         f"{', '.join(derived.needs)} there", severity=Severity.INFO)
    missing = [key for key, have in (("model.params", "params" in model),
                                     ("data.train_tokens", "train_tokens" in data.get("data", {}))) if not have]
    if missing:
        needs = sorted({need for _, derived in waiting(launch, inputs) for need in derived.needs})
        because = (f" without {', '.join(needs)}" if needs else "")
        option = " (`--accelerators N` gives it)" if "compute.accelerators" in needs else ""
        if needs:
            fix = (f"declare {', '.join(needs)} on the command line{option}, or write a plan for it (`planlint import "
                   f"{name}`)")
        else:
            fix = f"write a plan for it (`planlint import {name}`) and declare {' and '.join(missing)} there"
        doc.findings.add("PL008", "launch-config", f"the config gives no {' or '.join(missing)}{because}, so it "
                         "cannot be checked on its own", (1, 1, 1, 2), fix)
        return doc, link
    doc.data = data
    doc.usable = True
    return doc, link


def _word(lines: list[str], source) -> int:
    """The width of the word a config entry starts with (at least 1), for the caret under it."""
    if not 1 <= source.line <= len(lines):
        return 1
    rest = lines[source.line - 1][source.column - 1:]
    width = 0
    while width < len(rest) and not rest[width].isspace() and rest[width] not in "#\\":
        width += 1
    return max(width, 1)


def about_the_config(finding: Finding, link: Link) -> bool:
    """Whether a finding on a config checked alone is about what the config says. Rules about
    what a plan would add (a budget, post-training, unique tokens) have no place in it."""
    from planlint.findings import NOT_CHECKED

    if finding.code in NOT_CHECKED or finding.code.startswith("PL5"):
        return True
    path = tuple(finding.path)
    return any(path[: len(filled.path)] == filled.path for filled in link.filled) and len(path) >= 2


# -- a changed config and the plans that name it (pre-commit, CI) --------------------------------


def plans_naming(changed: list[str], search: str = ".", max_bytes: int = 1 << 20) -> list[str]:
    """The plans under ``search`` whose ``launch.config`` is one of the files in ``changed``, so
    that a commit that changes only a launch script still checks the plan drawn from it."""
    from planlint.discover import PLAN_SUFFIXES, expand, is_plan, is_plan_file, read_found
    from planlint.load import load_bytes

    wanted = set()
    for path in changed:
        if path == "-" or not os.path.isfile(path):
            continue
        if path.lower().endswith(PLAN_SUFFIXES):
            try:
                with open(path, "rb") as handle:
                    if is_plan(handle.read(max_bytes)):
                        continue  # a plan is checked as itself
            except OSError:
                continue
        wanted.add(os.path.realpath(path))
    if not wanted:
        return []
    found = []
    targets, _errors = expand([search])
    for target in targets:
        try:
            found_raw = read_found(target.path, max_bytes + 1)
        except OSError:
            continue
        raw = found_raw[0] if found_raw is not None else b""
        if len(raw) > max_bytes or b"launch" not in raw or not is_plan_file(target.path, raw):
            continue
        data = load_bytes(raw, target.path).data
        section = data.get("launch") if isinstance(data, dict) else None
        named = section.get("config") if isinstance(section, dict) else None
        if not isinstance(named, str) or os.path.isabs(named):
            continue
        if os.path.realpath(os.path.join(os.path.dirname(target.path), named)) in wanted:
            found.append(target.path)
    return found
