"""Messages that answer the next question a reader has."""

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import MINIMAL

ROOT = Path(__file__).resolve().parent.parent


def write(path, text):
    path.write_text(text, encoding="utf-8")
    return str(path)


# -- a percentage written without its sign -----------------------------------------------------


@pytest.mark.parametrize(("written", "message"), [
    ("45", "compute.mfu: 45 is above 1; did you mean 45%?"),
    ("40.5", "compute.mfu: 40.5 is above 1; did you mean 40.5%?"),
    ("150", "compute.mfu: 150 is above 1, more than any plan means: check the unit suffix"),
])
def test_an_mfu_written_as_a_percentage_without_its_sign(lint, written, message):
    assert lint(MINIMAL + f"  mfu: {written}\n") == [("PL002", 10, 8, message)]


@pytest.mark.parametrize("written", ["45%", "0.45"])
def test_an_mfu_as_a_fraction_or_a_percentage_is_fine(lint, written):
    assert lint(MINIMAL + f"  mfu: {written}\n") == []


# -- one typo, one error ------------------------------------------------------------------------


def test_a_misspelt_required_key_is_one_error(lint):
    assert lint(MINIMAL.replace("  train_tokens:", "  trian_tokens:")) == [
        ("PL002", 7, 3, "unknown key 'trian_tokens' in data; did you mean 'train_tokens'?")]


def test_a_misspelt_key_of_a_custom_accelerator_is_one_error(lint):
    plan = MINIMAL + ("custom_accelerators:\n  lab-npu: {peak_tflops: 400, memory: 96, memory_bandwidth_gbps: 3200}\n")
    assert lint(plan) == [
        ("PL002", 11, 31, "unknown key 'memory' in custom_accelerators.lab-npu; did you mean 'memory_gb'?")]


def test_a_missing_key_with_no_look_alike_is_still_reported(lint):
    assert lint(MINIMAL.replace("  train_tokens: 20B\n", "  unrelated: 20B\n")) == [
        ("PL002", 6, 1, "data is missing the required key 'train_tokens' (Tokens seen in pre-training, repeats "
                        "included)"),
        ("PL002", 7, 3, "unknown key 'unrelated' in data"),
    ]


# -- custom accelerators, documented where users look --------------------------------------------


def custom_accelerator_schema():
    schema = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    return schema["properties"]["custom_accelerators"]["additionalProperties"]


