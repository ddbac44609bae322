"""The command line. Heavy modules are imported inside the commands that need them, so that
``planlint --version`` and ``--help`` start as fast as Python itself.

Exit codes: 0 nothing at or above the --fail-on level; 1 findings at or above it; 2 usage
errors, unreadable paths, no plans found, a plugin problem that stops the run, or output
that could not be written (a full disk, a closed pipe or stream); 130 Ctrl-C.

Every line written carries outside text (file names, plan and configuration values, plugin
messages) only through ``planlint.report.escape``, click's own usage errors included.
"""

from __future__ import annotations

import errno
import os
import stat
import sys

import click

from planlint import __version__
from planlint.contain import PluginFailure, restore_streams
from planlint.report.escape import visible, write_json

SEVERITY_CHOICE = click.Choice(["error", "warning", "info"], case_sensitive=False)
# the names of the output formats (planlint.report.FORMATS and ALIASES), here so that --help imports nothing
FORMATS = ("full", "concise", "json", "sarif", "github", "junit", "gitlab", "text")


class _FormatChoice(click.Choice):
    """The built-in formats, or another name: a plugin's format, checked once plugins are loaded."""

    def convert(self, value, param, ctx):
        return value if isinstance(value, str) else super().convert(value, param, ctx)


def _say(line: str) -> None:
    """One line on standard error; a standard error that cannot be written loses it, nothing more."""
    try:
        click.echo(line, err=True)
    except OSError:
        pass


def _fail(message: str) -> None:
    _say(f"planlint: error: {visible(message)}")


def _warn(message: str) -> None:
    _say(f"planlint: warning: {visible(message)}")


class _OutputError(click.ClickException):
    """Standard output could not be written (a full disk, a closed pipe or stream): exit 2."""

    exit_code = 2

    def __init__(self, exc: OSError):
        reason = exc.strerror or str(exc)
        where = f"{exc.filename}: " if exc.filename else ""
        super().__init__(f"{where}{reason}" if where else f"cannot write the output: {reason}")

    def show(self, file=None) -> None:
        _discard_stdout()
        _fail(self.message)


class _ClosedStream:
    """Standard output when the process was started without one (``planlint ... >&-``)."""

    encoding, errors = "utf-8", "strict"

    def write(self, text: str) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


def _prepare_streams() -> None:
    """UTF-8 output whatever the locale (every format writes UTF-8), and a standard output
    that fails loudly when it was closed instead of swallowing the report."""
    if sys.stdout is None:
        sys.stdout = _ClosedStream()
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # nowhere to say anything
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and str(getattr(stream, "encoding", "")).lower().replace("-", "") != "utf8":
            try:
                reconfigure(encoding="utf-8", errors="backslashreplace")
            except (OSError, ValueError):
                pass


def _discard_stdout() -> None:
    """After a failed write, point standard output at the null device, so that what is still
    buffered does not fail again when the interpreter exits ("Exception ignored ...")."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):
        return
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, fd)
        os.close(null)
    except OSError:
        pass


class _EscapedStream:
    """A stream whose every write goes through ``visible`` (lines kept): for click's own messages."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(visible(text, multiline=True))

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _Planlint(click.Group):
    """planlint's group: output errors are exit 2 with one line, usage errors are escaped, and
    Ctrl-C is exit 130 with one line."""

    def invoke(self, ctx):
        try:
            try:
                return super().invoke(ctx)
            finally:
                if sys.stdout is not None:
                    sys.stdout.flush()  # a full disk shows here, not at interpreter exit
        except OSError as exc:
            raise _OutputError(exc) from None
        except PluginFailure as exc:  # a plugin's format or documentation failed: its message, exit 2
            _fail(str(exc))
            sys.exit(2)
        except KeyboardInterrupt:  # exit 130 and one line, not click's "Aborted!" and 1 ("findings")
            restore_streams()
            _say("planlint: interrupted")
            sys.exit(130)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        _prepare_streams()
        try:
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except _OutputError as exc:
            exc.show()
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            exc.message = visible(exc.message)  # the message quotes what was typed: a path, an option
            try:
                exc.show(file=_EscapedStream(sys.stderr))
            except OSError:
                pass
            sys.exit(exc.exit_code)
        except click.Abort:
            _say("Aborted!")
            sys.exit(1)
        except Exception as exc:  # a bug in planlint itself: one line and exit 2, never a green run
            import traceback

            restore_streams()

            from planlint.contain import tracebacks_shown

            if tracebacks_shown():
                raise
            last = traceback.extract_tb(exc.__traceback__)[-1]
            _fail(f"internal error: {type(exc).__name__}: {exc} (at {os.path.basename(last.filename)}:{last.lineno} "
                  f"in {last.name}); please report it with the input (PLANLINT_TRACEBACK=1 shows the traceback)")
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


def _registry(checklist: bool = True):
    from planlint.plugins import RegistryError, registry

    try:
        reg = registry(checklist)
    except RegistryError as exc:
        _fail(str(exc))
        sys.exit(2)
    for warning in reg.warnings:
        _warn(warning)
    return reg


