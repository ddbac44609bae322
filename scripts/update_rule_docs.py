"""Re-render the expected output of every failing example in rules/*.md.

Each catalogue page holds a failing example (a ```yaml block) followed by the output planlint
prints for it (a ```text block). tests/test_rule_docs.py fails when they disagree; after a
deliberate change to a message, run

    python scripts/update_rule_docs.py

and review the diff.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from planlint.testing import doc_examples, render_example  # noqa: E402


def main() -> int:
    changed = 0
    for page in sorted((ROOT / "rules").glob("PL*.md")):
        text = page.read_text(encoding="utf-8")
        examples = doc_examples(text)
        if examples.failing is None or examples.output is None:
            continue
        fresh = render_example(examples.failing, examples.files)
        if fresh != examples.output:
            text = text.replace(f"```text\n{examples.output}```", f"```text\n{fresh}```", 1)
            page.write_text(text, encoding="utf-8")
            changed += 1
            print(f"updated {page.relative_to(ROOT)}")
    print(f"{changed} page(s) updated")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
