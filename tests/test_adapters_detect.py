"""Each adapter recognizes its framework's published configs, and no other's."""

import pytest
from adapter_support import SHARED_CONFIGS

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
