"""MaxText YAML: the base_config chain, models/<model_name>.yml, global_parameter_scale, the
device-count batch, and the published configs."""

import pytest
from adapter_support import counted, errors, read, shared_config, values, within

from planlint.adapters.maxtext import MODELS, MaxtextAdapter, individual_scales

ADAPTER = MaxtextAdapter()


def maxtext_num_params(d, layers, heads, kv, head_dim, mlp, vocab, gated=True, tied=False, norms_per_layer=2,
                       experts=0):
    """max_utils.calculate_num_params_from_pytree over MaxText's decoder: token_embedder,
    per layer the query/key/value/out projections, the MLP (wi_0 and wi_1 when gated, wo;
    with experts a gate and each expert's), ``norms_per_layer`` RMSNorm scales, the
    decoder_norm, and logits_dense unless logits_via_embedding."""
    attention = 2 * d * heads * head_dim + 2 * d * kv * head_dim
    ffn = (3 if gated else 2) * d * mlp
    if experts:
        ffn = d * experts + experts * ffn
    return vocab * d * (1 if tied else 2) + layers * (attention + ffn + norms_per_layer * d) + d


BASE = """\
model_name: "default"
global_parameter_scale: 1
base_emb_dim: 2048
base_num_query_heads: 16
base_num_kv_heads: 16
base_mlp_dim: 7168
base_num_decoder_layers: 16
head_dim: 128
mlp_activations: ["silu", "linear"]
vocab_size: 32_000
per_device_batch_size: 12.0
gradient_accumulation_steps: 1
steps: 150_001
learning_rate: 3.e-5
warmup_steps_fraction: 0.1
learning_rate_schedule_steps: -1
max_target_length: 2048
remat_policy: 'full'
dtype: "bfloat16"
ici_fsdp_parallelism: -1
"""

LLAMA2_7B_MODEL = """\
base_emb_dim: 4096
base_num_query_heads: 32
base_num_kv_heads: 32
base_mlp_dim: 11008
base_num_decoder_layers: 32
head_dim: 128
mlp_activations: ["silu","linear"]
vocab_size: 32000
logits_via_embedding: False
decoder_block: "llama2"
"""

RUN = """\
base_config: "base.yml"
model_name: "llama2-7b"
base_emb_dim: 8192
steps: 10000
per_device_batch_size: 4
gradient_accumulation_steps: 2
max_target_length: 4096
learning_rate: 3.e-4
warmup_steps_fraction: 0.05
remat_policy: "save_qkv_proj"
quantization: "fp8"
ici_tensor_parallelism: 4
"""


@pytest.fixture
def maxtext_tree(tmp_path):
    """MaxText's own layout: configs/base.yml, configs/models/llama2-7b.yml, and a run config
    in configs/models/gpu/ (as MaxText keeps its GPU run configs)."""
    configs = tmp_path / "MaxText" / "configs"
    (configs / "models" / "gpu").mkdir(parents=True)
    (configs / "base.yml").write_text(BASE)
    (configs / "models" / "llama2-7b.yml").write_text(LLAMA2_7B_MODEL)
    run = configs / "models" / "gpu" / "llama2_7b.yml"
    run.write_text(RUN)
    return run


def test_the_chain_resolves_as_pyconfig_does(maxtext_tree):
    config = read(ADAPTER, maxtext_tree)
    got = values(config, {"compute.accelerators": 256})
    # the model file's keys override the run config's (pyconfig.update_model_vars): base_emb_dim 4096, not 8192
    assert (got["model.d_model"], got["model.heads"], got["model.layers"], got["model.ffn_dim"]) == (
        4096, 32, 32, 11008)
    assert config.fields["model.d_model"].sources[0].file == str(maxtext_tree.parent.parent / "llama2-7b.yml")
    # 10,000 steps x int(256 devices x 4) x 2 accumulation steps x 4096 tokens
    assert got["data.train_tokens"] == 10_000 * 1024 * 2 * 4096 == 83_886_080_000
    assert config.fields["data.train_tokens"].needs == ("compute.accelerators",)
    assert got["training.warmup_steps"] == 500  # int(10,000 x 0.05)
    assert (got["compute.tensor_parallel"], got["compute.zero_stage"]) == (4, 3)  # fsdp -1 takes the other 64
    assert (got["compute.recompute"], got["training.precision"], got["compute.micro_batch_size"]) == (
        "selective", "fp8", 4)
    assert (got["training.peak_lr"], got["model.tied_embeddings"], got["model.vocab_size"]) == (3e-4, False, 32000)
    assert config.problems == []
    ours, _ = counted(config)
    theirs = maxtext_num_params(4096, 32, 32, 32, 128, 11008, 32000)
    assert within(ours, theirs)  # Llama 2 7B: Meta's published 6.74B


