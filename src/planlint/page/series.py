"""What the report's charts plot, as numbers: no drawing here, and no formula of its own.

Every coordinate is a value of the plan's :class:`planlint.numbers.PlanNumbers` (the one
layer ``check``, ``estimate`` and ``checklist`` read), or the fit object those numbers used
(``numbers.fit``: its ``loss``, ``optimal_split`` and ``optimal_loss``) and the functions of
:mod:`planlint.estimate` they call (6ND, Muennighoff et al.'s effective data). A test holds
the plotted coordinates equal to ``planlint estimate --format json`` for the same plan.

A :class:`Chart` is one figure of one or two :class:`Panel` s; :func:`plan_charts` gives a
plan's charts and says why a chart is left out (the plan lacks its input),
:func:`comparison_charts` puts several plans on the same axes.
"""

from __future__ import annotations

import math
from dataclasses import field

from planlint import estimate as est
from planlint import units
from planlint.numbers import finite
from planlint.page.recipes import RECIPES
from planlint.records import record

# The iso-FLOP curves beside the plan's own: a decade of compute either way (Hoffmann et al.
# 2022, Fig. 3 draws nine budgets a few times apart; two neighbours keep one plan's chart legible).
ISO_FLOP_DECADES = (-1, 1)
# Muennighoff et al. 2023, §6: "up to about 4 epochs" repeated data is nearly as good as fresh
# (PL102's threshold).
NEARLY_FRESH_EPOCHS = 4.0
# Kaplan et al. 2020, §2.1: a forward pass is 2N FLOPs per token (what serving a token costs).
SERVE_FLOPS_PER_PARAM = 2.0
GRID = 97  # points per curve: smooth at any width the page draws


@record(frozen=True)
class Point:
    x: float
    y: float
    role: str  # plan, same-compute, same-loss, full-budget, inference-optimal, recipe, source, crossover, lifetime
    label: str
    note: str = ""  # where the coordinates come from, for the chart's data table
    index: int = 0  # which plan, in a comparison


@record(frozen=True)
class Curve:
    xs: tuple[float, ...]
    ys: tuple[float, ...]
    role: str  # frontier, iso-flop, iso-flop-plan, same-size, baseline, fit-ratio, fresh, effective, ...
    label: str


@record(frozen=True)
class Band:
    """A shaded range of y: PL101's regions on the tokens-per-parameter chart."""

    low: float
    high: float
    role: str  # error, warning, overtraining
    label: str


@record(frozen=True)
class Marker:
    """A vertical line at x: an epoch count, the plan's compute where no loss is predicted."""

    x: float
    role: str
    label: str


@record
class Panel:
    title: str
    x_label: str
    y_label: str
    x_log: bool = True
    y_log: bool = False
    points: list[Point] = field(default_factory=list)
    curves: list[Curve] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    x_unit: str = ""  # "tokens", "FLOPs", "params", "usd": how tick labels are written
    y_unit: str = ""
    epochs_of: float | None = None  # a top axis in epochs of this many unique tokens

    def point(self, role: str, index: int = 0) -> Point | None:
        return next((p for p in self.points if p.role == role and p.index == index), None)

    def curve(self, role: str) -> Curve | None:
        return next((c for c in self.curves if c.role == role), None)


@record
class Chart:
    key: str  # frontier, tokens-per-param, repetition, serving
    title: str
    description: str  # what it shows, in words, with its numbers (the SVG's <desc>)
    caption: str  # how to read it: what is predicted, what each mark is
    panels: list[Panel]
    compare: bool = False  # several plans on the same axes
    rendered: dict = field(default_factory=dict, repr=False, compare=False)  # SVG by id prefix, drawn once


@record(frozen=True)
class Entry:
    """One plan as the charts see it: its name and its numbers."""

    name: str
    numbers: object  # planlint.numbers.PlanNumbers


def logspace(low: float, high: float, n: int = GRID) -> tuple[float, ...]:
    a, b = math.log10(low), math.log10(high)
    return tuple(10 ** (a + (b - a) * i / (n - 1)) for i in range(n))


def linspace(low: float, high: float, n: int = GRID) -> tuple[float, ...]:
    return tuple(low + (high - low) * i / (n - 1) for i in range(n))


