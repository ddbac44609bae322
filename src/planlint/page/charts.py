"""The report's charts, drawn with matplotlib from :mod:`planlint.page.series` (which holds the
numbers; nothing is computed here but where a label goes).

matplotlib is the optional extra ``planlint[report]`` and is imported only on this path
(:func:`require`). Figures are built on matplotlib's object API, never pyplot's global state,
and written by its SVG backend with a fixed hash salt and no date, so the same plan gives
the same bytes; text stays text (``svg.fonttype: none``) with a font list that ends in the
generic ``sans-serif``, so nothing is fetched to show it. PNG, for slides, goes through Agg.

Every mark is told apart by its shape and line style as well as its colour (Okabe and Ito's
palette, chosen to survive colour blindness, and greyscale through the shapes): the plan is a
star, the compute-optimal alternative a diamond, the frontier a thick solid line, iso-FLOP
curves dashed.
"""

from __future__ import annotations

import html
import io
import math
import re

from planlint import units
from planlint.page.series import Chart, Panel
from planlint.report.escape import visible

INSTALL_HINT = "pip install 'planlint[report]'"

# Okabe & Ito 2008, "Color Universal Design": distinguishable with every common colour-vision deficiency
VERMILLION, BLUE, GREEN, PURPLE, ORANGE, SKY = "#D55E00", "#0072B2", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"
INK, GREY, LIGHT = "#222222", "#666666", "#999999"

POINT_STYLES = {
    "plan": dict(marker="*", color=VERMILLION, markersize=17, markeredgecolor=INK, markeredgewidth=0.8, zorder=5),
    # the alternatives are hollow and drawn under the plan, which they often all but cover
    "same-compute": dict(marker="D", color=GREEN, markersize=11, markerfacecolor="none", markeredgewidth=2.0,
                         zorder=4),
    "data-constrained": dict(marker="H", color=GREEN, markersize=12, markerfacecolor="none", markeredgewidth=2.0,
                             zorder=4),
    "same-loss": dict(marker="s", color=PURPLE, markersize=11, markerfacecolor="none", markeredgewidth=2.0, zorder=4),
    "full-budget": dict(marker="^", color=ORANGE, markersize=9, markeredgecolor=INK, markeredgewidth=0.8, zorder=5),
    "inference-optimal": dict(marker="v", color=SKY, markersize=9, markeredgecolor=INK, markeredgewidth=0.8, zorder=5),
    "recipe": dict(marker="o", color="white", markersize=5, markeredgecolor=GREY, markeredgewidth=1.1, zorder=4),
    "source": dict(marker="p", color=ORANGE, markersize=7, markeredgecolor=INK, markeredgewidth=0.8, zorder=5),
    "crossover": dict(marker="X", color=INK, markersize=9, markeredgecolor="white", markeredgewidth=0.6, zorder=5),
    "lifetime": dict(marker="P", color=GREEN, markersize=10, markeredgecolor=INK, markeredgewidth=0.8, zorder=6),
}
CURVE_STYLES = {
    "frontier": dict(color=BLUE, linewidth=2.4, linestyle="-", zorder=3),
    "frontier-data": dict(color=BLUE, linewidth=1.6, linestyle=(0, (6, 2)), zorder=3),
    "iso-flop-plan": dict(color=INK, linewidth=1.3, linestyle="-.", zorder=2),
    "iso-flop": dict(color=LIGHT, linewidth=1.0, linestyle="--", zorder=2),
    "same-size": dict(color=GREY, linewidth=1.1, linestyle=":", zorder=2),
    "baseline": dict(color=BLUE, linewidth=2.4, linestyle="-", zorder=3),
    "fit-ratio": dict(color=BLUE, linewidth=1.2, linestyle="--", zorder=3),
    "fresh": dict(color=LIGHT, linewidth=1.2, linestyle="--", zorder=2),
    "effective": dict(color=BLUE, linewidth=2.4, linestyle="-", zorder=3),
    "training": dict(color=INK, linewidth=1.3, linestyle="--", zorder=2),
    "serving": dict(color=GREEN, linewidth=1.5, linestyle="-.", zorder=2),
    "total": dict(color=BLUE, linewidth=2.4, linestyle="-", zorder=3),
}
BAND_STYLES = {
    "error": dict(facecolor=VERMILLION, edgecolor=VERMILLION, alpha=0.10, hatch="xx"),
    "warning": dict(facecolor=ORANGE, edgecolor=ORANGE, alpha=0.12, hatch="//"),
    "overtraining": dict(facecolor=SKY, edgecolor=SKY, alpha=0.14, hatch="\\\\"),
}
# In a comparison each plan has its own shape and colour, in this order.
PLAN_CYCLE = (("*", VERMILLION), ("D", BLUE), ("s", GREEN), ("^", PURPLE), ("v", ORANGE), ("P", SKY), ("X", INK),
              ("h", VERMILLION), ("p", BLUE), ("<", GREEN), (">", PURPLE), ("o", ORANGE))

