"""Which files are plans: one test (``planlint.discover.is_plan``) decides it from the parsed
top level for folder searches, ``--skip-non-plans`` and pre-commit; what a search skips is
said with ``--verbose`` and ``--show-files``, and a FIFO in a folder is never opened."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MINIMAL
from planlint.discover import Target, discover, is_plan, is_plan_file
from planlint.engine import lint_target

import hostile

ROOT = Path(__file__).resolve().parent.parent
CLEAN = (ROOT / "examples" / "chinchilla-70b.yaml").read_text(encoding="utf-8")  # no findings
NOT_A_PLAN = "not a plan: its top level has no `planlint:` key with a format version (planlint: 1)"


def _gitlab_job() -> str:
    """The first `.gitlab-ci.yml` the README shows."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## GitLab CI", 1)[1]
    return re.search(r"```yaml\n(.*?)```", section, re.S).group(1)


PLANS = {
    "block": b"planlint: 1\nname: x\n",
    "json": b'{"planlint": 1, "name": "x"}',
    "json, key not first": b'{\n  "name": "x",\n  "planlint": 1\n}\n',
    "json indented with tabs": b'{\n\t"planlint": 1,\n\t"name": "x"\n}\n',
    "flow": b"{planlint: 1, name: x}\n",
    "quoted key": b'"planlint": 1\nname: x\n',
    "single-quoted key": b"'planlint': 1\nname: x\n",
    "explicit key": b"? planlint\n: 1\nname: x\n",
    "anchored key": b"&v planlint: 1\nname: x\n",
    "tagged key": b"!!str planlint: 1\nname: x\n",
    "quoted version": b'planlint: "1"\nname: x\n',
    "a version the schema refuses": b"planlint: 2\nname: x\n",
    "indented document": b"  planlint: 1\n  name: x\n",
    "document marker": b"%YAML 1.1\n---\nplanlint: 1\n",
    "UTF-8 with BOM": b"\xef\xbb\xbfplanlint: 1\n",
    "UTF-16 with BOM": "planlint: 1\nname: x\n".encode("utf-16"),
    "UTF-16 BE without BOM": "planlint: 1\nname: x\n".encode("utf-16-be"),
    "UTF-32": "planlint: 1\nname: x\n".encode("utf-32"),
    "broken after the key": b"planlint: 1\nname: [\n",
    "broken before the key": b"name: [\nplanlint: 1\n",
    "broken line run into the version": b"planlint: 1\n  x: [unclosed\nname: t\n",
    "not UTF-8": b"planlint: 1\nname: caf\xe9\n",
    "binary after the key": b"planlint: 1\n\x00\xff\xfe",
    "key after others": b"name: x\nmodel: {params: 1B}\nplanlint: 1\n",
    "version by alias": b"x-version: &v 1\nplanlint: *v\n",
    "version by alias from inside": b"x-meta: {format: &v 1}\nplanlint: *v\n",
}
NOT_PLANS = {
    "the README's GitLab job": _gitlab_job().encode(),
    "a job named planlint, flow": b"{planlint: {script: [planlint check .]}}",
    "a package.json that configures planlint": b'{"name": "x", "planlint": {"paths": ["."]}}',
    "a package.json script": b'{"scripts": {"planlint": "planlint check ."}}',
    "a Hugging Face config.json": b'{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096}',
    "a nested key": b"tools:\n  planlint: 1\n",
    "a comment": b"# planlint: 1\nkey: value\n",
    "a list": b"- planlint: 1\n",
    "an empty key": b"planlint:\nname: x\n",
    "a word": b"planlint: enabled\n",
    "a pre-commit config": b"repos:\n- repo: local\n  hooks:\n  - id: planlint\n    entry: planlint check\n",
    "an empty file": b"",
    "an alias of a mapping": b"x-job: &j {script: [a]}\nplanlint: *j\n",
}


@pytest.mark.parametrize("raw", list(PLANS.values()), ids=list(PLANS))
def test_a_plan_in_any_spelling_is_a_plan(raw):
    assert is_plan(raw)
    assert is_plan_file("plans/x.yaml", raw) and is_plan_file("plans/x.json", raw) and is_plan_file("X.YML", raw)
    assert not is_plan_file("plans/x.toml", raw) and not is_plan_file("train.sh", raw)


