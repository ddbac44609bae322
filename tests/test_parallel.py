"""Many plans over worker processes: the report is exactly the single-process one."""

from __future__ import annotations

import os
import sys

import pytest

from planlint import parallel
from test_many_files import generate

pytestmark = pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "win32", reason="workers need fork")


@pytest.mark.parametrize("count, jobs, workers", [
    (10, 4, 1),  # too few plans to pay for a fork
    (511, 2, 1),
    (512, 2, 2),
    (1_000, 2, 2),
    (10_000, 1, 1),  # --jobs 1: never
    (1_000, 8, 3),  # at least 256 plans each
    (3_000, 8, 8),
])
def test_workers_are_used_only_where_they_pay(count, jobs, workers):
    assert parallel.workers_for(count, jobs) == workers


@pytest.fixture
def forking(monkeypatch):
    """Workers for a few hundred plans, so that the tests of what workers send back stay fast."""
    monkeypatch.setattr(parallel, "MIN_PLANS_PER_WORKER", 64)


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit"])
def test_the_report_is_the_same_with_workers_as_without(tmp_path, cli, fmt, forking):
    generate(str(tmp_path), 300, seed=11)  # a fifth broken: syntax, schema, binary, encodings
    alone = cli("check", "--format", fmt, "--jobs", "1", str(tmp_path))
    shared = cli("check", "--format", fmt, "--jobs", "2", str(tmp_path))
    assert parallel.workers_for(300, 2) == 2
    assert (shared.exit_code, shared.stdout, shared.stderr) == (alone.exit_code, alone.stdout, alone.stderr)
    assert alone.exit_code == 1 and alone.stdout


def test_a_configuration_error_met_in_a_worker_stops_the_run_as_without(tmp_path, cli, forking):
    generate(str(tmp_path / "good"), 200, seed=3)
    bad = tmp_path / "good" / "team-07"
    (bad / ".planlint.yaml").write_text("selectt: [PL1]\n")
    alone = cli("check", "--jobs", "1", str(tmp_path))
    shared = cli("check", "--jobs", "2", str(tmp_path))
    assert alone.exit_code == shared.exit_code == 2
    assert shared.stderr == alone.stderr
    assert "team-07/.planlint.yaml: unknown key 'selectt'; did you mean 'select'?" in shared.stderr


def test_a_finding_holding_an_object_is_malformed_with_workers_as_without(tmp_path, monkeypatch, forking):
    """A plugin may put anything in a finding's facts: the boundary turns it into a PL000, so
    every result sent back from a worker is plain data."""
    from planlint.config import Resolver
    from planlint.discover import expand
    from planlint.plugins import build_registry
    from planlint.rule import Rule

    class Unpicklable(Rule):
        code, name, summary = "ZZ901", "holds-a-lambda", "A finding whose facts hold a lambda."

        def check(self, plan, ctx):
            yield ctx.finding(("name",), "a lambda in the facts", fix="none", hook=lambda: None)

    registry = build_registry(autoload=False)
    registry.rules["ZZ901"], registry.owner["ZZ901"] = Unpicklable, "test"
    generate(str(tmp_path), 200, seed=5, broken_share=0.0)
    targets, _ = expand([str(tmp_path)])
    resolver = Resolver(registry, isolated=True)
    here = [(t.path, r) for t, r in parallel.lint_many(targets, registry, resolver, "-", jobs=1)]
    shared = [(t.path, r) for t, r in parallel.lint_many(targets, registry, resolver, "-", jobs=2)]
    summary = [(path, r and [(f.code, f.line, f.column, f.message) for f in r.findings]) for path, r in here]
    assert summary == [(path, r and [(f.code, f.line, f.column, f.message) for f in r.findings])
                       for path, r in shared]
    assert not any(f.code == "ZZ901" for _, r in shared if r for f in r.findings)
    malformed = ("rule ZZ901 (holds-a-lambda, plugin 'test') yielded 1 malformed finding, not shown (the first: "
                 "facts that are not plain data (str keys; numbers, strings, lists and mappings of them))")
    assert sum(1 for _, r in shared if r for f in r.findings if f.code == "PL000" and f.message == malformed) == 200


def test_the_workers_really_lint_the_plans(tmp_path):
    from planlint.config import Resolver
    from planlint.discover import expand
    from planlint.plugins import registry

    generate(str(tmp_path), 200, seed=9)
    targets, _ = expand([str(tmp_path)])
    files = list(enumerate(targets))
    done = parallel._in_workers(files, 2, (registry(), Resolver(registry()), "-", True))
    assert sorted(done) == list(range(len(targets)))  # every plan came back from a worker
    assert all(result.doc.data is None and result.doc.spans == {} for result in done.values() if result)
