"""The Megatron-LM, Hugging Face, NeMo and GPT-NeoX adapters each claim their own framework's
published configs, and no other's."""

import pytest
from adapter_support import SHARED_CONFIGS

from planlint.adapters import huggingface, megatron, nemo, neox

ADAPTERS = {"megatron": megatron.ADAPTERS[0](), "hf": huggingface.ADAPTERS[0](), "nemo": nemo.ADAPTERS[0](),
            "neox": neox.ADAPTERS[0]()}
CONFIGS = sorted(p for p in SHARED_CONFIGS.glob("*/*") if p.name != "README.md") if SHARED_CONFIGS.is_dir() else []


@pytest.mark.skipif(not CONFIGS, reason="../shared/configs is not beside the checkout")
@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_only_the_frameworks_own_adapter_claims_a_published_config(path):
    text = path.read_text(encoding="utf-8")
    claims = {name for name, adapter in ADAPTERS.items() if adapter.detect(str(path), text) > 0}
    assert claims == ({path.parent.name} & set(ADAPTERS))


def test_each_module_exposes_its_adapter():
    assert [module.ADAPTERS for module in (megatron, huggingface, nemo, neox)] == [
        (megatron.MegatronAdapter,), (huggingface.HuggingFaceAdapter,), (nemo.NemoAdapter,), (neox.NeoxAdapter,)]
    assert [a.name for a in ADAPTERS.values()] == ["megatron", "huggingface", "nemo", "neox"]