def test_the_readme_names_every_key_of_a_custom_accelerator_and_its_example_checks(tmp_path, cli):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(custom_accelerators:\n.*?)```", readme, re.S).group(1)
    keys = custom_accelerator_schema()["properties"]
    for key in keys:
        assert f"`{key}`" in readme, key
    assert set(yaml.safe_load(block)["custom_accelerators"]["lab-npu"]) == set(keys)
    plan = MINIMAL.replace("compute:\n  flops: 1.2e20\n", block + "  flops: 1.2e20\n")
    result = cli("check", write(tmp_path / "plan.yaml", plan))
    assert (result.exit_code, result.output) == (0, "Checked 1 plan: no findings.\n")


def test_planlint_schema_describes_every_key_of_a_custom_accelerator(cli):
    printed = json.loads(cli("schema").output)["properties"]["custom_accelerators"]["additionalProperties"]
    assert printed["required"] == ["peak_tflops", "memory_gb", "memory_bandwidth_gbps"]
    assert all(entry.get("description") for entry in printed["properties"].values())


# -- the estimate ----------------------------------------------------------------------------------


def estimate_rows(cli, path) -> dict[str, str]:
    rows = {}
    for line in cli("estimate", path).output.splitlines()[1:]:
        name, rest = line[2:26].strip(), line[26:]
        rows[name] = rest
    return rows


SHORT_RUN = MINIMAL.replace("params: 1B", "params: 10M").replace("train_tokens: 20B", "train_tokens: 200M").replace(
    "flops: 1.2e20", "flops: 1.2e16\n  accelerator: h100-sxm\n  accelerators: 8\n  gpu_hours: 2")


def test_a_short_run_takes_minutes_not_days(cli, tmp_path):
    rows = estimate_rows(cli, write(tmp_path / "plan.yaml", SHORT_RUN))
    assert rows["wall-clock"].split("  ")[0] == "15 min"


def test_the_implied_mfu_row_names_only_what_is_missing(cli, tmp_path):
    rows = estimate_rows(cli, write(tmp_path / "plan.yaml", SHORT_RUN))
    assert rows["implied MFU"].startswith("0.17% ")
    assert "declare" not in rows["implied MFU"]
    rows = estimate_rows(cli, write(tmp_path / "plan.yaml", SHORT_RUN.replace("  accelerator: h100-sxm\n", "")))
    assert rows["implied MFU"].split() == ["-", "declare", "compute.accelerator"]


def test_a_serving_cost_for_a_replica_the_model_does_not_fit_says_so_beside_it(cli, tmp_path):
    plan = MINIMAL.replace("params: 1B", "params: 70B") + (
        "serving: {accelerator: t4, precision: bf16, usd_per_gpu_hour: 1}\n")
    row = estimate_rows(cli, write(tmp_path / "plan.yaml", plan))["serving cost"]
    assert re.match(r"\$\d+ per 1M tokens +the model does not fit this replica \(PL402\), so no replica serves at "
                    r"this cost; 1 x \$1\.00 per accelerator-hour", row), row
    fits = estimate_rows(cli, write(tmp_path / "plan.yaml", plan.replace("70B", "1B")))["serving cost"]
    assert "does not fit" not in fits


# -- a configured rule whose plugin is not installed -----------------------------------------------


@pytest.mark.parametrize(("config", "message"), [
    ("ignore: [ACME101]\n", "ignore: no rule or prefix 'ACME101': no installed plugin provides ACME rules; install "
                            "the plugin that does in this environment (`planlint plugins` lists the plugins loaded)"),
    ("options:\n  ACME101: {limit: 3}\n", "options.ACME101: no rule 'ACME101': no installed plugin provides ACME "
                                          "rules; install the plugin that does in this environment (`planlint "
                                          "plugins` lists the plugins loaded)"),
    ("select: [PL1011]\n", "select: no rule or prefix 'PL1011'; did you mean PL101? (`planlint rules` lists them)"),
    ("ignore: [chinchila-ratio]\n", "ignore: no rule or prefix 'chinchila-ratio'; did you mean chinchilla-ratio? "
                                    "(`planlint rules` lists them)"),
])
def test_an_unknown_rule_in_the_configuration_says_why(cli, tmp_path, monkeypatch, config, message):
    monkeypatch.chdir(tmp_path)
    write(tmp_path / ".planlint.yaml", config)
    write(tmp_path / "plan.yaml", MINIMAL)
    result = cli("check", "plan.yaml")
    assert result.exit_code == 2
    assert result.output == f"planlint: error: {tmp_path / '.planlint.yaml'}: {message}\n"


def test_an_unknown_accelerator_lists_the_known_ones_in_a_detail():
    from planlint.accelerators import CATALOGUE
    from planlint.testing import findings

    (found,) = findings(MINIMAL + "  accelerator: a100\n")
    assert found.message == "compute.accelerator: unknown accelerator 'a100'; did you mean 'a100-40gb' or 'a100-80gb'?"
    assert found.details == (f"known: {', '.join(CATALOGUE)} (`planlint accelerators` lists them)",)


def test_a_value_outside_a_long_list_names_the_list_in_a_detail():
    from planlint.testing import findings

    (found,) = findings(MINIMAL + "training: {schedule: cosin}\n")
    assert found.message == "training.schedule: 'cosin' is not one of its 7 values; did you mean 'cosine'?"
    assert found.details == ("training.schedule is one of cosine, linear, wsd, constant, multi-step, inverse-sqrt, "
                             "other",)
    (short,) = findings(MINIMAL.replace("goal: base", "goal: bas"))
    assert short.message == "goal: 'bas' is not one of base, assistant, research; did you mean 'base'?"
    assert short.details == ()
