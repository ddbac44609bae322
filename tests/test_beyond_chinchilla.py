"""Beyond the 2022 fit: repeated data in the loss, the fit's own uncertainty and the range it was
made on. Every expected number is the paper's (or its authors' code's), with the source."""

from __future__ import annotations

import json

import pytest

from planlint import estimate as est
from planlint.model import build
from planlint.numbers import compute
from planlint.testing import findings

C4 = est.MUENNIGHOFF_C4
BESIROGLU = est.BESIROGLU_2024


def numbers(model: dict, data: dict, **sections):
    return compute(build({"planlint": 1, "name": "p", "goal": "base", "model": model, "data": data, **sections}))


# -- Muennighoff et al. 2023: repeated data -------------------------------------------------------


def test_the_c4_fit_puts_the_gopher_budget_at_70b_on_1_37t():
    # App. B: "N_opt = 70.0 billion parameters and D_opt = 1.37 trillion tokens" at 5.76e23 FLOPs
    params, tokens = C4.optimal_split(5.76e23)
    assert (params, tokens) == (pytest.approx(70.0e9, rel=0.005), pytest.approx(1.37e12, rel=0.005))


def test_unique_params_are_0_051_of_the_unique_tokens():
    # Eq. 17: "U_N = U_D . 0.051" for the C4 fit (alpha = beta); for 100M tokens 5.1M parameters
    assert est.unique_params(C4, 100e6) == pytest.approx(0.051 * 100e6, rel=0.001)


def test_four_epochs_cost_little_loss():
    # §6: "the N = 8.7 billion parameter model trained for four epochs (D_C = 44 billion unique tokens)
    # finishes training with only 0.5% higher validation loss than the single-epoch model (D_C = 178 billion)";
    # the law itself gives +0.69% (measured 0.5%)
    repeated = est.data_constrained_loss(C4, 8.67e9, 178e9, 44e9)
    fresh = est.data_constrained_loss(C4, 8.67e9, 178e9, 178e9)
    assert repeated / fresh - 1 == pytest.approx(0.0069, abs=0.0005)
    assert repeated / fresh - 1 == pytest.approx(0.005, abs=0.003)


def test_galacticas_data_constrained_optimum():
    # App. G: Galactica, 120B params on 450B tokens from 106B unique (3.24e23 FLOPs): "40 billion
    # parameters trained for 1.35 trillion tokens (12.75 epochs) would have been optimal". The authors'
    # search stops at 3x along the IsoFLOP; the continuous optimum of the same law is 38.2B on 1.42T.
    params, tokens, loss = est.data_constrained_split(C4, 6 * 120e9 * 450e9, 106e9)
    assert params == pytest.approx(40e9, rel=0.05) and tokens == pytest.approx(1.35e12, rel=0.05)
    assert tokens / 106e9 == pytest.approx(12.75, rel=0.05)
    assert loss < est.data_constrained_loss(C4, 120e9, 450e9, 106e9)  # better than Galactica's own split


def test_fewer_parameters_more_epochs_under_a_data_constraint():
    # §5, Fig. 1 right: at 9.3e21 FLOPs on 25B unique tokens the data-constrained optimum has "27% less
    # parameters" than Chinchilla's 8.67B on 178B tokens (the trained optimum: 6.34B on 242B tokens)
    params, tokens, _ = est.data_constrained_split(C4, 6 * 8.67e9 * 178e9, 25e9)
    assert params < 8.67e9 and tokens > 178e9
    assert params == pytest.approx(6.34e9, rel=0.08) and tokens == pytest.approx(242e9, rel=0.08)


def test_a_repeating_plan_is_priced_with_effective_data():
    found = numbers({"params": "1.3B"}, {"train_tokens": "150B", "unique_tokens": "30B"})
    assert found["predicted_loss"] == pytest.approx(est.data_constrained_loss(BESIROGLU, 1.3e9, 150e9, 30e9))
    assert found["predicted_loss"] > BESIROGLU.loss(1.3e9, 150e9)  # repeats are worth less than fresh tokens
    params, tokens, loss = est.data_constrained_split(BESIROGLU, 6 * 1.3e9 * 150e9, 30e9)
    assert (found["data_constrained_params"], found["data_constrained_tokens"]) == (params, tokens)
    assert found["optimal_loss"] == loss
    assert "effective data and parameters D' and N'" in found.notes["predicted_loss"]


