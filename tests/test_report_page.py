"""`planlint report`: the charts plot the numbers `estimate` prints, the page is self-contained
and escapes what it shows, the command writes what it says and fails in one line.

Plotted coordinates are read from the drawn matplotlib artists (by their gid), not from the
chart's data, so a chart that drew something else than its data would fail too.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("matplotlib", reason="the report extra (pip install '.[report]') draws the charts")

from conftest import MINIMAL  # noqa: E402
from planlint import cli as cli_module  # noqa: E402
from planlint import estimate as est  # noqa: E402
from planlint.load import load_bytes  # noqa: E402
from planlint.model import build as build_plan  # noqa: E402
from planlint.page import charts, model  # noqa: E402
from planlint.page.recipes import RECIPES  # noqa: E402
from planlint.page.series import CHART_NAMES, Entry, comparison_charts, plan_charts  # noqa: E402
from planlint.testing import lint_text  # noqa: E402
from planlint.plugins import registry as get_registry  # noqa: E402
from test_gate_output import HOSTILE_TEXT, OSC52, assert_inert, hostile_plan, hostile_tree  # noqa: E402,F401
from test_extreme_values import extreme_plans  # noqa: E402
from test_startup import _imported_by  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
HARBOR = EXAMPLES / "harbor-analytics.yaml"


def built(*paths, fit=None, config_file=None):
    """The report of ``paths`` as `planlint report` builds it (the same reading of the plans)."""
    registry = get_registry()
    resolver = cli_module._resolver(registry, config_file, False, (), (), (), None, fit=fit)
    plans, broken, errors = cli_module._checked_plans([str(p) for p in paths], registry, resolver, "reported")
    return model.build(plans, registry, resolver, broken, errors, "test")


def estimated(cli, path, *args):
    result = cli("estimate", "--format", "json", *args, str(path))
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.stdout)
    return row


def drawn(chart):
    """{gid: (xs, ys)} of every line the chart's figure draws."""
    with charts.style():
        figure = charts.figure(chart)
    lines = {}
    for ax in figure.axes:
        for line in ax.lines:
            if line.get_gid():
                lines[line.get_gid()] = (list(map(float, line.get_xdata())), list(map(float, line.get_ydata())))
    return lines


def one(lines, gid):
    xs, ys = lines[gid]
    assert len(xs) == 1, gid
    return xs[0], ys[0]


def chart_of(report, key, section=0):
    [chart] = [c for c in report.sections[section].charts if c.key == key]
    return chart


def gids(lines, prefix):
    return [g for g in lines if g.startswith(prefix)]


# --- the charts plot the numbers of `estimate` --------------------------------------------------

@pytest.mark.parametrize("name", ["harbor-analytics", "gpt3-175b", "tinyllama-1.1b", "phi-1.5", "chinchilla-70b"])
def test_the_frontier_chart_plots_the_estimate(cli, name):
    path = EXAMPLES / f"{name}.yaml"
    row = estimated(cli, path)
    lines = drawn(chart_of(built(path), "frontier"))
    # a plan that repeats its unique data is priced with them (Muennighoff et al.): its best split too
    repeated = row["data_constrained_params"] is not None
    assert repeated == (name in ("tinyllama-1.1b", "phi-1.5"))
    best, best_params = ("data-constrained", row["data_constrained_params"]) if repeated else \
        ("same-compute", row["optimal_params"])
    assert one(lines, "p0-plan-0") == (row["train_flops_6nd"], row["predicted_loss"])
    assert one(lines, f"p0-{best}-0") == (row["train_flops_6nd"], row["optimal_loss"])
    assert one(lines, "p0-same-loss-0") == (row["same_loss_flops"], row["predicted_loss"])
    # the iso-FLOP panel: the plan on its own compute's curve, the optimum at the curve's bottom
    assert one(lines, "p1-plan-0") == (row["active_params"], row["predicted_loss"])
    assert one(lines, f"p1-{best}-0") == (best_params, row["optimal_loss"])
    assert one(lines, "p1-same-loss-0") == (row["same_loss_params"], row["predicted_loss"])
    [frontier] = gids(lines, "p0-frontier-data" if repeated else "p0-frontier")
    xs, ys = lines[frontier]
    assert xs[0] < row["train_flops_6nd"] < xs[-1]
    # the frontier passes through the compute-optimal alternative (interpolated in log compute)
    i = next(i for i, x in enumerate(xs) if x > row["train_flops_6nd"])
    t = math.log(row["train_flops_6nd"] / xs[i - 1]) / math.log(xs[i] / xs[i - 1])
    assert ys[i - 1] + t * (ys[i] - ys[i - 1]) == pytest.approx(row["optimal_loss"], abs=2e-4)
    [own] = gids(lines, "p1-iso-flop-plan")
    xs, ys = lines[own]
    assert min(ys) == pytest.approx(row["optimal_loss"], abs=2e-3)  # the bowl's bottom is the optimum
    assert xs[ys.index(min(ys))] == pytest.approx(best_params, rel=0.1)
    # and the plan is on its own curve (the same loss function as predicted_loss)
    at = min(range(len(xs)), key=lambda k: abs(math.log(xs[k] / row["active_params"])))
    assert abs(math.log(xs[at] / row["active_params"])) < 0.1


