"""Megatron-LM launch scripts and argument files.

A Megatron-LM run is a command line: ``torchrun ... pretrain_gpt.py --num-layers 32 ...``,
usually assembled in a bash script from arrays and variables (read by
:mod:`planlint.adapters.shell`), or a plain file of flags. The flags mean what
``megatron/training/arguments.py`` says they mean, defaults included; the derivations below
follow that file (validate_args), ``training.py`` (update_train_iters,
get_optimizer_param_scheduler), ``core/num_microbatches_calculator.py`` (batch ramp-up and step
schedules), ``core/tokenizers/utils/build_tokenizer.py`` (vocabulary padding) and
``core/datasets/utils.py`` (get_blend_from_list), as of NVIDIA/Megatron-LM in 2026.
"""

from __future__ import annotations

import difflib
import math
import re
from dataclasses import field
from typing import Any, Callable, Optional

from planlint import units
from planlint.adapters import Adapter, Derived, LaunchConfig, Problem, Source
from planlint.adapters.shell import Command, Script, Word, read_arguments, read_script
from planlint.records import record

# The flags this adapter reads, with what argparse makes of their values (arguments.py and the
# config dataclasses it builds flags from): "flag" takes no value (store_true), "int"/"float"/"str"
# one value, "list" any number (nargs='*'), "three" exactly three (nargs=3).
FLAGS: dict[str, str] = {
    "--num-layers": "int", "--hidden-size": "int", "--ffn-hidden-size": "int", "--num-attention-heads": "int",
    "--kv-channels": "int", "--group-query-attention": "flag", "--num-query-groups": "int", "--swiglu": "flag",
    "--quick-geglu": "flag", "--squared-relu": "flag", "--untie-embeddings-and-output-weights": "flag",
    "--vocab-size": "int", "--padded-vocab-size": "int", "--no-pad-vocab-size": "flag",
    "--make-vocab-size-divisible-by": "int", "--tokenizer-type": "str", "--tokenizer-model": "str",
    "--vocab-file": "str", "--seq-length": "int", "--max-position-embeddings": "int",
    "--num-experts": "int", "--moe-router-topk": "int", "--moe-ffn-hidden-size": "int",
    "--moe-shared-expert-intermediate-size": "int", "--moe-layer-freq": "str", "--moe-latent-size": "int",
    "--mtp-num-layers": "int", "--multi-latent-attention": "flag", "--q-lora-rank": "int", "--kv-lora-rank": "int",
    "--qk-head-dim": "int", "--qk-pos-emb-head-dim": "int", "--v-head-dim": "int",
    "--train-iters": "int", "--train-samples": "int", "--global-batch-size": "int", "--micro-batch-size": "int",
    "--rampup-batch-size": "three", "--step-batch-size-schedule": "str",
    "--data-path": "list", "--train-data-path": "list", "--data-args-path": "str",
    "--per-split-data-args-path": "str", "--mock-data": "flag",
    "--bf16": "flag", "--fp16": "flag", "--fp8-format": "str", "--fp4-format": "str",
    "--tensor-model-parallel-size": "int", "--pipeline-model-parallel-size": "int",
    "--context-parallel-size": "int", "--use-distributed-optimizer": "flag", "--use-torch-fsdp2": "flag",
    "--use-megatron-fsdp": "flag", "--data-parallel-sharding-strategy": "str",
    "--recompute-granularity": "str", "--recompute-activations": "flag", "--use-flash-attn": "flag",
    "--attention-backend": "str", "--lr": "float", "--lr-warmup-iters": "int", "--lr-warmup-samples": "int",
    "--lr-warmup-fraction": "float", "--lr-decay-iters": "int", "--lr-decay-samples": "int",
    "--lr-decay-style": "str", "--yaml-cfg": "str",
}

# Genuine Megatron-LM flags that lie close to a flag above (difflib ratio >= 0.8, the did-you-mean
# cutoff below), so that they are never taken for a misspelling: computed from every flag that
# arguments.py defines (its add_argument names, and the flags it builds from the fields of its
# config dataclasses, less their exclude lists) at NVIDIA/Megatron-LM's 2026 head and in its
# 2023, 2024 and 2025 versions.
NEAR_MISSES = frozenset({
    "--batch-size", "--ckpt-format", "--encoder-pipeline-model-parallel-size", "--encoder-tensor-model-parallel-size",
    "--eval-global-batch-size", "--eval-micro-batch-size", "--expert-model-parallel-size",
    "--kitchen-attention-backend", "--local-rank", "--lr-warmup-init", "--lr-wsd-decay-iters",
    "--lr-wsd-decay-samples", "--lr-wsd-decay-style", "--model-parallel-size", "--moe-router-dtype",
    "--moe-router-group-topk", "--moe-shared-expert-glu-interleave-size", "--no-position-embedding", "--num-channels",
    "--num-classes", "--pipeline-model-parallel-layout", "--pipeline-model-parallel-split-rank",
    "--position-embedding-type", "--rl-inference-pipeline-model-parallel-size",
    "--rl-inference-tensor-model-parallel-size", "--test-data-path", "--titles-data-path",
    "--use-rotary-position-embeddings", "--valid-data-path",
})

# The values argparse accepts for the flags above that have choices (arguments.py and the config
# dataclasses: Literal types, AttnBackend in megatron/core/transformer/enums.py).
CHOICES = {
    "--recompute-granularity": ("full", "selective"), "--fp8-format": ("e4m3", "hybrid"),
    "--attention-backend": ("flash", "fused", "unfused", "local", "auto"),
    "--lr-decay-style": ("constant", "linear", "cosine", "inverse-square-root", "WSD"),
    "--data-parallel-sharding-strategy": ("no_shard", "optim", "optim_grads", "optim_grads_params"),
}
DEFAULT_PADDING = 128  # --make-vocab-size-divisible-by (arguments.py)
UNPLACED = "; planlint's moe_layers cannot place them, so the count is given as first_dense"  # see moe_layers_field
MAX_SCHEDULE = 10_000  # batch sizes a ramp or step schedule passes through that are integrated step by step
DOCUMENTATION = """\
Reads the command line that launches pretrain_*.py (in a bash script, through its variables,
arrays, defaults and line continuations; or a file of flags):
- shape: --num-layers, --hidden-size, --num-attention-heads, --group-query-attention with
  --num-query-groups, --kv-channels, --ffn-hidden-size (default 4 x hidden, or with --swiglu
  int(8 x hidden / 3 / 64) x 64), --swiglu / --quick-geglu, --untie-embeddings-and-output-weights
  (tied by default), --vocab-size padded to --make-vocab-size-divisible-by (128) x tensor
  parallelism (or --padded-vocab-size), --seq-length; experts: --num-experts, --moe-router-topk
  (default 2), --moe-ffn-hidden-size, --moe-shared-expert-intermediate-size, --moe-layer-freq;
  --multi-latent-attention with --kv-lora-rank, --q-lora-rank, --qk-head-dim,
  --qk-pos-emb-head-dim, --v-head-dim
- training: --train-iters or --train-samples x the global batch (--global-batch-size, with
  --rampup-batch-size or --step-batch-size-schedule integrated step by step) x --seq-length;
  --lr, warmup (--lr-warmup-iters, --lr-warmup-samples, --lr-warmup-fraction), --lr-decay-style
- data mix: the weights of --data-path (or --train-data-path), normalized
- compute: --tensor-model-parallel-size, --pipeline-model-parallel-size, --micro-batch-size,
  --use-distributed-optimizer (ZeRO-1) or Megatron/torch FSDP, --recompute-granularity,
  --use-flash-attn / --attention-backend, precision (--bf16, --fp16, --fp8-format); the
  accelerators from torchrun's --nproc_per_node x --nnodes when the script writes both
Left to the plan: the unique tokens; the vocabulary when only a tokenizer file is named; the
accelerators when the launcher takes them from the environment; a global batch that is not
written (micro-batch x data-parallel size, computed once the plan gives compute.accelerators).
"""


