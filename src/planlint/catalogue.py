"""The rule indexes, made from the rules' metadata: the table in ``README.md`` and in
``rules/README.md``, and the generated sections of each page in ``rules/`` (its sources).

A rule's metadata (code, name, aliases, default severity, summary, the key it points at,
sources) lives once, on its class; the indexes, the pages' ``**Points at:**`` line and
``## Sources``, ``planlint explain`` and the SARIF descriptors all read it there. ``python scripts/update_rule_docs.py`` rewrites what is generated and
``tests/test_rule_docs.py`` fails when a file is stale. A table is the text between the
:data:`TABLE_START` and :data:`TABLE_END` comments; a column or a page section for a new
metadata field is one entry in :data:`COLUMNS` or :data:`PAGE_SECTIONS`.
"""

from __future__ import annotations

import re
from typing import Callable

TABLE_START = "<!-- rule table: generated from the rules' metadata by scripts/update_rule_docs.py -->"
TABLE_END = "<!-- end of the rule table -->"


def _name(rule) -> str:
    aliases = tuple(getattr(rule, "aliases", ()))
    return rule.name + (f" (was {', '.join(aliases)})" if aliases else "")


# (header, cell of a rule given the folder of the pages, relative to the file the table is in)
COLUMNS: list[tuple[str, Callable[[type, str], str]]] = [
    ("code", lambda rule, pages: f"[{rule.code}]({pages}{rule.code}.md)"),
    ("name", lambda rule, pages: _name(rule)),
    ("default", lambda rule, pages: str(rule.severity)),
    ("what it checks", lambda rule, pages: rule.summary),
]

# (heading, the lines under it): a page has the section when the rule gives it lines, and
# not otherwise; a new section goes before the examples
PAGE_SECTIONS: list[tuple[str, Callable[[type], list[str]]]] = [
    ("Sources", lambda rule: [f"- {source}" for source in rule.sources]),
]
_BEFORE = ("## Failing example", "## Passing example")


def builtin_rules() -> list:
    """planlint's own rules, by code (no plugin's; no registry is built, so nothing else changes)."""
    from planlint.rules import planlint_rules

    return sorted(planlint_rules(), key=lambda rule: rule.code)


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def rule_table(rules, pages: str = "") -> str:
    """The Markdown table of ``rules``, one row each, linking each code to its page."""
    lines = ["| " + " | ".join(header for header, _ in COLUMNS) + " |",
             "|" + "|".join("-" * (len(header) + 2) for header, _ in COLUMNS) + "|"]
    lines += ["| " + " | ".join(_cell(cell(rule, pages)) for _, cell in COLUMNS) + " |" for rule in rules]
    return "\n".join(lines) + "\n"


def with_table(text: str, rules, pages: str = "") -> str:
    """``text`` with the table between its markers made anew (ValueError when it has none)."""
    start, end = text.find(TABLE_START), text.find(TABLE_END)
    if start < 0 or end < start:
        raise ValueError(f"no {TABLE_START!r} ... {TABLE_END!r} markers")
    return f"{text[:start]}{TABLE_START}\n{rule_table(rules, pages)}{text[end:]}"


POINTS_AT = 4  # the line under the title and the severity line, after a blank one


def with_points_at(page: str, rule) -> str:
    """The page with its ``**Points at:**`` line (which key a finding and its suppression
    comment go on) made from the rule's ``points_at``."""
    lines = page.split("\n")
    line = f"**Points at:** {rule.points_at}"
    if lines[POINTS_AT].startswith("**Points at:**"):
        lines[POINTS_AT] = line
    else:
        lines[POINTS_AT:POINTS_AT] = [line, ""]
    return "\n".join(lines)


def with_sections(page: str, rule) -> str:
    """The page ``page`` of ``rule`` with its ``**Points at:**`` line and each section of
    :data:`PAGE_SECTIONS` made anew."""
    page = with_points_at(page, rule)
    for heading, lines_of in PAGE_SECTIONS:
        lines = lines_of(rule)
        section = f"## {heading}\n\n" + "".join(f"{line}\n" for line in lines) + "\n" if lines else ""
        found = re.search(rf"^## {re.escape(heading)}\n.*?(?=^## |\Z)", page, re.M | re.S)
        if found:
            page = page[:found.start()] + section + page[found.end():]
            continue
        if not section:
            continue
        places = [page.find(f"\n{before}\n") for before in _BEFORE]
        at = min((place + 1 for place in places if place >= 0), default=None)
        if at is None:
            page = page.rstrip("\n") + "\n\n" + section.rstrip("\n") + "\n"
        else:
            page = page[:at] + section + page[at:]
    return page.rstrip("\n") + "\n"
