"""The ``planlint`` console script: answers ``--version`` and ``--help`` before importing click.

A pre-commit hook or CI step that asks ``planlint --version`` should cost about what Python's
own start-up costs; click alone takes longer than that to import. So the two top-level
questions are answered here from ``planlint.__version__`` and ``help.txt`` (click's own
rendering of ``planlint --help`` at 80 columns, kept in sync by ``tests/test_launch.py``;
``python scripts/update_help.py`` rewrites it). Anything else, or a terminal narrower than
80 columns (where click wraps the help differently), goes to :func:`planlint.cli.main`.

Once the command has run, both streams are flushed and the process ends with ``os._exit``:
the interpreter's teardown (freeing every module and object one by one) costs a one-plan
``check`` more than its linting does, and nothing is left for it to do. Every file planlint
writes is closed by the command that writes it; a standard output that cannot take the last
flush is still one line on standard error and exit 2. ``python -m planlint`` takes the same
path (``planlint/__main__.py``).
"""

from __future__ import annotations

import os
import sys

from planlint import __version__

VERSION_FLAGS = ("--version", "-V")
HELP_FLAGS = ("--help", "-h")
HELP_WIDTH = 80  # click's widest help; narrower terminals wrap it


def _columns() -> int:
    """The terminal width as click measures it (shutil.get_terminal_size, without the import)."""
    try:
        columns = int(os.environ.get("COLUMNS", 0))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or HELP_WIDTH


def _help_text() -> str | None:
    try:
        with open(os.path.join(os.path.dirname(__file__), "help.txt"), encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def _cannot_write(exc: BaseException) -> int:
    """A closed, full or broken standard output: one line on standard error and exit 2, as
    for every other command."""
    reason = getattr(exc, "strerror", None) or "standard output is closed"
    try:
        sys.stderr.write(f"planlint: error: cannot write the output: {reason}\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    try:  # nothing left to flush into a stream that cannot take it
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
    except OSError:
        pass
    return 2


def _answer(text: str) -> int:
    """Write ``text`` to standard output (see :func:`_cannot_write` for when it cannot be)."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as exc:
        return _cannot_write(exc)
    return 0


def _exit_code(code) -> int:
    """What ``sys.exit(code)`` would end the process with (a message is written as Python writes it)."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    try:
        sys.stderr.write(f"{code}\n")
    except (OSError, ValueError, AttributeError):
        pass
    return 1


def main():  # never returns
    """The console script and ``python -m planlint``: run the command, flush, and end the
    process without the interpreter's teardown."""
    try:
        code = _exit_code(run())
    except SystemExit as exc:
        code = _exit_code(exc.code)
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as exc:
        code = _cannot_write(exc)
    try:
        if sys.stderr is not None:
            sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass
    os._exit(code & 0xFF)


def run() -> int | None:
    """Answer ``sys.argv[1:]``: the exit code, or SystemExit from click's commands."""
    args = sys.argv[1:]
    if len(args) == 1:
        if args[0] in VERSION_FLAGS:
            return _answer(f"planlint {__version__}\n")
        if args[0] in HELP_FLAGS and _columns() >= HELP_WIDTH:
            text = _help_text()
            if text is not None:
                return _answer(text)
    try:
        from planlint.cli import main as click_main

        return click_main()
    except KeyboardInterrupt:  # before click took over (the commands end with 130 themselves)
        sys.stderr.write("planlint: interrupted\n")
        return 130