def _span(values, pad: float = 3.0) -> tuple[float, float]:
    """A log range around the finite, positive ``values``, ``pad`` times wider each way."""
    kept = [v for v in values if finite(v) and v > 0]
    return min(kept) / pad, max(kept) * pad


def _curve(xs, fn, role: str, label: str) -> Curve | None:
    pairs = [(x, fn(x)) for x in xs]
    pairs = [(x, y) for x, y in pairs if finite(x) and finite(y)]
    if len(pairs) < 2:
        return None
    return Curve(tuple(x for x, _ in pairs), tuple(y for _, y in pairs), role, label)


def _add(panel: Panel, *items) -> None:
    for item in items:
        if item is None:
            continue
        if isinstance(item, Point):
            if finite(item.x) and finite(item.y):
                panel.points.append(item)
        elif isinstance(item, Curve):
            panel.curves.append(item)
        elif isinstance(item, Band):
            panel.bands.append(item)
        elif isinstance(item, Marker):
            if finite(item.x):
                panel.markers.append(item)


def _has_loss_fit(numbers) -> bool:
    return isinstance(numbers.fit, est.LossFit)


def loss_function(numbers):
    """L(N, D) as the plan's numbers predict it: the fit's law, or, when the plan repeats its
    unique data, the same law with Muennighoff et al.'s effective data and parameters (what
    ``predicted_loss`` is then)."""
    fit = numbers.fit
    if numbers.data_constrained is None:
        return fit.loss
    unique = numbers.plan.data.unique_tokens
    return lambda params, tokens: est.data_constrained_loss(fit, params, tokens, unique)


def best_split(numbers):
    """The compute-optimal split of the compute the plan spends, whose loss is ``optimal_loss``:
    with the plan's unique data when it repeats them, else the fit's."""
    return numbers.data_constrained or numbers.same_compute


def _recipe_points(fit, with_loss: bool, entries: list[Entry] = ()) -> list[Point]:
    """The published recipes: at 6ND and the fit's predicted loss (dense models only: the dense
    fit prices no mixture), or at tokens per active parameter. A recipe that one of
    ``entries`` already is (the same parameters and tokens) is left to the plan's mark."""
    points = []
    for recipe in RECIPES:
        if any(_same_run(recipe, e.numbers) for e in entries):
            continue
        if with_loss:
            if recipe.is_moe:
                continue
            points.append(Point(est.training_flops(recipe.params, recipe.tokens), fit.loss(recipe.params, recipe.tokens),
                                "recipe", recipe.name, f"{units.count(recipe.params)} params, "
                                f"{units.count(recipe.tokens)} tokens; {recipe.source}"))
        else:
            active = "active " if recipe.is_moe else ""
            points.append(Point(recipe.active, recipe.tokens / recipe.active, "recipe", recipe.name,
                                f"{units.count(recipe.active)} {active}params, {units.count(recipe.tokens)} tokens; "
                                f"{recipe.source}"))
    return points


def _spends_most_of(spent: float, budget) -> bool:
    """The plan spends most of its declared budget (within 25%, either way): the full-budget
    split would all but cover the same-compute one, so it is left out."""
    return math.isclose(budget.flops, spent, rel_tol=0.25)


def _same_run(recipe, numbers) -> bool:
    return (math.isclose(recipe.active, numbers.active, rel_tol=0.02)
            and math.isclose(recipe.tokens, numbers.plan.data.train_tokens, rel_tol=0.02))


# ---------------------------------------------------------------------------------------
# Loss against compute, and the iso-FLOP profiles
# ---------------------------------------------------------------------------------------


