"""Published pre-training recipes, drawn beside a plan for comparison: parameters and training
tokens as their papers and model cards report them (no loss: the charts place each one at the
loss the plan's fit predicts for it, and say so).

Each entry names its source. Where a bundled example under ``examples/`` describes the same
model, the numbers are the example's (a test holds them equal).
"""

from __future__ import annotations

from planlint.records import record


@record(frozen=True)
class Recipe:
    name: str
    params: float  # every parameter
    tokens: float  # training tokens
    source: str
    active_params: float | None = None  # a mixture of experts: the parameters one token uses
    example: str | None = None  # the bundled example of the same model, if any

    @property
    def active(self) -> float:
        return self.active_params if self.active_params is not None else self.params

    @property
    def is_moe(self) -> bool:
        return self.active_params is not None


RECIPES = (
    Recipe("GPT-3 175B", 175e9, 300e9, "Brown et al. 2020, arXiv:2005.14165, Table 2.2 and D.1",
           example="gpt3-175b.yaml"),
    Recipe("Chinchilla 70B", 70e9, 1.4e12, "Hoffmann et al. 2022, arXiv:2203.15556", example="chinchilla-70b.yaml"),
    Recipe("LLaMA-7B", 6.7e9, 1.0e12, "Touvron et al. 2023a, arXiv:2302.13971, Table 2"),
    Recipe("LLaMA-65B", 65.2e9, 1.4e12, "Touvron et al. 2023a, arXiv:2302.13971", example="llama-65b.yaml"),
    Recipe("Llama 2 7B", 6.74e9, 2.0e12, "Llama 2 model card; Touvron et al. 2023b, arXiv:2307.09288"),
    Recipe("Llama 2 70B", 69e9, 2.0e12, "Llama 2 model card; Touvron et al. 2023b, arXiv:2307.09288",
           example="llama2-70b-chat.yaml"),
    Recipe("Llama 3.1 405B", 405e9, 15.6e12, "Llama Team 2024, arXiv:2407.21783, §1", example="llama-3.1-405b.yaml"),
    Recipe("TinyLlama 1.1B", 1.1e9, 3e12, "TinyLlama README (jzhang38/TinyLlama)", example="tinyllama-1.1b.yaml"),
    Recipe("Phi-1.5", 1.3e9, 150e9, "microsoft/phi-1_5 model card", example="phi-1.5.yaml"),
    Recipe("Gemma 7B", 8.54e9, 6e12, "Gemma Team 2024, arXiv:2403.08295, Table 2 and §3", example="gemma-7b.yaml"),
    Recipe("DeepSeek-V2", 236e9, 8.1e12, "DeepSeek-AI 2024, arXiv:2405.04434, abstract", active_params=21e9,
           example="deepseek-v2.yaml"),
)
