"""Many files in one run: `planlint check` on a folder of 2,000 generated plans, some broken
(bad YAML, schema errors, binary, bad encodings), reports every finding of every file, exactly
as linting each file alone does, and its exit code reflects the worst of them.

``PLANLINT_MANY_PLANS=10000 python -m pytest tests/test_many_files.py`` runs the first test on
a larger folder (10,000 plans take about 25 s; the suite keeps 2,000)."""

from __future__ import annotations

import json
import os
import random
import re
from collections import Counter, defaultdict

import pytest

import hostile
from test_hostile_properties import REAL_PLANS

_NUMBER = re.compile(r"(?<=: )(\d+(?:\.\d+)?)(?=[KMBT]\b)")  # counts with a suffix: 70B, 1.4T


def _vary(rng: random.Random, text: str) -> str:
    """A real plan with its numbers scaled: different findings, same shape."""
    return _NUMBER.sub(lambda m: f"{float(m.group(1)) * rng.choice([0.1, 0.5, 1, 1, 2, 10]):g}", text)


def _broken(rng: random.Random, text: str) -> bytes:
    kind = rng.choice(["yaml", "yaml", "schema", "schema", "binary", "latin1", "duplicate", "tag", "depth"])
    lines = text.splitlines()
    at = rng.randrange(1, len(lines) + 1)
    if kind == "yaml":
        lines.insert(at, rng.choice(["  x: [unclosed", "\tbad: tab", "key: 'open", "- stray", "a: b: c"]))
    elif kind == "schema":
        lines.insert(at, rng.choice(["paramz: 1B", "goal: pretraining", "compute: {flops: lots}", "data: 5"]))
    elif kind == "duplicate":
        lines.insert(at, "name: again")
    elif kind == "tag":
        lines.append("x-run: !!python/object/apply:os.system ['true']")
    elif kind == "depth":
        lines.append("x-deep: " + "[" * 100 + "]" * 100)
    raw = ("\n".join(lines) + "\n").encode("utf-8")
    if kind == "binary":
        return b"planlint: 1\n" + bytes(rng.randrange(256) for _ in range(200)) + b"\x00"
    if kind == "latin1":
        return raw + "x-owner: José\n".encode("latin-1")
    return raw


def generate(folder: str, count: int, seed: int = 2026, broken_share: float = 0.2) -> list[str]:
    """``count`` plans in 20 subfolders (a fifth of them broken), plus files the search skips."""
    rng = random.Random(seed)
    paths = []
    for i in range(count):
        sub = os.path.join(folder, f"team-{i % 20:02d}")
        os.makedirs(sub, exist_ok=True)
        text = _vary(rng, rng.choice(REAL_PLANS))
        raw = _broken(rng, text) if rng.random() < broken_share else text.encode("utf-8")
        path = os.path.join(sub, f"plan-{i:05d}.{'yaml' if i % 3 else 'yml'}")
        with open(path, "wb") as handle:
            handle.write(raw)
        paths.append(path)
    # not plans: no top-level `planlint:` key, or not YAML by name; a folder search skips them
    with open(os.path.join(folder, "team-00", "values.yaml"), "w", encoding="utf-8") as handle:
        handle.write("replicas: 3\n")
    with open(os.path.join(folder, "team-01", "notes.txt"), "w", encoding="utf-8") as handle:
        handle.write("planlint: 1\n")
    return paths


def alone(paths: list[str]) -> dict[str, list[tuple]]:
    found = {}
    for path in paths:
        with open(path, "rb") as handle:
            result = hostile.lint(handle.read(), path)
        found[path] = [(f.code, f.line, f.column, str(f.severity), f.message) for f in result.findings]
    return found


MANY = int(os.environ.get("PLANLINT_MANY_PLANS", "2000"))


def test_a_folder_of_many_plans_reports_every_finding_of_every_file(tmp_path, cli):
    paths = generate(str(tmp_path), MANY)
    expected = alone(paths)

    result = cli("check", "--format", "json", str(tmp_path))
    reported = defaultdict(list)
    for item in json.loads(result.stdout):
        reported[item["file"]].append((item["code"], item["line"], item["column"], item["severity"], item["message"]))

    assert set(reported) <= set(paths)  # the skipped files gave nothing
    assert {p: f for p, f in expected.items() if f} == dict(reported)
    assert sum(len(f) for f in reported.values()) == sum(len(f) for f in expected.values())
    codes = Counter(code for found in expected.values() for code, *_ in found)
    assert {"PL001", "PL002", "PL003", "PL004", "PL101"} <= set(codes), codes  # the mix is really mixed
    failing = any(severity in ("warning", "error") for found in expected.values() for *_, severity, _ in found)
    assert result.exit_code == (1 if failing else 0)  # the default --fail-on is warning


@pytest.mark.parametrize("fail_on, exit_code", [("warning", 1), ("error", 0)])
def test_the_exit_code_is_the_worst_file_s(tmp_path, cli, fail_on, exit_code):
    """Forty clean plans and one with a warning (too few tokens per parameter, above 4:1)."""
    clean = ("planlint: 1\nname: ok\ngoal: base\nmodel: {params: 1B}\ndata: {train_tokens: 20B}\n"
             "compute: {flops: 1.2e20}\n")
    for i in range(40):
        (tmp_path / f"ok-{i:02d}.yaml").write_text(clean)
    (tmp_path / "zz-warning.yaml").write_text(clean.replace("20B", "8B").replace("1.2e20", "4.8e19"))
    result = cli("check", "--format", "concise", "--fail-on", fail_on, str(tmp_path))
    assert result.output.count("PL101 [warning]") == 1
    assert result.exit_code == exit_code


def test_an_unreadable_file_among_many_exits_2_and_the_others_are_still_reported(tmp_path, cli):
    paths = generate(str(tmp_path), 60, seed=7)
    os.symlink(str(tmp_path / "missing.yaml"), str(tmp_path / "team-03" / "dangling.yaml"))
    expected = alone(paths)
    result = cli("check", "--format", "json", str(tmp_path))
    assert result.exit_code == 2
    reported = Counter(item["file"] for item in json.loads(result.stdout))
    dangling = str(tmp_path / "team-03" / "dangling.yaml")
    # the unreadable file is in the report too, as one PL001 entry
    assert reported == Counter({p: len(f) for p, f in expected.items() if f}) + Counter({dangling: 1})
    assert "dangling.yaml" in result.stderr
