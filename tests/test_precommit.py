"""The pre-commit hook, for real: pre-commit installs planlint from this checkout into its own
environment and runs the hook in a scratch git repository holding a failing plan, a passing
plan and a YAML file that is not a plan.

The scratch repository uses the README's `.pre-commit-config.yaml`, pointed at a commit of this
checkout. pre-commit pip-installs the project once (10-40 s, from the package index) into a
PRE_COMMIT_HOME under pytest's temporary directory, so the user's own pre-commit cache is never
touched and the second run reuses the environment. (`pre-commit try-repo` would reinstall on
every call: it keeps its environments in a throwaway directory.)
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="pre-commit needs git, and git is not installed")

# Folders never copied into the snapshot when the project is not a git checkout (an sdist).
_JUNK = {".git", ".venv", "venv", "build", "dist", "node_modules", "__pycache__", ".pytest_cache",
         ".hypothesis", ".tox", ".nox", ".mypy_cache", ".ruff_cache"}

NOT_A_PLAN = """\
# Not a plan: the hook must skip it. Linted on its own, it would fail the schema (PL002).
services:
  trainer:
    image: example/trainer:latest
"""


def _git_env(home: Path) -> dict[str, str]:
    """Git with a fixed identity and none of the user's or the system's configuration."""
    config = home / "gitconfig"
    config.touch()
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update({
        "GIT_AUTHOR_NAME": "planlint tests", "GIT_AUTHOR_EMAIL": "tests@planlint.invalid",
        "GIT_COMMITTER_NAME": "planlint tests", "GIT_COMMITTER_EMAIL": "tests@planlint.invalid",
        "GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1",
        "PRE_COMMIT_HOME": str(home / "pre-commit-home"),
        "NO_COLOR": "1",
    })
    return env


def _git(cwd: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["git", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"git {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def _project_files(env: dict[str, str]) -> list[str]:
    """The project as it is on disk: tracked and new files, without ignored ones."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if listed.returncode == 0:
        return [name for name in listed.stdout.split("\0") if name and (ROOT / name).is_file()]
    files = []
    for folder, dirs, names in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in _JUNK and not d.endswith(".egg-info")]
        files += [os.path.relpath(os.path.join(folder, name), ROOT) for name in names]
    return files


def _readme_config() -> dict:
    """The `.pre-commit-config.yaml` the README shows."""
    match = re.search(r"^## pre-commit\n.*?```yaml\n(.*?)```", README, re.S | re.M)
    assert match, "no yaml block in the README's pre-commit section"
    return yaml.safe_load(match.group(1))


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """``(home, env, config)``: a commit of this checkout to install the hook from, the
    environment to run git and pre-commit in, and the README's `.pre-commit-config.yaml`
    pointed at that commit. Every scratch repository of this module shares pre-commit's
    cache, so the hook is installed once."""
    if subprocess.run([sys.executable, "-c", "import pre_commit"], capture_output=True).returncode:
        pytest.fail("pre-commit is not installed in this environment: pip install '.[test]'")
    home = tmp_path_factory.mktemp("precommit")
    env = _git_env(home)

    # pre-commit installs a hook repository from a commit. Committing a copy of the working
    # tree (new files included) tests the code as it is on disk, not as it was last committed.
    project = home / "project"
    for name in _project_files(env):
        target = project / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    _git(project, env, "init", "-q")
    _git(project, env, "add", "-A")
    _git(project, env, "commit", "-q", "-m", "snapshot")
    head = _git(project, env, "rev-parse", "HEAD").strip()

    config = _readme_config()
    [entry] = config["repos"]
    assert entry["repo"] == "https://github.com/planlint/planlint"
    entry.update(repo=str(project), rev=head)
    return home, env, config


def _runner(repo: Path, env: dict[str, str]):
    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "planlint", "--color", "never", *args],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)

    return run