def _use_color(choice: str) -> bool:
    """``--color always|never`` decides; with ``auto``, FORCE_COLOR (set and not empty) turns colour
    on, as force-color.org asks (it wins over NO_COLOR, as there), NO_COLOR (set and not empty)
    turns it off, as no-color.org asks, and otherwise colour is on for a terminal other than ``dumb``."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() and os.environ.get("TERM") != "dumb"


PRE_COMMIT = "--pre-commit"


class _CheckCommand(click.Command):
    """``check``: with ``--pre-commit`` among its leading options, the arguments are read as
    pre-commit passes them, the hook's ``args`` then the staged file names. Options end at the
    first word that is not an option's name (or its value): from there on every word is a
    path, even one that starts with '-'. A file name is never read as an option, so a
    committed ``--config=evil.yaml`` is linted, not obeyed; an exact option name has no '.',
    and every file pre-commit passes to a ``types: [yaml]`` hook has one."""

    def parse_args(self, ctx, args):
        return super().parse_args(ctx, _paths_after_options(self, ctx, list(args)))


def _paths_after_options(command: click.Command, ctx, args: list[str]) -> list[str]:
    takes_value = {}
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            for word in (*param.opts, *param.secondary_opts):
                takes_value[word] = not (param.is_flag or param.count)
    index, hook = 0, False
    while index < len(args) and args[index] in takes_value:
        hook = hook or args[index] == PRE_COMMIT
        index += 2 if takes_value[args[index]] else 1
    if not hook or args[index:index + 1] == ["--"]:
        return args
    return [*args[:index], "--", *args[index:]]


def _plugin_notes() -> None:
    """The warnings about plugin code met while linting (output it wrote), once per rule or item."""
    from planlint import contain

    for line in contain.drain():
        _warn(line)


@click.group(cls=_Planlint, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="planlint", message="%(prog)s %(version)s")
@click.option("--no-plugins", is_flag=True,
              help="Load only planlint's own rules and checklist, no third-party plugins (as PLANLINT_NO_PLUGINS=1).")
def main(no_plugins: bool = False) -> None:
    """planlint: lint LLM pre-training plans against published scaling laws.

    \b
    Quick start:
      planlint check plan.yaml       lint one plan (or a folder of plans)
      planlint estimate plan.yaml    FLOPs, GPU-hours, days, dollars, loss, memory, serving cost
      planlint checklist plan.yaml   the production checklist: what the plan settles, what is missing
      planlint rules                 list every rule
      planlint explain PL101         a rule's documentation, thresholds and sources
    """
    from planlint import contain

    contain.watch_interrupts()  # a KeyboardInterrupt a plugin raises is then told from Ctrl-C
    if no_plugins:
        from planlint import plugins

        plugins.disable_autoload()


def _codes(values) -> list[str]:
    """--select PL1,PL2 --select PL3 -> [PL1, PL2, PL3]."""
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def _resolver(registry, config_file, isolated, select, ignore, extend_select, fail_on, timeout=None, fit=None):
    from planlint.config import ConfigError, Resolver

    overrides = {}
    if fit is not None:
        overrides["fit"] = fit
    if select:
        overrides["select"] = _codes(select)
    if extend_select:
        overrides["extend-select"] = _codes(extend_select)
    if ignore:
        overrides["ignore"] = _codes(ignore)
    if fail_on:
        overrides["fail-on"] = fail_on.lower()
    if timeout is not None:
        overrides["limits"] = {"timeout": timeout}
    try:
        resolver = Resolver(registry, config_file=config_file, isolated=isolated, overrides=overrides)
        # check the command line once, before any plan is read (a fit a configuration defines is
        # checked against each configuration as it is read)
        general = {key: value for key, value in overrides.items() if key != "fit"}
        if general:
            from planlint.config import Config, build

            build(general, registry, origin="command line", base=Config())
    except ConfigError as exc:
        _fail(str(exc))
        sys.exit(2)
    return resolver


def _framework(registry, framework: str | None) -> str | None:
    """``--framework``, checked against the adapters installed (exit 2 with the list otherwise)."""
    if framework is None:
        return None
    adapters = registry.load_adapters()
    if framework not in adapters:
        from difflib import get_close_matches

        close = get_close_matches(framework, list(adapters), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        _fail(f"--framework {visible(framework)}: no such launch-config adapter; {hint}the adapters are "
              f"{', '.join(adapters)} (`planlint plugins` lists them)")
        sys.exit(2)
    return framework


def _fit_option(function):
    """``--fit``, for every command that shows a plan's numbers or judges them."""
    return click.option(
        "--fit", default=None, metavar="NAME",
        help="Loss fit for the compute-optimal split, predicted loss and waste: besiroglu2024, hoffmann2022, "
             "muennighoff2023, rule-20, or one the configuration defines under `fits` [default: the "
             "configuration's fit, else the plan's loss_fit, else besiroglu2024].")(function)


def _config_options(function):
    """The options that choose rules and thresholds, shared by commands that lint."""
    options = [
        click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
                     help="Use this configuration file (.planlint.yaml or pyproject.toml) for every plan, "
                          "instead of the nearest one above each plan."),
        click.option("--isolated", is_flag=True, help="Ignore configuration files; defaults and options only."),
        click.option("--select", multiple=True, metavar="CODES",
                     help="Rule codes or prefixes to run, comma-separated (replaces the configuration's select)."),
        click.option("--extend-select", multiple=True, metavar="CODES", help="Codes or prefixes to run as well."),
        click.option("--ignore", multiple=True, metavar="CODES", help="Codes or prefixes not to run."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


@main.command(cls=_CheckCommand)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--output-format", "--format", "fmt", type=_FormatChoice(list(FORMATS)), default=None,
              metavar="FORMAT",
              help="full (default; github when GITHUB_ACTIONS=true; also called text): findings with source and "
                   "fix; concise: exactly one line each, the fix at its end; json: an array; sarif: code scanning; "
                   "github: workflow annotations; junit: test report; gitlab: Code Quality report; or a format a "
                   "plugin adds (`planlint plugins`).")
@click.option("-o", "--output-file", type=click.Path(dir_okay=False, writable=True), metavar="FILE",
              help="Write the report to FILE instead of standard output.")
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None,
              help="Exit 1 when a finding is at this severity or above [default: the configuration's, else warning].")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (still 2 on errors).")
