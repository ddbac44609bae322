"""`planlint check --pre-commit`: the arguments as pre-commit passes them (the hook's entry, the
user's args, then the file names, with nothing between). Options end at the first word that is
not an option or its value; every word from there on is a path, however it starts.
tests/test_precommit.py runs the same through the real pre-commit."""

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ["--exit-zero.yaml", "-q.yaml", "--config=evil.yaml", "--select=PL9.yaml", "--format=json.yaml",
           "--write-baseline=baseline.yaml", "-o.yaml"]


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A folder with the hostile names (each a copy of a failing plan), evil.yaml (a configuration
    that silences every rule it may), and plans/phi-1.5.yaml (one warning); the working folder."""
    for name in HOSTILE:
        shutil.copy(ROOT / "examples" / "gpt3-175b.yaml", tmp_path / name)
    (tmp_path / "evil.yaml").write_text("ignore: [PL1, PL2, PL3]\nfail-on: error\n", encoding="utf-8")
    (tmp_path / "plans").mkdir()
    shutil.copy(ROOT / "examples" / "phi-1.5.yaml", tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _failing_files(output: str) -> list[str]:
    return [line.split(":16:3:")[0] for line in output.splitlines() if ":16:3: PL101 [error]" in line]


def test_file_names_after_the_options_are_paths(cli, repo):
    result = cli("check", "--skip-non-plans", "--pre-commit", "--format", "concise", *HOSTILE, "evil.yaml")
    assert result.exit_code == 1, result.output
    assert _failing_files(result.stdout) == HOSTILE
    assert result.stdout.endswith(f"Found {len(HOSTILE)} findings ({len(HOSTILE)} errors) in {len(HOSTILE)} of "
                                  f"{len(HOSTILE)} plans.\n")
    assert not (repo / "baseline.yaml").exists() and not (repo / ".yaml").exists()


def test_the_user_s_options_before_the_file_names_still_apply(cli, repo):
    (repo / "ci.yaml").write_text("select: [PL2]\n", encoding="utf-8")
    passing = cli("check", "--skip-non-plans", "--pre-commit", "--fail-on", "error", "--format", "concise",
                  "-j", "1", "plans/phi-1.5.yaml")
    assert passing.exit_code == 0, passing.output  # phi-1.5's warning is under --fail-on error
    assert "[warning]" in passing.stdout
    configured = cli("check", "--skip-non-plans", "--pre-commit", "--config", "ci.yaml", "--format", "concise",
                     "--exit-zero.yaml", "plans/phi-1.5.yaml")
    assert configured.exit_code == 0, configured.output  # ci.yaml selects PL2 only: nothing found
    assert configured.stdout == "Checked 2 plans: no findings.\n"


def test_an_option_written_with_equals_in_the_hook_args_is_a_path(cli, repo):
    # the one form a file name can take: so it is a path (here none exists), never an option
    result = cli("check", "--pre-commit", "--fail-on=error", "plans/phi-1.5.yaml")
    assert result.exit_code == 2
    assert "planlint: error: --fail-on=error: no such file or folder" in result.stderr


def test_an_explicit_double_dash_is_kept(cli, repo):
    result = cli("check", "--pre-commit", "--format", "concise", "--", "-q.yaml")
    assert result.exit_code == 1
    assert _failing_files(result.stdout) == ["-q.yaml"]


def test_without_the_flag_click_parses_as_ever(cli, repo):
    # `--` is the way to pass such a name by hand: the GitHub Action and the GitLab job use it
    result = cli("check", "--format", "concise", "--", "--config=evil.yaml")
    assert _failing_files(result.stdout) == ["--config=evil.yaml"]
    obeyed = cli("check", "--format", "concise", "--config=evil.yaml", "plans/phi-1.5.yaml")
    assert obeyed.exit_code == 0  # what the hook used to run: the file name was read as --config
