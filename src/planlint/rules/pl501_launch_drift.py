"""PL501 launch-drift: the plan and the launch config it names disagree.

Documentation: rules/PL501.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.findings import HEADLINE_LIMIT, Severity
from planlint.report.escape import visible
from planlint.rule import Option, Rule

# Values a plan states in rounded units (7B, 2T, 4M): compared within ``tolerance``. Megatron-LM
# pads the vocabulary to a multiple of make-vocab-size-divisible-by (128) x tensor-parallel
# size, so a plan stating the tokenizer's size differs from the config's padded one by up to a
# few percent (GPT-2's 50,257 padded for 8-way tensor parallelism is 51,200: 1.9%).
RELATIVE = {("model", "params"), ("model", "active_params"), ("data", "train_tokens"),
            ("training", "global_batch_tokens"), ("training", "warmup_tokens"), ("training", "peak_lr")}
VOCABULARY = ("model", "vocab_size")
# shown as 6.74B, 2T, 4.19M; the rest exactly
COUNTS = (("model", "params"), ("model", "active_params"), ("data", "train_tokens"),
          ("training", "global_batch_tokens"), ("training", "warmup_tokens"))


class LaunchDrift(Rule):
    code = "PL501"
    name = "launch-drift"
    severity = Severity.ERROR
    summary = ("The plan says one thing and the launch config it names (launch.config) another: the gate would "
               "check a plan nobody runs.")
    points_at = ("the value of the plan key that disagrees with the launch config (in a launch config checked on "
                 "its own: the config's line)")
    sources = (
        "The frameworks' own argument definitions, which planlint's adapters follow (Megatron-LM "
        "`megatron/training/arguments.py`, NeMo, GPT-NeoX `neox_arguments`, torchtitan, OLMo, LitGPT, MaxText "
        "`base.yml`, levanter, nanotron, transformers' config classes).",
    )
    options = {
        "tolerance": Option(0.05, "Largest relative difference between a rounded plan value (params, tokens, "
                                  "batch, learning rate) and the config's."),
        "vocab_tolerance": Option(0.05, "Largest relative difference between the plan's vocabulary and the "
                                        "config's, which may be padded (Megatron-LM: to 128 x tensor-parallel)."),
    }

    def check(self, plan, ctx):
        link = ctx.launch
        if link is None:
            return
        for pair in link.pairs:
            yield from self._compare(plan, ctx, link, pair.path, _typed(plan, pair.path), pair.config_value,
                                     pair.origin, pair.how, pair.source)
        yield from self._counted(plan, ctx, link)

    def _compare(self, plan, ctx, link, path, ours, theirs, origin, how="", source=None):
        if ours is None or theirs is None:
            return
        if isinstance(theirs, dict):
            for key, value in theirs.items():
                yield from self._compare(plan, ctx, link, (*path, key), _field(ours, key), value, origin, how, source)
            return
        if isinstance(theirs, list):
            return  # a mix: the config names its data by path, the plan by source
        if _agrees(path, ours, theirs, ctx.options):
            return
        key = ".".join(map(str, path))
        shown_ours, shown_theirs = _shown(path, ours), _shown(path, theirs)
        difference = ""
        if _number(ours) and _number(theirs) and theirs and tuple(path) in RELATIVE | {VOCABULARY}:
            difference = f", {units.pct(abs(ours - theirs) / abs(theirs))} apart"
        values = f"{key} is {units.clip(shown_ours, 24)} here but {units.clip(shown_theirs, 24)}"
        headline = f"{values} in {origin}{difference}"
        if len(visible(headline)) > HEADLINE_LIMIT:
            headline = f"{values} in the launch config{difference}"
        yield ctx.finding(
            path, headline,
            f"set {key}: {_written(path, theirs)} (what {link.config} launches), or change the config to "
            f"{shown_ours}",
            target="value", plan_value=ours, config_value=theirs, config=link.config, framework=link.framework,
            details=[f"{origin}: {how}" if how else "" if origin in headline else f"{shown_theirs} in {origin}"],
            **_where(source))

    def _counted(self, plan, ctx, link):
        """The plan's params against the parameters of the shape the config launches: a config
        rarely states its size, so a wrong `7B` in the plan shows only in the count."""
        if not link.shape_origin:
            return
        from planlint.numbers import shape_counts

        counts = shape_counts(link.config_model)
        if counts is None:
            return
        for path, counted in ((("model", "params"), counts[0]), (("model", "active_params"), counts[1])):
            declared = _typed(plan, path)
            if declared is None or (path[1] == "active_params" and not plan.model.experts):
                continue
            if abs(declared - counted) <= ctx.options["tolerance"] * counted:
                continue
            key = ".".join(path)
            yield ctx.finding(
                path,
                f"{key} is {units.count(declared)} here but the launched shape counts {units.count(counted)}, "
                f"{units.pct(abs(declared - counted) / counted)} apart",
                f"set {key}: {units.count(counted)} (the shape {link.config} launches), or change the config's shape",
                target="value", plan_value=declared, config_value=counted, config=link.config,
                framework=link.framework, **_where(link.shape_source),
                details=[f"the shape {link.config} launches counts {units.count(counted)} (shape from "
                         f"{link.shape_origin})"])


def _where(source) -> dict:
    """The config entry's position, for machine formats (SARIF puts it in relatedLocations)."""
    if source is None:
        return {}
    return {"config_file": source.file, "config_line": source.line, "config_column": source.column,
            "config_key": source.key}


def _typed(plan, path):
    node = plan
    for part in path:
        node = _field(node, part)
        if node is None:
            return None
    return node


def _field(node, key):
    if node is None:
        return None
    if isinstance(node, dict):
        return node.get(key)
    return getattr(node, key, None)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _agrees(path, ours, theirs, options) -> bool:
    if _number(ours) and _number(theirs):
        if tuple(path) == VOCABULARY:
            return abs(ours - theirs) <= options["vocab_tolerance"] * abs(theirs)
        if tuple(path) in RELATIVE:
            return abs(ours - theirs) <= options["tolerance"] * abs(theirs)
        return ours == theirs
    return ours == theirs


def _shown(path, value) -> str:
    if _number(value) and tuple(path) in COUNTS:
        return units.count(value)
    return _written(path, value)


def _written(path, value) -> str:
    """The value as the plan would write it (a count rounded as the plan rounds it, within the
    tolerance, so that writing it makes the finding go away)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if _number(value) and tuple(path) in COUNTS and value >= 1000:
        return units.count(value)
    if _number(value) and float(value).is_integer():
        return str(int(value))
    if _number(value):
        return f"{value:g}"
    return str(value)
