import pytest

from planlint.engine import lint_bytes
from planlint.plugins import registry


@pytest.fixture
def lint():
    """Lint raw bytes as a file called plan.yaml; returns [(code, line, column, message)]."""

    def run(raw, **kwargs):
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        result = lint_bytes(raw, "plan.yaml", registry(), **kwargs)
        return [(f.code, f.line, f.column, f.message) for f in result.findings]

    return run


MINIMAL = """\
planlint: 1
name: tiny
goal: base
model:
  params: 1B
data:
  train_tokens: 20B
compute:
  flops: 1.2e20
"""


@pytest.fixture
def cli():
    """Invoke the command line in-process; returns click's Result (exit_code, output)."""
    from click.testing import CliRunner

    from planlint.cli import main

    def run(*args, input=None, env=None):
        return CliRunner().invoke(main, list(args), input=input, env=env, catch_exceptions=False)

    return run
