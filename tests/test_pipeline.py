"""One pipeline for every command: `check`, `estimate` and `checklist` read a plan through the
same stages (load, validate, model, numbers), under the same configuration and limits, and each
stage's output is explicit on the result."""

from __future__ import annotations

import json
import re

import pytest

from planlint.config import LIMITS
from planlint.engine import lint_bytes
from planlint.findings import FindingList
from planlint.limits import Limits, key_of
from planlint.load import Document, load_bytes
from planlint.plugins import registry

from conftest import MINIMAL


def test_each_stage_output_is_on_the_result():
    result = lint_bytes(MINIMAL.encode(), "plan.yaml", registry())
    assert isinstance(result.doc, Document) and result.doc.data["name"] == "tiny"
    assert result.plan is not None and result.plan.model.params == 1e9
    assert result.numbers is not None and result.numbers["train_flops"] == pytest.approx(6 * 1e9 * 20e9)


def test_a_plan_that_could_not_be_checked_has_no_plan_and_no_numbers():
    result = lint_bytes(MINIMAL.replace("params: 1B", "params: lots").encode(), "plan.yaml", registry())
    assert [f.code for f in result.findings] == ["PL002"]
    assert result.plan is None and result.numbers is None


def test_the_load_stage_keeps_its_own_findings():
    doc = load_bytes(b"planlint: 1\nname: a\nname: b\n", "plan.yaml")
    assert isinstance(doc.findings, FindingList)
    assert [(f.code, f.line) for f in doc.findings] == [("PL003", 3)]


def test_limits_are_defined_once():
    assert set(LIMITS) == {key_of(name) for name in Limits.__dataclass_fields__} | {"timeout"}
    assert Limits() == Limits.from_settings({key: default for key, (default, _) in LIMITS.items()})


def _pl004_fixes(tmp_path):
    """The fix of every kind of PL004 a plan can get, and the config key each one names."""
    deep = "planlint: 1\nx-a: " + "[" * 80 + "]" * 80 + "\n"
    laughs = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcdef", "bcdefg"))
    many = "planlint: 1\n" + "".join(f"k{i}: 1\n" for i in range(1_200))
    big = "planlint: 1\nname: " + "x" * 2_000_000 + "\n"
    out = []
    for text in (deep, laughs, many, big):
        result = lint_bytes(text.encode(), "plan.yaml", registry())
        out += [f.fix for f in result.findings if f.code == "PL004"]
    return out


def test_every_pl004_fix_names_a_key_the_configuration_takes(tmp_path, cli):
    fixes = _pl004_fixes(tmp_path)
    assert len(fixes) == 4
    for fix in fixes:
        named = re.search(r"`limits\.([a-z-]+)`", fix)
        assert named, fix
        config = tmp_path / ".planlint.yaml"
        config.write_text(f"limits:\n  {named.group(1)}: 5\n", encoding="utf-8")
        (tmp_path / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
        result = cli("config", str(tmp_path / "plan.yaml"))
        assert result.exit_code == 0, result.output


def test_estimate_applies_the_configured_limits(tmp_path, cli):
    (tmp_path / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / ".planlint.yaml").write_text("limits:\n  max-file-bytes: 50\n", encoding="utf-8")
    result = cli("estimate", str(tmp_path / "plan.yaml"))
    assert result.exit_code == 1
    assert "not estimated, the plan could not be checked (first: 1:1 PL004 the file is" in result.output


def test_checklist_applies_the_configured_limits(tmp_path, cli):
    (tmp_path / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / ".planlint.yaml").write_text("limits:\n  max-depth: 1\n", encoding="utf-8")
    result = cli("checklist", str(tmp_path / "plan.yaml"))
    assert result.exit_code == 1
    assert "not checked, the plan could not be checked (first: 5:3 PL004 nesting deeper than 1 levels" in result.output


def test_estimate_and_check_read_the_same_numbers(tmp_path, cli):
    (tmp_path / "plan.yaml").write_text(MINIMAL, encoding="utf-8")
    estimated = json.loads(cli("estimate", str(tmp_path / "plan.yaml"), "--format", "json").output)[0]
    checked = lint_bytes(MINIMAL.encode(), str(tmp_path / "plan.yaml"), registry())
    for key in ("train_flops", "tokens_per_param", "optimal_params", "predicted_loss", "budget_used"):
        assert estimated[key] == checked.numbers[key], key
