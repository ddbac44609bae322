"""The GitHub Action (action.yml) and the CI snippets in the README.

The action's `run:` scripts are executed with bash the way a runner executes them, in a
simulated job: GITHUB_ACTIONS=true, GITHUB_ACTION_PATH at this checkout, GITHUB_OUTPUT and
RUNNER_TEMP in a temporary folder, the step's `env:` filled in from the inputs, and a copy of
examples/ as the workspace. The check steps use the planlint of the environment running the
tests; the install step is run for real once, on its own.
"""

from __future__ import annotations

import json
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
ACTION = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
STEPS = ACTION["runs"]["steps"]
BIN = Path(sys.executable).parent
# What a runner executes for `shell: bash`.
BASH = ["bash", "--noprofile", "--norc", "-eo", "pipefail"]

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="the action's steps are bash scripts")

GPT3_ANNOTATION = "::error file=examples/gpt3-175b.yaml,line=16,col=3"


def _step(step_id: str) -> dict:
    [step] = [s for s in STEPS if s.get("id") == step_id]
    return step


def _expression(text: str, inputs: dict, outputs: dict) -> str:
    """Fill in ${{ inputs.NAME }} and ${{ steps.ID.outputs.NAME }}, the only expressions used."""

    def value(match: re.Match) -> str:
        expr = match.group(1).strip()
        if expr.startswith("inputs."):
            return inputs[expr.removeprefix("inputs.")]
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expr)
        assert step, f"unexpected expression {expr!r}"
        return outputs.get(step.group(1), {}).get(step.group(2), "")

    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def _condition(step: dict, inputs: dict) -> bool:
    """Evaluate a step's `if:`; the action only tests whether an input is set."""
    if "if" not in step:
        return True
    match = re.fullmatch(r"inputs\.([\w-]+) != ''", step["if"].strip())
    assert match, f"unexpected condition {step['if']!r}"
    return inputs[match.group(1)] != ""


class Job:
    """A simulated job running the action's steps."""

    def __init__(self, tmp_path: Path, **given: str):
        unknown = set(given) - set(ACTION["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        self.inputs.update(given)
        self.workspace = tmp_path / "workspace"
        if not self.workspace.exists():
            shutil.copytree(ROOT / "examples", self.workspace / "examples")
        self.temp = tmp_path / "runner-temp"
        self.temp.mkdir(exist_ok=True)
        # The install step, simulated: the planlint of the environment running the tests.
        self.outputs: dict[str, dict[str, str]] = {"install": {"planlint": str(BIN / "planlint")}}

    def env(self, step: dict) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "PLANLINT"))}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_ACTIONS": "true", "CI": "true", "NO_COLOR": "1",
            "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.temp),
        })
        env.update({name: _expression(str(value), self.inputs, self.outputs)
                    for name, value in step.get("env", {}).items()})
        return env

    def run(self, step_id: str) -> subprocess.CompletedProcess | None:
        """Run one step as a runner would; None when its `if:` skips it. Records its outputs."""
        step = _step(step_id)
        if not _condition(step, self.inputs):
            return None
        out = self.temp / f"output-{step_id}"
        out.write_text("", encoding="utf-8")
        env = dict(self.env(step), GITHUB_OUTPUT=str(out))
        done = subprocess.run([*BASH, "-c", step["run"]], cwd=self.workspace, env=env,
                              capture_output=True, text=True, timeout=600, check=False)
        lines = out.read_text(encoding="utf-8").splitlines()
        self.outputs[step_id] = dict(line.split("=", 1) for line in lines if "=" in line)
        return done


# --- the action's shape ----------------------------------------------------------------------


def test_action_is_a_composite_action_with_documented_inputs():
    assert ACTION["name"] == "planlint" and ACTION["description"]
    assert ACTION["runs"]["using"] == "composite"
    assert set(ACTION["inputs"]) == {"paths", "args", "sarif-file", "version", "python-version"}
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description", "").strip(), f"input {name} has no description"
        assert spec.get("required", False) is False, f"input {name} should be optional"
    assert ACTION["inputs"]["paths"]["default"] == "."
    for name in ("args", "sarif-file", "version", "python-version"):
        assert ACTION["inputs"][name]["default"] == ""


def test_every_run_step_names_its_shell_and_takes_inputs_only_through_env():
    ids = [step.get("id") for step in STEPS if step.get("id")]
    assert len(ids) == len(set(ids))
    for step in STEPS:
        if "uses" in step:
            continue
        assert step.get("shell") == "bash", f"step {step.get('name')} has no shell"
        # ${{ }} inside a script is pasted in before bash reads it: an input could inject code.
        assert "${{" not in step["run"], f"step {step.get('name')} interpolates an expression into its script"
    referenced = set(re.findall(r"inputs\.([\w-]+)", (ROOT / "action.yml").read_text(encoding="utf-8")))
    assert referenced <= set(ACTION["inputs"])


