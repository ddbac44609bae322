"""What the launch-config adapter tests share: the published configs beside the checkout,
planlint's parameter count of a derived shape, and the hostile texts every adapter must read
without raising."""

from __future__ import annotations

from pathlib import Path

import pytest

import planlint.model
import planlint.numbers
from planlint.adapters import FIELDS, LaunchConfig, plan_data

CHECKOUT = Path(__file__).resolve().parents[1]
# ../shared/configs beside the checkout (CI and the main checkout); a worktree one folder
# deeper finds it beside its parent.
SHARED_CONFIGS = next((folder / "shared" / "configs" for folder in CHECKOUT.parents[:2]
                       if (folder / "shared" / "configs").is_dir()), CHECKOUT.parent / "shared" / "configs")


def shared_config(framework: str, name: str) -> Path:
    """A published config from ../shared/configs (the test is skipped when it is not there)."""
    path = SHARED_CONFIGS / framework / name
    if not path.is_file():
        pytest.skip(f"{path} is not beside the checkout")
    return path


def shared_names(framework: str) -> list[str]:
    folder = SHARED_CONFIGS / framework
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def read(adapter, path: Path | str, text: str | None = None) -> LaunchConfig:
    path = str(path)
    return adapter.read(path, Path(path).read_text(encoding="utf-8") if text is None else text)


def values(config: LaunchConfig, inputs: dict | None = None) -> dict:
    """Every derived field's value ({"model.layers": 32, ...}), completed from ``inputs``."""
    return {name: derived.complete(inputs or {}) for name, derived in config.fields.items()}


def counted(config: LaunchConfig, inputs: dict | None = None) -> tuple[float, float]:
    """planlint's count of the derived shape: numbers.compute(model.build(plan data))'s
    shape_params and shape_active_params (model.params and train_tokens are placeholders the
    shape count does not read)."""
    data = plan_data(config, inputs)
    plan = {"planlint": 1, "name": "adapter-test", "model": dict(data.get("model", {}), params=1e9),
            "data": {"train_tokens": 1e12}}
    numbers = planlint.numbers.compute(planlint.model.build(plan))
    return numbers["shape_params"], numbers["shape_active_params"]


def within(ours: float, theirs: float, tolerance: float = 0.03) -> bool:
    return abs(ours - theirs) <= tolerance * theirs


def errors(config: LaunchConfig) -> list:
    return [p for p in config.problems if p.severity == "error"]


# Texts no adapter may raise on: binary, empty, huge, deeply nested, truncated, wrongly typed.
HOSTILE_TEXTS = {
    "binary": bytes(range(256)).decode("latin-1"),
    "empty": "",
    "blank": "\n\n   \n",
    "not a mapping": "- 1\n- 2\n",
    "scalar": "just text",
    "nul": "model:\n  d_model: 1\x00\n",
    "long": "".join(f"key_{i}: {i}\n" for i in range(10_000)),
    "deep": "a:\n" + "".join("  " * depth + f"a{depth}:\n" for depth in range(1, 200)) + "  " * 200 + "x: 1\n",
    "deep flow": "x: " + "[" * 5000 + "]" * 5000 + "\n",
    "truncated": "model:\n  d_model: 4096\n  n_layers: [1, 2\n",
    "unterminated quote": 'model:\n  name: "llama3\n',
    "toml deep": "x = " + "[" * 5000 + "]" * 5000 + "\ny = " + "{a = " * 3000 + "1" + "}" * 3000 + "\n",
    "toml truncated": "[model]\nname = \"llama3\"\nflavor = \"8B\n[training]\n",
    "toml types": "[model]\nname = 3\nflavor = [1, 2]\n[training]\nsteps = \"many\"\nseq_len = -5\n"
                  "local_batch_size = 1e400\n[parallelism]\ndata_parallel_shard_degree = 0\n",
    "wrong types": "model:\n  d_model: {a: 1}\n  n_layers: true\n  n_heads: -3\n  mlp_ratio: abc\n"
                   "max_duration: [1]\nglobal_train_batch_size: 1.5\n",
    "interpolation": "model:\n  d_model: ${oc.env:HIDDEN}\n  n_layers: ${model.d_model}\n  n_heads: ${a.${b}}\n"
                     "  mlp_ratio: ${unknown:1}\nmax_duration: ${max_duration}\n",
    "huge numbers": "model:\n  hidden_size: 1e308\n  num_hidden_layers: 99999999999999999999999\n"
                    "tokens:\n  train_steps: 1e999\n  micro_batch_size: 0\n",
}


def check_hostile(adapter, text: str, path: str = "config.yaml") -> LaunchConfig:
    """The adapter reads ``text`` without raising, derives only known fields, and places
    every problem inside the text."""
    config = adapter.read(path, text)
    assert isinstance(config, LaunchConfig)
    assert set(config.fields) <= set(FIELDS)
    lines = text.splitlines() or [""]
    for problem in config.problems:
        assert problem.severity in ("error", "warning", "info")
        assert 1 <= problem.line <= len(lines) + 1, problem
        assert problem.column >= 1, problem
        assert problem.message and problem.fix
    for derived in config.fields.values():
        derived.complete({"compute.accelerators": 64})
        derived.complete({"compute.accelerators": 0})
        derived.complete({})
    adapter.detect(path, text)
    return config