@click.option("--min-severity", type=SEVERITY_CHOICE, default=None,
              help="Show only findings at this severity or above [default: info, all]; the others still count "
                   "for --fail-on, and the summary says how many were hidden. Findings that mean a plan could "
                   "not be checked are always shown.")
@_config_options
@click.option("--baseline", "baseline_file", type=click.Path(dir_okay=False), metavar="FILE",
              help="Report only findings that are not in this baseline.")
@click.option("--write-baseline", type=click.Path(dir_okay=False), metavar="FILE",
              help="Record today's findings in FILE (for --baseline) and exit 0.")
@click.option("--timeout", type=click.FloatRange(min=0), default=None, metavar="SECONDS",
              help="Stop checking a plan after this long and report it (PL004); 0 for no limit "
                   "[default: the configuration's limits.timeout, else 10].")
@_fit_option
@click.option("--framework", metavar="NAME", default=None,
              help="Files named here that are not plans are launch configs of this framework (megatron, nemo, "
                   "neox, torchtitan, olmo, litgpt, maxtext, levanter, nanotron, huggingface, or a plugin's) "
                   "[default: the framework that recognises each file].")
@click.option("--accelerators", type=click.IntRange(min=1), default=None, metavar="N",
              help="The accelerators a launch config checked on its own runs on, where it does not say "
                   "(torchtitan, MaxText and others count them at launch).")
@click.option("--statistics", is_flag=True,
              help="Print how many findings each rule reported, then the total, not the findings (full and "
                   "concise: a table; json: an array).")
@click.option("-q", "--quiet", is_flag=True, help="Print the findings only: no summary, nothing when clean.")
@click.option("--color", type=click.Choice(["auto", "always", "never"]), default="auto", show_default=True,
              help="Colour the text output (auto: on a terminal; a non-empty FORCE_COLOR turns it on, a "
                   "non-empty NO_COLOR off, FORCE_COLOR winning when both are set).")
@click.option("--skip-non-plans", is_flag=True,
              help="Skip named files that are not plans: no top-level `planlint:` key with a format version "
                   "(for pre-commit hooks).")
@click.option("--show-files", is_flag=True,
              help="List the files that would be checked, and on standard error what was skipped and why; lint "
                   "nothing (exit 0, or 2 when a named path does not exist).")
@click.option("-v", "--verbose", is_flag=True,
              help="Say on standard error which folders and files were skipped, and why.")
@click.option("--stdin-filename", default="-", metavar="NAME",
              help="The name to report for a plan read from '-'; its folder selects the configuration.")
@click.option(PRE_COMMIT, "pre_commit", is_flag=True,
              help="Arguments as pre-commit passes them: options first, each option and value a word of its own; "
                   "from the first other word on, every word is a path, even one that starts with '-'.")
@click.option("-j", "--jobs", type=click.IntRange(min=0), default=0, metavar="N",
              help="Worker processes for many plans; 0 (the default) uses every core the load average leaves "
                   "free, 1 none. Plans are shared out only when there are at least 256 per worker; the report is "
                   "the same either way.")
