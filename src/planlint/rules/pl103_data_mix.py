"""PL103 data-mix: mix shares must add up to 100% and sources must be unique.

Documentation: rules/PL103.md.
"""

from __future__ import annotations

from planlint import units
from planlint.findings import Severity
from planlint.names import name_key
from planlint.rule import Option, Rule


class DataMix(Rule):
    code = "PL103"
    name = "data-mix"
    severity = Severity.ERROR
    summary = "Data-mix shares do not add up to 100%, or a source appears twice."
    points_at = "`data.mix` for shares that do not add up; a repeated source's `source:` value"
    sources = (
        "Muennighoff et al. 2023, *Scaling Data-Constrained Language Models*, arXiv:2305.16264: epochs are "
        "counted per source from the tokens drawn and the unique tokens behind them (see PL102).",
    )
    options = {"tolerance": Option(0.005, "How far the shares may sum from 100% (0.005 is half a point).")}

    def check(self, plan, ctx):
        mix = plan.data.mix
        if not mix:
            return
        total = sum(entry.share for entry in mix)
        if abs(total - 1.0) > ctx.options["tolerance"]:
            gap = 1.0 - total
            points = f"{units.pct(abs(gap), 4)[:-1]} percentage points"
            if gap > 0:
                fix = f"add the missing {points} as a source, or raise the shares by {points} in total"
            else:
                fix = f"lower the shares by {points} in total"
            tokens, claimed = plan.data.train_tokens, plan.data.train_tokens * total
            yield ctx.finding(("data", "mix"), f"the mix shares add up to {units.pct(total, 4)}, not 100%", fix,
                              details=[f"they draw {units.count(claimed)} tokens for a {units.count(tokens)}-token run"],
                              shares_total=total)
        # sources that read alike are one source: 'Web', 'web ' and 'we\u200bb' are 'web'
        first_seen: dict[str, int] = {}
        for index, entry in enumerate(mix):
            key = name_key(entry.source)
            if key in first_seen:
                first = mix[first_seen[key]].source
                yield ctx.finding(("data", "mix", index, "source"),
                                  f"source {units.quoted(entry.source)} appears twice in the mix (first as entry "
                                  f"{first_seen[key] + 1})",
                                  "merge the two entries into one with the summed share", target="value",
                                  details=[f"the source's whole name: '{entry.source}'"
                                           if units.clip(entry.source) != entry.source else "",
                                           f"entry {first_seen[key] + 1} writes it '{first}': names that differ only "
                                           "by case, spaces, invisible characters or Unicode form are one source"
                                           if first != entry.source else ""])
            else:
                first_seen[key] = index
