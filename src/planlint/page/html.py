"""The report as one self-contained HTML page: styles and charts inline, no script, and a
Content-Security-Policy that forbids the page any request, so it opens the same from a CI
artifact on an air-gapped runner.

Every piece of outside text (plan and source names, file names, messages, evidence, source
lines) is shown through :func:`text`: hidden characters spelled out by
``planlint.report.escape.visible``, then HTML-escaped. Ids and anchors are built from plan
numbers, never from names.
"""

from __future__ import annotations

import html

from planlint import units
from planlint.page import charts
from planlint.page.model import Report, Section
from planlint.page.series import CHART_NAMES, Chart
from planlint.report.escape import visible
from planlint.report.estimate_table import ROWS

# default-src 'none': no fetch, image, font, frame or script of any origin; the inline
# <style> and the SVGs' style attributes are the only styles
CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

STYLE = """
:root { color-scheme: light; --ink: #1d1d1f; --muted: #5b5b60; --line: #d8d8de; --error: #b3261e;
  --warning: #8a5300; --info: #0b5394; --done: #1e6b35; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  color: var(--ink); margin: 0 auto; padding: 1.5rem 2rem 4rem; max-width: 1200px; background: #fff; }
h1 { font-size: 1.7rem; margin: 0 0 .25rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .5rem; padding-top: 1rem; border-top: 2px solid var(--ink); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .5rem; }
p.meta, .muted { color: var(--muted); }
code, pre { font-family: "DejaVu Sans Mono", "Liberation Mono", Menlo, Consolas, monospace; font-size: .88em; }
nav ol { columns: 2; padding-left: 1.4rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .3rem .55rem; border-bottom: 1px solid var(--line); }
th { background: #f3f3f6; font-weight: 600; }
td.num { font-variant-numeric: tabular-nums; }
table.compare { font-size: .88rem; }
figure.chart { margin: 1rem 0 2rem; }
figure.chart svg { width: 100%; height: auto; display: block; }
figure.chart.single svg { max-width: 570px; }  /* the scale of the two-panel charts at full width */
figcaption { color: var(--muted); font-size: .9rem; margin-top: .35rem; max-width: 75em; }
figcaption strong { color: var(--ink); }
details { margin-top: .4rem; font-size: .9rem; }
summary { cursor: pointer; color: var(--info); }
ul.findings, ul.checklist { list-style: none; padding: 0; }
ul.findings > li, ul.checklist > li { border-left: 4px solid var(--line); padding: .35rem .8rem; margin: .5rem 0;
  background: #fafafb; }
li.sev-error { border-left-color: var(--error) !important; }
li.sev-warning { border-left-color: var(--warning) !important; }
li.sev-info { border-left-color: var(--info) !important; }
.sev { font-weight: 700; text-transform: uppercase; font-size: .8rem; letter-spacing: .03em; }
.sev-error .sev, .status-missing .status, .status-error .status { color: var(--error); }
.sev-warning .sev { color: var(--warning); }
.sev-info .sev { color: var(--info); }
li.status-done { border-left-color: var(--done) !important; }
li.status-missing, li.status-error { border-left-color: var(--error) !important; }
.status { font-weight: 700; font-size: .85rem; }
.status-done .status { color: var(--done); }
pre.source { background: #fff; border: 1px solid var(--line); padding: .35rem .6rem; overflow-x: auto; margin: .35rem 0; }
pre.source mark { background: #ffe08a; color: inherit; }
.fix { margin: .2rem 0 0; }
.fix::before { content: "fix: "; font-weight: 700; }
.banner { border: 2px solid var(--error); padding: .6rem .9rem; margin: 1rem 0; }
.banner.ok { border-color: var(--done); }
.no-chart { color: var(--muted); font-style: italic; }
@media print { body { max-width: none; padding: 0; } h2 { break-before: page; } figure.chart { break-inside: avoid; }
  details { display: none; } }
"""

_STATUS_MARK = {"done": "done", "missing": "missing", "not-applicable": "not applicable", "error": "error"}
SHOW = {key: show for _label, key, show, _note, _always in ROWS}  # each value written as `estimate` writes it


def text(value) -> str:
    """Outside text, safe in HTML content and attribute values."""
    return html.escape(visible(value, line_start=False), quote=True)


