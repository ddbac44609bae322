"""The accelerator catalogue: dense 16-bit tensor peak, memory and memory bandwidth.

Peaks are *dense* (no 2:4 sparsity): vendors' headline figures for H100, H200 and B200
include sparsity and are twice these. Memory is in GB (1e9 bytes), bandwidth in GB/s.
Figures and provenance follow the project's scaling reference, section 5 (vendor datasheets
and Google Cloud TPU documentation).
"""

from __future__ import annotations

from collections import ChainMap

from planlint.records import record


@record(frozen=True)
class Accelerator:
    """An accelerator's peak throughput, memory and bandwidth, with the source."""

    name: str
    label: str
    peak_tflops: float  # dense BF16 tensor (FP16 where the chip has no BF16)
    memory_gb: float
    bandwidth_gbps: float
    source: str
    fp8_tflops: float | None = None  # dense FP8 tensor peak; None: no FP8 tensor cores

    @property
    def peak_flops(self) -> float:
        return self.peak_tflops * 1e12

    @property
    def fp8_flops(self) -> float | None:
        return self.fp8_tflops * 1e12 if self.fp8_tflops else None

    @property
    def memory_bytes(self) -> float:
        return self.memory_gb * 1e9

    @property
    def bandwidth_bytes(self) -> float:
        return self.bandwidth_gbps * 1e9


_GIB = 1.073741824  # GB per GiB, for Google's figures in GiB

BUILTIN: dict[str, Accelerator] = {
    a.name: a
    for a in [
        Accelerator("a100-40gb", "NVIDIA A100 40GB SXM", 312, 40, 1555, "NVIDIA A100 datasheet"),
        Accelerator("a100-80gb", "NVIDIA A100 80GB SXM", 312, 80, 2039, "NVIDIA A100 datasheet"),
        Accelerator("h100-sxm", "NVIDIA H100 SXM5", 989, 80, 3350,
                    "NVIDIA H100 datasheet (1,979 TFLOPS BF16 and 3,958 FP8 with sparsity, halved)", 1979),
        Accelerator("h100-pcie", "NVIDIA H100 PCIe", 756, 80, 2000,
                    "NVIDIA H100 datasheet (1,513 TFLOPS BF16 and 3,026 FP8 with sparsity, halved)", 1513),
        Accelerator("h200", "NVIDIA H200 SXM", 989, 141, 4800, "NVIDIA H200 datasheet (GH100 compute as H100)", 1979),
        Accelerator("h800", "NVIDIA H800 SXM", 989, 80, 3350,
                    "H100 SXM figures; no NVIDIA datasheet is public (llm-analysis lists 3,200 GB/s)", 1979),
        Accelerator("b200", "NVIDIA B200 (HGX, 1,000 W)", 2250, 180, 8000,
                    "NVIDIA HGX B200 (4.5 PFLOPS BF16 and 9 FP8 with sparsity, halved; ~180 GB of 192 GB exposed per "
                    "GPU)", 4500),
        Accelerator("l4", "NVIDIA L4", 121, 24, 300,
                    "NVIDIA L4 datasheet (242 TFLOPS BF16 and 485 FP8 with sparsity, halved)", 242.5),
        Accelerator("l40s", "NVIDIA L40S", 362.05, 48, 864, "NVIDIA L40S datasheet (FP8 733 dense)", 733),
        Accelerator("a10", "NVIDIA A10", 125, 24, 600, "NVIDIA A10 datasheet"),
        Accelerator("a10g", "NVIDIA A10G (AWS G5)", 70, 24, 600,
                    "AWS G5 tables: 24 GB GDDR6 at 600 GB/s; 70 TFLOPS dense FP16 from llm-analysis's GPU "
                    "table (no NVIDIA datasheet is public)"),
        Accelerator("t4", "NVIDIA T4", 65, 16, 300, "NVIDIA T4 datasheet (FP16 mixed precision; no BF16)"),
        Accelerator("v100", "NVIDIA V100 SXM2 32GB", 125, 32, 900, "NVIDIA V100 datasheet (FP16 tensor; no BF16)"),
        Accelerator("mi250x", "AMD Instinct MI250X (OAM, 2 GCDs)", 383, 128, 3276.8,
                    "AMD MI200 datasheet, footnotes MI200-01 and MI200-07"),
        Accelerator("mi300x", "AMD Instinct MI300X", 1307.4, 192, 5300,
                    "AMD MI300X data sheet, footnote MI300-18 (FP8 2,614.9 dense)", 2614.9),
        Accelerator("tpu-v3", "Google TPU v3 (per chip)", 123, 32 * _GIB, 900,
                    "Google Cloud TPU v3 documentation (32 GiB, 900 GBps per chip)"),
        Accelerator("tpu-v4", "Google TPU v4 (per chip)", 275, 32 * _GIB, 1200, "Google Cloud TPU v4 documentation"),
        Accelerator("tpu-v5e", "Google TPU v5e (per chip)", 197, 16, 819, "Google Cloud TPU v5e documentation"),
        Accelerator("tpu-v5p", "Google TPU v5p (per chip)", 459, 95, 2765, "Google Cloud TPU v5p documentation"),
    ]
}


# Accelerators that plugins contribute (``planlint_accelerators``), set when the plugin registry
# is built. CATALOGUE reads through both: the built-in entries first, then the plugins', so
# plan validation, the rules and ``planlint accelerators`` all see the same names.
PLUGIN: dict[str, Accelerator] = {}
CATALOGUE: ChainMap[str, Accelerator] = ChainMap(PLUGIN, BUILTIN)


def use_plugin_accelerators(contributed: dict[str, Accelerator]) -> None:
    """Make ``contributed`` the plugin part of the catalogue (names must not be built-in ones:
    the registry refuses those before it gets here)."""
    PLUGIN.clear()
    PLUGIN.update(contributed)


def lookup(name: str, custom: dict | None = None) -> Accelerator | None:
    """An accelerator by catalogue name, or from the plan's ``custom_accelerators``. The
    catalogue comes first: a plan cannot redefine a catalogue entry (validation refuses one)."""
    if name in CATALOGUE:
        return CATALOGUE[name]
    if custom and name in custom:
        spec = custom[name]
        return Accelerator(name, name, spec.peak_tflops, spec.memory_gb, spec.memory_bandwidth_gbps,
                           spec.source or "declared in the plan (custom_accelerators)", spec.fp8_tflops)
    return None
