"""Plans and the launch configs they name: values filled from the config, drift (PL501), configs
checked on their own, `planlint import` and its round trip, the pre-commit path for a changed
config, confinement of the config to the plan's repository, and adapters from plugins."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planlint import plugins
from planlint.plugins import EntryPoint, build_registry

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "configs"
# Written from Megatron-LM's argument definitions (megatron/training/arguments.py): Llama 3 8B's
# shape, 476,837 steps of 512 x 8,192 tokens = 1,999,999,336,448 tokens, on 8 x 64 GPUs.
MEGATRON = """\
#!/bin/bash
GPUS_PER_NODE=8
NNODES=64
SEQ=8192
torchrun --nproc_per_node $GPUS_PER_NODE --nnodes $NNODES pretrain_gpt.py \\
    --num-layers 32 --hidden-size 4096 --ffn-hidden-size 14336 \\
    --num-attention-heads 32 --group-query-attention --num-query-groups 8 \\
    --swiglu --untie-embeddings-and-output-weights \\
    --seq-length $SEQ --max-position-embeddings $SEQ \\
    --micro-batch-size 1 --global-batch-size 512 --train-iters 476837 \\
    --lr 3e-4 --lr-warmup-iters 2000 --lr-decay-style cosine \\
    --tensor-model-parallel-size 2 --use-distributed-optimizer --bf16 \\
    --vocab-size 128256
"""
PLAN = """\
planlint: 1
name: llama-8b
goal: base
launch:
  config: ../scripts/train.sh
model:
  params: 8B
data:
  train_tokens: 2T
  unique_tokens: 3T
compute:
  accelerator: h100-sxm
  mfu: 0.4
  flops: 1.1e23
