"""PL106 capability-data: a capability the plan asks for that its data mix hardly holds.

Documentation: rules/PL106.md.
"""

from __future__ import annotations

import re

from planlint import units
from planlint.findings import Severity
from planlint.rule import Option, Rule

# What a source holds, from its declared kind, else from its name.
_NAMES = {
    "code": r"(?i)code|github|stack|starcoder|program|software",
    "math": r"(?i)math|proof|arith|gsm|theorem|lean",
}
# Llama 3's final pre-training mix: "roughly 50% of tokens corresponding to general knowledge, 25%
# of mathematical and reasoning tokens, 17% code tokens, and 8% multilingual tokens" (§3.1.2).
LLAMA3_MIX = "Llama 3: 17% code, 25% math and reasoning, 8% multilingual (Llama Team 2024, §3.1.2)"


def kind_of(entry) -> str | None:
    if entry.kind is not None:
        return entry.kind
    for kind, pattern in _NAMES.items():
        if re.search(pattern, entry.source):  # compiled on first use: only plans with a mix need them
            return kind
    return None


class CapabilityData(Rule):
    code = "PL106"
    name = "capability-data"
    severity = Severity.WARNING
    summary = "The plan asks for code, math or multilingual ability, and its mix holds little of that data."
    points_at = "`data.mix`"
    options = {
        "code_below": Option(0.05, "Share of code in the mix below which a plan asking for code is warned."),
        "math_below": Option(0.05, "Share of math in the mix below which a plan asking for math is warned."),
        "other_languages_below": Option(
            0.05, "Share of languages other than English below which a multilingual plan is warned."),
    }
    sources = (
        "Aryabumi et al. 2024, *To Code, or Not To Code? Exploring Impact of Code in Pre-training*, "
        "arXiv:2408.10914.",
        "Shao et al. 2024, *DeepSeekMath: Pushing the Limits of Mathematical Reasoning in Open Language Models*, "
        "arXiv:2402.03300.",
        "Chang et al. 2024, *When Is Multilinguality a Curse? Language Modeling for 250 High- and Low-Resource "
        "Languages*, EMNLP 2024, arXiv:2311.09205.",
        "Llama Team 2024, *The Llama 3 Herd of Models*, arXiv:2407.21783, §3.1.2.",
    )

    def check(self, plan, ctx):
        asked = set(plan.capabilities or [])
        mix = plan.data.mix or []
        if not asked & {"code", "math", "multilingual"} or not mix:
            return
        for capability, option, why in (
                ("code", "code_below", "code in pre-training lifts code results up to 12x and natural-language "
                                       "reasoning 8% (Aryabumi et al. 2024)"),
                ("math", "math_below", "math ability comes from math data, not from parameters alone (DeepSeekMath "
                                       "trains on a 56% math corpus)")):
            if capability not in asked:
                continue
            share = sum(entry.share for entry in mix if kind_of(entry) == capability)
            if share >= ctx.options[option]:
                continue
            yield ctx.finding(
                ("data", "mix"),
                f"capabilities lists {capability}, but {units.pct(share)} of the mix is {capability} data",
                f"add {capability} data to the mix (>= {units.pct(ctx.options[option])}), mark the sources that hold it "
                f"(data.mix[].kind: {capability}), or drop {capability} from capabilities",
                details=[why, LLAMA3_MIX], share=share, capability=capability)
        if "multilingual" in asked:
            languages = [entry for entry in mix if entry.language is not None or entry.kind == "multilingual"]
            if not languages:
                yield ctx.finding(
                    ("data", "mix"), "capabilities lists multilingual, but no source of the mix says its language",
                    "declare data.mix[].language (en, zh, ..., or multi) so that the share of other languages can "
                    "be checked", Severity.INFO)
                return
            other = sum(entry.share for entry in mix
                        if entry.kind == "multilingual" or (entry.language not in (None, "en")))
            if other < ctx.options["other_languages_below"]:
                yield ctx.finding(
                    ("data", "mix"),
                    f"capabilities lists multilingual, but {units.pct(other)} of the mix is in languages other than "
                    "English",
                    f"raise the share of other languages (>= {units.pct(ctx.options['other_languages_below'])}), or "
                    "drop multilingual from capabilities", share=other, capability="multilingual",
                    details=["high-resource languages do worse in a mix that crowds them out and low-resource ones "
                             "need data of their own (Chang et al. 2024)", LLAMA3_MIX])