def render(report: Report) -> str:
    """The whole page."""
    plans = len(report.sections)
    title = f"planlint report: {plans} plan{'' if plans == 1 else 's'}"
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
             f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             '<meta name="referrer" content="no-referrer">',
             f"<title>{text(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>",
             "<header>", f"<h1>{text(title)}</h1>",
             f'<p class="meta">planlint {text(report.version)}; fit: {text(report.fit_label)}. Losses are what the fit '
             "predicts (nats/token), not measurements; every number is the one <code>planlint estimate</code> "
             "prints for the same plan.</p>", "</header>"]
    parts.extend(_problems(report))
    parts.extend(_contents(report))
    if len(report.sections) > 1:
        parts.extend(_comparison(report))
    for section in report.sections:
        parts.extend(_section(section))
    parts.extend(["</body>", "</html>", ""])
    return "\n".join(parts)


def _problems(report: Report) -> list[str]:
    if not (report.not_checked or report.unreadable):
        return []
    out = ['<section class="banner" id="not-checked" aria-labelledby="not-checked-title">',
           '<h2 id="not-checked-title" style="border:0;margin-top:0;padding-top:0">Not in this report</h2><ul>']
    out.extend(f"<li>{text(message)}</li>" for message in report.not_checked + report.unreadable)
    out.append("</ul></section>")
    return out


def _contents(report: Report) -> list[str]:
    out = ['<nav aria-label="Plans"><ol>']
    if len(report.sections) > 1:
        out.append('<li><a href="#comparison">Side by side</a></li>')
    for section in report.sections:
        out.append(f'<li><a href="#{section.anchor}">{text(section.entry.name)}</a> '
                   f'<code>{text(section.result.name)}</code>: {section.verdict()}</li>')
    out.append("</ol></nav>")
    return out


# ---------------------------------------------------------------------------------------
# Side by side
# ---------------------------------------------------------------------------------------

COMPARED = (  # (heading, value key) beside the plan's own params and tokens; shown as `estimate` shows them
    ("tokens per param", "tokens_per_param"),
    ("training compute", "train_flops"),
    ("predicted loss", "predicted_loss"),
    ("compute waste", "compute_waste"),
    ("GPU-hours", "gpu_hours"),
    ("training cost", "train_usd"),
    ("serving cost", "serve_usd_per_million_tokens"),
)


def compared_value(numbers, key: str) -> str:
    value = numbers.values.get(key)
    if key == "tokens_per_param" and numbers.values.get("tokens_per_active_param") is not None:
        # a mixture is judged per active parameter (PL101 and the tokens-per-parameter chart)
        return f"{SHOW['tokens_per_active_param'](numbers.values)} per active ({SHOW[key](numbers.values)} per total)"
    return SHOW[key](numbers.values) if value is not None else "-"


def _comparison(report: Report) -> list[str]:
    out = ['<section id="comparison" aria-labelledby="comparison-title">',
           '<h2 id="comparison-title">Side by side</h2>', '<table class="compare">', "<thead><tr><th>plan</th><th>params</th>"
           "<th>tokens</th>" + "".join(f"<th>{heading}</th>" for heading, _ in COMPARED) + "<th>findings</th></tr></thead>",
           "<tbody>"]
    for section in report.sections:
        plan = section.numbers.plan
        params = units.count(plan.model.params) + (f" ({units.count(section.numbers.active)} active)"
                                                   if plan.model.is_moe else "")
        cells = "".join(f'<td class="num">{text(compared_value(section.numbers, key))}</td>' for _, key in COMPARED)
        out.append(f'<tr><td><a href="#{section.anchor}">{text(section.entry.name)}</a></td>'
                   f'<td class="num">{text(params)}</td><td class="num">{text(units.count(plan.data.train_tokens))}</td>'
                   f"{cells}<td>{section.verdict()}</td></tr>")
    out.extend(["</tbody></table>"])
    for chart in report.comparison:
        out.append(_figure(chart, report.comparison_prefix(chart)))
    out.append("</section>")
    return out


# ---------------------------------------------------------------------------------------
# One plan
# ---------------------------------------------------------------------------------------


def _section(section: Section) -> list[str]:
    result, entry = section.result, section.entry
    out = [f'<section id="{section.anchor}" aria-labelledby="{section.anchor}-title">',
           f'<h2 id="{section.anchor}-title">{text(entry.name)} <code>{text(result.name)}</code></h2>',
           f"<p>{section.verdict()}; fit: {text(section.numbers.fit.label)}.</p>"]
    out.extend(_findings(section))
    out.append("<h3>Charts</h3>")
    for chart in section.charts:
        out.append(_figure(chart, section.prefix(chart)))
    for key, why in section.missing:
        out.append(f'<p class="no-chart">Not drawn: {text(CHART_NAMES[key])}: {text(why)}.</p>')
    out.extend(_estimate(section))
    out.extend(_checklist(section))
    out.append("</section>")
    return out