@pytest.fixture(scope="module")
def workspace(hook_repo):
    """``run(*args)`` runs ``pre-commit run planlint *args`` in a scratch git repository with
    plans/gpt3-175b.yaml (fails), plans/chinchilla-70b.yaml (passes) and config/deploy.yml (not a
    plan), configured as the README says."""
    home, env, config = hook_repo
    repo = home / "repo"
    (repo / "plans").mkdir(parents=True)
    (repo / "config").mkdir()
    shutil.copy(ROOT / "examples" / "gpt3-175b.yaml", repo / "plans")
    shutil.copy(ROOT / "examples" / "chinchilla-70b.yaml", repo / "plans")
    (repo / "config" / "deploy.yml").write_text(NOT_A_PLAN, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", "-A")
    return _runner(repo, env)


def test_hook_fails_on_the_undertrained_plan_and_skips_the_non_plan(workspace):
    done = workspace("--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "plans/gpt3-175b.yaml:16:3: PL101 [error]" in output
    assert "train_tokens: 300B" in output
    assert "Failed" in output
    # Two plans checked: the compose-style file and .pre-commit-config.yaml were passed to the
    # hook (types_or: [yaml, ...]) and skipped, not linted against the schema.
    assert "in 1 of 2 plans" in output
    assert "deploy.yml" not in output
    assert "PL002" not in output


def test_hook_passes_on_a_good_plan_next_to_a_non_plan(workspace):
    done = workspace("--files", "plans/chinchilla-70b.yaml", "config/deploy.yml")
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Passed" in output


def test_a_commit_that_changes_only_a_launch_config_checks_the_plan_drawn_from_it(hook_repo):
    home, env, config = hook_repo
    repo = home / "launch-repo"
    shutil.copytree(ROOT / "examples" / "launch" / "megatron", repo / "train")
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", "-A")
    run = _runner(repo, env)
    done = run("--all-files")
    assert done.returncode == 0, done.stdout + done.stderr  # the plan agrees with its script
    script = repo / "train" / "train_8b.sh"
    script.write_text(script.read_text(encoding="utf-8").replace("TRAIN_ITERS=476837", "TRAIN_ITERS=286102"),
                      encoding="utf-8")
    _git(repo, env, "add", "-A")
    done = run()  # the staged files: the script alone
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert ("train/llama3-8b.yaml:15:17: PL501 [error] data.train_tokens is 2T here but 1.2T in "
            "train/train_8b.sh:10 TRAIN_ITERS") in output


def test_hooks_file_declares_one_python_hook_for_yaml_that_skips_non_plans():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == ["planlint"]
    [hook] = hooks
    assert hook["language"] == "python"
    assert hook["types_or"] == ["yaml", "toml", "json", "shell"]  # plans and the launch configs they name
    assert hook["entry"].split()[:2] == ["planlint", "check"]
    assert "--skip-non-plans" in hook["entry"].split()
    assert hook["entry"].split()[-1] == "--pre-commit"  # file names after the user's args are paths
    assert hook.get("pass_filenames", True) is True


# -- file names are never options -----------------------------------------------------------

# Committed at the top of the repository, where pre-commit passes them as they are: each one,
# read as an option, would switch the gate off or turn it green. Each is a copy of a failing
# plan, so each must show up as a failing plan of that name.
HOSTILE_NAMES = ["--exit-zero.yaml", "-q.yaml", "--config=evil.yaml", "--write-baseline=baseline.yaml",
                 "--select=PL9.yaml", "--format=json.yaml"]
EVIL_CONFIG = "ignore: [PL1, PL2, PL3, PL4]\nfail-on: error\n"  # evil.yaml: silences every rule it may


@pytest.fixture(scope="module")
def hostile(hook_repo):
    """``(run, repo)``: a scratch repository holding the hostile names beside plans/phi-1.5.yaml
    (a warning, no error), hooked up with ``args: [--fail-on, error]``."""
    home, env, config = hook_repo
    repo = home / "hostile"
    (repo / "plans").mkdir(parents=True)
    for name in HOSTILE_NAMES:
        shutil.copy(ROOT / "examples" / "gpt3-175b.yaml", repo / name)
    (repo / "evil.yaml").write_text(EVIL_CONFIG, encoding="utf-8")
    shutil.copy(ROOT / "examples" / "phi-1.5.yaml", repo / "plans")
    hooked = yaml.safe_load(yaml.safe_dump(config))
    hooked["repos"][0]["hooks"][0]["args"] = ["--fail-on", "error"]  # the user's options: separate words
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(hooked), encoding="utf-8")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", "-A")
    return _runner(repo, env), repo


def test_committed_file_names_that_look_like_options_are_linted_not_obeyed(hostile):
    run, repo = hostile
    done = run("--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    for name in HOSTILE_NAMES:
        assert f"\n{name}:16:3: PL101 [error] 1.7 tokens/param" in output, name
    assert "Found 8 findings (6 errors, 1 warning, 1 info) in 7 of 7 plans." in output
    assert not (repo / "baseline.yaml").exists()
    assert "No such option" not in output and "Traceback" not in output


def test_the_hook_s_args_are_still_options(hostile):
    run, _repo = hostile
    done = run("--verbose", "--files", "plans/phi-1.5.yaml")  # verbose: a passing hook's output too
    output = done.stdout + done.stderr
    # phi-1.5 has a warning: the default --fail-on (warning) would fail, the hook's `--fail-on error` passes
    assert "plans/phi-1.5.yaml:" in output and "[warning]" in output, output
    assert done.returncode == 0, output
    assert "Passed" in output


# -- a plugin through additional_dependencies -------------------------------------------------

def _readme_plugin_hook() -> dict:
    """The hook of the README's second pre-commit block: planlint with a plugin."""
    match = re.search(r"^## pre-commit\n.*?```yaml\n.*?```.*?```yaml\n(.*?)```", README, re.S | re.M)
    assert match, "no second yaml block (a plugin) in the README's pre-commit section"
    [repo] = yaml.safe_load(match.group(1))["repos"]
    [hook] = repo["hooks"]
    return hook


def test_a_plugin_installed_through_additional_dependencies_runs_in_the_hook(hook_repo):
    """The README's hook with a plugin, the bundled example plugin given by absolute path (the
    form the README says works offline): pre-commit pip-installs planlint and the plugin into one
    environment (another 10-40 s), and the plugin's rule fails the commit."""
    home, env, config = hook_repo
    hook = _readme_plugin_hook()
    assert hook["additional_dependencies"] == ["planlint-acme-policy==0.1.0"]
    plugin = home / "project" / "examples" / "plugins" / "planlint-acme-policy"  # the snapshot's copy
    hooked = yaml.safe_load(yaml.safe_dump(config))
    hooked["repos"][0]["hooks"] = [{**hook, "additional_dependencies": [str(plugin)]}]
    repo = home / "with-plugin"
    (repo / "plans").mkdir(parents=True)
    shutil.copy(ROOT / "examples" / "harbor-analytics.yaml", repo / "plans")
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(hooked), encoding="utf-8")
    _git(repo, env, "init", "-q")
    _git(repo, env, "add", "-A")
    done = _runner(repo, env)("--all-files")
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert ("plans/harbor-analytics.yaml:29:15: ACME101 [error] data source 'synthetic-sql-pairs' has no revision; "
            "ACME policy pins every source (pinned-revisions)") in output
    assert "Found 4 findings (2 errors, 1 warning, 1 info) in 1 of 1 plan." in output
    # and the hook without the plugin (the first environment) does not report it
    plain = yaml.safe_load(yaml.safe_dump(config))
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(plain), encoding="utf-8")
    _git(repo, env, "add", "-A")
    without = _runner(repo, env)("--all-files")
    output = without.stdout + without.stderr
    assert "Found 2 findings (1 warning, 1 info) in 1 of 1 plan." in output, output
    assert "ACME101" not in output