def test_the_full_budget_is_plotted_where_the_plan_leaves_compute_unspent(cli):
    row = estimated(cli, HARBOR)
    lines = drawn(chart_of(built(HARBOR), "frontier"))
    report = built(HARBOR)
    split = report.sections[0].numbers.full_budget
    assert split.flops == row["budget_flops"] == 3e21
    assert one(lines, "p0-full-budget-0") == (split.flops, est.BESIROGLU_2024.loss(split.params, split.tokens))


def test_the_recipes_sit_at_6nd_and_the_loss_the_fit_predicts():
    lines = drawn(chart_of(built(HARBOR), "frontier"))
    xs, ys = lines["p0-recipes"]
    dense = [r for r in RECIPES if not r.is_moe]
    assert xs == [6 * r.params * r.tokens for r in dense]
    assert ys == [est.BESIROGLU_2024.loss(r.params, r.tokens) for r in dense]
    ratio_xs, ratio_ys = drawn(chart_of(built(HARBOR), "tokens-per-param"))["p0-recipes"]
    assert ratio_xs == [r.active for r in RECIPES]  # DeepSeek-V2 by its 21B active parameters
    assert ratio_ys == [r.tokens / r.active for r in RECIPES]


@pytest.mark.parametrize("recipe", [r for r in RECIPES if r.example], ids=lambda r: r.name)
def test_each_recipe_is_its_bundled_examples_size_and_tokens(recipe):
    doc = load_bytes((EXAMPLES / recipe.example).read_bytes(), recipe.example)
    plan = build_plan(doc.data)
    assert (recipe.params, recipe.tokens) == pytest.approx((plan.model.params, plan.data.train_tokens), rel=1e-12)
    assert recipe.active_params == (pytest.approx(plan.model.active_params, rel=1e-12) if plan.model.active_params
                                    else None)
    assert recipe.source


def test_the_recipes_are_the_scaling_references_table():
    """§4.1 of the scaling reference, where it is beside the checkout (CI has it)."""
    reference = ROOT.parent / "shared" / "reference" / "scaling_reference.md"
    if not reference.exists():
        pytest.skip("no shared/ folder beside this checkout")
    table = reference.read_text(encoding="utf-8").split("### 4.1 Main table", 1)[1].split("###", 1)[0]
    expected = {"GPT-3 175B": ("175B", "300B"), "Chinchilla 70B": ("70B", "1.4T"), "LLaMA-7B": ("6.7B", "1.0T"),
                "LLaMA-65B": ("65.2B", "1.4T"), "Llama 2 7B": ("6.74B", "2.0T"), "Llama 2 70B": ("69.0B", "2.0T"),
                "Llama 3.1 405B": ("405B", "15.6T"), "TinyLlama 1.1B": ("1.1B", "3T"), "Phi-1.5": ("1.3B", "150B")}
    rows = {line.split("|")[2].strip(): line for line in table.splitlines() if line.startswith("| ") and "|" in line[2:]}
    for recipe in RECIPES:
        if recipe.name not in expected:
            continue
        params, tokens = expected[recipe.name]
        [row] = [line for name, line in rows.items() if name.startswith(recipe.name)]
        assert params in row and tokens in row, recipe.name
        scale = {"B": 1e9, "T": 1e12}
        assert recipe.params == pytest.approx(float(params[:-1]) * scale[params[-1]], rel=1e-9)
        assert recipe.tokens == pytest.approx(float(tokens[:-1]) * scale[tokens[-1]], rel=1e-9)


@pytest.mark.parametrize("name", ["harbor-analytics", "deepseek-v2", "tinyllama-1.1b"])
def test_the_tokens_per_param_chart_plots_the_estimate(cli, name):
    path = EXAMPLES / f"{name}.yaml"
    row = estimated(cli, path)
    lines = drawn(chart_of(built(path), "tokens-per-param"))
    ratio = row["tokens_per_active_param"] if name == "deepseek-v2" else row["tokens_per_param"]
    assert one(lines, "p0-plan-0") == (row["active_params"], ratio)
    assert one(lines, "p0-same-compute-0") == (row["optimal_params"], row["optimal_tokens"] / row["optimal_params"])
    [baseline] = gids(lines, "p0-baseline")
    assert set(lines[baseline][1]) == {20.0}
    [iso] = gids(lines, "p0-iso-flop-plan")
    assert all(6 * n * (r * n) == pytest.approx(row["train_flops_6nd"], rel=1e-9) for n, r in zip(*lines[iso]))


