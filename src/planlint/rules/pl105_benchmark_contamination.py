"""PL105 benchmark-contamination: a plan evaluated on public benchmarks that does not keep them out
of its training data.

Documentation: rules/PL105.md.
"""

from __future__ import annotations

import re

from planlint import units
from planlint.findings import Severity
from planlint.rule import Rule

# Public benchmarks whose test sets circulate on the web (and in pre-training corpora), by the
# names plans and leaderboards use, normalised to lower-case letters and digits.
BENCHMARKS = {
    "mmlu": "MMLU", "mmlupro": "MMLU-Pro", "gsm8k": "GSM8K", "math": "MATH", "humaneval": "HumanEval",
    "mbpp": "MBPP", "hellaswag": "HellaSwag", "arc": "ARC", "arcc": "ARC-Challenge", "arce": "ARC-Easy",
    "arcchallenge": "ARC-Challenge", "arceasy": "ARC-Easy", "winogrande": "WinoGrande", "piqa": "PIQA",
    "boolq": "BoolQ", "truthfulqa": "TruthfulQA", "bbh": "BIG-Bench Hard", "bigbenchhard": "BIG-Bench Hard",
    "gpqa": "GPQA", "drop": "DROP", "triviaqa": "TriviaQA", "naturalquestions": "Natural Questions",
    "squad": "SQuAD", "lambada": "LAMBADA", "openbookqa": "OpenBookQA", "siqa": "SIQA", "commonsenseqa": "CommonsenseQA",
    "agieval": "AGIEval", "ifeval": "IFEval", "mtbench": "MT-Bench", "alpacaeval": "AlpacaEval",
    "livecodebench": "LiveCodeBench", "swebench": "SWE-bench", "aime": "AIME", "mgsm": "MGSM", "xnli": "XNLI",
}
_WORD = r"[a-z0-9]+"  # compiled on first use (re's cache): only plans with a mix need it


def benchmark_of(name: str) -> str | None:
    """The public benchmark a metric or source name refers to (``mmlu_5shot`` -> MMLU), or None."""
    words = re.findall(_WORD, name.lower())
    joined = "".join(words)
    if joined in BENCHMARKS:
        return BENCHMARKS[joined]
    for size in (3, 2, 1):  # the longest run of words that names one: "big-bench-hard-cot" -> BBH
        for start in range(len(words) - size + 1):
            key = "".join(words[start:start + size])
            if key in BENCHMARKS and not (key == "math" and size == 1 and len(words) > 1):
                return BENCHMARKS[key]
    return None


def evaluated(plan) -> dict[str, tuple]:
    """The public benchmarks the plan names under evaluation, each with the first path naming it."""
    found: dict[str, tuple] = {}
    evaluation = plan.evaluation
    if evaluation is None:
        return found
    for key in ("benchmarks", "task_metrics", "metrics"):
        for index, name in enumerate(getattr(evaluation, key) or []):
            benchmark = benchmark_of(name)
            if benchmark is not None and benchmark not in found:
                found[benchmark] = ("evaluation", key, index)
    return found


class BenchmarkContamination(Rule):
    code = "PL105"
    name = "benchmark-contamination"
    severity = Severity.WARNING
    summary = ("The plan is evaluated on public benchmarks but does not say its data was decontaminated, or a "
               "source of its mix is one of them.")
    points_at = ("the `source:` value of a mix entry that is a benchmark; `data.decontaminated`, or `data` when "
                 "the plan does not say it")
    sources = (
        "Zhou et al. 2023, *Don't Make Your LLM an Evaluation Benchmark Cheater*, arXiv:2311.01964.",
        "Sainz et al. 2023, *NLP Evaluation in trouble: On the Need to Measure LLM Data Contamination for each "
        "Benchmark*, Findings of EMNLP 2023, arXiv:2310.18018.",
        "Golchin and Surdeanu 2023, *Time Travel in LLMs: Tracing Data Contamination in Large Language Models*, "
        "arXiv:2308.08493.",
        "Llama Team 2024, *The Llama 3 Herd of Models*, arXiv:2407.21783, §3.1.3.",
    )

    def check(self, plan, ctx):
        benchmarks = evaluated(plan)
        if not benchmarks:
            return
        names = ", ".join(benchmarks)
        for index, entry in enumerate(plan.data.mix or []):
            benchmark = benchmark_of(entry.source)
            if benchmark in benchmarks:
                yield ctx.finding(
                    ("data", "mix", index, "source"),
                    f"the mix source {units.quoted(entry.source)} is {benchmark}, which the plan evaluates on",
                    f"drop '{entry.source}' from the mix, or evaluate on a benchmark the data does not hold",
                    target="value", benchmark=benchmark,
                    details=["training on a benchmark's data inflates its results (benchmark leakage, Zhou et al. 2023)"])
        if plan.data.decontaminated is True:
            return
        path = ("data", "decontaminated") if plan.data.decontaminated is False else ("data",)
        first = next(iter(benchmarks.values()))
        said = ("data.decontaminated is false" if plan.data.decontaminated is False else
                "the data is not declared decontaminated")
        listed = names if len(names) <= 24 else f"{next(iter(benchmarks))} and {len(benchmarks) - 1} more"
        yield ctx.finding(
            path, f"evaluated on public benchmarks ({listed}) but {said}",
            "remove the benchmarks' test sets from the data (n-gram or exact-match decontamination) and declare "
            "data.decontaminated: true", benchmarks=list(benchmarks),
            details=[f"public benchmarks named in {first[0]}.{first[1]}: {names}",
                     "contamination overestimates a model on the benchmarks it has seen (Sainz et al. 2023; "
                     "Zhou et al. 2023)"])