def test_one_epoch_is_the_plain_fit():
    found = numbers({"params": "1.3B"}, {"train_tokens": "40B", "unique_tokens": "60B"})
    assert found["predicted_loss"] == BESIROGLU.loss(1.3e9, 40e9)
    assert found["data_constrained_params"] is None


# -- Besiroglu et al. 2024: the fit's own uncertainty ---------------------------------------------


def test_the_optimum_at_chinchillas_compute_has_the_published_band():
    # the authors' notebook (cell 64), multivariate-normal draws around the fit: at 5.88e23 FLOPs the
    # compute-optimal size's 80% band is 55.6-95.7B and tokens per parameter 10.7-31.7 (median 18.4)
    size = est.band(BESIROGLU, lambda f: f.optimal_split(5.88e23)[0])
    ratio = est.band(BESIROGLU, lambda f: f.optimal_split(5.88e23)[1] / f.optimal_split(5.88e23)[0])
    assert size == (pytest.approx(55.6e9, rel=0.02), pytest.approx(95.7e9, rel=0.02))
    assert ratio == (pytest.approx(10.7, rel=0.03), pytest.approx(31.7, rel=0.03))


def test_the_predicted_loss_of_chinchilla_has_its_bootstrap_range():
    # bootstrap 2.5-97.5% of the 4,000 fits for 70B on 1.4T: (1.9509, 2.0019)
    low, high = est.band(BESIROGLU, lambda f: f.loss(70e9, 1.4e12), est.Z_95, log=False)
    assert (low, high) == (pytest.approx(1.9509, abs=0.005), pytest.approx(2.0019, abs=0.005))


def test_estimate_shows_the_ranges():
    found = numbers({"params": "70B"}, {"train_tokens": "1.4T"})
    assert found["optimal_ratio_range"] == [pytest.approx(10.8, abs=0.1), pytest.approx(31.4, abs=0.2)]
    assert "95% range 1.948-1.999" in found.notes["predicted_loss"]


def test_pl101_does_not_warn_inside_the_fits_own_band():
    # at 2.3e25 FLOPs the fit allows 8.0-34 tokens per parameter (80%): 9 is inside it, not a warning
    big = json.dumps({"planlint": 1, "name": "big", "goal": "base", "model": {"params": "650B"},
                      "data": {"train_tokens": "5.85T"}})
    assert [f.code for f in findings(big) if f.code == "PL101"] == []
    # at 1e20 FLOPs the band is 18-26: 9 tokens per parameter is a warning
    small = big.replace("650B", "1.3B").replace("5.85T", "11.7B")
    assert [(f.code, str(f.severity)) for f in findings(small) if f.code == "PL101"] == [("PL101", "warning")]


# -- the range the fit was made on -------------------------------------------------------------


def test_plans_beyond_hoffmanns_runs_are_extrapolations():
    # Hoffmann et al. 2022, abstract: "from 70 million to over 16 billion parameters on 5 to 500 billion tokens"
    found = numbers({"params": "175B"}, {"train_tokens": "300B"})
    assert found["extrapolated"] == ["175B params past the fit's 16B"]
    assert "an extrapolation: 175B params past the fit's 16B" in found.notes["predicted_loss"]
    inside = numbers({"params": "1.3B"}, {"train_tokens": "40B"})
    assert inside["extrapolated"] is None and "extrapolation" not in inside.notes["predicted_loss"]


def test_loss_is_said_in_the_fits_units():
    found = numbers({"params": "1.3B"}, {"train_tokens": "40B"})
    assert "nats/token on MassiveText, SentencePiece 32K tokenizer" in found.notes["predicted_loss"]


# -- Bi et al. 2024 (DeepSeek LLM): batch size and learning rate --------------------------------


@pytest.mark.parametrize("layers, d_model, batch, lr, fitted_batch, fitted_lr", [
    (30, 4096, 2304 * 4096, 4.2e-4, 9.22e6, 4.25e-4),  # 7B, Table 2: C = M D = 8.46e22
    (95, 8192, 4608 * 4096, 3.2e-4, 2.07e7, 3.12e-4),  # 67B: C = 9.95e23
])
def test_deepseek_llm_fits_give_its_own_settings(layers, d_model, batch, lr, fitted_batch, fitted_lr):
    # Eq. 2: M = 72 n_layer d_model^2 + 12 n_layer d_model l_seq at l_seq = 4,096; D = 2T tokens
    found = numbers({"params": "7B", "layers": layers, "d_model": d_model, "heads": 32, "context_length": 4096},
                    {"train_tokens": "2T"})
    assert found["hyperparameter_flops"] == (72 * layers * d_model**2 + 12 * layers * d_model * 4096) * 2e12
    assert found["optimal_batch_tokens"] == pytest.approx(fitted_batch, rel=0.005)
    assert found["optimal_peak_lr"] == pytest.approx(fitted_lr, rel=0.005)
    # "near-optimal": the published settings sit within 10% of the fits
    assert batch / found["optimal_batch_tokens"] == pytest.approx(1.0, abs=0.1)
    assert lr / found["optimal_peak_lr"] == pytest.approx(1.0, abs=0.1)


