"""The production checklist for a pre-training run: ten items, each settled (or not) by the plan.

Every number in the evidence is the plan's own, from the numbers stage that ``planlint estimate``
and the rules read (``ctx.numbers``, :mod:`planlint.numbers`), with their sources.
"""

from __future__ import annotations

from planlint import estimate as est
from planlint import units
from planlint.checklist import ChecklistItem
from planlint.numbers import ratio_sizes

HOFFMANN = "Hoffmann et al. 2022, Training Compute-Optimal Large Language Models, arXiv:2203.15556, Table 3"
MUENNIGHOFF = "Muennighoff et al. 2023, Scaling Data-Constrained Language Models, arXiv:2305.16264"


class ComputeBudget(ChecklistItem):
    """The budget fixes the size: a compute-optimal split is a function of the FLOPs available
    (Hoffmann et al. 2022), so the budget has to come first. Done when the plan declares
    compute.flops or compute.gpu_hours; the evidence says what share of it the plan needs."""

    id = "compute-budget"
    title = "Compute budget documented in FLOPs or GPU-hours before the model size is chosen."
    sources = ("Kaplan et al. 2020, Scaling Laws for Neural Language Models, arXiv:2001.08361, §2.1", HOFFMANN)

    def evaluate(self, plan, ctx):
        compute = plan.compute
        needed = ctx.numbers
        flops = needed["needed_flops"]
        evidence = []
        if compute is not None and compute.flops is not None:
            text = f"compute.flops: {units.sci(compute.flops)} FLOPs"
            if needed["budget_used"] is not None and needed.notes["budget_flops"] == "compute.flops":
                text += f"; the plan needs {units.sci(flops)} of it ({units.pct(needed['budget_used'])})"
            evidence.append(ctx.evidence(("compute", "flops"), text))
        if compute is not None and compute.gpu_hours is not None:
            text = f"compute.gpu_hours: {units.number(compute.gpu_hours)} GPU-h"
            if needed["gpu_hours"] is not None:
                text += f"; the plan needs {units.number(needed['gpu_hours'])} ({needed.notes['gpu_hours']})"
            evidence.append(ctx.evidence(("compute", "gpu_hours"), text))
        if not evidence:
            return ctx.missing(
                "no compute budget: the plan declares neither compute.flops nor compute.gpu_hours",
                ctx.evidence(("compute",), "no compute.flops or compute.gpu_hours"),
                fix=f"declare the budget, e.g. compute.flops: {units.sci(units.ceil_sig(flops))} "
                    f"({needed.notes['train_flops']})")
        return ctx.done("the budget is declared", *evidence)


class UniqueData(ChecklistItem):
    """Repeating data is nearly as good as new for up to about 4 epochs, then worth less and
    less (Muennighoff et al. 2023), so the epoch count has to be known, over data that was
    deduplicated and filtered first. Done when data.unique_tokens is declared and
    data.deduplicated and data.filtered are true."""

    id = "unique-data"
    title = "Unique tokens estimated; data deduplicated and filtered before epochs are added."
    sources = (MUENNIGHOFF,)

    def evaluate(self, plan, ctx):
        data = plan.data
        evidence, lacking = [], []
        if data.unique_tokens is not None:
            epochs = ctx.numbers["epochs"]
            evidence.append(ctx.evidence(("data", "unique_tokens"), (
                f"data.unique_tokens: {units.count(data.unique_tokens)}; {epochs:.2f} epochs of "
                f"{units.count(data.train_tokens)} training tokens (train / unique)")))
        else:
            lacking.append("data.unique_tokens")
        for key in ("deduplicated", "filtered"):
            value = getattr(data, key)
            if value is not None:
                evidence.append(ctx.evidence(("data", key)))
            if value is not True:
                lacking.append(f"data.{key}: true")
        if lacking:
            return ctx.missing(f"not stated: {', '.join(lacking)}", *evidence,
                               fix="estimate the unique tokens after deduplication and quality filtering, and say so")
        return ctx.done("the unique data is counted after deduplication and filtering", *evidence)


