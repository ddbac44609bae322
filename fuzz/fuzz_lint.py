"""Fuzz planlint's whole file pipeline: bytes -> ``lint_bytes`` -> every output format.

For each input the oracle (``check`` in tests/hostile.py, shared with the tests) asserts that

* ``planlint.engine.lint_bytes`` returns instead of raising;
* no rule raises (the engine reports that as PL000: the rule's findings are lost);
* every finding points inside the file: line 1..lines + 1, column 1..len(line) + 1;
* every format in ``planlint.report.FORMATS`` renders without raising, its text encodes as
  UTF-8, the JSON formats parse as JSON, the XML formats parse as XML, and the ``github``
  format writes exactly one line per finding.

Run it (see fuzz/README.md)::

    python fuzz/fuzz_lint.py -max_total_time=1800

With atheris installed this is a coverage-guided libFuzzer run; without it, a plain
mutation loop over the same corpus and oracle. Both first replay every seed of the corpus
in full (the libFuzzer run truncates inputs to ``-max_len``).
"""

from __future__ import annotations

import hashlib
import os
import random
import sys
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
DICTIONARY = os.path.join(HERE, "yaml.dict")
WORK = os.environ.get("PLANLINT_FUZZ_DIR", "/tmp/planlint-fuzz")
# PLANLINT_FUZZ_KEEP_GOING=1: record each distinct failure under WORK/crashes and go on,
# instead of stopping at the first one (libFuzzer's default).
KEEP_GOING = os.environ.get("PLANLINT_FUZZ_KEEP_GOING") == "1"
# an input slower than this is recorded as slow (instrumented runs are ~2x slower than plain ones)
SLOW_SECONDS = float(os.environ.get("PLANLINT_FUZZ_SLOW", "5"))

# The oracle lives with the tests, which pin every failure this harness finds.
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "tests"))
from hostile import KNOWN, OracleError, check, crash_kind  # noqa: E402


def warm_up() -> None:
    """Import everything the oracle reaches (planlint imports stages lazily) before instrumenting."""
    import planlint.model  # noqa: F401
    import planlint.validate  # noqa: F401

    check(b"planlint: 1\nname: warm\nmodel: {params: 1B}\ndata: {train_tokens: 1B}\n")


# -- failures ------------------------------------------------------------------------------


def _signature(exc: BaseException) -> str:
    """One record per distinct bug, not per input: the broken property, or the exception and
    the innermost function it came from."""
    return exc.kind if isinstance(exc, OracleError) else crash_kind(exc)


_seen: dict[str, int] = {}
_runs = 0


def _summary(stream=None) -> None:
    """Runs and failures by signature, to stderr at exit and to WORK/summary.txt as it goes
    (libFuzzer ends the process without running Python's exit handlers)."""
    own = stream is None
    stream = stream or open(os.path.join(WORK, "summary.txt"), "w", encoding="utf-8")
    print(f"fuzz_lint: {_runs} inputs checked; failures by signature (inputs):", file=stream)
    for signature, count in sorted(_seen.items()):
        print(f"  {count:>8}  {signature}{'  (known)' if signature in KNOWN else ''}", file=stream)
    if own:
        stream.close()


def record(raw: bytes, kind: str, detail: str) -> None:
    """Save a failing (or slow) input under WORK/crashes, once per distinct signature."""
    key = detail.splitlines()[0]
    count = _seen.get(key, 0)
    _seen[key] = count + 1
    if count:
        return
    folder = os.path.join(WORK, "crashes")
    os.makedirs(folder, exist_ok=True)
    digest = hashlib.sha1(raw).hexdigest()[:16]
    path = os.path.join(folder, f"{kind}-{digest}")
    with open(path, "wb") as handle:
        handle.write(raw)
    with open(path + ".txt", "w", encoding="utf-8") as handle:
        handle.write(detail + "\n")
    print(f"\n=== {kind}: {detail}\n    input: {path}", file=sys.stderr, flush=True)


def _count_known(kind: str) -> None:
    _seen[kind] = _seen.get(kind, 0) + 1


def fuzz_one(raw: bytes) -> None:
    global _runs
    _runs += 1
    if _runs % 1000 == 0:
        _summary()
    start = time.perf_counter()
    try:
        # failures already reported (hostile.KNOWN) are counted, not raised
        check(raw, "fuzz.yaml", KNOWN, _count_known)
    except Exception as exc:  # noqa: BLE001 - recording every failure is the point
        signature = _signature(exc)
        if KEEP_GOING:
            record(raw, "crash", signature + "\n" + "".join(traceback.format_exception(exc)))
        else:
            raise
    elapsed = time.perf_counter() - start
    if elapsed > SLOW_SECONDS:
        record(raw, "slow", f"slow: {len(raw) // 10_000 * 10_000:,}+ bytes\n{elapsed:.2f} s for {len(raw):,} bytes")