# -- Busbridge et al. 2025: what distillation costs -----------------------------------------------


@pytest.mark.parametrize("extra, needed", [
    ({"teacher_exists": True}, 1.2e21 + 2 * 7e9 * 200e9),  # teacher inference: 4.0e21 (3.3x the student's)
    ({}, 1.2e21 + 2 * 7e9 * 200e9 + 6 * 7e9 * 140e9),  # and its pre-training: 9.88e21 (8.2x)
    ({"students": 4}, 1.2e21 + 2 * 7e9 * 200e9 + 6 * 7e9 * 140e9 / 4),  # shared by four students
])
def test_distillation_compute_counts_the_teacher(extra, needed):
    # Eq. 9 with F(N) = 2N: student 1B on 200B (1.2e21), teacher 7B pre-trained on 140B
    found = numbers({"params": "1B"}, {"train_tokens": "200B"},
                    distillation={"teacher_params": "7B", "teacher_tokens": "140B", **extra})
    assert found["needed_flops"] == pytest.approx(needed)
    assert found["train_flops"] == pytest.approx(1.2e21)


def test_a_distilled_budget_must_cover_the_teacher():
    plan = json.dumps({"planlint": 1, "name": "s", "goal": "base", "model": {"params": "1B"},
                       "data": {"train_tokens": "200B"}, "compute": {"flops": "1.3e21"},
                       "distillation": {"teacher_params": "7B", "teacher_exists": True}})
    [short] = [f for f in findings(plan) if f.code == "PL202"]
    assert short.facts["needed_flops"] == pytest.approx(4.0e21)
    assert "teacher logits" in short.details[0]


# -- stages, precision -----------------------------------------------------------------------


def test_a_long_context_stage_carries_its_own_attention_cost():
    # Llama 3 405B's recipe in miniature: 8K pre-training, then a 128K stage (§3.4.2)
    model = {"params": "405B", "layers": 126, "d_model": 16384, "heads": 128, "kv_heads": 8, "context_length": 8192}
    staged = numbers(model, {"train_tokens": "15.6T", "stages": [{"tokens": "14.8T"},
                                                                 {"tokens": "800B", "context_length": 131072}]},
                     compute={"flops_convention": "6nd+causal-attention"})
    per_token = 3 * 126 * 128 * (128 + 128)  # x context: the causal half of 12 L H Q T
    attention = per_token * 8192 * 14.8e12 + per_token * 131072 * 800e9
    assert staged["attention_flops"] == pytest.approx(attention)
    assert staged["train_flops"] == pytest.approx(6 * 405e9 * 15.6e12 + attention)
    assert staged["train_flops_6nd"] == pytest.approx(6 * 405e9 * 15.6e12)  # 6ND does not see the context


def test_repeats_are_counted_across_stages():
    # an annealing stage upsampling a small source: 90B x 10% + 10B x 50% = 14B tokens of it
    found = numbers({"params": "1B"}, {"train_tokens": "100B", "mix": [
        {"source": "web", "share": 0.9}, {"source": "math", "share": 0.1, "unique_tokens": "2B"}],
        "stages": [{"tokens": "90B"}, {"tokens": "10B", "mix": [{"source": "web", "share": 0.5},
                                                                 {"source": "math", "share": 0.5}]}]})
    [math] = found.mix
    assert (math.tokens, math.epochs) == (pytest.approx(14e9), pytest.approx(7.0))


def test_fp8_mfu_against_the_fp8_peak():
    # H100 SXM: 989 TFLOP/s BF16, 1,979 FP8 dense (NVIDIA datasheet, with sparsity halved)
    found = numbers({"params": "1B"}, {"train_tokens": "20B"},
                    compute={"accelerator": "h100-sxm", "mfu": 0.4, "precision": "fp8", "mfu_peak": "fp8"})
    assert found["gpu_hours"] == pytest.approx(1.2e20 / (3600 * 1979e12 * 0.4))
    assert "1979 TFLOP/s FP8 dense" in found.notes["gpu_hours"]