class TokensPerParam(ChecklistItem):
    """planlint computes it from model.params and data.train_tokens and compares it with the
    ~20 tokens per parameter that Hoffmann et al. 2022 (Table 3) found compute-optimal (PL101
    checks it), so it is always done; the evidence gives the ratio and the compute-optimal
    split at the plan's compute (Besiroglu et al. 2024 refit)."""

    id = "tokens-per-param"
    title = "Tokens-per-parameter computed and compared with the ~20:1 Chinchilla baseline."
    sources = (HOFFMANN, "Besiroglu et al. 2024, Chinchilla Scaling: A replication attempt, arXiv:2404.10102")

    def evaluate(self, plan, ctx):
        numbers = ctx.numbers
        params, tokens, active = plan.model.params, plan.data.train_tokens, numbers.active
        ratio = tokens / active
        baseline = numbers.assumptions.baseline
        per = "tokens per active param" if plan.model.is_moe else "tokens/param"
        evidence = [ctx.evidence(("data", "train_tokens"), (
            f"{units.ratio(ratio)} {per} ({units.count(tokens)} / {units.count(active)}) against "
            f"~{baseline:g}:1 (Hoffmann et al. 2022, Table 3); {ratio_sizes(baseline, active, tokens)}"))]
        evidence.append(ctx.evidence(("model", "params"), numbers.same_compute.describe()))
        if numbers.same_loss is not None:
            evidence.append(ctx.evidence(("model", "params"), numbers.same_loss.describe()))
        return ctx.done(f"{units.ratio(ratio)} {per}, {units.number(ratio / baseline, 2)}x the ~{baseline:g}:1 "
                        "baseline", *evidence)


class LossTracking(ChecklistItem):
    """A loss curve that flattens early means the run is wasting compute; deciding in advance
    what to do then (stop, or lower the learning rate) keeps the decision from being made under
    pressure. Done when evaluation.loss_tracking declares every_tokens and on_knee."""

    id = "loss-tracking"
    title = ("Validation loss tracked against tokens, with a rule for stopping or adjusting the learning rate "
             "when the curve knees.")

    def evaluate(self, plan, ctx):
        tracking = plan.evaluation.loss_tracking if plan.evaluation else None
        where = ("evaluation", "loss_tracking")
        evidence, lacking = [], []
        every = tracking.every_tokens if tracking else None
        if every is not None:
            points = plan.data.train_tokens / every
            evidence.append(ctx.evidence(where + ("every_tokens",), (
                f"validation loss every {units.count(every)} tokens: {units.number(points)} points over "
                f"{units.count(plan.data.train_tokens)} training tokens")))
        else:
            lacking.append("evaluation.loss_tracking.every_tokens")
        if tracking is not None and tracking.on_knee is not None:
            evidence.append(ctx.evidence(where + ("on_knee",)))
            if tracking.rule:
                evidence.append(ctx.evidence(where + ("rule",)))
        else:
            lacking.append("evaluation.loss_tracking.on_knee (stop or lower-lr)")
        if lacking:
            if tracking is None and plan.evaluation and plan.evaluation.metrics:
                evidence.append(ctx.evidence(("evaluation", "metrics"),
                                             f"evaluation.metrics: {', '.join(plan.evaluation.metrics)}"))
            return ctx.missing(f"not stated: {', '.join(lacking)}", *evidence,
                               fix="add evaluation.loss_tracking: {every_tokens: ..., on_knee: stop or lower-lr}")
        return ctx.done("the loss curve is tracked, with a rule for when it knees", *evidence)


