"""Launch-config adapters: read a training framework's own config (a Megatron-LM launch script,
a NeMo or OLMo YAML, a torchtitan TOML, a Hugging Face config.json, ...) into the plan's
vocabulary, without importing the framework.

An adapter turns one file into a :class:`LaunchConfig`: for each plan field it can derive
(``model.layers``, ``data.train_tokens``, ...) the value and the config entries it came from,
at their file:line:column, so that drift between a plan and its launch config is reported at
both places. What a config cannot say (the number of accelerators usually comes from the
launcher; unique tokens never appear) is listed, never guessed: a value that needs it is a
:class:`Derived` with ``needs`` and a ``formula`` the caller completes from the plan or the
command line.

Adapters are plugins: planlint's own are registered through the ``planlint_adapters`` hook,
as a third party's are.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any, Callable, ClassVar

from planlint.records import record

# The plan fields an adapter may derive, with what each means. Adapters use these names and no
# others (tests hold them to it); values are in the plan's units (counts as numbers, shares as
# fractions, booleans, strings for enumerations).
FIELDS: dict[str, str] = {
    "model.layers": "transformer layers",
    "model.d_model": "hidden size of the residual stream",
    "model.heads": "attention (query) heads",
    "model.kv_heads": "key/value heads (grouped-query attention)",
    "model.head_dim": "width of one attention head, where it is not d_model / heads",
    "model.ffn_dim": "hidden width of the dense feed-forward block (per branch when gated)",
    "model.ffn_gated": "the feed-forward block is gated (SwiGLU, GeGLU)",
    "model.vocab_size": "vocabulary size of the embedding matrix, padding included",
    "model.tied_embeddings": "input and output embeddings are one matrix",
    "model.context_length": "training sequence length",
    "model.experts": "routed experts per MoE layer",
    "model.experts_per_token": "routed experts per token (top-k)",
    "model.shared_experts": "experts every token uses",
    "model.expert_ffn_dim": "hidden width of one expert",
    "model.moe_layers": "which layers have experts: {first_dense: k, every: n}",
    "model.mla": "multi-head latent attention: {kv_lora_rank, q_lora_rank, rope_head_dim, v_head_dim}",
    "model.params": "total parameters, when the config states them",
    "data.train_tokens": "tokens seen in pre-training",
    "data.mix": "the data mix: [{source, share}], shares as fractions of the training tokens",
    "compute.accelerators": "accelerators that run the job",
    "compute.tensor_parallel": "tensor-parallel size",
    "compute.pipeline_parallel": "pipeline-parallel size",
    "compute.zero_stage": "ZeRO / FSDP sharding stage (0 to 3)",
    "compute.micro_batch_size": "sequences per accelerator per step",
    "compute.recompute": "activation recomputation: none, selective or full",
    "compute.flash_attention": "fused attention that never stores the T x T scores",
    "training.global_batch_tokens": "tokens per optimizer step",
    "training.steps": "optimizer steps",
    "training.peak_lr": "peak learning rate",
    "training.warmup_steps": "learning-rate warmup, in steps",
    "training.schedule": "learning-rate schedule (cosine, linear, wsd, constant, ...)",
    "training.precision": "training precision (bf16, fp16, fp8, fp32)",
}


@record(frozen=True)
class Source:
    """One entry of a config file: where it is, and what the config calls it."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    key: str  # as the config spells it: "--num-layers", "model.hidden_size", "[model] flavor"


@record(frozen=True)
class Derived:
    """A plan field's value as the config gives it.

    ``sources`` are the entries it was read or computed from (the first is where a drift
    finding points). ``how`` says how it was computed when it is not read as is
    ("train_iters x global_batch_size x seq_length"). A value that needs an input the config
    cannot say has ``value`` None, the plan fields it ``needs``, and a ``formula`` that takes
    them (a dict by field name) and returns the value.
    """

    value: Any
    sources: tuple[Source, ...]
    how: str = ""
    needs: tuple[str, ...] = ()
    formula: Callable[[dict[str, Any]], Any] | None = None

    def complete(self, inputs: dict[str, Any]) -> Any:
        """The value, computed from ``inputs`` when it needs them (None while one is missing)."""
        if self.formula is None:
            return self.value
        if any(inputs.get(name) is None for name in self.needs):
            return None
        return self.formula(inputs)


@record(frozen=True)
class Problem:
    """Something in the config the adapter could not read, at its position."""

    message: str
    line: int
    column: int
    fix: str
    severity: str = "warning"  # error: the config cannot be read at all; warning: a value is lost; info
    details: tuple[str, ...] = ()  # what supports the message, as a finding's details


@record
class LaunchConfig:
    """What one launch config says, in the plan's vocabulary."""

    framework: str  # the adapter's name
    path: str
    fields: dict[str, Derived] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # plan fields this framework's configs never say, so that the plan must (e.g. data.unique_tokens)
    cannot_say: tuple[str, ...] = ()

    def value(self, name: str, inputs: dict[str, Any] | None = None) -> Any:
        derived = self.fields.get(name)
        return None if derived is None else derived.complete(inputs or {})