RC = {
    "svg.hashsalt": "planlint",  # clip-path and marker ids from a fixed salt: the same bytes every run
    "svg.fonttype": "none",  # text as text: readable, searchable, no glyphs to embed
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],  # ships with matplotlib: the same metrics on every machine
    "font.size": 9.0,
    "axes.titlesize": 10.0,
    "legend.fontsize": 7.5,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#e4e4e4",
    "grid.linewidth": 0.6,
    "hatch.linewidth": 0.5,
}
# what the browser uses where DejaVu Sans is not installed
FONT_FALLBACK = "'DejaVu Sans', 'Bitstream Vera Sans', 'Liberation Sans', Arial, Helvetica, sans-serif"


class MissingExtra(RuntimeError):
    """matplotlib is not installed."""


def require():
    """matplotlib, or MissingExtra with the one line that says how to get it."""
    try:
        import matplotlib
        from matplotlib.figure import Figure  # noqa: F401 (the part of it the charts use)
    except ImportError as exc:
        raise MissingExtra(f"planlint report draws its charts with matplotlib, which is not installed "
                           f"({exc.name or 'matplotlib'}): {INSTALL_HINT}") from None
    return matplotlib


def label_text(text) -> str:
    """Outside text (a plan or source name) as matplotlib shows it literally: hidden characters
    spelled out, and no '$' that would start mathtext."""
    return visible(text).replace("$", r"\$")


# ---------------------------------------------------------------------------------------
# Drawing
# ---------------------------------------------------------------------------------------


def figure(chart: Chart):
    """A matplotlib Figure of ``chart``; call inside :func:`style` (the rc settings apply at
    creation and when saved). Each artist's gid names what it shows (``p0-plan-0``: panel 0,
    the plan, plan 0), so tests and the page can find it. The legends go under the axes, where
    they hide no mark; the figure grows to hold them."""
    from matplotlib.figure import Figure

    count = len(chart.panels)
    width = PANEL_WIDTH * count
    fig = Figure(figsize=(width, AXES_HEIGHT), dpi=100)
    axes = [fig.add_subplot(1, count, number + 1) for number in range(count)]
    pending = [_draw_panel(ax, panel, f"p{number}", chart.compare) for number, (ax, panel)
               in enumerate(zip(axes, chart.panels))]
    entries = [ax.get_legend_handles_labels()[1] for ax in axes]
    columns = [2 if max((len(t) for t in labels), default=0) <= LEGEND_TWO_COLUMNS else 1 for labels in entries]
    rows = max(math.ceil(len(labels) / cols) for labels, cols in zip(entries, columns))
    top = TOP_MARGIN + (EPOCH_AXIS if any(p.epochs_of for p in chart.panels) else 0.0)
    height = top + AXES_HEIGHT + X_AXIS_HEIGHT + rows * LEGEND_ROW + 0.1
    fig.set_size_inches(width, height)
    fig.subplots_adjust(left=LEFT_MARGIN / width, right=1 - 0.15 / width, top=1 - top / height,
                        bottom=(X_AXIS_HEIGHT + rows * LEGEND_ROW + 0.1) / height, wspace=0.26)
    for ax, labels, cols in zip(axes, pending, columns):
        _place_labels(ax, labels)
        if ax.get_legend_handles_labels()[1]:
            ax.legend(loc="upper left", bbox_to_anchor=(-0.02, -X_AXIS_HEIGHT / AXES_HEIGHT), ncol=cols,
                      frameon=False, borderaxespad=0.0, handlelength=2.6, columnspacing=1.4)
    return fig


