"""Time planlint as users run it: whole processes, against its peers, on one machine in one run.

    python benchmarks/run.py            # 15 runs of each command
    python benchmarks/run.py --quick    # 5 runs, 100 and 300 plans instead of 100 and 1,000

Run it with the Python of the environment that holds planlint and the peers
(``pip install -e '.[bench]'``): the commands are taken from that interpreter's ``bin``
folder. See ``benchmarks/README.md`` for what is measured and how to read it.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SCHEMA = ROOT / "schemas" / "plan.schema.json"
PLAN = EXAMPLES / "chinchilla-70b.yaml"
BIN = Path(sys.executable).parent

# Targets from the issue "Fast enough to forget": (label, ratio name, limit).
TARGETS = [
    ("check one plan vs check-jsonschema", "check / check-jsonschema", 0.7),
    ("check one plan vs yamllint", "check / yamllint", 1.0),
    ("--version vs bare python", "--version / python", 1.5),
    ("--help vs bare python", "--help / python", 1.5),
    ("1,000 plans vs one plan", "many / one", 5.0),
]
MEMORY_LIMIT_MB = 100.0


@dataclass
class Command:
    key: str
    label: str
    argv: list[str]
    ok_codes: tuple[int, ...] = (0,)
    times: list[float] = field(default_factory=list)  # wall seconds
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the process
    rss: list[float] = field(default_factory=list)  # MB, max resident set size of the process
    codes: set[int] = field(default_factory=set)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def spread(self) -> tuple[float, float]:
        """Lower and upper quartile (the middle half of the runs)."""
        if len(self.times) < 4:
            return min(self.times), max(self.times)
        q = statistics.quantiles(self.times, n=4, method="inclusive")
        return q[0], q[2]

    @property
    def peak(self) -> float:
        return max(self.rss) if self.rss else float("nan")


def tool(name: str) -> str | None:
    """The console script ``name`` next to the running interpreter, else None."""
    for candidate in (BIN / name, BIN / f"{name}.exe"):
        if candidate.is_file():
            return str(candidate)
    return None


# The commands run as they would for a user: with bytecode caches (some sandboxes set
# PYTHONDONTWRITEBYTECODE, which makes every run compile the uncached modules again).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
RSS_SCALE = 1024 * 1024 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB elsewhere


def run_once(argv: list[str]) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, max RSS (MB) and exit code of one whole process.

    The RSS from ``wait4`` cannot go below this script's own (a child starts as a copy of
    its parent), so ``peak_memory`` measures it separately when it can."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env=ENV)
    if not hasattr(os, "wait4"):
        code = process.wait()
        return time.perf_counter() - start, float("nan"), float("nan"), code
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / RSS_SCALE, process.returncode


def peak_memory(argv: list[str]) -> float | None:
    """Max RSS (MB) of ``argv`` alone, through GNU time; None when it is not installed."""
    gnu_time = shutil.which("time", path="/usr/bin:/bin:/usr/local/bin")
    if gnu_time is None:
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
        done = subprocess.run([gnu_time, "-f", "%M", "-o", out.name, *argv], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
        text = out.read().strip().splitlines()
    if done.returncode > 1 or not text or not text[-1].isdigit():
        return None  # BSD time, or the command failed
    return int(text[-1]) / 1024


_SCALED = re.compile(r"^(?P<head>\s*(?:params|train_tokens|unique_tokens|flops|gpu_hours|tokens):\s*)"
                     r"(?P<num>[0-9][0-9_]*(?:\.[0-9]+)?)(?P<rest>.*)$", re.M)


def generate(folder: Path, count: int, seed: int = 2026) -> None:
    """``count`` plans made from the bundled examples: renamed and with their sizes rescaled,
    so that they differ in text and in findings (some clean, some undertrained, some over
    budget), spread over sub-folders of 50."""
    rng = random.Random(seed)
    sources = sorted(EXAMPLES.glob("*.yaml"))
    texts = [p.read_text(encoding="utf-8") for p in sources]
    for i in range(count):
        text = texts[i % len(texts)]
        factor = rng.choice((0.25, 0.5, 1, 1, 1, 2, 4))

        def scale(match: re.Match) -> str:
            number = float(match["num"].replace("_", "")) * factor
            return f"{match['head']}{number:g}{match['rest']}"

        text = _SCALED.sub(scale, text)
        text = re.sub(r"(?m)^name: (\S+)", lambda m: f"name: {m[1]}-v{i:04d}", text, count=1)
        out = folder / f"group-{i // 50:02d}" / f"{sources[i % len(sources)].stem}-{i:04d}.yaml"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")


def fmt_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 100 else f"{ms:.1f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 runs; 100 and 300 plans (a smoke test, not a result)")
    parser.add_argument("--runs", type=int, help="runs of each command (default 15, or 5 with --quick)")
    parser.add_argument("--many", type=int, help="the large folder's size (default 1000, or 300 with --quick)")
    args = parser.parse_args(argv)
    runs = args.runs or (5 if args.quick else 15)
    many = args.many or (300 if args.quick else 1000)
    few = 100
    if many <= few or runs < 1:
        parser.error(f"--many must be more than {few} and --runs at least 1")

    planlint = tool("planlint")
    if planlint is None:
        print(f"planlint is not installed next to {sys.executable}; run `pip install -e '.[bench]'` with it",
              file=sys.stderr)
        return 2
    missing = [name for name in ("check-jsonschema", "yamllint") if tool(name) is None]
    for name in missing:
        print(f"warning: peer `{name}` is not installed next to {sys.executable}: its rows and ratios are "
              "left out (`pip install -e '.[bench]'` installs the peers)", file=sys.stderr)

    workdir = Path(tempfile.mkdtemp(prefix="planlint-bench-"))
    try:
        generate(workdir / "few", few)
        generate(workdir / "many", many)
        plan = str(PLAN)
        commands = [
            Command("python", "`python -c pass`", [sys.executable, "-c", "pass"]),
            # pip's console scripts begin with `import re, sys`: the floor of any pip-installed command
            Command("floor", "`python -c 'import re, sys'` (a pip console script's first line)",
                    [sys.executable, "-c", "import re, sys"]),
            Command("version", "`planlint --version`", [planlint, "--version"]),
            Command("help", "`planlint --help`", [planlint, "--help"]),
            Command("check", "`planlint check` one plan", [planlint, "check", plan], (0, 1)),
        ]
        if tool("check-jsonschema"):
            commands.append(Command("cjs", "`check-jsonschema --schemafile plan.schema.json` one plan",
                                    [tool("check-jsonschema"), "--schemafile", str(SCHEMA), plan], (0,)))
        if tool("yamllint"):
            commands.append(Command("yamllint", "`yamllint` one plan", [tool("yamllint"), plan], (0, 1)))
        commands += [
            Command("few", f"`planlint check` {few:,} plans", [planlint, "check", str(workdir / "few")], (0, 1)),
            Command("many", f"`planlint check` {many:,} plans", [planlint, "check", str(workdir / "many")], (0, 1)),
        ]

        print(f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
              f"{platform.python_version()} ({sys.executable}), {datetime.date.today()}")
        print(f"{runs} runs of each command, interleaved, after one warm-up run each; plan: {PLAN.relative_to(ROOT)}")
        if "PYTHONDONTWRITEBYTECODE" in os.environ:
            print("(PYTHONDONTWRITEBYTECODE is set here; the commands run without it, as a user's would)")
        for command in commands:  # warm-up: file cache, .pyc files
            run_once(command.argv)
        for i in range(runs):
            for command in commands:  # interleaved, so that a busy moment hits every command alike
                elapsed, cpu, rss, code = run_once(command.argv)
                command.times.append(elapsed)
                command.cpu.append(cpu)
                command.rss.append(rss)
                command.codes.add(code)
            print(f"\r  run {i + 1}/{runs}", end="", file=sys.stderr, flush=True)
        print("\r" + " " * 20 + "\r", end="", file=sys.stderr)
        memory_note = "max RSS through GNU time, the highest of 3 runs"
        for command in commands:
            measured = [peak_memory(command.argv) for _ in range(3)]
            if None in measured:
                import resource  # POSIX

                launcher = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / RSS_SCALE
                memory_note = (f"max RSS from wait4; GNU time is not installed, so values below this "
                               f"script's own {launcher:.0f} MB read as {launcher:.0f} MB")
                break
            command.rss = measured
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    problems = [c for c in commands if not c.codes <= set(c.ok_codes)]
    for command in problems:
        print(f"warning: {' '.join(command.argv)} exited with {sorted(command.codes)}: "
              "its timing may not be what it claims", file=sys.stderr)

    by = {c.key: c for c in commands}
    base = by["python"].median
    print()
    print(f"{'command':<58} {'median':>9} {'quartiles':>19} {'CPU':>9} {'max RSS':>9} {'x python':>9}")
    for c in commands:
        lo, hi = c.spread()
        print(f"{c.label.replace('`', ''):<58} {fmt_ms(c.median):>9} "
              f"{fmt_ms(lo):>9}-{fmt_ms(hi):<9} {fmt_ms(statistics.median(c.cpu)):>9} "
              f"{c.peak:>6.0f} MB {c.median / base:>8.1f}x")
    print(f"(median wall time of {runs} runs, the quartiles around it, median CPU time; {memory_note})")

    ratios: dict[str, float] = {}
    if "cjs" in by:
        ratios["check / check-jsonschema"] = by["check"].median / by["cjs"].median
    if "yamllint" in by:
        ratios["check / yamllint"] = by["check"].median / by["yamllint"].median
    ratios["--version / python"] = by["version"].median / base
    ratios["--help / python"] = by["help"].median / base
    ratios["--version / console-script floor"] = by["version"].median / by["floor"].median
    ratios["many / one"] = by["many"].median / by["check"].median
    marginal = (by["many"].median - by["few"].median) / (many - few)
    peak = by["many"].peak

    print()
    print("ratios (of medians)")
    for name, value in ratios.items():
        shown = name.replace("many", f"{many:,} plans").replace("one", "one plan") if name == "many / one" else name
        print(f"  {shown:<34} {value:6.2f}")
    print(f"  {'marginal cost per extra plan':<34} {marginal * 1000:6.2f} ms  "
          f"(({many:,} plans - {few} plans) / {many - few})")
    print(f"  {f'peak memory, {many:,} plans':<34} {peak:6.1f} MB")

    print()
    print("targets")
    failed = 0
    for label, name, limit in TARGETS:
        if name not in ratios:
            print(f"  {label:<38} not measured (peer missing)")
            continue
        value = ratios[name]
        ok = value <= limit
        failed += not ok
        note = "" if many == 1000 or name != "many / one" else f" (measured with {many:,} plans)"
        print(f"  {label:<38} {value:5.2f}x  <= {limit}x   {'met' if ok else 'NOT MET'}{note}")
    ok = peak < MEMORY_LIMIT_MB
    failed += not ok
    print(f"  {f'peak memory, {many:,} plans':<38} {peak:5.1f} MB < {MEMORY_LIMIT_MB:.0f} MB  {'met' if ok else 'NOT MET'}")

    print()
    print("Markdown (for the README):")
    print()
    print(f"Measured on {platform.system()} {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, {datetime.date.today()}, with `python benchmarks/run.py` "
          f"(median of {runs} whole-process runs; quartiles in brackets):")
    print()
    print("| command | wall time | vs `python -c pass` | max RSS |")
    print("|---------|-----------|---------------------|---------|")
    for c in commands:
        lo, hi = c.spread()
        print(f"| {c.label} | {fmt_ms(c.median)} ({fmt_ms(lo)}-{fmt_ms(hi)}) | {c.median / base:.1f}x | "
              f"{c.peak:.0f} MB |")
    print(f"| each further plan in the same call | {marginal * 1000:.1f} ms | | |")
    print()
    print("| ratio | measured | target |")
    print("|-------|----------|--------|")
    limits = {name: limit for _, name, limit in TARGETS}
    for name, value in ratios.items():
        shown = f"{many:,} plans / one plan" if name == "many / one" else name
        target = f"<= {limits[name]}" if name in limits else ""
        print(f"| {shown} | {value:.2f} | {target} |")
    print(f"| peak memory, {many:,} plans | {peak:.0f} MB | < {MEMORY_LIMIT_MB:.0f} MB |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
