"""The GitHub Action (action.yml) and the CI snippets in the README.

The action's `run:` scripts are executed with bash the way a runner executes them, in a
simulated job: GITHUB_ACTIONS=true, GITHUB_ACTION_PATH at this checkout, GITHUB_OUTPUT,
GITHUB_STEP_SUMMARY and RUNNER_TEMP in a temporary folder, the step's `env:` filled in from
the inputs, and a copy of examples/ as the workspace. The check steps use the planlint of the
environment running the tests; the prepare and install steps are run for real once (a virtual
environment, pip installing this checkout and the example plugin), and otherwise with a
stand-in pip that records what it was given.
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


def _condition(step: dict, inputs: dict, outputs: dict | None = None) -> bool:
    """Evaluate a step's `if:`: comparisons of an input or a step's output with a string
    (`inputs.cache == 'true'`, `steps.prepare.outputs.pip-cache != ''`), joined by `&&`."""
    if "if" not in step:
        return True
    result = True
    for part in step["if"].split("&&"):
        match = re.fullmatch(r"\s*(inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+) (==|!=) '([^']*)'\s*", part)
        assert match, f"unexpected condition {step['if']!r}"
        value = _expression("${{ " + match.group(1) + " }}", inputs, outputs or {})
        result = result and ((value == match.group(3)) == (match.group(2) == "=="))
    return result


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
        self.summary = tmp_path / "step-summary.md"
        # The prepare and install steps, simulated: the environment running the tests.
        self.outputs: dict[str, dict[str, str]] = {"prepare": {"bin": str(BIN)},
                                                   "install": {"planlint": str(BIN / "planlint")}}

    def env(self, step: dict) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "INPUT_", "PLANLINT"))}
        env.update({
            "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "GITHUB_ACTIONS": "true", "CI": "true", "NO_COLOR": "1",
            "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_WORKSPACE": str(self.workspace),
            "RUNNER_TEMP": str(self.temp), "RUNNER_OS": "Linux", "GITHUB_STEP_SUMMARY": str(self.summary),
        })
        env.update({name: _expression(str(value), self.inputs, self.outputs)
                    for name, value in step.get("env", {}).items()})
        return env

    def run(self, step_id: str) -> subprocess.CompletedProcess | None:
        """Run one step as a runner would; None when its `if:` skips it. Records its outputs."""
        step = _step(step_id)
        if not _condition(step, self.inputs, self.outputs):
            return None
        # the install step pip-installs into the prepared environment: never the one running the tests
        assert step_id != "install" or Path(self.outputs["prepare"]["bin"]).is_relative_to(self.temp), \
            "run the prepare step first, or stand in for pip (_recording_pip)"
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
    assert set(ACTION["inputs"]) == {"paths", "args", "sarif-file", "version", "python-version", "plugins", "cache",
                                     "job-summary"}
    for name, spec in ACTION["inputs"].items():
        assert spec.get("description", "").strip(), f"input {name} has no description"
        assert spec.get("required", False) is False, f"input {name} should be optional"
    assert ACTION["inputs"]["paths"]["default"] == "."
    for name in ("args", "sarif-file", "version", "python-version", "plugins"):
        assert ACTION["inputs"][name]["default"] == ""
    for name in ("cache", "job-summary"):
        assert ACTION["inputs"][name]["default"] == "true"


def test_every_run_step_names_its_shell_and_takes_inputs_only_through_env():
    ids = [step.get("id") for step in STEPS if step.get("id")]
    assert len(ids) == len(set(ids))
    for step in STEPS:
        if "uses" in step:
            continue
        assert step.get("shell") == "bash", f"step {step.get('name')} has no shell"
        # ${{ }} inside a script is pasted in before bash reads it: an input could inject code.
        assert "${{" not in step["run"], f"step {step.get('name')} interpolates an expression into its script"
    referenced = set(re.findall(r"(?<![\w-])inputs\.([\w-]+)", (ROOT / "action.yml").read_text(encoding="utf-8")))
    assert referenced <= set(ACTION["inputs"])


def test_python_version_sets_up_python_only_when_given():
    [setup] = [s for s in STEPS if str(s.get("uses", "")).startswith("actions/setup-python@")]
    assert not _condition(setup, {"python-version": ""})
    assert _condition(setup, {"python-version": "3.12"})
    assert setup["with"]["python-version"] == "${{ inputs.python-version }}"
    assert "steps.python.outputs.python-path" in _step("prepare")["env"]["PLANLINT_PYTHON"]


def test_steps_run_in_order_and_the_check_decides_last():
    ids = [step.get("id") for step in STEPS]
    assert ids == ["python", "prepare", "cache", "install", "sarif", "summary", "check"]


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
    summarized = job.run("summary")  # it never fails the job, and runs nothing either
    assert summarized.returncode == 0, summarized.stdout + summarized.stderr
    assert not list(tmp_path.rglob("pwned*"))


def test_globs_in_paths_are_not_expanded(tmp_path):
    done = Job(tmp_path, paths="examples/*.yaml").run("check")
    assert done.returncode == 2
    assert "examples/*.yaml: no such file or folder" in done.stderr


def test_prepare_and_install_steps_install_planlint_and_a_plugin_into_a_venv(tmp_path):
    # For real: a fresh virtual environment, and `pip install` of this checkout and of the example
    # plugin, a local path in the workspace (20-60 s).
    job = Job(tmp_path, plugins="\n  # ACME's policy, from the repository\n  examples/plugins/planlint-acme-policy\n")
    shutil.copytree(ROOT / "examples" / "plugins", job.workspace / "examples" / "plugins", dirs_exist_ok=True)
    prepared = job.run("prepare")
    assert prepared.returncode == 0, prepared.stdout + prepared.stderr
    bin_folder = Path(job.outputs["prepare"]["bin"])
    assert bin_folder.is_relative_to(tmp_path / "runner-temp")
    done = job.run("install")
    assert done.returncode == 0, done.stdout + done.stderr
    planlint = Path(job.outputs["install"]["planlint"])
    assert planlint.parent == bin_folder
    version = subprocess.run([str(planlint), "--version"], capture_output=True, text=True, check=True)
    from planlint import __version__

    assert version.stdout.strip() == f"planlint {__version__}"
    assert version.stdout in done.stdout  # the log says what was installed
    assert "acme-policy (planlint-acme-policy 0.1.0): planlint_acme_policy\n  rules: ACME101, ACME102\n" in done.stdout


def test_the_cache_key_names_the_os_python_version_and_plugins(tmp_path):
    keys = {}
    for plugins in ("", "planlint-acme-policy==0.1.0", "planlint-acme-policy==0.2.0"):
        job = Job(tmp_path, plugins=plugins)
        assert job.run("prepare").returncode == 0
        keys[plugins] = job.outputs["prepare"]
    release = "%d.%d" % sys.version_info[:2]
    prefix = f"planlint-pip-Linux-py{release}-"
    assert {outputs["cache-prefix"] for outputs in keys.values()} == {prefix}
    assert all(outputs["cache-key"].startswith(prefix) for outputs in keys.values())
    assert len({outputs["cache-key"] for outputs in keys.values()}) == 3  # another plugin list, another key
    job = Job(tmp_path)
    job.run("prepare")
    assert job.outputs["prepare"]["cache-key"] == keys[""]["cache-key"]  # the same inputs, the same key
    assert Path(keys[""]["pip-cache"]).is_absolute()
    [cache] = [s for s in STEPS if str(s.get("uses", "")).startswith("actions/cache@")]
    assert cache["with"] == {"path": "${{ steps.prepare.outputs.pip-cache }}",
                             "key": "${{ steps.prepare.outputs.cache-key }}",
                             "restore-keys": "${{ steps.prepare.outputs.cache-prefix }}"}
    outputs = {"prepare": keys[""]}
    assert _condition(cache, {"cache": "true"}, outputs)
    assert not _condition(cache, {"cache": "false"}, outputs)
    assert not _condition(cache, {"cache": "true"}, {"prepare": {**keys[""], "pip-cache": ""}})  # no pip cache


def _recording_pip(job: Job) -> Path:
    """A stand-in for the venv's python and planlint: python records its arguments, one a line
    (NUL-separated in the file), and does nothing else."""
    fake = job.temp / "fake-bin"
    fake.mkdir()
    record = job.temp / "pip-arguments"
    (fake / "python").write_text(f"#!/bin/sh\nprintf '%s\\0' \"$@\" > '{record}'\n", encoding="utf-8")
    (fake / "planlint").write_text("#!/bin/sh\necho planlint stand-in\n", encoding="utf-8")
    for name in ("python", "planlint"):
        (fake / name).chmod(0o755)
    job.outputs["prepare"] = {"bin": str(fake)}
    return record


def test_each_plugin_line_is_one_argument_to_pip_after_the_options(tmp_path, monkeypatch):
    plugins = ("\n planlint-acme-policy==0.1.0  \n# a comment\n./tools/my plugin\n-r evil.txt\n--index-url=https://evil"
               "\n$HOME/x\n~/y\n*.whl\n$(touch pwned)\n`touch pwned`\n\n")
    job = Job(tmp_path, plugins=plugins, version="0.1.0")
    record = _recording_pip(job)
    (job.workspace / "a.whl").write_text("", encoding="utf-8")  # what *.whl would expand to
    done = job.run("install")
    assert done.returncode == 0, done.stdout + done.stderr
    words = record.read_text(encoding="utf-8").split("\0")[:-1]
    assert words == ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--", "planlint==0.1.0",
                     "planlint-acme-policy==0.1.0", "./tools/my plugin", "-r evil.txt", "--index-url=https://evil",
                     "$HOME/x", "~/y", "*.whl", "$(touch pwned)", "`touch pwned`"]
    assert not list(tmp_path.rglob("pwned*"))
    assert job.outputs["install"] == {"planlint": f"{job.temp / 'fake-bin'}/planlint"}


def test_no_plugins_installs_planlint_alone(tmp_path):
    job = Job(tmp_path)
    record = _recording_pip(job)
    assert job.run("install").returncode == 0
    assert record.read_text(encoding="utf-8").split("\0")[:-1][-2:] == ["--", str(ROOT)]  # the action's revision


# --- the job summary -------------------------------------------------------------------------


def test_the_summary_lists_the_findings_and_the_checklists_and_never_fails(tmp_path):
    job = Job(tmp_path, paths="examples/gpt3-175b.yaml\nexamples/harbor-analytics.yaml")
    done = job.run("summary")
    assert done.returncode == 0, done.stdout + done.stderr  # findings: the check step fails the job, not this
    summary = job.summary.read_text(encoding="utf-8")
    assert summary.startswith("## planlint\n\n**3 findings** (1 error, 1 warning, 1 info) in 2 files.\n\n"
                              "| code | rule | findings |\n|------|------|---------:|\n| PL101 | chinchilla-ratio | 1 |\n")
    assert ("\n- `examples/gpt3-175b.yaml:16:3` **PL101** error: 1.7 tokens/param (300B tokens for 175B params), "
            "under ") in summary
    assert "### Checklist: gpt3-175b (`examples/gpt3-175b.yaml`)" in summary
    assert "### Checklist: harbor-sql-coder (`examples/harbor-analytics.yaml`)" in summary
    assert "GitHub annotates at most" not in summary  # fewer than 10 of each kind


def test_the_summary_is_off_when_asked(tmp_path):
    job = Job(tmp_path, **{"job-summary": "false"})
    assert job.run("summary") is None
    assert not job.summary.exists()


def test_the_summary_says_which_findings_the_annotation_cap_hides(tmp_path):
    job = Job(tmp_path, paths="plans")
    for number in range(12):  # phi-1.5 has a warning and an info: 12 of each, 2 + 2 over GitHub's 10 a step
        _copy_plan(job, f"plans/phi-{number:02}.yaml", "phi-1.5.yaml")
    assert job.run("summary").returncode == 0
    summary = job.summary.read_text(encoding="utf-8")
    assert summary.startswith("## planlint\n\n**24 findings** (12 warnings, 12 info) in 12 files.\n\n"
                              "GitHub annotates at most 10 errors, 10 warnings and 10 notices per step (50 per job), so "
                              "at least 4 of these findings are not annotated on the pull request.")
    assert summary.count("\n- `plans/phi-") == 24  # every finding listed
    assert summary.count("\n### Checklist: ") == 12


def test_a_plan_cannot_forge_markup_in_the_summary(tmp_path):
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    from test_gate_output import FORGED, HOSTILE_TEXT, assert_inert, hostile_plan

    job = Job(tmp_path, paths="plans")
    (job.workspace / "plans").mkdir()
    (job.workspace / "plans" / "`x` [l](evil) @octocat.yaml").write_text(
        hostile_plan(name=FORGED).replace(json.dumps(HOSTILE_TEXT), json.dumps(FORGED)), encoding="utf-8")
    assert job.run("summary").returncode == 0
    summary = job.summary.read_text(encoding="utf-8")
    assert_inert(summary)
    html = cmarkgfm.github_flavored_markdown_to_html(summary, options=Options.CMARK_OPT_UNSAFE)
    assert "<img" not in html and "<a " not in html and "href" not in html
    assert set(re.findall(r"</?([a-z0-9]+)", html)) <= {
        "h2", "h3", "p", "ul", "li", "input", "strong", "code", "del", "table", "thead", "tbody", "tr", "th", "td"}
    assert "- [x] forged ![i](https://evil.example/x.png) &lt;img src=x&gt;" in html  # shown, as text


def _finding(number: int) -> dict:
    return {"file": f"plans/p{number}.yaml", "line": 3, "column": 5, "code": "PL101", "rule": "chinchilla-ratio",
            "severity": "warning", "message": "m" * 50, "fix": "f"}


def test_the_summary_stays_under_github_s_cap_and_says_what_it_left_out():
    import io

    from planlint.report.job_summary import SUMMARY_BYTES, render_summary

    stream = io.StringIO()
    render_summary([_finding(n) for n in range(20)], "### Checklist: a\n\n- [x] done\n", stream, budget=1200)
    text = stream.getvalue()
    listed = text.count("\n- `plans/p")
    assert 0 < listed < 20 and len(text.encode()) < 1200 + 300
    assert text.endswith(f"\n{20 - listed} more findings not listed: a job summary is shown only up to 1 MiB. The "
                         "step's log has them all, and so does the SARIF file when `sarif-file` is set.\n")
    assert "### Checklist" not in text  # no room left for it
    stream = io.StringIO()
    checklists = "".join(f"### Checklist: p{n} (`p{n}.yaml`)\n\n" + "- [ ] **item**\n" * 10 for n in range(50))
    render_summary([], checklists, stream, budget=2000)
    text = stream.getvalue()
    shown = text.count("### Checklist: ")
    assert 0 < shown < 50 and text.endswith(f"\nThe checklists of {50 - shown} more plans are not shown: a job summary "
                                            "is shown only up to 1 MiB. `planlint checklist` lists them.\n")
    assert SUMMARY_BYTES == 1 << 20


def test_the_summary_of_a_report_it_cannot_read_says_so(tmp_path):
    from planlint.report.job_summary import main

    (tmp_path / "stats.json").write_text('{"PL101": 2}', encoding="utf-8")  # --statistics --format json
    done = subprocess.run([sys.executable, "-m", "planlint.report.job_summary", str(tmp_path / "stats.json")],
                          capture_output=True, text=True, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == ("## planlint\n\nThe findings could not be summarized: the report is not a list of findings "
                           "(an `args` option such as `--statistics` changes it). The step's log has them.\n\n")
    done = subprocess.run([sys.executable, "-m", "planlint.report.job_summary", str(tmp_path / "gone.json")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "Traceback" not in done.stderr
    assert done.stderr == "planlint: warning: the findings could not be read: FileNotFoundError\n"
    assert main([]) == 2


# --- the README's CI snippets ----------------------------------------------------------------


def _yaml_blocks() -> list[str]:
    return re.findall(r"^```yaml\n(.*?)^```", README, re.S | re.M)


def _section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, re.S | re.M)
    assert match, f"no section {title!r} in the README"
    return match.group(1)


def _yamls_in(title: str) -> list:
    return [yaml.safe_load(block) for block in re.findall(r"^```yaml\n(.*?)^```", _section(title), re.S | re.M)]


def test_every_yaml_block_in_the_readme_parses():
    blocks = _yaml_blocks()
    assert len(blocks) >= 4
    for block in blocks:
        assert yaml.safe_load(block) is not None


def test_readme_workflow_uses_the_action_and_uploads_its_sarif():
    workflow, with_plugin = _yamls_in("GitHub Actions")
    [job] = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    [lint] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("planlint/planlint@")]
    assert set(lint["with"]) <= set(ACTION["inputs"])
    [upload] = [s for s in job["steps"] if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif@")]
    assert upload["with"]["sarif_file"] == lint["with"]["sarif-file"]
    assert "if" in upload  # the check step fails on findings; the upload must still run
    assert job["steps"].index(lint) < job["steps"].index(upload)
    [step] = with_plugin  # the same step, with a plugin
    assert step["uses"] == lint["uses"] and set(step["with"]) <= set(ACTION["inputs"])
    assert step["with"]["plugins"] == "planlint-acme-policy==0.1.0\n"


def test_readme_lists_every_input_with_its_default():
    rows = re.findall(r"^\| `([\w-]+)` \|\s*`?([^|`]*?)`?\s*\|", _section("GitHub Actions"), re.M)
    assert {name: default for name, default in rows} == {
        name: spec["default"] for name, spec in ACTION["inputs"].items()}


def test_readme_cites_github_s_annotation_and_summary_caps():
    section = _section("GitHub Actions")
    from planlint.report.job_summary import ANNOTATIONS_PER_JOB, ANNOTATIONS_PER_STEP, SUMMARY_BYTES

    assert (f"at most {ANNOTATIONS_PER_STEP} error, {ANNOTATIONS_PER_STEP}\nwarning and {ANNOTATIONS_PER_STEP} "
            f"notice annotations, and a job at most {ANNOTATIONS_PER_JOB}") in section
    assert "https://github.com/actions/toolkit/blob/main/docs/problem-matchers.md#limitations" in section
    assert f"cut off at {SUMMARY_BYTES >> 20} MiB per step" in section
    assert "workflow-commands#step-isolation-and-limits" in section


def _gitlab_jobs() -> list[dict]:
    jobs = [job for block in _yamls_in("GitLab CI") for job in block.values()]
    assert len(jobs) == 2  # without and with a plugin
    return jobs


@pytest.mark.parametrize("number", [0, 1])
def test_readme_gitlab_job_reports_code_quality_and_then_fails(number):
    job = _gitlab_jobs()[number]
    report = job["artifacts"]["reports"]["codequality"]
    assert job["artifacts"]["when"] == "always"
    first, second = [line for line in job["script"] if line.startswith("planlint check")]
    assert f"--format gitlab --output-file {report} --exit-zero" in first
    assert "--exit-zero" not in second
    for line in (first, second):  # options end before the paths: a path is never an option
        assert line.split().count("--") == 1 and not any(word.startswith("-") for word in line.split(" -- ")[1].split())


def test_readme_gitlab_job_with_a_plugin_installs_it_with_planlint_and_caches_pip():
    plain, with_plugin = _gitlab_jobs()
    [install] = [line for line in with_plugin["script"] if line.startswith("pip install")]
    assert install.split()[2:] == [*[line for line in plain["script"] if line.startswith("pip install")][0].split()[2:],
                                   "./tools/planlint-acme-policy"]
    assert "planlint plugins" in with_plugin["script"]
    assert with_plugin["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    assert with_plugin["cache"]["paths"] == [".cache/pip"]


@pytest.mark.install
@pytest.mark.parametrize("number", [0, 1])
def test_readme_gitlab_job_runs_as_written(tmp_path, number):
    job = _gitlab_jobs()[number]
    workspace = tmp_path / "project"
    shutil.copytree(ROOT / "examples", workspace / "examples")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "PLANLINT"))}
    env.update(PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", NO_COLOR="1")
    if number:  # the plugin at the path the job names, installed as the pip line would (offline, no build isolation)
        shutil.copytree(ROOT / "examples" / "plugins" / "planlint-acme-policy", workspace / "tools" / "planlint-acme-policy")
        site = tmp_path / "site"
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-build-isolation", "--no-deps", "--no-index",
                        "--target", str(site), str(workspace / "tools" / "planlint-acme-policy")],
                       check=True, capture_output=True, cwd=tmp_path)
        env["PYTHONPATH"] = str(site)
    outputs = []
    for line in job["script"]:
        if line.startswith("pip install"):
            continue  # planlint is the one under test
        done = subprocess.run([*BASH, "-c", line], cwd=workspace, env=env, capture_output=True, text=True,
                              timeout=120, check=False)
        assert "Traceback" not in done.stderr, done.stderr
        outputs.append(done)
    # the report is written whatever it finds; the second run fails the job
    assert [done.returncode for done in outputs] == [0, 0, 1][-len(outputs):]
    report = json.loads((workspace / job["artifacts"]["reports"]["codequality"]).read_text(encoding="utf-8"))
    found = {(item["check_name"], item["location"]["path"]) for item in report}
    assert found >= {("PL101", "examples/gpt3-175b.yaml")}
    assert (("ACME101", "examples/harbor-analytics.yaml") in found) is bool(number)
    if number:
        assert "acme-policy (planlint-acme-policy 0.1.0): planlint_acme_policy\n" in outputs[0].stdout


def test_readme_precommit_config_uses_the_hook():
    config, with_plugin = _yamls_in("pre-commit")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    assert {hook["id"] for hook in repo["hooks"]} <= {hook["id"] for hook in hooks}
    [repo_with_plugin] = with_plugin["repos"]
    assert {key: value for key, value in repo_with_plugin.items() if key != "hooks"} == {
        key: value for key, value in repo.items() if key != "hooks"}
    [hook] = repo_with_plugin["hooks"]
    assert hook == {"id": "planlint", "additional_dependencies": ["planlint-acme-policy==0.1.0"]}


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