def _loss_points(entry: Entry, index: int, compare: bool) -> list[Point]:
    """The plan and the alternatives the numbers layer gives, on loss against 6ND compute."""
    n, v = entry.numbers, entry.numbers.values
    label = entry.name if compare else "the plan"
    points = [Point(v["train_flops_6nd"], v["predicted_loss"], "plan", label,
                    f"train_flops_6nd, predicted_loss: {units.count(n.plan.model.params)} params on "
                    f"{units.count(n.plan.data.train_tokens)} tokens", index)]
    if compare:
        return points
    split = best_split(n)
    keys = "data_constrained_params, data_constrained_tokens" if split.kind == "data-constrained" else \
        "optimal_params, optimal_tokens"
    points.append(Point(split.flops, v["optimal_loss"], split.kind, f"{split.question}: {split.size}",
                        f"{keys}, optimal_loss ({split.why})"))
    split = n.same_loss
    points.append(Point(split.flops, v["predicted_loss"], "same-loss", f"same loss: {split.size}",
                        f"same_loss_params, same_loss_tokens, same_loss_flops ({split.why})"))
    split = n.full_budget
    if split is not None and not _spends_most_of(v["train_flops_6nd"], split):
        points.append(Point(split.flops, n.fit.loss(split.params, split.tokens), "full-budget",
                            f"full budget: {split.size}", f"the declared budget ({split.why})"))
    if v["inference_optimal_params"] is not None:
        params, tokens = v["inference_optimal_params"], v["inference_optimal_tokens"]
        points.append(Point(est.training_flops(params, tokens), v["predicted_loss"], "inference-optimal",
                            f"inference-optimal: {units.count(params)} params on {units.count(tokens)} tokens",
                            f"inference_optimal_params, inference_optimal_tokens: {n.notes['inference_optimal_params']}"))
    return points


def frontier_chart(entries: list[Entry], compare: bool = False) -> Chart:
    """Loss against 6ND compute with the fit's compute-optimal frontier, and the iso-FLOP
    profiles (loss against parameters at a fixed compute) at the plans' compute."""
    fit = entries[0].numbers.fit
    priced = [e for e in entries if e.numbers.has_loss]
    recipes = _recipe_points(fit, with_loss=True, entries=entries if compare else ())
    plans = [p for e in priced for p in _loss_points(e, entries.index(e), compare)]
    unpriced = [e for e in entries if not e.numbers.has_loss]
    spent = [e.numbers.values["train_flops_6nd"] for e in entries]
    low, high = _span([p.x for p in recipes + plans] + spent)

    by_compute = Panel("Loss against training compute", "training compute, 6ND (FLOPs)",
                       "predicted final loss (nats/token)", x_unit="FLOPs")
    _add(by_compute, _curve(logspace(low, high), fit.optimal_loss, "frontier", f"compute-optimal frontier ({fit.label})"))
    if not compare:
        for entry in priced:
            params, loss = entry.numbers.plan.model.params, loss_function(entry.numbers)
            if entry.numbers.data_constrained is not None:
                unique = entry.numbers.plan.data.unique_tokens
                _add(by_compute, _curve(logspace(low, high), lambda c: est.data_constrained_split(fit, c, unique)[2],
                                        "frontier-data", f"with the plan's {units.count(unique)} unique tokens "
                                        "(Muennighoff et al. 2023)"))
            _add(by_compute, _curve(logspace(low, high), lambda c: loss(params, c / est.training_flops(params, 1.0)),
                                    "same-size", f"{units.count(params)} params, more or fewer tokens"))
    _add(by_compute, *recipes, *plans)
    for index, entry in enumerate(entries):
        if not entry.numbers.has_loss:
            _add(by_compute, Marker(entry.numbers.values["train_flops_6nd"], "unpriced",
                                    f"{entry.name if compare else 'the plan'}: {units.sci(spent[index])} FLOPs, no loss "
                                    "predicted"))
    panels = [by_compute]
    if priced:
        panels.append(_iso_flop_panel(priced, entries, compare))

    description = _frontier_description(entries, fit, compare)
    caption = (f"Loss is predicted by the {fit.label} (L = E + A/N^alpha + B/D^beta), for the plan and for the "
               "published recipes alike: the recipes are placed at 6ND and the loss the fit predicts for their "
               "parameters and tokens, not at the loss their papers report. The frontier is the least loss each "
               "compute can reach (the compute-optimal split); the iso-FLOP curves are the loss of every size at one "
               "compute, lowest at the frontier.")
    if any(e.numbers.data_constrained is not None for e in priced):
        caption += (" A plan that repeats its unique data is priced with Muennighoff et al. 2023's effective data and "
                    "parameters: its loss, its same-size and iso-FLOP curves and its best split of the same compute "
                    "(hollow hexagon) all use them.")
    for entry in priced:
        if entry.numbers.values.get("extrapolated"):
            caption += (f" {entry.name}: an extrapolation of the fit ({', '.join(entry.numbers.values['extrapolated'])})"
                        ".")
    if unpriced:
        caption += (" " + "; ".join(f"{e.name}: {e.numbers.notes['predicted_loss']}" for e in unpriced) +
                    ", so its compute is a vertical line.")
    if any(r.is_moe for r in RECIPES):
        caption += " DeepSeek-V2, a mixture of experts, is on the tokens-per-parameter chart only, for the same reason."
    title = "The plans on the compute-optimal frontier" if compare else f"{entries[0].name} on the compute-optimal frontier"
    return Chart("frontier", title, description, caption, panels, compare)