def test_the_configured_pl101_thresholds_and_baseline_are_the_ones_drawn(cli, tmp_path):
    plan = tmp_path / "plan.yaml"
    shutil.copyfile(HARBOR, plan)
    (tmp_path / ".planlint.yaml").write_text("options:\n  PL101: {baseline: 25, warn_below: 12, overtrained_above: 80}\n",
                                             encoding="utf-8")
    report = built(plan)
    chart = chart_of(report, "tokens-per-param")
    [panel] = chart.panels
    assert [(b.role, b.high) for b in panel.bands][:2] == [("error", 4.0), ("warning", 12.0)]
    assert panel.bands[2].low == 80.0
    lines = drawn(chart)
    [baseline] = gids(lines, "p0-baseline")
    assert set(lines[baseline][1]) == {25.0}
    assert report.sections[0].numbers.assumptions.baseline == 25  # as estimate and the rules see it
    assert "25:1" in estimated(cli, plan)["notes"]["tokens_per_param"].replace("~25 is", "25:1")


def test_the_repetition_chart_plots_the_estimate(cli):
    row = estimated(cli, HARBOR)
    lines = drawn(chart_of(built(HARBOR), "repetition"))
    assert one(lines, "p0-plan-0") == (40e9, row["effective_unique_tokens"])
    [curve] = gids(lines, "p0-effective")
    xs, ys = lines[curve]
    assert all(y == (est.effective_tokens(x, 60e9) if x else 0.0) for x, y in zip(xs, ys))
    sources = {one(lines, g) for g in gids(lines, "p1-source-")}
    expected = {(r["epochs"], r["effective_tokens"] / r["unique_tokens"]) for r in row["mix_repetition"]}
    assert sources == expected
    assert one(lines, "p1-plan-0") == (row["epochs"], row["effective_unique_tokens"] / 60e9)


def test_the_serving_chart_plots_the_estimate(cli):
    row = estimated(cli, HARBOR)
    lines = drawn(chart_of(built(HARBOR), "serving"))
    per_token = row["serve_usd_per_million_tokens"] / 1e6
    assert one(lines, "p0-crossover-0") == (row["train_usd"] / per_token, row["train_usd"])
    [training] = gids(lines, "p0-training")
    assert set(lines[training][1]) == {row["train_usd"]}
    [serving] = gids(lines, "p0-serving")
    assert all(y == per_token * x for x, y in zip(*lines[serving]))


def test_serving_is_in_flops_without_prices_and_marks_the_lifetime(tmp_path, cli):
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL + "serving:\n  accelerator: a10g\n  lifetime_tokens: 2T\n", encoding="utf-8")
    row = estimated(cli, plan)
    chart = chart_of(built(plan), "serving")
    lines = drawn(chart)
    per_token = 2 * row["active_params"]  # Kaplan et al. 2020: 2N FLOPs per token served
    assert one(lines, "p0-crossover-0") == (row["train_flops"] / per_token, row["train_flops"])
    assert one(lines, "p0-lifetime-0") == (2e12, row["train_flops"] + per_token * 2e12)
    assert chart.panels[0].y_label == "cumulative compute (FLOPs)"


def test_free_serving_has_no_crossover_in_dollars_and_is_drawn_in_flops(tmp_path, cli):
    plan = tmp_path / "plan.yaml"
    plan.write_text(HARBOR.read_text(encoding="utf-8").replace("  usd_per_gpu_hour: 1.00\n", "  usd_per_gpu_hour: 0\n"),
                    encoding="utf-8")
    row = estimated(cli, plan)
    assert row["serve_usd_per_million_tokens"] == 0
    chart = chart_of(built(plan), "serving")
    assert one(drawn(chart), "p0-crossover-0") == (row["train_flops"] / (2 * row["active_params"]), row["train_flops"])
    assert "in FLOPs, because the serving cost is not priced (serving.usd_per_gpu_hour is 0)" in chart.caption