def run_config(folder, text):
    """A run config beside the base.yml above, read."""
    (folder / "base.yml").write_text(BASE)
    run = folder / "run.yml"
    run.write_text('base_config: "base.yml"\n' + text)
    return read(ADAPTER, run)


@pytest.mark.parametrize("scale,shape", [
    (1, (2048, 16, 7168, 16)),
    (2, (2048, 32, 14336, 16)),  # log2 = 1: heads and mlp_dim double
    (4, (4096, 32, 14336, 16)),  # log2 = 2: then emb_dim
    (8, (4096, 32, 14336, 32)),  # log2 = 3: each once, layers too
    (64, (8192, 64, 28672, 64)),  # log2 = 6: each twice
])
def test_global_parameter_scale(tmp_path, scale, shape):
    got = values(run_config(tmp_path, f"global_parameter_scale: {scale}\n"))
    assert (got["model.d_model"], got["model.heads"], got["model.ffn_dim"], got["model.layers"]) == shape
    assert got["model.kv_heads"] == shape[1]  # kv heads scale with the query heads


def test_individual_scales_rotate():
    assert [individual_scales(2 ** n) for n in range(5)] == [
        (0, 0, 0, 0), (0, 1, 1, 0), (1, 1, 1, 0), (1, 1, 1, 1), (1, 2, 2, 1)]


def test_a_scale_that_is_no_power_of_two_is_refused(tmp_path):
    config = run_config(tmp_path, "global_parameter_scale: 3\n")
    assert [(p.line, p.message) for p in config.problems] == [
        (2, "global_parameter_scale 3 is not a power of two: MaxText refuses it")]
    assert "model.d_model" not in config.fields


def test_missing_files_fall_back_to_maxtexts_own_with_a_note():
    config = ADAPTER.read("/nowhere/run.yml", 'base_config: "base.yml"\nmodel_name: "mixtral-8x7b"\nsteps: 100\n')
    assert [(p.line, p.column, p.severity, p.message) for p in config.problems] == [
        (1, 1, "info", "base_config 'base.yml' was not found beside the config: MaxText's own base.yml defaults "
                       "(October 2024) stand in for it"),
        (2, 1, "info", "models/mixtral-8x7b.yml is not beside the config: MaxText's own (October 2024) is used"),
    ]
    got = values(config, {"compute.accelerators": 8})
    assert (got["model.experts"], got["model.experts_per_token"], got["model.expert_ffn_dim"]) == (8, 2, 14336)
    assert got["data.train_tokens"] == 100 * int(8 * 12.0) * 1 * 2048  # base.yml's per_device_batch_size 12
    ours, active = counted(config)
    assert within(ours, maxtext_num_params(4096, 32, 32, 8, 128, 14336, 32000, experts=8))  # 46.7B
    assert within(active, 12.9e9)


@pytest.mark.parametrize("name", sorted(MODELS))
def test_every_model_file_counts_within_3_percent_of_maxtext(name):
    entry = MODELS[name]
    config = ADAPTER.read("/nowhere/run.yml", f'base_config: "base.yml"\nmodel_name: "{name}"\n')
    block = entry["decoder_block"]
    layers = entry["base_num_decoder_layers"] * (2 if block == "gemma2" else 1)
    theirs = maxtext_num_params(entry["base_emb_dim"], layers, entry["base_num_query_heads"],
                                entry["base_num_kv_heads"], entry["head_dim"], entry["base_mlp_dim"],
                                entry["vocab_size"], gated=len(entry["mlp_activations"]) > 1,
                                tied=entry["logits_via_embedding"],
                                norms_per_layer=4 if block == "gemma2" else 2,
                                experts=entry["num_experts"] if entry["num_experts"] > 1 else 0)
    assert within(counted(config)[0], theirs)


# -- the published configs -------------------------------------------------------------------------

