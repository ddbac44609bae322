"""Regenerate src/planlint/plan_schema.py: schemas/plan.schema.json as a Python literal.

Every ``check`` validates against the plan schema; reading it from this module spares the
run importing json and parsing 40 KB. schemas/plan.schema.json stays the published source:
tests/test_schema_module.py fails while the module is out of date.
"""

import json
import pprint
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "schemas" / "plan.schema.json"
TARGET = ROOT / "src" / "planlint" / "plan_schema.py"

HEADER = '''"""The plan format's JSON Schema (schemas/plan.schema.json, the published source) as a Python
literal, so that a check reads it without importing json. Generated: edit the JSON file, then
run ``python scripts/update_schema_module.py`` (tests/test_schema_module.py fails until then).
"""

# fmt: off
SCHEMA = '''


def render() -> str:
    schema = json.loads(SOURCE.read_text(encoding="utf-8"))
    return HEADER + pprint.pformat(schema, width=116, sort_dicts=False) + "\n"


if __name__ == "__main__":
    text = render()
    if TARGET.exists() and TARGET.read_text(encoding="utf-8") == text:
        print("src/planlint/plan_schema.py is up to date")
    else:
        TARGET.write_text(text, encoding="utf-8")
        print("updated src/planlint/plan_schema.py")