# -- command-line arguments ------------------------------------------------------------------------


@record
class Occurrence:
    flag: Word
    values: list[Word]


@record
class Arguments:
    """The flags of one command line, in order: the last occurrence of a flag wins, as in argparse."""

    script_word: Optional[Word]
    launcher: list[Word]
    seen: dict[str, list[Occurrence]] = field(default_factory=dict)
    stray: list[Word] = field(default_factory=list)

    def last(self, flag: str) -> Optional[Occurrence]:
        found = self.seen.get(flag)
        return found[-1] if found else None

    def has(self, flag: str) -> bool:
        return flag in self.seen


_NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def _is_flag(word: Word) -> bool:
    text = word.text
    return not word.unknown and text.startswith("-") and len(text) > 1 and not _NUMBER.fullmatch(text)


def parse_arguments(words: list[Word]) -> Arguments:
    """Split a command line into the launcher's words and the training script's flags: the
    script is the first word naming a .py file (or following ``-m``); with none, the flags
    start at the first flag this adapter reads."""
    script_index = None
    for index, word in enumerate(words):
        if word.text.endswith(".py") and not word.text.startswith("-"):
            script_index = index
            break
    if script_index is None:
        for index, word in enumerate(words):
            if word.text.split("=", 1)[0] in FLAGS:
                script_index = index - 1
                break
    if script_index is None:
        script_index = -1
    args = Arguments(words[script_index] if script_index >= 0 else None, words[:max(script_index, 0)])
    index = script_index + 1
    while index < len(words):
        word = words[index]
        if not _is_flag(word):
            args.stray.append(word)
            index += 1
            continue
        name, _, inline = word.text.partition("=")
        values = []
        if inline or word.text.endswith("="):
            values.append(Word(inline, word.origin + len(name) + 1, word.at, word.unknown, word.variable))
            index += 1
        else:
            index += 1
            kind = FLAGS.get(name, "list")
            limit = {"flag": 0, "int": 1, "float": 1, "str": 1, "three": 3}.get(kind)
            while index < len(words) and not _is_flag(words[index]) and (limit is None or len(values) < limit):
                values.append(words[index])
                index += 1
        args.seen.setdefault(name, []).append(Occurrence(Word(name, word.origin, word.at, word.unknown,
                                                              word.variable), values))
    return args


# -- batch schedules -------------------------------------------------------------------------------


