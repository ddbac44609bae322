"""Regenerate schemas/config.schema.json from the built-in rules' declared options.

Run after adding a rule option; tests/test_config.py fails while the file is out of date.
"""

import json
from pathlib import Path

from planlint.config import json_schema
from planlint.plugins import build_registry

ROOT = Path(__file__).resolve().parent.parent


def render() -> str:
    return json.dumps(json_schema(build_registry(autoload=False)), indent=2) + "\n"


if __name__ == "__main__":
    target = ROOT / "schemas" / "config.schema.json"
    text = render()
    if target.exists() and target.read_text(encoding="utf-8") == text:
        print("schemas/config.schema.json is up to date")
    else:
        target.write_text(text, encoding="utf-8")
        print("updated schemas/config.schema.json")