def check(paths, fmt, output_file, fail_on, exit_zero, min_severity, config_file, isolated, select, extend_select,
          ignore, baseline_file, write_baseline, timeout, fit, framework, accelerators, statistics, quiet, color,
          skip_non_plans, show_files, verbose, stdin_filename, pre_commit, jobs):
    """Lint plans: files, folders (every YAML or JSON plan below them) or '-' for standard input [default: .]."""
    from planlint.config import ConfigError
    from planlint.discover import NO_PLANS, NOT_A_PLAN, Target, discover
    from planlint.engine import FileResult
    from planlint.findings import NOT_CHECKED
    from planlint.parallel import lint_many

    registry = _registry(checklist=False)  # check reads no checklist
    if fmt is not None and fmt not in FORMATS and fmt not in registry.formats:
        from planlint.report import names

        raise click.BadParameter(f"{fmt!r} is not one of {', '.join(names(registry))}",
                                 param_hint="'--output-format'")
    resolver = _resolver(registry, config_file, isolated, select, ignore, extend_select, fail_on, timeout, fit)
    resolver.framework = _framework(registry, framework)
    resolver.launch_inputs = {"compute.accelerators": accelerators} if accelerators else None
    if fmt is None:
        # annotations hold findings, not counts: --statistics alone is the table, in CI too
        fmt = "github" if os.environ.get("GITHUB_ACTIONS") == "true" and not statistics else "full"
    if statistics:
        from planlint.report import refusal

        refused = refusal(fmt, registry, statistics=True)
        if refused is not None:  # refused before any plan is read: never a table in a .sarif file
            _fail(refused)
            sys.exit(2)
    paths = paths or (".",)
    found = discover(list(paths))
    targets, missing = found.targets, found.errors
    if skip_non_plans:
        from planlint.link import plans_naming

        # a changed launch config is checked through the plans that name it
        named = plans_naming([t.path for t in targets if t.explicit])
        targets = [Target(t.path, explicit=False) if t.explicit and t.path != "-" else t for t in targets]
        have = {os.path.normpath(t.path) for t in targets}
        targets += [Target(path, explicit=False) for path in named if os.path.normpath(path) not in have]
    for path, why in found.skipped if show_files or verbose else found.irregular:
        _say(f"planlint: skipped {visible(path)}: {why}")
    if show_files:
        _show_files(targets, missing)
    writes = {"-o/--output-file": output_file, "--write-baseline": write_baseline}
    # "-" is standard input, which may be a plan file redirected in
    inputs = [t.path for t in targets] + [f for f in (config_file, baseline_file) if f]
    _refuse_overwriting(writes, inputs)
    # a path that does not exist is reported in every format, like a file that cannot be read
    results = [FileResult(name=_named_path(message, paths), error=message) for message in missing]
    for target, result in lint_many(targets, registry, resolver, stdin_filename, jobs, slim=True):
        if isinstance(result, ConfigError):
            _fail(str(result))
            sys.exit(2)
        if result is not None:
            results.append(result)
        elif verbose:
            _say(f"planlint: skipped {visible(target.path)}: {NOT_A_PLAN}")
    _plugin_notes()
    _refuse_overwriting(writes, [str(path) for path in resolver.files()])
    errors = [result.error for result in results if result.error]
    checked = [result for result in results if not result.error]

    if write_baseline:
        from planlint import baseline

        try:
            recorded, refused = baseline.write(write_baseline, checked)
        except OSError as exc:
            _fail(f"{write_baseline}: cannot write the baseline: {exc.strerror or exc}")
            sys.exit(2)
        _say(f"planlint: recorded {recorded} finding{'' if recorded == 1 else 's'} of "
             f"{len(checked)} plan{'' if len(checked) == 1 else 's'} in {visible(write_baseline)}")
        for result, finding in refused:  # these stay findings: say each one
            _fail(f"{finding.file or result.name}:{finding.line}:{finding.column}: {finding.code} "
                  f"{finding.message}: not recorded, {finding.code} means the plan could not be checked and no "
                  "baseline hides it")
        for error in errors:
            _fail(error)
        sys.exit(2 if errors else 1 if refused else 0)
    if baseline_file:
        from planlint import baseline

        try:
            hidden, stale, ignored = baseline.subtract(checked, baseline_file)
        except baseline.BaselineError as exc:
            _fail(str(exc))
            sys.exit(2)
        notes = []
        if hidden:
            notes.append(f"{hidden} finding{'' if hidden == 1 else 's'} in the baseline not shown")
        if stale:
            notes.append(f"{stale} baseline entr{'y' if stale == 1 else 'ies'} matched nothing (fixed, or not "
                         "checked in this run): --write-baseline refreshes it")
        if ignored:
            notes.append(f"{len(ignored)} baseline entr{'y' if len(ignored) == 1 else 'ies'} ignored: "
                         f"{', '.join(sorted(set(ignored)))} mean{'s' if len(set(ignored)) == 1 else ''} a plan could "
                         "not be checked, which no baseline hides")
        if notes and not quiet:
            _say("planlint: " + "; ".join(notes))

    _report(results, fmt, output_file, color, quiet, statistics, fail_on, registry, min_severity)
    for error in errors:
        _fail(error)
    if errors:
        sys.exit(2)
    if not checked and not skip_non_plans:
        _fail(NO_PLANS)
        sys.exit(2)
    failed = any(result.failed() for result in checked)
    if failed and exit_zero:
        unchecked = [result for result in checked if any(f.code in NOT_CHECKED for f in result.findings)]
        if unchecked:  # --exit-zero is for a report that does not gate, but this must not pass unsaid
            codes = sorted({f.code for result in unchecked for f in result.findings if f.code in NOT_CHECKED})
            _warn(f"{len(unchecked)} file{'' if len(unchecked) == 1 else 's'} could not be checked "
                  f"({', '.join(codes)}); --exit-zero keeps the exit code 0")
    sys.exit(1 if failed and not exit_zero else 0)


def _show_files(targets, missing) -> None:
    """``check --show-files``: each file a run would check, one a line, with nothing linted;
    a file found in a folder is read (within the size bound) to tell whether it is a plan."""
    from planlint.discover import NOT_A_PLAN, is_plan_file, read_found
    from planlint.limits import Limits

    for target in targets:
        if target.path != "-" and not target.explicit:
            try:
                read = read_found(target.path, Limits.max_file_bytes + 1)
            except OSError as exc:
                _say(f"planlint: skipped {visible(target.path)}: cannot be read: {exc.strerror or exc}")
                continue
            if read is None or not is_plan_file(target.path, read[0]):
                _say(f"planlint: skipped {visible(target.path)}: {NOT_A_PLAN}")
                continue
        click.echo(visible(target.path))
    for message in missing:
        _fail(message)
    sys.exit(2 if missing else 0)


def _named_path(message: str, paths) -> str:
    """The path a "PATH: what is wrong" message is about."""
    for path in sorted(paths, key=len, reverse=True):
        if message.startswith(f"{path}: "):
            return path
    return message.split(": ", 1)[0]


def _identity(path: str, read: bool = False):
    """(device, inode) of ``path``, or None; a ``path`` read as "-" is standard input."""
    try:
        info = os.fstat(sys.stdin.fileno()) if read and path == "-" else os.stat(path)
    except (AttributeError, OSError, ValueError):  # no such file; no standard input
        return None
    return info.st_dev, info.st_ino


def _refuse_overwriting(writes: dict, inputs: list[str]) -> None:
    """Exit 2 before anything is written when an output (-o, --write-baseline) is one of the
    files this run reads (the same file by device and inode: another spelling, a link), or
    when both outputs name the same file."""
    named = {option: path for option, path in writes.items() if path}
    outputs = {option: _identity(path) for option, path in named.items()}
    if len(named) == 2:
        (first, a), (second, b) = named.items()
        same = outputs[first] == outputs[second] if outputs[first] is not None else (
            os.path.realpath(a) == os.path.realpath(b))
        if same:
            _fail(f"{first} and {second} name the same file ({a}): the report would overwrite the baseline; "
                  "name two files")
            sys.exit(2)
    existing = {option: identity for option, identity in outputs.items() if identity is not None}
    if not existing:
        return
    for path in inputs:
        identity = _identity(path, read=True)
        for option, output in existing.items():
            if identity == output:
                read = "standard input" if path == "-" else path
                _fail(f"{option} {named[option]}: that is {read}, which this run reads; planlint never "
                      "overwrites its input (name another file)")
                sys.exit(2)