@record(frozen=True)
class BatchSchedule:
    """The global batch size as Megatron-LM varies it with the samples consumed.

    ``ramp`` is --rampup-batch-size (start, increment, ramp samples): in the Megatron-LM
    releases that read it, RampupBatchsizeNumMicroBatchesCalculator starts at ``start`` and
    adds ``increment`` every ramp_samples / ((final - start) / increment) samples, reaching
    ``final`` once more than the ramp samples are consumed. ``steps`` is
    --step-batch-size-schedule as (threshold in samples, batch) pairs: the batch of the last
    threshold reached (StepBatchsizeNumMicroBatchesCalculator). Neither: constant."""

    final: int
    ramp: Optional[tuple[int, int, int]] = None
    steps: Optional[tuple[tuple[int, int], ...]] = None

    @property
    def constant(self) -> bool:
        return self.ramp is None and self.steps is None

    def batch_at(self, consumed: int) -> int:
        if self.ramp is not None:
            start, increment, samples = self.ramp
            if consumed > samples:
                return self.final
            increments = (self.final - start) // increment
            per_increment = samples / increments  # Megatron-LM divides in floating point
            return start + int(consumed / per_increment) * increment
        if self.steps is not None:
            batch = self.steps[0][1]
            for threshold, size in self.steps:
                if consumed >= threshold:
                    batch = size
            return batch
        return self.final

    def next_change(self, consumed: int) -> Optional[int]:
        """The least sample count above ``consumed`` at which the batch size may change
        (None: it never changes again)."""
        if self.ramp is not None:
            samples = self.ramp[2]
            if consumed > samples:
                return None
            # the least count above ``consumed`` with another batch: batch_at is monotone, so a
            # binary search over Megatron-LM's own (floating-point) expression finds it exactly
            current, low, high = self.batch_at(consumed), consumed + 1, samples + 1
            while low < high:
                middle = (low + high) // 2
                if self.batch_at(middle) != current:
                    high = middle
                else:
                    low = middle + 1
            return low
        if self.steps is not None:
            later = [threshold for threshold, _ in self.steps if threshold > consumed]
            return min(later) if later else None
        return None

    def run(self, steps: Optional[int] = None, until: Optional[int] = None, inclusive: bool = False) -> tuple[int, int]:
        """(steps, samples) after ``steps`` optimizer steps, or after stepping while the
        samples consumed are below ``until`` (at or below it with ``inclusive``)."""
        done, consumed = 0, 0
        while True:
            if steps is not None and done >= steps:
                return done, consumed
            if until is not None and (consumed > until if inclusive else consumed >= until):
                return done, consumed
            batch = self.batch_at(consumed)
            if batch <= 0:
                return done, consumed
            boundary = self.next_change(consumed)
            targets = []
            if boundary is not None:
                targets.append(-(-(boundary - consumed) // batch))  # steps until the boundary is reached
            if until is not None:
                limit = until + 1 if inclusive else until
                targets.append(max(1, -(-(limit - consumed) // batch)))
            if steps is not None:
                targets.append(steps - done)
            if not targets:  # a constant batch and no bound: nothing to count
                return done, consumed
            take = max(1, min(targets))
            done += take
            consumed += take * batch


def iterations_for_samples(schedule: BatchSchedule, train_samples: int) -> int:
    """The optimizer steps Megatron-LM runs for --train-samples (training.py, update_train_iters):
    train_samples // global batch when constant; with a ramp, steps while the samples consumed
    are at most both the ramp's and train_samples, then whole global batches of the rest (the last
    partial batch is dropped); with a step schedule, steps while fewer than train_samples are consumed."""
    if schedule.constant:
        return train_samples // schedule.final
    if schedule.ramp is not None:
        steps, consumed = schedule.run(until=min(schedule.ramp[2], train_samples), inclusive=True)
        if train_samples > consumed:
            steps += (train_samples - consumed) // schedule.final
        return steps
    return schedule.run(until=train_samples)[0]


def samples_in(schedule: BatchSchedule, steps: int) -> int:
    return schedule.run(steps=steps)[1]


def steps_to_reach(schedule: BatchSchedule, samples: float) -> int:
    """Steps until at least ``samples`` samples are consumed (where a sample-counted warmup ends)."""
    if samples <= 0:
        return 0
    return schedule.run(until=math.ceil(samples))[0]


def pad_vocab(vocab: int, divisible_by: int, tensor_parallel: int) -> int:
    """Megatron-LM's padded vocabulary: up to a multiple of make-vocab-size-divisible-by x
    tensor-parallel size (build_tokenizer.vocab_size_with_padding; NeMo pads the same way)."""
    multiple = divisible_by * tensor_parallel
    return -(-vocab // multiple) * multiple


def blend(values: list[str]) -> tuple[list[str], Optional[list[float]]]:
    """Megatron-core's reading of a data-path list (datasets/utils.py, get_blend_from_list): an
    even count of words whose every other word is a number is weight-path pairs; otherwise
    they are all paths, weighted by the size of each dataset (which the config cannot say)."""
    if len(values) % 2 == 0 and values:
        weights = []
        for raw in values[0::2]:
            try:
                weights.append(float(raw))
            except ValueError:
                return [v.strip() for v in values], None
        return [v.strip() for v in values[1::2]], weights
    return [v.strip() for v in values], None


def blend_mix(words: list[str]) -> tuple[Optional[list[dict]], str, str]:
    """The plan's data.mix for a blend list (as --data-path or NeMo's data_prefix write it):
    (mix, how, "") when it says the shares, Megatron-core normalizing the weights by their sum
    (BlendedDataset); (None, why, severity) when it does not."""
    paths, weights = blend(words)
    if weights is None:
        if len(paths) == 1:
            return [{"source": paths[0], "share": 1.0}], "one dataset", ""
        return None, (f"lists {len(paths)} datasets without weights: Megatron-core weights them by their size, which "
                      "the config cannot say"), "info"
    total = sum(weights)
    if total <= 0 or any(w < 0 for w in weights):
        return None, f"has weights summing to {total:g}: Megatron-core needs positive weights", "warning"
    return ([{"source": path, "share": weight / total} for path, weight in zip(paths, weights)],
            f"the weights normalized by their sum {total:g}", "")


def moe_layers_field(pattern: list[int]) -> tuple[Optional[dict], bool]:
    """The plan's ``moe_layers`` for a per-layer pattern (1: experts), and whether it states the
    pattern. planlint has (layers - first_dense) // every MoE layers, every ``every``-th layer
    after the first_dense dense ones; a pattern of that form (the experts at the first or the last
    layer of each period) is stated as such, any other with the same count as first_dense (exact
    for the parameters, which depend only on the count)."""
    layers, count = len(pattern), sum(pattern)
    if count == layers:
        return None, True
    first = next((i for i, moe in enumerate(pattern) if moe), layers)
    if layers <= 1000:  # a search bounded for any input
        for every in range(1, min(layers, 64) + 1):
            for first_dense in sorted({0, first, max(first - every + 1, 0)}):
                if (layers - first_dense) // every != count:
                    continue
                for offset in (every - 1, 0):
                    if all(moe == (i >= first_dense and (i - first_dense) % every == offset)
                           for i, moe in enumerate(pattern)):
                        spec = {"first_dense": first_dense} if first_dense else {}
                        if every > 1:
                            spec["every"] = every
                        return spec or None, True
    return {"first_dense": layers - count}, False


def layer_pattern(text: str, layers: int) -> Optional[list[int]]:
    """--moe-layer-freq (arguments.py, moe_freq_type): N, one MoE layer in every N starting at
    layer 0 (theoretical_memory_usage: i % N == 0); or a list expression such as
    "([0]*3+[1]*58)", evaluated here without eval: lists of 0/1, +, * and parentheses."""
    text = text.strip()
    if re.fullmatch(r"\d+", text):
        every = int(text)
        return [1 if every and i % every == 0 else 0 for i in range(layers)] if every else None
    try:
        value = _ListExpression(text).value()
    except ValueError:
        return None
    return value if isinstance(value, list) else None


class _ListExpression:
    MAX_ITEMS = 100_000

    def __init__(self, text: str):
        self.tokens = re.findall(r"\d+|[\[\](),+*]|\S", text)
        self.k = 0
        self.depth = 0

    def value(self):
        result = self.sum()
        if self.k != len(self.tokens):
            raise ValueError("trailing text")
        return result

    def peek(self):
        return self.tokens[self.k] if self.k < len(self.tokens) else ""

    def take(self):
        token = self.peek()
        self.k += 1
        return token

    def sum(self):
        left = self.product()
        while self.peek() == "+":
            self.take()
            right = self.product()
            if type(left) is not type(right):
                raise ValueError("+")
            left = left + right
            self._check(left)
        return left

    def product(self):
        left = self.atom()
        while self.peek() == "*":
            self.take()
            right = self.atom()
            if isinstance(left, int) and isinstance(right, list):
                left, right = right, left
            if isinstance(left, list) and isinstance(right, int):
                if len(left) * right > self.MAX_ITEMS:
                    raise ValueError("too long")
                left = left * right
            elif isinstance(left, int) and isinstance(right, int):
                left = left * right
            else:
                raise ValueError("*")
            self._check(left)
        return left

    def atom(self):
        token = self.take()
        if token == "(":
            self.depth += 1
            if self.depth > 50:
                raise ValueError("nested too deep")
            value = self.sum()
            self.depth -= 1
            if self.take() != ")":
                raise ValueError("(")
            return value
        if token == "[":
            items = []
            while self.peek() != "]":
                items.append(int(self.take()) if self.peek().isdigit() else _raise())
                if self.peek() == ",":
                    self.take()
            self.take()
            return items
        if token.isdigit():
            return int(token)
        raise ValueError(token)

    def _check(self, value):
        if isinstance(value, list) and len(value) > self.MAX_ITEMS:
            raise ValueError("too long")
        if isinstance(value, int) and value > 10 ** 9:
            raise ValueError("too large")


def _raise():
    raise ValueError("not a number")


def parse_step_schedule(text: str, seq_length: Optional[int]) -> Optional[tuple[tuple[int, int], ...]]:
    """--step-batch-size-schedule "0:16 2.4B:320 ...": thresholds with K/M/B/T suffixes, in tokens
    when the sequence length is known (converted to samples by // seq_length), sorted; None when
    it does not read (Megatron-LM would refuse it: the first threshold must be 0, the thresholds
    increasing, the batches positive)."""
    entries = []
    for entry in text.replace(",", " ").split():
        threshold, sep, batch = entry.partition(":")
        if not sep:
            return None
        try:
            value, size = _suffixed(threshold), _suffixed(batch)
        except ValueError:
            return None
        if seq_length:
            value //= seq_length
        entries.append((value, size))
    entries.sort()
    if len(entries) > MAX_SCHEDULE or not entries or entries[0][0] != 0 or any(b <= 0 for _, b in entries) or \
            any(entries[i][0] <= entries[i - 1][0] for i in range(1, len(entries))):
        return None
    return tuple(entries)


def _suffixed(text: str) -> int:
    text = text.strip().upper()
    scale = {"T": 10 ** 12, "B": 10 ** 9, "M": 10 ** 6, "K": 10 ** 3}.get(text[-1:], 1)
    if scale != 1:
        text = text[:-1]
    number = float(text)
    if not math.isfinite(number) or abs(number) > 1e30:
        raise ValueError(text)
    return int(number * scale)


# -- the adapter -----------------------------------------------------------------------------------


class _Reader:
    """One launch config being read into a LaunchConfig."""

    def __init__(self, path: str, script: Script, args: Arguments, command: Command):
        self.path = path
        self.script = script
        self.args = args
        self.command = command
        self.config = LaunchConfig("megatron", path, problems=list(script.problems))

    # positions

    def at(self, word: Word, key: str) -> Source:
        line, column = self.script.position(word.origin)
        return Source(self.path, line, column, key)

    def default_source(self, flag: str) -> Source:
        anchor = self.args.script_word or (self.command.words[0] if self.command.words else None)
        if anchor is None:
            return Source(self.path, 1, 1, flag)
        return self.at(anchor, flag)

    def sources(self, flag: str) -> tuple[Source, ...]:
        """Where a flag's value is written: the value (its variable's assignment when it came
        through one), then the flag."""
        occurrence = self.args.last(flag)
        if occurrence is None:
            return (self.default_source(flag),)
        if not occurrence.values:
            return (self.at(occurrence.flag, flag),)
        value = occurrence.values[0]
        if value.variable and value.variable != occurrence.flag.variable:
            return self.at(value, value.variable), self.at(occurrence.flag, flag)
        return (self.at(value, flag),)

    def problem(self, message: str, word: Optional[Word], fix: str, severity: str = "warning",
                details: tuple[str, ...] = ()) -> None:
        line, column = self.script.position(word.origin) if word is not None else (1, 1)
        problem = Problem(message, line, column, fix, severity, details)
        if problem not in self.config.problems:
            self.config.problems.append(problem)

    # values

    def value(self, flag: str) -> Optional[Word]:
        occurrence = self.args.last(flag)
        if occurrence is None or not occurrence.values:
            return None
        return occurrence.values[0]

    def known(self, flag: str) -> Optional[str]:
        """A flag's value text, or None when absent or unknown (the latter reported)."""
        word = self.value(flag)
        if word is None:
            if self.args.has(flag) and FLAGS.get(flag) != "flag":
                self.problem(f"{flag} has no value", self.args.last(flag).flag, f"give {flag} its value")
            return None
        if word.unknown:
            self.problem(f"{flag} depends on {word.unknown}", word,
                         f"write the value of {flag} in the script, or state it in the plan",
                         details=(f"{flag} is {word.text}",))
            return None
        return word.text

    def integer(self, flag: str) -> Optional[int]:
        text = self.known(flag)
        if text is None:
            return None
        if re.fullmatch(r"[-+]?\d+", text.strip()):
            return int(text)
        self.problem(f"{flag} is '{text[:60]}', not a whole number: Megatron-LM refuses it", self.value(flag),
                     f"write {flag} as a whole number")
        return None

    def number(self, flag: str) -> Optional[float]:
        text = self.known(flag)
        if text is None:
            return None
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problem(f"{flag} is '{text[:60]}', not a number: Megatron-LM refuses it", self.value(flag),
                         f"write {flag} as a number")
            return None
        return number

    def positive(self, flag: str) -> Optional[int]:
        value = self.integer(flag)
        if value is not None and value <= 0:
            self.problem(f"{flag} is {value}: Megatron-LM needs a positive value", self.value(flag),
                         f"set {flag} to a positive number")
            return None
        return value

    def put(self, name: str, value: Any, sources, how: str = "") -> None:
        if value is None:
            return
        sources = tuple(s for group in sources for s in (group if isinstance(group, tuple) else (group,)))
        self.config.fields[name] = Derived(value, tuple(dict.fromkeys(sources)), how)

    def put_needing(self, name: str, needs: tuple[str, ...], formula: Callable, sources, how: str) -> None:
        sources = tuple(s for group in sources for s in (group if isinstance(group, tuple) else (group,)))
        self.config.fields[name] = Derived(None, tuple(dict.fromkeys(sources)), how, needs, formula)


class MegatronAdapter(Adapter):
    name = "megatron"
    label = "Megatron-LM launch script or argument file"
    suffixes = (".sh", ".bash", ".slurm", ".sbatch", ".args", ".txt")
    documentation = DOCUMENTATION

    def detect(self, path: str, text: str) -> float:
        if "\x00" in text[:4096]:
            return 0.0
        sample = text[:200_000]
        hits = sum(1 for flag in ("--num-layers", "--hidden-size", "--num-attention-heads", "--seq-length",
                                  "--micro-batch-size", "--global-batch-size", "--tensor-model-parallel-size",
                                  "--train-iters", "--train-samples", "--max-position-embeddings")
                   if re.search(re.escape(flag) + r"(?![\w-])", sample))
        if re.search(r"pretrain_(gpt|mamba|bert|t5|hybrid)\w*\.py", sample) and hits:
            return 0.95
        if hits >= 3:
            return 0.8 if path.endswith(self.suffixes) else 0.6
        return 0.1 * hits

    def read(self, path: str, text: str) -> LaunchConfig:
        if "\x00" in text:
            config = LaunchConfig(self.name, path)
            config.problems.append(Problem("the file holds NUL bytes: it is not a launch script", 1, 1,
                                           "name the launch script or argument file", "error"))
            return config
        plain_arguments = path.endswith((".args", ".txt"))
        script = read_arguments(text) if plain_arguments else read_script(text)
        command = pick_command(script)
        if command is None:
            config = LaunchConfig(self.name, path, problems=list(script.problems))
            config.problems.append(Problem("no Megatron-LM command line found: no command gives --num-layers, "
                                           "--hidden-size or another flag planlint reads", 1, 1,
                                           "name the script that launches pretrain_gpt.py", "error"))
            return config
        reader = _Reader(path, script, parse_arguments(command.words), command)
        _read(reader, script, command)
        return reader.config


ADAPTERS = (MegatronAdapter,)


def pick_command(script: Script) -> Optional[Command]:
    """The command that launches training: the one with the most flags this adapter reads
    (the first of equals)."""
    best, best_score = None, 0
    for command in script.commands:
        score = sum(1 for w in command.words if w.text.split("=", 1)[0] in FLAGS)
        if score > best_score:
            best, best_score = command, score
    return best


def _read(r: _Reader, script: Script, command: Command) -> None:
    if command.conditional:
        r.problem(f"the command that launches training may not run: {command.conditional}", command.words[0],
                  "launch training outside the branch, or check that the branch is the one that runs", "info")
    others = [c for c in script.commands if c is not command and
              sum(1 for w in c.words if w.text.split("=", 1)[0] in FLAGS) >= 3]
    if others:
        line = script.position(command.at)[0]
        r.problem(f"the script launches {len(others) + 1} training commands; planlint reads the one at line {line}",
                  others[0].words[0], "give each launch its own script", "info")
    _check_flags(r)
    if r.args.has("--yaml-cfg"):
        r.problem("--yaml-cfg reads the arguments from a YAML file, which this adapter does not follow",
                  r.args.last("--yaml-cfg").flag, "give the arguments on the command line", "warning")
    _shape(r)
    _training(r)
    _data(r)
    _compute(r)
    r.config.cannot_say = tuple(name for name in (
        "data.unique_tokens", "compute.accelerator", "model.vocab_size", "compute.accelerators")
        if name not in r.config.fields)


def _check_flags(r: _Reader) -> None:
    if r.args.stray:
        word = r.args.stray[0]
        before = _flag_before(r.args, word)
        follows = f" and follows {before}, which takes {_takes(before)}" if before else ""
        fix = ("quote the array where it is expanded (\"${ARGS[@]}\"), so that a value with spaces stays one word"
               if word.variable else f"remove '{word.text[:40]}', or give it to a flag")
        r.problem(f"'{word.text[:60]}' is not a flag{follows}: Megatron-LM stops with 'unrecognized arguments'", word,
                  fix)
    readable = sorted(FLAGS)
    for name, occurrences in r.args.seen.items():
        if name not in FLAGS and name not in NEAR_MISSES and name.startswith("--"):
            close = difflib.get_close_matches(name, readable, n=1, cutoff=0.8)
            if close:
                r.problem(f"{name} is not a Megatron-LM flag (did you mean {close[0]}?): Megatron-LM stops with "
                          "'unrecognized arguments'", occurrences[0].flag, f"write {close[0]}")
        if name in FLAGS and len(occurrences) > 1:
            texts = [" ".join(w.text for w in o.values) for o in occurrences]
            if len(set(texts)) > 1:
                first = r.script.position(occurrences[0].flag.origin)[0]
                r.problem(f"{name} is given {len(occurrences)} times ({', '.join(t or 'set' for t in texts)[:120]}); "
                          f"Megatron-LM uses the last, not the one at line {first}", occurrences[-1].flag,
                          f"give {name} once", "info")
        kind = FLAGS.get(name)
        last = occurrences[-1]
        if name in CHOICES and last.values and not last.values[0].unknown and last.values[0].text not in CHOICES[name]:
            r.problem(f"{name} '{last.values[0].text[:40]}' is not one of {', '.join(CHOICES[name])}: Megatron-LM "
                      "refuses it", last.values[0], f"write one of {', '.join(CHOICES[name])}")
        for occurrence in occurrences:
            if kind == "three" and len(occurrence.values) != 3:
                r.problem(f"{name} takes three values (start batch, increment, ramp samples), not "
                          f"{len(occurrence.values)}", occurrence.flag, f"give {name} three numbers")


def _flag_before(args: Arguments, word: Word) -> Optional[str]:
    """The flag whose values precede a stray word (by position in the command)."""
    best, best_at = None, -1
    for name, occurrences in args.seen.items():
        for occurrence in occurrences:
            last = occurrence.values[-1] if occurrence.values else occurrence.flag
            if (last.at, last.origin) < (word.at, word.origin) and (last.at, last.origin) > (best_at, -1):
                best, best_at = name, last.at
    return best if best in FLAGS else None


def _takes(flag: str) -> str:
    return {"flag": "no value", "three": "three values"}.get(FLAGS[flag], "one value")


def _shape(r: _Reader) -> None:
    layers = r.positive("--num-layers")
    hidden = r.positive("--hidden-size")
    heads = r.positive("--num-attention-heads")
    r.put("model.layers", layers, r.sources("--num-layers"))
    r.put("model.d_model", hidden, r.sources("--hidden-size"))
    r.put("model.heads", heads, r.sources("--num-attention-heads"))
    mla = r.args.has("--multi-latent-attention")
    gqa = r.args.has("--group-query-attention")
    if heads and not mla:
        if gqa:
            groups = r.positive("--num-query-groups")
            if groups is None and not r.args.has("--num-query-groups"):
                groups = 1  # arguments.py: --num-query-groups defaults to 1
                r.put("model.kv_heads", 1, r.sources("--group-query-attention"),
                      "--group-query-attention without --num-query-groups: Megatron-LM's default of 1 group")
            else:
                r.put("model.kv_heads", groups, r.sources("--num-query-groups"))
        else:
            if r.args.has("--num-query-groups"):
                r.problem("--num-query-groups has no effect without --group-query-attention: Megatron-LM builds "
                          "multi-head attention, one key/value head per query head",
                          r.args.last("--num-query-groups").flag, "add --group-query-attention, or drop "
                          "--num-query-groups")
            r.put("model.kv_heads", heads, r.sources("--num-attention-heads"),
                  "no --group-query-attention: one key/value head per attention head")
    if r.args.has("--kv-channels") and not mla:
        r.put("model.head_dim", r.positive("--kv-channels"), r.sources("--kv-channels"))
    gated = r.args.has("--swiglu") or r.args.has("--quick-geglu")
    gate_flag = "--quick-geglu" if r.args.has("--quick-geglu") and not r.args.has("--swiglu") else "--swiglu"
    r.put("model.ffn_gated", gated, r.sources(gate_flag),
          "" if gated else "no --swiglu: Megatron-LM's default GeLU feed-forward")
    ffn = r.positive("--ffn-hidden-size")
    if ffn is not None:
        r.put("model.ffn_dim", ffn, r.sources("--ffn-hidden-size"))
    elif hidden and not r.args.has("--ffn-hidden-size"):
        if gated:
            ffn = int((4 * hidden * 2 / 3) / 64) * 64
            how = (f"no --ffn-hidden-size: Megatron-LM's SwiGLU default int(4 x {hidden} x 2/3 / 64) x 64 = {ffn:,} "
                   "(arguments.py, validate_args)")
        else:
            ffn = 4 * hidden
            how = f"no --ffn-hidden-size: Megatron-LM's default 4 x {hidden:,}"
        r.put("model.ffn_dim", ffn, (r.sources("--hidden-size"),), how)
    untied = r.args.has("--untie-embeddings-and-output-weights")
    r.put("model.tied_embeddings", not untied, r.sources("--untie-embeddings-and-output-weights"),
          "" if untied else "no --untie-embeddings-and-output-weights: Megatron-LM ties the output layer to the "
                            "embeddings by default")
    _vocab(r)
    seq = r.positive("--seq-length")
    r.put("model.context_length", seq, r.sources("--seq-length"))
    if seq is None and not r.args.has("--seq-length"):
        r.problem("no --seq-length: the training context, and so the tokens, are left to the plan", r.args.script_word,
                  "give --seq-length", "info")
    if not r.args.has("--max-position-embeddings"):
        r.problem("no --max-position-embeddings: Megatron-LM requires it (arguments.py, validate_args)",
                  r.args.script_word, "give --max-position-embeddings, at least --seq-length")
    else:
        positions = r.positive("--max-position-embeddings")
        if positions and seq and positions < seq:
            r.problem(f"--max-position-embeddings {positions:,} is below --seq-length {seq:,}: Megatron-LM refuses it",
                      r.value("--max-position-embeddings"), f"set --max-position-embeddings to {seq} or more")
    if mla:
        _mla(r)
    _experts(r, layers, ffn)
    if r.args.has("--mtp-num-layers"):
        mtp = r.integer("--mtp-num-layers")
        if mtp:
            r.problem(f"--mtp-num-layers {mtp} adds {mtp} multi-token-prediction layer(s) whose weights planlint's "
                      "shape does not count", r.args.last("--mtp-num-layers").flag,
                      "count them in model.params, if the plan states it", "info")


def _vocab(r: _Reader) -> None:
    tensor_parallel = r.positive("--tensor-model-parallel-size") or 1
    if r.args.has("--padded-vocab-size"):
        r.put("model.vocab_size", r.positive("--padded-vocab-size"), r.sources("--padded-vocab-size"))
        return
    tokenizer = r.known("--tokenizer-type") if r.args.has("--tokenizer-type") else None
    divisible = r.positive("--make-vocab-size-divisible-by") if r.args.has("--make-vocab-size-divisible-by") else None
    divisible = divisible or DEFAULT_PADDING
    vocab = r.positive("--vocab-size")
    if vocab is None:
        if not r.args.has("--vocab-size"):
            named = f"--tokenizer-type {tokenizer}" if tokenizer else "a tokenizer file"
            r.problem(f"the vocabulary comes from {units.clip(named, 60)}, which planlint does not open",
                      r.args.last("--tokenizer-type").flag if tokenizer else r.args.script_word,
                      f"state model.vocab_size in the plan, padded to a multiple of {divisible * tensor_parallel}",
                      "info", details=(f"Megatron-LM pads it to a multiple of {divisible * tensor_parallel} ({divisible} "
                                       f"x tensor parallelism {tensor_parallel})",))
        return
    if r.args.has("--no-pad-vocab-size"):
        r.put("model.vocab_size", vocab, r.sources("--vocab-size"), "--no-pad-vocab-size: not padded")
        return
    padded = pad_vocab(vocab, divisible, tensor_parallel)
    how = f"--vocab-size {vocab:,} padded to a multiple of {divisible} x tensor parallelism {tensor_parallel}"
    if tokenizer and tokenizer not in ("NullTokenizer", "TikTokenizer"):
        how += f"; with {tokenizer} Megatron-LM takes the vocabulary from the tokenizer, which planlint does not open"
    sources = [r.sources("--vocab-size")]
    if r.args.has("--tensor-model-parallel-size") and padded != vocab:
        sources.append(r.sources("--tensor-model-parallel-size"))
    r.put("model.vocab_size", padded, sources, how)


def _mla(r: _Reader) -> None:
    """--multi-latent-attention: the low-rank projections' sizes, with arguments.py's defaults
    (_add_mla_args: kv-lora-rank 32, qk-head-dim 128, qk-pos-emb-head-dim 64, v-head-dim 128, no
    query latent)."""
    defaults = {"--kv-lora-rank": 32, "--qk-head-dim": 128, "--qk-pos-emb-head-dim": 64, "--v-head-dim": 128}
    values = {flag: (r.positive(flag) if r.args.has(flag) else default) for flag, default in defaults.items()}
    if any(v is None for v in values.values()):
        return
    mla = {"kv_lora_rank": values["--kv-lora-rank"], "rope_head_dim": values["--qk-pos-emb-head-dim"],
           "v_head_dim": values["--v-head-dim"]}
    if r.args.has("--q-lora-rank"):
        q_rank = r.positive("--q-lora-rank")
        if q_rank is None:
            return
        mla["q_lora_rank"] = q_rank
    written = [flag for flag in ("--kv-lora-rank", "--q-lora-rank", "--qk-pos-emb-head-dim", "--v-head-dim")
               if r.args.has(flag)]
    defaulted = [f"{flag} {value}" for flag, value in values.items()
                 if not r.args.has(flag) and flag != "--qk-head-dim"]
    r.put("model.mla", mla, [r.sources("--multi-latent-attention")] + [r.sources(f) for f in written],
          f"Megatron-LM's defaults: {', '.join(defaulted)}" if defaulted else "")
    r.put("model.head_dim", values["--qk-head-dim"], r.sources("--qk-head-dim"),
          "" if r.args.has("--qk-head-dim") else "no --qk-head-dim: Megatron-LM's default 128")


def _experts(r: _Reader, layers: Optional[int], ffn: Optional[int]) -> None:
    if not r.args.has("--num-experts"):
        return
    experts = r.positive("--num-experts")
    if experts is None:
        return
    r.put("model.experts", experts, r.sources("--num-experts"))
    top_k = r.positive("--moe-router-topk") if r.args.has("--moe-router-topk") else 2
    r.put("model.experts_per_token", top_k, r.sources("--moe-router-topk"),
          "" if r.args.has("--moe-router-topk") else "no --moe-router-topk: Megatron-LM's default of 2")
    expert_ffn = r.positive("--moe-ffn-hidden-size") if r.args.has("--moe-ffn-hidden-size") else ffn
    if expert_ffn is not None:
        r.put("model.expert_ffn_dim", expert_ffn, r.sources("--moe-ffn-hidden-size"),
              "" if r.args.has("--moe-ffn-hidden-size") else
              "no --moe-ffn-hidden-size: Megatron-LM uses --ffn-hidden-size for each expert")
    if r.args.has("--moe-shared-expert-intermediate-size") and expert_ffn:
        shared = r.positive("--moe-shared-expert-intermediate-size")
        if shared is not None:
            # arguments.py: the total width of the shared experts (count x the width of each)
            if shared % expert_ffn == 0:
                r.put("model.shared_experts", shared // expert_ffn, r.sources("--moe-shared-expert-intermediate-size"),
                      f"{shared:,} of shared-expert width / {expert_ffn:,} per expert")
            else:
                r.problem(f"--moe-shared-expert-intermediate-size {shared:,} is not a whole number of "
                          f"{expert_ffn:,}-wide experts, which planlint's shape counts in", 
                          r.args.last("--moe-shared-expert-intermediate-size").flag,
                          "state model.params and model.active_params in the plan", "info")
    if r.args.has("--moe-latent-size"):
        r.problem("--moe-latent-size projects tokens to a smaller width before the experts; planlint counts "
                  "experts at the full hidden size", r.args.last("--moe-latent-size").flag,
                  "state model.params and model.active_params in the plan", "info")
    if layers and r.args.has("--moe-layer-freq"):
        text = r.known("--moe-layer-freq")
        if text is None:
            return
        pattern = layer_pattern(text, layers)
        if pattern is None or len(pattern) != layers:
            r.problem(f"--moe-layer-freq '{text[:60]}' does not give one entry per layer ({layers}): Megatron-LM "
                      "refuses it", r.value("--moe-layer-freq"), "give an interval, or a pattern of one 0/1 per layer")
            return
        moe_layers, faithful = moe_layers_field(pattern)
        how = f"--moe-layer-freq {text}: {sum(pattern)} of {layers} layers have experts"
        how += "" if faithful else UNPLACED
        if moe_layers is not None:
            r.put("model.moe_layers", moe_layers, r.sources("--moe-layer-freq"), how)


def _schedule(r: _Reader, seq: Optional[int]) -> tuple[Optional[BatchSchedule], list]:
    """The global batch schedule and the sources it comes from (None when the batch depends
    on the data-parallel size, or cannot be read)."""
    if r.args.has("--step-batch-size-schedule"):
        text = r.known("--step-batch-size-schedule")
        if text is None:
            return None, []
        steps = parse_step_schedule(text, seq)
        if steps is None:
            r.problem(f"--step-batch-size-schedule '{text[:80]}' does not read as THRESHOLD:BATCH pairs starting at 0 "
                      "with increasing thresholds: Megatron-LM refuses it", r.value("--step-batch-size-schedule"),
                      "write it as '0:256 100B:512 ...'")
            return None, []
        if r.args.has("--global-batch-size"):
            r.problem("Megatron-LM refuses --global-batch-size together with --step-batch-size-schedule "
                      "(arguments.py: 'Cannot specify both')", r.args.last("--global-batch-size").flag,
                      "drop --global-batch-size: the schedule's last batch is the global batch")
        if r.args.has("--rampup-batch-size"):
            r.problem("--rampup-batch-size is ignored next to --step-batch-size-schedule",
                      r.args.last("--rampup-batch-size").flag, "drop --rampup-batch-size")
        return BatchSchedule(steps[-1][1], steps=steps), [r.sources("--step-batch-size-schedule")]
    if not r.args.has("--global-batch-size"):
        return None, []
    final = r.positive("--global-batch-size")
    if final is None:
        return None, []
    sources = [r.sources("--global-batch-size")]
    if not r.args.has("--rampup-batch-size"):
        return BatchSchedule(final), sources
    occurrence = r.args.last("--rampup-batch-size")
    if len(occurrence.values) != 3 or any(w.unknown for w in occurrence.values):
        return None, []
    try:
        start, increment, samples = (int(w.text) for w in occurrence.values)
    except ValueError:
        r.problem("--rampup-batch-size takes three whole numbers", occurrence.flag,
                  "write start, increment and samples")
        return None, []
    if start <= 0 or increment <= 0 or samples < 0 or final < start or (final - start) % increment:
        r.problem(f"--rampup-batch-size {start} {increment} {samples} does not ramp to --global-batch-size {final} in "
                  "whole increments: Megatron-LM refuses it", occurrence.flag,
                  "make (global batch - start) a positive multiple of the increment")
        return None, []
    if (final - start) // increment > MAX_SCHEDULE:
        r.problem(f"--rampup-batch-size {start} {increment} {samples} passes through more than {MAX_SCHEDULE:,} batch "
                  "sizes, which planlint does not integrate", occurrence.flag, "state data.train_tokens in the plan",
                  "info")
        return None, []
    if final == start or samples == 0:
        r.problem(f"--rampup-batch-size {start} {increment} {samples} ramps over nothing: Megatron-LM divides by zero "
                  "here", occurrence.flag, "drop --rampup-batch-size, or ramp over some samples")
        return None, []
    r.problem("Megatron-LM deprecated --rampup-batch-size in April 2026 and ignores it from then on; planlint "
              "integrates the ramp as the releases that read it run it", occurrence.flag,
              "on a current Megatron-LM, write the ramp as --step-batch-size-schedule", "info")
    sources.append(r.at(occurrence.values[0], "--rampup-batch-size") if occurrence.values else
                   r.at(occurrence.flag, "--rampup-batch-size"))
    return BatchSchedule(final, ramp=(start, increment, samples)), sources


def _training(r: _Reader) -> None:
    seq = r.positive("--seq-length")
    iters = r.positive("--train-iters")
    samples = r.positive("--train-samples")
    if iters is not None and samples is not None:
        r.problem("both --train-iters and --train-samples: Megatron-LM refuses them together",
                  r.args.last("--train-samples").flag, "give one of them")
        return
    if not r.args.has("--train-iters") and not r.args.has("--train-samples"):
        r.problem("neither --train-iters nor --train-samples: Megatron-LM does not start, and the training tokens "
                  "are left to the plan", r.args.script_word, "give --train-iters or --train-samples")
    micro = r.positive("--micro-batch-size")
    if micro is None and not r.args.has("--micro-batch-size"):
        r.problem("no --micro-batch-size: Megatron-LM requires it", r.args.script_word, "give --micro-batch-size")
    schedule, batch_sources = _schedule(r, seq)
    length_flag = "--train-iters" if iters is not None else "--train-samples"
    seq_sources = r.sources("--seq-length")
    if schedule is not None:
        steps = iters if iters is not None else (iterations_for_samples(schedule, samples) if samples else None)
        if steps is not None:
            consumed = samples_in(schedule, steps)
            how_steps = "" if iters is not None else _samples_how(schedule, samples, steps)
            r.put("training.steps", steps, r.sources(length_flag), how_steps)
            if seq:
                r.put("data.train_tokens", consumed * seq, [r.sources(length_flag)] + batch_sources + [seq_sources],
                      _tokens_how(schedule, steps, consumed, seq))
        if seq:
            r.put("training.global_batch_tokens", schedule.final * seq, batch_sources + [seq_sources],
                  f"global batch {schedule.final:,} x {seq:,} tokens" + (" after the ramp" if not schedule.constant
                                                                         else ""))
        _warmup(r, schedule, iters, samples)
    elif micro is not None and not r.args.has("--global-batch-size") and not r.args.has("--step-batch-size-schedule"):
        _batch_from_devices(r, micro, seq, iters, samples)
    lr = r.number("--lr")
    r.put("training.peak_lr", lr, r.sources("--lr"))
    if r.args.has("--lr-decay-style"):
        style = r.known("--lr-decay-style")
        if style in CHOICES["--lr-decay-style"]:
            r.put("training.schedule", style.lower(), r.sources("--lr-decay-style"))
    else:
        r.put("training.schedule", "linear", r.sources("--lr-decay-style"),
              "no --lr-decay-style: Megatron-LM's default is linear")


def _samples_how(schedule: BatchSchedule, samples: int, steps: int) -> str:
    if schedule.constant:
        return f"--train-samples {samples:,} // global batch {schedule.final:,} (the partial last batch dropped)"
    return (f"--train-samples {samples:,} run through the batch schedule: {steps:,} steps (training.py, "
            "update_train_iters)")


def _tokens_how(schedule: BatchSchedule, steps: int, consumed: int, seq: int) -> str:
    if schedule.constant:
        return f"{steps:,} steps x global batch {schedule.final:,} x {seq:,} tokens"
    kind = "ramp-up" if schedule.ramp is not None else "step schedule"
    return (f"{steps:,} steps through the batch {kind} (to a global batch of {schedule.final:,}) consume "
            f"{consumed:,} sequences x {seq:,} tokens")


def _warmup(r: _Reader, schedule: BatchSchedule, iters: Optional[int], samples: Optional[int]) -> None:
    """Warmup in steps: Megatron-LM counts it in samples (get_optimizer_param_scheduler: warmup
    iterations x global batch, or --lr-warmup-samples, or the fraction of the decay length),
    which ends at the first step that has consumed as many."""
    if r.args.has("--lr-warmup-fraction"):
        fraction = r.number("--lr-warmup-fraction")
        if fraction is None:
            return
        if iters is not None:
            decay = r.positive("--lr-decay-iters") if r.args.has("--lr-decay-iters") else iters
            if decay is None:
                return
            warmup_samples = fraction * decay * schedule.final
            how = f"--lr-warmup-fraction {fraction:g} x {decay:,} decay iterations"
            sources = [r.sources("--lr-warmup-fraction"), r.sources("--lr-decay-iters" if r.args.has(
                "--lr-decay-iters") else "--train-iters")]
        elif samples is not None:
            decay = r.positive("--lr-decay-samples") if r.args.has("--lr-decay-samples") else samples
            if decay is None:
                return
            warmup_samples = fraction * decay
            how = f"--lr-warmup-fraction {fraction:g} x {decay:,} decay samples"
            sources = [r.sources("--lr-warmup-fraction")]
        else:
            return
    elif r.args.has("--lr-warmup-samples"):
        count = r.integer("--lr-warmup-samples")
        if count is None:
            return
        warmup_samples, how, sources = count, f"--lr-warmup-samples {count:,}", [r.sources("--lr-warmup-samples")]
    elif r.args.has("--lr-warmup-iters"):
        count = r.integer("--lr-warmup-iters")
        if count is None:
            return
        if schedule.constant:
            r.put("training.warmup_steps", count, r.sources("--lr-warmup-iters"))
            return
        warmup_samples = count * schedule.final
        how = f"--lr-warmup-iters {count:,} x global batch {schedule.final:,}"
        sources = [r.sources("--lr-warmup-iters")]
    else:
        r.put("training.warmup_steps", 0, r.sources("--lr-warmup-iters"),
              "no warmup flag: Megatron-LM's default of none")
        return
    steps = steps_to_reach(schedule, warmup_samples)
    r.put("training.warmup_steps", steps, sources, f"{how}: {warmup_samples:,.0f} samples, reached at step {steps:,}")


def _batch_from_devices(r: _Reader, micro: int, seq: Optional[int], iters: Optional[int],
                        samples: Optional[int]) -> None:
    """No global batch written: Megatron-LM uses micro-batch x data-parallel size, the
    accelerators over tensor x pipeline x context parallelism (arguments.py, validate_args)."""
    split = 1
    for flag in ("--tensor-model-parallel-size", "--pipeline-model-parallel-size", "--context-parallel-size"):
        split *= (r.positive(flag) if r.args.has(flag) else 1) or 1

    def global_batch(inputs: dict) -> Optional[int]:
        accelerators = inputs.get("compute.accelerators")
        if not accelerators or accelerators % split:
            return None
        return micro * (accelerators // split)

    sources = [r.sources("--micro-batch-size")]
    how = f"no --global-batch-size: --micro-batch-size {micro} x data-parallel size (accelerators / {split})"
    if seq:
        r.put_needing("training.global_batch_tokens", ("compute.accelerators",),
                      lambda inputs: None if global_batch(inputs) is None else global_batch(inputs) * seq,
                      sources + [r.sources("--seq-length")], f"{how} x {seq:,} tokens")
        if iters is not None:
            r.put_needing("data.train_tokens", ("compute.accelerators",),
                          lambda inputs: None if global_batch(inputs) is None else iters * global_batch(inputs) * seq,
                          [r.sources("--train-iters")] + sources + [r.sources("--seq-length")],
                          f"--train-iters {iters:,} x ({how}) x {seq:,} tokens")
        elif samples is not None:
            r.put_needing("data.train_tokens", ("compute.accelerators",),
                          lambda inputs: None if not global_batch(inputs) else
                          samples // global_batch(inputs) * global_batch(inputs) * seq,
                          [r.sources("--train-samples")] + sources + [r.sources("--seq-length")],
                          f"--train-samples {samples:,} in whole global batches ({how}) x {seq:,} tokens")
    if iters is not None:
        r.put("training.steps", iters, r.sources("--train-iters"))
    elif samples is not None:
        r.put_needing("training.steps", ("compute.accelerators",),
                      lambda inputs: None if not global_batch(inputs) else samples // global_batch(inputs),
                      [r.sources("--train-samples")] + sources, f"--train-samples {samples:,} // ({how})")


def _data(r: _Reader) -> None:
    flag = "--data-path" if r.args.has("--data-path") else ("--train-data-path" if r.args.has("--train-data-path")
                                                           else None)
    if flag is None:
        for other in ("--data-args-path", "--per-split-data-args-path"):
            if r.args.has(other):
                r.problem(f"{other} names a file of data paths, which planlint does not open: the data mix is left to "
                          "the plan", r.args.last(other).flag, "state data.mix in the plan", "info")
        return
    occurrence = r.args.last(flag)
    unknown = [w for w in occurrence.values if w.unknown]
    if unknown:
        r.problem(f"{flag} is {unknown[0].text[:60]}, which depends on {unknown[0].unknown}: the data mix is left to "
                  "the plan", unknown[0], "write the weights and paths in the script, or state data.mix in the plan",
                  "info")
        return
    words = [w.text for w in occurrence.values]
    if not words:
        return
    if len(words) == 1 and re.search(r"\s", words[0].strip()):
        r.problem(f"{flag} is one word holding spaces ('{words[0][:60]}'): Megatron-LM reads it as a single path",
                  occurrence.values[0], "leave the expansion unquoted, so that each weight and path is its own word")
        return
    mix, text, severity = blend_mix(words)
    if mix is None:
        r.problem(f"{flag} {text}", occurrence.flag, "state data.mix in the plan" if severity == "info" else
                  "give each dataset a positive weight", severity)
    else:
        r.put("data.mix", mix, r.sources(flag), f"{flag}: {text}")


def _compute(r: _Reader) -> None:
    for flag, name in (("--tensor-model-parallel-size", "compute.tensor_parallel"),
                       ("--pipeline-model-parallel-size", "compute.pipeline_parallel")):
        if r.args.has(flag):
            r.put(name, r.positive(flag), r.sources(flag))
        else:
            r.put(name, 1, r.sources(flag), f"no {flag}: Megatron-LM's default of 1")
    r.put("compute.micro_batch_size", r.positive("--micro-batch-size"), r.sources("--micro-batch-size"))
    if r.args.has("--use-torch-fsdp2"):
        r.put("compute.zero_stage", 3, r.sources("--use-torch-fsdp2"), "torch FSDP2 shards parameters, gradients and "
                                                                      "optimizer states")
    elif r.args.has("--use-megatron-fsdp"):
        strategy = r.known("--data-parallel-sharding-strategy") if r.args.has("--data-parallel-sharding-strategy") \
            else "optim_grads_params"
        stages = {"no_shard": 0, "optim": 1, "optim_grads": 2, "optim_grads_params": 3}
        if strategy in stages:
            r.put("compute.zero_stage", stages[strategy], [r.sources("--use-megatron-fsdp")] + (
                [r.sources("--data-parallel-sharding-strategy")] if r.args.has("--data-parallel-sharding-strategy")
                else []), f"Megatron FSDP with --data-parallel-sharding-strategy {strategy}")
    elif r.args.has("--use-distributed-optimizer"):
        r.put("compute.zero_stage", 1, r.sources("--use-distributed-optimizer"),
              "the distributed optimizer shards the optimizer states over data-parallel ranks (ZeRO-1)")
    else:
        r.put("compute.zero_stage", 0, r.sources("--use-distributed-optimizer"),
              "no --use-distributed-optimizer or FSDP: every data-parallel rank holds all model states")
    if r.args.has("--recompute-granularity"):
        granularity = r.known("--recompute-granularity")
        if granularity in ("full", "selective"):
            r.put("compute.recompute", granularity, r.sources("--recompute-granularity"))
    elif r.args.has("--recompute-activations"):
        r.put("compute.recompute", "selective", r.sources("--recompute-activations"),
              "--recompute-activations is selective recomputation (arguments.py)")
    else:
        r.put("compute.recompute", "none", r.sources("--recompute-granularity"), "no recomputation flag")
    if r.args.has("--use-flash-attn"):
        r.put("compute.flash_attention", True, r.sources("--use-flash-attn"))
    elif r.args.has("--attention-backend"):
        backend = r.known("--attention-backend")
        if backend in ("flash", "fused"):
            r.put("compute.flash_attention", True, r.sources("--attention-backend"),
                  f"--attention-backend {backend}: a fused kernel that never stores the scores")
        elif backend in ("unfused", "local"):
            r.put("compute.flash_attention", False, r.sources("--attention-backend"))
    precision_flags = [(flag, value) for flag, value in (("--fp8-format", "fp8"), ("--bf16", "bf16"),
                                                        ("--fp16", "fp16")) if r.args.has(flag)]
    if r.args.has("--fp4-format"):
        r.problem("--fp4-format trains in FP4, which the plan's precisions do not include",
                  r.args.last("--fp4-format").flag, "state training.precision in the plan", "info")
    elif precision_flags:
        flag, value = precision_flags[0]
        r.put("training.precision", value, r.sources(flag),
              f"{flag} over --bf16" if flag == "--fp8-format" and r.args.has("--bf16") else "")
        if r.args.has("--bf16") and r.args.has("--fp16"):
            r.problem("both --bf16 and --fp16: Megatron-LM refuses them together", r.args.last("--fp16").flag,
                      "give one of them")
    else:
        r.put("training.precision", "fp32", r.sources("--bf16"), "no --bf16, --fp16 or --fp8-format: fp32")
    _accelerators(r)


def _accelerators(r: _Reader) -> None:
    """torchrun (or torch.distributed.launch/run) with --nproc_per_node and --nnodes written in
    the script; a count taken from the environment (${SLURM_NNODES:-1}) is left to the plan."""
    words = r.args.launcher
    launcher = " ".join(w.text for w in words)
    if not re.search(r"torchrun|torch\.distributed\.(run|launch)", launcher):
        return
    found: dict[str, Word] = {}
    for index, word in enumerate(words):
        name, _, inline = word.text.partition("=")
        if name in ("--nproc_per_node", "--nproc-per-node", "--nnodes"):
            value = Word(inline, word.origin + len(name) + 1, word.at, word.unknown, word.variable) if inline else (
                words[index + 1] if index + 1 < len(words) else None)
            if value is not None:
                found["nnodes" if name == "--nnodes" else "nproc"] = value
    per_node, nodes = found.get("nproc"), found.get("nnodes")
    if per_node is None:
        return
    if nodes is None:
        nodes = Word("1", per_node.origin, per_node.at)
        nodes_given = False
    else:
        nodes_given = True
    if any(w.unknown or w.default_of or not re.fullmatch(r"\d+", w.text) for w in (per_node, nodes)):
        return
    total = int(per_node.text) * int(nodes.text)
    if total <= 0:
        return
    sources = [r.at(per_node, per_node.variable or "--nproc_per_node")]
    if nodes_given:
        sources.append(r.at(nodes, nodes.variable or "--nnodes"))
    r.put("compute.accelerators", total, sources,
          f"torchrun --nproc_per_node {per_node.text} x --nnodes {nodes.text if nodes_given else '1 (not given)'}")
