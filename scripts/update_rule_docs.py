"""Re-render what the rule catalogue generates: the rule tables in README.md and
rules/README.md, each page's ``**Points at:**`` line and sources (from the rules' metadata,
planlint.catalogue), the expected output of every failing example in rules/*.md, and the
rules' options in schemas/config.schema.json (scripts/update_config_schema.py).

Each catalogue page holds a failing example (a ```yaml block) followed by the output planlint
prints for it (a ```text block). tests/test_rule_docs.py fails when a page, a table or an
output is stale; after a deliberate change to a rule's metadata or messages, run

    python scripts/update_rule_docs.py

and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planlint.catalogue import builtin_rules, with_sections, with_table  # noqa: E402
from planlint.testing import doc_examples, render_example  # noqa: E402

# the files that show the rule table, and where the pages are from each
TABLES = {"README.md": "rules/", "rules/README.md": ""}


def _write(path: Path, text: str) -> int:
    if text == path.read_text(encoding="utf-8"):
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"updated {path.relative_to(ROOT)}")
    return 1


def main() -> int:
    rules = builtin_rules()
    changed = 0
    for name, pages in TABLES.items():
        path = ROOT / name
        changed += _write(path, with_table(path.read_text(encoding="utf-8"), rules, pages))
    for rule in rules:
        page = ROOT / "rules" / f"{rule.code}.md"
        text = with_sections(page.read_text(encoding="utf-8"), rule)
        examples = doc_examples(text)
        if examples.failing is not None and examples.output is not None:
            fresh = render_example(examples.failing, examples.files)
            text = text.replace(f"```text\n{examples.output}```", f"```text\n{fresh}```", 1)
        changed += _write(page, text)
    import runpy

    config_schema = runpy.run_path(str(ROOT / "scripts" / "update_config_schema.py"))["render"]()
    changed += _write(ROOT / "schemas" / "config.schema.json", config_schema)
    print(f"{changed} file(s) updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
