"""``--format sarif``: one SARIF 2.1.0 log for code-scanning services (e.g. GitHub code scanning).

The log has one run. ``tool.driver`` lists every rule in the registry (built-in and plugin):
id = code, name = rule name, shortDescription = summary, fullDescription and help = the
rule's documentation, helpUri = its catalogue page (built-in rules only), and properties
with the option defaults, sources and owning plugin. Severities map to SARIF levels as
error -> "error", warning -> "warning", info -> "note", both for a rule's
defaultConfiguration (its default severity) and for each result (the finding's severity).

Each result carries the message, its detail lines and "fix: ...", one to a line (the
details also as the ``details`` property, a list), the file as a URI reference
(relative paths against ``%SRCROOT%``, the directory planlint ran in; absolute paths as
``file:`` URIs; percent-encoded), the region (1-based; columns count Unicode code points,
so the run sets ``columnKind`` to ``unicodeCodePoints``; endColumn is just past the end, as
SARIF defines it) and a ``partialFingerprints`` entry that does not depend on line numbers
(see ``planlint.report.common``).

A file planlint could not check to the end is a failure of the run as well as a result:
a file that could not be read (a PL001 result at its first line), a parse failure (PL001),
a safety bound (PL004) or a rule that raised (PL000) each add a tool execution notification
to the invocation, with the location and the rule, and set ``executionSuccessful`` to false.
"""

from __future__ import annotations

import os
import pathlib
from urllib.parse import quote

from planlint.findings import STOPPED
from planlint.report import Formatter
from planlint.report.common import FINGERPRINT_VERSION, fingerprinted, report_path, with_fix
from planlint.report.escape import json_ready, write_json

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def _bytes(name: str) -> bytes:
    try:
        return os.fsencode(name)
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte
        return name.encode("utf-8", "surrogatepass")


def artifact_location(name: str) -> dict:
    """A SARIF artifactLocation for a file name as the user gave it."""
    if os.path.isabs(name):
        path = pathlib.Path(name)
        if os.sep == "\\":
            return {"uri": path.as_uri()}
        return {"uri": "file://" + quote(_bytes(str(path)), safe="/")}
    return {"uri": quote(_bytes(report_path(name)), safe="/"), "uriBaseId": SRCROOT}


def _options(rule) -> dict:
    return json_ready({name: option.default for name, option in getattr(rule, "options", {}).items()})


def rule_descriptor(rule, owner: str) -> dict:
    from planlint.plugins import BUILTIN
    from planlint.report import RULE_DOCS_URL

    doc = rule.documentation()
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
    }
    if owner == BUILTIN:
        descriptor["helpUri"] = RULE_DOCS_URL.format(code=rule.code)
    descriptor["defaultConfiguration"] = {"level": LEVELS[str(rule.severity)]}
    descriptor["properties"] = {
        "options": _options(rule),
        "sources": list(getattr(rule, "sources", ())),
        "plugin": owner,
    }
    return descriptor


def _region(span) -> dict:
    return {
        "startLine": max(span.line, 1),
        "startColumn": max(span.column, 1),
        "endLine": max(span.end_line, span.line, 1),
        "endColumn": max(span.end_column, 1),
    }


def sarif_log(results, registry) -> dict:
    from planlint import __version__
    from planlint.report import PROJECT_URL

    rules = [rule_descriptor(rule, registry.owner.get(code, "?")) for code, rule in registry.rules.items()]
    index = {descriptor["id"]: i for i, descriptor in enumerate(rules)}
    out, notifications = [], []
    for result, finding, fingerprint in fingerprinted(results):
        if finding.code not in index:  # a finding of a rule the registry does not know
            index[finding.code] = len(rules)
            rules.append({"id": finding.code, "name": finding.rule,
                          "shortDescription": {"text": finding.rule or finding.code}})
        out.append({
            "ruleId": finding.code,
            "ruleIndex": index[finding.code],
            "level": LEVELS[str(finding.severity)],
            "message": {"text": with_fix(finding)},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": artifact_location(finding.file or result.name),
                    "region": _region(finding.span),
                },
            }],
            "partialFingerprints": {FINGERPRINT_VERSION: fingerprint},
            "properties": {"pointer": finding.pointer, "fix": finding.fix, "details": list(finding.details)},
        })
        related = _related(finding)
        if related:
            out[-1]["relatedLocations"] = related
        if finding.code in STOPPED:  # planlint could not finish checking this file: say so as the tool
            notifications.append({
                "level": "error",
                "message": {"text": result.error if getattr(result, "error", None) else with_fix(finding)},
                "locations": out[-1]["locations"],
                "associatedRule": {"id": finding.code, "index": index[finding.code]},
            })
    invocation = {"executionSuccessful": not notifications}
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run = {
        "tool": {"driver": {
            "name": "planlint",
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": PROJECT_URL,
            "rules": rules,
        }},
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The directory planlint ran in."}}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": out,
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(results, stream, registry) -> None:
    write_json(sarif_log(results, registry), stream, default=str)


def _related(finding) -> list[dict]:
    """The other place a finding concerns: for launch drift, the entry of the launch config."""
    facts = finding.facts
    file, line = facts.get("config_file"), facts.get("config_line")
    if not isinstance(file, str) or not isinstance(line, int) or line < 1:
        return []
    column = facts.get("config_column") if isinstance(facts.get("config_column"), int) else 1
    key = facts.get("config_key")
    return [{"id": 0, "physicalLocation": {"artifactLocation": artifact_location(file),
                                           "region": {"startLine": line, "startColumn": max(column, 1)}},
             "message": {"text": f"the launch config's {key}" if isinstance(key, str) else "the launch config"}}]


class SarifFormat(Formatter):
    name = "sarif"

    def render(self, context) -> None:
        render_sarif(context.results, context.stream, context.registry)