@pytest.mark.parametrize("raw", list(NOT_PLANS.values()), ids=list(NOT_PLANS))
def test_other_yaml_and_json_is_not_a_plan(raw):
    assert not is_plan(raw)


@pytest.mark.parametrize("name", ["indented document", "UTF-16 with BOM", "tagged key", "json, key not first"])
def test_each_plan_found_is_one_the_checker_reads_as_a_plan(tmp_path, name):
    """Discovery finds it, and the checker reports on it (UTF-16 is a PL001, never a skip)."""
    path = tmp_path / "plan.yaml"
    path.write_bytes(PLANS[name])
    result = lint_target(Target(str(path), explicit=False), hostile.registry())
    assert result is not None and result.findings
    if name == "UTF-16 with BOM":
        assert [(f.code, f.message) for f in result.findings] == [
            ("PL001", "the file is UTF-16 encoded; planlint reads UTF-8")]


def test_the_readme_gitlab_job_passes_on_a_repository_with_a_clean_plan(tmp_path, cli, monkeypatch):
    (tmp_path / ".gitlab-ci.yml").write_text(_gitlab_job(), encoding="utf-8")
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "run.yaml").write_text(CLEAN, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = cli("check", "--format", "json", "--", ".")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []
    assert cli("check", "--show-files", "--", ".").stdout == "plans/run.yaml\n"


def test_json_plans_are_found_and_other_json_is_left_alone(tmp_path, cli):
    plan = json.loads(json.dumps({"planlint": 1, "name": "j", "model": {"params": "1B"},
                                  "data": {"train_tokens": "20B"}, "compute": {"flops": 1.2e20}, "goal": "base"}))
    (tmp_path / "plan.json").write_text(json.dumps(plan, indent=2), encoding="utf-8")
    (tmp_path / "config.json").write_text('{"architectures": ["LlamaForCausalLM"], "hidden_size": 4096}\n')
    (tmp_path / "package.json").write_text('{"name": "x", "planlint": {"paths": ["."]}}\n')
    result = cli("check", "--show-files", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == f"{tmp_path / 'plan.json'}\n"
    assert result.stderr == (f"planlint: skipped {tmp_path / 'config.json'}: {NOT_A_PLAN}\n"
                             f"planlint: skipped {tmp_path / 'package.json'}: {NOT_A_PLAN}\n")
    checked = cli("check", "--format", "json", str(tmp_path))
    assert {f["file"] for f in json.loads(checked.stdout)} <= {str(tmp_path / "plan.json")}
    assert checked.exit_code == 0


def _tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    for folder in ("plans", "venv", ".venv", "env", "fake", ".git", "node_modules"):
        (root / folder).mkdir(parents=True)
        (root / folder / "p.yaml").write_text(MINIMAL, encoding="utf-8")
    (root / "env" / "pyvenv.cfg").write_text("home = /usr/bin\nversion = 3.11.7\n", encoding="utf-8")
    (root / "fake" / "pyvenv.cfg").write_text("# notes about our venv setup\n", encoding="utf-8")
    (root / "notes.yaml").write_text("key: value\n", encoding="utf-8")
    return root


def test_only_real_virtual_environments_are_skipped_and_show_files_says_why(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    result = cli("check", "--show-files", ".")
    assert result.exit_code == 0
    # a folder named venv without a pyvenv.cfg, or with one that is not a virtual environment's, is searched
    assert result.stdout == ".venv/p.yaml\nfake/p.yaml\nplans/p.yaml\nvenv/p.yaml\n"
    assert result.stderr == (
        "planlint: skipped .git/: a version-control, cache or dependency folder\n"
        "planlint: skipped env/: a virtual environment (pyvenv.cfg)\n"
        "planlint: skipped node_modules/: a version-control, cache or dependency folder\n"
        f"planlint: skipped notes.yaml: {NOT_A_PLAN}\n")


def test_verbose_says_what_a_check_skipped(tmp_path, cli, monkeypatch):
    monkeypatch.chdir(_tree(tmp_path))
    quiet = cli("check", "--format", "json", ".")
    assert quiet.stderr == "" and quiet.exit_code == 0
    result = cli("check", "--format", "json", "-v", ".")
    assert result.stdout == quiet.stdout and result.exit_code == 0
    assert result.stderr == (
        "planlint: skipped .git/: a version-control, cache or dependency folder\n"
        "planlint: skipped env/: a virtual environment (pyvenv.cfg)\n"
        "planlint: skipped node_modules/: a version-control, cache or dependency folder\n"
        f"planlint: skipped notes.yaml: {NOT_A_PLAN}\n")


def test_show_files_lints_nothing_and_exits_2_for_a_missing_path(tmp_path, cli):
    bad = tmp_path / "bad.yaml"
    bad.write_text("planlint: 1\nname: [\n", encoding="utf-8")
    result = cli("check", "--show-files", str(bad), str(tmp_path / "gone.yaml"))
    assert result.exit_code == 2
    assert result.stdout == f"{bad}\n"
    assert result.stderr == f"planlint: error: {tmp_path / 'gone.yaml'}: no such file or folder\n"
    assert cli("check", "--show-files", str(bad)).exit_code == 0


def test_show_files_with_skip_non_plans_lists_the_plans_among_named_files(tmp_path, cli):
    plan = tmp_path / "p.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    job = tmp_path / ".gitlab-ci.yml"
    job.write_text(_gitlab_job(), encoding="utf-8")
    script = tmp_path / "train.sh"
    script.write_text("planlint: 1\n", encoding="utf-8")
    result = cli("check", "--show-files", "--skip-non-plans", str(plan), str(job), str(script))
    assert result.exit_code == 0
    assert result.stdout == f"{plan}\n"
    assert result.stderr == f"planlint: skipped {job}: {NOT_A_PLAN}\nplanlint: skipped {script}: {NOT_A_PLAN}\n"
    assert cli("check", "--skip-non-plans", str(job), str(script)).exit_code == 0


def test_escaped_names_in_show_files(tmp_path, cli):
    plan = tmp_path / "a\x1b[31m.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    result = cli("check", "--show-files", str(tmp_path))
    assert "\x1b" not in result.stdout and result.stdout.endswith("a\\x1b[31m.yaml\n")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_a_folder_is_skipped_and_reported_never_opened(tmp_path):
    (tmp_path / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.yaml")  # opening it to read would wait for a writer forever
    done = subprocess.run([sys.executable, "-m", "planlint", "check", "--format", "json", str(tmp_path)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0
    assert done.stderr == f"planlint: skipped {tmp_path / 'pipe.yaml'}: a FIFO, not a regular file: not opened\n"
    assert json.loads(done.stdout) == []
    assert discover([str(tmp_path)]).targets == [Target(str(tmp_path / "plan.yaml"), False)]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_file_that_became_a_fifo_after_the_search_is_not_opened_blocking(tmp_path):
    path = tmp_path / "plan.yaml"
    os.mkfifo(path)
    assert lint_target(Target(str(path), explicit=False), hostile.registry()) is None


def _best_of_three(raw: bytes) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        assert not is_plan(raw)
        best = min(best, time.perf_counter() - start)
    return best


def test_deciding_costs_microseconds_for_other_files_and_milliseconds_at_worst():
    """Pre-commit passes every staged YAML, TOML, JSON and shell file: the verdict must stay cheap.
    Typical files take 0.01-0.1 ms and the worst case below 10 ms; the bounds leave a busy
    machine ample room."""
    for raw in (b"services:\n  trainer:\n    image: x\n" * 200, _gitlab_job().encode() * 50,
                b"repos:\n- repo: local\n  hooks:\n  - id: planlint\n" * 50):
        assert _best_of_three(raw) < 0.005, raw[:40]
    # 1 MB that only mentions planlint, at its end: the events read are bounded
    assert _best_of_three(b"k: [1, 2, 3]\n" * 80_000 + b"# see planlint:\n") < 0.05


@pytest.mark.parametrize("key, plan", [("planlint: 1", True), ("&v planlint: 1", True), ("!!str planlint: 1", True),
                                       ('"planlint": 1', True), ("planlint:\n  image: python", False)])
def test_past_the_events_read_the_text_decides(key, plan):
    from planlint.discover import MAX_EVENTS

    filler = "".join(f"k{i}: [1, 2, 3]\n" for i in range(MAX_EVENTS // 4))  # 5 events a line
    assert is_plan((filler + key + "\n").encode()) is plan