class Adapter:
    """A framework's config reader. ``detect`` says how sure it is that a file is one of its
    configs (0: not at all, 1: certain, e.g. a key only this framework uses); ``read`` turns
    the text into a LaunchConfig and never raises on the user's input: what it cannot read
    becomes a Problem at its position."""

    name: ClassVar[str]  # "megatron": what `launch.framework` and `--framework` name
    label: ClassVar[str]  # "Megatron-LM launch script"
    suffixes: ClassVar[tuple[str, ...]] = ()  # the file names it reads: (".sh",), (".yaml", ".yml")
    documentation: ClassVar[str] = ""  # the fields it reads and what it leaves to the plan

    def detect(self, path: str, text: str) -> float:
        raise NotImplementedError

    def read(self, path: str, text: str) -> LaunchConfig:
        raise NotImplementedError


# -- shared readers ------------------------------------------------------------------------------


class Located:
    """A parsed mapping document with the position of every key: ``get("model.hidden_size")``
    gives the value, ``source("model.hidden_size")`` its Source."""

    def __init__(self, path: str, data: Any, positions: dict[tuple, tuple[int, int]]):
        self.path = path
        self.data = data
        self.positions = positions  # key path -> (line, column) of the key

    @staticmethod
    def _parts(dotted: str) -> tuple:
        return tuple(int(p) if p.isdigit() else p for p in dotted.split(".")) if dotted else ()

    def has(self, dotted: str) -> bool:
        return self._find(self._parts(dotted))[0]

    def get(self, dotted: str, default: Any = None) -> Any:
        found, value = self._find(self._parts(dotted))
        return value if found else default

    def _find(self, parts: tuple) -> tuple[bool, Any]:
        node = self.data
        for part in parts:
            if isinstance(node, dict) and part in node:
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                node = node[part]
            else:
                return False, None
        return True, node

    def source(self, dotted: str) -> Source:
        parts = self._parts(dotted)
        while parts and parts not in self.positions:
            parts = parts[:-1]
        line, column = self.positions.get(parts, (1, 1))
        return Source(self.path, line, column, dotted)


def read_yaml(path: str, text: str) -> tuple[Located | None, list[Problem]]:
    """A YAML (or JSON) config with key positions, through planlint's own safe loader; the
    loader's findings (syntax errors, duplicate keys, tags) become Problems."""
    from planlint.load import load_bytes

    doc = load_bytes(text.encode("utf-8"), path, any_reader=False)  # the launcher's PyYAML reads it
    problems = [Problem(f.message, f.line, f.column, f.fix, "error" if f.code in ("PL001", "PL004") else "warning",
                        f.details) for f in doc.findings]
    if not doc.usable or not isinstance(doc.data, dict):
        if doc.usable:
            problems.append(Problem("the config's top level is not a mapping", 1, 1, "check that this is the config"
                                    " file", "error"))
        return None, problems
    positions = {path_: _start(spans) for path_, spans in doc.spans.items()}
    return Located(path, doc.data, positions), problems


def _start(spans) -> tuple[int, int]:
    span = spans.key if spans.key is not None else spans.value
    return span.line, span.column


_TOML_TABLE = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_.\"'-]+)\s*=")


def read_toml(path: str, text: str) -> tuple[Located | None, list[Problem]]:
    """A TOML config with the position of every table and key (tomllib keeps none: the lines
    are scanned for ``[table]`` headers and ``key =`` assignments)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _toml_error_line(str(exc))
        column = getattr(exc, "colno", None) or 1
        return None, [Problem(f"not valid TOML: {exc}", line, column, "fix the TOML at this position", "error")]
    except RecursionError:  # tomllib parses nested arrays and inline tables recursively
        return None, [Problem("the TOML nests arrays or inline tables too deeply to read", 1, 1,
                              "flatten the nesting", "error")]
    positions: dict[tuple, tuple[int, int]] = {}
    table: tuple = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _TOML_TABLE.match(line)
        if header:
            table = tuple(part.strip().strip("\"'") for part in header.group(1).split("."))
            positions.setdefault(table, (number, line.index("[") + 1))
            continue
        key = _TOML_KEY.match(line)
        if key:
            parts = tuple(part.strip().strip("\"'") for part in key.group(1).split("."))
            positions.setdefault(table + parts, (number, line.index(key.group(1)[0]) + 1))
    return Located(path, data, positions), []


def _toml_error_line(message: str) -> int:
    found = re.search(r"line (\d+)", message)
    return int(found.group(1)) if found else 1


def plan_data(config: LaunchConfig, inputs: dict[str, Any] | None = None) -> dict[str, Any]:
    """The config's fields as nested plan data ({"model": {"layers": 32, ...}, ...}), values that
    need a missing input left out."""
    out: dict[str, Any] = {}
    for name, derived in config.fields.items():
        value = derived.complete(inputs or {})
        if value is None:
            continue
        section, key = name.split(".", 1)
        out.setdefault(section, {})[key] = value
    return out
