"""Many plans at once: the same ``lint_target`` calls, shared out over worker processes.

One plan costs about a millisecond once planlint is imported, so a run over thousands of
plans is bound by that millisecond, and a second core halves it. The workers are forked from
the process that has already imported the linter and loaded the plugins and configuration,
so they start in milliseconds; each lints a run of consecutive plans and sends back its
results, which are put back in the order of the plans. The report is the one a single
process would write: only the order of the work changes.

Workers are used only where they pay: ``fork`` (POSIX), more than one core, and at least
``MIN_PLANS_PER_WORKER`` plans for each worker. A worker that fails, or a run of results
that cannot be sent back (a plugin finding holding an object that cannot be pickled), costs
nothing but time: those plans are linted again here.
"""

from __future__ import annotations

import os
import sys

MIN_PLANS_PER_WORKER = 64  # below this, forking costs more than the plans
CHUNKS_PER_WORKER = 4  # smaller runs of plans even out the work between workers

_STATE: tuple | None = None  # (registry, resolver, stdin_name), inherited by the forked workers


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def workers_for(count: int, jobs: int | None) -> int:
    """How many worker processes ``count`` plans get (1: lint them here)."""
    jobs = default_jobs() if not jobs else jobs
    if jobs <= 1 or sys.platform == "win32" or not hasattr(os, "fork"):
        return 1
    return max(1, min(jobs, count // MIN_PLANS_PER_WORKER))


def _slim(result):
    """The result without what the report does not read (the parsed data and positions)."""
    if result is None or result.doc is None:
        return result
    from planlint.load import Document

    result.doc = Document(name=result.doc.name, text=result.doc.text)
    return result


def _lint_chunk(chunk: list) -> list:
    """``(index, result)`` for each plan of ``chunk``; a configuration error as its message."""
    from planlint.config import ConfigError
    from planlint.engine import lint_target

    registry, resolver, stdin_name = _STATE
    out = []
    for index, target in chunk:
        try:
            out.append((index, _slim(lint_target(target, registry, stdin_name=stdin_name, resolver=resolver))))
        except ConfigError as exc:
            out.append((index, str(exc)))
    return out


def lint_many(targets: list, registry, resolver, stdin_name: str, jobs: int | None):
    """Yield ``(target, result or ConfigError)`` in the order of ``targets``."""
    from planlint.config import ConfigError
    from planlint.engine import lint_target

    def here(target):
        try:
            return lint_target(target, registry, stdin_name=stdin_name, resolver=resolver)
        except ConfigError as exc:
            return exc

    files = [(i, t) for i, t in enumerate(targets) if t.path != "-"]  # standard input is read here
    workers = workers_for(len(files), jobs)
    done: dict[int, object] = {}
    if workers > 1:
        done = _in_workers(files, workers, registry, resolver, stdin_name)
    for index, target in enumerate(targets):
        found = done.get(index, _NOT_DONE)
        if found is _NOT_DONE:
            found = here(target)
        elif isinstance(found, str):
            found = ConfigError(found)
        yield target, found


_NOT_DONE = object()


def _in_workers(files: list, workers: int, registry, resolver, stdin_name: str) -> dict[int, object]:
    global _STATE
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(1, -(-len(files) // (workers * CHUNKS_PER_WORKER)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    done: dict[int, object] = {}
    _STATE = (registry, resolver, stdin_name)
    # a forked worker flushes the streams it inherited when it exits: nothing may be pending
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            for future in [pool.submit(_lint_chunk, chunk) for chunk in chunks]:
                try:
                    done.update(future.result())
                except Exception:  # noqa: BLE001 - a worker that died, or a result that cannot be
                    continue  # pickled (a plugin's finding holding any object): those plans are linted here
    except Exception:  # noqa: BLE001 - no pool at all (no semaphores, a sandbox): all here
        return {}
    finally:
        _STATE = None
    return done