@settings(max_examples=8, derandomize=True, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(extreme_plans())
def test_plans_at_every_bound_of_the_format_draw_or_say_why_not(plan):
    result = lint_text(json.dumps(plan))
    entry = Entry("edge", result.numbers)
    drawn_charts, missing = plan_charts(entry, {"warn_below": 10.0, "error_below": 4.0, "overtrained_above": 100.0})
    assert {c.key for c in drawn_charts} | {key for key, _ in missing} == set(CHART_NAMES)
    for chart in drawn_charts + comparison_charts([entry, entry], [{"warn_below": 10.0, "error_below": 4.0,
                                                                    "overtrained_above": 100.0}] * 2):
        ElementTree.fromstring(charts.svg_document(chart, "x-").encode("utf-8"))


@pytest.mark.parametrize("fit", ["hoffmann2022", "besiroglu2024"])
def test_the_chosen_fit_is_the_one_drawn(cli, fit):
    row = estimated(cli, HARBOR, "--fit", fit)
    lines = drawn(chart_of(built(HARBOR, fit=fit), "frontier"))
    assert one(lines, "p0-plan-0") == (row["train_flops_6nd"], row["predicted_loss"])
    assert one(lines, "p0-same-compute-0") == (row["train_flops_6nd"], row["optimal_loss"])


def test_the_20_tokens_rule_draws_no_loss_and_says_why():
    section = built(HARBOR, fit="rule-20").sections[0]
    assert [c.key for c in section.charts] == ["tokens-per-param", "repetition", "serving"]
    assert section.missing == [("frontier", "20 tokens/param rule has no loss function")]


def test_a_mixture_of_experts_is_a_line_at_its_compute_not_a_predicted_loss(cli):
    path = EXAMPLES / "deepseek-v2.yaml"
    row = estimated(cli, path)
    assert row["predicted_loss"] is None
    chart = chart_of(built(path), "frontier")
    assert len(chart.panels) == 1 and chart.panels[0].point("plan") is None
    [marker] = chart.panels[0].markers
    assert marker.x == row["train_flops_6nd"]
    assert "the dense-model fit does not price a mixture of experts" in chart.caption
    with charts.style():
        figure = charts.figure(chart)
    [line] = [line for line in figure.axes[0].lines if line.get_gid() == "p0-marker-0"]
    assert list(line.get_xdata()) == [row["train_flops_6nd"]] * 2


def test_the_comparison_puts_every_plan_on_the_same_axes(cli):
    paths = [EXAMPLES / "harbor-analytics.yaml", EXAMPLES / "phi-1.5.yaml", EXAMPLES / "gpt3-175b.yaml"]
    report = built(*paths)
    assert [c.key for c in report.comparison] == ["frontier", "tokens-per-param"]
    frontier, ratios = drawn(report.comparison[0]), drawn(report.comparison[1])
    for index, path in enumerate(paths):
        row = estimated(cli, path)
        assert one(frontier, f"p0-plan-{index}") == (row["train_flops_6nd"], row["predicted_loss"])
        best = row["data_constrained_params"] or row["optimal_params"]  # phi-1.5 repeats its data
        assert one(frontier, f"p1-same-compute-{index}") == (best, row["optimal_loss"])
        assert one(ratios, f"p0-plan-{index}") == (row["active_params"], row["tokens_per_param"])
    # a plan that is a published recipe is drawn once, as the plan
    xs, _ = frontier["p0-recipes"]
    assert 6 * 175e9 * 300e9 not in xs and 6 * 1.3e9 * 150e9 not in xs


def test_every_mark_differs_in_shape_and_every_curve_in_line_style():
    markers = [style["marker"] for style in charts.POINT_STYLES.values()]
    assert len(markers) == len(set(markers))
    chart_curves = [("frontier", "frontier-data", "iso-flop-plan", "iso-flop", "same-size"), ("baseline", "fit-ratio", "iso-flop-plan"),
                    ("fresh", "effective"), ("training", "serving", "total")]
    for roles in chart_curves:
        looks = [(charts.CURVE_STYLES[r]["linestyle"], charts.CURVE_STYLES[r]["linewidth"]) for r in roles]
        assert len(looks) == len(set(looks)), roles
    shapes = [shape for shape, _ in charts.PLAN_CYCLE]
    assert len(shapes) == len(set(shapes))


# --- the command --------------------------------------------------------------------------------

EXPECTED_CHARTS = {
    "chinchilla-70b": ["frontier", "tokens-per-param"],
    "deepseek-v2": ["frontier", "tokens-per-param"],
    "gemma-7b": ["frontier", "tokens-per-param"],
    "gpt3-175b": ["frontier", "tokens-per-param", "repetition"],
    "harbor-analytics": ["frontier", "tokens-per-param", "repetition", "serving"],
    "llama-3.1-405b": ["frontier", "tokens-per-param"],
    "llama-65b": ["frontier", "tokens-per-param", "repetition"],
    "llama2-70b-chat": ["frontier", "tokens-per-param"],
    "phi-1.5": ["frontier", "tokens-per-param", "repetition"],
    "tinyllama-1.1b": ["frontier", "tokens-per-param", "repetition"],
}


@pytest.fixture(scope="module")
def examples_page(tmp_path_factory):
    """`planlint report examples/ -o FOLDER --markdown FILE`, run once."""
    from click.testing import CliRunner

    from planlint.cli import main

    out = tmp_path_factory.mktemp("examples-report")
    # the published recipes at the top of examples/ (examples/launch/ holds launch-config examples)
    plans = [str(path) for path in sorted(EXAMPLES.glob("*.yaml"))]
    result = CliRunner().invoke(main, ["report", *plans, "-o", str(out / "page"), "--chart-format", "svg",
                                       "--markdown", str(out / "summary.md")], catch_exceptions=False)
    return result, out / "page"


def test_the_examples_page_has_every_chart_each_plan_has_the_inputs_for(examples_page):
    result, folder = examples_page
    assert result.exit_code == 0, result.output
    page = (folder / "report.html").read_text(encoding="utf-8")
    names = sorted(EXPECTED_CHARTS)
    assert page.count('<section id="plan-') == len(names)
    for number, name in enumerate(names, 1):
        drawn_here = re.findall(rf'<figure class="chart \w+" id="c{number}-([a-z-]+)-figure">', page)
        assert drawn_here == EXPECTED_CHARTS[name], name
        shown = sorted(p.name for p in folder.glob(f"{number:02d}-*.svg"))
        assert len(shown) == len(EXPECTED_CHARTS[name])
    assert re.findall(r'id="cmp-([a-z-]+)-figure"', page) == ["frontier", "tokens-per-param"]
    # what is not drawn is said, with the input it lacks
    assert "Not drawn: training against lifetime serving: declare serving.accelerator." in page
    assert "Not drawn: effective against raw tokens under repetition: declare data.unique_tokens." in page
    charts_total = sum(len(v) for v in EXPECTED_CHARTS.values()) + 2
    assert result.stderr == (f"planlint: wrote {folder}/report.html (10 plans, {charts_total} charts) and "
                             f"{charts_total} chart files in {folder}\n")


def test_png_chart_files_are_pngs(cli, tmp_path):
    result = cli("report", str(HARBOR), "-o", str(tmp_path), "--chart-format", "png")
    assert result.exit_code == 0, result.output
    files = sorted(tmp_path.glob("*.png"))
    assert [p.name for p in files] == [f"01-harbor-sql-coder-{key}.png" for key in
                                       ("frontier", "repetition", "serving", "tokens-per-param")]
    assert all(p.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") for p in files)
    assert (tmp_path / "report.html").exists()


def test_comparison_chart_files_are_named_for_what_they_compare(examples_page):
    _, folder = examples_page
    assert {"comparison-frontier.svg", "comparison-tokens-per-param.svg"} <= {p.name for p in folder.iterdir()}
    assert sorted(p.name for p in folder.glob("05-*")) == [f"05-harbor-sql-coder-{key}.svg" for key in
                                                          ("frontier", "repetition", "serving", "tokens-per-param")]


def test_svg_chart_files_are_accessible_standalone_svg(cli, tmp_path):
    result = cli("report", str(HARBOR), "-o", str(tmp_path / "out"), "--chart-format", "svg")
    assert result.exit_code == 0, result.output
    files = sorted((tmp_path / "out").glob("*.svg"))
    assert [p.name for p in files] == [f"01-harbor-sql-coder-{key}.svg" for key in
                                       ("frontier", "repetition", "serving", "tokens-per-param")]
    ns = {"svg": "http://www.w3.org/2000/svg"}
    for path in files:
        root = ElementTree.fromstring(path.read_bytes())
        assert root.get("role") == "img"
        title, desc = root.find("svg:title", ns), root.find("svg:desc", ns)
        assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
        assert title.text.startswith("harbor-sql-coder") and len(desc.text) > 80
        texts = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert re.search(r"\((FLOPs|nats/token|tokens/param|tokens|params|US\$|epochs)\)", texts)
        raw = path.read_text(encoding="utf-8")
        assert "<metadata" not in raw and "<!--" not in raw and "matplotlib.org" not in raw


def test_the_axis_labels_name_their_units():
    report = built(HARBOR)
    for chart in report.sections[0].charts:
        for panel in chart.panels:
            for label in (panel.x_label, panel.y_label):
                assert re.search(r"\([^)]+\)$", label), label


def test_the_page_requests_nothing_and_has_unique_ids(examples_page):
    _, folder = examples_page
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none';" in page
    assert "<script" not in page.lower() and "<link" not in page.lower() and "<img" not in page.lower()
    assert "@import" not in page and "@font-face" not in page
    for attribute in re.findall(r"""\b(?:src|href|xlink:href|action|srcset|poster|data)\s*=\s*["']?([^"'\s>]*)""", page):
        assert attribute.startswith("#"), attribute  # anchors in the page, nothing else
    assert re.findall(r"url\(([^)]*)\)", page) and all(u.startswith("#") for u in re.findall(r"url\(([^)]*)\)", page))
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page)
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1][:5]
    for labelled in re.findall(r'aria-labelledby="([^"]+)"', page):
        assert all(part in ids for part in labelled.split())