"""


def repo(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir(exist_ok=True)
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def check(cli, *args) -> tuple[int, list[dict]]:
    result = cli("check", "--format", "json", *args)
    return result.exit_code, json.loads(result.stdout)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return repo(tmp_path, {"scripts/train.sh": MEGATRON, "plans/llama.yaml": PLAN})


# -- a plan with its launch config ------------------------------------------------------------


def test_a_plan_that_agrees_with_its_config(cli, here):
    code, found = check(cli, "plans/llama.yaml")
    assert [f["code"] for f in found] == ["PL101"]  # over-trained, deliberately: no drift, nothing unread
    assert code == 0


def test_the_config_fills_what_the_plan_does_not_say(cli, here):
    result = cli("estimate", "--format", "json", "plans/llama.yaml")
    (row,) = json.loads(result.stdout)
    # the shape, the context and the batch come from the script; Megatron-LM's own count of this
    # shape (compute_weight_and_optimizer_memory) is 8,030,261,248 with the vocabulary padded to
    # 128 x 2, of which planlint's shape count leaves out the 65 x 4,096 RMSNorm weights
    assert row["shape_params"] == 8_030_261_248 - 65 * 4096
    assert row["optimal_batch_tokens"] is not None and row["memory_by_zero_stage_bytes"] is not None


@pytest.mark.parametrize(("change", "code", "line", "message", "details"), [
    ("train_tokens: 2T", "train_tokens: 1.2T", 9,
     "data.train_tokens is 1.2T here but 2T in scripts/train.sh:10 --train-iters, 40% apart",
     ["scripts/train.sh:10 --train-iters: 476,837 steps x global batch 512 x 8,192 tokens"]),
    ("params: 8B", "params: 7B", 7,
     "model.params is 7B here but the launched shape counts 8.03B, 13% apart",
     ["the shape scripts/train.sh launches counts 8.03B (shape from scripts/train.sh:6 --num-layers)"]),
])
def test_drift_at_the_plans_key_with_the_configs_line(cli, here, change, code, line, message, details):
    plan = here / "plans" / "llama.yaml"
    plan.write_text(PLAN.replace(change, code), encoding="utf-8")
    exit_code, found = check(cli, "plans/llama.yaml")
    drift = [f for f in found if f["code"] == "PL501"]
    assert exit_code == 1 and [(f["line"], f["message"], f["details"]) for f in drift] == [(line, message, details)]


def test_the_drift_fix_makes_it_go_away(cli, here):
    plan = here / "plans" / "llama.yaml"
    plan.write_text(PLAN.replace("params: 8B", "params: 7B").replace("train_tokens: 2T", "train_tokens: 1.2T"),
                    encoding="utf-8")
    _, found = check(cli, "plans/llama.yaml")
    for finding in [f for f in found if f["code"] == "PL501"]:
        key, value = finding["fix"].removeprefix("set ").split(" (")[0].split(": ")
        section, name = key.split(".")
        text = plan.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.strip().startswith(f"{name}:"))
        plan.write_text(text.replace(old, f"  {name}: {value}"), encoding="utf-8")
    _, found = check(cli, "plans/llama.yaml")
    assert [f["code"] for f in found if f["code"] == "PL501"] == []


def test_sarif_points_at_the_config_too(cli, here):
    (here / "plans" / "llama.yaml").write_text(PLAN.replace("train_tokens: 2T", "train_tokens: 1.2T"),
                                               encoding="utf-8")
    sarif = json.loads(cli("check", "--format", "sarif", "plans/llama.yaml").stdout)
    (drift,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "PL501"]
    (related,) = drift["relatedLocations"]
    assert related["physicalLocation"]["artifactLocation"]["uri"] == "scripts/train.sh"
    assert related["physicalLocation"]["region"] == {"startLine": 10, "startColumn": 64}


def test_findings_about_filled_values_say_where_they_came_from(cli, here):
    plan = here / "plans" / "llama.yaml"
    plan.write_text(PLAN.replace("--lr 3e-4", "--lr 3e-2"), encoding="utf-8")
    (here / "scripts" / "train.sh").write_text(MEGATRON.replace("--lr 3e-4", "--lr 3e-2"), encoding="utf-8")
    _, found = check(cli, "plans/llama.yaml")
    (lr,) = [f for f in found if f["code"] == "PL207"]
    assert (lr["line"], lr["column"]) == (5, 11)  # the plan's launch.config
    assert lr["details"][-1] == "training.peak_lr comes from scripts/train.sh:11 --lr"


# -- configs that cannot be read --------------------------------------------------------------


def plan_naming(config: str) -> str:
    return PLAN.replace("../scripts/train.sh", config)


def test_a_link_out_of_the_repository_is_refused(cli, here, tmp_path_factory):
    outside = tmp_path_factory.mktemp("elsewhere") / "secret.sh"
    outside.write_text(MEGATRON, encoding="utf-8")
    os.symlink(outside, here / "scripts" / "link.sh")
    (here / "plans" / "llama.yaml").write_text(plan_naming("../scripts/link.sh"), encoding="utf-8")
    code, found = check(cli, "plans/llama.yaml")
    assert code == 1 and [f["code"] for f in found if f["code"] == "PL008"] == ["PL008"]
    assert "is outside the plan's repository" in found[0]["message"] or any(
        "is outside the plan's repository" in f["message"] for f in found)


@pytest.mark.parametrize("kind", ["folder", "fifo", "device"])
def test_what_is_not_a_regular_file_is_never_opened(cli, here, kind):
    target = here / "scripts" / "odd"
    if kind == "folder":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)
    else:
        os.symlink("/dev/zero", target)
    (here / "plans" / "llama.yaml").write_text(plan_naming("../scripts/odd"), encoding="utf-8")
    code, found = check(cli, "plans/llama.yaml")
    (refused,) = [f for f in found if f["code"] == "PL008"]
    assert code == 1 and ("is not a regular file" in refused["message"] or "outside" in refused["message"])


def test_a_config_over_the_size_bound_or_not_text(cli, here):
    (here / "scripts" / "big.sh").write_bytes(b"# " + b"x" * (1 << 20) + b"\n")
    (here / "scripts" / "binary.sh").write_bytes(b"\xff\xfe\x00\x01torchrun")
    for name, reason in (("big.sh", "over the 1,048,576-byte limit"), ("binary.sh", "is not UTF-8 text")):
        (here / "plans" / "llama.yaml").write_text(plan_naming(f"../scripts/{name}"), encoding="utf-8")
        _, found = check(cli, "plans/llama.yaml")
        assert any(f["code"] == "PL008" and reason in f["message"] for f in found), found


def test_text_from_a_config_is_escaped_on_every_stream(cli, here):
    hostile = MEGATRON.replace("--lr 3e-4", "--lr $'\\e]52;c;ZXZpbA==\\a'").replace("--bf16", "--bf16 --swigluu")
    (here / "scripts" / "train.sh").write_text(hostile + "--num-layers \x1b[31m7\n", encoding="utf-8")
    for fmt in ("text", "concise", "github", "json", "sarif", "junit", "gitlab"):
        result = cli("check", "--format", fmt, "plans/llama.yaml")
        assert "\x1b" not in result.output and "\x07" not in result.output, fmt


# -- a config on its own ----------------------------------------------------------------------


def test_a_launch_script_checked_on_its_own(cli, here):
    code, found = check(cli, "scripts/train.sh")
    assert code == 0
    assert [(f["code"], f["file"], f["line"]) for f in found] == [("PL101", "scripts/train.sh", 10)]


def test_a_launch_script_reads_its_own_comments_for_suppressions(cli, here):
    # not YAML: read line by line, a '#' at a line's start or after a space starts a comment
    script = MEGATRON.replace("GPUS_PER_NODE=8\n", "GPUS_PER_NODE=8  # planlint: disable-file=PL101 -- a short run\n")
    (here / "scripts" / "train.sh").write_text(script, encoding="utf-8")
    assert check(cli, "scripts/train.sh") == (0, [])
    (here / "scripts" / "train.sh").write_text(script.replace("PL101", "PL102"), encoding="utf-8")
    code, found = check(cli, "scripts/train.sh")
    assert [(f["code"], f["line"], f["column"], f["message"]) for f in found] == [
        ("PL005", 2, 18, "the suppression of PL102 silences nothing: PL102 reports nothing in this file"),
        ("PL101", 10, found[1]["column"], found[1]["message"])]


LITGPT = """\
model_name: pythia-160m
out_dir: "out/pretrain # planlint: disable-file=PL101"
data: TinyStories
train:
  global_batch_size: 1024
  micro_batch_size: 8
  max_tokens: 300000000000
  max_seq_length: 2048
