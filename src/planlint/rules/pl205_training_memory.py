"""PL205 training-memory: model states against accelerator memory, with ZeRO sharding.

Documentation: rules/PL205.md.
"""

from __future__ import annotations

import math

from planlint import units
from planlint.estimate import MODEL_STATE_BYTES_PER_PARAM
from planlint.findings import Severity
from planlint.rule import Rule

SHARDING = {
    1: "ZeRO-1: optimizer states sharded, DeepSpeed stage 1",
    2: "ZeRO-2: optimizer states and gradients sharded, DeepSpeed stage 2 or FSDP SHARD_GRAD_OP",
    3: "ZeRO-3: weights, gradients and optimizer states sharded, DeepSpeed stage 3 or FSDP FULL_SHARD",
}


class TrainingMemory(Rule):
    code = "PL205"
    name = "training-memory"
    severity = Severity.ERROR
    summary = "Mixed-precision Adam model states do not fit per accelerator without sharding, or at all."
    points_at = "`compute.accelerators`, or `compute.zero_stage` when the declared stage is too low"
    sources = (
        "Rajbhandari et al. 2019, *ZeRO: Memory Optimizations Toward Training Trillion Parameter Models*, "
        "arXiv:1910.02054, §3.1 (16Ψ bytes of model states) and Fig. 1 (per-device memory at each stage).",
    )

    def check(self, plan, ctx):
        compute, numbers = plan.compute, ctx.numbers
        accelerator = numbers.accelerator
        if accelerator is None or not compute.accelerators:
            return
        params, devices, memory = plan.model.params, compute.accelerators, accelerator.memory_bytes
        declared = compute.zero_stage
        per_stage = [numbers.model_state_bytes(stage) for stage in range(4)]
        fitting = next((stage for stage in range(4) if per_stage[stage] <= memory), None)
        if declared is not None and fitting is not None and declared >= fitting:
            return  # the declared sharding holds the model states
        if declared is None and fitting == 0:
            return
        unsharded = per_stage[0]
        split = (compute.tensor_parallel or 1) * (compute.pipeline_parallel or 1)
        head = (f"model states of {units.count(params)} params take {units.bytes_(MODEL_STATE_BYTES_PER_PARAM * params)}"
                f" ({MODEL_STATE_BYTES_PER_PARAM:g} bytes/param for mixed-precision Adam"
                + (f"; {units.bytes_(unsharded)} per accelerator after tensor and pipeline parallelism over {split}"
                   if split > 1 else "") + ")")
        over = f"over one {accelerator.name}'s {units.bytes_(memory)}"
        if fitting is None:
            fully = per_stage[3]
            needed = math.ceil(MODEL_STATE_BYTES_PER_PARAM * params / memory)
            yield ctx.finding(
                ("compute", "accelerators"),
                f"fully sharded, the model states still take {units.bytes_(fully)} per accelerator, {over}",
                f"use >= {needed:,} accelerators for the model states alone, more for activations (or add "
                "tensor or pipeline parallelism, or offload)",
                Severity.ERROR, bytes_per_accelerator=fully,
                details=[head, f"fully sharded (ZeRO-3) across {devices:,} accelerators each holds {units.bytes_(fully)}"])
            return
        per_device = per_stage[fitting]
        if declared is None:
            yield ctx.finding(
                ("compute", "accelerators"),
                f"unsharded, the model states take {units.bytes_(unsharded)} per accelerator, {over}",
                f"shard at stage {fitting} or higher ({SHARDING[fitting]}) and declare `zero_stage: {fitting}`",
                Severity.INFO, stage=fitting, bytes_per_accelerator=per_device,
                details=[head, f"{SHARDING[fitting].split(':')[0]} across {devices:,} accelerators brings it to "
                               f"{units.bytes_(per_device)} each, before activations"])
            return
        at_declared = per_stage[declared]
        yield ctx.finding(
            ("compute", "zero_stage"),
            f"at ZeRO stage {declared} the model states take {units.bytes_(at_declared)} per accelerator, {over}",
            f"set `zero_stage: {fitting}` ({SHARDING[fitting]})", Severity.WARNING, stage=fitting,
            bytes_per_accelerator=at_declared,
            details=[head, f"at the declared ZeRO stage {declared} each of {devices:,} accelerators holds "
                           f"{units.bytes_(at_declared)}"])
