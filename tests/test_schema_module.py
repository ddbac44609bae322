"""planlint.plan_schema is schemas/plan.schema.json, key order included (messages list what
the schema lists in its order); ``python scripts/update_schema_module.py`` rewrites it."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

from planlint import plan_schema, validate

ROOT = Path(__file__).resolve().parent.parent


def test_the_python_copy_is_the_published_schema():
    published = json.loads((ROOT / "schemas" / "plan.schema.json").read_text(encoding="utf-8"))
    assert json.dumps(plan_schema.SCHEMA) == json.dumps(published)
    assert validate.plan_schema() is plan_schema.SCHEMA


def test_the_module_is_what_the_script_writes():
    spec = importlib.util.spec_from_file_location("update_schema_module", ROOT / "scripts" / "update_schema_module.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert (ROOT / "src" / "planlint" / "plan_schema.py").read_text(encoding="utf-8") == script.render(), (
        "run: python scripts/update_schema_module.py")