devices: 8
num_nodes: 2
"""


def test_a_yaml_launch_config_reads_only_its_real_comments(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pretrain.yaml").write_text(LITGPT, encoding="utf-8")
    code, found = check(cli, "pretrain.yaml")  # the quoted out_dir is text, not a suppression
    assert (code, [(f["code"], f["line"], f["column"]) for f in found]) == (0, [("PL101", 7, 3)])
    (tmp_path / "pretrain.yaml").write_text(LITGPT.replace("max_tokens: 300000000000", "max_tokens: 300000000000  "
                                                           "# noqa: PL101 -- a small model, served a lot"))
    assert check(cli, "pretrain.yaml") == (0, [])


def test_a_config_that_needs_the_accelerators_says_so_and_takes_them(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    repo(tmp_path, {"titan.toml": '[model]\nname = "llama3"\nflavor = "8B"\n[training]\nlocal_batch_size = 2\n'
                                  'seq_len = 8192\nsteps = 10000\n'})
    code, found = check(cli, "titan.toml")
    (refused,) = [f for f in found if f["code"] == "PL008"]
    assert code == 1 and refused["message"] == ("the config gives no data.train_tokens without compute.accelerators, "
                                                "so it cannot be checked on its own")
    assert "--accelerators N" in refused["fix"]
    code, found = check(cli, "--accelerators", "256", "titan.toml")
    assert "PL008" not in [f["code"] for f in found]
    # 10,000 steps x 2 sequences x 256 ranks x 8,192 tokens = 41.9B tokens for 8.03B params: 5.2 per param
    (ratio,) = [f for f in found if f["code"] == "PL101"]
    assert ratio["message"].startswith("5.2 tokens/param (41.9B tokens for 8.03B params)")


def test_an_unknown_framework_is_a_usage_error(cli, here):
    result = cli("check", "--framework", "megatrom", "scripts/train.sh")
    assert result.exit_code == 2 and "did you mean 'megatron'?" in result.stderr


# -- planlint import --------------------------------------------------------------------------


def test_import_writes_a_plan_that_checks_without_drift(cli, here):
    result = cli("import", "scripts/train.sh", "-o", "plans/imported.yaml")
    assert result.exit_code == 0, result.output
    text = (here / "plans" / "imported.yaml").read_text(encoding="utf-8")
    assert "config: \"../scripts/train.sh\"" in text
    assert "  layers: 32  # scripts/train.sh:6 --num-layers" in text
    assert "  # unique_tokens: TODO" in text and "  # accelerator: TODO" in text
    _, found = check(cli, "plans/imported.yaml")
    assert not [f for f in found if f["code"] in ("PL501", "PL502", "PL008", "PL002", "PL000")]


def test_import_without_a_vocabulary_says_its_count_has_no_embeddings(cli, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # GPT-NeoX names only the tokenizer: the shape counts 12 x 12 x 768^2 = 84.9M without embeddings
    repo(tmp_path, {"neox.yml": "num_layers: 12\nhidden_size: 768\nnum_attention_heads: 12\nseq_length: 2048\n"
                                "tokenizer_type: HFTokenizer\n"})
    result = cli("import", "--framework", "neox", "neox.yml", "-o", "plan.yaml")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    assert ("  params: 84.9M  # counted from the shape, without the embeddings until vocab_size is set (TODO below)\n"
            in text)
    assert "  # vocab_size: TODO            the tokenizer's vocabulary, padded as the framework pads it" in text


def test_import_never_overwrites(cli, here):
    result = cli("import", "scripts/train.sh", "-o", "plans/llama.yaml")
    assert result.exit_code == 2 and "never overwrites" in result.stderr
    assert (here / "plans" / "llama.yaml").read_text(encoding="utf-8") == PLAN


def test_import_of_what_no_adapter_reads(cli, here):
    (here / "notes.txt").write_text("nothing to see\n", encoding="utf-8")
    result = cli("import", "notes.txt")
    assert result.exit_code == 2
    assert result.stderr.startswith("planlint: error: notes.txt: no launch-config adapter recognises this file; set "
                                    "--framework")


def shared_configs():
    if not SHARED.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason="no shared/configs beside this checkout"))]
    return [pytest.param(path, id=f"{path.parent.name}/{path.name}") for path in sorted(SHARED.glob("*/*"))
            if path.suffix in (".yaml", ".yml", ".toml", ".json")]


# MaxText's base.yml is the defaults every MaxText run starts from, not a run
NOT_RUNS = {"base.yml"}


@pytest.mark.parametrize("config", shared_configs())
def test_every_published_config_imports_and_round_trips(cli, tmp_path, monkeypatch, config):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "configs" / config.parent.name
    folder.mkdir(parents=True)
    for sibling in config.parent.iterdir():  # MaxText reads base.yml and models/ beside the config
        if sibling.is_file():
            (folder / sibling.name).write_bytes(sibling.read_bytes())
    local = str((folder / config.name).relative_to(tmp_path))
    alone = cli("check", "--format", "json", "--accelerators", "64", local)
    assert alone.exit_code in (0, 1), alone.output
    json.loads(alone.stdout)
    imported = cli("import", "--accelerators", "64", local, "-o", "plan.yaml")
    if config.name in NOT_RUNS:
        return
    assert imported.exit_code == 0, imported.output
    text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    if "train_tokens: TODO" in text:  # a config that does not say its length (a Hugging Face config.json)
        text = text.replace("  # train_tokens: TODO", "  train_tokens: 100B  #")
    (tmp_path / "plan.yaml").write_text(text.replace("# goal: base", "goal: base"), encoding="utf-8")
    result = cli("check", "--format", "json", "plan.yaml")
    assert result.exit_code in (0, 1), result.output
    found = json.loads(result.stdout)
    assert [f for f in found if f["code"] in ("PL501", "PL008", "PL000", "PL002")] == [], found


# -- pre-commit: a changed config checks the plans that name it ---------------------------------


def test_a_changed_config_checks_its_plan(cli, here):
    (here / "plans" / "llama.yaml").write_text(PLAN.replace("train_tokens: 2T", "train_tokens: 1.2T"),
                                               encoding="utf-8")
    (here / "README.sh").write_text("#!/bin/sh\necho hello\n", encoding="utf-8")  # a script that is no config
    result = cli("check", "--skip-non-plans", "--pre-commit", "--format", "concise", "--", "scripts/train.sh", "README.sh")
    assert result.exit_code == 1
    assert "plans/llama.yaml:9:17: PL501 [error] data.train_tokens is 1.2T here but 2T" in result.stdout


def test_a_changed_config_no_plan_names_is_passed_over(cli, here):
    (here / "scripts" / "other.sh").write_text(MEGATRON, encoding="utf-8")
    result = cli("check", "--skip-non-plans", "--pre-commit", "--format", "concise", "--", "scripts/other.sh")
    assert result.exit_code == 0 and "PL" not in result.stdout


# -- adapters from plugins ----------------------------------------------------------------------


def _documented_adapter() -> str:
    """The adapter docs/plugins.md shows for planlint_adapters, as written there."""
    page = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    section = page.split("### `planlint_adapters() -> list[type[Adapter]]`", 1)[1]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


INHOUSE = _documented_adapter()


def test_a_plugin_adapter_reads_a_teams_own_launcher(cli, here, monkeypatch):
    sys.modules.pop("plugin_inhouse", None)
    (here / "plugin_inhouse.py").write_text(textwrap.dedent(INHOUSE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(here))
    monkeypatch.setattr(plugins, "entry_points", lambda group: [EntryPoint("inhouse", "plugin_inhouse", "planlint")])
    monkeypatch.setattr(plugins, "_REGISTRY", build_registry())
    (here / "run.job").write_text("ACME-JOB\nlayers=30\ntokens=1500000000000\n", encoding="utf-8")
    (here / "plans" / "llama.yaml").write_text(plan_naming("../run.job").replace("params: 8B", "params: 8B\n  layers: 32"),
                                               encoding="utf-8")
    _, found = check(cli, "plans/llama.yaml")
    assert [(f["code"], f["message"]) for f in found if f["code"] == "PL501"] == [
        ("PL501", "model.layers is 32 here but 30 in run.job:2 layers"),
        ("PL501", "data.train_tokens is 2T here but 1.5T in run.job:3 tokens, 33% apart")]
    listed = cli("plugins").stdout
    assert "inhouse (no installed distribution): plugin_inhouse\n  launch-config adapters: acme-launcher" in listed


def test_the_built_in_stand_ins_are_the_adapters_they_stand_for():
    from planlint.adapters.builtin import stand_ins

    for stand_in in stand_ins():
        real = stand_in.real()
        assert (stand_in.name, stand_in.label, stand_in.suffixes) == (real.name, real.label, real.suffixes)
        assert stand_in().documentation == real.documentation


def test_check_of_a_plan_imports_no_adapter():
    # a plan without `launch` reads no config: the readers (the bash reader, Megatron-LM's flags) stay unloaded
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "planlint", "check", "-q",
                          "examples/gpt3-175b.yaml"], cwd=ROOT, capture_output=True, text=True)
    imported = [line.rsplit("|", 1)[-1].strip() for line in run.stderr.splitlines() if line.startswith("import time:")]
    assert "planlint.cli" in imported  # the measurement sees planlint's modules
    assert [m for m in imported if m.startswith("planlint.adapters")] == []


# -- the bundled launch examples, as a user sees them -----------------------------------------------

LAUNCH_EXAMPLES = ROOT / "examples" / "launch"
SNAPSHOTS = Path(__file__).parent / "snapshots" / "launch"
SHOWN = [
    ("llama3-8b-megatron.txt", ["check", "examples/launch/megatron/llama3-8b.yaml"], 0),
    ("llama3-8b-torchtitan-drift.txt", ["check", "examples/launch/torchtitan/llama3-8b-drift.yaml"], 1),
    ("train_8b.sh.txt", ["check", "examples/launch/megatron/train_8b.sh"], 0),
    ("llama3_8b.toml.txt", ["check", "--accelerators", "256", "examples/launch/torchtitan/llama3_8b.toml"], 0),
    ("import-train_8b.sh.yaml", ["import", "examples/launch/megatron/train_8b.sh"], 0),
]


@pytest.mark.parametrize(("snapshot", "args", "exit_code"), SHOWN, ids=[s for s, _, _ in SHOWN])
def test_the_launch_examples_print_what_their_snapshots_hold(cli, monkeypatch, snapshot, args, exit_code):
    monkeypatch.chdir(ROOT)
    result = cli(*args, "--color", "never") if args[0] == "check" else cli(*args)
    assert result.exit_code == exit_code, result.output
    path = SNAPSHOTS / snapshot
    if os.environ.get("PLANLINT_UPDATE_SNAPSHOTS"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(result.stdout, encoding="utf-8")
    assert result.stdout == path.read_text(encoding="utf-8")


def test_the_drift_example_fails_only_on_its_drift(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    _, found = check(cli, "examples/launch/torchtitan/llama3-8b-drift.yaml")
    errors = [(f["code"], f["line"], f["column"]) for f in found if f["severity"] == "error"]
    # 50,000 steps x 4 sequences x 256 GPUs x 8,192 tokens = 419B tokens, not the plan's 1T
    assert errors == [("PL501", 12, 17)]
    (drift,) = [f for f in found if f["code"] == "PL501"]
    assert drift["facts"]["config_value"] == 50_000 * 4 * 256 * 8_192


def test_the_imported_example_plan_is_the_agreeing_plans_numbers(cli, monkeypatch, tmp_path):
    monkeypatch.chdir(ROOT)
    written = tmp_path / "examples" / "launch" / "megatron"
    written.mkdir(parents=True)
    imported = cli("import", "examples/launch/megatron/train_8b.sh", "-o", str(written / "imported.yaml"))
    assert imported.exit_code == 0
    text = (written / "imported.yaml").read_text(encoding="utf-8")
    assert "  train_tokens: 2T  # examples/launch/megatron/train_8b.sh:10 TRAIN_ITERS" in text
    assert "  accelerators: 512  # examples/launch/megatron/train_8b.sh:6 GPUS_PER_NODE" in text


# -- hostile and broken configs: a finding, never a traceback --------------------------------------

HOSTILE_CONFIGS = {
    "binary.sh": b"\x00\x01\x02torchrun pretrain_gpt.py --num-layers 2\x00",
    "unterminated.sh": b"torchrun pretrain_gpt.py --num-layers 32 --hidden-size \"4096\n--lr '3e-4\n",
    "continued.sh": b"torchrun pretrain_gpt.py \\\n" * 3000 + b"--num-layers 2",
    "variables.sh": b"L=${LAYERS:?unset}\nH=$(( $L * 128 ))\ntorchrun pretrain_gpt.py --num-layers $L "
                    b"--hidden-size $H --seq-length ${SEQ:-2048} --weird-flag --train-iters $((1/0))\n",
    "deep.yaml": b"model:\n" + b"".join(b"  " * i + b"a:\n" for i in range(1, 400)) + b"  " * 400 + b"x: 1\n",
    "interpolated.yaml": b"trainer:\n  devices: ${oc.env:GPUS}\n  max_steps: ${trainer.missing}\nmodel:\n"
                         b"  num_layers: ${model.num_layers}\n  hidden_size: 4096\n  global_batch_size: 512\n",
    "truncated.toml": b"[model]\nname = \"llama3\"\nflavor = \"8",
    "huge-numbers.json": b'{"model_type": "llama", "num_hidden_layers": 1e400, "hidden_size": -5, '
                         b'"num_attention_heads": 0, "vocab_size": "many"}',
    "empty.toml": b"",
    "lists.yaml": b"- a\n- b\n",
}


@pytest.mark.parametrize("name", sorted(HOSTILE_CONFIGS))
def test_a_broken_config_is_a_finding_at_its_line(cli, tmp_path, monkeypatch, name):
    monkeypatch.chdir(tmp_path)
    repo(tmp_path, {"plan.yaml": PLAN.replace("../scripts/train.sh", name)})
    (tmp_path / name).write_bytes(HOSTILE_CONFIGS[name])
    for args in (["plan.yaml"], [name], ["--framework", "megatron", name], ["--framework", "nemo", name]):
        result = cli("check", "--format", "json", *args)
        assert result.exit_code in (0, 1), (args, result.output)
        for finding in json.loads(result.stdout):
            assert finding["line"] >= 1 and finding["column"] >= 1 and finding["message"]
    imported = cli("import", name)
    assert imported.exit_code in (0, 2) and "Traceback" not in imported.output