# -- driving ---------------------------------------------------------------------------------


def seeds(folders: list[str]) -> list[tuple[str, bytes]]:
    found = []
    for folder in folders:
        if not os.path.isdir(folder):
            continue
        for name in sorted(os.listdir(folder)):
            path = os.path.join(folder, name)
            if os.path.isfile(path):
                with open(path, "rb") as handle:
                    found.append((path, handle.read()))
    return found


def replay(folders: list[str]) -> None:
    """Every seed in full, before the fuzzer truncates them to -max_len."""
    corpus = seeds(folders)
    start = time.perf_counter()
    for path, raw in corpus:
        try:
            fuzz_one(raw)
        except Exception:
            print(f"fuzz_lint: seed {path} fails the oracle", file=sys.stderr)
            raise
    print(f"fuzz_lint: replayed {len(corpus)} seeds in {time.perf_counter() - start:.1f} s", file=sys.stderr)


def _with_defaults(argv: list[str]) -> tuple[list[str], list[str]]:
    """libFuzzer flags with this harness's defaults, and the corpus folders.

    New inputs go to the first folder, so by default that is a scratch folder under WORK and
    the committed fuzz/corpus is only read.
    """
    flags = [a for a in argv[1:] if a.startswith("-")]
    folders = [a for a in argv[1:] if not a.startswith("-")]
    if not folders:
        folders = [os.path.join(WORK, "corpus"), CORPUS]
    for folder in folders[:1]:
        os.makedirs(folder, exist_ok=True)
    defaults = {"-max_len": "32768", "-timeout": "20", "-rss_limit_mb": "4096",
                "-artifact_prefix": WORK + "/", "-dict": DICTIONARY, "-print_final_stats": "1"}
    given = {f.split("=", 1)[0] for f in flags}
    flags += [f"{k}={v}" for k, v in defaults.items() if k not in given]
    os.makedirs(WORK, exist_ok=True)
    return [argv[0], *flags, *folders], folders


def _flag(argv: list[str], name: str, default: float) -> float:
    for arg in argv:
        if arg.startswith(f"-{name}="):
            return float(arg.split("=", 1)[1])
    return default


def _fallback(argv: list[str], folders: list[str]) -> None:
    """Without atheris: random mutations of the seeds (no coverage feedback), same oracle."""
    budget = _flag(argv, "max_total_time", 60)
    runs = int(_flag(argv, "runs", -1))
    max_len = int(_flag(argv, "max_len", 32768))
    rng = random.Random(int(_flag(argv, "seed", 0)) or None)
    pool = [raw[:max_len] for _, raw in seeds(folders)] or [b""]
    tokens = []
    if os.path.exists(DICTIONARY):
        with open(DICTIONARY, encoding="utf-8") as handle:
            for line in handle:
                line = line.strip()
                if line.startswith('"') and line.endswith('"'):
                    tokens.append(line[1:-1].encode("utf-8").decode("unicode_escape").encode("latin-1"))
    tokens = tokens or [b":", b"-", b"[", b"{", b"&a", b"*a"]
    start, done = time.monotonic(), 0
    while time.monotonic() - start < budget and done != runs:
        data = bytearray(rng.choice(pool))
        for _ in range(rng.randint(1, 8)):
            at = rng.randint(0, len(data))
            op = rng.randrange(6)
            if op == 0 and data:
                data[min(at, len(data) - 1)] ^= 1 << rng.randrange(8)
            elif op == 1:
                data[at:at] = bytes([rng.randrange(256)])
            elif op == 2:
                del data[at:at + rng.randint(1, 64)]
            elif op == 3:
                data[at:at] = rng.choice(tokens)
            elif op == 4:
                other = rng.choice(pool)
                i = rng.randint(0, len(other))
                data[at:at] = other[i:i + rng.randint(1, 256)]
            else:
                i = rng.randint(0, len(data))
                data[at:at] = data[i:i + rng.randint(1, 128)]
        fuzz_one(bytes(data[:max_len]))
        done += 1
    print(f"fuzz_lint: fallback loop: {done} runs in {time.monotonic() - start:.0f} s", file=sys.stderr)


def main(argv: list[str]) -> None:
    import atexit

    atexit.register(_summary, sys.stderr)
    argv, folders = _with_defaults(argv)
    try:
        import atheris
    except ImportError:
        print("fuzz_lint: atheris is not installed; running the plain mutation loop", file=sys.stderr)
        warm_up()
        replay(folders)
        _fallback(argv, folders)
        return
    # coverage feedback from planlint and PyYAML's Python side; planlint imports its stages
    # lazily, so warming up inside the hook instruments all of them
    with atheris.instrument_imports(include=["planlint", "yaml"]):
        warm_up()
    replay(folders)
    atheris.Setup(argv, fuzz_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