def _report(results, fmt, output_file, color, quiet, statistics, fail_on, registry, min_severity=None) -> None:
    from planlint.report import Context, at_least, canonical, levels, render_context, shown_only

    shown = at_least(min_severity or "info")
    results, hidden = shown_only(results, shown)
    if hidden and not quiet and canonical(fmt) not in ("full", "concise"):  # the text summary says it itself
        count = sum(hidden.values())
        _say(f"planlint: {count} finding{'' if count == 1 else 's'} hidden by --min-severity ({levels(hidden)})")
    stream = sys.stdout
    handle = None
    if output_file:
        try:
            handle = stream = open(output_file, "w", encoding="utf-8", newline="")
        except OSError as exc:
            _fail(f"{output_file}: cannot write the report: {exc.strerror or exc}")
            sys.exit(2)
    try:
        render_context(fmt, Context(results, stream, color=_use_color(color) and handle is None, fail_on=fail_on,
                                    registry=registry, shown=shown, hidden=hidden, summary=not quiet,
                                    statistics=statistics))
        if handle is not None:
            handle.close()
    except OSError as exc:
        if handle is None:
            raise  # standard output: planlint's group reports it
        _fail(f"{output_file}: cannot write the report: {exc.strerror or exc}")
        sys.exit(2)
    finally:
        if handle is not None and not handle.closed:
            try:
                handle.close()
            except OSError:
                pass


def _config_file_options(function):
    """The options that choose the configuration file, for the commands that read plans but report
    no findings (the numbers they show follow the configured rule options and limits)."""
    function = click.option("--isolated", is_flag=True, help="Ignore configuration files; defaults only.")(function)
    return click.option("--config", "config_file", type=click.Path(dir_okay=False), metavar="FILE",
                        help="Use this configuration file for every plan, instead of the nearest one above each "
                             "plan.")(function)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@_fit_option
@_config_file_options
def estimate(paths, fmt, fit, config_file, isolated):
    """What each plan costs, how long it takes and how good it gets, with every assumption named."""
    from planlint.report import estimate_table

    registry = _registry()
    plans, broken, errors = _checked_plans(paths, registry, _resolver(registry, config_file, isolated, (), (), (),
                                                                      None, fit=fit), "estimated")
    # the numbers `check` judged the plan by, under the same fit: one computation, not two
    entries = [(result.name, result.plan.name, result.numbers, result.numbers.fit.label) for result in plans]
    if fmt == "json":
        estimate_table.render_json(entries, sys.stdout)
    else:
        estimate_table.render_table(entries, sys.stdout)
    _finish(entries, broken, errors)
    sys.exit(1 if broken else 0)


def _checked_plans(paths, registry, resolver, verb: str):
    """The plans under ``paths`` that could be checked, as ``check`` reads them (the same
    loading, configuration and limits): their FileResults, with the typed plan and its numbers;
    messages for those that could not ("PATH: not VERB, the plan could not be checked ...");
    unreadable paths."""
    from planlint.config import ConfigError
    from planlint.discover import expand
    from planlint.parallel import lint_many

    targets, errors = expand(list(paths))
    plans, broken = [], []
    for _target, result in lint_many(targets, registry, resolver, "-", 1):
        if isinstance(result, ConfigError):
            _fail(str(result))
            sys.exit(2)
        if result is None:
            continue
        if result.error:
            errors.append(result.error)
            continue
        if result.plan is None:
            from planlint.config import ALWAYS_ON

            blocking = [f for f in result.findings if f.code in ALWAYS_ON]
            first = blocking[0] if blocking else None
            where = f" (first: {first.line}:{first.column} {first.code} {first.message})" if first else ""
            broken.append(f"{result.name}: not {verb}, the plan could not be checked{where}; "
                          "`planlint check` lists every problem")
            continue
        plans.append(result)
    _plugin_notes()
    return plans, broken, errors


def _finish(entries, broken, errors) -> None:
    """Report the plans that did not validate and the unreadable paths; exit 2 on the latter,
    or when no plan was found."""
    for message in broken:
        _say(f"planlint: {visible(message)}")
    for error in errors:
        _fail(error)
    if errors or (not entries and not broken):
        if not entries and not broken and not errors:
            from planlint.discover import NO_PLANS

            _fail(NO_PLANS)
        sys.exit(2)


@main.command("config")
@click.argument("path", default=".", type=click.Path())
@_config_options
@click.option("--fail-on", type=SEVERITY_CHOICE, default=None, help="As for `check`.")
@_fit_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def config_command(path, config_file, isolated, select, extend_select, ignore, fail_on, fit, fmt):
    """Show the configuration a plan (or the plans in a folder) gets, and where each value came from."""
    import json

    from planlint.config import ConfigError, describe

    registry = _registry()
    resolver = _resolver(registry, config_file, isolated, select, ignore, extend_select, fail_on, fit=fit)
    plan = None if os.path.isdir(path) else path
    try:
        config = resolver.for_plan(plan or os.path.join(path, "plan.yaml"))
    except ConfigError as exc:
        _fail(str(exc))
        sys.exit(2)
    rows = describe(config, registry, plan)
    origin = str(config.path) if config.path is not None else "none (defaults)"
    if fmt == "json":
        write_json({"path": path, "config_file": str(config.path) if config.path else None,
                    "settings": [{"key": k, "value": v, "source": src} for k, v, src in rows]}, sys.stdout)
        return
    click.echo(f"configuration for {visible(path)}: {visible(origin)}")
    for key, value, source in rows:
        shown = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
        click.echo(f"  {visible(key):<38} {visible(shown):<24} {visible(source)}")


