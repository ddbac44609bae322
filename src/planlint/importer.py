"""``planlint import CONFIG``: a starting plan from a launch config.

The plan names the config (``launch``) and restates what the config says, each value with a
comment saying where it came from, so that a later change to either is drift (PL501). What a
config cannot say (the unique tokens, the accelerator type, the budget, the MFU, post-training,
serving) is left as commented TODO lines to fill in. Checking the plan right after importing
reports no drift (``tests/test_launch_check.py`` holds it to that).
"""

from __future__ import annotations

import json
import os
from typing import Any

from planlint import __version__, units
from planlint.link import Link, config_values, plan_path, waiting

# the schema of this version of planlint, as `init` pins it
SCHEMA_LINE = ("# yaml-language-server: $schema=https://raw.githubusercontent.com/planlint/planlint/"
               f"v{__version__}/schemas/plan.schema.json")
# the order of sections and keys in the written plan
ORDER = {
    "model": ("params", "active_params", "layers", "d_model", "heads", "kv_heads", "head_dim", "ffn_dim", "ffn_gated",
              "vocab_size", "tied_embeddings", "context_length", "experts", "experts_per_token", "shared_experts",
              "expert_ffn_dim", "moe_layers", "mla"),
    "data": ("train_tokens", "mix"),
    "compute": ("accelerators", "tensor_parallel", "pipeline_parallel", "zero_stage", "micro_batch_size", "recompute",
                "flash_attention", "precision"),
    "training": ("global_batch_tokens", "peak_lr", "warmup_tokens", "schedule"),
}
# What no config says, as the TODO lines of each section
TODO = {
    "goal": "# goal: base                   # TODO: base, assistant (it will be aligned) or research",
    "data": ("  # unique_tokens: TODO         distinct tokens in the data before repetition (PL102; no config "
             "says it)",),
    "compute": ("  # accelerator: TODO           the accelerator type, e.g. h100-sxm (`planlint accelerators`)",
                "  # mfu: TODO                   the model FLOPs utilisation you expect, e.g. 40%",
                "  # flops: TODO                 the compute budget (or gpu_hours), so PL202 can check the plan "
                "fits it"),
}


def plan_text(link: Link, config_path: str, output: str | None, counts: tuple[float, float] | None,
              inputs: dict[str, Any]) -> str:
    """The YAML of a plan for ``link`` (a launch config as read), to be written at ``output``
    (None: standard output, relative paths from the current folder)."""
    launch = link.launch
    where = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    relative = os.path.relpath(os.path.abspath(config_path), where).replace(os.sep, "/")
    values: dict[str, dict[str, tuple[Any, str]]] = {}
    for path, value, derived in config_values(launch, inputs):
        if len(path) != 2:
            continue
        values.setdefault(path[0], {})[path[1]] = (value, _comment(derived))
    for name, value in inputs.items():
        path = plan_path(name)
        if path is not None and path[1] not in values.get(path[0], {}):
            values.setdefault(path[0], {})[path[1]] = (value, "from the command line")
    model = values.setdefault("model", {})
    if "params" not in model and counts is not None:
        # without a vocabulary the shape counts no embeddings: say so where the number stands
        short = "" if "vocab_size" in model else ", without the embeddings until vocab_size is set (TODO below)"
        model["params"] = (counts[0], "counted from the shape" + short)
        if counts[1] != counts[0]:
            model.setdefault("active_params", (counts[1], "counted from the shape: parameters a token uses" + short))
    stem = os.path.splitext(os.path.basename(config_path))[0] or "launch-config"
    lines = [SCHEMA_LINE,
             f"# A plan for {_plain(config_path)} ({launch.framework}), written by `planlint import`: the values",
             "# are the config's, each with where it came from; fill in the TODOs, then `planlint check` this file.",
             "planlint: 1",
             f"name: {_scalar(stem)}",
             TODO["goal"],
             "launch:",
             f"  framework: {launch.framework}",
             f"  config: {_scalar(relative)}"]
    for section in ("model", "data", "compute", "training"):
        entries = values.get(section, {})
        todo = TODO.get(section, ())
        if not entries and not todo:
            continue
        lines.append(f"{section}:")
        keys = [k for k in ORDER[section] if k in entries] + [k for k in entries if k not in ORDER[section]]
        for key in keys:
            value, comment = entries[key]
            lines.extend(_entry(section, key, value, comment))
        if section == "model" and "vocab_size" not in entries:
            lines.append("  # vocab_size: TODO            the tokenizer's vocabulary, padded as the framework pads it "
                         "(the config names only the tokenizer); then recount params")
        if section == "data" and "train_tokens" not in entries:
            lines.append("  # train_tokens: TODO          the tokens of pre-training (the config gives them only "
                         "with the inputs below)")
        lines.extend(todo)
    for name, derived in waiting(launch, inputs):
        lines.append(f"# TODO: {name} follows from the config once {', '.join(derived.needs)} is known"
                     + (f" ({_plain(derived.how)})" if derived.how else "")
                     + f"; declare {', '.join(derived.needs)} above")
    if launch.problems:
        lines.append("# Read with problems (run `planlint check` on the config to see them at their lines):")
        lines.extend(f"#   {_plain(launch.path)}:{p.line}: {_plain(p.message)}" for p in launch.problems)
    return "\n".join(lines) + "\n"