SHARED = {
    # base.yml alone: 16 layers of 2048, 16 heads, mlp 7168, 32000 vocab; 150,001 steps x int(64 x 12)
    # x 2048 on 64 devices; warmup int(150,001 x 0.1) = 15,000
    "base.yml": dict(params=1_104_150_528, tokens=150_001 * 768 * 2048, layers=16, d_model=2048, tied=False,
                     theirs=maxtext_num_params(2048, 16, 16, 16, 128, 7168, 32000)),
    # a model file alone says only the shape: gemma2-9b is 21 blocks of a local and a global layer = 42
    # layers, GeGLU 14336, head_dim 256, tied, vocab 256128; MaxText's count 9,242,164,736 (4 norms a layer)
    "gemma2-9b.yml": dict(params=9_241_559_040, tokens=None, layers=42, d_model=3584, tied=True,
                          theirs=maxtext_num_params(3584, 42, 16, 8, 256, 14336, 256128, tied=True,
                                                    norms_per_layer=4)),
    # the run config: base.yml and llama3-8b.yml beside it (a flattened folder); 30 steps x int(64 x 12)
    # x 8192
    "gpu_llama3_8b.yml": dict(params=8_029_995_008, tokens=30 * 768 * 8192, layers=32, d_model=4096, tied=False,
                              theirs=maxtext_num_params(4096, 32, 32, 8, 128, 14336, 128256)),
    "llama3-8b.yml": dict(params=8_029_995_008, tokens=None, layers=32, d_model=4096, tied=False,
                          theirs=maxtext_num_params(4096, 32, 32, 8, 128, 14336, 128256)),
    "mixtral-8x7b.yml": dict(params=46_702_526_464, tokens=None, layers=32, d_model=4096, tied=False,
                             theirs=maxtext_num_params(4096, 32, 32, 8, 128, 14336, 32000, experts=8)),
}


@pytest.mark.parametrize("name", sorted(SHARED))
def test_published_configs(name):
    path = shared_config("maxtext", name)
    config = read(ADAPTER, path)
    expected = SHARED[name]
    assert errors(config) == [] and config.problems == []
    params, _ = counted(config)
    assert params == expected["params"]
    assert within(params, expected["theirs"])
    got = values(config, {"compute.accelerators": 64})
    assert got.get("data.train_tokens") == expected["tokens"]
    assert (got["model.layers"], got["model.d_model"], got["model.tied_embeddings"]) == (
        expected["layers"], expected["d_model"], expected["tied"])


def test_gemma2_9b_maxtext_count_is_the_published_shape():
    # Google's published 9,241,705,984 uses the unpadded 256,000 vocabulary; MaxText pads to 256,128
    assert maxtext_num_params(3584, 42, 16, 8, 256, 14336, 256000, tied=True, norms_per_layer=4) == 9_241_705_984




def test_a_base_config_cycle_and_an_unreadable_base(tmp_path):
    (tmp_path / "a.yml").write_text('base_config: "b.yml"\nsteps: 5\n')
    (tmp_path / "b.yml").write_text('base_config: "a.yml"\nbase_emb_dim: 1024\n')
    config = read(ADAPTER, tmp_path / "a.yml")
    assert [(p.line, p.message) for p in config.problems] == [
        (1, "base_config 'a.yml' refers back to a file of the chain: MaxText's own base.yml defaults (October 2024) "
            "stand in for it")]
    assert values(config)["model.d_model"] == 1024
    (tmp_path / "c.yml").write_bytes(b"\xff\xfe not text")
    (tmp_path / "d.yml").write_text('base_config: "c.yml"\n')
    config = read(ADAPTER, tmp_path / "d.yml")
    assert [(p.severity, p.message) for p in config.problems] == [
        ("warning", f"base_config 'c.yml' ({tmp_path / 'c.yml'}) is not UTF-8 text")]


def test_an_ignored_derived_key_is_reported(tmp_path):
    config = run_config(tmp_path, "emb_dim: 8192\n")
    assert [(p.line, p.message) for p in config.problems] == [
        (2, "emb_dim is computed by MaxText from base_emb_dim (and global_parameter_scale): the value written here "
            "is overwritten")]
    assert values(config)["model.d_model"] == 2048


def test_a_fixed_mesh_is_the_device_count(tmp_path):
    config = run_config(tmp_path, "ici_fsdp_parallelism: 4\nici_tensor_parallelism: 2\ndcn_data_parallelism: 8\n"
                                  "per_device_batch_size: 2\nsteps: 10\n")
    got = values(config)
    assert got["compute.accelerators"] == 4 * 2 * 8
    assert got["data.train_tokens"] == 10 * int(64 * 2) * 2048  # complete from the mesh's 64 devices
    assert got["compute.zero_stage"] == 3


def test_only_yaml_files_are_followed(tmp_path):
    (tmp_path / "secret.txt").write_text("token: 123\n")
    run = tmp_path / "run.yml"
    run.write_text('base_config: "secret.txt"\nsteps: 5\n')
    config = read(ADAPTER, run)
    assert [(p.line, p.column, p.message) for p in config.problems] == [
        (1, 1, "base_config 'secret.txt' is not a YAML file: planlint does not read it")]