@main.command("import")
@click.argument("config_path", metavar="CONFIG", type=click.Path(dir_okay=False))
@click.option("-o", "--output", "output", default="-", metavar="FILE",
              help="Write the plan to FILE (never overwritten) instead of standard output.")
@click.option("--framework", metavar="NAME", default=None,
              help="The framework whose config it is [default: the one that recognises the file].")
@click.option("--accelerators", type=click.IntRange(min=1), default=None, metavar="N",
              help="The accelerators it runs on, where the config does not say.")
def import_command(config_path, output, framework, accelerators):
    """Write a starting plan from a launch config (a Megatron-LM script, a NeMo, OLMo, GPT-NeoX, LitGPT,
    MaxText, levanter or nanotron YAML, a torchtitan TOML, a Hugging Face config.json): its values with where
    each came from, and TODOs for what a config cannot say."""
    from planlint.importer import plan_text
    from planlint.limits import Limits
    from planlint.link import Link, choose_adapter, config_values, read_launch
    from planlint.numbers import shape_counts

    registry = _registry()
    framework = _framework(registry, framework)
    limit = Limits().max_file_bytes
    try:
        info = os.stat(config_path)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        if info.st_size > limit:
            raise OSError(0, f"{info.st_size:,} bytes, over the {limit:,}-byte limit")
        with open(config_path, "rb") as handle:
            text = handle.read(limit + 1).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        reason = "not UTF-8 text" if isinstance(exc, UnicodeDecodeError) else (exc.strerror or str(exc))
        _fail(f"{config_path}: cannot read it: {reason}")
        sys.exit(2)
    adapter, problem = choose_adapter(registry, config_path, text, framework)
    if adapter is None:
        _fail(f"{config_path}: {problem[0]}; {problem[1].replace('launch.framework', '--framework')}")
        sys.exit(2)
    launch, crash = read_launch(registry, adapter, config_path, text)
    if launch is None:
        _fail(f"{config_path}: {crash}")
        sys.exit(2)
    errors = [p for p in launch.problems if p.severity == "error"]
    if errors:
        first = errors[0]
        _fail(f"{config_path}:{first.line}:{first.column}: {first.message} ({first.fix})")
        sys.exit(2)
    inputs = {"compute.accelerators": accelerators} if accelerators else {}
    model = {path[1]: value for path, value, _ in config_values(launch, inputs) if path[0] == "model" and len(path) == 2}
    text = plan_text(Link(config_path, adapter.name, launch=launch), config_path, None if output == "-" else output,
                     shape_counts(model), inputs)
    if output == "-":
        click.echo(text, nl=False)
        return
    _refuse_overwriting({"-o/--output": output}, [config_path])
    _write_new(output, text, "import")
    _say(f"wrote {visible(output)} from {visible(config_path)} ({adapter.label}): fill in the TODOs, then run "
         f"`planlint check {visible(output)}`")


