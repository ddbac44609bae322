"""Re-render the expected output of every failing example in rules/*.md, and the line that
says which key each rule points at.

Each catalogue page holds a failing example (a ```yaml block) followed by the output planlint
prints for it (a ```text block), and under its title line a ``**Points at:**`` line from the
rule's ``points_at``. tests/test_rule_docs.py fails when they disagree; after a deliberate
change to a message or to ``points_at``, run

    python scripts/update_rule_docs.py

and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planlint.plugins import registry  # noqa: E402
from planlint.testing import doc_examples, render_example  # noqa: E402

POINTS_AT = 4  # the line under the title and the severity line, after a blank one


def with_points_at(text: str, rule) -> str:
    lines = text.split("\n")
    line = f"**Points at:** {rule.points_at}"
    if lines[POINTS_AT].startswith("**Points at:**"):
        lines[POINTS_AT] = line
    else:
        lines[POINTS_AT:POINTS_AT] = [line, ""]
    return "\n".join(lines)


def main() -> int:
    changed = 0
    rules = registry().rules
    for page in sorted((ROOT / "rules").glob("PL*.md")):
        original = text = page.read_text(encoding="utf-8")
        if page.stem in rules:
            text = with_points_at(text, rules[page.stem])
        examples = doc_examples(text)
        if examples.failing is not None and examples.output is not None:
            fresh = render_example(examples.failing, examples.files)
            if fresh != examples.output:
                text = text.replace(f"```text\n{examples.output}```", f"```text\n{fresh}```", 1)
        if text != original:
            page.write_text(text, encoding="utf-8")
            changed += 1
            print(f"updated {page.relative_to(ROOT)}")
    print(f"{changed} page(s) updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