def _iso_flop_panel(priced: list[Entry], entries: list[Entry], compare: bool) -> Panel:
    fit = priced[0].numbers.fit
    panel = Panel("Iso-FLOP profiles", "parameters (params)", "predicted final loss (nats/token)", x_unit="params")
    levels: list[tuple[float, str, object]] = []  # (compute, role, the plan whose loss it draws)

    def level(compute: float, role: str, apart: float, numbers) -> None:
        unique = numbers.plan.data.unique_tokens if numbers.data_constrained is not None else None
        if finite(compute) and compute > 0 and not any(
                math.isclose(compute, c, rel_tol=apart) and unique == (other.plan.data.unique_tokens
                                                                       if other.data_constrained is not None else None)
                for c, _, other in levels):
            levels.append((compute, role, numbers))

    for entry in priced:
        level(entry.numbers.values["train_flops_6nd"], "iso-flop-plan", 0.01, entry.numbers)
    if not compare:
        n = priced[0].numbers
        if n.full_budget is not None and not _spends_most_of(n.values["train_flops_6nd"], n.full_budget):
            level(n.full_budget.flops, "iso-flop", 0.05, n)
        for decades in ISO_FLOP_DECADES:  # a neighbour close to the budget's curve would only double it
            level(n.values["train_flops_6nd"] * 10.0 ** decades, "iso-flop", 0.5, n)
    sizes = [fit.optimal_split(c)[0] for c, _, _ in levels] + [e.numbers.plan.model.params for e in priced]
    low, high = _span(sizes, pad=10.0)
    for number, (compute, role, numbers) in enumerate(sorted(levels, key=lambda item: item[0])):
        label = f"{units.sci(compute)} FLOPs" if not compare else "iso-FLOP: each plan's compute" if not number else ""
        loss = loss_function(numbers)
        _add(panel, _curve(logspace(low, high), lambda n, c=compute, loss=loss: loss(n, c / est.training_flops(n, 1.0)),
                           role, label))
    computes = logspace(min(c for c, _, _ in levels) / 10.0, max(c for c, _, _ in levels) * 10.0)
    repeated = priced[0].numbers.data_constrained is not None and not compare
    if repeated:  # the sizes that are best with the plan's unique data
        unique = priced[0].numbers.plan.data.unique_tokens
        frontier = [est.data_constrained_split(fit, c, unique)[::2] for c in computes]
    else:
        frontier = [(fit.optimal_split(c)[0], fit.optimal_loss(c)) for c in computes]
    panel.curves.insert(0, Curve(tuple(n for n, _ in frontier), tuple(loss for _, loss in frontier), "frontier",
                                 "compute-optimal sizes" + (" with the plan's unique data" if repeated else "")))
    for entry in priced:
        n, v, index = entry.numbers, entry.numbers.values, entries.index(entry)
        label = entry.name if compare else "the plan"
        _add(panel, Point(n.plan.model.params, v["predicted_loss"], "plan", label,
                          "model.params, predicted_loss", index))
        split = best_split(n)
        _add(panel, Point(split.params, v["optimal_loss"], "same-compute" if compare else split.kind,
                          f"{entry.name}: compute-optimal" if compare else f"{split.question}: {split.size}",
                          ("data_constrained_params" if split.kind == "data-constrained" else "optimal_params")
                          + ", optimal_loss", index))
        if not compare:
            _add(panel, Point(n.same_loss.params, v["predicted_loss"], "same-loss", f"same loss: {n.same_loss.size}",
                              "same_loss_params, predicted_loss", index))
    return panel


