"""planlint's own launch-config adapters, registered through the ``planlint_adapters`` hook (by
the ``builtin`` bundle, :mod:`planlint.rules`) as a third party's are.

Each is registered as a light stand-in that names the framework and imports its reader only
when a config is read: the readers (a shell-word reader, Megatron-LM's argument table, ...)
take longer to import than ``planlint check`` takes on a plan, and most runs read no config.
``tests/test_adapters_registry.py`` holds every stand-in to the adapter it stands for.
"""

from __future__ import annotations

import importlib
from typing import ClassVar


# (name, label, suffixes, module, class): the name is what `launch.framework` and `--framework` say
_READERS = (
    ("megatron", "Megatron-LM launch script or argument file", (".sh", ".bash", ".slurm", ".sbatch", ".args", ".txt"),
     "megatron", "MegatronAdapter"),
    ("nemo", "NeMo Megatron GPT config", (".yaml", ".yml"), "nemo", "NemoAdapter"),
    ("neox", "GPT-NeoX config", (".yml", ".yaml"), "neox", "NeoxAdapter"),
    ("torchtitan", "torchtitan job config (TOML)", (".toml",), "torchtitan", "TorchtitanAdapter"),
    ("olmo", "OLMo training config (YAML)", (".yaml", ".yml"), "olmo", "OlmoAdapter"),
    ("litgpt", "LitGPT pretraining config (YAML)", (".yaml", ".yml"), "litgpt", "LitgptAdapter"),
    ("maxtext", "MaxText config (YAML: run config, base.yml, models/<model_name>.yml)", (".yml", ".yaml"), "maxtext",
     "MaxtextAdapter"),
    ("levanter", "Levanter training config (YAML)", (".yaml", ".yml"), "levanter", "LevanterAdapter"),
    ("nanotron", "nanotron training config (YAML)", (".yaml", ".yml"), "nanotron", "NanotronAdapter"),
    ("huggingface", "Hugging Face config.json", (".json",), "huggingface", "HuggingFaceAdapter"),
)
BUILTIN_NAMES = tuple(name for name, *_ in _READERS)


def stand_ins() -> tuple:
    """One stand-in class per built-in reader (made once: the Adapter base is imported here, on use)."""
    global _STAND_INS
    if _STAND_INS is None:
        from planlint.adapters import Adapter

        class StandIn(Adapter):
            """An adapter whose reader is imported on first use."""

            module: ClassVar[str]
            class_name: ClassVar[str]
            _reader: ClassVar[Adapter | None] = None

            @classmethod
            def reader(cls) -> Adapter:
                if cls._reader is None:
                    module = importlib.import_module(f"planlint.adapters.{cls.module}")
                    cls._reader = getattr(module, cls.class_name)()
                return cls._reader

            @classmethod
            def real(cls) -> type:
                return type(cls.reader())

            @property
            def documentation(self) -> str:  # type: ignore[override]
                return self.real().documentation

            def detect(self, path: str, text: str) -> float:
                return self.reader().detect(path, text)

            def read(self, path: str, text: str):
                return self.reader().read(path, text)

        _STAND_INS = tuple(type(class_name, (StandIn,), {"name": name, "label": label, "suffixes": suffixes,
                                                          "module": module, "class_name": class_name,
                                                          "__module__": __name__})
                           for name, label, suffixes, module, class_name in _READERS)
    return _STAND_INS


_STAND_INS: tuple | None = None