TICK_LABELS = {"tokens": units.count, "params": units.count, "usd": units.usd, "FLOPs": units.sci,
               "ratio": units.number}

# inches: a panel's width, the axes' height, what the ticks and label under them and the title over them take
PANEL_WIDTH, AXES_HEIGHT, X_AXIS_HEIGHT, TOP_MARGIN, EPOCH_AXIS, LEFT_MARGIN = 5.6, 3.3, 0.5, 0.3, 0.4, 0.75
LEGEND_ROW = 0.165  # one legend line at 7.5 pt
LEGEND_TWO_COLUMNS = 34  # characters: longer entries take the panel's width alone


def _draw_panel(ax, panel: Panel, gid: str, compare: bool) -> list[tuple]:
    """Draw ``panel`` on ``ax``; the labels to place once the figure has its final size."""
    from matplotlib.ticker import FuncFormatter, NullFormatter, NullLocator

    ax.set_title(panel.title, loc="left")
    ax.set_xlabel(panel.x_label)
    ax.set_ylabel(panel.y_label)
    if panel.x_log:
        ax.set_xscale("log")
    if panel.y_log:
        ax.set_yscale("log")
    x_low, x_high, y_low, y_high = _limits(panel)
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    for axis, log in ((ax.xaxis, panel.x_log), (ax.yaxis, panel.y_log)):
        if log:  # the decades and their grid lines are enough to read a log axis (minor ticks: slow to draw)
            axis.set_minor_locator(NullLocator())
    for axis, unit, log in ((ax.xaxis, panel.x_unit, panel.x_log), (ax.yaxis, panel.y_unit, panel.y_log)):
        shown = TICK_LABELS.get(unit)
        if shown is not None:  # as planlint writes these numbers everywhere (and no mathtext to lay out)
            axis.set_major_formatter(FuncFormatter(lambda x, _pos, shown=shown: shown(x) if x else "0"))
        if log or shown is not None:
            axis.set_minor_formatter(NullFormatter())
    ax.spines["bottom"].set_gid(f"{gid}-x-axis")
    ax.spines["left"].set_gid(f"{gid}-y-axis")

    for band in panel.bands:
        low, high = max(band.low, y_low), min(band.high, y_high)
        if low < high:
            ax.axhspan(low, high, linewidth=0, label=band.label, gid=f"{gid}-band-{band.role}", zorder=1,
                       **BAND_STYLES[band.role])
    for number, curve in enumerate(panel.curves):
        ax.plot(curve.xs, curve.ys, label=curve.label or None, gid=f"{gid}-{curve.role}-{number}",
                **CURVE_STYLES[curve.role])
    for number, marker in enumerate(panel.markers):
        ax.axvline(marker.x, color=GREY, linewidth=1.0, linestyle=(0, (1, 2)), gid=f"{gid}-marker-{number}", zorder=2)
        ax.annotate(label_text(marker.label), (marker.x, 1.0), xycoords=("data", "axes fraction"), xytext=(3, -3),
                    textcoords="offset points", rotation=90, ha="left", va="top", fontsize=7, color=GREY)
    recipes = [p for p in panel.points if p.role == "recipe"]
    if recipes:
        ax.plot([p.x for p in recipes], [p.y for p in recipes], linestyle="none", gid=f"{gid}-recipes",
                label="published recipes" + (" (predicted loss)" if not panel.y_log else ""), **POINT_STYLES["recipe"])
    labels: list[tuple] = []  # (point, text, style)
    for point in panel.points:
        if point.role == "recipe":
            labels.append((point, point.label, dict(fontsize=6.5, color=GREY)))
            continue
        style = dict(POINT_STYLES[point.role])
        if compare and point.role in ("plan", "same-compute"):
            shape, colour = PLAN_CYCLE[point.index % len(PLAN_CYCLE)]
            style.update(marker=shape, color=colour, markersize=16 if shape == "*" else 9)
            if point.role == "same-compute":  # the plan's own shape, hollow: where its compute is best spent
                style.update(markerfacecolor="none", markeredgecolor=colour, markeredgewidth=1.6, zorder=4)
        legend = point.role != "source" and not (compare and point.role in ("plan", "same-compute"))
        ax.plot([point.x], [point.y], linestyle="none", gid=f"{gid}-{point.role}-{point.index}",
                label=point.label if legend else None, **style)
        if point.role == "source" or (compare and point.role == "plan"):
            labels.append((point, label_text(point.label), dict(fontsize=7.5, color=INK)))
    if compare and panel.point("same-compute") is not None:
        ax.plot([], [], linestyle="none", marker="D", markerfacecolor="none", markeredgecolor=INK,
                label="hollow: the plan's compute-optimal split")
    if panel.epochs_of:
        unique = panel.epochs_of
        top = ax.secondary_xaxis("top", functions=(lambda d: d / unique, lambda e: e * unique))
        top.set_xlabel("epochs over the unique tokens (epochs)")
    return labels