def _frontier_description(entries: list[Entry], fit, compare: bool) -> str:
    parts = []
    for entry in entries:
        n, v = entry.numbers, entry.numbers.values
        spent = units.sci(v["train_flops_6nd"])
        if not n.has_loss:
            parts.append(f"{entry.name} spends {spent} FLOPs (6ND); {n.notes['predicted_loss']}.")
            continue
        text = (f"{entry.name}: {units.count(n.plan.model.params)} params on {units.count(n.plan.data.train_tokens)} "
                f"tokens, {spent} FLOPs (6ND), predicted loss {v['predicted_loss']:.3f} nats/token.")
        if not compare:
            text += (f" The compute-optimal split of the same compute, {best_split(n).size}, reaches "
                     f"{v['optimal_loss']:.3f}; the same loss needs {units.sci(n.same_loss.flops)} FLOPs "
                     f"({n.same_loss.size}), a compute waste of {units.pct(v['compute_waste'])}.")
        parts.append(text)
    dense = [r.name for r in RECIPES if not r.is_moe]
    parts.append(f"Published recipes at their predicted loss ({fit.label}): {', '.join(dense)}.")
    return " ".join(parts)


# ---------------------------------------------------------------------------------------
# Tokens per parameter
# ---------------------------------------------------------------------------------------


def ratio_point(entry: Entry, index: int, compare: bool) -> Point:
    n, v = entry.numbers, entry.numbers.values
    moe = n.plan.model.is_moe
    ratio = v["tokens_per_active_param"] if moe else v["tokens_per_param"]
    key = "active_params, tokens_per_active_param" if moe else "active_params, tokens_per_param"
    return Point(v["active_params"], ratio, "plan", entry.name if compare else "the plan", key, index)


