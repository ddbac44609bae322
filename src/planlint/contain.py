"""Running plugin code so that it cannot stop the run, turn it green or corrupt its report.

Plugin code runs at four places: an entry point's import, a hook, a rule's ``check`` and a
checklist item's ``evaluate``. At each, planlint

- catches every exception, ``SystemExit`` and ``KeyboardInterrupt`` included (a plugin that
  calls ``sys.exit(0)`` must not end a failing run with exit code 0), except the two that
  must go on up (:func:`must_propagate`): planlint's own time limit and a real Ctrl-C;
- swaps standard output and error for buffers (:class:`Captured`): the report may be JSON or
  SARIF on standard output, and one ``print`` would make it unreadable. What a plugin wrote
  is reported as a warning naming it, escaped (:func:`shown`);
- bounds the time (:func:`deadline`), where the platform has ``SIGALRM``.

What cannot be contained in the same process is not: ``os._exit``, a crash of the
interpreter, threads a plugin starts, or a plugin that catches ``BaseException`` in a loop.
A plugin is code you install and trust, like any dependency; this is for careless ones.
"""

from __future__ import annotations

import contextlib
import io
import signal
import sys
import threading
import time


class PluginFailure(Exception):
    """Plugin code failed where planlint cannot go on without it (a format's ``render``, a rule's
    ``documentation()``): the message names the plugin and what it did; the command line prints
    it as one line and exits 2."""


class Timeout(BaseException):
    """Raised by the alarm; a BaseException so that a plugin's ``except Exception`` cannot eat it.
    ``args[0]``, when set, names the rule that was running."""


@contextlib.contextmanager
def deadline(seconds: float | None):
    """Interrupt the block with :class:`Timeout` after ``seconds`` where the platform allows it
    (POSIX, main thread). Inside another deadline, the nearer of the two applies and the outer
    one keeps counting."""
    usable = (seconds and seconds > 0 and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise Timeout()

    outer_left = signal.getitimer(signal.ITIMER_REAL)[0]
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, min(seconds, outer_left) if outer_left > 0 else seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer_left > 0:  # the outer deadline fires at its own time, at once if it has passed
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-6))


# --- Ctrl-C --------------------------------------------------------------------------------

_interrupted = False


def _on_interrupt(signum, frame):
    global _interrupted
    _interrupted = True
    raise KeyboardInterrupt


def watch_interrupts() -> None:
    """Remember a real Ctrl-C (SIGINT), so that a KeyboardInterrupt a plugin raises itself can be
    told from one the user sent. The command line installs it; without it, every
    KeyboardInterrupt counts as the user's."""
    if threading.current_thread() is threading.main_thread() and \
            signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _on_interrupt)


def user_interrupted() -> bool:
    """Whether a KeyboardInterrupt may be the user's: one was recorded, or this process does not
    say what SIGINT does. Where SIGINT is ignored (a worker), none can be."""
    return _interrupted or signal.getsignal(signal.SIGINT) not in (_on_interrupt, signal.SIG_IGN)


def must_propagate(exc: BaseException) -> bool:
    """Whether ``exc``, raised inside plugin code, ends the work instead of being reported:
    planlint's own time limit, or a Ctrl-C the user sent."""
    return isinstance(exc, Timeout) or (isinstance(exc, KeyboardInterrupt) and user_interrupted())


def failure(exc: BaseException, style: str = "str") -> str:
    """How a contained exception is described: ``raised ValueError: text`` (``style="repr"``:
    ``raised ValueError('text')``); ``SystemExit`` says that the plugin tried to exit. An
    exception that cannot even be printed is named by its type. With the traceback switch on
    (:data:`TRACEBACK_ENV`), the frames it went through follow, innermost last."""
    if isinstance(exc, SystemExit):
        code = exc.code
        shown_code = repr(code) if code is None or isinstance(code, int) else (
            shown(code) if isinstance(code, str) else f"a {type(code).__name__}")
        text = f"called sys.exit({shown_code})"
    else:
        try:
            described = repr(exc) if style == "repr" else f"{type(exc).__name__}: {exc}"
        except Exception:  # noqa: BLE001 - a plugin's __str__ or __repr__ that raises
            described = f"{type(exc).__name__} (which cannot be printed)"
        text = "raised " + (described if len(described) <= 500 else described[:500] + "...")
    if tracebacks_shown():
        text += f" (traceback: {frames(exc)})"
    return text


# --- tracebacks ----------------------------------------------------------------------------

# Set to 1 (or true, yes), plugin code that raised is described with its traceback: the frames in
# every message about it, and the whole traceback in a PL000's facts (``--format json``).
TRACEBACK_ENV = "PLANLINT_TRACEBACK"
_FRAMES_SHOWN = 12  # the innermost ones, in a message


def tracebacks_shown() -> bool:
    import os

    return os.environ.get(TRACEBACK_ENV, "").strip().lower() not in ("", "0", "false", "no")