class SmoothMetrics(ChecklistItem):
    """Pass rates and exact-match scores can jump with scale where smooth metrics (loss,
    calibrated probabilities) improve predictably (Schaeffer et al. 2023), so a run is judged on
    both. Done when evaluation.smooth_metrics and evaluation.task_metrics are both non-empty."""

    id = "smooth-metrics"
    title = "Smooth metrics (loss, calibrated probabilities) evaluated beside task pass rates."
    sources = ("Schaeffer et al. 2023, Are Emergent Abilities of Large Language Models a Mirage?, "
               "arXiv:2304.15004",)

    def evaluate(self, plan, ctx):
        evaluation = plan.evaluation
        evidence, lacking = [], []
        for key, what in (("smooth_metrics", "smooth"), ("task_metrics", "task pass-rate")):
            values = getattr(evaluation, key) if evaluation else None
            if values:
                evidence.append(ctx.evidence(("evaluation", key), f"evaluation.{key}: {', '.join(values)}"))
            else:
                lacking.append(f"evaluation.{key} ({what} metrics)")
        if lacking:
            if evaluation and evaluation.metrics:
                evidence.append(ctx.evidence(("evaluation", "metrics"), (
                    f"evaluation.metrics: {', '.join(evaluation.metrics)} (which are smooth is not said)")))
            return ctx.missing(f"not stated: {', '.join(lacking)}", *evidence,
                               fix="list the smooth metrics (validation_loss, ...) and the task metrics "
                                   "(exact match, pass@k) under evaluation")
        return ctx.done("smooth and task metrics are both evaluated", *evidence)


class ServingCost(ChecklistItem):
    """A model that is cheap to train can be dear to serve; its cost per million tokens at
    the expected batch decides whether the size is affordable. Done when planlint can price
    decode (serving.accelerator and usd_per_gpu_hour) at a declared serving.batch_size; the
    evidence is the decode-roofline cost `planlint estimate` shows (PL401 compares it with the
    budget). Not applicable to a research plan without a serving section."""

    id = "serving-cost"
    title = "Serving cost per million tokens modelled at the expected load before committing to the model size."
    sources = ("kipply 2022, Transformer Inference Arithmetic",)

    def evaluate(self, plan, ctx):
        serving = plan.serving
        if serving is None:
            if plan.goal == "research":
                return ctx.not_applicable("a research plan with no serving target", ctx.evidence(("goal",)))
            return ctx.missing("no serving section", fix="add serving: accelerator, batch_size, usd_per_gpu_hour "
                                                         "and max_usd_per_million_tokens")
        numbers = ctx.numbers
        cost = numbers["serve_usd_per_million_tokens"]
        lacking = [f"serving.{key}" for key in ("accelerator", "usd_per_gpu_hour", "batch_size")
                   if getattr(serving, key) is None]
        if cost is None or serving.batch_size is None:
            evidence = []
            if cost is not None:
                evidence.append(ctx.evidence(("serving",), (
                    f"{units.usd(cost)} per 1M tokens at an assumed batch 1 ({numbers.notes['serve_tokens_per_second']})")))
            return ctx.missing(f"not stated: {', '.join(lacking)}", *evidence,
                               fix="declare the serving accelerator, its hourly price and the batch size expected")
        evidence = [ctx.evidence(("serving", "batch_size"), (
            f"{units.usd(cost)} per 1M tokens at batch {serving.batch_size} "
            f"({numbers.notes['serve_tokens_per_second']})"))]
        if serving.max_usd_per_million_tokens is not None:
            budget = serving.max_usd_per_million_tokens
            verdict = "within" if cost <= budget else "over (PL401)"
            evidence.append(ctx.evidence(("serving", "max_usd_per_million_tokens"),
                                         f"budget {units.usd(budget)} per 1M tokens: {verdict}"))
        if serving.lifetime_tokens is not None:
            evidence.append(ctx.evidence(("serving", "lifetime_tokens"), (
                f"{units.count(serving.lifetime_tokens)} tokens over the model's life: "
                f"{units.usd(cost * serving.lifetime_tokens / 1e6)} to serve")))
        return ctx.done("the serving cost is modelled at the declared batch", *evidence)