def test_the_same_plans_give_the_same_bytes(cli, tmp_path):
    for run in ("a", "b"):
        (tmp_path / run).mkdir()
        assert cli("report", str(HARBOR), "-o", str(tmp_path / run / "r.html"),
                   "--markdown", str(tmp_path / run / "s.md")).exit_code == 0
    for name in ("r.html", "s.md"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_the_page_holds_findings_with_source_lines_estimate_and_checklist(cli, tmp_path):
    out = tmp_path / "r.html"
    assert cli("report", str(EXAMPLES / "gpt3-175b.yaml"), "-o", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    name = str(EXAMPLES / "gpt3-175b.yaml")
    assert (f'<li class="sev-error"><p style="margin:0"><code>{name}:16:3</code> <strong>PL101</strong> '
            '<span class="sev">error</span> 1.7 tokens/param (300B tokens for 175B params), under') in page
    assert '<p class="muted" style="margin:0">same loss: 41.1B params on 777B tokens' in page
    assert ('<pre class="source" aria-label="line 16"><span class="muted">16 | </span>  <mark>train_tokens</mark>: '
            "300B           # Brown et al. 2020, Table 2.2 / Table D.1</pre>") in page
    assert '<p class="fix">train on &gt;= 3.5T tokens (20:1 for 175B params), or shrink to 15B params' in page
    assert ('<tr><td>training compute</td><td class="num">3.15e23 FLOPs</td><td>6ND: 6 x 175B params x 300B '
            "tokens, Kaplan et al. 2020</td></tr>") in page
    assert ('<li class="status-done"><span class="status">done</span> <strong>Compute budget documented in FLOPs or '
            "GPU-hours before the model size is chosen.</strong> <code>compute-budget</code>") in page
    assert "<p>1 finding (1 error); fit: Besiroglu et al. 2024 refit.</p>" in page


def test_the_markdown_summary_for_one_plan(cli):
    result = cli("report", str(HARBOR), "-o", os.devnull, "--markdown", "-", "--link", "https://ci.example/a/1")
    assert result.exit_code == 0, result.output
    name = str(HARBOR)
    assert result.stdout == textwrap.dedent(f"""\
        ### planlint report: 1 plan

        [Open the report](https://ci.example/a/1): 4 charts, the estimate and the checklist of each plan.

        Fit: Besiroglu et al. 2024 refit; losses are predicted (nats/token), not measured.

        | plan | file | params | tokens | tokens per param | training compute | predicted loss | compute waste | GPU-hours | training cost | serving cost | findings |
        |---|---|---|---|---|---|---|---|---|---|---|---|
        | harbor-sql-coder | `{name}` | 1.3B | 40B | 30.8 | 3.12e20 FLOPs | 2.419 (optimum 2.418) | 0.94% | 832 GPU-h | $1,498 | $0.29 per 1M tokens | 2 findings (1 warning, 1 info) |

        #### harbor-sql-coder (`{name}`)

        - **warning** `PL102` `{name}:35:7`: 5.0 epochs of source 'licensed-schemas': 9.6% of its 2B tokens buy nothing
        - **info** `PL206` `{name}:38:3`: the plan needs 10% of the 3e21 FLOPs it declares
        """)  # noqa: E501


def test_a_plan_that_cannot_be_checked_is_listed_and_exit_1(cli, tmp_path):
    shutil.copyfile(HARBOR, tmp_path / "good.yaml")
    (tmp_path / "bad.yaml").write_text(MINIMAL.replace("goal: base", "goal: bass"), encoding="utf-8")
    out = tmp_path / "r.html"
    result = cli("report", str(tmp_path), "-o", str(out))
    assert result.exit_code == 1
    page = out.read_text(encoding="utf-8")
    assert page.count('<section id="plan-') == 1
    assert '<section class="banner" id="not-checked"' in page
    assert f"<li>{tmp_path}/bad.yaml: not reported, the plan could not be checked (first: 3:7 PL002" in page
    assert f"planlint: {tmp_path}/bad.yaml: not reported, the plan could not be checked" in result.stderr


def test_a_missing_path_still_writes_the_others_and_exits_2(cli, tmp_path):
    out = tmp_path / "r.html"
    result = cli("report", str(HARBOR), str(tmp_path / "gone.yaml"), "-o", str(out))
    assert result.exit_code == 2
    assert result.stderr.endswith(f"planlint: error: {tmp_path}/gone.yaml: no such file or folder\n")
    assert f"<li>{tmp_path}/gone.yaml: no such file or folder</li>" in out.read_text(encoding="utf-8")


def test_no_plans_is_exit_2_and_writes_nothing(cli, tmp_path):
    out = tmp_path / "r.html"
    result = cli("report", str(tmp_path), "-o", str(out))
    assert result.exit_code == 2
    assert "no plans found" in result.stderr
    assert not out.exists()


@pytest.mark.parametrize("args, message", [
    (["--link", "javascript:alert(1)", "--markdown", "-"], "--link javascript:alert(1): give the page's http(s) address"),
    (["--link", "https://x.example/a)b", "--markdown", "-"], "--link https://x.example/a)b: give the page's http(s)"),
    (["--link", "https://x.example/"], "--link is where the Markdown summary points: add --markdown FILE"),
])
def test_a_bad_link_is_a_usage_error(cli, tmp_path, args, message):
    result = cli("report", str(HARBOR), "-o", str(tmp_path / "r.html"), *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"planlint: error: {message}")
    assert not (tmp_path / "r.html").exists()


def test_the_report_never_overwrites_its_input(cli, tmp_path):
    plan = tmp_path / "plan.yaml"
    shutil.copyfile(HARBOR, plan)
    for args in (["-o", str(plan)], ["-o", str(tmp_path / "r.html"), "--markdown", str(plan)]):
        result = cli("report", str(plan), *args)
        assert result.exit_code == 2
        assert "which this run reads; planlint never overwrites its input" in result.stderr
    assert plan.read_bytes() == HARBOR.read_bytes()
    result = cli("report", str(plan), "-o", str(tmp_path / "same.html"), "--markdown", str(tmp_path / "same.html"))
    assert (result.exit_code, result.stderr) == (2, f"planlint: error: -o and --markdown name the same file "
                                                    f"({tmp_path}/same.html): name two files\n")


def test_chart_format_into_a_file_is_a_usage_error(cli, tmp_path):
    target = tmp_path / "r.html"
    target.write_text("x", encoding="utf-8")
    result = cli("report", str(HARBOR), "-o", str(target), "--chart-format", "png")
    assert result.exit_code == 2
    assert "--chart-format writes the page and the charts into a folder, and this is a file" in result.stderr
    assert target.read_text(encoding="utf-8") == "x"


def test_an_output_that_cannot_be_written_is_one_line(cli, tmp_path):
    result = cli("report", str(HARBOR), "-o", str(tmp_path / "no" / "such" / "r.html"))
    assert result.exit_code == 2
    assert result.stderr == f"planlint: error: {tmp_path}/no/such/r.html: cannot write the report: No such file or directory\n"


def test_without_matplotlib_report_is_one_line_and_exit_2(tmp_path):
    probe = textwrap.dedent("""\
        import sys
        sys.modules["matplotlib"] = None  # as if the report extra were not installed
        from planlint.cli import main
        main(sys.argv[1:])
        """)
    out = tmp_path / "r.html"
    done = subprocess.run([sys.executable, "-c", probe, "report", str(HARBOR), "-o", str(out)], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 2
    assert done.stderr == ("planlint: error: planlint report draws its charts with matplotlib, which is not installed "
                           "(matplotlib): pip install 'planlint[report]'\n")
    assert done.stdout == "" and not out.exists()


@pytest.mark.parametrize("args", [["check", str(HARBOR)], ["estimate", str(HARBOR)], ["checklist", str(HARBOR)],
                                  ["--version"], ["--help"]])
def test_only_report_imports_matplotlib(args):
    modules = _imported_by(args)
    assert "planlint.engine" in modules or args[0].startswith("--")  # the probe ran the command
    assert [m for m in modules if m.split(".")[0] in ("matplotlib", "numpy", "PIL") or m.startswith("planlint.page")] \
        == []


def test_report_imports_matplotlib(tmp_path):
    """The probe above sees matplotlib where it is imported."""
    plan = tmp_path / "plan.yaml"
    plan.write_text(MINIMAL, encoding="utf-8")
    assert "matplotlib" in _imported_by(["report", str(plan), "-o", str(tmp_path / "r.html")])


# --- outside text -------------------------------------------------------------------------------

def test_hostile_names_are_escaped_on_the_page_in_the_charts_and_in_the_summary(cli, tmp_path):
    name = f"<script>alert(1)</script> $\\frac{{a}}{{b}}$ {HOSTILE_TEXT}"
    plan = hostile_plan(name=name).replace("  mix:\n", "  unique_tokens: 5B\n  mix:\n").replace(
        "share: 50%}", "share: 50%, unique_tokens: 4B}")
    folder = tmp_path / "<img src=x onerror=alert(1)>"
    folder.mkdir()
    path = folder / "p\u202e.yaml"
    path.write_text(plan, encoding="utf-8")
    result = cli("report", str(path), "-o", f"{tmp_path / 'out'}/", "--markdown", "-")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert_inert(page)
    assert_inert(result.stdout)
    assert_inert(result.stderr)
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "\\x1b]52;c;cm0gLXJmIH4=\\x07" in page and "p\\u202e.yaml" in page  # spelled out, visibly
    # matplotlib drew the names as plain text: no mathtext fraction, the dollar signs kept
    svg = (tmp_path / "out" / "01-script-alert-1-script-frac-a-b-set-output-name-x-repetition.svg"
           ).read_text(encoding="utf-8")
    assert_inert(svg)
    ElementTree.fromstring(svg.encode("utf-8"))  # well-formed
    assert "$\\frac{a}{b}$" in page
    import cmarkgfm
    from cmarkgfm.cmark import Options

    rendered = cmarkgfm.github_flavored_markdown_to_html(result.stdout, options=Options.CMARK_OPT_UNSAFE)
    assert "<script" not in rendered and "<img" not in rendered and "href" not in rendered
    assert set(re.findall(r"</?([a-z0-9]+)", rendered)) <= {"h3", "h4", "p", "table", "thead", "tbody", "tr", "th",
                                                           "td", "ul", "li", "strong", "code"}
    assert OSC52 not in page + svg + result.stdout


def test_hostile_file_names_and_a_broken_plan_are_shown_inert(cli, hostile_tree, tmp_path):
    result = cli("report", str(hostile_tree), "-o", f"{tmp_path}/", "--markdown", "-")
    assert result.exit_code == 1  # the broken plan is listed, not reported
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    for text in (page, result.stdout, result.stderr, *(p.read_text(encoding="utf-8") for p in tmp_path.glob("*.svg"))):
        assert_inert(text)
    assert page.count('<section id="plan-') == 3
    assert "x\\x0a::error::pwned.yaml" in page and "p\\udcff\\x1b]52;" in page
    assert "broken\\x1b[2J.yaml: not reported, the plan could not be checked (first: 3:1 PL001 syntax error" in page


def test_a_name_is_never_a_file_path():
    assert model.slug("../../etc/passwd") == "etc-passwd"
    assert model.slug("\u202e") == "u202e"
    assert model.slug("////") == "plan"
    assert len(model.slug("x" * 500)) == 48


# --- the README -------------------------------------------------------------------------------

def test_the_readme_chart_is_current(tmp_path):
    """docs/report-frontier.svg is what the command draws today: byte for byte with the
    matplotlib that drew it; under another version (which writes the same chart with other last
    digits) the chart's title, description and every text in it."""
    import matplotlib

    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import update_report_chart as script
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    fresh = script.stamp(script.render(str(tmp_path)).read_text(encoding="utf-8"))
    stored = script.TARGET.read_text(encoding="utf-8")
    hint = "docs/report-frontier.svg is out of date: run `python scripts/update_report_chart.py`"
    assert "](docs/report-frontier.svg)" in (ROOT / "README.md").read_text(encoding="utf-8")
    if script.drawn_by(stored) == matplotlib.__version__:
        assert fresh == stored, hint
    else:
        def texts(svg):
            root = ElementTree.fromstring(svg.encode("utf-8"))
            return ["".join(t.itertext()).strip() for t in root.iter()
                    if t.tag.rsplit("}", 1)[-1] in ("title", "desc", "text")]
        assert texts(fresh) == texts(stored), hint


def test_plans_with_different_fits_share_no_frontier_until_one_fit_is_chosen(tmp_path):
    own = tmp_path / "own.yaml"
    own.write_text(HARBOR.read_text(encoding="utf-8") + "loss_fit: {name: team-fit, E: 1.7, A: 500, B: 2500, "
                   "alpha: 0.36, beta: 0.30, source: team notebook}\n", encoding="utf-8")
    mixed = built(HARBOR, own)
    assert [s.numbers.fit.key for s in mixed.sections] == ["besiroglu2024", "team-fit"]
    assert mixed.comparison == []  # no common frontier to draw them on
    assert mixed.fit_label == ("Besiroglu et al. 2024 refit, the team-fit fit (the plans choose different fits, so "
                               "they share no frontier: --fit NAME prices them all with one)")
    common = built(HARBOR, own, fit="hoffmann2022")
    assert [s.numbers.fit.key for s in common.sections] == ["hoffmann2022", "hoffmann2022"]
    assert [c.key for c in common.comparison] == ["frontier", "tokens-per-param"]


def test_the_side_by_side_table_gives_a_mixture_its_ratio_per_active_param(cli):
    from planlint import units
    from planlint.page.html import compared_value

    moe, dense = built(EXAMPLES / "deepseek-v2.yaml", EXAMPLES / "gpt3-175b.yaml").sections
    moe_row, dense_row = estimated(cli, EXAMPLES / "deepseek-v2.yaml"), estimated(cli, EXAMPLES / "gpt3-175b.yaml")
    # DeepSeek-V2: 8.1T tokens over 21B active of 236B params (the ratio PL101 judges comes first)
    assert compared_value(moe.numbers, "tokens_per_param") == (
        f"{units.ratio(moe_row['tokens_per_active_param'])} per active ({units.ratio(moe_row['tokens_per_param'])} per total)")
    assert compared_value(moe.numbers, "tokens_per_param") == "386 per active (34.3 per total)"
    assert compared_value(dense.numbers, "tokens_per_param") == units.ratio(dense_row["tokens_per_param"]) == "1.7"
