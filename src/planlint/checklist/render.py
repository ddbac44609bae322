"""``planlint checklist`` output: text for a terminal, Markdown for a pull request (GitHub task
lists), JSON for scripts.

Names, titles, reasons and evidence come from plans and plugins. The text output shows them
through ``planlint.report.escape.visible``; the Markdown escapes them (``markdown_text``:
no heading, list or task item, link, image, raw HTML, mention or reference can come from a
value, so a plan cannot tick an item or embed an image) and puts file names and item ids in
code spans; the JSON carries the exact text.
"""

from __future__ import annotations

from planlint.checklist import PlanChecklist, Status
from planlint.report.escape import markdown_code, markdown_text, visible, write_json

_MARK = {Status.DONE: "[x]", Status.MISSING: "[ ]", Status.NOT_APPLICABLE: "[-]", Status.ERROR: "[!]"}


def _where(file: str, evidence) -> str:
    return f"{file}:{evidence.line}" if evidence.line is not None else file


def _summary(checklist: PlanChecklist) -> str:
    parts = [f"{checklist.count(Status.DONE)} done", f"{checklist.count(Status.MISSING)} missing",
             f"{checklist.count(Status.NOT_APPLICABLE)} not applicable"]
    if checklist.count(Status.ERROR):
        parts.append(f"{checklist.count(Status.ERROR)} error")
    return ", ".join(parts)


def _plans(checklists: list[PlanChecklist], stream):
    """Each plan's checklist, a blank line between two."""
    for number, checklist in enumerate(checklists):
        if number:
            stream.write("\n")
        yield checklist


def _details(checklist: PlanChecklist, verdict, evidence_line: str, fix_line: str, quote, quote_where):
    """The evidence lines, then the fix of an item that is not done."""
    for evidence in verdict.evidence:
        yield evidence_line.format(text=quote(evidence.text), where=quote_where(_where(checklist.file, evidence)))
    if verdict.fix and verdict.status is not Status.DONE:
        yield fix_line.format(fix=quote(verdict.fix))


def render_text(checklists: list[PlanChecklist], stream) -> None:
    for checklist in _plans(checklists, stream):
        stream.write(f"{visible(checklist.file)}: {visible(checklist.name)}: {_summary(checklist)}\n")
        for item in checklist.items:
            verdict = item.verdict
            label = "" if verdict.status is Status.DONE else f"{verdict.status}: "
            stream.write(f"  {_MARK[verdict.status]} {visible(item.id)}: {visible(item.title)}\n"
                         f"      {label}{visible(verdict.reason)}\n")
            for line in _details(checklist, verdict, "      - {text} ({where})", "      = fix: {fix}", visible, visible):
                stream.write(line + "\n")


def render_markdown(checklists: list[PlanChecklist], stream) -> None:
    """GitHub task lists: done is checked, missing unchecked, not applicable checked and struck
    through (nothing is left to do for it)."""
    for checklist in _plans(checklists, stream):
        stream.write(f"### Checklist: {markdown_text(checklist.name)} ({markdown_code(checklist.file)})\n\n"
                     f"{_summary(checklist)}.\n\n")
        for item in checklist.items:
            verdict = item.verdict
            item_title, item_id, reason = markdown_text(item.title), markdown_code(item.id), markdown_text(verdict.reason)
            title = f"**{item_title}** ({item_id})"
            if verdict.status is Status.DONE:
                line = f"- [x] {title}: {reason}"
            elif verdict.status is Status.NOT_APPLICABLE:
                line = f"- [x] ~~{item_title}~~ ({item_id}): not applicable, {reason}"
            else:
                line = f"- [ ] {title}: {verdict.status}, {reason}"
            stream.write(line + "\n")
            for detail in _details(checklist, verdict, "  - {text} ({where})", "  - fix: {fix}", markdown_text,
                                   markdown_code):
                stream.write(detail + "\n")


def render_json(checklists: list[PlanChecklist], stream) -> None:
    rows = [{
        "file": checklist.file,
        "name": checklist.name,
        "counts": {str(status): checklist.count(status) for status in Status},
        "items": [{
            "id": item.id, "title": item.title, "plugin": item.plugin, "status": str(item.verdict.status),
            "reason": item.verdict.reason, "fix": item.verdict.fix or None,
            "evidence": [{"text": e.text, "pointer": e.pointer, "line": e.line, "column": e.column}
                         for e in item.verdict.evidence],
        } for item in checklist.items],
    } for checklist in checklists]
    write_json(rows, stream)


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