def tokens_per_param_chart(entries: list[Entry], thresholds: list[dict], compare: bool = False) -> Chart:
    """Tokens per (active) parameter against (active) parameters: the baseline, PL101's regions,
    the fit's compute-optimal ratio, the plan's iso-FLOP line and the published recipes.
    ``thresholds``: each plan's PL101 options (warn_below, error_below, overtrained_above)."""
    first = entries[0].numbers
    fit, baseline = first.fit, first.assumptions.baseline
    limits = thresholds[0]
    panel = Panel("Tokens per parameter", "parameters, active for a mixture (params)",
                  "training tokens per parameter (tokens/param)", y_log=True, x_unit="params", y_unit="ratio")
    recipes = _recipe_points(fit, with_loss=False, entries=entries if compare else ())
    plans = [ratio_point(e, i, compare) for i, e in enumerate(entries)]
    extra: list[Point] = []
    if not compare:
        n, v = first, first.values
        for split in (n.same_compute, n.data_constrained, n.same_loss, n.full_budget):
            if split is None or (split.kind == "full-budget"
                                 and _spends_most_of(v["train_flops_6nd"], split)):
                continue
            extra.append(Point(split.params, split.tokens / split.params, split.kind, f"{split.question}: {split.size}",
                               f"{split.why}"))
        if v["inference_optimal_params"] is not None:
            params, tokens = v["inference_optimal_params"], v["inference_optimal_tokens"]
            extra.append(Point(params, tokens / params, "inference-optimal",
                               f"inference-optimal: {units.count(params)} params on {units.count(tokens)} tokens",
                               "inference_optimal_params, inference_optimal_tokens"))
    low, high = _span([p.x for p in recipes + plans + extra])
    ys = [p.y for p in recipes + plans + extra] + [baseline, limits["overtrained_above"], limits["error_below"]]
    y_low, y_high = _span(ys, pad=2.0)
    _add(panel, Band(y_low, limits["error_below"], "error", f"under {limits['error_below']:g}: PL101 error"),
         Band(limits["error_below"], limits["warn_below"], "warning",
              f"{limits['error_below']:g} to {limits['warn_below']:g}: PL101 warning"),
         Band(limits["overtrained_above"], y_high, "overtraining",
              f"over {limits['overtrained_above']:g}: over-training (PL101)"))
    _add(panel, Curve((low, high), (baseline, baseline), "baseline", f"{baseline:g}:1 (Hoffmann et al. 2022)"))
    if _has_loss_fit(first):
        computes = logspace(*_compute_span_for_sizes(fit, low, high))
        pairs = [fit.optimal_split(c) for c in computes]
        panel.curves.append(Curve(tuple(p for p, _ in pairs), tuple(t / p for p, t in pairs), "fit-ratio",
                                  f"compute-optimal ({fit.label})"))
    seen: list[float] = []
    for entry in entries:
        compute = entry.numbers.values["train_flops_6nd"]
        if any(math.isclose(compute, c, rel_tol=0.01) for c in seen):
            continue
        seen.append(compute)
        label = (f"{units.sci(compute)} FLOPs (6ND)" if not compare else
                 "each plan's compute (6ND)" if len(seen) == 1 else "")
        _add(panel, _curve(logspace(low, high), lambda p, c=compute: c / est.training_flops(p, 1.0) / p,
                           "iso-flop-plan", label))
    _add(panel, *recipes, *extra, *plans)
    parts = []
    for entry, point in zip(entries, plans):
        per = "active param" if entry.numbers.plan.model.is_moe else "param"
        parts.append(f"{entry.name}: {units.ratio(point.y)} tokens per {per} at {units.count(point.x)} "
                     f"{'active ' if per == 'active param' else ''}params.")
    if not compare:
        parts.extend(f"{p.label} ({units.ratio(p.y)} tokens/param)." for p in extra)
    parts.append(f"Baseline {baseline:g}:1; over-training noted above {limits['overtrained_above']:g}, a warning "
                 f"below {limits['warn_below']:g} and an error below {limits['error_below']:g} (PL101).")
    caption = (f"The ~{baseline:g}:1 line is Chinchilla's compute-optimal baseline (Hoffmann et al. 2022, Table 3)"
               + (f"; the dashed curve is the {fit.label}'s compute-optimal ratio at each size" if _has_loss_fit(first)
                  else "") +
               ". The straight line through the plan is every size at the plan's compute (6ND): the compute-optimal "
               "split of that compute sits where it crosses the compute-optimal curve. A mixture of experts is placed "
               "by its active parameters, as PL101 judges it. Shaded: PL101's thresholds as configured"
               + (f" for {entries[0].name}" if compare and len({tuple(t.items()) for t in thresholds}) > 1 else "")
               + ".")
    title = "The plans' tokens per parameter" if compare else f"{entries[0].name}: tokens per parameter"
    return Chart("tokens-per-param", title, " ".join(parts), caption, [panel], compare)


def _compute_span_for_sizes(fit, low: float, high: float) -> tuple[float, float]:
    """The compute range whose compute-optimal sizes cover [low, high] params: N = G (C/6)^a."""
    return 6.0 * (low / fit.G) ** (1.0 / fit.a), 6.0 * (high / fit.G) ** (1.0 / fit.a)


# ---------------------------------------------------------------------------------------
# Repeated data
# ---------------------------------------------------------------------------------------


def _effective(tokens: float, unique: float) -> float:
    """D' of ``tokens`` drawn from ``unique`` (none drawn: none worth)."""
    return est.effective_tokens(tokens, unique) if tokens > 0 else 0.0