def _limits(panel: Panel) -> tuple[float, float, float, float]:
    """Axis limits from the curves and points (a curve that shoots off is cut, not followed)."""
    xs = [x for c in panel.curves for x in c.xs] + [p.x for p in panel.points] + [m.x for m in panel.markers]
    if panel.x_log:
        x_low, x_high = min(x for x in xs if x > 0), max(xs)
    else:
        x_low, x_high = 0.0, max(xs)
    point_ys = [p.y for p in panel.points]
    main = [c for c in panel.curves if c.role in ("frontier", "frontier-data", "baseline", "effective", "total",
                                                   "training", "serving")]
    curve_ys = [y for c in main for x, y in zip(c.xs, c.ys) if x_low <= x <= x_high]
    ys = point_ys + curve_ys + [b.low for b in panel.bands if b.low > 0] + [b.high for b in panel.bands]
    if panel.y_log:
        y_low, y_high = min(y for y in ys if y > 0), max(ys)
        return x_low, x_high, y_low, y_high
    if not panel.x_log:  # linear both ways: from zero
        return x_low, x_high * 1.02, 0.0, max(ys) * 1.08
    low, high = min(ys), max(ys)
    if panel.curve("iso-flop-plan") is not None:  # the profiles rise steeply on both sides: show their bowl
        high = max(point_ys) + 0.6 * (max(point_ys) - low) + 0.05
    pad = 0.06 * (high - low or 1.0)
    return x_low, x_high, low - pad, high + pad