def frames(exc: BaseException) -> str:
    """The frames ``exc`` went through, one line, innermost last: ``rules.py:31 in check >
    rules.py:40 in helper``. Frames in planlint's own containment are left out."""
    import traceback

    entries = [entry for entry in traceback.extract_tb(exc.__traceback__) if not _ours(entry.filename)]
    if not entries:
        return "none outside planlint"
    hidden = len(entries) - _FRAMES_SHOWN
    shown_entries = entries[-_FRAMES_SHOWN:]
    text = " > ".join(f"{entry.filename}:{entry.lineno} in {entry.name}" for entry in shown_entries)
    return (f"{hidden} more > " if hidden > 0 else "") + text


def traceback_text(exc: BaseException) -> str:
    """``exc``'s traceback as Python prints it (frames, code lines, the exception), for facts."""
    import traceback

    try:
        return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    except Exception:  # noqa: BLE001 - an exception whose text cannot be made
        return f"{type(exc).__name__} (its traceback cannot be printed)"


def _ours(filename: str) -> bool:
    """Whether a frame is planlint's own code that runs plugin code (not where a plugin failed),
    or the import machinery's."""
    import os

    if filename.startswith("<frozen "):
        return True
    folder = os.path.dirname(os.path.abspath(__file__))
    return os.path.dirname(os.path.abspath(filename)) == folder and \
        os.path.basename(filename) in ("contain.py", "engine.py", "plugins.py")


# --- output --------------------------------------------------------------------------------

class Captured:
    """Standard output and error swapped for buffers while plugin code runs; ``take()`` returns
    what was written since the last call, as one line for a warning (empty: nothing)."""

    def __init__(self):
        self.out = io.StringIO()
        self.err = io.StringIO()
        self._saved = None

    def __enter__(self) -> Captured:
        self._saved = sys.stdout, sys.stderr
        _ACTIVE.append(self)  # before the swap: a Ctrl-C between the two leaves nothing to undo
        sys.stdout, sys.stderr = self.out, self.err
        return self

    def __exit__(self, *exc) -> None:
        sys.stdout, sys.stderr = self._saved
        if self in _ACTIVE:
            _ACTIVE.remove(self)

    def take(self) -> str:
        parts = []
        for label, buffer in (("standard output", self.out), ("standard error", self.err)):
            if buffer.tell():
                parts.append(f"{label} {shown(buffer.getvalue())}")
                buffer.seek(0)
                buffer.truncate()
        return " and to ".join(parts)


# The captures entered and not yet left, outermost first. A Ctrl-C can land between a with
# statement's swap and its cleanup (CPython checks for signals between any two bytecodes), so
# the streams could stay swapped and the last line ("planlint: interrupted") go into a buffer.
_ACTIVE: list[Captured] = []


def restore_streams() -> None:
    """Put back the standard output and error every capture still swapped out: for the last
    lines of a run that was interrupted or failed while plugin code ran."""
    if _ACTIVE:
        sys.stdout, sys.stderr = _ACTIVE[0]._saved
        _ACTIVE.clear()


SHOWN_CHARACTERS = 120  # of what a plugin wrote, in a warning


def shown(text: str) -> str:
    """``text`` quoted with every control, format and line-breaking character spelled out (the
    way ``repr`` writes them), and cut, so that a warning stays one line that drives no terminal."""
    cut = text[:SHOWN_CHARACTERS]
    return repr(cut) + (f" (+{len(text) - len(cut):,} characters)" if len(text) > len(cut) else "")


# --- warnings met while linting ------------------------------------------------------------

# (plugin, what) -> [first message, count]: once per plugin and rule or item per run, not per plan
_pending: dict[tuple[str, str], list] = {}


def note(plugin: str, what: str, message: str) -> None:
    """Record that ``what`` (a rule or a checklist item of ``plugin``) misbehaved without failing:
    it wrote to standard output or error."""
    entry = _pending.setdefault((plugin, what), [message, 0])
    entry[1] += 1


def drain() -> list[str]:
    """The warnings noted since the last call, one per plugin and rule or item, and forget them."""
    lines = [message + (f" (and on {count - 1:,} more plan{'' if count == 2 else 's'})" if count > 1 else "")
             for (_plugin, _what), (message, count) in _pending.items()]
    _pending.clear()
    return lines


def pending() -> dict:
    """The noted warnings, to send from a worker process to its parent (see :func:`merge`)."""
    return dict(_pending)


def merge(noted: dict) -> None:
    for key, (message, count) in noted.items():
        entry = _pending.setdefault(key, [message, 0])
        entry[1] += count


# --- one call ------------------------------------------------------------------------------

def call(function, seconds: float | None = None):
    """Run ``function()`` contained: ``(value, error, written)``. ``error`` is None, the exception
    it raised (SystemExit included), or a :class:`Timeout` when it ran past ``seconds``;
    ``written`` is what it wrote to standard output or error (see :meth:`Captured.take`)."""
    with Captured() as captured:
        try:
            with deadline(seconds):
                value = function()
        except Timeout as exc:
            if not seconds:
                raise
            return None, exc, captured.take()
        except BaseException as exc:
            if must_propagate(exc):
                raise
            return None, exc, captured.take()
        return value, None, captured.take()