class DistillOrQuantize(ChecklistItem):
    """Serving a smaller model than the one trained needs a distillation stage (Hinton et al.
    2015; PL403); serving the trained model in fewer bytes needs quantization. Done when a
    smaller served model has a distillation stage, or the served weights are quantized;
    missing when a smaller served model has none, or 16-bit weights do not fit the serving
    replica; not applicable when the trained model is served as it is and fits."""

    id = "distill-or-quantize"
    title = "Distillation or quantization planned if the trained model is larger than the served one."
    sources = ("Hinton et al. 2015, Distilling the Knowledge in a Neural Network, arXiv:1503.02531",)

    def evaluate(self, plan, ctx):
        serving = plan.serving
        if serving is None:
            return ctx.not_applicable("no serving section")
        trained = plan.model.params
        if serving.params is not None and serving.params < trained:
            stages = plan.alignment.stages if plan.alignment and plan.alignment.stages else []
            size = ctx.evidence(("serving", "params"), (
                f"serves {units.count(serving.params)} of {units.count(trained)} trained params"))
            for index, stage in enumerate(stages):
                if stage.kind == "distillation":
                    return ctx.done("a distillation stage makes the smaller model", size,
                                    ctx.evidence(("alignment", "stages", index, "kind")))
            return ctx.missing("the served model is smaller, and no stage distills it", size,
                               fix="add an alignment stage {kind: distillation}, or train the served size directly")
        precision = serving.precision or "bf16"
        served = serving.params if serving.params is not None else trained
        weights = served * est.BYTES_PER_PARAM[precision]
        if est.BYTES_PER_PARAM[precision] < est.BYTES_PER_PARAM["bf16"]:
            return ctx.done(f"the weights are served quantized ({precision})", ctx.evidence(("serving", "precision"), (
                f"serving.precision: {precision}: {units.bytes_(weights)} of weights, against "
                f"{units.bytes_(served * est.BYTES_PER_PARAM['bf16'])} in bf16")))
        estimate = ctx.numbers.serving
        if estimate is not None and not estimate.fits:
            return ctx.missing(
                f"the {precision} weights do not fit the serving replica", ctx.evidence(("serving", "accelerator"), (
                    f"{units.bytes_(estimate.needed_bytes)} of weights and KV cache against "
                    f"{units.bytes_(estimate.memory_bytes)} usable on {estimate.accelerators}x "
                    f"{estimate.accelerator.name}")),
                fix="quantize (serving.precision: int8 or int4), distill to a smaller model, or add accelerators")
        return ctx.not_applicable(f"the trained model is served as trained ({units.count(served)} params, "
                                  f"{precision})")


class AlignmentCompute(ChecklistItem):
    """A model meant for users needs supervised fine-tuning and preference tuning, and the
    hours for them (Ouyang et al. 2022; PL301). Done when the alignment section reserves
    GPU-hours; the evidence compares them with pre-training and with published shares
    (InstructGPT 1.8%, DeepSeek-V3 0.19% of pre-training compute). Not applicable for goal:
    base or research."""

    id = "alignment-compute"
    title = "Alignment compute (SFT, preference tuning) reserved in the plan."
    sources = ("Ouyang et al. 2022, Training language models to follow instructions with human feedback, "
               "arXiv:2203.02155, §5.1", "DeepSeek-AI 2024, DeepSeek-V3 Technical Report, arXiv:2412.19437, Table 1")

    def evaluate(self, plan, ctx):
        from planlint.rules.pl301_missing_alignment_budget import DEEPSEEK_V3_SHARE, INSTRUCTGPT_SHARE

        if plan.goal in ("base", "research"):
            return ctx.not_applicable(f"goal: {plan.goal}: no one will chat with the model", ctx.evidence(("goal",)))
        alignment = plan.alignment
        stages = alignment.stages if alignment and alignment.stages else []
        kinds = ", ".join(stage.kind for stage in stages)
        hours = alignment.gpu_hours if alignment and alignment.gpu_hours is not None else \
            sum(stage.gpu_hours or 0 for stage in stages)
        pretrain = plan.compute.gpu_hours if plan.compute and plan.compute.gpu_hours else ctx.numbers["gpu_hours"]
        published = (f"published runs: {units.pct(DEEPSEEK_V3_SHARE)} (DeepSeek-V3) to "
                     f"{units.pct(INSTRUCTGPT_SHARE)} (InstructGPT)")
        if not hours:
            fix = "reserve GPU-hours for each stage (alignment.stages[].gpu_hours or alignment.gpu_hours)"
            if pretrain:
                fix += (f"; {published} of pre-training, {units.number(pretrain * DEEPSEEK_V3_SHARE)} to "
                        f"{units.number(pretrain * INSTRUCTGPT_SHARE)} GPU-h here")
            evidence = [ctx.evidence(("alignment", "stages"), f"stages {kinds}, no GPU-hours")] if stages else []
            return ctx.missing("no GPU-hours reserved for post-training", *evidence, fix=fix)
        text = f"{units.number(hours)} GPU-h reserved" + (f" ({kinds})" if kinds else "")
        if pretrain:
            text += f": {units.pct(hours / pretrain)} of {units.number(pretrain)} pre-training GPU-h; {published}"
        path = ("alignment", "gpu_hours") if alignment.gpu_hours is not None else ("alignment", "stages")
        return ctx.done("post-training compute is reserved", ctx.evidence(path, text))