def _write_new(path: str, text: str, command: str) -> None:
    """Write a file that must not exist yet (exit 2 when it does, or cannot be written)."""
    try:
        with open(path, "x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        _fail(f"{path} exists; planlint {command} never overwrites a file (name another path)")
        sys.exit(2)
    except OSError as exc:
        _fail(f"{path}: cannot write it: {exc.strerror or exc}")
        sys.exit(2)


@main.command()
@click.argument("path", default="plan.yaml", type=click.Path(dir_okay=False, allow_dash=True))
def init(path):
    """Write a commented starter plan to PATH (default plan.yaml; '-': standard output); never overwrites a file."""
    text = starter_plan()
    if path == "-":
        click.echo(text, nl=False)
        return
    _write_new(path, text, "init")
    click.echo(f"wrote {visible(path)}: edit the numbers, then run `planlint check {visible(path)}`")


def starter_plan() -> str:
    """The starter plan `init` writes, its schema address pinned to this version of planlint."""
    from pathlib import Path

    text = Path(__file__).with_name("starter_plan.yaml").read_text(encoding="utf-8")
    return text.replace("/planlint/planlint/main/schemas/", f"/planlint/planlint/v{__version__}/schemas/", 1)


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules(fmt):
    """List every rule: code, name, default severity and summary."""
    registry = _registry()
    if fmt == "json":
        rows = [
            {"code": r.code, "name": r.name, "severity": str(r.severity), "summary": r.summary,
             "plugin": registry.owner[r.code], "options": r.defaults(), "sources": list(r.sources)}
            for r in registry.rules.values()
        ]
        write_json(rows, sys.stdout, default=str)
        return
    for rule in registry.rules.values():
        click.echo(f"{visible(rule.code)}  {visible(rule.name):<26} {str(rule.severity):<8} {visible(rule.summary)}")


@main.command()
@click.argument("rule")
def explain(rule):
    """Show a rule's documentation: what it checks, why, options and sources (by code or name),
    or a checklist item's (by id)."""
    registry = _registry()
    found = registry.find(rule)
    item = registry.checklist.get(rule.strip().lower())
    if found is None and item is not None:
        sources = "".join(f"\n- {source}" for source in item.sources)
        click.echo(visible(f"{item.id}: {item.title}\n\n{item.documentation()}" +
                           (f"\n\nSources:{sources}" if sources else "") +
                           f"\n\n{_provided_by(registry, registry.checklist_owner[item.id])}", multiline=True))
        return
    if found is None:
        _fail(f"no rule {rule!r}; `planlint rules` lists them (and `planlint plugins` the checklist items)")
        sys.exit(2)
    from planlint.plugins import BUILTINS

    text = found.documentation().rstrip()
    owner = registry.owner.get(found.code, "?")
    if owner not in BUILTINS:  # a built-in rule's page has its options and sources; a docstring may not
        text += _rule_facts(found) + "\n\n" + _provided_by(registry, owner)
    click.echo(visible(text, multiline=True))


def _rule_facts(rule) -> str:
    """A plugin rule's default severity, the key it points at, options (type, range, default,
    meaning) and sources, as `planlint explain` shows them after its docstring."""
    import json

    lines = [f"\n\nDefault severity: {rule.severity}."]
    points_at = getattr(rule, "points_at", "")
    if isinstance(points_at, str) and points_at:  # the key whose line a suppression comment goes on
        lines.append(f"\n\nPoints at: {points_at}.")
    if rule.options:
        lines.append(f"\n\nOptions (`options: {{{rule.code}: {{NAME: VALUE}}}}` in .planlint.yaml, or "
                     f"[tool.planlint.options.{rule.code}] in pyproject.toml):")
        for name, option in rule.options.items():
            default = option.default
            shown = f"{default:g}" if isinstance(default, float) else json.dumps(
                list(default) if isinstance(default, tuple) else default, ensure_ascii=False)
            lines.append(f"\n- {name}: {option.describe()}; default {shown}. {option.help}")
    if rule.sources:
        lines.append("\n\nSources:" + "".join(f"\n- {source}" for source in rule.sources))
    return "".join(lines)


def _provided_by(registry, plugin: str) -> str:
    """``From plugin 'acme' (planlint-acme 1.0).``: who provides a rule or checklist item (the
    distribution is named for third-party plugins)."""
    from planlint.plugins import BUILTINS, distribution_of

    found = None if plugin in BUILTINS else distribution_of(registry, plugin)
    origin = f" ({' '.join(part for part in found if part)})" if found else ""
    return f"From plugin '{plugin}'{origin}."


@main.command()
@click.option("--config", "of_config", is_flag=True,
              help="Print the configuration's schema instead, with the options of every rule loaded (plugins' too).")
def schema(of_config):
    """Print the plan format's JSON Schema (for editors and check-jsonschema)."""
    from planlint.resources import data_dir, read_text

    if of_config:
        from planlint.plugins import BUILTINS

        registry = _registry()
        if any(owner not in BUILTINS for owner in registry.owner.values()):
            from planlint.config import json_schema

            # plugin rules' options too; without plugins, the published file is the same text
            write_json(json_schema(registry), sys.stdout, indent=2)
            return
    name = "config.schema.json" if of_config else "plan.schema.json"
    click.echo(read_text(os.path.join(data_dir("schemas"), name)).rstrip())


@main.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def accelerators(fmt):
    """List the accelerator catalogue: dense 16-bit and FP8 peaks, memory and bandwidth (plugins' too)."""
    from planlint.accelerators import CATALOGUE

    registry = _registry()
    if fmt == "json":
        write_json([{"name": acc.name, "label": acc.label, "peak_tflops": acc.peak_tflops,
                     "fp8_tflops": acc.fp8_tflops, "memory_gb": acc.memory_gb, "bandwidth_gbps": acc.bandwidth_gbps,
                     "source": acc.source, "plugin": registry.accelerator_owner.get(acc.name)}
                    for acc in CATALOGUE.values()], sys.stdout)
        return
    click.echo(f"{'name':<11} {'peak TFLOP/s':>12} {'FP8 TFLOP/s':>11} {'memory GB':>10} {'GB/s':>8}  label (source)")
    for acc in CATALOGUE.values():
        owner = registry.accelerator_owner.get(acc.name)
        source = acc.source + (f"; plugin '{owner}'" if owner else "")
        fp8 = f"{acc.fp8_tflops:g}" if acc.fp8_tflops else "-"  # "-": no FP8 tensor cores (PL209)
        click.echo(f"{visible(acc.name):<11} {acc.peak_tflops:>12g} {fp8:>11} {acc.memory_gb:>10.4g} "
                   f"{acc.bandwidth_gbps:>8g}  {visible(acc.label)} ({visible(source)})")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(["text", "markdown", "json"]), default="text", show_default=True,
              help="text for a terminal, markdown (GitHub task lists) for a pull request, json for scripts.")
@click.option("--require", "require", multiple=True, metavar="ITEMS",
              help="Item ids, comma-separated, or 'all': exit 1 when one of them is missing in a plan.")
