"""Re-render the command output the README shows: the opening `check` example (GPT-3), the
`estimate` table and the `checklist` Markdown of the Harbor Analytics plan.

tests/test_readme.py and tests/test_checklist.py fail when the README and planlint disagree;
after a deliberate change to a message, run

    python scripts/update_readme.py

and review the diff.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

HARBOR = "examples/harbor-analytics.yaml"


def _run(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "planlint", *args], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "NO_COLOR": "1", "PATH": ""})
    return done.stdout


def _opening() -> str:
    from planlint.engine import lint_bytes
    from planlint.plugins import registry
    from planlint.report import render

    stream = io.StringIO()
    render("text", [lint_bytes((ROOT / "examples" / "gpt3-175b.yaml").read_bytes(), "examples/gpt3-175b.yaml",
                               registry())], stream)
    return stream.getvalue().split("\n\nFound", 1)[0] + "\n"


def main() -> int:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    fresh = re.sub(r"(ruff or yamllint do:\n\n```text\n).*?(```)", lambda m: m.group(1) + _opening() + m.group(2),
                   readme, count=1, flags=re.S)
    for command in (f"estimate {HARBOR}", f"checklist {HARBOR} --format markdown"):
        marker = f"$ planlint {command}\n"
        output = _run(*command.split())
        fresh = re.sub(re.escape(marker) + r".*?(```)", lambda m, o=output: marker + o + m.group(1), fresh,
                       count=1, flags=re.S)
    if fresh != readme:
        (ROOT / "README.md").write_text(fresh, encoding="utf-8")
        print("updated README.md")
    else:
        print("README.md is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
