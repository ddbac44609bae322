"""``planlint checklist`` output: text for a terminal, Markdown for a pull request (GitHub task
lists), JSON for scripts."""

from __future__ import annotations

import json

from planlint.checklist import PlanChecklist, Status

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


def _details(checklist: PlanChecklist, verdict, evidence_line: str, fix_line: str, quote=str):
    """The evidence lines, then the fix of an item that is not done."""
    for evidence in verdict.evidence:
        yield evidence_line.format(text=quote(evidence.text), where=_where(checklist.file, evidence))
    if verdict.fix and verdict.status is not Status.DONE:
        yield fix_line.format(fix=quote(verdict.fix))


def render_text(checklists: list[PlanChecklist], stream) -> None:
    for checklist in _plans(checklists, stream):
        stream.write(f"{checklist.file}: {checklist.name}: {_summary(checklist)}\n")
        for item in checklist.items:
            verdict = item.verdict
            label = "" if verdict.status is Status.DONE else f"{verdict.status}: "
            stream.write(f"  {_MARK[verdict.status]} {item.id}: {item.title}\n      {label}{verdict.reason}\n")
            for line in _details(checklist, verdict, "      - {text} ({where})", "      = fix: {fix}"):
                stream.write(line + "\n")


def render_markdown(checklists: list[PlanChecklist], stream) -> None:
    """GitHub task lists: done is checked, missing unchecked, not applicable checked and struck
    through (nothing is left to do for it)."""
    for checklist in _plans(checklists, stream):
        stream.write(f"### Checklist: {checklist.name} (`{checklist.file}`)\n\n{_summary(checklist)}.\n\n")
        for item in checklist.items:
            verdict = item.verdict
            title = f"**{item.title}** (`{item.id}`)"
            if verdict.status is Status.DONE:
                line = f"- [x] {title}: {verdict.reason}"
            elif verdict.status is Status.NOT_APPLICABLE:
                line = f"- [x] ~~{item.title}~~ (`{item.id}`): not applicable, {verdict.reason}"
            else:
                line = f"- [ ] {title}: {verdict.status}, {verdict.reason}"
            stream.write(_md(line) + "\n")
            for detail in _details(checklist, verdict, "  - {text} (`{where}`)", "  - fix: {fix}", _md):
                stream.write(detail + "\n")


def _md(text: str) -> str:
    """Keep Markdown from reading plan text as markup (a `|` or `<` in a value)."""
    return text.replace("<", "&lt;").replace("|", "\\|")


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
    stream.write(json.dumps(rows, indent=2) + "\n")


RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}