@_fit_option
@_config_file_options
def checklist(paths, fmt, require, fit, config_file, isolated):
    """The production checklist of each plan: every item done, missing or not applicable, with the
    evidence from the plan (the value that settles it, and its line)."""
    from planlint.checklist import Status, evaluate
    from planlint.checklist.render import RENDERERS

    registry = _registry()
    required = _codes(require)
    if "all" in required:
        required = list(registry.checklist)
    unknown = [item for item in required if item not in registry.checklist]
    if unknown:
        _fail(f"--require: no checklist item {', '.join(repr(u) for u in unknown)}; the items are "
              f"{', '.join(registry.checklist)} (or 'all')")
        sys.exit(2)
    resolver = _resolver(registry, config_file, isolated, (), (), (), None, fit=fit)
    plans, broken, errors = _checked_plans(paths, registry, resolver, "checked")
    checklists = [evaluate(result.plan, result.doc, registry, result.numbers) for result in plans]
    _plugin_notes()
    RENDERERS[fmt](checklists, sys.stdout)
    _finish(checklists, broken, errors)
    unmet = [f"{c.file}: {item.id} is {item.verdict.status}" for c in checklists for item in c.items
             if item.id in required and item.verdict.status in (Status.MISSING, Status.ERROR)]
    for message in unmet:
        _say(f"planlint: required: {visible(message)}")
    sys.exit(1 if broken or unmet else 0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("-o", "--output", default="report.html", show_default=True, metavar="FILE|FOLDER",
              help="Write the page to FILE; or into FOLDER (an existing folder, a path ending in '/', or any path "
                   "with --chart-format) as report.html, with every chart beside it as a file.")
@click.option("--chart-format", type=click.Choice(["svg", "png"]), default=None,
              help="The charts' file format in the -o folder [default: svg].")
@click.option("--markdown", "markdown_file", metavar="FILE",
              help="Also write a Markdown summary to FILE ('-': standard output), for GitHub's job summary or a "
                   "merge-request comment.")
@click.option("--link", metavar="URL", help="Where the page will be (a CI artifact's http(s) address): the Markdown "
                                            "summary links it.")
@_fit_option
@_config_file_options
def report(paths, output, chart_format, markdown_file, link, fit, config_file, isolated):
    """A self-contained HTML page of the plans: findings, estimate, checklist, and charts of each plan
    on the compute-optimal frontier (matplotlib: pip install 'planlint[report]')."""
    from planlint import page
    from planlint.page import charts, html, markdown, model

    try:
        charts.require()
    except charts.MissingExtra as exc:
        _fail(str(exc))
        sys.exit(2)
    if link is not None and not markdown.valid_link(link):
        _fail(f"--link {link}: give the page's http(s) address, without spaces, quotes, brackets or parentheses")
        sys.exit(2)
    if link is not None and markdown_file is None:
        _fail("--link is where the Markdown summary points: add --markdown FILE (or - for standard output)")
        sys.exit(2)
    folder = os.path.isdir(output) or output.endswith(("/", os.sep)) or chart_format is not None
    if folder and os.path.exists(output) and not os.path.isdir(output):
        _fail(f"-o {output}: --chart-format writes the page and the charts into a folder, and this is a file")
        sys.exit(2)
    page_path = os.path.join(output, page.PAGE_NAME) if folder else output
    if markdown_file not in (None, "-") and os.path.abspath(markdown_file) == os.path.abspath(page_path):
        _fail(f"-o and --markdown name the same file ({markdown_file}): name two files")
        sys.exit(2)

    registry = _registry()
    resolver = _resolver(registry, config_file, isolated, (), (), (), None, fit=fit)
    plans, broken, errors = _checked_plans(paths, registry, resolver, "reported")
    if not plans and not broken:
        _finish(plans, broken, errors)  # nothing to show: exit 2 before anything is written
    inputs = [*paths, *(result.name for result in plans), *([config_file] if config_file else [])]
    for option, path in (("-o/--output", page_path), ("--markdown", markdown_file)):
        if path not in (None, "-"):
            _refuse_overwriting({option: path}, inputs)

    built = model.build(plans, registry, resolver, broken, errors, __version__)
    written = []
    try:
        if folder:
            os.makedirs(output, exist_ok=True)
            written = page.write_charts(built, output, chart_format or "svg")
        page.write_text(page_path, html.render(built))
        if markdown_file == "-":
            click.echo(markdown.render(built, link), nl=False)
        elif markdown_file is not None:
            page.write_text(markdown_file, markdown.render(built, link))
    except OSError as exc:
        if exc.filename is None:
            raise  # standard output: planlint's group reports it
        _fail(f"{exc.filename}: cannot write the report: {exc.strerror or exc}")
        sys.exit(2)
    drawn = built.chart_count
    _say(f"planlint: wrote {visible(page_path)} ({len(plans)} plan{'' if len(plans) == 1 else 's'}, {drawn} "
         f"chart{'' if drawn == 1 else 's'})" + (f" and {len(written)} chart files in {visible(output)}" if folder else ""))
    _finish(plans, broken, errors)
    sys.exit(1 if broken else 0)


@main.command("plugins")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def plugins_command(fmt):
    """List the plugins loaded: name, distribution and version, and what each contributes."""
    from planlint.plugins import RegistryError, describe, registry as load

    try:
        registry = load()
    except RegistryError as exc:  # list what is installed all the same: it shows what to uninstall
        registry = exc.registry
    for warning in registry.warnings:
        _warn(warning)
    rows = describe(registry)
    if fmt == "json":
        write_json({"autoload": registry.autoload, "plugins": rows, "warnings": registry.warnings,
                    "errors": registry.collisions}, sys.stdout, default=str)
        sys.exit(2 if registry.collisions else 0)
    for row in rows:
        origin = f"{row['distribution']} {row['version']}" if row["distribution"] else "no installed distribution"
        click.echo(f"{visible(row['name'])} ({visible(origin)}): {visible(row['module'])}")
        for kind, label in (("rules", "rules"), ("checklist", "checklist items"), ("accelerators", "accelerators"),
                            ("formats", "formats"), ("adapters", "launch-config adapters")):
            if row[kind]:
                click.echo(f"  {label}: {visible(', '.join(map(str, row[kind])))}")
    if not registry.autoload:
        click.echo("third-party plugins not loaded (--no-plugins or PLANLINT_NO_PLUGINS)")
    for warning in registry.warnings:
        click.echo(f"warning: {visible(warning)}")
    for collision in registry.collisions:
        _fail(collision)
    sys.exit(2 if registry.collisions else 0)


if __name__ == "__main__":
    main()
