"""What holds for every adapter: it recognizes its framework's published configs and no
other's, the tests pin every published config of its folder, and hostile text never raises."""

import importlib
import re

import pytest
from adapter_support import HOSTILE_TEXTS, SHARED_CONFIGS, check_hostile, shared_names

from planlint.adapters import (huggingface, levanter, litgpt, maxtext, megatron, nanotron, nemo, neox, olmo,
                               torchtitan)

ADAPTERS = {module.ADAPTERS[0].name: module.ADAPTERS[0]() for module in (
    torchtitan, olmo, litgpt, maxtext, levanter, nanotron, megatron, huggingface, nemo, neox)}
CONFIGS = sorted(p for p in SHARED_CONFIGS.glob("*/*") if p.name != "README.md") if SHARED_CONFIGS.is_dir() else []
FOLDERS = {"huggingface": "hf"}  # the published configs' folder of an adapter, where it is not the adapter's name
SUFFIXES = {"torchtitan": ".toml", "megatron": ".sh", "huggingface": ".json"}  # else .yaml


def adapter_of(folder: str) -> str:
    return next((name for name, named in FOLDERS.items() if named == folder), folder)


@pytest.mark.skipif(not CONFIGS, reason="../shared/configs is not beside the checkout")
@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_the_frameworks_own_adapter_claims_a_published_config(path):
    text = path.read_text(encoding="utf-8")
    claims = {name for name, adapter in ADAPTERS.items() if adapter.detect(str(path), text) > 0}
    assert claims == ({adapter_of(path.parent.name)} & set(ADAPTERS))


@pytest.mark.parametrize("framework", sorted(ADAPTERS))
def test_every_published_config_is_pinned(framework):
    pinned = importlib.import_module(f"test_adapters_{framework}").SHARED
    assert set(shared_names(FOLDERS.get(framework, framework))) <= set(pinned)


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
@pytest.mark.parametrize("framework", sorted(ADAPTERS))
def test_hostile_text(framework, kind, tmp_path):
    check_hostile(ADAPTERS[framework], HOSTILE_TEXTS[kind], str(tmp_path / f"config{SUFFIXES.get(framework, '.yaml')}"))


def _doc_configs():
    """The configs each framework's tests write from its documentation, and the published
    configs of under 300 lines, by adapter."""
    names = {"torchtitan": ("LLAMA3_8B_2025", "LLAMA3_2024", "DEEPSEEK_16B"), "olmo": ("OLMO_7B",),
             "litgpt": ("PYTHIA", "MODEL_CONFIG"), "maxtext": ("RUN", "BASE"), "levanter": ("LLAMA",),
             "nanotron": ("TINY_LLAMA", "MOE"), "nemo": ("LLAMA2_70B", "MOE"), "neox": ("NEOX_1_3B",),
             "megatron": ("LLAMA3_8B", "MIXTRAL", "GPT3_ARGS", "DEEPSEEK_V2_LITE")}
    for framework, constants in names.items():
        module = importlib.import_module(f"test_adapters_{framework}")
        for constant in constants:
            yield framework, constant, getattr(module, constant), True
    for path in CONFIGS:
        text = path.read_text(encoding="utf-8")
        if adapter_of(path.parent.name) in ADAPTERS and text.count("\n") < 300:
            yield adapter_of(path.parent.name), path.name, text, False


YAML_VALUES = ("null", "abc", "-1", "0", "1.5", "[]", "{}", "true", "${oc.env:X}", "1e999", "'7B'")
TOML_VALUES = ('"abc"', "-1", "0", "1.5", "[]", "{}", "true", '"${x}"', "inf", '"7B"')
ASSIGNMENT = re.compile(r"^(\s*-?\s*[\w.\"'-]+\s*[:=]\s*)(\S.*)$")


@pytest.mark.parametrize("framework,name,text,every", list(_doc_configs()),
                         ids=lambda v: v if isinstance(v, str) and len(v) < 40 and "\n" not in v else "")
def test_any_one_value_replaced_by_a_wrong_one_never_raises(framework, name, text, every, tmp_path):
    """Each value of a config, in turn, replaced by a null, a string, a negative, an empty list
    or mapping, a boolean, an interpolation or an overflow (every one of them in the documented
    configs; one a line, in turn, in the published ones): the adapter reads it."""
    lines = text.splitlines()
    wrong = TOML_VALUES if framework == "torchtitan" else YAML_VALUES
    path = str(tmp_path / f"config{SUFFIXES.get(framework, '.yaml')}")
    for index, line in enumerate(lines):
        match = ASSIGNMENT.match(line)
        if not match:
            continue
        for value in (wrong if every else wrong[index % len(wrong):][:1]):
            mutated = "\n".join(lines[:index] + [match.group(1) + value] + lines[index + 1:]) + "\n"
            check_hostile(ADAPTERS[framework], mutated, path)
