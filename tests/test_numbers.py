"""The numbers stage and `planlint estimate`: the Harbor Analytics plan checked by hand against
its seed numbers; missing inputs are null with a note, never a default."""

import json

import pytest

from planlint.numbers import STABLE_KEYS, compute


def forecast(plan, fit=None):
    return compute(plan, fit=fit)
from planlint.model import build

HARBOR_BUDGET = {
    "planlint": 1, "name": "harbor", "goal": "base",
    "model": {"params": "1.3B"},
    "data": {"train_tokens": "40B", "unique_tokens": "60B"},
    "compute": {"flops": "3e21", "gpu_hours": 8000, "accelerator": "a100-80gb", "accelerators": 64,
                "usd_per_gpu_hour": 1.80},
}


def test_harbor_by_hand():
    v = forecast(build(HARBOR_BUDGET)).values
    assert v["train_flops"] == pytest.approx(6 * 1.3e9 * 40e9)  # 3.12e20 (no shape: no attention term)
    assert v["tokens_per_param"] == pytest.approx(30.77, abs=0.01)
    assert v["epochs"] == pytest.approx(2 / 3)
    # the budget pair implies 3e21 / (8,000 x 3,600 x 312e12) = 33.4% MFU: "about a third"
    assert v["mfu"] == pytest.approx(0.334, abs=0.001)
    assert v["budget_used"] == pytest.approx(0.104, abs=0.001)  # "about a tenth of that budget"
    assert v["gpu_hours"] == pytest.approx(8000 * 0.104, rel=0.01)  # 832 of the 8,000 hours
    assert v["wall_clock_days"] == pytest.approx(832 / 64 / 24, rel=0.01)
    assert v["train_usd"] == pytest.approx(832 * 1.80, rel=0.01)
    assert v["implied_mfu"] == pytest.approx(3.12e20 / (8000 * 3600 * 312e12))
    assert v["memory_per_accelerator_bytes"] == 16 * 1.3e9


def test_missing_inputs_are_null_with_a_note_never_a_default():
    plan = build({"planlint": 1, "name": "bare", "model": {"params": "1B"}, "data": {"train_tokens": "20B"}})
    result = forecast(plan)
    for key in ("epochs", "gpu_hours", "wall_clock_days", "train_usd", "implied_mfu", "memory_per_accelerator_bytes",
                "serve_tokens_per_second", "serve_usd_per_million_tokens", "inference_optimal_params"):
        assert result.values[key] is None, key
    assert result.notes["epochs"] == "declare data.unique_tokens"
    assert result.notes["gpu_hours"] == "declare compute.accelerator"
    assert result.notes["inference_optimal_params"] == "declare serving.lifetime_tokens"


def test_every_stable_key_is_present():
    assert set(STABLE_KEYS) <= set(forecast(build(HARBOR_BUDGET)).values)


def test_fits_are_named_and_differ():
    from planlint.estimate import FITS

    plan = build(HARBOR_BUDGET)
    splits = {key: forecast(plan, fit)["optimal_params"] for key, fit in FITS.items()}
    assert len(set(splits.values())) == len(FITS)
    assert forecast(plan, FITS["rule-20"])["predicted_loss"] is None


def test_estimate_command_json(cli, tmp_path):
    path = tmp_path / "h.yaml"
    import yaml

    path.write_text(yaml.safe_dump(HARBOR_BUDGET))
    result = cli("estimate", "--format", "json", str(path))
    assert result.exit_code == 0
    [row] = json.loads(result.output)
    required = ["train_flops", "tokens_per_param", "epochs", "effective_unique_tokens", "optimal_params",
                "optimal_tokens", "predicted_loss", "optimal_loss", "compute_waste", "gpu_hours", "wall_clock_days",
                "train_usd", "implied_mfu", "memory_per_accelerator_bytes", "serve_tokens_per_second",
                "serve_usd_per_million_tokens", "inference_optimal_params"]
    assert [k for k in required if k not in row] == []
    assert row["fit"] == "besiroglu2024"
    assert row["serve_tokens_per_second"] is None


def test_estimate_command_text_names_its_assumptions(cli, tmp_path):
    import yaml

    path = tmp_path / "h.yaml"
    path.write_text(yaml.safe_dump(HARBOR_BUDGET))
    result = cli("estimate", "--fit", "hoffmann2022", str(path))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == f"{path}: harbor (fit: Hoffmann et al. 2022 (unrounded))"
    assert lines[1].split() [:4] == ["training", "compute", "3.12e20", "FLOPs"]
    assert "33% MFU implied by compute.flops over compute.gpu_hours" in result.output
    assert "832 GPU-h" in result.output


def test_estimate_of_an_invalid_plan(cli, tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("planlint: 1\nname: x\nmodel: {parms: 1B}\ndata: {train_tokens: 1B}\n")
    result = cli("estimate", str(path))
    assert result.exit_code == 1
    assert f"{path}: not estimated, the plan could not be checked (first: 3:9 PL002 unknown key 'parms'" in result.output