def repetition_chart(entry: Entry) -> Chart:
    """Effective against raw tokens under repetition (Muennighoff et al. 2023, Eq. 5), with the
    plan's epochs; beside it each mix source that declares its unique tokens, in epochs."""
    n, v = entry.numbers, entry.numbers.values
    unique, tokens = n.plan.data.unique_tokens, n.plan.data.train_tokens
    high = max(1.5 * tokens, NEARLY_FRESH_EPOCHS * 1.25 * unique)
    panel = Panel("Effective against raw tokens", "raw training tokens, D (tokens)", "effective tokens, D' (tokens)",
                  x_log=False, x_unit="tokens", y_unit="tokens", epochs_of=unique)
    xs = linspace(0.0, high)
    _add(panel, Curve(xs, xs, "fresh", "fresh data (no repetition)"),
         _curve(xs, lambda d: _effective(d, unique), "effective",
                f"repeated data (Muennighoff et al. 2023, R* = {est.R_D_STAR:.2f})"))
    for epochs in (1.0, NEARLY_FRESH_EPOCHS):
        _add(panel, Marker(epochs * unique, "epochs", f"{epochs:g} epoch{'' if epochs == 1 else 's'}"))
    _add(panel, Point(tokens, v["effective_unique_tokens"], "plan", f"the plan: {v['epochs']:.2f} epochs",
                      "data.train_tokens, effective_unique_tokens"))
    panels = [panel]
    description = (f"{entry.name} trains on {units.count(tokens)} tokens over {units.count(unique)} unique: "
                   f"{v['epochs']:.2f} epochs, worth {units.count(v['effective_unique_tokens'])} fresh tokens "
                   f"({units.pct(v['effective_unique_tokens'] / tokens)} of the raw count).")
    if n.mix:
        by_source = Panel("Each source of the mix", "epochs over the source's unique tokens (epochs)",
                          "effective epochs, D'/U (epochs)", x_log=False)
        top = max(NEARLY_FRESH_EPOCHS * 1.25, max(r.epochs for r in n.mix) * 1.2, v["epochs"] * 1.2)
        epochs = linspace(0.0, top)
        _add(by_source, Curve(epochs, epochs, "fresh", "fresh data"),
             _curve(epochs, lambda e: _effective(e, 1.0), "effective", "repeated data"))
        _add(by_source, Marker(NEARLY_FRESH_EPOCHS, "epochs", f"{NEARLY_FRESH_EPOCHS:g} epochs"))
        for r in n.mix:
            _add(by_source, Point(r.epochs, r.effective_tokens / r.unique_tokens, "source", r.source,
                                  f"mix_repetition: {units.count(r.tokens)} drawn from {units.count(r.unique_tokens)} "
                                  f"unique, worth {units.count(r.effective_tokens)}", r.index))
        _add(by_source, Point(v["epochs"], v["effective_unique_tokens"] / unique, "plan", "the whole plan",
                              "epochs, effective_unique_tokens / data.unique_tokens"))
        panels.append(by_source)
        description += " " + " ".join(f"{r.source}: {r.epochs:.2f} epochs, worth {units.count(r.effective_tokens)} of "
                                      f"its {units.count(r.tokens)} tokens." for r in n.mix)
    caption = ("D' = U + U R*(1 − e^(−R/R*)), R the repeats of the U unique tokens, R* = "
               f"{est.R_D_STAR:.2f} (Muennighoff et al. 2023, Eq. 5): the fresh tokens the repeated data is worth. Up "
               f"to about {NEARLY_FRESH_EPOCHS:g} epochs it is nearly as good as fresh data (PL102's threshold); "
               f"no amount of repetition is worth more than U (1 + R*), {units.count(unique * (1 + est.R_D_STAR))} "
               "tokens for this plan.")
    return Chart("repetition", f"{entry.name}: what its repeated data is worth", description, caption, panels)


# ---------------------------------------------------------------------------------------
# Training against serving
# ---------------------------------------------------------------------------------------


