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

# Below this many plans a worker costs more than it saves. Measured in CPU time on 2 cores
# (which a busy machine inflates less than wall time): before the first result the parent
# spends about 80 ms (the first plan, forking, the pool), each worker about 40 ms more than
# its plans (pages copied on write, results sent back), and 100 ms more importing jsonschema
# when it meets a plan that breaks the schema; a plan takes about 0.7 ms. On an idle machine
# (the parent's time plus half the workers') two workers lose at 64 and 128 plans each and
# win from 256 each, by 7% on valid plans and 17% on a mix with broken ones.
MIN_PLANS_PER_WORKER = 256
CHUNKS_PER_WORKER = 4  # smaller runs of plans even out the work between workers

_STATE: tuple | None = None  # (registry, resolver, stdin_name, slim), inherited by the forked workers


def default_jobs() -> int:
    """The cores this process may run on, less those other work keeps busy (the 1-minute load
    average, rounded): on a busy machine a second process gets no second core, only the cost
    of forking and of warming up again, so ``--jobs 0`` is never slower than ``--jobs 1``."""
    try:
        cores = max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        cores = max(1, os.cpu_count() or 1)
    try:
        busy = os.getloadavg()[0]
    except (AttributeError, OSError):  # no load average (Windows): assume the cores are free
        busy = 0.0
    return max(1, min(cores, int(cores - busy + 0.5)))


def workers_for(count: int, jobs: int | None) -> int:
    """How many worker processes ``count`` plans get (1: lint them here)."""
    jobs = default_jobs() if not jobs else jobs
    if jobs <= 1 or sys.platform == "win32" or not hasattr(os, "fork"):
        return 1
    return max(1, min(jobs, count // MIN_PLANS_PER_WORKER))


def _lint_one(target, registry, resolver, stdin_name: str, slim: bool):
    """``lint_target``'s result (slimmed for a report when ``slim``), or the ConfigError it raised."""
    from planlint.config import ConfigError
    from planlint.engine import lint_target

    try:
        result = lint_target(target, registry, stdin_name=stdin_name, resolver=resolver)
    except ConfigError as exc:
        return exc
    return result.slim() if slim and result is not None else result


def _lint_chunk(chunk: list) -> tuple[list, dict]:
    """``(index, result)`` for each plan of ``chunk`` (a configuration error as its message),
    and the warnings about plugin code noted meanwhile (planlint.contain)."""
    from planlint import contain
    from planlint.config import ConfigError

    registry, resolver, stdin_name, slim = _STATE
    contain.drain()  # the parent's notes, inherited by the fork, or this worker's last chunk's: sent already
    out = []
    for index, target in chunk:
        found = _lint_one(target, registry, resolver, stdin_name, slim)
        out.append((index, str(found) if isinstance(found, ConfigError) else found))
    return out, contain.pending()


def lint_many(targets: list, registry, resolver, stdin_name: str, jobs: int | None, slim: bool = False):
    """Yield ``(target, result or ConfigError)`` in the order of ``targets``; with ``slim``, each
    result keeps only what a findings report reads (``FileResult.slim``)."""
    from planlint.config import ConfigError

    def here(target):
        return _lint_one(target, registry, resolver, stdin_name, slim)

    files = [(i, t) for i, t in enumerate(targets) if t.path != "-"]  # standard input is read here
    workers = workers_for(len(files), jobs)
    done: dict[int, object] = {}
    if workers > 1:
        # the first plan here, before forking: each worker then inherits the modules and caches
        # it warmed (imports, the compiled schema check, the configuration), instead of paying again
        first, target = files[0]
        done[first] = here(target)
        done.update(_in_workers(files[1:], workers, (registry, resolver, stdin_name, slim)))
    for index, target in enumerate(targets):
        found = done.get(index, _NOT_DONE)
        if found is _NOT_DONE:
            found = here(target)
        elif isinstance(found, str):
            found = ConfigError(found)
        yield target, found


_NOT_DONE = object()


def _worker_start() -> None:
    """In each worker: Ctrl-C at a terminal reaches the whole process group, and the parent
    ends the workers itself, so a worker ignores it (and prints no traceback)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _in_workers(files: list, workers: int, state: tuple) -> dict[int, object]:
    global _STATE
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from planlint import contain

    size = max(1, -(-len(files) // (workers * CHUNKS_PER_WORKER)))
    chunks = [files[i:i + size] for i in range(0, len(files), size)]
    done: dict[int, object] = {}
    _STATE = state
    # a forked worker flushes the streams it inherited when it exits: nothing may be pending
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"),
                                   initializer=_worker_start)
    except Exception:  # noqa: BLE001 - no pool at all (no semaphores, a sandbox): all here
        _STATE = None
        return {}
    try:
        for future in [pool.submit(_lint_chunk, chunk) for chunk in chunks]:
            try:
                results, noted = future.result()
            except Exception:  # noqa: BLE001 - a worker that died, or a result that cannot be
                continue  # pickled: those plans are linted here
            done.update(results)
            contain.merge(noted)
    except BaseException:  # Ctrl-C (or anything else): the workers stop now, not after their chunks
        _kill(pool)
        raise
    finally:
        _STATE = None
        pool.shutdown(wait=True, cancel_futures=True)
    return done


def _kill(pool) -> None:
    """End the pool's worker processes at once (``kill_workers`` where Python has it, 3.14)."""
    kill = getattr(pool, "kill_workers", None)
    if kill is not None:
        kill()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        try:
            process.kill()
        except Exception:  # noqa: BLE001 - it has ended already
            pass