def _findings(section: Section) -> list[str]:
    findings = section.result.findings
    out = ["<h3>Findings</h3>"]
    if not findings:
        out.append("<p>No findings.</p>")
        return out
    out.append('<ul class="findings">')
    lines = section.result.doc.lines if section.result.doc is not None else []
    for finding in findings:
        where = f"{finding.file or section.result.name}:{finding.line}:{finding.column}"
        out.append(f'<li class="sev-{finding.severity}"><p style="margin:0"><code>{text(where)}</code> '
                   f'<strong>{text(finding.code)}</strong> <span class="sev">{finding.severity}</span> '
                   f'{text(finding.message)} <span class="muted">({text(finding.rule)})</span></p>')
        out.append(_source(finding, lines))
        out.extend(f'<p class="muted" style="margin:0">{text(line)}</p>' for line in finding.details)
        if finding.fix:
            out.append(f'<p class="fix">{text(finding.fix)}</p>')
        out.append("</li>")
    out.append("</ul>")
    return out


def _source(finding, lines: list[str]) -> str:
    """The finding's source line with the key or value it concerns marked."""
    number = finding.span.line
    if not 1 <= number <= len(lines):
        return ""
    line = lines[number - 1].rstrip("\r\n")
    start = min(max(finding.span.column - 1, 0), len(line))
    end = min(finding.span.end_column - 1, len(line)) if finding.span.end_line == number else len(line.rstrip())
    end = max(end, start + 1)
    return (f'<pre class="source" aria-label="line {number}"><span class="muted">{number} | </span>'
            f"{text(line[:start])}<mark>{text(line[start:end])}</mark>{text(line[end:])}</pre>")


def _figure(chart: Chart, prefix: str) -> str:
    kind = "double" if len(chart.panels) > 1 else "single"
    rows = []
    for panel in chart.panels:
        for point in panel.points:
            rows.append(f"<tr><td>{text(panel.title)}</td><td>{text(point.label)}</td>"
                        f'<td class="num">{_coordinate(point.x)}</td><td class="num">{_coordinate(point.y)}</td>'
                        f"<td>{text(point.note)}</td></tr>")
    table = ("<details><summary>The numbers plotted</summary><table><thead><tr><th>panel</th><th>mark</th><th>x</th>"
             "<th>y</th><th>from</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></details>")
    return (f'<figure class="chart {kind}" id="{prefix}figure">{charts.inline_svg(chart, prefix)}'
            f"<figcaption><strong>{text(chart.title)}.</strong> {text(chart.caption)}</figcaption>{table}</figure>")


def _coordinate(value: float) -> str:
    return f"{value:.4g}" if abs(value) < 1e4 else units.sci(value, 4)


def _estimate(section: Section) -> list[str]:
    numbers = section.numbers
    out = ["<h3>Estimate</h3>", "<table><thead><tr><th>quantity</th><th>value</th><th>what it assumed</th></tr>"
           "</thead><tbody>"]
    for label, key, show, note_key, always in ROWS:  # the rows `planlint estimate` prints, in its order
        value = numbers.values.get(key)
        if (value is None and not always) or (key == "active_params" and not numbers.plan.model.is_moe):
            continue
        shown = show(numbers.values) if value is not None else "-"
        out.append(f'<tr><td>{text(label)}</td><td class="num">{text(shown)}</td>'
                   f"<td>{text(numbers.notes.get(note_key, ''))}</td></tr>")
    out.append("</tbody></table>")
    return out


def _checklist(section: Section) -> list[str]:
    checklist = section.checklist
    out = ["<h3>Checklist</h3>", '<ul class="checklist">']
    for item in checklist.items:
        verdict = item.verdict
        status = str(verdict.status)
        out.append(f'<li class="status-{status}"><span class="status">{_STATUS_MARK.get(status, text(status))}</span> '
                   f"<strong>{text(item.title)}</strong> <code>{text(item.id)}</code>: {text(verdict.reason)}")
        if verdict.evidence:
            out.append("<ul>")
            for evidence in verdict.evidence:
                where = f" (line {evidence.line})" if evidence.line is not None else ""
                out.append(f"<li>{text(evidence.text)}<span class=\"muted\">{where}</span></li>")
            out.append("</ul>")
        if verdict.fix and status != "done":
            out.append(f'<p class="fix">{text(verdict.fix)}</p>')
        out.append("</li>")
    out.append("</ul>")
    return out