def serving_chart(entry: Entry) -> Chart:
    """Cumulative cost against tokens served: training once, serving per token, and where
    serving overtakes training; in dollars when both are priced, else in FLOPs."""
    n, v = entry.numbers, entry.numbers.values
    serving = n.serving
    if v["train_usd"] and v["serve_usd_per_million_tokens"]:  # priced, and neither free (no crossover then)
        unit, trained, per_token = "usd", v["train_usd"], v["serve_usd_per_million_tokens"] / 1e6
        y_label = "cumulative cost (US$)"
        train_note, serve_note = "train_usd", "serve_usd_per_million_tokens / 1e6 per token"
        priced = f"{units.usd(trained)} to train, {units.usd(v['serve_usd_per_million_tokens'])} per 1M tokens served"
    else:
        unit, trained = "FLOPs", v["train_flops"]
        per_token = SERVE_FLOPS_PER_PARAM * serving.active_params
        y_label = "cumulative compute (FLOPs)"
        train_note, serve_note = "train_flops", f"2 x {units.count(serving.active_params)} active params per token"
        priced = (f"{units.sci(trained)} FLOPs to train, {units.sci(per_token)} FLOPs per token served (2N, Kaplan et "
                  "al. 2020)")
    crossover = trained / per_token
    lifetime = n.plan.serving.lifetime_tokens
    low, high = _span([crossover] + ([lifetime] if lifetime else []), pad=100.0)
    panel = Panel("Training against serving", "tokens served over the model's life (tokens)", y_label, y_log=True,
                  x_unit="tokens", y_unit=unit)
    xs = logspace(low, high)
    _add(panel, Curve(xs, tuple(trained for _ in xs), "training", "training (once)"),
         Curve(xs, tuple(per_token * x for x in xs), "serving", "serving"),
         Curve(xs, tuple(trained + per_token * x for x in xs), "total", "training + serving"))
    _add(panel, Point(crossover, trained, "crossover", f"serving = training at {units.count(crossover)} tokens",
                      f"{train_note} / ({serve_note})"))
    description = f"{entry.name}: {priced}; serving costs as much as training after {units.count(crossover)} tokens."
    if lifetime:
        total = trained + per_token * lifetime
        _add(panel, Point(lifetime, total, "lifetime", f"serving.lifetime_tokens: {units.count(lifetime)}",
                          f"{train_note} + {serve_note} x serving.lifetime_tokens"))
        description += (f" Over its declared lifetime of {units.count(lifetime)} tokens serving is "
                        f"{units.pct(per_token * lifetime / total)} of the total.")
    caption = (f"Serving as the numbers price it ({n.notes['serve_tokens_per_second']}); "
               + ("dollars from the training and serving accelerator-hour prices." if unit == "usd" else
                  "in FLOPs, because " + ("the training cost" if not v["train_usd"] else "the serving cost")
                  + f" is not priced ({_unpriced_why(n)}).")
               + ("" if lifetime else " Declare serving.lifetime_tokens to mark the plan's own serving volume."))
    return Chart("serving", f"{entry.name}: training against serving", description, caption, [panel])


def _unpriced_why(numbers) -> str:
    v, notes = numbers.values, numbers.notes
    if v["train_usd"] is None:
        return notes["train_usd"]
    if not v["train_usd"]:
        return "compute.usd_per_gpu_hour is 0"
    if v["serve_usd_per_million_tokens"] is None:
        return notes["serve_usd_per_million_tokens"]
    return "serving.usd_per_gpu_hour is 0"


# ---------------------------------------------------------------------------------------
# Which charts a plan gets
# ---------------------------------------------------------------------------------------

CHART_NAMES = {
    "frontier": "loss against compute, with the compute-optimal frontier",
    "tokens-per-param": "tokens per parameter",
    "repetition": "effective against raw tokens under repetition",
    "serving": "training against lifetime serving",
}


def plan_charts(entry: Entry, thresholds: dict) -> tuple[list[Chart], list[tuple[str, str]]]:
    """The charts the plan has the inputs for, and (chart key, why not) for the others."""
    n, v = entry.numbers, entry.numbers.values
    charts, missing = [], []
    if not (finite(v["train_flops_6nd"]) and finite(v["active_params"])):
        return [], [(key, "the plan's numbers are too large to draw") for key in CHART_NAMES]
    if _has_loss_fit(n):
        charts.append(frontier_chart([entry]))
    else:
        missing.append(("frontier", n.notes["predicted_loss"]))
    charts.append(tokens_per_param_chart([entry], [thresholds]))
    if v["epochs"] is not None:
        charts.append(repetition_chart(entry))
    else:
        missing.append(("repetition", n.notes["epochs"]))
    if n.serving is not None:
        charts.append(serving_chart(entry))
    else:
        missing.append(("serving", n.notes["serve_tokens_per_second"]))
    return charts, missing


def comparison_charts(entries: list[Entry], thresholds: list[dict]) -> list[Chart]:
    drawable = [e for e in entries if finite(e.numbers.values["train_flops_6nd"])]
    if len(drawable) < 2:
        return []
    charts = []
    if _has_loss_fit(drawable[0].numbers):
        charts.append(frontier_chart(drawable, compare=True))
    charts.append(tokens_per_param_chart(drawable, [thresholds[entries.index(e)] for e in drawable], compare=True))
    return charts
