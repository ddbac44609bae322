"""A plan that takes too long is stopped and reported; the other plans are still checked."""

import time

from conftest import MINIMAL
from planlint.engine import lint_bytes
from planlint.findings import Severity
from planlint.plugins import Registry, registry
from planlint.rule import Rule


class Hangs(Rule):
    code = "XX901"
    name = "hangs"
    severity = Severity.WARNING
    summary = "Never returns, and swallows ordinary exceptions."

    def check(self, plan, ctx):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # a badly written plugin: must not defeat the timeout
                pass
        yield  # pragma: no cover


def with_rule(rule) -> Registry:
    base = registry()
    extra = Registry(rules={**base.rules, rule.code: rule}, owner={**base.owner, rule.code: "acme"})
    return extra


def test_a_hanging_rule_is_stopped_and_reported():
    started = time.monotonic()
    result = lint_bytes(MINIMAL.encode(), "plan.yaml", with_rule(Hangs), timeout=0.3)
    assert time.monotonic() - started < 2
    assert [(f.code, f.line, f.column, f.message) for f in result.findings] == [
        ("PL004", 1, 1, "checking the plan took longer than 0.3 s and was stopped in rule XX901 (hangs, plugin "
                        "'acme')")]


def test_the_next_file_is_checked_normally():
    lint_bytes(MINIMAL.encode(), "a.yaml", with_rule(Hangs), timeout=0.2)
    undertrained = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")
    result = lint_bytes(undertrained.encode(), "b.yaml", registry(), timeout=0.2)
    assert [(f.code, f.line) for f in result.findings] == [("PL101", 7)]


def test_timeout_option_on_the_command_line(cli, tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(MINIMAL)
    assert cli("check", "--timeout", "0", str(path)).exit_code == 0
    result = cli("check", "--timeout", "-1", str(path))
    assert result.exit_code == 2
