"""The bundled examples: the verdicts the literature gives them, and their exact rendered output.

Snapshots live in tests/snapshots/<example>.txt. After a deliberate change to a message,
regenerate them with `PLANLINT_UPDATE_SNAPSHOTS=1 python -m pytest tests/test_examples.py`
and review the diff.
"""

import io
import os
from pathlib import Path

import pytest

from planlint.engine import lint_bytes
from planlint.plugins import registry
from planlint.report import render

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SNAPSHOTS = Path(__file__).parent / "snapshots"

# (code, severity) of every finding, from what the papers say of each recipe.
VERDICTS = {
    # the seed plan: one source of its mix (licensed schemas) is repeated 5 times, and the
    # 1.3B x 40B run uses about a tenth of its 3e21 FLOPs budget
    "harbor-analytics": [("PL102", "warning"), ("PL206", "info")],
    # 1.7 tokens/param (Hoffmann et al. 2022 single it out as undertrained)
    "gpt3-175b": [("PL101", "error")],
    # 20 tokens/param, the compute-optimal recipe itself
    "chinchilla-70b": [],
    # 21.5 tokens/param on a declared GPU-hour budget; 1 TB of model states need sharding (info)
    "llama-65b": [("PL205", "info")],
    # 29 tokens/param, SFT and RLHF reserved for the chat model
    "llama2-70b-chat": [],
    # 2,727 tokens/param, declared inference-optimal: noted, not flagged
    "tinyllama-1.1b": [("PL101", "info")],
    # 115 tokens/param (noted) and 5 epochs of a 30B-token dataset (Muennighoff: past ~4 epochs)
    "phi-1.5": [("PL101", "info"), ("PL102", "warning")],
    # a mixture of experts judged per active parameter: 386 tokens per active param, noted as
    # over-training; its shape counts 236B total and 21B active, as published
    "deepseek-v2": [("PL101", "info")],
    # a dense 8K-context run whose 3.8e25-FLOP budget is 6ND: not short
    "llama-3.1-405b": [],
    # a 256K vocabulary and 256-wide heads: no compute disclosed (PL201), 703 tokens/param noted,
    # model states that need sharding on 16 GB chips (info)
    "gemma-7b": [("PL101", "info"), ("PL201", "warning"), ("PL205", "info")],
}


def _result(path: Path):
    name = f"examples/{path.name}"
    return lint_bytes(path.read_bytes(), name, registry())


def test_every_example_has_a_verdict():
    assert sorted(p.stem for p in EXAMPLES) == sorted(VERDICTS)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_verdict(path):
    found = sorted((f.code, str(f.severity)) for f in _result(path).findings)
    assert found == sorted(VERDICTS[path.stem])


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_rendered_output_matches_snapshot(path):
    stream = io.StringIO()
    render("text", [_result(path)], stream)
    snapshot = SNAPSHOTS / f"{path.stem}.txt"
    if os.environ.get("PLANLINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(stream.getvalue(), encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with PLANLINT_UPDATE_SNAPSHOTS=1"
    assert stream.getvalue() == snapshot.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_estimate_matches_snapshot(path):
    """What `planlint estimate` prints for each example: every number and the assumption behind it."""
    from planlint.numbers import compute
    from planlint.report.estimate_table import render_table

    result = _result(path)
    stream = io.StringIO()
    render_table([(result.name, result.plan.name, result.numbers, result.numbers.fit.label)], stream)
    assert result.numbers.values == compute(result.plan).values  # the pipeline's numbers are the plan's
    snapshot = SNAPSHOTS / f"{path.stem}.estimate.txt"
    if os.environ.get("PLANLINT_UPDATE_SNAPSHOTS"):
        snapshot.write_text(stream.getvalue(), encoding="utf-8")
    assert snapshot.exists(), f"no snapshot {snapshot.name}: run with PLANLINT_UPDATE_SNAPSHOTS=1"
    assert stream.getvalue() == snapshot.read_text(encoding="utf-8")
