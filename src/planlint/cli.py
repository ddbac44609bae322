"""The command line. Heavy modules are imported inside the commands that need them, so that
``planlint --version`` and ``--help`` start as fast as Python itself.

Exit codes: 0 nothing at or above the --fail-on level; 1 findings at or above it; 2 usage
errors, unreadable paths, no plans found, or a plugin problem that stops the run.
"""

from __future__ import annotations

import os
import sys

import click

from planlint import __version__

SEVERITY_CHOICE = click.Choice(["error", "warning", "info"], case_sensitive=False)


def _fail(message: str) -> None:
    click.echo(f"planlint: error: {message}", err=True)


def _registry():
    from planlint.plugins import RegistryError, registry

    try:
        reg = registry()
    except RegistryError as exc:
        _fail(str(exc))
        sys.exit(2)
    for warning in reg.warnings:
        click.echo(f"planlint: warning: {warning}", err=True)
    return reg


def _use_color(choice: str) -> bool:
    if choice == "always":
        return True
    if choice == "never" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="planlint", message="%(prog)s %(version)s")
def main() -> None:
    """planlint: lint LLM pre-training plans against published scaling laws.

    \b
    Quick start:
      planlint check plan.yaml       lint one plan (or a folder of plans)
      planlint estimate plan.yaml    FLOPs, GPU-hours, days, dollars, loss, memory, serving cost
      planlint rules                 list every rule
      planlint explain PL101         a rule's documentation, thresholds and sources
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "concise", "json"]), default="text",
              show_default=True, help="text: findings with source and fix; concise: one line each; json: an array.")
@click.option("--fail-on", type=SEVERITY_CHOICE, default="warning", show_default=True,
              help="Exit 1 when a finding is at this severity or above.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (still 2 on errors).")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (auto: on a terminal, unless NO_COLOR is set).")
@click.option("--skip-non-plans", is_flag=True,
              help="Skip named files that have no top-level `planlint:` key (for pre-commit hooks).")
@click.option("--stdin-filename", default="-", metavar="NAME", help="The name to report for a plan read from '-'.")
def check(paths, fmt, fail_on, exit_zero, color, skip_non_plans, stdin_filename):
    """Lint plans: files, folders (every YAML plan below them) or '-' for standard input."""
    from planlint.discover import Target, expand
    from planlint.engine import lint_target
    from planlint.findings import Severity
    from planlint.report import render

    registry = _registry()
    targets, errors = expand(list(paths))
    results = []
    for target in targets:
        if skip_non_plans and target.explicit and target.path != "-":
            target = Target(target.path, explicit=False)
        result = lint_target(target, registry, stdin_name=stdin_filename)
        if result is None:
            continue
        if result.error:
            errors.append(result.error)
            continue
        results.append(result)
    render(fmt, results, sys.stdout, color=_use_color(color), fail_on=fail_on)
    for error in errors:
        _fail(error)
    if errors:
        sys.exit(2)
    if not results and not skip_non_plans:
        _fail("no plans found: a plan is a .yaml or .yml file whose top level has a `planlint:` key")
        sys.exit(2)
    threshold = Severity.parse(fail_on)
    failed = any(f.severity >= threshold for r in results for f in r.findings)
    sys.exit(1 if failed and not exit_zero else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--fit", type=click.Choice(["besiroglu2024", "hoffmann2022", "rule-20"]), default="besiroglu2024",
              show_default=True, help="Loss fit for the compute-optimal split, predicted loss and waste.")
def estimate(paths, fmt, fit):
    """What each plan costs, how long it takes and how good it gets, with every assumption named."""
    from planlint.discover import expand
    from planlint.engine import lint_target
    from planlint.estimate import FITS
    from planlint.findings import Severity
    from planlint.forecast import forecast
    from planlint.model import build
    from planlint.report import estimate_table

    registry = _registry()
    targets, errors = expand(list(paths))
    entries, broken = [], []
    for target in targets:
        result = lint_target(target, registry)
        if result is None:
            continue
        if result.error:
            errors.append(result.error)
            continue
        blocking = [f for f in result.findings if f.code in ("PL000", "PL001", "PL002", "PL004")
                    and f.severity >= Severity.ERROR]
        if blocking or result.doc is None or not isinstance(result.doc.data, dict):
            first = blocking[0] if blocking else None
            where = f" (first: {first.line}:{first.column} {first.code} {first.message})" if first else ""
            broken.append(f"{result.name}: not estimated, the plan does not validate{where}; "
                          "`planlint check` lists every problem")
            continue
        plan = build(result.doc.data)
        chosen = FITS[fit]
        entries.append((result.name, plan.name, forecast(plan, chosen), chosen.label))
    if fmt == "json":
        estimate_table.render_json(entries, sys.stdout)
    else:
        estimate_table.render_table(entries, sys.stdout)
    for message in broken:
        click.echo(f"planlint: {message}", err=True)
    for error in errors:
        _fail(error)
    if errors or (not entries and not broken):
        if not entries and not broken and not errors:
            _fail("no plans found: a plan is a .yaml or .yml file whose top level has a `planlint:` key")
        sys.exit(2)
    sys.exit(1 if broken else 0)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(fmt):
    """List every rule: code, name, default severity and summary."""
    registry = _registry()
    if fmt == "json":
        import json

        rows = [
            {"code": r.code, "name": r.name, "severity": str(r.severity), "summary": r.summary,
             "plugin": registry.owner[r.code], "options": r.defaults(), "sources": list(r.sources)}
            for r in registry.rules.values()
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    for rule in registry.rules.values():
        click.echo(f"{rule.code}  {rule.name:<26} {str(rule.severity):<8} {rule.summary}")


@main.command()
@click.argument("rule")
def explain(rule):
    """Show a rule's documentation: what it checks, why, options and sources (by code or name)."""
    registry = _registry()
    found = registry.find(rule)
    if found is None:
        _fail(f"no rule {rule!r}; `planlint rules` lists them")
        sys.exit(2)
    click.echo(found.documentation().rstrip())


@main.command()
def schema():
    """Print the plan format's JSON Schema (for editors and check-jsonschema)."""
    from planlint.resources import schema_path

    click.echo(schema_path().read_text(encoding="utf-8").rstrip())


@main.command()
def accelerators():
    """List the accelerator catalogue: dense 16-bit peak, memory and bandwidth."""
    from planlint.accelerators import CATALOGUE

    click.echo(f"{'name':<11} {'peak TFLOP/s':>12} {'memory GB':>10} {'GB/s':>8}  label (source)")
    for acc in CATALOGUE.values():
        click.echo(f"{acc.name:<11} {acc.peak_tflops:>12g} {acc.memory_gb:>10.4g} {acc.bandwidth_gbps:>8g}  "
                   f"{acc.label} ({acc.source})")


if __name__ == "__main__":
    main()
