"""Choosing the loss fit: built-in fits, a plan's own ``loss_fit`` and fits a configuration
defines, by ``fit:`` and ``--fit``; check, estimate and checklist price a plan with the same one."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import MINIMAL
from planlint import estimate as est
from planlint.model import build
from planlint.numbers import compute, plan_fit
from planlint.model import PlanLossFit

ROOT = Path(__file__).resolve().parent.parent
# 2.0 tokens/param: PL101 reports the same-loss size under the chosen fit
SHORT = MINIMAL.replace("train_tokens: 20B", "train_tokens: 2B").replace("1.2e20", "1.2e19")
ACME = dict(E=1.9, A=400.0, B=1800.0, alpha=0.34, beta=0.28, source="acme sweep 2026-10", data="acme-web v3")
ACME_CONFIG = """\
fit: acme-web
fits:
  acme-web:
    E: 1.9
    A: 400
    B: 1800
    alpha: 0.34
    beta: 0.28
    source: acme sweep 2026-10
    data: acme-web v3
"""
PLAN_FIT = """\
loss_fit:
  name: team-fit
  E: 1.7
  A: 500
  B: 2500
  alpha: 0.36
  beta: 0.30
  source: team notebook
"""


def write(path: Path, text: str) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return str(path)


def estimated(cli, *args) -> dict:
    result = cli("estimate", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)
    return row


def pl101(cli, *args) -> str:
    result = cli("check", "--format", "json", *args)
    (finding,) = [f for f in json.loads(result.output) if f["code"] == "PL101"]
    return "\n".join((finding["message"], *finding["details"]))  # the headline and its notes


def test_a_configuration_chooses_its_own_fit_for_check_and_estimate(cli, tmp_path):
    write(tmp_path / ".planlint.yaml", ACME_CONFIG)
    plan = write(tmp_path / "plan.yaml", SHORT)
    row = estimated(cli, plan)
    fit = est.LossFit("acme-web", "the acme-web fit", **ACME)
    params, tokens = fit.optimal_split(fit.flops_for_loss(fit.loss(1e9, 2e9)))
    assert (row["fit"], row["fit_source"]) == ("acme-web", "acme sweep 2026-10")
    assert (row["same_loss_params"], row["same_loss_tokens"]) == (pytest.approx(params), pytest.approx(tokens))
    assert row["predicted_loss"] == pytest.approx(1.9 + 400 / 1e9**0.34 + 1800 / 2e9**0.28)
    # check's PL101 and estimate name the same size, from the same fit
    from planlint import units

    assert f"same loss: {units.count(params)} params on {units.count(tokens)} tokens" in pl101(cli, plan)
    assert "the acme-web fit" in pl101(cli, plan)


def test_precedence_command_line_then_configuration_then_plan_then_default(cli, tmp_path):
    plan = write(tmp_path / "p" / "plan.yaml", SHORT + PLAN_FIT)
    assert estimated(cli, plan)["fit"] == "team-fit"  # the plan's own fit, over the default
    assert estimated(cli, "--fit", "hoffmann2022", plan)["fit"] == "hoffmann2022"
    write(tmp_path / "p" / ".planlint.yaml", ACME_CONFIG)
    assert estimated(cli, plan)["fit"] == "acme-web"  # the configuration's, over the plan's
    assert estimated(cli, "--fit", "muennighoff2023", plan)["fit"] == "muennighoff2023"
    assert estimated(cli, "--isolated", plan)["fit"] == "team-fit"
    assert estimated(cli, "--isolated", write(tmp_path / "q.yaml", SHORT))["fit"] == "besiroglu2024"


def test_estimate_prices_a_plan_with_its_own_fit_by_default(cli, tmp_path):
    # estimate once replaced a plan's loss_fit with the default, so it and check disagreed
    plan = write(tmp_path / "plan.yaml", SHORT + PLAN_FIT)
    row = estimated(cli, plan)
    assert row["fit"] == "team-fit"
    assert row["predicted_loss"] == pytest.approx(1.7 + 500 / 1e9**0.36 + 2500 / 2e9**0.30)
    assert "the team-fit fit" in pl101(cli, plan)


@pytest.mark.parametrize("command", ["check", "estimate", "checklist", "config"])
def test_every_command_takes_fit(cli, tmp_path, command):
    write(tmp_path / ".planlint.yaml", ACME_CONFIG)
    plan = write(tmp_path / "plan.yaml", SHORT)
    assert cli(command, "--fit", "hoffmann2022", plan).exit_code in (0, 1)
    result = cli(command, "--fit", "acme-wb", plan)
    assert result.exit_code == 2
    assert ("command line: fit: no loss fit 'acme-wb'; did you mean 'acme-web'? (fits: besiroglu2024, "
            "hoffmann2022, muennighoff2023, rule-20, acme-web; define your own under 'fits')") in result.output


def test_a_fit_the_configuration_does_not_define_is_refused(cli, tmp_path):
    plan = write(tmp_path / "plan.yaml", SHORT)
    result = cli("check", "--fit", "acme-web", plan)
    assert result.exit_code == 2
    assert "no loss fit 'acme-web'" in result.output and "define your own under 'fits'" in result.output


@pytest.mark.parametrize(("spec", "problem"), [
    ("    E: 1.9\n    A: 400\n    B: 1800\n    alpha: 0.34\n    beta: 0.28\n", "'source' is a required property"),
    ("    E: 1.9\n    A: 400\n    B: 1800\n    alpha: 5\n    beta: 0.28\n    source: s\n",
     "alpha: 5 is above 2"),
    ("    E: 1.9\n    A: 400\n    B: 1800\n    alpha: 0.34\n    beta: 0.28\n    source: s\n    gamma: 1\n",
     "unknown key 'gamma' (a fit has E, A, B, alpha, beta, source, data, max_params, max_tokens)"),
    ("    E: lots\n    A: 400\n    B: 1800\n    alpha: 0.34\n    beta: 0.28\n    source: s\n", "E: "),
])
def test_a_fit_with_bad_constants_is_refused_at_its_key(cli, tmp_path, spec, problem):
    config = write(tmp_path / ".planlint.yaml", "fits:\n  mine:\n" + spec)
    result = cli("check", write(tmp_path / "plan.yaml", SHORT))
    assert result.exit_code == 2
    assert f"{config}: fits.mine: {problem}" in result.output


def test_a_configuration_cannot_redefine_a_built_in_fit(cli, tmp_path):
    config = write(tmp_path / ".planlint.yaml", "fits:\n  besiroglu2024:\n    E: 1\n    A: 1\n    B: 1\n"
                                                "    alpha: 0.3\n    beta: 0.3\n    source: s\n")
    result = cli("check", write(tmp_path / "plan.yaml", SHORT))
    assert result.exit_code == 2
    assert f"{config}: fits.besiroglu2024: 'besiroglu2024' is a built-in fit; choose another name" in result.output


def test_pyproject_fits(cli, tmp_path):
    write(tmp_path / "pyproject.toml", '[tool.planlint]\nfit = "acme-web"\n\n[tool.planlint.fits.acme-web]\n'
                                       'E = 1.9\nA = 400\nB = 1800\nalpha = 0.34\nbeta = 0.28\nsource = "s"\n')
    assert estimated(cli, write(tmp_path / "plan.yaml", SHORT))["fit"] == "acme-web"


def test_planlint_config_shows_the_fit_and_where_it_came_from(cli, tmp_path):
    config = write(tmp_path / ".planlint.yaml", ACME_CONFIG)
    plan = write(tmp_path / "plan.yaml", SHORT)
    rows = {row["key"]: row for row in json.loads(cli("config", "--format", "json", plan).output)["settings"]}
    assert (rows["fit"]["value"], rows["fit"]["source"]) == ("acme-web", str(Path(config)))
    assert rows["fits.acme-web"]["value"] == "E 1.9, A 400, B 1800, alpha 0.34, beta 0.28 (acme sweep 2026-10)"
    rows = {row["key"]: row for row in
            json.loads(cli("config", "--format", "json", "--fit", "hoffmann2022", plan).output)["settings"]}
    assert (rows["fit"]["value"], rows["fit"]["source"]) == ("hoffmann2022", "command line")


def test_the_configuration_schema_accepts_fits_as_the_plan_schema_does():
    schema = json.loads((ROOT / "schemas" / "config.schema.json").read_text(encoding="utf-8"))
    good = {"fit": "acme-web", "fits": {"acme-web": {**{k: v for k, v in ACME.items()}, "max_params": "7B"}}}
    jsonschema.validate(good, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fits": {"acme-web": {**ACME, "alpha": 5}}}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"fits": {"Acme Web": ACME}}, schema)


def test_a_configuration_fit_equals_the_same_fit_in_a_plan():
    plan = build({"planlint": 1, "name": "p", "model": {"params": 1e9}, "data": {"train_tokens": 2e9}})
    from planlint.config import build as build_config
    from planlint.plugins import registry

    config = build_config({"fit": "acme-web", "fits": {"acme-web": ACME}}, registry(), origin="t")
    from_config = compute(plan, fit=config.loss_fit)
    from_plan = compute(plan, fit=plan_fit(PlanLossFit(name="acme-web", **ACME)))
    assert from_config.values == from_plan.values


def test_the_readmes_configuration_example_is_one_planlint_accepts():
    import yaml

    from planlint.config import build as build_config
    from planlint.plugins import registry

    block = (ROOT / "README.md").read_text(encoding="utf-8").split("# .planlint.yaml\n")[1].split("```")[0]
    config = build_config(yaml.safe_load(block), registry(), origin="README")
    assert (config.loss_fit.key, config.loss_fit.source) == ("acme-web", "internal sweep 2026-10")
    jsonschema.validate(yaml.safe_load(block), json.loads((ROOT / "schemas" / "config.schema.json").read_text()))