class FineTuneFirst(ChecklistItem):
    """Pre-training is the dearest way to a capable model; fine-tuning an existing one plus
    retrieval is cheaper, unless the organisation holds data no existing model has seen. Done
    when rationale.alternatives_considered lists fine-tuning and retrieval, or
    rationale.data_advantage names the data that justifies pre-training. Not applicable to
    goal: research (the run is the experiment)."""

    id = "fine-tune-first"
    title = "Fine-tuning plus retrieval considered first, unless a unique data advantage justifies pre-training."

    def evaluate(self, plan, ctx):
        if plan.goal == "research":
            return ctx.not_applicable("goal: research: the run is the experiment", ctx.evidence(("goal",)))
        rationale = plan.rationale
        considered = set(rationale.alternatives_considered or []) if rationale else set()
        evidence = []
        if considered:
            evidence.append(ctx.evidence(("rationale", "alternatives_considered"),
                                         f"considered: {', '.join(rationale.alternatives_considered)}"))
        if rationale is not None and rationale.data_advantage:
            evidence.append(ctx.evidence(("rationale", "data_advantage")))
        if {"fine-tuning", "retrieval"} <= considered or (rationale is not None and rationale.data_advantage):
            return ctx.done("the case for pre-training is recorded", *evidence)
        return ctx.missing("the plan does not say fine-tuning plus retrieval was weighed, or what data justifies "
                           "pre-training", *evidence,
                           fix="add rationale: {alternatives_considered: [fine-tuning, retrieval], "
                               "data_advantage: ...}")


class MixReproducible(ChecklistItem):
    """A run can be reproduced, or a regression traced, only if the mix and the exact data
    are known. Done when data.mix lists the sources with their shares and every source has a
    revision (a dataset version or content hash)."""

    id = "mix-reproducible"
    title = "Data-mix percentages and dataset revision hashes logged for reproducibility."

    def evaluate(self, plan, ctx):
        mix = plan.data.mix
        if not mix:
            return ctx.missing("no data.mix", fix="list the sources under data.mix with share and revision")
        total = sum(entry.share for entry in mix)
        unpinned = [(index, entry) for index, entry in enumerate(mix) if not entry.revision]
        summary = ctx.evidence(("data", "mix"), (
            f"{len(mix)} sources, shares adding up to {units.pct(total, 4)}; "
            f"{len(mix) - len(unpinned)} of {len(mix)} with a revision"))
        if unpinned:
            return ctx.missing(f"{len(unpinned)} source{'s' if len(unpinned) > 1 else ''} without a revision", summary,
                               *(ctx.evidence(("data", "mix", index, "source"), f"{entry.source}: no revision")
                                 for index, entry in unpinned),
                               fix="record each source's dataset revision or content hash (data.mix[].revision)")
        return ctx.done("every source has its share and revision", summary)


ITEMS = (ComputeBudget, UniqueData, TokensPerParam, LossTracking, SmoothMetrics, ServingCost, DistillOrQuantize,
         AlignmentCompute, FineTuneFirst, MixReproducible)
