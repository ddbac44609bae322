"""The ``planlint`` console script: answers ``--version`` and ``--help`` before importing click.

A pre-commit hook or CI step that asks ``planlint --version`` should cost about what Python's
own start-up costs; click alone takes longer than that to import. So the two top-level
questions are answered here from ``planlint.__version__`` and ``help.txt`` (click's own
rendering of ``planlint --help`` at 80 columns, kept in sync by ``tests/test_launch.py``;
``python scripts/update_help.py`` rewrites it). Anything else, or a terminal narrower than
80 columns (where click wraps the help differently), goes to :func:`planlint.cli.main`.
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


def _answer(text: str) -> int:
    """Write ``text`` to standard output; a closed, full or broken stream is one line on
    standard error and exit 2, as for every other command."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as exc:
        reason = getattr(exc, "strerror", None) or "standard output is closed"
        try:
            sys.stderr.write(f"planlint: error: cannot write the output: {reason}\n")
        except (OSError, ValueError, AttributeError):
            pass
        try:  # nothing left for the interpreter to flush at exit
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
        except OSError:
            pass
        return 2
    return 0


def main() -> int | None:
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