def _entry(section: str, key: str, value: Any, comment: str) -> list[str]:
    note = f"  # {comment}" if comment else ""
    if isinstance(value, dict):
        out = [f"  {key}:{note}"]
        out.extend(f"    {k}: {_scalar(v)}" for k, v in value.items())
        return out
    if isinstance(value, list):
        out = [f"  {key}:{note}"]
        for item in value:
            if isinstance(item, dict):
                fields = ", ".join(f"{k}: {_scalar(v)}" for k, v in item.items())
                out.append(f"    - {{{fields}}}")
            else:
                out.append(f"    - {_scalar(item)}")
        return out
    return [f"  {key}: {_written(section, key, value)}{note}"]


# counts written as the plan rounds them (within PL501's tolerance of the config's value)
ROUNDED = {("model", "params"), ("model", "active_params"), ("data", "train_tokens"),
           ("training", "global_batch_tokens"), ("training", "warmup_tokens")}


def _written(section: str, key: str, value: Any) -> str:
    if (section, key) in ROUNDED and isinstance(value, (int, float)) and value >= 1000:
        rounded = units.count(value)
        return rounded if _parsed(rounded, value) else _scalar(value)
    return _scalar(value)


def _parsed(text: str, value: float) -> bool:
    """Whether the rounded quantity reads back within a part in a thousand of the value."""
    from planlint.quantities import PARSERS

    try:
        return abs(PARSERS["count"](text) - value) <= 1e-3 * abs(value)
    except Exception:
        return False


def _scalar(value: Any) -> str:
    """A value as a YAML scalar that reads back as the same value (strings double-quoted when
    YAML would read them otherwise; text from the config escaped, JSON style)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if value is None:
        return "null"
    text = str(value)
    if text and all(c.isalnum() or c in "-_./" for c in text) and text[0].isalpha() and text not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=True)


_YAML_WORDS = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "True", "False", "Yes", "No", "On", "Off",
               "Null", "NULL", "TRUE", "FALSE", "YES", "NO", "ON", "OFF", "Y", "N", "~"}


def _comment(derived) -> str:
    if not derived.sources:
        return derived.how
    source = derived.sources[0]
    where = f"{source.file}:{source.line} {source.key}"
    return _plain(where + (f": {derived.how}" if derived.how else ""))


def _plain(text: str) -> str:
    """Text from a config inside a YAML comment: one line, printable, ASCII escapes for the rest."""
    from planlint.report.escape import visible

    return visible(str(text)).replace("\n", " ")