def _place_labels(ax, labels) -> None:
    """Put each label beside its point where it overlaps no label placed before it (tried in
    turn: right, left, above, below), estimating text width from the font size."""
    scale = ax.figure.dpi / 72.0
    placed = []  # the marks are in the way too
    for line in ax.lines:
        if line.get_marker() not in (None, "None", "none", ""):
            radius = line.get_markersize() * scale / 2
            for x, y in zip(line.get_xdata(), line.get_ydata()):
                px, py = ax.transData.transform((x, y))
                placed.append((px - radius, py - radius, px + radius, py + radius))
    x_min, y_min, x_max, y_max = ax.bbox.extents
    for point, text, style in sorted(labels, key=lambda item: (item[0].x, item[0].y)):
        px, py = ax.transData.transform((point.x, point.y))
        size = style["fontsize"] * scale
        width, height = 0.6 * size * len(text), 1.2 * size
        gap = 5 * scale
        options = [(gap, -height / 2), (-gap - width, -height / 2), (-width / 2, gap), (-width / 2, -gap - height),
                   (gap, gap), (gap, -gap - height), (-gap - width, gap), (-gap - width, -gap - height)]
        best, best_cost = options[0], math.inf
        for dx, dy in options:
            box = (px + dx, py + dy, px + dx + width, py + dy + height)
            outside = (box[0] < x_min) + (box[2] > x_max) + (box[1] < y_min) + (box[3] > y_max)
            cost = 10 * outside + sum(_overlap(box, other) for other in placed) / (width * height)
            if cost < best_cost:
                best, best_cost = (dx, dy), cost
            if cost == 0:
                break
        dx, dy = best
        placed.append((px + dx, py + dy, px + dx + width, py + dy + height))
        ax.annotate(text, (point.x, point.y), xytext=(dx / scale, dy / scale), textcoords="offset points", ha="left",
                    va="bottom", zorder=7, **style)


def _overlap(a, b) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def style():
    """The rc settings every chart is drawn and saved under."""
    return require().rc_context(RC)


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


def svg_document(chart: Chart, prefix: str) -> str:
    """A standalone SVG file of ``chart``, with its <title> and <desc>."""
    return _accessible(_clean(_render_svg(chart, prefix), prefix), chart, prefix, standalone=True)


def inline_svg(chart: Chart, prefix: str) -> str:
    """``chart`` as an <svg> element for an HTML page: ids prefixed with ``prefix`` (unique in
    the page), role img, labelled by its own <title> and <desc>."""
    return _accessible(_clean(_render_svg(chart, prefix), prefix), chart, prefix, standalone=False)


def png(chart: Chart, dpi: int = 200) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with style():
        fig = figure(chart)
        FigureCanvasAgg(fig)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def _render_svg(chart: Chart, prefix: str) -> str:
    """matplotlib's SVG of ``chart`` (drawn once: the page and a chart file share it)."""
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    if prefix in chart.rendered:
        return chart.rendered[prefix]
    with style():
        fig = figure(chart)
        FigureCanvasSVG(fig)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    chart.rendered[prefix] = out.getvalue()
    return chart.rendered[prefix]


_PROLOGUE = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_COMMENT = re.compile(r"\s*<!--.*?-->", re.S)
_ID = re.compile(r'\bid="([^"]+)"')
_REFERENCE = re.compile(r'(url\(#|href="#)([^")]+)')
_FONT = re.compile(r"font-family: 'DejaVu Sans'")


def _clean(svg: str, prefix: str) -> str:
    """matplotlib's SVG without its prologue, metadata or comments (they name URLs and echo the
    text), with every id and reference to one prefixed, and a font list that falls back."""
    svg = _PROLOGUE.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _COMMENT.sub("", svg)
    svg = _ID.sub(lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = _REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", svg)
    return _FONT.sub(f"font-family: {FONT_FALLBACK}", svg)


def _accessible(svg: str, chart: Chart, prefix: str, standalone: bool) -> str:
    """The chart's title and description as the SVG's first children, and the root labelled by them."""
    title, desc = html.escape(visible(chart.title)), html.escape(visible(chart.description))
    opening = re.match(r"<svg\b[^>]*>", svg)
    head = opening.group(0)
    attributes = f' role="img" aria-labelledby="{prefix}title {prefix}desc"'
    if not standalone:
        head = re.sub(r' (width|height)="[^"]*"', "", head)  # the page sizes it (its viewBox keeps the shape)
    head = head[:-1] + attributes + ">"
    body = svg[opening.end():]
    prologue = '<?xml version="1.0" encoding="utf-8" standalone="no"?>\n' if standalone else ""
    return (f'{prologue}{head}\n <title id="{prefix}title">{title}</title>\n <desc id="{prefix}desc">{desc}</desc>'
            f"{body}")
