"""What holds for every adapter: it recognizes its framework's published configs and no
other's, the tests pin every published config of its folder, and hostile text never raises."""

import importlib

import pytest
from adapter_support import HOSTILE_TEXTS, SHARED_CONFIGS, check_hostile, shared_names

from planlint.adapters import levanter, litgpt, maxtext, nanotron, olmo, torchtitan

ADAPTERS = {module.ADAPTERS[0].name: module.ADAPTERS[0]() for module in (
    torchtitan, olmo, litgpt, maxtext, levanter, nanotron)}
CONFIGS = sorted(p for p in SHARED_CONFIGS.glob("*/*") if p.name != "README.md") if SHARED_CONFIGS.is_dir() else []


@pytest.mark.skipif(not CONFIGS, reason="../shared/configs is not beside the checkout")
@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_the_frameworks_own_adapter_claims_a_published_config(path):
    text = path.read_text(encoding="utf-8")
    claims = {name for name, adapter in ADAPTERS.items() if adapter.detect(str(path), text) > 0}
    assert claims == ({path.parent.name} & set(ADAPTERS))


@pytest.mark.parametrize("framework", sorted(ADAPTERS))
def test_every_published_config_is_pinned(framework):
    pinned = importlib.import_module(f"test_adapters_{framework}").SHARED
    assert set(shared_names(framework)) <= set(pinned)


@pytest.mark.parametrize("kind", sorted(HOSTILE_TEXTS))
@pytest.mark.parametrize("framework", sorted(ADAPTERS))
def test_hostile_text(framework, kind, tmp_path):
    suffix = ".toml" if framework == "torchtitan" else ".yaml"
    check_hostile(ADAPTERS[framework], HOSTILE_TEXTS[kind], str(tmp_path / f"config{suffix}"))
