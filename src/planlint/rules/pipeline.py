"""Findings of the loading, launch-config and validation stages (PL000-PL008, PL502).

These rules have no ``check``: ``planlint.load``, ``planlint.link`` and ``planlint.validate``
report them while reading the files. They are declared here so that ``planlint rules`` and ``planlint explain``
cover every code planlint can print.
"""

from planlint.findings import Severity
from planlint.rule import Rule


class InternalError(Rule):
    code = "PL000"
    name = "internal-error"
    severity = Severity.ERROR
    summary = "A rule raised an exception while checking the plan; the other rules still ran."
    points_at = "the first key of the plan; never suppressed (a rule raised, so the plan was not wholly checked)"
    stage = "pipeline"


class YamlSyntax(Rule):
    code = "PL001"
    name = "yaml-syntax"
    severity = Severity.ERROR
    summary = "The file is not well-formed YAML, or not UTF-8 text."
    points_at = "where the YAML breaks, or the first byte that is not UTF-8 text; never suppressed"
    sources = (
        "YAML Ain't Markup Language, version 1.2.2 (yaml.org/spec/1.2.2), and YAML 1.1, which PyYAML implements.",
    )
    stage = "pipeline"


class Schema(Rule):
    code = "PL002"
    name = "schema"
    severity = Severity.ERROR
    summary = "The plan breaks the plan format (schemas/plan.schema.json)."
    points_at = "the key or value that breaks the format; never suppressed"
    sources = (
        "The plan format, version 1: `schemas/plan.schema.json` (`planlint schema`).",
    )
    stage = "pipeline"


class DuplicateKey(Rule):
    code = "PL003"
    name = "duplicate-key"
    severity = Severity.ERROR
    summary = ("A mapping repeats a key, or the file holds YAML that readers read two ways (merge keys that disagree, "
               "a duplicate anchor, `on` or `1:30`).")
    points_at = ("the repeated key, at its second and later occurrences, or the construct read two ways; never "
                 "suppressed")
    sources = (
        "YAML Ain't Markup Language, version 1.2.2 (yaml.org/spec/1.2.2), §3.2.1.1: the keys of a mapping are "
        "unique.",
        "YAML merge key, version 1.1 (yaml.org/type/merge.html): keys in mappings earlier in a merged sequence "
        "override keys in later ones.",
    )
    stage = "pipeline"


class InputLimit(Rule):
    code = "PL004"
    name = "input-limit"
    severity = Severity.ERROR
    summary = "The file exceeds a safety bound: size, nesting depth, alias expansion, findings or time."
    points_at = ("where the bound is crossed (line 1 for the file's size, the first key for the time bound); never "
                 "suppressed")
    sources = (
        "YAML Ain't Markup Language, version 1.2.2 (yaml.org/spec/1.2.2), §3.2.2.2: anchors and aliases.",
    )
    stage = "pipeline"


class UnusedSuppression(Rule):
    code = "PL005"
    name = "unused-suppression"
    severity = Severity.WARNING
    summary = "A suppression comment (`# planlint: disable=...`, `# noqa: ...`) silences nothing, or names no rule."
    points_at = "the suppression comment; no comment can suppress it (switch it off in the configuration)"
    stage = "pipeline"


class SuppressionReason(Rule):
    code = "PL006"
    name = "suppression-reason"
    severity = Severity.WARNING
    summary = "A suppression comment gives no `-- reason` while the configuration requires one."
    points_at = "the suppression comment; no comment can suppress it (switch it off in the configuration)"
    stage = "pipeline"


class LaunchConfig(Rule):
    code = "PL008"
    name = "launch-config"
    severity = Severity.ERROR
    summary = ("The launch config the plan names (launch.config) cannot be read or recognised, so the plan was not "
               "checked against what launches.")
    points_at = ("`launch.config`'s value (in a launch config checked on its own: the line it cannot read); never "
                 "suppressed")
    sources = (
        "planlint's launch-config adapters (`planlint plugins` lists them).",
    )
    stage = "pipeline"


class LaunchConfigReading(Rule):
    code = "PL502"
    name = "launch-config-reading"
    severity = Severity.WARNING
    summary = ("A value in the launch config could not be read (an unresolved variable, an unknown flag), or needs "
               "an input the plan does not state.")
    points_at = "`launch.config`'s value (in a launch config checked on its own: the config's line)"
    sources = (
        "The frameworks' own argument definitions, which planlint's adapters follow.",
    )
    stage = "pipeline"