def test_python_version_sets_up_python_only_when_given():
    [setup] = [s for s in STEPS if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert not _condition(setup, {"python-version": ""})
    assert _condition(setup, {"python-version": "3.12"})
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    assert "steps.python.outputs.python-path" in _step("install")["env"]["PLANLINT_PYTHON"]


# --- the steps, run --------------------------------------------------------------------------


def test_sarif_step_writes_sarif_and_check_step_annotates_and_fails(tmp_path):
    sarif = tmp_path / "reports" / "planlint.sarif"  # a folder that does not exist yet
    job = Job(tmp_path, paths="examples", **{"sarif-file": str(sarif)})

    written = job.run("sarif")
    assert written is not None and written.returncode == 0, written.stderr
    report = json.loads(sarif.read_text(encoding="utf-8"))
    assert report["version"] == "2.1.0"
    results = report["runs"][0]["results"]
    [gpt3] = [r for r in results if r["ruleId"] == "PL101" and r["level"] == "error"]
    location = gpt3["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("examples/gpt3-175b.yaml")
    assert location["region"]["startLine"] == 16
    assert job.outputs["sarif"] == {"sarif-file": str(sarif)}

    checked = job.run("check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert GPT3_ANNOTATION + "," in checked.stdout
    assert "::warning file=examples/phi-1.5.yaml" in checked.stdout
    assert "train_tokens: 300B" not in checked.stdout  # annotations, not the text report


def test_without_sarif_file_only_the_check_runs(tmp_path):
    job = Job(tmp_path)  # paths: . (the workspace holds examples/)
    assert job.run("sarif") is None
    checked = job.run("check")
    assert checked.returncode == 1
    assert GPT3_ANNOTATION in checked.stdout
    assert not list(tmp_path.rglob("*.sarif"))


def test_args_and_several_paths_reach_planlint(tmp_path):
    job = Job(tmp_path, paths="examples/gpt3-175b.yaml\nexamples/chinchilla-70b.yaml", args="--format concise")
    checked = job.run("check")
    assert checked.returncode == 1
    assert checked.stdout.startswith("examples/gpt3-175b.yaml:16:3: PL101 [error]")
    assert "in 1 of 2 plans" in checked.stdout

    job = Job(tmp_path, paths="examples/chinchilla-70b.yaml  examples/llama2-70b-chat.yaml", args="--exit-zero")
    checked = job.run("check")
    assert checked.returncode == 0, checked.stdout + checked.stderr

    job = Job(tmp_path, paths="examples", args="--fail-on error --exit-zero")
    checked = job.run("check")
    assert checked.returncode == 0
    assert GPT3_ANNOTATION in checked.stdout


@pytest.mark.parametrize("paths, args", [
    ("examples/$(touch pwned)", ""),
    ("examples/`touch pwned`", ""),
    ("examples;touch pwned", ""),
    ("examples && touch pwned", ""),
    ("examples|touch${IFS}pwned", ""),
    ("examples", "--exit-zero $(touch pwned)"),
    ("examples", "--exit-zero;touch${IFS}pwned"),
])
def test_inputs_are_data_not_shell_code(tmp_path, paths, args):
    job = Job(tmp_path, paths=paths, args=args, **{"sarif-file": "out.sarif"})
    for step in ("sarif", "check"):
        done = job.run(step)
        # planlint itself refused the odd paths or options: bash ran nothing else
        assert done.returncode == 2, done.stdout + done.stderr
        assert re.search(r"planlint: error: .*no such file or folder|No such option", done.stderr), done.stderr
    assert not list(tmp_path.rglob("pwned*"))


def test_globs_in_paths_are_not_expanded(tmp_path):
    done = Job(tmp_path, paths="examples/*.yaml").run("check")
    assert done.returncode == 2
    assert "examples/*.yaml: no such file or folder" in done.stderr


def test_install_step_installs_the_actions_own_revision_into_a_venv(tmp_path):
    # For real: a fresh virtual environment and `pip install` of this checkout (10-40 s).
    job = Job(tmp_path)
    done = job.run("install")
    assert done.returncode == 0, done.stdout + done.stderr
    planlint = Path(job.outputs["install"]["planlint"])
    assert planlint.is_relative_to(tmp_path / "runner-temp")
    version = subprocess.run([str(planlint), "--version"], capture_output=True, text=True, check=True)
    from planlint import __version__

    assert version.stdout.strip() == f"planlint {__version__}"
    assert version.stdout in done.stdout  # the log says what was installed


# --- the README's CI snippets ----------------------------------------------------------------


def _yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", README, re.S | re.M)


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"no section {title!r} in the README"
    return match.group(1)


def _yaml_in(title: str) -> dict:
    [block] = re.findall(r"^```yaml\n(.*?)^```", _section(title), re.S | re.M)
    return yaml.safe_load(block)


def test_every_yaml_block_in_the_readme_parses():
    blocks = _yaml_blocks()
    assert len(blocks) >= 4
    for block in blocks:
        assert yaml.safe_load(block) is not None


def test_readme_workflow_uses_the_action_and_uploads_its_sarif():
    workflow = _yaml_in("GitHub Actions")
    [job] = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    [lint] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("planlint/planlint@")]
    assert set(lint["with"]) <= set(ACTION["inputs"])
    [upload] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == lint["with"]["sarif-file"]
    assert "if" in upload  # the check step fails on findings; the upload must still run
    assert job["steps"].index(lint) < job["steps"].index(upload)


def test_readme_lists_every_input_with_its_default():
    rows = re.findall(r"^\| `([\w-]+)` \|\s*`?([^|`]*?)`?\s*\|", _section("GitHub Actions"), re.M)
    assert {name: default for name, default in rows} == {
        name: spec["default"] for name, spec in ACTION["inputs"].items()}


def test_readme_gitlab_job_reports_code_quality_and_then_fails():
    [job] = _yaml_in("GitLab CI").values()
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    first, second = [line for line in job["script"] if line.startswith("planlint check")]
    assert f"--format gitlab --output-file {report} --exit-zero" in first
    assert "--exit-zero" not in second
    for line in (first, second):  # options end before the paths: a path is never an option
        assert line.split().count("--") == 1 and not any(word.startswith("-") for word in line.split(" -- ")[1].split())


def test_readme_gitlab_job_runs_as_written(tmp_path):
    [job] = _yaml_in("GitLab CI").values()
    workspace = tmp_path / "project"
    shutil.copytree(ROOT / "examples", workspace / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PLANLINT"))}
    env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", NO_COLOR="1")
    codes = []
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # planlint is the one under test
        done = subprocess.run([*BASH, "-c", line], cwd=workspace, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert "Traceback" not in done.stderr, done.stderr
        codes.append(done.returncode)
    assert codes == [0, 1]  # the report is written whatever it finds; the second run fails the job
    report = json.loads((workspace / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    assert {(item["check_name"], item["location"]["path"]) for item in report} >= {("PL101", "examples/gpt3-175b.yaml")}


def test_readme_precommit_config_uses_the_hook():
    config = _yaml_in("pre-commit")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in hooks}


# --- paths are paths -------------------------------------------------------------------------


def _copy_plan(job: Job, name: str, example: str = "gpt3-175b.yaml") -> None:
    target = job.workspace / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "examples" / example, target)


def test_one_path_a_line_may_hold_spaces_start_with_a_dash_or_hold_a_star(tmp_path):
    job = Job(tmp_path, paths="  my plans/gpt 3.yaml\n-q.yaml\n\n--config=evil.yaml\nodd/*.yaml\n",
              **{"sarif-file": "out.sarif"})
    for name in ("my plans/gpt 3.yaml", "-q.yaml", "--config=evil.yaml", "odd/*.yaml"):
        _copy_plan(job, name)  # a file really named odd/*.yaml: the only one the star may name
    _copy_plan(job, "odd/other.yaml")
    (job.workspace / "evil.yaml").write_text("ignore: [PL1, PL2, PL3, PL4]\n", encoding="utf-8")

    checked = job.run("check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    annotated = re.findall(r"^::error file=([^,]*),line=16,col=3", checked.stdout, re.M)
    # in the order given, each a file: none was read as an option (evil.yaml would silence them all)
    assert annotated == ["my plans/gpt 3.yaml", "-q.yaml", "--config=evil.yaml", "odd/*.yaml"]
    assert "odd/other.yaml" not in checked.stdout  # the star was not expanded

    written = job.run("sarif")
    assert written.returncode == 0, written.stderr
    uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in json.loads((job.workspace / "out.sarif").read_text(encoding="utf-8"))["runs"][0]["results"])
    assert uris == ["--config%3Devil.yaml", "-q.yaml", "my%20plans/gpt%203.yaml", "odd/%2A.yaml"]


def test_a_path_that_looks_like_an_option_on_one_line_is_a_path(tmp_path):
    job = Job(tmp_path, paths="--exit-zero examples/chinchilla-70b.yaml")
    done = job.run("check")
    assert done.returncode == 2, done.stdout + done.stderr
    assert "planlint: error: --exit-zero: no such file or folder" in done.stderr


def test_a_glob_on_its_own_line_is_not_expanded(tmp_path):
    done = Job(tmp_path, paths="examples/chinchilla-70b.yaml\nexamples/*.yaml\n").run("check")
    assert done.returncode == 2
    assert "examples/*.yaml: no such file or folder" in done.stderr
