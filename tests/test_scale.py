"""Bounded time and memory at scale: what `check` keeps per plan, its peak memory over many
plans, the default job count, and Ctrl-C ending a run with workers at once.

``PLANLINT_SCALE_PLANS=30000 python -m pytest tests/test_scale.py -k memory`` measures the
memory test on 30,000 plans (about 30 s); the suite keeps 2,000."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from conftest import MINIMAL
from planlint import parallel
from planlint.engine import lint_bytes
from planlint.plugins import registry
from test_many_files import generate
from test_plugin_containment import rule_plugin

BIN = Path(sys.executable).parent
SCALE = int(os.environ.get("PLANLINT_SCALE_PLANS", "2000"))
POSIX = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="workers need fork")


def _env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLANLINT")}
    env.update(NO_COLOR="1", **extra)
    return env


# -- what a report keeps ---------------------------------------------------------------------

def test_a_slimmed_result_keeps_the_lines_its_findings_point_at_and_nothing_else():
    undertrained = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")
    result = lint_bytes(undertrained.encode(), "plan.yaml", registry())
    assert result.plan is not None and result.doc.data is not None
    slim = result.slim()
    assert (slim.plan, slim.numbers, slim.doc.data, slim.doc.spans, slim.doc.text) == (None, None, None, {}, "")
    lines = slim.doc.lines
    assert len(lines) == len(undertrained.split("\n"))
    assert [(f.code, f.line) for f in slim.findings] == [("PL101", 7)]
    assert lines[6] == "  train_tokens: 2B" and lines[-4] == "  train_tokens: 2B"
    assert lines[0] == lines[5] == lines[-1] == ""
    assert lines[5:8] == ["", "  train_tokens: 2B", ""]
    with pytest.raises(IndexError):
        lines[len(lines)]


def test_check_reports_the_same_from_slimmed_results(tmp_path, cli):
    generate(str(tmp_path), 40, seed=13)
    from planlint.config import Resolver
    from planlint.discover import expand
    from planlint.report import render
    import io

    targets, _ = expand([str(tmp_path)])
    resolver = Resolver(registry(), isolated=True)
    whole = [r for _, r in parallel.lint_many(targets, registry(), resolver, "-", 1) if r]
    slim = [r for _, r in parallel.lint_many(targets, registry(), resolver, "-", 1, slim=True) if r]
    assert any(r.plan is not None for r in whole) and not any(r.plan is not None for r in slim)
    texts = []
    for results in (whole, slim):
        stream = io.StringIO()
        render("text", results, stream, color=False, fail_on=None, registry=registry())
        texts.append(stream.getvalue())
    assert texts[0] == texts[1] and "   |" in texts[0]


# -- memory ----------------------------------------------------------------------------------

def _peak_mib(folder: Path, plans: int) -> float:
    """The largest RSS of `planlint check -j1 FOLDER` (the text report, source lines and all), in
    MiB, read from the finished child."""
    code = textwrap.dedent(f"""
        import resource, subprocess, sys
        done = subprocess.run([{str(BIN / 'planlint')!r}, "check", "-q", "-j", "1", {str(folder)!r}],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        assert done.returncode == 1, done.stderr
        print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
        """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    return int(done.stdout) / 1024  # Linux reports KiB


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB is Linux's")
def test_memory_grows_by_kilobytes_per_plan(tmp_path):
    """Before results were slimmed, 30,000 plans peaked at 408 MB; each plan's text, parsed data,
    positions, typed plan and numbers were all kept for the report."""
    small, large = tmp_path / "small", tmp_path / "large"
    generate(str(small), 200, seed=1)
    generate(str(large), SCALE, seed=1)
    base, peak = _peak_mib(small, 200), _peak_mib(large, SCALE)
    per_plan_kib = (peak - base) * 1024 / (SCALE - 200)
    # 30,000 plans at this rate, over the 200-plan run: well under 300 MiB
    assert base + per_plan_kib * (30_000 - 200) / 1024 < 200, (base, peak, per_plan_kib)
    # measured: about 3 KiB before findings carried their details, about 5 since (each finding keeps
    # its headline, details, fix and facts, and the source lines it points at)
    assert per_plan_kib < 6.5, (base, peak, per_plan_kib)


# -- the default job count -------------------------------------------------------------------

@pytest.mark.parametrize("cores, load, jobs", [
    (2, 0.0, 2), (2, 0.4, 2), (2, 0.6, 1), (2, 1.5, 1), (2, 3.0, 1), (8, 2.2, 6), (8, 20.0, 1), (1, 0.0, 1),
])
def test_the_default_job_count_leaves_out_busy_cores(monkeypatch, cores, load, jobs):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cores)), raising=False)
    monkeypatch.setattr(os, "getloadavg", lambda: (load, load, load), raising=False)
    assert parallel.default_jobs() == jobs


# -- Ctrl-C ----------------------------------------------------------------------------------

SLOW_PLUGIN = rule_plugin("time.sleep(0.05)\nreturn ()")  # 50 ms on every plan


@pytest.fixture
def slow_run(tmp_path):
    """start(*args) -> a running `planlint check ARGS FOLDER` (its own session) over 600 plans
    (enough for two workers) that take 50 ms each, through an installed plugin."""
    site = tmp_path / "site"
    info = site / "slow_plugin-0.1.dist-info"
    info.mkdir(parents=True)
    (site / "slow_plugin.py").write_text(SLOW_PLUGIN, encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: slow-plugin\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[planlint]\nslow = slow_plugin\n", encoding="utf-8")
    plans = tmp_path / "plans"
    generate(str(plans), 600, seed=2, broken_share=0.0)
    assert parallel.workers_for(600, 2) == 2
    started = []

    def start(*args):
        process = subprocess.Popen([str(BIN / "planlint"), "check", *args, str(plans)], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env=_env(PYTHONPATH=str(site)),
                                   start_new_session=True)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in path.read_text().split()] if path.exists() else []


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return True
    return state in ("Z", "X")  # a zombie has stopped; only its exit status is left


def _wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


@POSIX
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the workers through /proc")
@pytest.mark.parametrize("whole_group", [False, True], ids=["parent", "process-group"])
def test_ctrl_c_stops_a_run_with_workers_at_once(slow_run, whole_group):
    process = slow_run("-j", "2")
    assert _wait_for(lambda: len(_children(process.pid)) >= 2, 20), process.stderr.read() if process.poll() else ""
    time.sleep(0.3)  # the workers are in their chunks (300 plans of 50 ms each: 15 s)
    workers = _children(process.pid)
    sent = time.monotonic()
    if whole_group:  # a terminal's Ctrl-C reaches every process of the foreground group
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=10)
    took = time.monotonic() - sent
    assert (process.returncode, err, out) == (130, "planlint: interrupted\n", "")
    assert took < 1.0, took
    assert all(_gone(pid) for pid in workers), [Path(f"/proc/{pid}/stat").read_text() for pid in workers]


@POSIX
def test_ctrl_c_stops_a_run_without_workers(slow_run):
    process = slow_run("-j", "1")
    time.sleep(1.5)  # started, plugins loaded, linting
    assert process.poll() is None
    sent = time.monotonic()
    os.kill(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert (process.returncode, err, out) == (130, "planlint: interrupted\n", "")
    assert time.monotonic() - sent < 1.0
