"""``planlint report``: a self-contained HTML page of plans, with their findings, estimates,
checklists and charts (the plan on the scaling frontier), the same charts as files, and a
Markdown summary.

* :mod:`planlint.page.series`: what each chart plots, from the plan's numbers (no drawing);
* :mod:`planlint.page.charts`: the matplotlib figures (the optional extra ``planlint[report]``);
* :mod:`planlint.page.recipes`: the published recipes drawn for comparison, with sources;
* :mod:`planlint.page.model`, :mod:`~planlint.page.html`, :mod:`~planlint.page.markdown`: the
  report, the page and the summary.

Nothing here imports matplotlib at import time but :mod:`~planlint.page.charts`' functions.
"""

from __future__ import annotations

import os

PAGE_NAME = "report.html"  # the page's name inside an -o folder


def write_text(path: str, content: str) -> None:
    """Write ``content`` to ``path`` in UTF-8 (an OSError names the path)."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        handle.write(content)


def chart_files(report, fmt: str):
    """(file name, bytes) of every chart of ``report`` in ``fmt`` (svg or png)."""
    from planlint.page import charts

    def encode(chart, prefix: str) -> bytes:
        if fmt == "png":
            return charts.png(chart)
        return charts.svg_document(chart, prefix).encode("utf-8")

    for chart in report.comparison:
        yield report.comparison_file_name(chart, fmt), encode(chart, report.comparison_prefix(chart))
    for section in report.sections:
        for chart in section.charts:
            yield section.file_name(chart, fmt), encode(chart, section.prefix(chart))


def write_charts(report, folder: str, fmt: str) -> list[str]:
    """Write every chart into ``folder``; the paths written."""
    written = []
    for name, content in chart_files(report, fmt):
        path = os.path.join(folder, name)
        with open(path, "wb") as handle:
            handle.write(content)
        written.append(path)
    return written
