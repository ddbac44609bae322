"""PL102 data-repetition: small data epoched too many times (Muennighoff et al. 2023).

Documentation: rules/PL102.md.
"""

from __future__ import annotations

from planlint import units
from planlint.estimate import R_D_STAR
from planlint.findings import Severity
from planlint.rule import Option, Rule

WORTHLESS_EPOCHS = 40  # Muennighoff et al. 2023, Fig. 1: "At 40 epochs, repeating is worthless"


class DataRepetition(Rule):
    code = "PL102"
    name = "data-repetition"
    severity = Severity.WARNING
    summary = "Training repeats its unique data (or one source of the mix) too many times."
    points_at = "`data.unique_tokens`, or a source's `unique_tokens` in `data.mix` for a source repeated too often"
    options = {
        "warn_above": Option(4.0, "Epochs above which repetition is a warning (up to ~4 is nearly as "
                                  "good as fresh data)."),
        "error_above": Option(16.0, "Epochs above which repetition is an error (R_D* ~ 15.4 repetitions "
                                    "is the half-life of repeated data)."),
    }
    sources = (
        "Muennighoff et al. 2023, *Scaling Data-Constrained Language Models*, NeurIPS 2023, arXiv:2305.16264, "
        "Eq. 5, App. A and Fig. 1.",
    )

    def check(self, plan, ctx):
        data, numbers = plan.data, ctx.numbers
        if data.unique_tokens is not None:
            yield from self._judge(ctx, ("data", "unique_tokens"), "the data", data.train_tokens,
                                   data.unique_tokens, None, numbers["effective_unique_tokens"])
        for source in numbers.mix:
            yield from self._judge(ctx, ("data", "mix", source.index, "unique_tokens"),
                                   f"source {units.quoted(source.source)}",
                                   source.tokens, source.unique_tokens, source.share, source.effective_tokens)

    def _judge(self, ctx, path, what, tokens, unique, share, effective):
        opts = ctx.options
        epochs = tokens / unique
        if epochs <= opts["warn_above"]:
            return
        severity = Severity.ERROR if epochs > opts["error_above"] else Severity.WARNING
        wasted = 1.0 - effective / tokens
        seen = f"{units.count(tokens)} tokens" + (f" ({units.pct(share)} of training)" if share is not None else "")
        message = (f"{units.ratio(epochs)} epochs of {what}: {units.pct(wasted)} of its {units.count(tokens)} "
                   "tokens buy nothing")
        details = [f"{seen} over {units.count(unique)} unique tokens are worth {units.count(effective)} fresh tokens "
                   f"(D' with R_D* = {R_D_STAR:.1f}, Muennighoff et al. 2023)"]
        if epochs >= WORTHLESS_EPOCHS:
            details.append(f"at {WORTHLESS_EPOCHS} epochs repetition is worthless (Muennighoff et al. 2023)")
        limit = opts["warn_above"]
        best = ctx.numbers.data_constrained if share is None else None
        if best is not None:
            best_epochs = best.tokens / unique
            details.append(f"for this compute and these unique tokens the loss is least at {best.size} "
                           f"({units.ratio(best_epochs)} epochs, {best.fit_label} with Muennighoff et al. 2023's "
                           "effective data)")
        if share is None:
            fix = (f"find >= {units.count(tokens / limit)} unique tokens, or cut train_tokens to "
                   f"{units.count(unique * limit)}, to stay within {limit:g} epochs")
            if best is not None and best.tokens / unique <= limit:
                fix += f"; or {best.suggest()}"
        else:
            fix = (f"lower its share to <= {units.pct(share * limit / epochs)} or find >= "
                   f"{units.count(tokens / limit)} unique tokens for it, to stay within {limit:g} epochs")
        yield ctx.finding(path, message, fix, severity, details=details, epochs=epochs, effective_tokens=effective,
                          wasted_share=wasted, unique_tokens=unique, tokens=tokens)
